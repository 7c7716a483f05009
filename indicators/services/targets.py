"""An authority's targets, one per indicator and financial year, with their history."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access
from accounts.access import SystemActor

from .. import dashboards, value_rules
from ..models import Area, ChangeChannel, Indicator, Period, PeriodKind, Target, TargetChange

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def target_set(
    *,
    user: User | SystemActor,
    authority: Area,
    indicator: Indicator,
    financial_year: Period,
    lower: Decimal | None,
    upper: Decimal | None,
    tolerance: Decimal = Decimal(0),
    channel: str = ChangeChannel.FORM,
    reason: str = "",
) -> Target:
    """Set an authority's target for an indicator in one financial year, keeping its history.
    Targets are entered by those who enter the authority's figures (and admins)."""
    access.require_figures_writer(user, authority)
    if not authority.is_authority:
        raise ValidationError(f"{authority.name} is not a local authority: targets are local.")
    not_applicable = value_rules.check_applies(value_rules.Measure.of(indicator), authority.nation)
    if not_applicable is not None:
        raise ValidationError(not_applicable.message)
    if financial_year.kind != PeriodKind.FINANCIAL_YEAR:
        raise ValidationError("Targets are set for a financial year.")
    if lower is None and upper is None:
        raise ValidationError("A target needs a lower bound, an upper bound, or both.")
    if lower is not None and upper is not None and lower > upper:
        raise ValidationError(f"The lower bound {lower} is above the upper bound {upper}.")
    if tolerance < 0:
        raise ValidationError("The tolerance cannot be negative.")
    target = (
        Target.objects.select_for_update()
        .filter(authority=authority, indicator=indicator, financial_year=financial_year)
        .first()
    )
    old = (target.lower, target.upper, target.tolerance) if target else (None, None, None)
    if target is not None and old == (lower, upper, tolerance):
        return target
    if target is None:
        target = Target(authority=authority, indicator=indicator, financial_year=financial_year)
    target.lower, target.upper, target.tolerance = lower, upper, tolerance
    target.save()
    dashboards.dashboards_changed(authority_ids=[authority.pk])
    TargetChange.objects.create(
        target=target,
        changed_by=access.person(user),
        channel=channel,
        old_lower=old[0],
        new_lower=lower,
        old_upper=old[1],
        new_upper=upper,
        old_tolerance=old[2],
        new_tolerance=tolerance,
        reason=(reason or ("Target set" if old == (None, None, None) else "Target changed"))[:255],
    )
    return target
