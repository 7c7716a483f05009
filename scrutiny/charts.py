"""The reading view's charts and notes, built from a pack's content dicts (live or frozen).

Pure: dicts in, dicts out, no ORM. Each theme-page indicator with two or more figures gets a
trend chart (`line_charts.line_chart`, SVG drawn on the server so that the screen, the print
and the PDF show the same vectors) of the authority's figures and, where the pack holds them,
its comparators' values beside each figure; with a title, a one-sentence summary and a table of
the same figures beside it.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe

from .curve_charts import baseline_chart
from .layouts import laid_out
from .line_charts import SeriesInput, chart_svg, line_chart, swatch_svg


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def _comparator_lines(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The comparators with a value beside at least one of the points, in the pack's order.
    Packs frozen before comparators were kept per point have none."""
    lines: dict[str, dict[str, Any]] = {}
    for point in points:
        for cell in point.get("comparators", []):
            if cell.get("value") is not None:
                lines.setdefault(cell["label"], {"label": cell["label"], "kind": cell["kind"]})
    return list(lines.values())


def _cell(point: dict[str, Any], label: str) -> dict[str, Any] | None:
    return next((c for c in point.get("comparators", []) if c["label"] == label), None)


def _cell_text(cell: dict[str, Any] | None, point: dict[str, Any]) -> str:
    """A comparator's value beside a figure, with its own period when that differs."""
    if cell is None or not cell.get("text"):
        return "no figure"
    period = cell.get("period")
    return f"{cell['text']} ({period})" if period and period != point["period"] else cell["text"]


def trend_chart(
    indicator: dict[str, Any], element_id: str, *, own_name: str
) -> dict[str, Any] | None:
    """An indicator's figures over the pack's periods, or None with fewer than two."""
    points = indicator.get("trend", [])
    valued = [point for point in points if point.get("value") is not None]
    if len(valued) < 2:
        return None
    first, last = valued[0], valued[-1]
    summary = (
        f"{indicator['title']} went from {first['text']} in {first['period']} to "
        f"{last['text']} in {last['period']}."
    )
    comparators = _comparator_lines(points)
    # A suppressed figure (no value) breaks the line; its row in the table says why.
    series = [
        SeriesInput(own_name, "own", tuple(_number(point["value"]) for point in points)),
        *(
            SeriesInput(
                line["label"],
                line["kind"],
                tuple(
                    _number(cell["value"]) if (cell := _cell(point, line["label"])) else None
                    for point in points
                ),
            )
            for line in comparators
        ),
    ]
    if comparators:
        summary += " Beside it: " + ", ".join(line["label"] for line in comparators) + "."
    title = f"{indicator['title']}: trend"
    chart = line_chart(
        [point["period"] for point in points],
        series,
        suffix="%" if indicator.get("unit") == "percent" else "",
    )
    return {
        "element_id": element_id,
        "title": title,
        "summary": summary,
        # Markup built from numbers and escaped labels only (line_charts.chart_svg).
        "svg": mark_safe(chart_svg(chart, element_id=element_id, title=f"{title}. {summary}")),  # noqa: S308
        "key": [
            {"name": line.name, "swatch": mark_safe(swatch_svg(line.style))}  # noqa: S308
            for line in chart.series
        ],
        "columns": [own_name, *(line["label"] for line in comparators)],
        # The table's cells as text, but for a figure with a note (provisional, or revised
        # since publication), which the template shows with its note.
        "rows": [
            {
                "point": point,
                "plain": not (point.get("provisional") or point.get("revision")),
                "cells": [_cell_text(_cell(point, line["label"]), point) for line in comparators],
            }
            for point in points
        ],
    }


def reading_sections(contents: list[dict[str, Any]], *, own_name: str) -> list[dict[str, Any]]:
    """The sections as the reading view and the PDF show them: each with an `anchor` for the
    contents list, its include (`layouts.laid_out`), and each theme-page indicator shown as a
    card with its `chart` (or None)."""
    sections = []
    for index, content in enumerate(contents, start=1):
        # Shallow copies: the content dicts stay as read (the PDF's cache key is made of them).
        section = laid_out({**content, "anchor": f"section-{index}"})
        if section.get("kind") == "theme_page" and section.get("layout", "cards") == "cards":
            section["indicators"] = [
                {
                    **indicator,
                    "chart": trend_chart(indicator, f"chart-{index}-{number}", own_name=own_name),
                }
                for number, indicator in enumerate(section.get("indicators", []), start=1)
            ]
        elif section.get("kind") == "turning_the_curve" and section.get("curve"):
            chart = baseline_chart(section["curve"], f"chart-{index}-curve", own_name=own_name)
            section["curve"] = {**section["curve"], "chart": chart}
        sections.append(section)
    return sections
