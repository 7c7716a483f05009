"""The baseline chart of a Turning the Curve report, from its content dict (live or frozen).

Pure: a dict in, a dict out, no ORM, drawn by the same SVG line chart as a pack's trend charts
(`line_charts`): the authority's figures as a solid line and the forecast if nothing changes
as a dashed line carrying on from the latest figure, with a title, a one-sentence summary and
a table of the same numbers (`_chart.html`).
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe

from .line_charts import SeriesInput, chart_svg, line_chart, swatch_svg

FORECAST_NAME = "Forecast if nothing changes"
# The forecast's line takes the chart's dashed grey style ("other": dash, no marker).
FORECAST_KIND = "forecast"


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def _summary(content: dict[str, Any]) -> str:
    baseline = content["baseline"]
    history = [point for point in baseline["history"] if point.get("value") is not None]
    title = content["indicator"]["title"]
    if not history:
        return f"There are no figures yet for {title}."
    first, last = history[0], history[-1]
    said = (
        f"{title} went from {first['text']} in {first['period']} to {last['text']} in "
        f"{last['period']}."
        if len(history) > 1
        else f"{title} was {last['text']} in {last['period']}."
    )
    forecast = baseline["forecast"]
    if forecast:
        end = forecast[-1]
        said += f" If nothing changes it is forecast to be {end['text']} by {end['period']}."
    else:
        said += f" {baseline['no_forecast']}"
    return said


def baseline_chart(
    content: dict[str, Any], element_id: str, *, own_name: str
) -> dict[str, Any] | None:
    """The baseline chart, or None when there is no figure to draw."""
    baseline = content["baseline"]
    history = baseline["history"]
    forecast = baseline["forecast"]
    if not any(point.get("value") is not None for point in history):
        return None
    periods = [point["period"] for point in history] + [point["period"] for point in forecast]
    own = [_number(point.get("value")) for point in history] + [None] * len(forecast)
    series = [SeriesInput(own_name, "own", tuple(own))]
    if forecast:
        # The dashed line starts at the latest figure, so that it reads as carrying it on.
        joined = [None] * (len(history) - 1) + [own[len(history) - 1]]
        joined += [_number(point["value"]) for point in forecast]
        series.append(SeriesInput(FORECAST_NAME, FORECAST_KIND, tuple(joined)))
    title = f"{content['indicator']['title']}: baseline"
    summary = _summary(content)
    chart = line_chart(
        periods, series, suffix="%" if content["indicator"].get("unit") == "percent" else ""
    )
    rows = [
        {
            "point": point,
            "plain": not (point.get("provisional") or point.get("revision")),
            "cells": [""] if forecast else [],
        }
        for point in history
    ] + [
        {"point": {"period": point["period"], "text": ""}, "plain": True, "cells": [point["text"]]}
        for point in forecast
    ]
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
        "columns": [own_name, *([FORECAST_NAME] if forecast else [])],
        "rows": rows,
    }
