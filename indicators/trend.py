"""Pure direction-of-travel rule: this figure against an earlier one, polarity-aware.

The caller compares twice: with the previous period and with the same period last year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_noop

from indicators.rag import BAND, HIGHER, LOWER, TargetBand, check_polarity


class Direction(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no_change"
    UP = "up"
    DOWN = "down"
    NOT_KNOWN = "not_known"


@dataclass(frozen=True)
class Travel:
    direction: Direction
    change: Decimal | None
    words: str


# English, marked for translation and translated where shown (indicators.translated).
_WORDS = {
    Direction.IMPROVING: gettext_noop("Improving"),
    Direction.WORSENING: gettext_noop("Worsening"),
    Direction.NO_CHANGE: gettext_noop("No change"),
    Direction.UP: gettext_noop("Up"),
    Direction.DOWN: gettext_noop("Down"),
}


def _travel(direction: Direction, change: Decimal) -> Travel:
    return Travel(direction, change, _WORDS[direction])


def direction_of_travel(
    current: Decimal | None,
    previous: Decimal | None,
    polarity: str,
    band: TargetBand | None = None,
) -> Travel:
    check_polarity(polarity)
    if previous is None:
        return Travel(Direction.NOT_KNOWN, None, gettext_noop("Not known: no earlier figure"))
    if current is None:
        return Travel(Direction.NOT_KNOWN, None, gettext_noop("Not known: no current figure"))
    change = current - previous
    if change == 0:
        return _travel(Direction.NO_CHANGE, change)
    if polarity == HIGHER:
        return _travel(Direction.IMPROVING if change > 0 else Direction.WORSENING, change)
    if polarity == LOWER:
        return _travel(Direction.IMPROVING if change < 0 else Direction.WORSENING, change)
    if polarity == BAND and band is not None:
        closer_by = band.distance(previous) - band.distance(current)
        if closer_by != 0:
            direction = Direction.IMPROVING if closer_by > 0 else Direction.WORSENING
            return _travel(direction, change)
    # No polarity, or a move that leaves the distance to the band unchanged (say, within it):
    # say which way the figure went without calling it better or worse.
    return _travel(Direction.UP if change > 0 else Direction.DOWN, change)


def moves_worsening(
    values: Sequence[Decimal | None], polarity: str, bands: Sequence[TargetBand | None]
) -> int:
    """How many moves in a row, up to the latest, have been for the worse: 3 for a figure that
    worsened in each of its last three periods. `values` run oldest first, with the target
    band that applied to each (a band measure is worse as it moves away from its band); a gap
    (no value) ends the run."""
    if len(values) != len(bands):
        raise ValueError("Give a target band (or None) for every value.")
    run = 0
    for position in range(len(values) - 1, 0, -1):
        travel = direction_of_travel(
            values[position], values[position - 1], polarity, bands[position]
        )
        if travel.direction != Direction.WORSENING:
            break
        run += 1
    return run
