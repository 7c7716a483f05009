"""Pure arithmetic for figures: ratios, roll-ups from months to quarters and years, and means.

A value of None is a suppressed or missing figure: it is skipped and counted, never read as zero.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

PERCENT = Decimal(100)
PER_10K = Decimal(10000)
MEAN = Decimal(1)

SUM = "sum"
RATIO = "ratio"
LATEST = "latest"
NOT_AGGREGATABLE = "none"
ROLL_UP_RULES = (SUM, RATIO, LATEST, NOT_AGGREGATABLE)


def ratio_value(numerator: Decimal, denominator: Decimal, multiplier: Decimal) -> Decimal:
    """numerator / denominator * multiplier: 100 for percent, 10,000 for a rate, 1 for a mean."""
    if denominator <= 0:
        raise ValueError(f"A ratio needs a denominator above zero, not {denominator}.")
    return numerator * multiplier / denominator


def rate_per_10k(count: Decimal, population: Decimal) -> Decimal:
    return ratio_value(count, population, PER_10K)


@dataclass(frozen=True)
class Part:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    end: datetime.date | None = None


@dataclass(frozen=True)
class RolledUp:
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    parts_used: int
    complete: bool


def roll_up(
    rule: str,
    parts: Sequence[Part],
    *,
    expected_parts: int,
    multiplier: Decimal = Decimal(1),
) -> RolledUp | None:
    """One figure for a longer period from its parts, or None when it cannot be derived."""
    if rule not in ROLL_UP_RULES:
        raise ValueError(f"Unknown roll-up rule {rule!r}: use one of {', '.join(ROLL_UP_RULES)}.")
    if rule == NOT_AGGREGATABLE:
        return None
    usable = [part for part in parts if part.value is not None]
    if not usable:
        return None
    complete = len(usable) == len(parts) and len(usable) >= expected_parts
    if rule == SUM:
        total = sum((part.value for part in usable if part.value is not None), Decimal(0))
        return RolledUp(total, None, None, len(usable), complete)
    if rule == RATIO:
        return _roll_up_ratio(usable, multiplier, complete)
    return _roll_up_latest(usable, complete)


def _roll_up_ratio(usable: list[Part], multiplier: Decimal, complete: bool) -> RolledUp | None:
    numerators: list[Decimal] = []
    denominators: list[Decimal] = []
    for part in usable:
        # Without its counts a part's percentage cannot be weighted, and a mean of percentages
        # is wrong, so no figure at all is better than a misleading one.
        if part.numerator is None or part.denominator is None:
            return None
        numerators.append(part.numerator)
        denominators.append(part.denominator)
    numerator = sum(numerators, Decimal(0))
    denominator = sum(denominators, Decimal(0))
    if denominator == 0:
        return None
    value = ratio_value(numerator, denominator, multiplier)
    return RolledUp(value, numerator, denominator, len(usable), complete)


def _roll_up_latest(usable: list[Part], complete: bool) -> RolledUp | None:
    dated = [(part.end, index, part) for index, part in enumerate(usable) if part.end is not None]
    if len(dated) < len(usable):
        return None
    # On a tie of end dates the later part in the sequence wins, as a later entry would.
    _, _, latest = max(dated, key=lambda item: (item[0], item[1]))
    return RolledUp(latest.value, latest.numerator, latest.denominator, len(usable), complete)


@dataclass(frozen=True)
class MeanResult:
    value: Decimal | None
    count: int
    skipped: int


def mean_of_available(values: Iterable[Decimal | None]) -> MeanResult:
    available: list[Decimal] = []
    skipped = 0
    for value in values:
        if value is None:
            skipped += 1
        else:
            available.append(value)
    if not available:
        return MeanResult(None, 0, skipped)
    return MeanResult(sum(available, Decimal(0)) / len(available), len(available), skipped)


PUBLISHED = "published"
COMPUTED = "computed"
NO_METHOD = "none"


@dataclass(frozen=True)
class ComparatorValue:
    value: Decimal | None
    method: str
    members_used: int


def comparator_value(
    published: Decimal | None, member_values: Iterable[Decimal | None]
) -> ComparatorValue:
    """A published figure (England's, say) wins: it is an aggregate, not a mean of authorities."""
    if published is not None:
        return ComparatorValue(published, PUBLISHED, 0)
    mean = mean_of_available(member_values)
    if mean.value is None:
        return ComparatorValue(None, NO_METHOD, 0)
    return ComparatorValue(mean.value, COMPUTED, mean.count)
