"""State changes for figures and targets. Each runs in a transaction and keeps the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import metrics
from .formatting import format_value, round_half_up
from .models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
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
    TargetChange,
    ratio_kind_for,
)

if TYPE_CHECKING:
    from accounts.models import User


STORED_DECIMALS = 4


class StaleFigureError(ValidationError):
    """Someone else changed the figure after the form was opened. Carries their figure, so the
    page can show the newer value beside the one that was not saved."""

    def __init__(self, current: Figure) -> None:
        who = f" by {current.updated_by}" if current.updated_by else ""
        indicator = current.indicator
        now = (
            format_value(current.value, indicator.unit, indicator.decimals)
            if current.value is not None
            else f"suppressed ({current.suppression})"
        )
        super().__init__(
            f"{indicator.title} was changed{who} while you were editing it: it is now {now}. "
            "Your change was not saved. Check their figure, then enter yours again if it is "
            "still right."
        )
        self.current = current


class ApprovedFigureError(ValidationError):
    """An approved figure was changed without a reason for the correction."""


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


def _refuse_unfinished_period(period: Period) -> None:
    """Figures describe what happened: a period that has not ended has no figure yet."""
    today = timezone.localdate()
    if period.end > today:
        raise ValidationError(
            f"{period.label} has not ended yet: its figures can be entered from "
            f"{period.end + timedelta(days=1):%-d %B %Y}."
        )


@dataclass(frozen=True)
class _Content:
    """What a figure says, to tell a real change from a save of the same numbers."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    suppression: str
    is_provisional: bool
    is_estimated: bool
    commentary: str

    @classmethod
    def of(cls, figure: Figure) -> _Content:
        return cls(
            figure.value,
            figure.numerator,
            figure.denominator,
            figure.suppression,
            figure.is_provisional,
            figure.is_estimated,
            figure.commentary,
        )


def _record(
    figure: Figure,
    *,
    user: User | None,
    channel: str,
    before: Figure | None,
    reason: str,
) -> None:
    FigureChange.objects.create(
        figure=figure,
        changed_by=user,
        channel=channel,
        old_value=before.value if before else None,
        new_value=figure.value,
        old_status=before.status if before else "",
        new_status=figure.status,
        old_commentary=before.commentary if before else "",
        new_commentary=figure.commentary,
        reason=reason[:255],
    )


def _check_version(figure: Figure, expected_version: int | None) -> None:
    if expected_version is not None and figure.version != expected_version:
        raise StaleFigureError(figure)


def figure_validate(
    *,
    area: Area,
    indicator: Indicator,
    period: Period,
    breakdown: BreakdownCategory | None = None,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    suppression: str = "",
    expected_version: int | None = None,
    correction_reason: str = "",
) -> None:
    """Raise the ValidationError that `figure_set` would raise for these values, writing
    nothing: for forms (such as the admin's) that must show refusals beside their fields."""
    _derived_value(
        indicator=indicator,
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
    )
    _refuse_unfinished_period(period)
    current = Figure.objects.filter(
        area=area, indicator=indicator, period=period, breakdown=breakdown
    ).first()
    if current is None:
        return
    _check_version(current, expected_version)
    if current.status == FigureStatus.APPROVED and not correction_reason.strip():
        raise ApprovedFigureError(
            f"{indicator.title} for {period.label} is approved: give a reason for correcting it."
        )


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
    channel: str = ChangeChannel.FORM,
    correction_reason: str = "",
    reason: str,
) -> Figure:
    """Create or change one figure, recording the change in the audit trail.

    - `expected_version` is the version the caller read: if the figure has moved on since, the
      change is refused (StaleFigureError carries the newer figure) rather than overwriting.
    - Saving the same content again writes nothing: no version, no audit row.
    - An approved figure is locked: changing it needs a `correction_reason`, marks it revised
      and sends it back for a fresh approval. Derived figures follow their parts.
    """
    stored_value = _derived_value(
        indicator=indicator,
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
    )
    _refuse_unfinished_period(period)
    figure = (
        Figure.objects.select_for_update()
        .filter(area=area, indicator=indicator, period=period, breakdown=breakdown)
        .first()
    )
    content = _Content(
        stored_value,
        numerator,
        denominator,
        suppression,
        is_provisional,
        is_estimated,
        commentary,
    )
    before: Figure | None = None
    if figure is None:
        figure = Figure(area=area, indicator=indicator, period=period, breakdown=breakdown)
    else:
        _check_version(figure, expected_version)
        unchanged = _Content.of(figure) == content and figure.source == source
        # A form saving the same numbers leaves the figure where it is in the workflow.
        if unchanged and (channel == ChangeChannel.FORM or figure.status == status):
            return figure
        before = Figure(value=figure.value, status=figure.status, commentary=figure.commentary)
        if (
            not unchanged
            and figure.status == FigureStatus.APPROVED
            # Derived figures follow their parts; set-up commands load reference data.
            and channel not in (ChangeChannel.DERIVED, ChangeChannel.SYSTEM)
        ):
            if not correction_reason.strip():
                raise ApprovedFigureError(
                    f"{indicator.title} for {period.label} is approved. To correct it, give a "
                    "reason: the correction is then marked as revised and needs a fresh "
                    "approval."
                )
            status = FigureStatus.SUBMITTED
            figure.is_revised = True
            reason = f"Correction: {correction_reason.strip()}"
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
    _record(figure, user=user, channel=channel, before=before, reason=reason)
    if (
        breakdown is None
        and period.kind in ROLL_UP_TARGETS
        and indicator.roll_up != RollUp.NONE
        and source != FigureSource.ROLLED_UP
    ):
        from .tasks import roll_up_figures

        # Queued only once the figure is committed, so the worker reads what was written.
        transaction.on_commit(lambda: roll_up_figures.delay(area.id, indicator.id, period.id))
    return figure


def _set_status(
    figure: Figure,
    *,
    user: User | None,
    status: str,
    reason: str,
    review_comment: str | None = None,
) -> Figure:
    before = Figure(value=figure.value, status=figure.status, commentary=figure.commentary)
    figure.status = status
    if review_comment is not None:
        figure.review_comment = review_comment
    figure.version += 1
    figure.updated_by = user
    figure.save(update_fields=["status", "review_comment", "version", "updated_by", "updated_at"])
    _record(figure, user=user, channel=ChangeChannel.FORM, before=before, reason=reason)
    return figure


@dataclass(frozen=True)
class SubmitResult:
    submitted: list[Figure]
    already: int  # figures that were already submitted or approved


@transaction.atomic
def figures_submit(*, user: User, authority: Area, period: Period) -> SubmitResult:
    """Send an authority's figures for a period to its managers, once every due one is in."""
    due = list(Indicator.objects.due_for(period))
    figures = list(
        Figure.objects.select_for_update()
        .filter(area=authority, period=period, indicator__in=due)
        .select_related("indicator")
    )
    entered = {figure.indicator_id for figure in figures if figure.breakdown_id is None}
    missing = [indicator.title for indicator in due if indicator.id not in entered]
    if missing:
        raise ValidationError(
            [
                f"{title}: enter a figure, or a suppression code, before submitting."
                for title in missing
            ]
        )
    submitted = [
        _set_status(
            figure, user=user, status=FigureStatus.SUBMITTED, reason="Submitted for approval"
        )
        for figure in figures
        if figure.status in (FigureStatus.DRAFT, FigureStatus.RETURNED)
    ]
    return SubmitResult(submitted=submitted, already=len(figures) - len(submitted))


def _reviewable(figure: Figure, expected_version: int | None) -> None:
    _check_version(figure, expected_version)
    if figure.status != FigureStatus.SUBMITTED:
        raise ValidationError(
            f"{figure.indicator.title} for {figure.period.label} is "
            f"{figure.get_status_display().lower()}, not submitted: only submitted figures can "
            "be approved or returned."
        )


@transaction.atomic
def figure_approve(*, user: User, figure: Figure, expected_version: int | None = None) -> Figure:
    """Approve a submitted figure. Approved figures are locked against casual change."""
    figure = (
        Figure.objects.select_for_update().select_related("indicator", "period").get(pk=figure.pk)
    )
    _reviewable(figure, expected_version)
    return _set_status(
        figure, user=user, status=FigureStatus.APPROVED, reason="Approved", review_comment=""
    )


@transaction.atomic
def figures_approve(*, user: User, figures: list[Figure]) -> list[Figure]:
    """Approve several submitted figures at once (a manager's "approve all"); all or none."""
    return [figure_approve(user=user, figure=figure) for figure in figures]


@transaction.atomic
def figure_return(
    *, user: User, figure: Figure, comment: str, expected_version: int | None = None
) -> Figure:
    """Send a submitted figure back to the officers, saying what needs to change."""
    if not comment.strip():
        raise ValidationError("Say why the figure is being returned, so the officer can fix it.")
    figure = (
        Figure.objects.select_for_update().select_related("indicator", "period").get(pk=figure.pk)
    )
    _reviewable(figure, expected_version)
    return _set_status(
        figure,
        user=user,
        status=FigureStatus.RETURNED,
        reason=f"Returned: {comment.strip()}",
        review_comment=comment.strip(),
    )


@transaction.atomic
def target_set(
    *,
    user: User | None,
    authority: Area,
    indicator: Indicator,
    financial_year: Period,
    lower: Decimal | None,
    upper: Decimal | None,
    tolerance: Decimal = Decimal(0),
    channel: str = ChangeChannel.FORM,
    reason: str = "",
) -> Target:
    """Set an authority's target for an indicator in one financial year, keeping its history."""
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
    TargetChange.objects.create(
        target=target,
        changed_by=user,
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
        status = FigureStatus.APPROVED if all_approved else FigureStatus.DRAFT
        unchanged = existing is not None and (
            existing.status == status
            and existing.value == rolled.value
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
                status=status,
                channel=ChangeChannel.DERIVED,
                reason="Rolled up from shorter periods",
            )
        )
    return derived
