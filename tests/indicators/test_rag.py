from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indicators.formatting import round_half_up
from indicators.rag import (
    Comparison,
    Rating,
    TargetBand,
    rate_against_comparator,
    rate_against_target,
)

D = Decimal
RATED_POLARITIES = ("higher", "lower", "band")
ORDER = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2}

values = st.decimals(min_value=-10000, max_value=10000, allow_nan=False, places=2)
tolerances = st.decimals(min_value=0, max_value=100, allow_nan=False, places=2)
polarities = st.sampled_from(("higher", "lower", "band", "none"))


@st.composite
def bands(draw: st.DrawFn) -> TargetBand:
    first, second = sorted((draw(values), draw(values)))
    shape = draw(st.sampled_from(("both", "lower", "upper", "single")))
    lower = None if shape == "upper" else first
    upper = {"both": second, "lower": None, "upper": second, "single": first}[shape]
    return TargetBand(lower, upper, draw(tolerances))


def band_90_95(tolerance: str = "2") -> TargetBand:
    return TargetBand(D(90), D(95), D(tolerance))


# Seeds and the brief's worked examples.


@pytest.mark.parametrize(
    ("value", "rating"),
    [("87", Rating.RED), ("89", Rating.AMBER), ("90", Rating.GREEN), ("88", Rating.AMBER)],
)
def test_higher_is_better_against_90_95_with_tolerance_2(value: str, rating: Rating) -> None:
    assert rate_against_target(D(value), band_90_95(), "higher").rating == rating


def test_87_against_90_95_is_not_green() -> None:
    assert rate_against_target(D(87), band_90_95("0"), "higher").rating != Rating.GREEN


def test_95_and_97_against_90_95_higher_is_better_are_green() -> None:
    on_target = rate_against_target(D(95), band_90_95(), "higher")
    beyond = rate_against_target(D(97), band_90_95(), "higher")
    assert on_target.rating == Rating.GREEN
    assert on_target.words == "Green: on target"
    assert beyond.rating == Rating.GREEN
    assert beyond.words == "Green: better than target"


def test_97_against_90_95_best_within_band_is_a_miss() -> None:
    assert rate_against_target(D(97), band_90_95(), "band").rating in (Rating.AMBER, Rating.RED)
    assert rate_against_target(D(97), band_90_95("0"), "band").rating == Rating.RED
    assert rate_against_target(D(96), band_90_95(), "band").rating == Rating.AMBER


def test_band_misses_on_either_side() -> None:
    target = TargetBand(D(17), D(19), D(1))
    assert rate_against_target(D(18), target, "band").words == "Green: within the target band"
    assert rate_against_target(D("16.5"), target, "band").words == (
        "Amber: just outside the target band"
    )
    assert rate_against_target(D(15), target, "band").words == "Red: outside the target band"
    assert rate_against_target(D(21), target, "band").words == "Red: outside the target band"


def test_lower_is_better_is_the_mirror_image() -> None:
    target = TargetBand(D(10), D(12), D(1))
    assert rate_against_target(D(12), target, "lower").words == "Green: on target"
    assert rate_against_target(D(9), target, "lower").words == "Green: better than target"
    assert rate_against_target(D(13), target, "lower").words == "Amber: just above target"
    assert rate_against_target(D(14), target, "lower").words == "Red: above target"


def test_single_figure_target() -> None:
    target = TargetBand(D(85), D(85), D(5))
    assert rate_against_target(D(85), target, "higher").words == "Green: on target"
    assert rate_against_target(D(86), target, "higher").words == "Green: better than target"
    assert rate_against_target(D(80), target, "higher").words == "Amber: just below target"
    assert rate_against_target(D("79.9"), target, "higher").words == "Red: below target"


def test_open_ended_targets_use_the_bound_given() -> None:
    at_most = TargetBand(None, D(10))
    at_least = TargetBand(D(85), None)
    assert rate_against_target(D(11), at_most, "higher").rating == Rating.GREEN
    assert rate_against_target(D(9), at_most, "higher").rating == Rating.RED
    assert rate_against_target(D(84), at_least, "lower").rating == Rating.GREEN
    assert rate_against_target(D(90), at_least, "lower").rating == Rating.RED


def test_not_rated_words() -> None:
    assert rate_against_target(D(1), None, "higher").words == "No target set"
    assert rate_against_target(D(1), None, "none").words == "No target set"
    assert rate_against_target(None, band_90_95(), "higher").words == "Not rated: no value"
    assert rate_against_target(D(1), band_90_95(), "none").words == (
        "Not rated: this measure has no polarity"
    )


@pytest.mark.parametrize(
    ("lower", "upper", "tolerance"),
    [(None, None, "0"), ("95", "90", "0"), ("90", "95", "-1")],
)
def test_target_band_refuses_nonsense(lower: str | None, upper: str | None, tolerance: str) -> None:
    with pytest.raises(ValueError, match="target"):
        TargetBand(
            None if lower is None else D(lower), None if upper is None else D(upper), D(tolerance)
        )


def test_unknown_polarity_is_refused() -> None:
    with pytest.raises(ValueError, match="polarity"):
        rate_against_target(D(1), band_90_95(), "sideways")


# Properties.


@given(target=bands(), polarity=st.sampled_from(RATED_POLARITIES), data=st.data())
def test_a_value_inside_the_band_is_green(
    target: TargetBand, polarity: str, data: st.DataObject
) -> None:
    # "Inside" needs both ends: "at most 10" says nothing good of 5 when higher is better.
    assume(target.lower is not None and target.upper is not None)
    low, high = target.lower, target.upper
    value = data.draw(st.decimals(min_value=low, max_value=high, allow_nan=False, places=2))
    assert rate_against_target(value, target, polarity).rating == Rating.GREEN


@given(target=bands(), first=values, second=values)
def test_higher_is_better_is_monotonic(target: TargetBand, first: Decimal, second: Decimal) -> None:
    low, high = sorted((first, second))
    low_rating = rate_against_target(low, target, "higher").rating
    high_rating = rate_against_target(high, target, "higher").rating
    assert ORDER[high_rating] >= ORDER[low_rating]


@given(target=bands(), first=values, second=values)
def test_lower_is_better_is_monotonic(target: TargetBand, first: Decimal, second: Decimal) -> None:
    low, high = sorted((first, second))
    low_rating = rate_against_target(low, target, "lower").rating
    high_rating = rate_against_target(high, target, "lower").rating
    assert ORDER[low_rating] >= ORDER[high_rating]


@given(
    lower=values,
    width=tolerances,
    tolerance=tolerances,
    beyond=st.decimals(min_value="0.01", max_value=1000, allow_nan=False, places=2),
)
def test_band_values_far_outside_either_side_are_red(
    lower: Decimal, width: Decimal, tolerance: Decimal, beyond: Decimal
) -> None:
    target = TargetBand(lower, lower + width, tolerance)
    below = lower - tolerance - beyond
    above = lower + width + tolerance + beyond
    assert rate_against_target(below, target, "band").rating == Rating.RED
    assert rate_against_target(above, target, "band").rating == Rating.RED


@given(value=values, target=bands(), polarity=polarities)
def test_not_rated_without_value_or_target_or_polarity(
    value: Decimal, target: TargetBand, polarity: str
) -> None:
    assert rate_against_target(None, target, polarity).rating == Rating.NOT_RATED
    assert rate_against_target(value, None, polarity).rating == Rating.NOT_RATED
    assert rate_against_target(value, target, "none").rating == Rating.NOT_RATED


@given(value=values, target=bands(), polarity=polarities)
def test_words_always_name_the_rating(value: Decimal, target: TargetBand, polarity: str) -> None:
    result = rate_against_target(value, target, polarity)
    assert result.words.lower().startswith(result.rating.value.replace("_", " "))


@given(value=values, target=bands())
def test_higher_and_lower_mirror_each_other(value: Decimal, target: TargetBand) -> None:
    mirrored = TargetBand(
        None if target.upper is None else -target.upper,
        None if target.lower is None else -target.lower,
        target.tolerance,
    )
    assert (
        rate_against_target(value, target, "higher").rating
        == rate_against_target(-value, mirrored, "lower").rating
    )


# Comparators, for measures without a target.


def test_comparator_examples() -> None:
    def compare(value: str, polarity: str) -> Comparison:
        return rate_against_comparator(D(value), D(50), polarity, D(1)).comparison

    assert compare("55", "higher") == Comparison.BETTER
    assert compare("45", "higher") == Comparison.WORSE
    assert compare("45", "lower") == Comparison.BETTER
    assert compare("51", "higher") == Comparison.SIMILAR
    assert compare("49", "lower") == Comparison.SIMILAR
    assert compare("55", "band") == Comparison.NOT_COMPARED
    assert compare("55", "none") == Comparison.NOT_COMPARED


def test_comparator_words() -> None:
    result = rate_against_comparator(D(60), D(50), "higher", D(0), comparator_name="England")
    assert result.words == "Better than England"
    missing = rate_against_comparator(D(60), None, "higher", D(0))
    assert missing.comparison == Comparison.NOT_COMPARED
    assert missing.words.startswith("Not compared: ")


def test_negative_similar_within_is_refused() -> None:
    with pytest.raises(ValueError, match="similar_within"):
        rate_against_comparator(D(1), D(1), "higher", D(-1))


@given(value=values, comparator=values, similar_within=tolerances)
def test_comparison_flips_with_polarity(
    value: Decimal, comparator: Decimal, similar_within: Decimal
) -> None:
    higher = rate_against_comparator(value, comparator, "higher", similar_within).comparison
    lower = rate_against_comparator(value, comparator, "lower", similar_within).comparison
    flip = {Comparison.BETTER: Comparison.WORSE, Comparison.WORSE: Comparison.BETTER}
    assert lower == flip.get(higher, higher)


@given(comparator=values, similar_within=tolerances, share=st.fractions(-1, 1))
def test_within_similar_range_is_similar(
    comparator: Decimal, similar_within: Decimal, share: Fraction
) -> None:
    offset = round_half_up(similar_within * share.numerator / share.denominator, 2)
    assume(abs(offset) <= similar_within)
    value = comparator + offset
    result = rate_against_comparator(value, comparator, "higher", similar_within)
    assert result.comparison == Comparison.SIMILAR
