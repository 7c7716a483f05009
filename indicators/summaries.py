"""Pure: the one-sentence text summary that accompanies each chart of the indicator page, and
the order of the statistical-neighbour bars.

Plotly's SVG has no accessible name, so every chart is given a sentence that says what it
shows, worked out here from plain values (never in a template), and a table of its numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .formatting import format_change, format_value
from .metrics import mean_of_available
from .rag import LOWER


@dataclass(frozen=True)
class Point:
    """One value on a chart, with the period (or category) it is for."""

    label: str
    value: Decimal | None


def _text(value: Decimal, unit: str, decimals: int) -> str:
    return format_value(value, unit, decimals)


def trend_summary(
    name: str,
    points: Sequence[Point],
    unit: str,
    decimals: int,
    *,
    target_text: str = "",
    comparators: Sequence[tuple[str, str, str]] = (),
) -> str:
    """ "Authority A: 87% in 2017/18, up 7 percentage points from 80% in 2015/16 (3 figures);
    target 90–95%; England 83% (2016/17)."

    `comparators` are (label, formatted value, period label) beside the latest figure.
    """
    valued = [(point.label, point.value) for point in points if point.value is not None]
    if not valued:
        return f"{name} has no figure with a value in this period."
    last_label, last_value = valued[-1]
    sentence = f"{name}: {_text(last_value, unit, decimals)} in {last_label}"
    if len(valued) > 1:
        first_label, first_value = valued[0]
        change = format_change(last_value - first_value, unit, decimals)
        was = f"{_text(first_value, unit, decimals)} in {first_label}"
        sentence += f", the same as {was}" if change == "no change" else f", {change} from {was}"
        sentence += f" ({len(points)} figures)"
    if target_text and target_text != "no target":
        sentence += f"; target {target_text}"
    for label, text, period_label in comparators:
        sentence += f"; {label} {text} ({period_label})"
    return sentence + "."


def breakdown_summary(
    dimension: str, period_label: str, points: Sequence[Point], unit: str, decimals: int
) -> str:
    """ "By locality in September 2021: highest Exeter 82%, lowest Mid & East 58%, of 4 with a
    value."."""
    valued = [(point.label, point.value) for point in points if point.value is not None]
    opening = f"By {dimension} in {period_label}"
    if not valued:
        return f"{opening}: no category has a value."
    if len(valued) == 1:
        label, value = valued[0]
        return f"{opening}: {label} {_text(value, unit, decimals)}, the only value."
    # On a tie the first listed wins, as it stands first in the table too.
    high = max(valued, key=lambda point: point[1])
    low = min(valued, key=lambda point: point[1])
    unvalued = len(points) - len(valued)
    tail = f", of {len(valued)} with a value" + (f" ({unvalued} without)" if unvalued else "")
    return (
        f"{opening}: highest {high[0]} {_text(high[1], unit, decimals)}, "
        f"lowest {low[0]} {_text(low[1], unit, decimals)}{tail}."
    )


def neighbour_order(values: Sequence[Decimal | None], polarity: str) -> list[int]:
    """The indexes of `values` from best to worst (lowest first when lower is better, else
    highest first); values without a figure last, in their given order. Ties keep the given
    order, so an authority's own bar is not moved ahead of an equal neighbour by chance."""
    valued = [index for index, value in enumerate(values) if value is not None]
    descending = polarity != LOWER
    # A reversed sort is still stable: equal values keep their given order.
    valued.sort(key=lambda index: values[index] or Decimal(0), reverse=descending)
    return valued + [index for index, value in enumerate(values) if value is None]


def neighbour_summary(
    name: str,
    own: Decimal | None,
    period_label: str,
    neighbours: Sequence[Decimal | None],
    unit: str,
    decimals: int,
) -> str:
    """ "Authority A: 22.6% in 2024/25; its 10 statistical neighbours range from 15.1% to
    30.2%, mean 21.9%." """
    if own is None:
        opening = f"{name} has no figure for {period_label}"
    else:
        opening = f"{name}: {_text(own, unit, decimals)} in {period_label}"
    mean = mean_of_available(neighbours)
    total = len(neighbours)
    plural = "neighbour" if total == 1 else "neighbours"
    if mean.value is None:
        return f"{opening}; none of its {total} statistical {plural} has a figure."
    valued = [value for value in neighbours if value is not None]
    who = (
        f"its {total} statistical {plural}"
        if mean.count == total
        else f"the {mean.count} of its {total} statistical {plural} with a figure"
    )
    if mean.count == 1:
        return f"{opening}; {who}: {_text(valued[0], unit, decimals)}."
    return (
        f"{opening}; {who} range from {_text(min(valued), unit, decimals)} to "
        f"{_text(max(valued), unit, decimals)}, mean {_text(mean.value, unit, decimals)}."
    )
