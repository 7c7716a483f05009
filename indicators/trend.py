"""Pure direction-of-travel rule: this figure against an earlier one, polarity-aware.

The caller compares twice: with the previous period and with the same period last year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

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


_WORDS = {
    Direction.IMPROVING: "Improving",
    Direction.WORSENING: "Worsening",
    Direction.NO_CHANGE: "No change",
    Direction.UP: "Up",
    Direction.DOWN: "Down",
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
        return Travel(Direction.NOT_KNOWN, None, "Not known: no earlier figure")
    if current is None:
        return Travel(Direction.NOT_KNOWN, None, "Not known: no current figure")
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
