"""The sparkline's geometry: inside its box, left to right in time, higher values higher, and
gaps left as gaps."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.sparklines import HEIGHT, WIDTH, sparkline

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
series = st.lists(st.one_of(st.none(), numbers), min_size=1, max_size=40)


def points(line) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for segment in line.segments
        for x, y in (pair.split(",") for pair in segment.split())
    ]


def test_an_example_rises_to_the_top_right() -> None:
    line = sparkline([1.0, 2.0, 3.0])
    assert line.segments == ("3.0,29.0 60.0,16.0 117.0,3.0",)
    assert line.last == (117.0, 3.0)


def test_a_gap_breaks_the_line_and_nothing_known_draws_nothing() -> None:
    assert len(sparkline([1.0, None, 3.0, 4.0]).segments) == 2
    assert sparkline([None, None]).segments == ()
    assert sparkline([1.0, None]).last is None  # no marker for a latest value that is missing


@pytest.mark.parametrize("flat", [[5.0], [5.0, 5.0, 5.0]])
def test_a_flat_series_sits_in_the_middle(flat: list[float]) -> None:
    assert {y for _x, y in points(sparkline(flat))} == {HEIGHT / 2}


@given(series)
def test_every_point_is_inside_the_box_in_time_order(values) -> None:
    drawn = points(sparkline(values))
    assert len(drawn) == sum(value is not None for value in values)
    assert all(0 <= x <= WIDTH and 0 <= y <= HEIGHT for x, y in drawn)
    xs = [x for x, _y in drawn]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


@given(series)
def test_a_higher_value_is_never_drawn_lower(values) -> None:
    drawn = points(sparkline(values))
    known = [value for value in values if value is not None]
    for (value_a, (_xa, ya)), (value_b, (_xb, yb)) in itertools.combinations(
        zip(known, drawn, strict=True), 2
    ):
        if value_a > value_b:
            assert ya <= yb  # SVG's y grows downwards
