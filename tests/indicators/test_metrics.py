import statistics
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.formatting import round_half_up
from indicators.metrics import (
    Part,
    comparator_value,
    mean_of_available,
    rate_per_10k,
    ratio_value,
    roll_up,
)

D = Decimal
counts = st.decimals(min_value=0, max_value=100000, allow_nan=False, places=0)
positive_counts = st.decimals(min_value=1, max_value=100000, allow_nan=False, places=0)
amounts = st.decimals(min_value=-100000, max_value=100000, allow_nan=False, places=2)
maybe_amounts = st.none() | amounts


def test_ratio_value_multipliers() -> None:
    assert ratio_value(D(45), D(50), D(100)) == D(90)
    assert rate_per_10k(D(350), D(100000)) == D(35)
    assert ratio_value(D(3000), D(10), D(1)) == D(300)


@pytest.mark.parametrize("denominator", ["0", "-1"])
def test_ratio_value_needs_a_positive_denominator(denominator: str) -> None:
    with pytest.raises(ValueError, match="denominator"):
        ratio_value(D(1), D(denominator), D(100))


# Roll-ups.


def test_ratio_roll_up_is_not_the_mean_of_percentages() -> None:
    months = [Part(D(50), D(1), D(2)), Part(D(90), D(90), D(100))]
    rolled = roll_up("ratio", months, expected_parts=2, multiplier=D(100))
    assert rolled is not None
    assert rolled.numerator == D(91)
    assert rolled.denominator == D(102)
    assert round_half_up(rolled.value or D(0), 1) == D("89.2")
    assert statistics.mean(part.value for part in months if part.value is not None) == D(70)
    assert rolled.complete


def test_ratio_roll_up_needs_numerators_and_denominators() -> None:
    parts = [Part(D(50), D(1), D(2)), Part(D(90))]
    assert roll_up("ratio", parts, expected_parts=2, multiplier=D(100)) is None


def test_ratio_roll_up_with_nothing_counted_has_no_value() -> None:
    parts = [Part(D(0), D(0), D(0))]
    assert roll_up("ratio", parts, expected_parts=1, multiplier=D(100)) is None


def test_suppressed_part_is_skipped_and_makes_the_result_incomplete() -> None:
    parts = [Part(D(5)), Part(None), Part(D(7))]
    rolled = roll_up("sum", parts, expected_parts=3)
    assert rolled is not None
    assert rolled.value == D(12)
    assert rolled.parts_used == 2
    assert not rolled.complete


def test_missing_parts_make_the_result_incomplete() -> None:
    rolled = roll_up("sum", [Part(D(5)), Part(D(7))], expected_parts=3)
    assert rolled is not None
    assert not rolled.complete


def test_no_usable_parts_and_rule_none_give_nothing() -> None:
    assert roll_up("sum", [], expected_parts=3) is None
    assert roll_up("sum", [Part(None)], expected_parts=1) is None
    assert roll_up("none", [Part(D(1))], expected_parts=1) is None


def test_latest_needs_end_dates() -> None:
    assert roll_up("latest", [Part(D(1))], expected_parts=1) is None


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="roll-up rule"):
        roll_up("mean", [Part(D(1))], expected_parts=1)


@given(values=st.lists(amounts, min_size=1, max_size=12))
def test_sum_roll_up_equals_the_sum(values: list[Decimal]) -> None:
    rolled = roll_up("sum", [Part(value) for value in values], expected_parts=len(values))
    assert rolled is not None
    assert rolled.value == sum(values, D(0))
    assert rolled.parts_used == len(values)
    assert rolled.complete


@given(
    pairs=st.lists(st.tuples(counts, positive_counts), min_size=1, max_size=12),
    multiplier=st.sampled_from((D(1), D(100), D(10000))),
)
def test_ratio_roll_up_is_summed_numerators_over_summed_denominators(
    pairs: list[tuple[Decimal, Decimal]], multiplier: Decimal
) -> None:
    parts = [Part(ratio_value(num, den, multiplier), num, den) for num, den in pairs]
    rolled = roll_up("ratio", parts, expected_parts=len(parts), multiplier=multiplier)
    numerator = sum((num for num, _ in pairs), D(0))
    denominator = sum((den for _, den in pairs), D(0))
    assert rolled is not None
    assert rolled.numerator == numerator
    assert rolled.denominator == denominator
    assert rolled.value == ratio_value(numerator, denominator, multiplier)
    # Decimal division rounds at 28 significant digits, whichever order the operations run in.
    expected = numerator / denominator * multiplier
    assert abs((rolled.value or 0) - expected) <= abs(expected) * D("1e-25")


@given(
    offsets=st.lists(st.integers(0, 3650), min_size=1, max_size=12, unique=True),
    data=st.data(),
)
def test_latest_takes_the_latest_end_whatever_the_order(
    offsets: list[int], data: st.DataObject
) -> None:
    start = date(2015, 3, 31)
    parts = [
        Part(D(offset), D(offset + 1), D(offset + 2), start + timedelta(offset))
        for offset in offsets
    ]
    shuffled = data.draw(st.permutations(parts))
    rolled = roll_up("latest", shuffled, expected_parts=len(parts))
    latest = max(offsets)
    assert rolled is not None
    assert (rolled.value, rolled.numerator, rolled.denominator) == (
        D(latest),
        D(latest + 1),
        D(latest + 2),
    )


# Means and comparators.


@given(values=st.lists(maybe_amounts, max_size=20))
def test_mean_of_available_skips_suppressed_values(values: list[Decimal | None]) -> None:
    available = [value for value in values if value is not None]
    result = mean_of_available(values)
    assert result.count == len(available)
    assert result.skipped == len(values) - len(available)
    if available:
        assert result.value == statistics.mean(available)
    else:
        assert result.value is None


def test_suppressed_is_never_zero() -> None:
    assert mean_of_available([D(10), None, D(20)]).value == D(15)


@given(published=amounts, members=st.lists(maybe_amounts, max_size=12))
def test_published_comparator_value_wins(published: Decimal, members: list[Decimal | None]) -> None:
    result = comparator_value(published, members)
    assert result.value == published
    assert result.method == "published"


def test_comparator_value_computed_then_none() -> None:
    computed = comparator_value(None, [D(10), None, D(30)])
    assert (computed.value, computed.method, computed.members_used) == (D(20), "computed", 2)
    nothing = comparator_value(None, [None, None])
    assert (nothing.value, nothing.method, nothing.members_used) == (None, "none", 0)
