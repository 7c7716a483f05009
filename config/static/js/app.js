// CSC Performance: the one script of the app (an ES module, loaded after plotly.min.js).
//
// No inline scripts anywhere, so that a strict Content-Security-Policy holds: the classes
// GOV.UK Frontend's template normally sets from an inline script are set here, and chart
// figures arrive as JSON (Django's json_script) and are drawn from this file.

import { initAll } from "/static/dist/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

initAll();

const PLOTLY_CONFIG = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"],
};

function drawCharts() {
  if (typeof window.Plotly === "undefined") {
    // The chart's table and text summary still carry the figures.
    return;
  }
  for (const el of document.querySelectorAll(".app-chart[data-figure]")) {
    const source = document.getElementById(el.dataset.figure);
    if (!source) {
      console.error(`No figure data #${el.dataset.figure} for chart`, el);
      continue;
    }
    let fig;
    try {
      fig = JSON.parse(source.textContent);
    } catch (error) {
      console.error(`Figure data #${el.dataset.figure} is not JSON`, error);
      continue;
    }
    window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, PLOTLY_CONFIG);
  }
}

drawCharts();

// An import being validated, committed or rolled back by a worker: follow its progress, and
// reload the page when the work is done so that it shows the outcome. Without JavaScript the
// page's "Check again" link does the same.
const PROGRESS_POLL_MS = 1500;

function followBatchProgress() {
  const panel = document.querySelector("[data-progress-url]");
  if (!panel) {
    return;
  }
  const bar = panel.querySelector("progress");
  const text = panel.querySelector("[data-progress-text]");
  async function poll() {
    try {
      const response = await fetch(panel.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const state = await response.json();
        if (!state.working) {
          window.location.reload();
          return;
        }
        bar.value = state.percent;
        bar.textContent = `${state.percent}%`;
        text.textContent = `${state.percent}% done: ${state.note}`;
      }
    } catch (error) {
      console.error("Could not read the import's progress", error);
    }
    window.setTimeout(poll, PROGRESS_POLL_MS);
  }
  window.setTimeout(poll, PROGRESS_POLL_MS);
}

followBatchProgress();
