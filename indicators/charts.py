"""Plotly figures built from selector output. Templates never compute; they embed the JSON.

Every chart is drawn in the browser by the locally served plotly.js, and every chart is
accompanied on the page by a text summary and a table of the same numbers, since plotly's SVG
has no accessible name.

Figures are written as plotly's JSON, from the shared pieces in `indicators.chart_kit` (which
says why).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import chart_kit
from .benchmarking import BenchmarkPage, RankedRow
from .chart_kit import (
    BOUNDARY_COLOUR,
    COMPARATOR_COLOURS,
    FONT,
    MEAN_COLOUR,
    NEIGHBOUR_COLOUR,
    OTHER_COLOUR,
    OWN_COLOUR,
    TARGET_FILL,
    TARGET_LINE,
)
from .formatting import format_target
from .lineage import LineageBreak
from .models import Indicator
from .selectors import BreakdownTable, IndicatorPage, NeighbourComparison


def _midpoint(start: date, end: date) -> date:
    return start + timedelta(days=(end - start).days // 2)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _value_axis(indicator: Indicator, **extra: Any) -> dict[str, Any]:
    """The axis that carries an indicator's values: its unit as the title, % where a rate."""
    return {
        "title": {"text": indicator.get_unit_display()},
        "ticksuffix": "%" if indicator.unit == "percent" else "",
        **extra,
    }


def indicator_trend(page: IndicatorPage, breaks: Sequence[LineageBreak] = ()) -> dict[str, Any]:
    """The authority's figures over time, its target bands, and its comparators' values; a
    reorganisation the authority went through (`breaks`) as a labelled vertical line."""
    indicator = page.indicator
    data = _target_bands(page)
    rows = page.trend_rows
    x = [_midpoint(row.period.start, row.period.end) for row in rows]
    data.append(
        chart_kit.scatter(
            x=x,
            y=[_number(row.value) for row in rows],
            text=[f"{row.period_label or row.period.label}: {row.text}" for row in rows],
            hovertemplate="%{text}<extra></extra>",
            mode="lines+markers",
            name=page.authority.name,
            line={"color": OWN_COLOUR, "width": 3},
            marker={"size": 9, "symbol": "circle"},
        )
    )
    if page.year_end_rows:
        # Each year's outturn at the year's end, beside its last quarter or month: a point of
        # its own, not a step in the line of the measure's own periods.
        data.append(
            chart_kit.scatter(
                x=[row.period.end for row in page.year_end_rows],
                y=[_number(row.value) for row in page.year_end_rows],
                text=[f"{row.period_label}: {row.text}" for row in page.year_end_rows],
                hovertemplate="%{text}<extra></extra>",
                mode="markers",
                name=f"{page.authority.name}, year end",
                marker={"size": 11, "symbol": "star", "color": OWN_COLOUR},
            )
        )
    symbols = ["square", "diamond", "triangle-up", "x", "star"]
    for index, label in enumerate(page.comparator_labels):
        # Each value is drawn at the period it is for: a 2016/17 England figure shown beside
        # both 2016/17 and 2017/18 in the table is one point on the chart, not two.
        by_period = {
            cell.period.pk: (cell, cell.period)
            for row in page.rows
            if (cell := row.comparators[index]).value is not None and cell.period is not None
        }
        points = sorted(by_period.values(), key=lambda point: point[1].end)
        if not points:
            continue
        colour = COMPARATOR_COLOURS[index % len(COMPARATOR_COLOURS)]
        data.append(
            chart_kit.scatter(
                x=[_midpoint(period.start, period.end) for _cell, period in points],
                y=[_number(cell.value) for cell, _period in points],
                text=[
                    f"{cell.label}: {cell.text} ({cell.period_label}, {cell.note})"
                    for cell, _period in points
                ],
                hovertemplate="%{text}<extra></extra>",
                mode="lines+markers",
                name=label,
                line={"color": colour, "dash": "dash", "width": 2},
                marker={"size": 8, "symbol": symbols[index % len(symbols)]},
            )
        )
    # Label each point with its period as a pack writes it ("2017/18", "Sep 2021"), not with
    # plotly's calendar ticks; past a dozen points every other label keeps them legible.
    step = 1 if len(rows) <= 12 else 2
    tick_rows = rows[::-1][::step][::-1]
    layout = {
        "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
        "height": 380,
        "font": {"family": FONT},
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": _value_axis(indicator),
        "xaxis": {
            "type": "date",
            "tickmode": "array",
            "tickvals": [_midpoint(row.period.start, row.period.end) for row in tick_rows],
            "ticktext": [row.period.short_label for row in tick_rows],
        },
        "plot_bgcolor": "white",
        "hovermode": "closest",
        **lineage_marks(breaks),
    }
    return chart_kit.figure(data, layout)


def lineage_marks(breaks: Sequence[LineageBreak]) -> dict[str, Any]:
    """A dotted vertical line on the day each reorganisation took effect, with its label at
    the top of the plot: the reader sees why a line stops or starts there, not a silent gap.
    The label is wrapped (plotly does not wrap text) and sits on a white ground over the
    lines; the page repeats it in words below the chart."""
    if not breaks:
        return {}
    return {
        "shapes": [
            {
                "type": "line",
                "x0": item.took_effect,
                "x1": item.took_effect,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": BOUNDARY_COLOUR, "dash": "dot", "width": 2},
                "layer": "above",
            }
            for item in breaks
        ],
        "annotations": [
            {
                "x": item.took_effect,
                "y": 1 - 0.12 * index,
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "showarrow": False,
                "text": "<br>".join(textwrap.wrap(html.escape(item.label, quote=False), 40)),
                "font": {"size": 12, "color": BOUNDARY_COLOUR},
                "bgcolor": "rgba(255, 255, 255, 0.85)",
            }
            for index, item in enumerate(breaks)
        ],
    }


def _target_bands(page: IndicatorPage) -> list[dict[str, Any]]:
    """Each year's target band as a shaded area behind the lines, drawn as a trace (not a
    shape) so that the legend names it; one legend entry stands for every year's band."""
    traces: list[dict[str, Any]] = []
    if not page.rows:
        return traces
    indicator = page.indicator
    first, last = page.rows[0].period.start, page.rows[-1].period.end
    bands = 0
    for year, lower, upper in page.targets:
        if year.end < first or year.start > last:
            continue
        low = _number(lower if lower is not None else upper)
        high = _number(upper if upper is not None else lower)
        x0, x1 = max(year.start, first), min(year.end, last)
        band = format_target(lower, upper, indicator.unit, indicator.decimals)
        traces.append(
            chart_kit.scatter(
                x=[x0, x1, x1, x0, x0],
                y=[low, low, high, high, low],
                fill="toself",
                fillcolor=TARGET_FILL,
                line={"color": TARGET_LINE, "width": 1, "dash": "dot"},
                mode="lines",
                name="Target band",
                legendgroup="target",
                showlegend=bands == 0,
                text=[f"Target {year.label}: {band}"] * 5,
                hovertemplate="%{text}<extra></extra>",
            )
        )
        bands += 1
    return traces


def breakdown_bars(page: IndicatorPage, table: BreakdownTable) -> dict[str, Any]:
    """One bar per category (locality, service, role...) for the latest period."""
    names = [name for name, _text in table.rows]
    bars = chart_kit.bar(
        x=[_number(value) for value in table.values],
        y=names,
        orientation="h",
        text=[text for _name, text in table.rows],
        textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>",
        marker={"color": OWN_COLOUR},
    )
    layout = {
        "margin": {"l": 200, "r": 20, "t": 10, "b": 40},
        "height": max(160, 48 * len(names) + 60),
        "font": {"family": FONT},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": _value_axis(page.indicator, rangemode="tozero"),
        "plot_bgcolor": "white",
    }
    return chart_kit.figure([bars], layout)


def _line_key(name: str, colour: str, dash: str) -> dict[str, Any]:
    """A legend entry for a line drawn as a shape (shapes have no legend of their own)."""
    return chart_kit.scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=name,
        line={"color": colour, "dash": dash, "width": 2},
        hoverinfo="skip",
    )


def _vertical_line(x: Decimal, colour: str, dash: str) -> dict[str, Any]:
    return {
        "type": "line",
        "x0": float(x),
        "x1": float(x),
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": colour, "dash": dash, "width": 2},
        "layer": "above",
    }


def benchmark_bars(page: BenchmarkPage) -> dict[str, Any]:
    """The group's ranked values as horizontal bars, best at the top. The page's own authority
    is told apart three ways: its colour, a hatched pattern and "(this authority)" in bold by
    its name. The median and quartile boundaries, and the comparators' published values for
    the same period, are vertical lines named in the legend."""
    indicator = page.indicator

    def label(row: RankedRow) -> str:
        return f"<b>{row.name} (this authority)</b>" if row.is_own else row.name

    def bar_text(row: RankedRow) -> str:
        return f"{row.text} ({row.band})" if row.band else row.text

    def hover(row: RankedRow) -> str:
        place = f"rank {row.rank_text}" if page.is_ranked else f"position {row.rank_text}"
        band = f", quartile {row.band}" if row.band else ""
        return f"{row.name}: {row.text} ({place}{band})"

    labels = [label(row) for row in page.ranked]
    data: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    for is_own, name, colour, pattern in (
        (False, "Other authorities in the group", OTHER_COLOUR, ""),
        (True, f"{page.authority.name} (this authority)", OWN_COLOUR, "/"),
    ):
        rows = [row for row in page.ranked if row.is_own == is_own]
        if not rows:
            continue
        data.append(
            chart_kit.bar(
                x=[_number(row.value) for row in rows],
                y=[label(row) for row in rows],
                orientation="h",
                name=name,
                text=[bar_text(row) for row in rows],
                textposition="auto",
                hovertext=[hover(row) for row in rows],
                hovertemplate="%{hovertext}<extra></extra>",
                marker={
                    "color": colour,
                    "line": {"color": BOUNDARY_COLOUR if is_own else colour, "width": 1},
                    "pattern": {"shape": pattern, "fgcolor": "white", "solidity": 0.3},
                },
            )
        )
    boundary_names = (
        ("Lower quartile", "Median", "Upper quartile") if len(page.boundaries) == 3 else ("Median",)
    )
    boundary_texts = (
        (page.lower_quartile_text, page.median_text, page.upper_quartile_text)
        if len(page.boundaries) == 3
        else (page.median_text,)
    )
    for value, name, text in zip(page.boundaries, boundary_names, boundary_texts, strict=True):
        dash = "dash" if name == "Median" else "dot"
        shapes.append(_vertical_line(value, BOUNDARY_COLOUR, dash))
        data.append(_line_key(f"{name} of the group: {text}", BOUNDARY_COLOUR, dash))
    published = [(item, item.value) for item in page.published if item.value is not None]
    for index, (item, value) in enumerate(published):
        colour = COMPARATOR_COLOURS[(index + 1) % len(COMPARATOR_COLOURS)]
        shapes.append(_vertical_line(value, colour, "dashdot"))
        data.append(_line_key(f"{item.label} (published): {item.text}", colour, "dashdot"))
    values = [row.value for row in page.ranked]
    # The legend sits at the foot of the figure, below the axis title, in rows of about two
    # entries: the bottom margin grows with it so that it never covers the axis.
    legend_rows = (len(data) + 1) // 2
    bottom = 70 + 24 * legend_rows
    layout = {
        "barmode": "overlay",
        "shapes": shapes,
        "margin": {"l": 20, "r": 20, "t": 10, "b": bottom},
        "height": 34 * max(len(labels), 3) + bottom + 20,
        "font": {"family": FONT},
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        "yaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "automargin": True,
        },
        "xaxis": _value_axis(
            indicator,
            rangemode="tozero" if all(value >= 0 for value in values) else "normal",
            automargin=True,
        ),
        "plot_bgcolor": "white",
        "hovermode": "closest",
    }
    return chart_kit.figure(data, layout)


def neighbour_bars(page: IndicatorPage, comparison: NeighbourComparison) -> dict[str, Any]:
    """The authority and each of its statistical neighbours for one period, best first: the
    authority's own bar in its own colour and named as such, the neighbours' mean and England's
    figure as labelled lines across."""
    bars = [bar for bar in comparison.bars if bar.value is not None]
    names = [f"{bar.name} (this authority)" if bar.is_own else bar.name for bar in bars]
    data = [
        chart_kit.bar(
            x=[_number(bar.value) for bar in bars],
            y=names,
            orientation="h",
            text=[bar.text for bar in bars],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
            marker={
                "color": [OWN_COLOUR if bar.is_own else NEIGHBOUR_COLOUR for bar in bars],
                # A pattern as well as a colour, so the bar stands out without colour vision.
                "pattern": {"shape": ["/" if bar.is_own else "" for bar in bars]},
            },
            showlegend=False,
        )
    ]
    dashes = ["dash", "dot", "dashdot"]
    for index, line in enumerate(comparison.references):
        # A line across every bar, as a trace so that the legend names it.
        data.append(
            chart_kit.scatter(
                x=[_number(line.value)] * 2,
                y=[names[0], names[-1]],
                mode="lines",
                name=f"{line.label}: {line.text}",
                line={
                    "color": MEAN_COLOUR if index == 0 else COMPARATOR_COLOURS[index],
                    "dash": dashes[index % len(dashes)],
                    "width": 2,
                },
                hovertemplate=f"{line.label}: {line.text} ({line.note})<extra></extra>",
            )
        )
    layout = {
        "margin": {"l": 200, "r": 20, "t": 10, "b": 60},
        "height": max(200, 36 * len(names) + 120),
        "font": {"family": FONT},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": _value_axis(page.indicator, rangemode="tozero"),
        "legend": {"orientation": "h", "y": -0.15},
        "plot_bgcolor": "white",
    }
    return chart_kit.figure(data, layout)
