"""The database itself refuses figures and targets that break the model's invariants, and
the value rules that every way in asks first refuse them before it does."""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.formatting import UNITS
from indicators.models import (
    BreakdownCategory,
    Figure,
    FigureSource,
    Indicator,
    RatioKind,
    Target,
    ratio_kind_for,
)
from indicators.value_rules import Measure, check_figure
from tests import factories


@pytest.fixture
def setting(db):
    area = factories.AreaFactory()
    indicator = factories.IndicatorFactory()
    year = factories.financial_year(2017)
    return area, indicator, year


def make_figure(area, indicator, period, **fields) -> Figure:
    defaults = {
        "value": Decimal(50),
        "ratio_kind": RatioKind.PROPORTION,
        "source": FigureSource.TYPED,
    }
    return Figure.objects.create(
        area=area, indicator=indicator, period=period, **{**defaults, **fields}
    )


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            make_figure(**fields)
    except IntegrityError:
        return True
    return False


def test_one_figure_per_area_indicator_and_period(setting) -> None:
    area, indicator, year = setting
    make_figure(area, indicator, year)
    assert refused(area=area, indicator=indicator, period=year)


def test_one_figure_per_breakdown_category_but_several_categories_allowed(setting) -> None:
    area, indicator, year = setting
    south = BreakdownCategory.objects.create(dimension="locality", name="South")
    north = BreakdownCategory.objects.create(dimension="locality", name="North")
    make_figure(area, indicator, year)
    make_figure(area, indicator, year, breakdown=south)
    make_figure(area, indicator, year, breakdown=north)
    assert refused(area=area, indicator=indicator, period=year, breakdown=south)


def test_a_proportions_numerator_cannot_exceed_its_denominator(setting) -> None:
    area, indicator, year = setting
    assert refused(
        area=area, indicator=indicator, period=year, numerator=Decimal(11), denominator=Decimal(10)
    )


def test_a_means_total_may_exceed_its_count(setting) -> None:
    area, indicator, year = setting
    figure = make_figure(
        area,
        indicator,
        year,
        value=Decimal(378),
        ratio_kind=RatioKind.MEAN,
        numerator=Decimal(8316),
        denominator=Decimal(22),
    )
    assert figure.pk


def test_a_figure_has_a_value_or_a_suppression_code_never_neither(setting) -> None:
    area, indicator, year = setting
    assert refused(area=area, indicator=indicator, period=year, value=None)
    assert refused(area=area, indicator=indicator, period=year, suppression="c")
    assert not refused(area=area, indicator=indicator, period=year, value=None, suppression="c")


def test_numerator_and_denominator_come_together(setting) -> None:
    area, indicator, year = setting
    assert refused(area=area, indicator=indicator, period=year, numerator=Decimal(1))


def test_target_bounds_must_be_in_order(setting) -> None:
    area, indicator, year = setting
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            authority=area, indicator=indicator, financial_year=year, lower=95, upper=90
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(authority=area, indicator=indicator, financial_year=year)


# --- what value_rules accepts, the database stores; what the database refuses, it refuses ---


def measured(unit: str, **fields) -> Indicator:
    """An indicator in `unit` (one per unit: hypothesis examples share the database)."""
    return factories.IndicatorFactory(code=f"RULES-{unit}", unit=unit, roll_up="latest", **fields)


# Mostly numbers a figure may hold, some that it may not (too large, a fifth decimal place,
# negative).
numbers = st.one_of(
    st.integers(0, 10**6).map(Decimal),
    st.decimals(min_value=0, max_value=10**12, places=4),
    st.decimals(min_value=-(10**13), max_value=10**13, places=5, allow_nan=False),
)


@st.composite
def figures(draw: st.DrawFn) -> dict[str, object]:
    """A value, a numerator and denominator, both, or a suppression code (sometimes with
    numbers too): each of the ways a figure is given."""
    shape = draw(st.sampled_from(["value", "parts", "value and parts", "code"]))
    given: dict[str, object] = {"value": None}
    if shape == "code":
        given["suppression"] = draw(st.sampled_from(["c", "z", "low"]))
        if draw(st.integers(0, 3)) == 0:
            given["value"] = draw(numbers)
        return given
    if "value" in shape:
        given["value"] = draw(numbers)
    if "parts" in shape:
        denominator = draw(numbers)
        top = int(min(max(denominator, Decimal(0)), Decimal(10**6)))
        given["denominator"] = denominator
        given["numerator"] = draw(st.one_of(numbers, st.integers(0, top).map(Decimal)))
    return given


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=st.sampled_from(UNITS), numbers_given=figures(), value_from_parts=st.booleans())
def test_whatever_the_value_rules_accept_the_database_stores_exactly(
    setting, unit, numbers_given, value_from_parts
) -> None:
    area, _indicator, year = setting
    indicator = measured(unit, decimals=1)
    checked = check_figure(
        Measure.of(indicator), **numbers_given, value_from_parts=value_from_parts
    )
    if not checked.ok:
        return
    numerator, denominator = numbers_given.get("numerator"), numbers_given.get("denominator")
    with transaction.atomic():
        figure = Figure.objects.create(
            area=area,
            indicator=indicator,
            period=year,
            value=checked.value,
            numerator=numerator,
            denominator=denominator,
            suppression=numbers_given.get("suppression", ""),
            ratio_kind=ratio_kind_for(unit),
            source=FigureSource.TYPED,
        )
        figure.refresh_from_db()
        assert (figure.value, figure.numerator, figure.denominator) == (
            checked.value,
            numerator,
            denominator,
        )
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("unit", "numbers", "constraint"),
    [
        ("percent", {"numerator": Decimal(11), "denominator": Decimal(10)}, "not above"),
        ("percent", {"numerator": Decimal(-1), "denominator": Decimal(10)}, "parts positive"),
        ("average", {"numerator": Decimal(5), "denominator": Decimal(0)}, "parts positive"),
        ("percent", {"numerator": Decimal(5)}, "together"),
        ("count", {"numerator": Decimal(5), "denominator": Decimal(10)}, "only for ratios"),
        ("count", {"value": Decimal(5), "suppression": "c"}, "value or suppression"),
        ("count", {}, "value or suppression"),
        ("count", {"value": Decimal("1000000000000")}, "max_digits"),
        ("fte", {"value": Decimal("-1000000000000.5")}, "max_digits"),
    ],
)
def test_what_the_database_would_refuse_the_value_rules_refuse_first(
    setting, unit, numbers, constraint
) -> None:
    """Every CheckConstraint on Figure and the size of its columns: the database refuses the
    figure, and the value rules (which all three ways in ask first) refuse it with a sentence."""
    area, _indicator, year = setting
    indicator = measured(unit, title="Measure")
    checked = check_figure(Measure.of(indicator), **{"value": None, **numbers})
    assert checked.problems and checked.problems[0].message.startswith("Measure: ")
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Figure.objects.create(
            area=area,
            indicator=indicator,
            period=year,
            ratio_kind=ratio_kind_for(unit),
            source=FigureSource.TYPED,
            **{"value": numbers.get("value"), **numbers},
        )


def test_a_fifth_decimal_place_is_refused_rather_than_rounded_away(setting) -> None:
    """The database would not refuse 18.12345: it would store 18.1235, and the figure read back
    would not be the figure given. The value rules refuse it instead."""
    area, _indicator, year = setting
    indicator = measured("fte", title="Staff FTE")
    assert not check_figure(Measure.of(indicator), value=Decimal("18.12345")).ok
    figure = make_figure(area, indicator, year, value=Decimal("18.12345"))
    figure.refresh_from_db()
    assert figure.value == Decimal("18.1235")
