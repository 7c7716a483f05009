"""State changes for figures and targets. Each runs in a transaction and keeps the audit trail."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from . import metrics
from .formatting import round_half_up
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
    RollUp,
    SuppressionCode,
    Target,
    ratio_kind_for,
)

if TYPE_CHECKING:
    from accounts.models import User


STORED_DECIMALS = 4


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
            raise ValidationError(
                "The numerator cannot be negative and the denominator must be more than zero."
            )
        if kind == RatioKind.PROPORTION and numerator > denominator:
            raise ValidationError("The numerator cannot be larger than the denominator.")
        # Stored to the precision of the column; pages round further for display.
        derived = round_half_up(
            metrics.ratio_value(numerator, denominator, indicator.multiplier), STORED_DECIMALS
        )
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
    if breakdown is None and period.kind in ROLL_UP_TARGETS and indicator.roll_up != "none":
        from .tasks import roll_up_figures

        # Queued only once the figure is committed, so the worker reads what was written.
        transaction.on_commit(lambda: roll_up_figures.delay(area.id, indicator.id, period.id))
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


# Longer periods that a figure of one kind rolls up into.
ROLL_UP_TARGETS: dict[str, tuple[str, ...]] = {
    PeriodKind.MONTH: (PeriodKind.QUARTER, PeriodKind.FINANCIAL_YEAR),
    PeriodKind.QUARTER: (PeriodKind.FINANCIAL_YEAR,),
}
PARTS_PER_PERIOD: dict[tuple[str, str], int] = {
    (PeriodKind.MONTH, PeriodKind.QUARTER): 3,
    (PeriodKind.MONTH, PeriodKind.FINANCIAL_YEAR): 12,
    (PeriodKind.QUARTER, PeriodKind.FINANCIAL_YEAR): 4,
}


@transaction.atomic
def figures_roll_up(*, area: Area, indicator: Indicator, period: Period) -> list[Figure]:
    """Derive the quarter and year that contain `period` from their parts, by the indicator's
    roll-up rule. A figure typed in or imported for the longer period is never overwritten;
    a derived figure that is missing a part is marked provisional. Safe to run twice."""
    derived: list[Figure] = []
    for kind in ROLL_UP_TARGETS.get(period.kind, ()):
        longer = Period.objects.get_or_create_for(kind, period.start)
        parts = list(
            Figure.objects.overall()
            .filter(
                area=area,
                indicator=indicator,
                period__kind=period.kind,
                period__start__gte=longer.start,
                period__end__lte=longer.end,
            )
            .select_related("period")
        )
        rolled = metrics.roll_up(
            indicator.roll_up,
            [
                metrics.Part(part.value, part.numerator, part.denominator, part.period.end)
                for part in parts
            ],
            expected_parts=PARTS_PER_PERIOD[(period.kind, kind)],
            multiplier=indicator.multiplier,
        )
        existing = (
            Figure.objects.overall().filter(area=area, indicator=indicator, period=longer).first()
        )
        if existing is not None and existing.source != FigureSource.ROLLED_UP:
            continue
        if rolled is None or rolled.value is None:
            continue
        if indicator.roll_up == RollUp.SUM and not rolled.complete:
            # A total of the months so far is not the year's total, and reads as one.
            continue
        all_approved = all(part.status == FigureStatus.APPROVED for part in parts)
        unchanged = existing is not None and (
            existing.value == rolled.value
            and existing.numerator == rolled.numerator
            and existing.denominator == rolled.denominator
            and existing.is_provisional == (not rolled.complete)
            and existing.is_estimated == any(part.is_estimated for part in parts)
        )
        if unchanged:
            continue
        derived.append(
            figure_set(
                user=None,
                area=area,
                indicator=indicator,
                period=longer,
                # The value is passed only where there are no counts to derive it from.
                value=rolled.value if rolled.numerator is None else None,
                numerator=rolled.numerator,
                denominator=rolled.denominator,
                is_provisional=not rolled.complete,
                is_estimated=any(part.is_estimated for part in parts),
                source=FigureSource.ROLLED_UP,
                source_note=f"{indicator.get_roll_up_display()} of {rolled.parts_used} "
                f"{PeriodKind(period.kind).label.lower()} figures",
                status=FigureStatus.APPROVED if all_approved else FigureStatus.DRAFT,
                reason="Rolled up from shorter periods",
            )
        )
    return derived
