"""The forecast "if nothing changes" of a Turning the Curve report: a pure function, tested
without the database (properties by hypothesis, and the seed's kind of history by hand)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny import forecast
from scrutiny.forecast import NOT_NEGATIVE, PERCENTAGE, ValidRange

integers = st.integers(min_value=-1000, max_value=1000)


@given(
    intercept=integers,
    slope=st.integers(min_value=-50, max_value=50),
    length=st.integers(min_value=forecast.MIN_POINTS, max_value=24),
)
def test_a_perfectly_linear_history_is_extended_exactly(intercept, slope, length) -> None:
    history = [Decimal(intercept + slope * x) for x in range(length)]
    result = forecast.forecast(history)
    assert result is not None
    assert result.slope == slope
    assert result.values == tuple(
        Decimal(intercept + slope * (length - 1 + ahead)).quantize(Decimal("0.1"))
        for ahead in range(1, forecast.HORIZON + 1)
    )


@given(
    level=st.decimals(min_value=-1000, max_value=1000, places=1),
    length=st.integers(min_value=forecast.MIN_POINTS, max_value=24),
)
def test_a_constant_history_gives_a_constant_forecast(level, length) -> None:
    result = forecast.forecast([level] * length)
    assert result is not None
    assert result.slope == 0
    assert result.values == (level,) * forecast.HORIZON


histories = st.lists(
    st.one_of(st.none(), st.decimals(min_value=-500, max_value=500, places=2)),
    min_size=0,
    max_size=30,
)


@given(history=histories)
def test_a_percentage_forecast_stays_between_0_and_100(history) -> None:
    result = forecast.forecast(history, valid=PERCENTAGE)
    if result is not None:
        assert all(Decimal(0) <= value <= Decimal(100) for value in result.values)


@given(history=histories)
def test_a_count_is_never_forecast_below_zero(history) -> None:
    result = forecast.forecast(history, valid=NOT_NEGATIVE)
    if result is not None:
        assert all(value >= 0 for value in result.values)


@given(history=histories)
def test_too_few_figures_in_the_window_give_no_forecast(history) -> None:
    in_window = [value for value in history[-forecast.WINDOW :] if value is not None]
    result = forecast.forecast(history)
    assert (result is None) is (len(in_window) < forecast.MIN_POINTS)
    if result is not None:
        assert len(result.values) == forecast.HORIZON
        assert result.points_used == len(in_window)


def test_only_the_last_window_of_periods_is_fitted() -> None:
    # A fall long ago, then flat for the last six periods: flat is what carries on.
    history = [Decimal(v) for v in (90, 70, 50, 30, 20, 20, 20, 20, 20, 20)]
    result = forecast.forecast(history)
    assert result is not None
    assert result.values == (Decimal("20.0"),) * 3


def test_a_missing_figure_keeps_its_place_in_time() -> None:
    # 10, (suppressed), 30, 40: the line is 10 a period, not 15.
    result = forecast.forecast([Decimal(10), None, Decimal(30), Decimal(40)])
    assert result is not None
    assert result.slope == Fraction(10)
    assert result.values == (Decimal("50.0"), Decimal("60.0"), Decimal("70.0"))


def test_wiltshires_repeat_plans_rising_is_forecast_to_rise() -> None:
    # 17%, 18%, 20% (seed 001's authority): 1.5 points a year.
    result = forecast.forecast([Decimal(17), Decimal(18), Decimal(20)], valid=PERCENTAGE)
    assert result is not None
    assert result.values == (Decimal("21.3"), Decimal("22.8"), Decimal("24.3"))


def test_a_steep_fall_is_clamped_at_the_bottom_of_the_range() -> None:
    result = forecast.forecast([Decimal(30), Decimal(15), Decimal(1)], valid=PERCENTAGE)
    assert result is not None
    assert result.values == (Decimal("0.0"),) * 3


def test_two_figures_are_not_a_trend() -> None:
    assert forecast.forecast([Decimal(1), Decimal(2)]) is None
    assert forecast.forecast([]) is None


def test_a_meaningless_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="at least two points"):
        forecast.forecast([Decimal(1)] * 5, min_points=1)
    assert ValidRange(None, Decimal(5)).clamp(Fraction(9)) == 5
    assert "last 6 periods" in forecast.rule_text()
