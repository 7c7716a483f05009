"""Monthly figures roll up into their quarter and financial year by the indicator's rule."""

from datetime import date
from decimal import Decimal

import pytest

from accounts import access
from indicators import services
from indicators.models import Figure, FigureSource, FigureStatus, PeriodKind
from tests import factories


def month(year: int, number: int):
    return factories.period(PeriodKind.MONTH, date(year, number, 1))


def quarter_figure(area, indicator, day: date) -> Figure:
    return Figure.objects.get(
        area=area, indicator=indicator, period=factories.period(PeriodKind.QUARTER, day)
    )


@pytest.fixture
def area(db, eager_tasks):
    return factories.AreaFactory(name="Devon", slug="devon")


@pytest.mark.django_db
def test_a_percentage_rolls_up_as_the_ratio_of_sums_not_the_mean_of_percentages(
    area, django_capture_on_commit_callbacks
) -> None:
    indicator = factories.IndicatorFactory(code="VISITS", unit="percent", roll_up="ratio")
    with django_capture_on_commit_callbacks(execute=True):
        for number, (seen, due) in zip((4, 5, 6), ((1, 2), (90, 100), (45, 50)), strict=True):
            services.figure_set(
                user=access.SYSTEM,
                area=area,
                indicator=indicator,
                period=month(2021, number),
                numerator=Decimal(seen),
                denominator=Decimal(due),
                status=FigureStatus.APPROVED,
                reason="test",
            )
    q1 = quarter_figure(area, indicator, date(2021, 4, 1))
    assert q1.numerator == 136 and q1.denominator == 152
    assert round(q1.value, 1) == Decimal("89.5")  # the mean of 50%, 90% and 90% would be 76.7%
    assert q1.source == FigureSource.ROLLED_UP
    assert not q1.is_provisional
    assert q1.status == FigureStatus.APPROVED
    year = Figure.objects.get(
        area=area, indicator=indicator, period__kind=PeriodKind.FINANCIAL_YEAR
    )
    assert year.is_provisional  # three months of twelve


@pytest.mark.django_db
def test_a_snapshot_count_rolls_up_as_the_latest_month(area, django_capture_on_commit_callbacks):
    indicator = factories.IndicatorFactory(
        code="CIN", unit="count", roll_up="latest", measure_type="snapshot", polarity="none"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for number, value in ((7, 629), (9, 686), (8, 578)):
            services.figure_set(
                user=access.SYSTEM,
                area=area,
                indicator=indicator,
                period=month(2021, number),
                value=Decimal(value),
                reason="test",
            )
    q2 = quarter_figure(area, indicator, date(2021, 7, 1))
    assert q2.value == 686
    assert q2.status == FigureStatus.DRAFT  # its months are drafts


@pytest.mark.django_db
def test_a_typed_quarter_figure_is_never_overwritten(area) -> None:
    indicator = factories.IndicatorFactory(code="REF", unit="count", roll_up="sum")
    q1 = factories.period(PeriodKind.QUARTER, date(2017, 4, 1))
    factories.figure(area, indicator, q1, "1000")
    factories.figure(area, indicator, month(2017, 4), "300")
    services.figures_roll_up(
        user=access.SYSTEM, area=area, indicator=indicator, period=month(2017, 4)
    )
    assert Figure.objects.get(area=area, indicator=indicator, period=q1).value == 1000


@pytest.mark.django_db
def test_rolling_up_twice_writes_nothing_the_second_time(area) -> None:
    indicator = factories.IndicatorFactory(code="REF", unit="count", roll_up="sum")
    for number in (4, 5, 6):
        factories.figure(area, indicator, month(2017, number), "250")
    first = services.figures_roll_up(
        user=access.SYSTEM, area=area, indicator=indicator, period=month(2017, 5)
    )
    second = services.figures_roll_up(
        user=access.SYSTEM, area=area, indicator=indicator, period=month(2017, 5)
    )
    # The quarter is complete; the year, with nine months missing, gets no total.
    assert [f.value for f in first] == [750]
    assert second == []


@pytest.mark.django_db
def test_counts_are_not_totalled_for_a_year_with_quarters_missing(area) -> None:
    indicator = factories.IndicatorFactory(code="REF-Q", unit="count", roll_up="sum")
    q1 = factories.period(PeriodKind.QUARTER, date(2017, 4, 1))
    factories.figure(area, indicator, q1, "1000")
    assert (
        services.figures_roll_up(user=access.SYSTEM, area=area, indicator=indicator, period=q1)
        == []
    )
    assert not Figure.objects.filter(period__kind=PeriodKind.FINANCIAL_YEAR).exists()


@pytest.mark.django_db
def test_a_derived_quarter_goes_when_the_months_it_came_from_go(area) -> None:
    indicator = factories.IndicatorFactory(code="REF", unit="count", roll_up="sum")
    months = [factories.figure(area, indicator, month(2017, n), "250") for n in (4, 5, 6)]
    services.figures_roll_up(
        user=access.SYSTEM, area=area, indicator=indicator, period=month(2017, 4)
    )
    assert quarter_figure(area, indicator, date(2017, 4, 1)).value == 750

    # An import of the months is rolled back: the quarter is not left saying 750.
    months[0].delete()
    services.figures_roll_up(
        user=access.SYSTEM, area=area, indicator=indicator, period=month(2017, 4)
    )
    assert not Figure.objects.filter(period__kind=PeriodKind.QUARTER).exists()
