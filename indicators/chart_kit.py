"""The pieces every app's plotly charts are built from: the palette, the font, the trace and
figure shapes, and the layout the small charts share.

Figures are written as plotly's JSON (a dict of `data` traces and a `layout`), not built with
plotly's `graph_objects`: those check every property as it is set, which cost 12 ms or more a
chart, a third of the indicator page's time. The tests check every chart against plotly's
schema instead (tests/indicators/test_pages.py and test_benchmarking.py).

This module is public on purpose: `indicators.charts`, `audits.charts` and `complaints.charts`
all draw with it, so it imports nothing from the rest of the app (no models, no selectors).
"""

from __future__ import annotations

from typing import Any

# Colours that keep a contrast of at least 3:1 against white (WCAG 1.4.11, non-text contrast).
OWN_COLOUR = "#1d70b8"
COMPARATOR_COLOURS = ["#505a5f", "#6f3c9c", "#b05400", "#00703c", "#912b88"]
TARGET_FILL = "rgba(0, 112, 60, 0.15)"
# Benchmarking: the other authorities' bars, and the group's quartile boundaries.
OTHER_COLOUR = "#505a5f"
BOUNDARY_COLOUR = "#0b0c0c"
TARGET_LINE = "#00703c"
MEAN_COLOUR = "#0b0c0c"
NEIGHBOUR_COLOUR = "#505a5f"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def scatter(**properties: Any) -> dict[str, Any]:
    """A scatter trace (lines, markers or both) with the given plotly properties."""
    return {"type": "scatter", **properties}


def bar(**properties: Any) -> dict[str, Any]:
    """A bar trace with the given plotly properties."""
    return {"type": "bar", **properties}


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A whole figure, as the page's script hands it to plotly."""
    return {"data": data, "layout": layout}


def small_layout(**extra: Any) -> dict[str, Any]:
    """The layout of a chart on a summary page (quality, voice): 360 pixels high, the legend
    across the foot, a white plot. `extra` adds to it or replaces any part of it."""
    return {
        "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
        "height": 360,
        "font": {"family": FONT},
        "legend": {"orientation": "h", "y": -0.2},
        "plot_bgcolor": "white",
        **extra,
    }
