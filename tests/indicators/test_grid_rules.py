"""The benchmarking grid's pure rules: ranks and quartiles in a measure's polarity, and the
period a column shows."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.grid_rules import PeriodHeld, latest_period, place

values = st.lists(
    st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False), min_size=1, max_size=40
)


@given(values)
def test_the_best_value_is_ranked_first_in_the_best_quartile_higher_and_lower_mirrored(
    numbers: list[Decimal],
) -> None:
    higher = place(list(enumerate(numbers)), "higher")
    # The same authorities with every value negated, lower being better: the same places.
    lower = place([(key, -value) for key, value in enumerate(numbers)], "lower")
    assert higher.placings == lower.placings
    best = max(numbers)
    for key, value in enumerate(numbers):
        placing = higher.placings[key]
        if value == best:
            assert placing.rank == 1
            assert placing.quartile in ((1,) if len(numbers) >= 4 else (None,))
        assert placing.of == len(numbers)


@given(values)
def test_ties_share_a_rank_and_a_quartile_and_better_is_never_placed_worse(
    numbers: list[Decimal],
) -> None:
    column = place(list(enumerate(numbers)), "lower")
    for one, first in enumerate(numbers):
        for other, second in enumerate(numbers):
            a, b = column.placings[one], column.placings[other]
            assert a.rank is not None and b.rank is not None
            if first == second:
                assert (a.rank, a.quartile, a.tied) == (b.rank, b.quartile, b.tied)
            elif first < second:  # lower is better
                assert a.rank < b.rank
                if a.quartile is not None and b.quartile is not None:
                    assert a.quartile <= b.quartile
    # A rank is one more than the number of strictly better values (1, 2, 2, 4).
    for key, value in enumerate(numbers):
        assert column.placings[key].rank == 1 + sum(1 for other in numbers if other < value)


@given(st.lists(st.decimals(min_value=0, max_value=100, places=0), min_size=1, max_size=3))
def test_fewer_than_four_values_are_ranked_without_quartiles(numbers: list[Decimal]) -> None:
    column = place(list(enumerate(numbers)), "higher")
    assert column.is_ranked and not column.has_quartiles
    assert all(placing.quartile is None for placing in column.placings.values())
    assert all(placing.rank is not None for placing in column.placings.values())
    assert "fewer than 4" in column.note


@pytest.mark.parametrize("polarity", ["none", "band"])
def test_a_measure_without_a_better_direction_has_no_rank_or_quartile_and_says_so(
    polarity: str,
) -> None:
    column = place([(n, Decimal(n)) for n in range(8)], polarity)
    assert not column.is_ranked and not column.has_quartiles
    assert all(p.rank is None and p.quartile is None for p in column.placings.values())
    assert all(p.rank_text == "" and p.quartile_words == "" for p in column.placings.values())
    assert column.note.startswith("not ranked")


def test_eight_values_fall_two_to_a_quartile_in_words() -> None:
    column = place([(f"LA{n}", Decimal(n)) for n in range(8)], "higher")
    words = [column.placings[f"LA{n}"].quartile_words for n in range(7, -1, -1)]
    assert (
        words
        == ["best quartile"] * 2
        + ["second quartile"] * 2
        + ["third quartile"] * 2
        + ["worst quartile"] * 2
    )
    assert column.placings["LA7"].rank_text == "1 of 8"
    tied = place([("a", Decimal(5)), ("b", Decimal(5)), ("c", Decimal(1))], "higher")
    assert tied.placings["b"].rank_text == "joint 1 of 3"
    assert tied.placings["c"].rank_text == "3 of 3"


def test_the_latest_period_ends_last_and_prefers_the_measures_own_kind() -> None:
    month = PeriodHeld(1, "month", date(2025, 3, 1), date(2025, 3, 31))
    year = PeriodHeld(2, "fy", date(2024, 4, 1), date(2025, 3, 31))
    older = PeriodHeld(3, "fy", date(2023, 4, 1), date(2024, 3, 31))
    assert latest_period([older, year, month], ("month",)) == month
    assert latest_period([older, month, year], ("fy", "ay", "snapshot")) == year
    assert latest_period([older], ("fy",)) == older
    assert latest_period([], ("fy",)) is None
