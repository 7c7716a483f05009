"""Ranking, quartile boundaries and quartile bands: pure, without the database."""

import random
import statistics
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indicators.ranking import (
    BANDS,
    MIN_VALUES_FOR_BANDS,
    Quartiles,
    Ranking,
    band_for_position,
    band_for_value,
    band_key,
    competition_ranks,
    ordinal,
    quartiles,
    rank,
)

D = Decimal
values = st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=2)
# Few distinct values, so that ties are common.
tied_values = st.integers(min_value=0, max_value=6).map(Decimal)
ranked_polarities = st.sampled_from(("higher", "lower"))


def entries(draw_values: list[Decimal]) -> list[tuple[int, Decimal]]:
    return list(enumerate(draw_values))


def better(first: Decimal, second: Decimal, polarity: str) -> bool:
    return first > second if polarity == "higher" else first < second


# --- examples -------------------------------------------------------------------------------


def test_competition_ranks_share_and_skip() -> None:
    assert competition_ranks([D(9), D(8), D(8), D(7)]) == [1, 2, 2, 4]
    assert competition_ranks([D(5), D(5), D(5)]) == [1, 1, 1]
    assert competition_ranks([]) == []


def test_higher_is_better_ranks_highest_first() -> None:
    ranking = rank([("a", D(70)), ("b", D(90)), ("c", D(80)), ("d", D(80)), ("e", D(60))], "higher")
    assert [(p.key, p.rank, p.tied) for p in ranking.placed] == [
        ("b", 1, False),
        ("c", 2, True),
        ("d", 2, True),
        ("a", 4, False),
        ("e", 5, False),
    ]
    assert ranking.median == D(80)
    assert ranking.is_ranked and ranking.is_banded


def test_lower_is_better_ranks_lowest_first() -> None:
    ranking = rank([("a", D(12)), ("b", D(3)), ("c", D(7)), ("d", D(20))], "lower")
    assert [p.key for p in ranking.placed] == ["b", "c", "a", "d"]
    assert [p.band for p in ranking.placed] == ["A", "B", "C", "D"]


def test_no_polarity_orders_lowest_first_without_bands() -> None:
    for polarity in ("none", "band"):
        ranking = rank([("a", D(12)), ("b", D(3)), ("c", D(7)), ("d", D(20))], polarity)
        assert [p.key for p in ranking.placed] == ["b", "c", "a", "d"]
        assert all(p.band is None for p in ranking.placed)
        assert not ranking.is_ranked and not ranking.is_banded
        # The boundaries still describe the spread of the values.
        assert ranking.quartiles == Quartiles(D("6"), D("9.5"), D("14"))


def test_eleven_authorities_band_sizes() -> None:
    """A region or a neighbour group of eleven: bands of 3, 3, 2, 3 by the quartile cut-offs
    at 0-based positions 2.5, 5 and 7.5 (a position on a cut-off stays in the better band)."""
    ranking = rank([(n, D(n)) for n in range(11)], "higher")
    assert Counter(p.band for p in ranking.placed) == {"A": 3, "B": 3, "C": 2, "D": 3}
    assert [band_for_position(p, 11) for p in range(11)] == list("AAABBBCCDDD")


def test_152_authorities_get_38_in_each_band() -> None:
    ranking = rank([(n, D(n)) for n in range(152)], "lower")
    assert Counter(p.band for p in ranking.placed) == dict.fromkeys(BANDS, 38)


def test_too_few_values_are_ranked_but_not_banded() -> None:
    ranking = rank([("a", D(1)), ("b", D(2)), ("c", D(3))], "higher")
    assert [p.rank for p in ranking.placed] == [1, 2, 3]
    assert all(p.band is None for p in ranking.placed)
    assert ranking.quartiles is None
    assert ranking.median == D(2)
    assert not ranking.is_banded


def test_empty_group() -> None:
    ranking: Ranking[str] = rank([], "higher")
    assert ranking.placed == () and ranking.median is None and ranking.quartiles is None


def test_quartiles_inclusive_method_matches_excel_quartile_inc() -> None:
    # QUARTILE.INC({1,2,3,4,5,6,7,8}, 1..3) = 2.75, 4.5, 6.25
    assert quartiles([D(n) for n in range(8, 0, -1)]) == Quartiles(D("2.75"), D("4.5"), D("6.25"))


def test_band_key_reads_in_the_good_direction() -> None:
    boundaries = Quartiles(D(60), D(70), D(80))
    assert band_key(boundaries, "higher", lambda v: f"{v}%") == [
        ("A", "80% or more"),
        ("B", "70% or more, below 80%"),
        ("C", "60% or more, below 70%"),
        ("D", "below 60%"),
    ]
    assert band_key(boundaries, "lower", str)[0] == ("A", "60 or less")
    assert band_key(boundaries, "lower", str)[3] == ("D", "above 80")
    with pytest.raises(ValueError):
        band_key(boundaries, "none", str)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
        (152, "152nd"),
    ],
)
def test_ordinal(number: int, text: str) -> None:
    assert ordinal(number) == text


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        rank([("a", D(1))], "sideways")
    with pytest.raises(ValueError):
        band_for_position(4, 4)
    with pytest.raises(ValueError):
        ordinal(0)


# --- properties -----------------------------------------------------------------------------


@given(st.lists(values, min_size=MIN_VALUES_FOR_BANDS, max_size=160), ranked_polarities)
def test_every_value_gets_exactly_one_band(drawn: list[Decimal], polarity: str) -> None:
    ranking = rank(entries(drawn), polarity)
    assert sorted(p.key for p in ranking.placed) == list(range(len(drawn)))
    assert all(p.band in BANDS for p in ranking.placed)


@given(st.lists(tied_values | values, max_size=60), ranked_polarities)
def test_better_values_never_get_a_worse_rank_or_band(drawn: list[Decimal], polarity: str) -> None:
    placed = rank(entries(drawn), polarity).placed
    for first in placed:
        for second in placed:
            if better(first.value, second.value, polarity):
                assert first.rank < second.rank
                if first.band is not None and second.band is not None:
                    assert first.band <= second.band


@given(st.lists(tied_values, max_size=60), st.sampled_from(("higher", "lower", "none", "band")))
def test_ties_share_rank_and_band(drawn: list[Decimal], polarity: str) -> None:
    placed = rank(entries(drawn), polarity).placed
    by_value: dict[Decimal, set[tuple[int, str | None]]] = {}
    for item in placed:
        by_value.setdefault(item.value, set()).add((item.rank, item.band))
    assert all(len(shared) == 1 for shared in by_value.values())
    assert all(item.tied == (drawn.count(item.value) > 1) for item in placed)


@given(st.lists(tied_values | values, max_size=60), ranked_polarities)
def test_rank_is_one_more_than_the_number_strictly_better(
    drawn: list[Decimal], polarity: str
) -> None:
    for item in rank(entries(drawn), polarity).placed:
        assert item.rank == 1 + sum(1 for other in drawn if better(other, item.value, polarity))


@given(st.lists(values, min_size=MIN_VALUES_FOR_BANDS, max_size=160, unique=True))
def test_bands_are_balanced_within_one(drawn: list[Decimal]) -> None:
    sizes = Counter(p.band for p in rank(entries(drawn), "higher").placed)
    assert max(sizes[band] for band in BANDS) - min(sizes[band] for band in BANDS) <= 1
    if len(drawn) % 4 == 0:
        assert all(sizes[band] == len(drawn) // 4 for band in BANDS)


@given(
    st.lists(tied_values | values, min_size=MIN_VALUES_FOR_BANDS, max_size=80), ranked_polarities
)
def test_bands_agree_with_the_quartile_boundaries(drawn: list[Decimal], polarity: str) -> None:
    """A chart's boundary lines and the table's bands never disagree."""
    ranking = rank(entries(drawn), polarity)
    assert ranking.quartiles is not None
    for item in ranking.placed:
        assert item.band == band_for_value(item.value, ranking.quartiles, polarity)


@given(st.lists(values, min_size=1, max_size=80))
def test_quartiles_are_ordered_and_the_median_is_the_median(drawn: list[Decimal]) -> None:
    result = quartiles(drawn)
    assert result is not None
    assert min(drawn) <= result.lower <= result.median <= result.upper <= max(drawn)
    assert result.median == statistics.median(drawn)
    if len(drawn) > 1:
        inclusive = statistics.quantiles([float(v) for v in drawn], n=4, method="inclusive")
        assert [float(result.lower), float(result.median), float(result.upper)] == pytest.approx(
            inclusive
        )


@given(st.lists(tied_values | values, max_size=40), ranked_polarities, st.randoms())
def test_the_order_of_input_changes_nothing_but_the_order_of_ties(
    drawn: list[Decimal], polarity: str, shuffler: random.Random
) -> None:
    given_order = entries(drawn)
    shuffled = list(given_order)
    shuffler.shuffle(shuffled)
    first = {p.key: (p.rank, p.band) for p in rank(given_order, polarity).placed}
    second = {p.key: (p.rank, p.band) for p in rank(shuffled, polarity).placed}
    assert first == second


@given(st.lists(values, min_size=2, max_size=40, unique=True))
def test_reversing_polarity_reverses_the_order(drawn: list[Decimal]) -> None:
    higher = [p.key for p in rank(entries(drawn), "higher").placed]
    lower = [p.key for p in rank(entries(drawn), "lower").placed]
    assert higher == lower[::-1]


@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n - 1))
    )
)
def test_band_by_position_never_improves_further_down(case: tuple[int, int]) -> None:
    count, position = case
    assume(position + 1 < count)
    assert band_for_position(position, count) <= band_for_position(position + 1, count)
