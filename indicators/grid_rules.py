"""Pure rules of the benchmarking grid (issue 18): which period a column shows, and each
authority's rank and quartile in a column.

No ORM, no request. Ranks and quartiles are the benchmarking page's (`ranking.rank`: standard
competition ranks, quartile bands by ranked position as in the DfE's LAIT), so an authority
stands in the same quartile on the grid as on the page for one measure; the grid numbers the
bands 1 (best) to 4 (worst) and says each in words, because a colour alone tells nothing to a
reader who cannot tell the colours apart (WCAG 1.4.1).

- A measure whose polarity is "higher" or "lower" is ranked, 1 the best in that direction;
  tied values share a rank ("1, 2, 2, 4") and a quartile.
- A measure with no polarity, or best within a band, has no better or worse: no rank and no
  quartile, and the column says so.
- Fewer than four values: ranked, but no quartiles (a "quartile" of one authority would say
  more than the numbers do).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from . import ranking
from .rag import BAND, NO_POLARITY

K = TypeVar("K", bound=Hashable)

QUARTILE_WORDS = {
    1: "best quartile",
    2: "second quartile",
    3: "third quartile",
    4: "worst quartile",
}
NOT_RANKED_REASONS = {
    NO_POLARITY: "not ranked: a higher or lower figure is not better or worse in itself",
    BAND: "not ranked: best within a band, so neither higher nor lower is better",
}
TOO_FEW_FOR_QUARTILES = (
    f"no quartiles: fewer than {ranking.MIN_VALUES_FOR_BANDS} authorities have a figure"
)


@dataclass(frozen=True)
class Placing:
    """One authority's place in a column: its rank among `of` ranked values, and quartile."""

    rank: int | None  # 1 is best; None for a measure without a better direction
    tied: bool
    quartile: int | None  # 1 best .. 4 worst; None without quartiles
    of: int

    @property
    def rank_text(self) -> str:
        """ "3 of 12", "joint 3 of 12", or "" when not ranked."""
        if self.rank is None:
            return ""
        return f"{'joint ' if self.tied else ''}{self.rank} of {self.of}"

    @property
    def quartile_words(self) -> str:
        return QUARTILE_WORDS[self.quartile] if self.quartile is not None else ""


@dataclass(frozen=True)
class ColumnPlacings(Generic[K]):
    placings: dict[K, Placing]
    is_ranked: bool
    has_quartiles: bool
    # Why a column has no ranks or no quartiles, in words for its header ("" when it has both).
    note: str


def place(entries: Iterable[tuple[K, Decimal]], polarity: str) -> ColumnPlacings[K]:
    """Rank and quartile of each key's value in the measure's polarity. Pass the entries in
    the rows' order: tied values keep it."""
    result = ranking.rank(entries, polarity)
    is_ranked = result.is_ranked
    placings = {
        placed.key: Placing(
            rank=placed.rank if is_ranked else None,
            tied=placed.tied if is_ranked else False,
            quartile=ranking.BANDS.index(placed.band) + 1 if placed.band else None,
            of=result.count,
        )
        for placed in result.placed
    }
    if not is_ranked:
        note = NOT_RANKED_REASONS[polarity]
    elif not result.is_banded and result.count:
        note = TOO_FEW_FOR_QUARTILES
    else:
        note = ""
    return ColumnPlacings(placings, is_ranked, result.is_banded, note)


@dataclass(frozen=True)
class PeriodHeld:
    """A period in which a measure has at least one value among the rows."""

    period_id: int
    kind: str
    start: date
    end: date


def latest_period(held: Iterable[PeriodHeld], native_kinds: Iterable[str]) -> PeriodHeld | None:
    """The period a column shows: the one ending latest; among those ending on the same day,
    the measure's own kind of period (a month of a monthly measure before the financial year
    that ends with it), then the one starting latest (the shorter)."""
    native = set(native_kinds)
    return max(
        held,
        key=lambda period: (period.end, period.kind in native, period.start),
        default=None,
    )
