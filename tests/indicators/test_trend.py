import itertools
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indicators.rag import TargetBand
from indicators.trend import Direction, direction_of_travel, moves_worsening

D = Decimal
values = st.decimals(min_value=-10000, max_value=10000, allow_nan=False, places=2)
FLIP = {Direction.IMPROVING: Direction.WORSENING, Direction.WORSENING: Direction.IMPROVING}


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "direction", "words"),
    [
        ("92", "90", "higher", Direction.IMPROVING, "Improving"),
        ("88", "90", "higher", Direction.WORSENING, "Worsening"),
        ("88", "90", "lower", Direction.IMPROVING, "Improving"),
        ("92", "90", "lower", Direction.WORSENING, "Worsening"),
        ("92", "90", "none", Direction.UP, "Up"),
        ("88", "90", "none", Direction.DOWN, "Down"),
        ("90", "90.0", "higher", Direction.NO_CHANGE, "No change"),
        ("90", "90", "none", Direction.NO_CHANGE, "No change"),
    ],
)
def test_examples(
    current: str, previous: str, polarity: str, direction: Direction, words: str
) -> None:
    travel = direction_of_travel(D(current), D(previous), polarity)
    assert travel.direction == direction
    assert travel.words == words
    assert travel.change == D(current) - D(previous)


def test_missing_figures_are_not_known() -> None:
    no_earlier = direction_of_travel(D(1), None, "higher")
    assert no_earlier.direction == Direction.NOT_KNOWN
    assert no_earlier.change is None
    assert no_earlier.words == "Not known: no earlier figure"
    assert direction_of_travel(None, D(1), "higher").direction == Direction.NOT_KNOWN
    assert direction_of_travel(None, None, "lower").direction == Direction.NOT_KNOWN


def test_band_improves_when_the_distance_to_the_band_shrinks() -> None:
    band = TargetBand(D(17), D(19))
    assert direction_of_travel(D(20), D(22), "band", band).direction == Direction.IMPROVING
    assert direction_of_travel(D(16), D(14), "band", band).direction == Direction.IMPROVING
    assert direction_of_travel(D(18), D(25), "band", band).direction == Direction.IMPROVING
    assert direction_of_travel(D(25), D(18), "band", band).direction == Direction.WORSENING
    assert direction_of_travel(D(12), D(16), "band", band).direction == Direction.WORSENING
    # Moving about inside the band is neither better nor worse.
    assert direction_of_travel(D("18.5"), D(18), "band", band).direction == Direction.UP


def test_band_without_a_band_says_up_or_down() -> None:
    assert direction_of_travel(D(20), D(18), "band").direction == Direction.UP
    assert direction_of_travel(D(16), D(18), "band").direction == Direction.DOWN


def test_unknown_polarity_is_refused() -> None:
    with pytest.raises(ValueError, match="polarity"):
        direction_of_travel(D(1), D(2), "sideways")


@given(current=values, previous=values, polarity=st.sampled_from(("higher", "lower")))
def test_swapping_figures_flips_improving_and_worsening(
    current: Decimal, previous: Decimal, polarity: str
) -> None:
    forward = direction_of_travel(current, previous, polarity).direction
    backward = direction_of_travel(previous, current, polarity).direction
    assert backward == FLIP.get(forward, forward)


@given(current=values, previous=values)
def test_higher_and_lower_disagree_unless_unchanged(current: Decimal, previous: Decimal) -> None:
    assume(current != previous)
    higher = direction_of_travel(current, previous, "higher").direction
    lower = direction_of_travel(current, previous, "lower").direction
    assert {higher, lower} == {Direction.IMPROVING, Direction.WORSENING}


@given(current=values, previous=values, lower=values, upper=values)
def test_band_direction_follows_distance(
    current: Decimal, previous: Decimal, lower: Decimal, upper: Decimal
) -> None:
    band = TargetBand(min(lower, upper), max(lower, upper))
    direction = direction_of_travel(current, previous, "band", band).direction
    if direction == Direction.IMPROVING:
        assert band.distance(current) < band.distance(previous)
    elif direction == Direction.WORSENING:
        assert band.distance(current) > band.distance(previous)
    else:
        assert band.distance(current) == band.distance(previous)


@given(current=values, previous=values, polarity=st.sampled_from(("higher", "lower", "none")))
def test_change_is_current_minus_previous(
    current: Decimal, previous: Decimal, polarity: str
) -> None:
    assert direction_of_travel(current, previous, polarity).change == current - previous


# --- how many periods running a measure has worsened ------------------------------------------


@pytest.mark.parametrize(
    ("series", "polarity", "run"),
    [
        (["90", "88", "85", "86", "84", "82"], "higher", 2),
        (["15", "16", "17", "18"], "lower", 3),
        (["15", "16", "17", "18"], "higher", 0),
        (["18", "17", None, "17", "16"], "higher", 1),  # a gap ends the run
        (["5"], "higher", 0),
        (["5", "5", "4"], "higher", 1),  # no change is not worse
        (["5", "4", "3"], "none", 0),  # without polarity nothing is worse
    ],
)
def test_moves_worsening_examples(series: list[str | None], polarity: str, run: int) -> None:
    values = [None if value is None else D(value) for value in series]
    assert moves_worsening(values, polarity, [None] * len(values)) == run


def test_a_band_measure_worsens_as_it_moves_away_from_its_band() -> None:
    band = TargetBand(D(17), D(19))
    values = [D(18), D(20), D(22), D(25)]
    assert moves_worsening(values, "band", [band] * 4) == 3
    assert moves_worsening(values[::-1], "band", [band] * 4) == 0


@given(st.lists(st.one_of(st.none(), values), max_size=30), st.sampled_from(["higher", "lower"]))
def test_the_run_is_the_worse_moves_counted_back_from_the_latest(series, polarity) -> None:
    run = moves_worsening(series, polarity, [None] * len(series))
    assert 0 <= run <= max(0, len(series) - 1)
    worse = (lambda a, b: a < b) if polarity == "higher" else (lambda a, b: a > b)
    # Every move in the run was for the worse...
    for position in range(len(series) - run, len(series)):
        assert series[position] is not None and series[position - 1] is not None
        assert worse(series[position], series[position - 1])
    # ...and the move before it was not (or there was none).
    before = len(series) - run - 1
    if before >= 1:
        previous, current = series[before - 1], series[before]
        assert previous is None or current is None or not worse(current, previous)


@given(st.lists(values, min_size=2, max_size=30))
def test_turning_polarity_round_turns_worse_runs_into_better_ones(series) -> None:
    assume(all(a != b for a, b in itertools.pairwise(series)))
    higher = moves_worsening(series, "higher", [None] * len(series))
    lower = moves_worsening(series, "lower", [None] * len(series))
    assert higher == 0 or lower == 0
    assert higher + lower >= 1  # the latest move was one or the other
