"""Plotly figures for the complaints, compliments and voice page, written as plotly's JSON (see
indicators/chart_kit.py for why). Each comes with its title and a one-sentence summary; the page
gives a table of the same numbers beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indicators import chart_kit
from indicators.chart_kit import COMPARATOR_COLOURS, OWN_COLOUR

from . import metrics
from .metrics import quarter_label
from .selectors import VoicePage

STAGE_NAMES = {
    metrics.STAGE_1: "Stage 1",
    metrics.STAGE_2: "Stage 2",
    metrics.STAGE_3: "Stage 3",
    metrics.OMBUDSMAN: "Ombudsman",
}
STAGE_COLOURS = {
    metrics.STAGE_1: OWN_COLOUR,
    metrics.STAGE_2: "#6f3c9c",
    metrics.STAGE_3: "#b05400",
    metrics.OMBUDSMAN: "#505a5f",
}
OUTCOME_NAMES = {
    metrics.UPHELD: "Upheld",
    metrics.PARTIALLY_UPHELD: "Partially upheld",
    metrics.NOT_UPHELD: "Not upheld",
    metrics.WITHDRAWN: "Withdrawn",
}


@dataclass(frozen=True)
class Chart:
    element_id: str
    title: str
    summary: str
    figure: dict[str, Any]


def _layout(**extra: Any) -> dict[str, Any]:
    """The shared small layout, with room on the right for a second axis (% upheld)."""
    return chart_kit.small_layout(**{"margin": {"l": 60, "r": 60, "t": 20, "b": 60}, **extra})


def stages_by_quarter(page: VoicePage) -> Chart | None:
    rows = page.quarters
    if not rows:
        return None
    x = [quarter_label(row.start) for row in rows]
    data = [
        chart_kit.bar(
            x=x,
            y=[row.received[stage] for row in rows],
            name=name,
            marker={"color": STAGE_COLOURS[stage]},
            hovertemplate=f"{name}: %{{y}}<extra>%{{x}}</extra>",
        )
        for stage, name in STAGE_NAMES.items()
        if any(row.received[stage] for row in rows)
    ]
    data.append(
        chart_kit.scatter(
            x=x,
            y=[None if row.upheld_percent is None else float(row.upheld_percent) for row in rows],
            name="% upheld or partially upheld",
            yaxis="y2",
            mode="lines+markers",
            line={"color": COMPARATOR_COLOURS[0], "dash": "dash", "width": 2},
            marker={"symbol": "diamond", "size": 8},
            hovertemplate="%{y}% upheld or partially upheld<extra>%{x}</extra>",
        )
    )
    figure = chart_kit.figure(
        data,
        _layout(
            barmode="stack",
            yaxis={"title": {"text": "Complaints received"}, "rangemode": "tozero"},
            yaxis2={
                "title": {"text": "% upheld"},
                "overlaying": "y",
                "side": "right",
                "range": [0, 100],
                "ticksuffix": "%",
            },
        ),
    )
    total = sum(row.total_received for row in rows)
    last = rows[-1]
    summary = (
        f"{total} complaints were received from {x[0]} to {x[-1]}; "
        f"{last.total_received} in {x[-1]}"
        + (
            f", when {last.upheld_percent}% of those concluded were upheld or partially upheld."
            if last.upheld_percent is not None
            else "."
        )
    )
    return Chart("stages-chart", "Complaints received by stage, per quarter", summary, figure)


def outcomes_by_year(page: VoicePage) -> Chart | None:
    years = page.years[-2:]
    if not years:
        return None
    data = [
        chart_kit.bar(
            x=list(OUTCOME_NAMES.values()),
            y=[year.counts.get(outcome, 0) for outcome in OUTCOME_NAMES],
            name=page.year_label(year.year_start),
            marker={"color": OWN_COLOUR if index == len(years) - 1 else COMPARATOR_COLOURS[0]},
            hovertemplate="%{x}: %{y}<extra>" + page.year_label(year.year_start) + "</extra>",
        )
        for index, year in enumerate(years)
    ]
    figure = chart_kit.figure(
        data, _layout(barmode="group", yaxis={"title": {"text": "Complaints"}})
    )
    this = years[-1]
    summary = (
        f"{this.concluded} stage 1 and 2 complaints were concluded with an outcome in "
        f"{page.year_label(this.year_start)}"
    )
    if len(years) == 2:
        summary += f", against {years[0].concluded} in {page.year_label(years[0].year_start)}"
    return Chart("outcomes-chart", "Outcomes this year against last", summary + ".", figure)


def compliment_themes(page: VoicePage) -> Chart | None:
    themes = page.compliment_themes
    if not themes:
        return None
    ordered = list(reversed(themes))
    figure = chart_kit.figure(
        [
            chart_kit.bar(
                x=[count for _theme, count in ordered],
                y=[theme for theme, _count in ordered],
                orientation="h",
                marker={"color": OWN_COLOUR},
                name="Compliments",
                hovertemplate="%{y}: %{x}<extra></extra>",
            )
        ],
        _layout(
            margin={"l": 300, "r": 20, "t": 20, "b": 50},
            xaxis={"title": {"text": "Compliments"}},
            showlegend=False,
        ),
    )
    top, count = themes[0]
    summary = (
        f"{page.compliment_total} compliments were received; the most common theme was "
        f"“{top}” ({count})."
    )
    return Chart("themes-chart", "Compliments by theme", summary, figure)


def survey_results(page: VoicePage) -> Chart | None:
    rows = [(result.survey, q) for result in page.surveys for q in result.questions]
    if not rows:
        return None
    ordered = list(reversed(rows))
    figure = chart_kit.figure(
        [
            chart_kit.bar(
                x=[float(q.percent_positive) for _s, q in ordered],
                y=[f"{q.text} ({s.title})" for s, q in ordered],
                orientation="h",
                marker={"color": OWN_COLOUR},
                name="% positive",
                hovertemplate="%{y}: %{x}%<extra></extra>",
            )
        ],
        _layout(
            margin={"l": 420, "r": 20, "t": 20, "b": 50},
            height=max(300, 40 * len(rows) + 100),
            xaxis={"title": {"text": "% positive"}, "range": [0, 100], "ticksuffix": "%"},
            showlegend=False,
        ),
    )
    best = max(rows, key=lambda row: row[1].percent_positive)
    worst = min(rows, key=lambda row: row[1].percent_positive)
    summary = (
        f"Across {len(page.surveys)} surveys, answers were most positive to “{best[1].text}” "
        f"({best[1].percent_positive:g}%) and least to “{worst[1].text}” "
        f"({worst[1].percent_positive:g}%)."
    )
    return Chart("survey-chart", "Survey results: % positive", summary, figure)


def voice_charts(page: VoicePage) -> dict[str, Chart | None]:
    return {
        "stages": stages_by_quarter(page),
        "outcomes": outcomes_by_year(page),
        "themes": compliment_themes(page),
        "surveys": survey_results(page),
    }
