"""Pure ranking of one indicator's values across a group of authorities, with quartile bands.

No ORM, no request: plain keys and `Decimal` values in, plain dataclasses out.

**Ranks** are standard competition ranks ("1, 2, 2, 4"): an authority's rank is one more than
the number of authorities with a strictly better value, so tied authorities share a rank and
the next rank is skipped.

**Quartile boundaries** are the lower quartile, median and upper quartile of the values by the
*inclusive* method (linear interpolation between closest ranks: Excel's QUARTILE.INC, numpy's
default, `statistics.quantiles(method="inclusive")`): the q-quantile of n sorted values lies at
0-based position q * (n - 1).

**Quartile bands** A (best) to D (worst) are by ranked position, in the manner of the DfE's
Local Authority Interactive Tool (LAIT). Sort the values best first and number the positions
p = 0 .. n - 1; a value's band is the number of cut-offs k * (n - 1) / 4 (k = 1, 2, 3) that its
position lies strictly beyond, where a tie group takes the position of its first (best)
member. So:

- every value gets exactly one band, and tied values share it;
- a better value never gets a worse band;
- with no ties the bands differ in size by at most one (exactly n / 4 each when four divides
  n);
- the cut-offs are the positions of the quartile boundaries above, so the bands agree exactly
  with the boundaries a chart draws: band A is every value at least as good as the best-side
  quartile, band D every value strictly worse than the worst-side one (see `band_for_value`).

Bands need a better direction: they are given only for "higher" and "lower" polarity, and only
when at least `MIN_VALUES_FOR_BANDS` values are ranked. Measures with no polarity (or best
within a band, where neither direction is better) are ordered by value, lowest first, without
bands. See docs/0011-benchmarking.md.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from .rag import HIGHER, LOWER, check_polarity

K = TypeVar("K", bound=Hashable)

BANDS = ("A", "B", "C", "D")
# Fewer values than this are ranked but not put in quartile bands: with three values a
# "quartile" is one authority, and its band would say more than the numbers do.
MIN_VALUES_FOR_BANDS = 4


def is_ranked_polarity(polarity: str) -> bool:
    """Whether a polarity says which direction is better, so that ranks mean better or worse."""
    check_polarity(polarity)
    return polarity in (HIGHER, LOWER)


def _sort_key(polarity: str) -> Callable[[Decimal], Decimal]:
    # Best first: highest first for "higher", lowest first otherwise (for "lower" because
    # lower is better; for "none" and "band" because lowest-first is the neutral order).
    if polarity == HIGHER:
        return lambda value: -value
    return lambda value: value


def competition_ranks(ordered: Sequence[Decimal]) -> list[int]:
    """Standard competition ranks of values already in ranked order ("1, 2, 2, 4")."""
    ranks: list[int] = []
    for position, value in enumerate(ordered):
        if position and value == ordered[position - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    return ranks


def quantile_inclusive(ascending: Sequence[Decimal], numerator: int, denominator: int) -> Decimal:
    """The (numerator / denominator)-quantile of sorted values by linear interpolation between
    closest ranks (the inclusive method). Exact in `Decimal` for quartiles."""
    if not ascending:
        raise ValueError("A quantile needs at least one value.")
    if not 0 <= numerator <= denominator:
        raise ValueError(f"A quantile lies between 0 and 1 (got {numerator}/{denominator}).")
    scaled = numerator * (len(ascending) - 1)
    below, remainder = divmod(scaled, denominator)
    if remainder == 0:
        return ascending[below]
    fraction = Decimal(remainder) / Decimal(denominator)
    return ascending[below] + (ascending[below + 1] - ascending[below]) * fraction


@dataclass(frozen=True)
class Quartiles:
    """The boundaries of a group's values, lowest first (whatever the polarity)."""

    lower: Decimal  # 25th percentile
    median: Decimal
    upper: Decimal  # 75th percentile

    def best_first(self, polarity: str) -> tuple[Decimal, Decimal, Decimal]:
        """The boundaries between bands A|B, B|C and C|D."""
        if polarity == HIGHER:
            return (self.upper, self.median, self.lower)
        return (self.lower, self.median, self.upper)


def quartiles(values: Iterable[Decimal]) -> Quartiles | None:
    """Lower quartile, median and upper quartile (inclusive method); None without values."""
    ascending = sorted(values)
    if not ascending:
        return None
    return Quartiles(
        lower=quantile_inclusive(ascending, 1, 4),
        median=quantile_inclusive(ascending, 1, 2),
        upper=quantile_inclusive(ascending, 3, 4),
    )


def band_for_position(position: int, count: int) -> str:
    """The band of the value at 0-based `position` (best first; a tie group's first position)
    among `count` ranked values: how many of the cut-offs k * (count - 1) / 4 it lies beyond."""
    if count < 1 or not 0 <= position < count:
        raise ValueError(f"Position {position} is not among {count} values.")
    beyond = sum(1 for k in (1, 2, 3) if 4 * position > k * (count - 1))
    return BANDS[beyond]


def band_for_value(value: Decimal, boundaries: Quartiles, polarity: str) -> str:
    """The band of a value against the quartile boundaries: A if at least as good as the
    best-side boundary, then one band down for each boundary it is strictly worse than.
    Agrees with `band_for_position` for every value of the group (tested)."""
    if not is_ranked_polarity(polarity):
        raise ValueError(f"A measure with polarity {polarity!r} has no better or worse band.")
    if polarity == HIGHER:
        worse = sum(1 for boundary in boundaries.best_first(polarity) if value < boundary)
    else:
        worse = sum(1 for boundary in boundaries.best_first(polarity) if value > boundary)
    return BANDS[worse]


@dataclass(frozen=True)
class Placed(Generic[K]):
    key: K
    value: Decimal
    rank: int  # standard competition rank: 1 is best (lowest value when not ranked)
    band: str | None  # "A" (best quarter) to "D"; None when the ranking has no bands
    tied: bool  # shares its rank with another value


@dataclass(frozen=True)
class Ranking(Generic[K]):
    polarity: str
    placed: tuple[Placed[K], ...]  # best first; lowest value first when not ranked
    quartiles: Quartiles | None  # None below MIN_VALUES_FOR_BANDS values
    median: Decimal | None  # None without values

    @property
    def is_ranked(self) -> bool:
        """Whether the order means better and worse (polarity higher or lower)."""
        return is_ranked_polarity(self.polarity)

    @property
    def is_banded(self) -> bool:
        return self.is_ranked and self.quartiles is not None

    @property
    def count(self) -> int:
        return len(self.placed)

    def find(self, key: K) -> Placed[K] | None:
        return next((placed for placed in self.placed if placed.key == key), None)


def rank(entries: Iterable[tuple[K, Decimal]], polarity: str) -> Ranking[K]:
    """Rank values best first by the polarity, with competition ranks and, where they mean
    something, quartile bands. Tied values keep the order in which they were given (pass
    them in name order for a stable table)."""
    check_polarity(polarity)
    ordered = sorted(entries, key=lambda entry: _sort_key(polarity)(entry[1]))
    values = [value for _key, value in ordered]
    ranks = competition_ranks(values)
    counts: dict[int, int] = {}
    for number in ranks:
        counts[number] = counts.get(number, 0) + 1
    boundaries = quartiles(values) if len(values) >= MIN_VALUES_FOR_BANDS else None
    banded = boundaries is not None and is_ranked_polarity(polarity)
    placed = tuple(
        Placed(
            key=key,
            value=value,
            rank=number,
            band=band_for_position(number - 1, len(values)) if banded else None,
            tied=counts[number] > 1,
        )
        for (key, value), number in zip(ordered, ranks, strict=True)
    )
    middle = quartiles(values)
    return Ranking(
        polarity=polarity,
        placed=placed,
        quartiles=boundaries,
        median=middle.median if middle is not None else None,
    )


def band_key(
    boundaries: Quartiles, polarity: str, show: Callable[[Decimal], str]
) -> list[tuple[str, str]]:
    """Each band with the values it holds in words ("A", "at least 82.5%"), for a key beside
    the table. `show` formats a boundary value."""
    first, middle, last = (show(boundary) for boundary in boundaries.best_first(polarity))
    if polarity == HIGHER:
        return [
            ("A", f"{first} or more"),
            ("B", f"{middle} or more, below {first}"),
            ("C", f"{last} or more, below {middle}"),
            ("D", f"below {last}"),
        ]
    if polarity == LOWER:
        return [
            ("A", f"{first} or less"),
            ("B", f"above {first}, up to {middle}"),
            ("C", f"above {middle}, up to {last}"),
            ("D", f"above {last}"),
        ]
    raise ValueError(f"A measure with polarity {polarity!r} has no bands.")


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 102nd..."""
    if number < 1:
        raise ValueError(f"Ordinals start at 1 (got {number}).")
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
