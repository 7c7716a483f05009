"""State changes for figures and targets. Each runs in a transaction and keeps the audit trail."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from . import metrics
from .models import (
    Area,
    BreakdownCategory,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
    RatioKind,
    SuppressionCode,
    Target,
    ratio_kind_for,
)

if TYPE_CHECKING:
    from accounts.models import User


class StaleFigureError(ValidationError):
    """Someone else changed the figure after the form was opened."""


def _derived_value(
    *,
    indicator: Indicator,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    suppression: str,
) -> Decimal | None:
    """The value to store: derived from the numerator and denominator when they are given."""
    if suppression:
        if suppression not in SuppressionCode.values:
            raise ValidationError(f"{suppression!r} is not a published suppression code.")
        if value is not None or numerator is not None or denominator is not None:
            raise ValidationError("A suppressed figure has no value, numerator or denominator.")
        return None
    if (numerator is None) != (denominator is None):
        raise ValidationError("Give both the numerator and the denominator, or neither.")
    if numerator is not None and denominator is not None:
        kind = ratio_kind_for(indicator.unit)
        if kind == RatioKind.NONE:
            raise ValidationError(f"{indicator.title} is not a ratio: give the value only.")
        if numerator < 0 or denominator <= 0:
            raise ValidationError("The numerator cannot be negative and the denominator must be "
                                  "more than zero.")
        if kind == RatioKind.PROPORTION and numerator > denominator:
            raise ValidationError("The numerator cannot be larger than the denominator.")
        derived = metrics.ratio_value(numerator, denominator, indicator.multiplier)
        if value is not None and abs(value - derived) > Decimal("0.5") * Decimal(10) ** (
            -indicator.decimals
        ):
            raise ValidationError(
                f"The value {value} does not match {numerator} / {denominator}, which gives "
                f"{derived:.{indicator.decimals}f}. Leave the value empty to derive it."
            )
        return derived
    if value is None:
        raise ValidationError("Give a value, or a suppression code saying why there is none.")
    return value


@transaction.atomic
def figure_set(
    *,
    user: User | None,
    area: Area,
    indicator: Indicator,
    period: Period,
    breakdown: BreakdownCategory | None = None,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    suppression: str = "",
    is_provisional: bool = False,
    is_estimated: bool = False,
    commentary: str = "",
    source: str = FigureSource.TYPED,
    source_note: str = "",
    status: str = FigureStatus.DRAFT,
    expected_version: int | None = None,
    reason: str,
) -> Figure:
    """Create or change one figure, recording the change in the audit trail.

    `expected_version` is the version the caller read: if the figure has moved on since, the
    change is refused rather than silently overwriting someone else's.
    """
    stored_value = _derived_value(
        indicator=indicator,
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
    )
    figure = (
        Figure.objects.select_for_update()
        .filter(area=area, indicator=indicator, period=period, breakdown=breakdown)
        .first()
    )
    if figure is None:
        figure = Figure(area=area, indicator=indicator, period=period, breakdown=breakdown)
        old_value, old_status = None, ""
    else:
        if expected_version is not None and figure.version != expected_version:
            raise StaleFigureError(
                f"This figure was changed by someone else (now version {figure.version}). "
                "Reload the page to see their change before making yours."
            )
        old_value, old_status = figure.value, figure.status
        figure.version += 1
    figure.value = stored_value
    figure.numerator = numerator
    figure.denominator = denominator
    figure.ratio_kind = ratio_kind_for(indicator.unit)
    figure.suppression = suppression
    figure.is_provisional = is_provisional
    figure.is_estimated = is_estimated
    figure.commentary = commentary
    figure.source = source
    figure.source_note = source_note
    figure.status = status
    figure.updated_by = user
    figure.full_clean(validate_unique=False, validate_constraints=False)
    figure.save()
    FigureChange.objects.create(
        figure=figure,
        changed_by=user,
        old_value=old_value,
        new_value=figure.value,
        old_status=old_status,
        new_status=figure.status,
        reason=reason,
    )
    return figure


@transaction.atomic
def target_set(
    *,
    authority: Area,
    indicator: Indicator,
    financial_year: Period,
    lower: Decimal | None,
    upper: Decimal | None,
    tolerance: Decimal = Decimal(0),
) -> Target:
    """Set an authority's target for an indicator in one financial year."""
    if not authority.is_authority:
        raise ValidationError(f"{authority.name} is not a local authority: targets are local.")
    if financial_year.kind != PeriodKind.FINANCIAL_YEAR:
        raise ValidationError("Targets are set for a financial year.")
    if lower is None and upper is None:
        raise ValidationError("A target needs a lower bound, an upper bound, or both.")
    if lower is not None and upper is not None and lower > upper:
        raise ValidationError(f"The lower bound {lower} is above the upper bound {upper}.")
    if tolerance < 0:
        raise ValidationError("The tolerance cannot be negative.")
    target, _created = Target.objects.update_or_create(
        authority=authority,
        indicator=indicator,
        financial_year=financial_year,
        defaults={"lower": lower, "upper": upper, "tolerance": tolerance},
    )
    return target
