"""The database itself refuses figures and targets that break the model's invariants."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from indicators.models import BreakdownCategory, Figure, FigureSource, RatioKind, Target
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
