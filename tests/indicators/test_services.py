"""figure_set and target_set: derived values, clear refusals, the audit trail, locking."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from indicators import services
from indicators.models import Figure, FigureChange, Target
from tests import factories


@pytest.fixture
def setting(db):
    area = factories.AreaFactory()
    indicator = factories.IndicatorFactory(unit="percent", decimals=0)
    year = factories.financial_year(2017)
    # The area's performance officer: who enters its figures and targets.
    user = factories.MembershipFactory(authority=area, role=Role.OFFICER).user
    return area, indicator, year, user


def set_figure(setting, **fields) -> Figure:
    area, indicator, year, user = setting
    return services.figure_set(
        user=user, area=area, indicator=indicator, period=year, reason="test", **fields
    )


def test_the_value_is_derived_from_numerator_and_denominator(setting) -> None:
    figure = set_figure(setting, numerator=Decimal(87), denominator=Decimal(100))
    assert figure.value == Decimal(87)


def test_a_typed_value_that_contradicts_its_counts_is_refused_and_nothing_written(setting):
    with pytest.raises(ValidationError, match="does not match 87 / 100"):
        set_figure(setting, value=Decimal(90), numerator=Decimal(87), denominator=Decimal(100))
    assert not Figure.objects.exists()
    assert not FigureChange.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"numerator": Decimal(11), "denominator": Decimal(10)},
            r"the numerator \(11\) cannot be more than the denominator \(10\)",
        ),
        ({"numerator": Decimal(1)}, "enter the denominator as well as the numerator"),
        ({}, "there is no value: give the value, the numerator and denominator, or a"),
        ({"suppression": "q"}, "'q' is not a suppression code"),
        ({"suppression": "c", "value": Decimal(5)}, r"suppressed \(c\) but numbers are given"),
        ({"value": Decimal(-5)}, r"The value must be between 0% and 100% \(-5\)"),
        ({"value": Decimal("12.34567")}, r"more than 4 decimal places \(12.34567\)"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(setting, fields, message) -> None:
    with pytest.raises(ValidationError, match=message):
        set_figure(setting, **fields)
    assert not Figure.objects.exists()


def test_every_change_is_kept_with_who_when_old_new_and_why(setting) -> None:
    _area, _indicator, _year, user = setting
    set_figure(setting, value=Decimal(80))
    figure = services.figure_set(
        user=user,
        area=setting[0],
        indicator=setting[1],
        period=setting[2],
        value=Decimal(87),
        expected_version=1,
        reason="Corrected after the month-end refresh",
    )
    assert figure.version == 2
    latest = figure.changes.first()
    assert latest is not None
    assert (latest.old_value, latest.new_value) == (Decimal(80), Decimal(87))
    assert latest.changed_by == user
    assert latest.reason == "Corrected after the month-end refresh"


def test_a_stale_edit_is_refused_rather_than_overwriting(setting) -> None:
    set_figure(setting, value=Decimal(80))
    set_figure(setting, value=Decimal(81))
    stale = r"was changed by .* while you were editing it: it is now 81%"
    with pytest.raises(services.StaleFigureError, match=stale):
        set_figure(setting, value=Decimal(82), expected_version=1)
    assert Figure.objects.get().value == Decimal(81)


def test_targets_are_set_per_financial_year_with_bounds_in_order(setting) -> None:
    area, indicator, year, user = setting
    target = services.target_set(
        user=user,
        authority=area,
        indicator=indicator,
        financial_year=year,
        lower=Decimal(90),
        upper=Decimal(95),
        tolerance=Decimal(2),
    )
    assert (target.lower, target.upper) == (90, 95)
    with pytest.raises(ValidationError, match="above the upper bound"):
        services.target_set(
            user=user,
            authority=area,
            indicator=indicator,
            financial_year=year,
            lower=Decimal(96),
            upper=Decimal(95),
        )
    month = factories.period("month", year.start)
    with pytest.raises(ValidationError, match="financial year"):
        services.target_set(
            user=user,
            authority=area,
            indicator=indicator,
            financial_year=month,
            lower=Decimal(1),
            upper=None,
        )
    assert Target.objects.get().upper == 95
