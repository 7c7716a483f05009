"""The reading view's charts and notes, built from a pack's content dicts (live or frozen).

Pure: dicts in, dicts out, no ORM. Each theme-page indicator with two or more figures gets a
plotly figure written as plotly JSON (see `indicators.charts`: never `graph_objects`), with a
title and a one-sentence summary; the page shows the same figures as a table beside it, since
plotly's SVG has no accessible name. A frozen figure's revision note gets its date in words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from indicators.charts import FONT, OWN_COLOUR, _figure, _scatter

# Theme pages and indicator sets list indicators; only theme pages draw their trends.
_LISTING = ("theme_page", "indicator_set")


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def trend_chart(indicator: dict[str, Any], element_id: str) -> dict[str, Any] | None:
    """An indicator's figures over the pack's periods, or None with fewer than two."""
    points = [point for point in indicator.get("trend", []) if point.get("value") is not None]
    if len(points) < 2:
        return None
    first, last = points[0], points[-1]
    summary = (
        f"{indicator['title']} went from {first['text']} in {first['period']} to "
        f"{last['text']} in {last['period']}."
    )
    figure = _figure(
        [
            _scatter(
                x=[point["period"] for point in points],
                y=[_number(point["value"]) for point in points],
                text=[f"{point['period']}: {point['text']}" for point in points],
                hovertemplate="%{text}<extra></extra>",
                mode="lines+markers",
                name=indicator["title"],
                line={"color": OWN_COLOUR, "width": 3},
                marker={"size": 9},
            )
        ],
        {
            "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
            "height": 320,
            "font": {"family": FONT},
            "showlegend": False,
            "xaxis": {"type": "category"},
            "yaxis": {"ticksuffix": "%" if indicator.get("unit") == "percent" else ""},
            "plot_bgcolor": "white",
            "hovermode": "closest",
        },
    )
    return {
        "element_id": element_id,
        "title": f"{indicator['title']}: trend",
        "summary": summary,
        "figure": figure,
    }


def _revision_dates(content: Any) -> Any:
    """A copy in which every revision note carries `at_text` ("5 December 2026")."""
    if isinstance(content, dict):
        copy = {key: _revision_dates(value) for key, value in content.items()}
        if content.get("note") and "at" in content:
            at = content.get("at")
            copy["at_text"] = f"{datetime.fromisoformat(at):%-d %B %Y}" if at else ""
        return copy
    if isinstance(content, list):
        return [_revision_dates(item) for item in content]
    return content


def reading_sections(contents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sections as the reading view shows them: each with an `anchor` for the contents
    list, each theme-page indicator with its `chart` (or None)."""
    sections = []
    for index, content in enumerate(contents, start=1):
        section = _revision_dates(content)
        section["anchor"] = f"section-{index}"
        if section.get("kind") == "theme_page":
            for number, indicator in enumerate(section.get("indicators", []), start=1):
                indicator["chart"] = trend_chart(indicator, f"chart-{index}-{number}")
        sections.append(section)
    return sections
