"""Pure RAG rules: a value against its target, or against a comparator when there is no target.

Polarity is one of "higher", "lower", "band" (best within a band: either side is a miss) or
"none". Every result carries words, because a rating must never be conveyed by colour alone.
The words are English, marked for translation (gettext_noop) and translated where they are
shown (`indicators.translated`): a published pack keeps them as they were written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeGuard

from django.utils.translation import gettext_noop

HIGHER = "higher"
LOWER = "lower"
BAND = "band"
NO_POLARITY = "none"
POLARITIES = (HIGHER, LOWER, BAND, NO_POLARITY)


def check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"Unknown polarity {polarity!r}: use one of {', '.join(POLARITIES)}.")


class Rating(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_RATED = "not_rated"


@dataclass(frozen=True)
class TargetBand:
    """A target: a band, a single figure (lower == upper) or one open-ended bound."""

    lower: Decimal | None
    upper: Decimal | None
    tolerance: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.lower is None and self.upper is None:
            raise ValueError("A target needs a lower bound, an upper bound or both.")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(
                f"A target's lower bound ({self.lower}) cannot be above its upper bound "
                f"({self.upper})."
            )
        if self.tolerance < 0:
            raise ValueError(f"A target's amber tolerance cannot be negative ({self.tolerance}).")

    def distance(self, value: Decimal) -> Decimal:
        """How far `value` lies outside the band (zero inside it; a missing bound is open)."""
        if self.lower is not None and value < self.lower:
            return self.lower - value
        if self.upper is not None and value > self.upper:
            return value - self.upper
        return Decimal(0)


@dataclass(frozen=True)
class RagResult:
    rating: Rating
    words: str


# What a councillor reads beside a measure that has no target and that no comparator can rate
# (issue 16: "Not compared: this measure is best within a band" read as nonsense).
NO_TARGET_WORDS = gettext_noop("No target set")


def rate_against_target(
    value: Decimal | None, target: TargetBand | None, polarity: str
) -> RagResult:
    check_polarity(polarity)
    # No target first: a count kept for context (no polarity) usually has none, and "No target
    # set" is what a councillor expects to read beside it.
    if target is None:
        return RagResult(Rating.NOT_RATED, NO_TARGET_WORDS)
    if polarity == NO_POLARITY:
        return RagResult(Rating.NOT_RATED, gettext_noop("Not rated: this measure has no polarity"))
    if value is None:
        return RagResult(Rating.NOT_RATED, gettext_noop("Not rated: no value"))
    if polarity == BAND:
        return _rate_band(value, target)
    # Flip signs so "lower is better" is the mirror image of "higher is better": a single rule.
    sign = 1 if polarity == HIGHER else -1
    near, far = (target.lower, target.upper) if sign == 1 else (target.upper, target.lower)
    threshold = near if near is not None else far
    if threshold is None:  # TargetBand refuses this; the check narrows the type.
        raise ValueError("A target needs a lower bound, an upper bound or both.")
    shortfall = (threshold - value) * sign
    if shortfall <= 0:
        beyond = far is not None and (value - far) * sign > 0
        return RagResult(
            Rating.GREEN,
            gettext_noop("Green: better than target")
            if beyond
            else gettext_noop("Green: on target"),
        )
    # Whole sentences, not "below"/"above" put into one, so that each is translated whole.
    if shortfall <= target.tolerance:
        return RagResult(
            Rating.AMBER,
            gettext_noop("Amber: just below target")
            if sign == 1
            else gettext_noop("Amber: just above target"),
        )
    return RagResult(
        Rating.RED,
        gettext_noop("Red: below target") if sign == 1 else gettext_noop("Red: above target"),
    )


def _rate_band(value: Decimal, target: TargetBand) -> RagResult:
    distance = target.distance(value)
    if distance == 0:
        return RagResult(Rating.GREEN, gettext_noop("Green: within the target band"))
    if distance <= target.tolerance:
        return RagResult(Rating.AMBER, gettext_noop("Amber: just outside the target band"))
    return RagResult(Rating.RED, gettext_noop("Red: outside the target band"))


class Comparison(StrEnum):
    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    NOT_COMPARED = "not_compared"


@dataclass(frozen=True)
class ComparisonResult:
    comparison: Comparison
    words: str


def rate_against_comparator(
    value: Decimal | None,
    comparator_value: Decimal | None,
    polarity: str,
    similar_within: Decimal,
    *,
    comparator_name: str = "the comparator",
) -> ComparisonResult:
    """Better, similar or worse than a comparator, for measures that have no target.

    `similar_within` is an absolute difference in the indicator's own units.
    """
    check_polarity(polarity)
    if similar_within < 0:
        raise ValueError(f"similar_within cannot be negative ({similar_within}).")
    if polarity == NO_POLARITY:
        return _not_compared(gettext_noop("Not compared: this measure has no polarity"))
    if polarity == BAND:
        # Nearer the comparator is not better or worse for a measure whose best is a band.
        return _not_compared(gettext_noop("Not compared: this measure is best within a band"))
    if value is None:
        return _not_compared(gettext_noop("Not compared: no value"))
    # The sentences with the comparator's name are matched back to these patterns, and
    # translated, where they are shown (indicators.translated).
    named = {"comparator": comparator_name}
    if comparator_value is None:
        return _not_compared(gettext_noop("Not compared: no figure for %(comparator)s") % named)
    difference = value - comparator_value
    if abs(difference) <= similar_within:
        return ComparisonResult(
            Comparison.SIMILAR, gettext_noop("Similar to %(comparator)s") % named
        )
    better = difference > 0 if polarity == HIGHER else difference < 0
    if better:
        return ComparisonResult(
            Comparison.BETTER, gettext_noop("Better than %(comparator)s") % named
        )
    return ComparisonResult(Comparison.WORSE, gettext_noop("Worse than %(comparator)s") % named)


def _not_compared(words: str) -> ComparisonResult:
    return ComparisonResult(Comparison.NOT_COMPARED, words)


def compared(result: ComparisonResult | None) -> TypeGuard[ComparisonResult]:
    """Whether a comparison says something (better, similar, worse): a measure best within a
    band, or with no polarity, is not compared, and its reason is no rating to show."""
    return result is not None and result.comparison != Comparison.NOT_COMPARED
