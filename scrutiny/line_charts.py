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
    if span <= 0:
        return 1.0
    rough = span / max(ticks - 1, 1)
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * power >= rough:
            return multiple * power
    return 10 * power  # pragma: no cover - the loop always returns


def value_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) for the value axis: from zero (or the lowest negative value), so that
    a line's height is honest, up to a round number at or above the highest value."""
    lowest = min([0.0, *values])
    highest = max([0.0, *values])
    if highest == lowest:
        highest = lowest + 1
    step = nice_step(highest - lowest)
    low = math.floor(lowest / step) * step
    high = math.ceil(highest / step) * step
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
