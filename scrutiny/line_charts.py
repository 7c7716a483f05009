"""Pure geometry of a pack's trend chart: the authority's line and its comparators' lines over
the same periods, with value and period axes, drawn as SVG on the server.

A pack is read on screen, printed and downloaded as PDF, and the PDF is made without a
browser (`scrutiny/pdf.py`, WeasyPrint), so its charts cannot be drawn by script: they are
SVG drawn here, the same on every medium and vectors in the PDF (docs/0016). Each chart sits
beside a table of the same figures, so colour is never the only key: every line has its own
dash pattern and marker too, and a legend in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH = 640
HEIGHT = 300
# The plot area inside the box: room on the left for value labels, below for period labels.
LEFT = 56
RIGHT = 40  # half the widest period label ("Sep 2021") past the latest point
TOP = 16
BOTTOM = 48
# Period labels are thinned so that they never run into each other.
MOST_PERIOD_LABELS = 8
# Aim for about this many gridlines on the value axis.
VALUE_TICKS = 5
# Values closer than this are drawn as one level.
MIN_SPAN = 1e-6


@dataclass(frozen=True)
class LineStyle:
    colour: str
    width: float
    dash: str  # SVG stroke-dasharray; "" for a solid line
    marker: str  # "circle", "square", "diamond", "triangle" or "" (none)


# Every colour has at least 3:1 contrast with white (WCAG 1.4.11); dash and marker tell the
# lines apart without colour.
OWN_STYLE = LineStyle("#1d70b8", 3, "", "circle")
COMPARATOR_STYLES = {
    "nation": LineStyle("#0b0c0c", 2, "8 4", "square"),
    "neighbours": LineStyle("#912b88", 2, "2 3", "diamond"),
    "region": LineStyle("#00703c", 2, "10 3 2 3", "triangle"),
    "group": LineStyle("#505a5f", 2, "4 2", "square"),
    "good": LineStyle("#942514", 2, "12 4", "triangle"),
}
OTHER_STYLE = LineStyle("#505a5f", 2, "4 2", "")


@dataclass(frozen=True)
class SeriesInput:
    name: str
    kind: str  # "own" or a comparator kind ("nation", "neighbours"...)
    values: tuple[float | None, ...]  # one per period, oldest first; None leaves a gap


@dataclass(frozen=True)
class Tick:
    position: float  # x for a period, y for a value
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    style: LineStyle
    # Polyline point lists ("x,y x,y ..."), one per unbroken run: a missing value breaks the
    # line rather than being drawn as zero.
    segments: tuple[str, ...]
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    value_ticks: tuple[Tick, ...]
    period_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]

    # Where the axes' labels sit: value labels end left of the plot, period labels hang below
    # short tick marks under it.
    @property
    def value_label_x(self) -> float:
        return self.plot_left - 8

    @property
    def period_tick_end(self) -> float:
        return self.plot_bottom + 5

    @property
    def period_label_y(self) -> float:
        return self.plot_bottom + 22


def nice_step(span: float, ticks: int = VALUE_TICKS) -> float:
    """A round gridline step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` lines
    over `span`."""
    rough = span / max(ticks - 1, 1)
    if rough <= 0:  # no span, or one too small to divide (5e-324)
        return 1.0
    power = 10.0 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * power >= rough:
            return multiple * power
    return 10 * power  # pragma: no cover - the loop always returns


def value_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) for the value axis: from zero (or the lowest negative value), so that
    a line's height is honest, up to a round number at or above the highest value."""
    lowest = min([0.0, *values])
    highest = max([0.0, *values])
    # A flat line (or one flat to the eye: figures have a few decimals at most) gets a unit of
    # room above it rather than an axis divided into nothing.
    if highest - lowest < MIN_SPAN:
        highest = lowest + 1
    step = nice_step(highest - lowest)
    low = math.floor(lowest / step) * step
    high = math.ceil(highest / step) * step
    # Dividing a vanishingly small value (5e-324) by the step underflows to zero, which would
    # leave it just outside the axis: one more step keeps every value drawn inside.
    if low > lowest:
        low -= step
    if high < highest:
        high += step
    return low, high, step


def _decimals(step: float) -> int:
    """How many decimals the value labels need for `step` to show (2.5 needs one)."""
    text = f"{Decimal(repr(step)).normalize():f}"
    return len(text.split(".")[1]) if "." in text else 0


def tick_label(value: float, decimals: int, suffix: str) -> str:
    return f"{value:,.{decimals}f}{suffix}"


def _period_ticks(labels: Sequence[str], xs: Sequence[float]) -> tuple[Tick, ...]:
    """Every period's label when they fit, else every n-th counting back from the latest (so
    the latest period is always named)."""
    every = max(1, math.ceil(len(labels) / MOST_PERIOD_LABELS))
    last = len(labels) - 1
    return tuple(
        Tick(round(xs[index], 1), labels[index])
        for index in range(len(labels))
        if (last - index) % every == 0
    )


def line_chart(
    periods: Sequence[str], series: Sequence[SeriesInput], *, suffix: str = ""
) -> LineChart:
    """The chart of `series` over `periods` (oldest first). Higher values are drawn higher;
    periods are evenly spaced (they are categories: months, quarters or years)."""
    known = [value for line in series for value in line.values if value is not None]
    low, high, step = value_range(known)
    plot_left, plot_right = LEFT, WIDTH - RIGHT
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    count = len(periods)
    spacing = (plot_right - plot_left) / (count - 1) if count > 1 else 0
    xs = [
        plot_left + index * spacing if count > 1 else (plot_left + plot_right) / 2
        for index in range(count)
    ]

    def y_of(value: float) -> float:
        share = (value - low) / (high - low)
        return round(plot_bottom - share * (plot_bottom - plot_top), 1)

    decimals = _decimals(step)
    steps = round((high - low) / step)
    value_ticks = tuple(
        Tick(y_of(low + index * step), tick_label(low + index * step, decimals, suffix))
        for index in range(steps + 1)
    )
    drawn = []
    for line in series:
        segments: list[str] = []
        run: list[str] = []
        points: list[tuple[float, float]] = []
        for x, value in zip(xs, line.values, strict=True):
            if value is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            point = (round(x, 1), y_of(value))
            run.append(f"{point[0]},{point[1]}")
            points.append(point)
        if run:
            segments.append(" ".join(run))
        style = OWN_STYLE if line.kind == "own" else COMPARATOR_STYLES.get(line.kind, OTHER_STYLE)
        drawn.append(Series(line.name, style, tuple(segments), tuple(points)))
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        value_ticks=value_ticks,
        period_ticks=_period_ticks(periods, xs),
        series=tuple(drawn),
    )


# --- SVG markup ---------------------------------------------------------------------------
# Written here rather than in a template: a 40-indicator pack draws some 3,000 markers, and
# the template language took most of a second over them.

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', Arial, sans-serif"
GRID = "#b1b4b6"
INK = "#0b0c0c"


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "circle":
        return f'<circle cx="{x}" cy="{y}" r="4.5"/>'
    if shape == "square":
        return f'<rect x="{round(x - 4, 1)}" y="{round(y - 4, 1)}" width="8" height="8"/>'
    if shape == "diamond":
        return f'<path transform="translate({x} {y})" d="M0 -5.5 L5.5 0 L0 5.5 L-5.5 0 Z"/>'
    if shape == "triangle":
        return f'<path transform="translate({x} {y})" d="M0 -5.5 L5.5 4.5 L-5.5 4.5 Z"/>'
    return ""


def _stroke(style: LineStyle) -> str:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return f'stroke-width="{style.width}"{dash}'


def chart_svg(chart: LineChart, *, element_id: str, title: str) -> str:
    """The chart as an SVG element: an image named by the heading and described by the
    sentence the page shows before it (`element_id`-title and -summary), whose <title> (the
    PDF's alternative text) says the same."""
    parts = [
        f'<svg class="app-line-chart__svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {chart.width} {chart.height}" width="{chart.width}" '
        f'height="{chart.height}" role="img" aria-labelledby="{element_id}-title" '
        f'aria-describedby="{element_id}-summary" font-family="{FONT}" font-size="13">'
        f"<title>{escape(title)}</title>"
    ]
    left, right, bottom = chart.plot_left, chart.plot_right, chart.plot_bottom
    for tick in chart.value_ticks:
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{tick.position}" y2="{tick.position}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{chart.value_label_x}" y="{tick.position}" dy="4" text-anchor="end" '
            f'fill="{INK}">{escape(tick.label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    for tick in chart.period_ticks:
        parts.append(
            f'<line x1="{tick.position}" x2="{tick.position}" y1="{bottom}" '
            f'y2="{chart.period_tick_end}" stroke="{INK}" stroke-width="1"/>'
            f'<text x="{tick.position}" y="{chart.period_label_y}" text-anchor="middle" '
            f'fill="{INK}">{escape(tick.label)}</text>'
        )
    # The authority's own line last, so that it is drawn over its comparators'.
    for series in reversed(chart.series):
        style = series.style
        parts.append(f'<g stroke="{style.colour}" fill="{style.colour}">')
        parts.extend(
            f'<polyline points="{segment}" fill="none" {_stroke(style)} stroke-linejoin="round"/>'
            for segment in series.segments
        )
        parts.extend(_marker(style.marker, x, y) for x, y in series.points)
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def swatch_svg(style: LineStyle) -> str:
    """A key's sample of a line: its colour, dash and marker (decoration beside the name)."""
    return (
        '<svg class="app-chart-legend__swatch" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 36 12" width="36" height="12" aria-hidden="true" focusable="false">'
        f'<g stroke="{style.colour}" fill="{style.colour}">'
        f'<line x1="0" x2="36" y1="6" y2="6" {_stroke(style)}/>{_marker(style.marker, 18, 6)}'
        "</g></svg>"
    )
