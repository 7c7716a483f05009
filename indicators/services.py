"""State changes for figures and targets. Each runs in a transaction and keeps the audit trail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import access
from accounts.access import SystemActor

from . import bulk, dashboards, entry_checks, metrics, value_rules
from .formatting import format_value
from .models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
    ClubSharingChange,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
    RatioKind,
    RollUp,
    Target,
    TargetChange,
    ratio_kind_for,
)
from .rag import TargetBand

if TYPE_CHECKING:
    from accounts.models import User


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
    """The value to store: derived from the numerator and denominator when they are given.
    Raises ValidationError with every problem `value_rules` finds (each naming the indicator)."""
    checked = value_rules.check_figure(
        value_rules.Measure.of(indicator),
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
    )
    if checked.problems:
        raise ValidationError([problem.message for problem in checked.problems])
    return checked.value


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


def _snapshot(figure: Figure) -> Figure:
    """What the audit trail keeps of a figure before it changes."""
    return Figure(value=figure.value, status=figure.status, commentary=figure.commentary)


def _change_row(
    figure: Figure,
    *,
    user: User | None,
    channel: str,
    before: Figure | None,
    reason: str,
) -> FigureChange:
    """The audit-trail row for a change of `figure` from `before` (None when it is new)."""
    return FigureChange(
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


def _record(
    figure: Figure,
    *,
    user: User | None,
    channel: str,
    before: Figure | None,
    reason: str,
) -> None:
    _change_row(figure, user=user, channel=channel, before=before, reason=reason).save()
    dashboards.dashboards_changed(area_ids=[figure.area_id])


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
    user: User | SystemActor,
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
    - Refused (PermissionDenied, nothing written) unless `user` may write this figure so:
      see `access.require_figure_writer` and `access.require_approval_by_writing`.
    """
    access.require_figure_writer(user, area, source=source, channel=channel)
    who = access.person(user)
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
        before = _snapshot(figure)
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
    # Nothing has been written yet: the figure was only read (and locked).
    access.require_approval_by_writing(
        user,
        area,
        status=status,
        was_approved=before is not None and before.status == FigureStatus.APPROVED,
    )
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
    figure.updated_by = who
    figure.full_clean(validate_unique=False, validate_constraints=False)
    figure.save()
    _record(figure, user=who, channel=channel, before=before, reason=reason)
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
    before = _snapshot(figure)
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
def figures_submit(*, user: User | SystemActor, authority: Area, period: Period) -> SubmitResult:
    """Send an authority's figures for a period to its managers, once every due one is in."""
    access.require_figures_writer(user, authority)
    who = access.person(user)
    due = list(Indicator.objects.due_for(period))
    figures = list(
        Figure.objects.select_for_update()
        .filter(area=authority, period=period, indicator__in=due)
        .select_related("indicator")
    )
    # A measure entered by category (categories of abuse, say) counts as entered once its
    # categories are, since for some of them a total means nothing.
    entered = {
        figure.indicator_id
        for figure in figures
        if figure.breakdown_id is None or figure.indicator.dimensions
    }
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
            figure, user=who, status=FigureStatus.SUBMITTED, reason="Submitted for approval"
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
def figure_approve(
    *, user: User | SystemActor, figure: Figure, expected_version: int | None = None
) -> Figure:
    """Approve a submitted figure. Approved figures are locked against casual change."""
    figure = (
        Figure.objects.select_for_update()
        .select_related("area", "indicator", "period")
        .get(pk=figure.pk)
    )
    access.require_figures_reviewer(user, figure.area)
    return _approve(figure, who=access.person(user), expected_version=expected_version)


def _approve(figure: Figure, *, who: User | None, expected_version: int | None) -> Figure:
    """Approve a locked figure whose approver has been checked."""
    _reviewable(figure, expected_version)
    return _set_status(
        figure, user=who, status=FigureStatus.APPROVED, reason="Approved", review_comment=""
    )


@transaction.atomic
def figures_approve(
    *,
    user: User | SystemActor,
    figures: list[Figure],
    seen_versions: dict[int, int] | None = None,
) -> list[Figure]:
    """Approve several submitted figures at once (a manager's "approve all"); all or none.
    `seen_versions` (figure id -> version the manager saw) refuses any changed since."""
    # Every area first, once each, so that a refusal comes before the first approval.
    for area in Area.objects.filter(pk__in={figure.area_id for figure in figures}):
        access.require_figures_reviewer(user, area)
    seen = seen_versions or {}
    locked = Figure.objects.select_for_update().select_related("indicator", "period")
    return [
        _approve(
            locked.get(pk=figure.pk), who=access.person(user), expected_version=seen.get(figure.pk)
        )
        for figure in figures
    ]


@transaction.atomic
def figure_return(
    *,
    user: User | SystemActor,
    figure: Figure,
    comment: str,
    expected_version: int | None = None,
) -> Figure:
    """Send a submitted figure back to the officers, saying what needs to change."""
    figure = (
        Figure.objects.select_for_update()
        .select_related("area", "indicator", "period")
        .get(pk=figure.pk)
    )
    access.require_figures_reviewer(user, figure.area)
    if not comment.strip():
        raise ValidationError("Say why the figure is being returned, so the officer can fix it.")
    _reviewable(figure, expected_version)
    return _set_status(
        figure,
        user=access.person(user),
        status=FigureStatus.RETURNED,
        reason=f"Returned: {comment.strip()}",
        review_comment=comment.strip(),
    )


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
def figures_roll_up(
    *, user: User | SystemActor, area: Area, indicator: Indicator, period: Period
) -> list[Figure]:
    """Derive the quarter and year that contain `period` from their parts, by the indicator's
    roll-up rule. A figure typed in or imported for the longer period is never overwritten;
    a derived figure that is missing a part is marked provisional. Safe to run twice.

    `user` asks for the roll-up (the tasks that run after data entry and imports pass
    `access.SYSTEM`) and must be one who may change the area's figures; the derived figures
    themselves are written by the system, as their parts decide them (approved when every
    part is), not by the person who asked."""
    access.require_figures_writer(user, area)
    derived: list[Figure] = []
    for kind in ROLL_UP_TARGETS.get(period.kind, ()):
        longer = Period.objects.get_or_create_for(kind, period.start)
        if longer.end > timezone.localdate():
            # A quarter or year still under way has no figure yet (see figure_set); it is
            # derived when a month entered after it ends completes it.
            continue
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
        # A total of the months so far is not the year's total, and reads as one.
        partial_sum = rolled is not None and indicator.roll_up == RollUp.SUM and not rolled.complete
        if rolled is None or rolled.value is None or partial_sum:
            if existing is not None:
                # Its parts have gone (an import rolled back, a month removed): a figure
                # derived from them would say what they no longer say.
                existing.delete()
                dashboards.dashboards_changed(area_ids=[area.pk])
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
                user=access.SYSTEM,
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


# --- the entry form: a period's figures saved together (issue 3, part 1) ---------------------

ENTRY_REASON = "Entered on the entry form"


@dataclass(frozen=True)
class BreakdownInput:
    category: BreakdownCategory
    value: Decimal | None
    expected_version: int | None = None  # 0: there was no figure when the form was opened


@dataclass(frozen=True)
class EntryInput:
    """What the entry form holds for one indicator. `expected_version` is the version the form
    was opened at (0 when there was no figure yet), so a save over someone else's newer figure
    is refused. `previous`, `history` and `target` are what the warnings compare with."""

    indicator: Indicator
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str = ""
    expected_version: int | None = None
    correction_reason: str = ""
    breakdowns: tuple[BreakdownInput, ...] = ()
    previous: Decimal | None = None
    history: tuple[Decimal, ...] = ()
    target: TargetBand | None = None

    @property
    def is_given(self) -> bool:
        return self.value is not None or self.numerator is not None or self.denominator is not None

    def checked(self) -> entry_checks.IndicatorEntry:
        indicator = self.indicator
        return entry_checks.IndicatorEntry(
            code=indicator.code,
            title=indicator.title,
            unit=indicator.unit,
            polarity=indicator.polarity,
            decimals=indicator.decimals,
            value=self.value,
            numerator=self.numerator,
            denominator=self.denominator,
            commentary=self.commentary,
            breakdowns=tuple(
                entry_checks.BreakdownValue(
                    key=f"b{item.category.pk}",
                    dimension=item.category.dimension,
                    name=item.category.name,
                    value=item.value,
                )
                for item in self.breakdowns
            ),
            previous=self.previous,
            history=self.history,
            target=self.target,
            breakdown_counts=dict(
                Counter(item.category.dimension for item in self.breakdowns).items()
            ),
        )


@dataclass(frozen=True)
class SaveResult:
    """What a save did. Nothing is written unless `saved_ok`: errors and conflicts refuse the
    whole save; warnings hold it back until they are confirmed."""

    saved: list[Figure]
    errors: list[entry_checks.Finding]
    warnings: list[entry_checks.Finding]
    # Figures someone else changed after the form was opened, as they now stand.
    conflicts: list[Figure]

    @property
    def saved_ok(self) -> bool:
        return not self.errors and not self.conflicts and not self.needs_confirmation

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings) and not self.saved and not self.errors and not self.conflicts


@dataclass(frozen=True)
class _Write:
    """One figure_set call the save will make, once everything has been checked."""

    entry: EntryInput
    breakdown: BreakdownCategory | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    commentary: str
    figure: Figure | None


class _SaveAborted(Exception):
    def __init__(self, result: SaveResult) -> None:
        super().__init__("save aborted")
        self.result = result


def _finding(entry: EntryInput, field_name: str, message: str) -> entry_checks.Finding:
    return entry_checks.Finding(entry_checks.ERROR, entry.indicator.code, field_name, message)


def _differs(
    figure: Figure,
    *,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    commentary: str,
) -> bool:
    if numerator is not None:
        same_numbers = figure.numerator == numerator and figure.denominator == denominator
    else:
        same_numbers = figure.numerator is None and figure.value == value
    return not same_numbers or figure.commentary != commentary


def _plan_entry(
    entry: EntryInput,
    existing: dict[tuple[int, int | None], Figure],
    errors: list[entry_checks.Finding],
    conflicts: list[Figure],
) -> list[_Write]:
    """The writes one indicator's entry needs, adding what refuses them to errors/conflicts.

    The checks are figure_set's own, made for every figure before anything is written."""
    indicator = entry.indicator
    writes: list[_Write] = []
    first_field = "numerator" if indicator.ratio_kind == RatioKind.PROPORTION else "value"
    figure = existing.get((indicator.id, None))
    if entry.is_given:
        checked = value_rules.check_figure(
            value_rules.Measure.of(indicator),
            value=entry.value,
            numerator=entry.numerator,
            denominator=entry.denominator,
        )
        if checked.problems:
            errors.extend(_finding(entry, p.field, p.message) for p in checked.problems)
            return []
        value = checked.value
        if figure is None or _differs(
            figure,
            value=value,
            numerator=entry.numerator,
            denominator=entry.denominator,
            commentary=entry.commentary,
        ):
            writes.append(
                _Write(
                    entry,
                    None,
                    entry.value if entry.numerator is None else None,
                    entry.numerator,
                    entry.denominator,
                    entry.commentary,
                    figure,
                )
            )
    elif figure is not None and figure.value is not None:
        errors.append(
            _finding(
                entry,
                first_field,
                f"{indicator.title}: enter a figure. A figure that has been saved cannot be "
                "removed here; correct it instead.",
            )
        )
    elif figure is None and entry.commentary.strip():
        errors.append(
            _finding(entry, first_field, f"{indicator.title}: enter a figure for the commentary.")
        )
    for item in entry.breakdowns:
        current = existing.get((indicator.id, item.category.pk))
        if item.value is None:
            if current is not None and current.value is not None:
                errors.append(
                    _finding(
                        entry,
                        f"b{item.category.pk}-value",
                        f"{indicator.title}: enter a figure for {item.category.name}. A figure "
                        "that has been saved cannot be removed here; correct it instead.",
                    )
                )
            continue
        if current is None or _differs(
            current,
            value=item.value,
            numerator=None,
            denominator=None,
            commentary=current.commentary,
        ):
            writes.append(
                _Write(
                    entry,
                    item.category,
                    item.value,
                    None,
                    None,
                    current.commentary if current is not None else "",
                    current,
                )
            )
    expected = {None: entry.expected_version} | {
        item.category.pk: item.expected_version for item in entry.breakdowns
    }
    needs_reason = False
    for write in writes:
        if write.figure is None:
            continue
        version = expected.get(write.breakdown.pk if write.breakdown else None)
        if version is not None and version != write.figure.version:
            write.figure.indicator = indicator
            conflicts.append(write.figure)
        elif write.figure.status == FigureStatus.APPROVED:
            needs_reason = True
    if needs_reason and not entry.correction_reason.strip():
        errors.append(
            _finding(
                entry,
                "correction",
                f"{indicator.title} is approved: to correct it, give a reason. The correction "
                "is then marked as revised and needs a fresh approval.",
            )
        )
    return writes


def period_entries_save(
    *,
    user: User | SystemActor,
    authority: Area,
    period: Period,
    entries: Sequence[EntryInput],
    confirm_warnings: bool,
) -> SaveResult:
    """Save an entry form: every given figure of one authority and period, in one transaction.

    Every entry is checked first (`entry_checks` errors, then figure_set's own refusals: a
    changed approved figure without a correction reason, a saved figure left empty, a figure
    someone else changed since the form was opened); if anything is wrong nothing is saved.
    Warnings hold the save back until `confirm_warnings`. Unchanged figures are not touched; an
    empty entry with no figure is skipped (a draft saves what there is). Raises ValidationError
    for a period that has not ended, and PermissionDenied (nothing saved) unless `user` may
    enter the authority's figures.
    """
    access.require_figures_writer(user, authority)
    _refuse_unfinished_period(period)
    try:
        with transaction.atomic():
            return _entries_save(
                user=access.person(user),
                authority=authority,
                period=period,
                entries=entries,
                confirm_warnings=confirm_warnings,
            )
    except _SaveAborted as aborted:
        return aborted.result
    except IntegrityError:
        # Two saves created the same new figure at the same moment: the other one won.
        return SaveResult(
            saved=[],
            errors=[
                entry_checks.Finding(
                    entry_checks.ERROR,
                    "",
                    "",
                    "Someone else saved figures for this period at the same moment, so yours "
                    "were not saved. Check the figures now on the page, then save again.",
                )
            ],
            warnings=[],
            conflicts=[],
        )


def _entries_save(
    *,
    user: User | None,
    authority: Area,
    period: Period,
    entries: Sequence[EntryInput],
    confirm_warnings: bool,
) -> SaveResult:
    if period.pk is None:
        period = Period.objects.get_or_create_for(period.kind, period.start)
    # One query, locking the period's figures for the length of the save.
    existing = {
        (figure.indicator_id, figure.breakdown_id): figure
        for figure in Figure.objects.select_for_update().filter(
            area=authority, period=period, indicator__in=[entry.indicator for entry in entries]
        )
    }
    errors: list[entry_checks.Finding] = []
    warnings: list[entry_checks.Finding] = []
    conflicts: list[Figure] = []
    writes: list[_Write] = []
    for entry in entries:
        found = entry_checks.errors(entry.checked())
        if found:
            errors += found
            continue
        planned = _plan_entry(entry, existing, errors, conflicts)
        if planned:
            # Warnings only for what this save changes: a figure confirmed once is not asked
            # about again when another one is saved.
            warnings += entry_checks.warnings(entry.checked())
        writes += planned
    if errors or conflicts:
        return SaveResult(saved=[], errors=errors, warnings=[], conflicts=conflicts)
    if warnings and not confirm_warnings:
        return SaveResult(saved=[], errors=[], warnings=warnings, conflicts=[])
    try:
        saved = _figures_write(user=user, authority=authority, period=period, writes=writes)
    except _RefusedWrite as refused:
        raise _SaveAborted(SaveResult([], [refused.finding], [], [])) from refused
    return SaveResult(saved=saved, errors=[], warnings=warnings, conflicts=[])


class _RefusedWrite(Exception):
    def __init__(self, finding: entry_checks.Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


# Checked by `_figures_write` in Python; the foreign keys are known to exist (they were read).
_UNCHECKED_FIELDS = ["area", "indicator", "period", "breakdown", "updated_by"]
_WRITTEN_FIELDS = [
    "value",
    "numerator",
    "denominator",
    "ratio_kind",
    "suppression",
    "commentary",
    "source",
    "source_note",
    "status",
    "is_revised",
    "version",
    "updated_by",
    "updated_at",
]


def _figures_write(
    *, user: User | None, authority: Area, period: Period, writes: Sequence[_Write]
) -> list[Figure]:
    """figure_set's write, for many figures in a handful of queries.

    The figures were read and locked by the caller, which has checked their versions and the
    correction reasons of approved ones. Here, as in figure_set: the value is derived from
    the numerator and denominator; a changed approved figure is marked revised and submitted
    for a fresh approval; every other change is a draft; each change gets an audit row with the
    channel "form"; each overall figure queues the roll-up of its quarter and year.
    """
    now = timezone.now()
    created: list[Figure] = []
    updated: list[Figure] = []
    changes: list[FigureChange] = []
    for write in writes:
        entry, indicator, figure = write.entry, write.entry.indicator, write.figure
        stored = _derived_value(
            indicator=indicator,
            value=write.value,
            numerator=write.numerator,
            denominator=write.denominator,
            suppression="",
        )
        status, reason = FigureStatus.DRAFT, ENTRY_REASON
        before: Figure | None = None
        if figure is None:
            figure = Figure(area=authority, indicator=indicator, period=period)
            figure.breakdown = write.breakdown
            created.append(figure)
        else:
            before = _snapshot(figure)
            if figure.status == FigureStatus.APPROVED:
                status = FigureStatus.SUBMITTED
                figure.is_revised = True
                reason = f"Correction: {entry.correction_reason.strip()}"
            figure.version += 1
            updated.append(figure)
        figure.value = stored
        figure.numerator = write.numerator
        figure.denominator = write.denominator
        figure.ratio_kind = ratio_kind_for(indicator.unit)
        figure.suppression = ""
        figure.commentary = write.commentary
        figure.source = FigureSource.TYPED
        figure.source_note = ""
        figure.status = status
        figure.updated_by = user
        figure.updated_at = now
        try:
            figure.clean_fields(exclude=_UNCHECKED_FIELDS)
        except ValidationError as wrong:
            field_name = f"b{write.breakdown.pk}-value" if write.breakdown else "value"
            message = f"{indicator.title}: " + " ".join(wrong.messages)
            raise _RefusedWrite(_finding(entry, field_name, message)) from wrong
        changes.append(
            _change_row(figure, user=user, channel=ChangeChannel.FORM, before=before, reason=reason)
        )
    Figure.objects.bulk_create(created)
    _update_rows(updated, _WRITTEN_FIELDS)
    FigureChange.objects.bulk_create(changes)
    dashboards.dashboards_changed(area_ids=[authority.pk])
    if period.kind in ROLL_UP_TARGETS:
        from .tasks import roll_up_figures

        for indicator_id in sorted(
            {
                write.entry.indicator.id
                for write in writes
                if write.breakdown is None and write.entry.indicator.roll_up != RollUp.NONE
            }
        ):
            # Queued only once the figures are committed, so the worker reads what was written.
            transaction.on_commit(
                partial(roll_up_figures.delay, authority.id, indicator_id, period.id)
            )
    return created + updated


def _update_rows(figures: Sequence[Figure], fields: Sequence[str]) -> None:
    """Write `fields` of many figures (model instances) in one statement run for each."""
    attnames = [Figure._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    _update_figures(
        fields, [(figure.pk, [getattr(figure, name) for name in attnames]) for figure in figures]
    )


def _update_figures(fields: Sequence[str], rows: Sequence[tuple[int, Sequence[Any]]]) -> None:
    """Write `fields` of many figures, given as (id, values in the order of `fields`), with one
    statement run for each (executemany: batched by the driver, pipelined by psycopg 3).
    QuerySet.bulk_update builds a CASE per field and row, which costs more to compile than the
    database takes to run it. Values are adapted by each field, as the ORM does."""
    if not rows:
        return
    meta = Figure._meta
    quote = connection.ops.quote_name
    by_name = {field.name: field for field in meta.concrete_fields}
    columns = [by_name[name] for name in fields]
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
    table, key = quote(meta.db_table), quote(str(meta.pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 (names from the model)
    prepared = [
        [
            column.get_db_prep_save(value, connection)
            for column, value in zip(columns, values, strict=True)
        ]
        + [figure_id]
        for figure_id, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


# --- many figures at once, for imports --------------------------------------------------------

# What an import writes of a figure, and what a rollback restores.
IMPORTED_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "suppression",
    "status",
    "source",
    "source_note",
    "is_provisional",
    "is_estimated",
    "commentary",
)


class FigureContent(NamedTuple):
    """One figure an import wants to hold, for the whole area or one breakdown category.
    `is_provisional`, `is_estimated` and `commentary` left as None keep what a stored figure
    has (False, False and "" for a new one). A named tuple, not a dataclass: an import makes
    a million of them, and a tuple is built several times faster."""

    area: Area
    indicator: Indicator
    period: Period
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    suppression: str = ""
    status: str = FigureStatus.APPROVED
    source: str = FigureSource.PUBLISHED
    source_note: str = ""
    breakdown: BreakdownCategory | None = None
    is_provisional: bool | None = None
    is_estimated: bool | None = None
    commentary: str | None = None

    @property
    def key(self) -> tuple[int, int, int, int | None]:
        return (
            self.area.pk,
            self.indicator.pk,
            self.period.pk,
            self.breakdown.pk if self.breakdown else None,
        )


@dataclass(frozen=True)
class FigureOutcome:
    """A figure an import created or changed: its state before (None when it is new) and the
    version the import left it at, so a rollback can tell whether it has changed since."""

    figure_id: int
    before: dict[str, Any] | None
    version: int
    key: tuple[int, int, int, int | None]  # area, indicator, period and breakdown ids


DECIMAL_FIELDS = ("value", "numerator", "denominator")


def _state_of(values: Sequence[Any]) -> dict[str, Any]:
    """The JSON-safe state of a figure from its IMPORTED_FIELDS, in that order."""
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name, value in zip(IMPORTED_FIELDS, values, strict=True)
    }


def _from_state(figure: Figure, state: dict[str, Any]) -> None:
    for name in IMPORTED_FIELDS:
        value = state[name]
        if name in DECIMAL_FIELDS and value is not None:
            value = Decimal(value)
        setattr(figure, name, value)


# Where each imported field sits in the tuples figures_import reads and writes.
_AT = {name: position for position, name in enumerate(IMPORTED_FIELDS)}
_NOTE_AT = _AT["source_note"]
_KEY_COLUMNS = ("area_id", "indicator_id", "period_id", "breakdown_id")
_NEW_FIGURE_COLUMNS = (
    *_KEY_COLUMNS,
    *IMPORTED_FIELDS,
    "ratio_kind",
    "is_revised",
    "review_comment",
    "version",
    "updated_at",
    "updated_by_id",
)
_CHANGE_COLUMNS = (
    "figure_id",
    "changed_at",
    "changed_by_id",
    "channel",
    "old_value",
    "new_value",
    "old_status",
    "new_status",
    "old_commentary",
    "new_commentary",
    "reason",
)
_UPDATED_FIELDS = (*IMPORTED_FIELDS, "ratio_kind", "version", "updated_by", "updated_at")

ImportProgress = Callable[[int, str], None]


FigureKey = tuple[int, int, int, int | None]


def _stored_figures(keys: Sequence[FigureKey], *, lock: bool) -> dict[FigureKey, tuple[Any, ...]]:
    """The stored figures with these keys (area, indicator, period, breakdown ids), by key:
    (id, version, *IMPORTED_FIELDS). Read as tuples, not model instances: an import may touch
    a million figures."""
    if not keys:
        return {}
    figures = Figure.objects.filter(
        area__in={key[0] for key in keys},
        indicator__in={key[1] for key in keys},
        period__in={key[2] for key in keys},
    )
    if lock:
        figures = figures.select_for_update()
    wanted = set(keys)
    stored: dict[FigureKey, tuple[Any, ...]] = {}
    for row in figures.values_list(*_KEY_COLUMNS, "id", "version", *IMPORTED_FIELDS):
        key = (row[0], row[1], row[2], row[3])
        if key in wanted:
            stored[key] = row[4:]
    return stored


def _imported_values(content: FigureContent, stored: Sequence[Any] | None) -> tuple[Any, ...]:
    """The IMPORTED_FIELDS a figure will hold once `content` is imported over `stored`."""

    def kept(given: Any, name: str, default: Any) -> Any:
        if given is not None:
            return given
        return stored[_AT[name]] if stored is not None else default

    return (
        content.value,
        content.numerator,
        content.denominator,
        content.suppression,
        content.status,
        content.source,
        content.source_note[:255],
        kept(content.is_provisional, "is_provisional", False),
        kept(content.is_estimated, "is_estimated", False),
        kept(content.commentary, "commentary", ""),
    )


def _without_note(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(value for position, value in enumerate(values) if position != _NOTE_AT)


def figures_compare(contents: Sequence[FigureContent]) -> tuple[int, int, int]:
    """How many of these figures an import would create, change and leave as they are: the
    preview of figures_import, reading the same way and writing nothing."""
    keys = [content.key for content in contents]
    stored = _stored_figures(keys, lock=False)
    new = changed = 0
    for content, key in zip(contents, keys, strict=True):
        row = stored.get(key)
        if row is None:
            new += 1
        elif _without_note(_imported_values(content, row[2:])) != _without_note(row[2:]):
            changed += 1
    return new, changed, len(contents) - new - changed


def _require_contents_writer(user: User | SystemActor, contents: Sequence[FigureContent]) -> None:
    """`access.require_figure_writer` for every figure an import holds, asked once per area,
    status and source: an import names a few hundred areas a million times. An import that
    writes figures as approved (published statistics, statutory returns) approves them,
    whatever they were before: `access.require_approval_by_writing` as for a new figure."""
    distinct = {(content.area.pk, content.status, content.source): content for content in contents}
    for content in distinct.values():
        access.require_figure_writer(
            user, content.area, source=content.source, channel=ChangeChannel.IMPORT
        )
        access.require_approval_by_writing(
            user, content.area, status=content.status, was_approved=False
        )


def figures_import(
    *,
    user: User | SystemActor,
    contents: Sequence[FigureContent],
    reason: str,
    progress: ImportProgress | None = None,
) -> list[FigureOutcome]:
    """Write many figures, with an audit row (channel "import") for each one created or
    changed; figures already holding the same content are left alone. Call inside the
    caller's transaction. Published values are stored as published (with their counts where
    given), not re-derived: a rate published rounded must read as published.

    Built for imports of a million figures: rows travel as tuples, new figures and audit rows
    are loaded with bulk.insert_rows (COPY on PostgreSQL). `progress(done, note)` hears how
    many of the contents have been written so far. Refused (PermissionDenied, before anything
    is written) unless `user` may write every one of the figures as it is given."""
    _require_contents_writer(user, contents)
    report = progress or (lambda done, note: None)
    total = len(contents)
    report(0, f"Reading the stored figures to compare with {total:,} in the file")
    keys = [content.key for content in contents]
    stored = _stored_figures(keys, lock=True)
    now = timezone.now()
    who = access.person(user)
    user_id = who.pk if who is not None else None
    reason = reason[:255]
    new_rows: list[tuple[Any, ...]] = []
    new_keys: list[FigureKey] = []
    updates: list[tuple[int, int, tuple[Any, ...], str]] = []  # id, version, values, unit kind
    outcomes: list[FigureOutcome] = []
    changes: list[tuple[Any, ...]] = []
    ratio_kinds: dict[int, str] = {}
    for content, key in zip(contents, keys, strict=True):
        row = stored.get(key)
        before = row[2:] if row is not None else None
        values = _imported_values(content, before)
        ratio_kind = ratio_kinds.get(key[1])
        if ratio_kind is None:
            ratio_kind = ratio_kinds[key[1]] = ratio_kind_for(content.indicator.unit)
        if before is None:
            new_keys.append(key)
            new_rows.append((*key, *values, ratio_kind, False, "", 1, now, user_id))
            continue
        if _without_note(values) == _without_note(before):
            continue
        figure_id, version = row[0], row[1] + 1  # type: ignore[index]
        updates.append((figure_id, version, values, ratio_kind))
        outcomes.append(FigureOutcome(figure_id, _state_of(before), version, key))
        changes.append(
            (
                figure_id,
                now,
                user_id,
                ChangeChannel.IMPORT,
                before[_AT["value"]],
                values[_AT["value"]],
                before[_AT["status"]],
                values[_AT["status"]],
                before[_AT["commentary"]],
                values[_AT["commentary"]],
                reason,
            )
        )
    written = len(updates)
    report(written, f"Changing {len(updates):,} figures")
    _update_figures(
        _UPDATED_FIELDS,
        [
            (figure_id, (*values, ratio_kind, version, user_id, now))
            for figure_id, version, values, ratio_kind in updates
        ],
    )

    def note_new(count: int) -> None:
        report(written + count, f"Writing new figures: {count:,} of {len(new_rows):,}")

    bulk.insert_rows(Figure, _NEW_FIGURE_COLUMNS, new_rows, on_rows=note_new)
    if new_rows:
        report(written + len(new_rows), "Recording the new figures in the audit trail")
        # COPY returns no ids: read them back (only this import's rows were written just now).
        written_now = Figure.objects.filter(
            area__in={key[0] for key in new_keys},
            indicator__in={key[1] for key in new_keys},
            period__in={key[2] for key in new_keys},
            updated_at=now,
        ).values_list(*_KEY_COLUMNS, "id")
        created = {(row[0], row[1], row[2], row[3]): row[4] for row in written_now}
        for key, row in zip(new_keys, new_rows, strict=True):
            figure_id = created[key]
            values = row[4 : 4 + len(IMPORTED_FIELDS)]
            outcomes.append(FigureOutcome(figure_id, None, 1, key))
            changes.append(
                (
                    figure_id,
                    now,
                    user_id,
                    ChangeChannel.IMPORT,
                    None,
                    values[_AT["value"]],
                    "",
                    values[_AT["status"]],
                    "",
                    values[_AT["commentary"]],
                    reason,
                )
            )
    bulk.insert_rows(FigureChange, _CHANGE_COLUMNS, changes)
    dashboards.dashboards_changed(area_ids={outcome.key[0] for outcome in outcomes})
    report(total, "Figures written")
    return outcomes


@transaction.atomic
def figures_from_records_remove(
    *, user: User | SystemActor, figures: Sequence[Figure], reason: str
) -> None:
    """Remove figures derived from an authority's records (case audits, complaints, surveys)
    whose records have gone, with their audit trail, and derive again the longer periods
    rolled up from them: a year's total must not go on counting a quarter that has gone.
    The apps that derive them pass `access.SYSTEM`: the figures follow the records, whoever
    changed those (and was checked by that app's service)."""
    figures_restore(user=user, figures=[(figure.pk, None) for figure in figures], reason=reason)
    for figure in figures:
        figures_roll_up(
            user=user, area=figure.area, indicator=figure.indicator, period=figure.period
        )


REMOVED_CHUNK = 10_000


def figures_restore(
    *,
    user: User | SystemActor,
    figures: Sequence[tuple[int, dict[str, Any] | None]],
    reason: str,
) -> None:
    """Undo an import, given (figure id, state before) for each figure it wrote: those it
    created (state None) are removed with their audit trail; those it changed get back the
    state it replaced, recorded in their audit trail. Call inside the caller's transaction.

    Refused (PermissionDenied, before anything is written) unless `user` may change the
    figures of every area concerned. Giving back a state the import replaced (approved, say)
    undoes the import rather than approving anything: who may roll back which import is the
    import batches' rule (`returns`)."""
    removed = [figure_id for figure_id, before in figures if before is None]
    # Only the ids and areas are read: an import may have created a million figures.
    removed_areas: set[int] = set()
    for start in range(0, len(removed), REMOVED_CHUNK):
        chunk = Figure.objects.filter(pk__in=removed[start : start + REMOVED_CHUNK])
        removed_areas.update(chunk.values_list("area_id", flat=True).distinct())
    before_of = {figure_id: before for figure_id, before in figures if before is not None}
    to_restore = list(Figure.objects.filter(pk__in=before_of))
    areas = removed_areas | {figure.area_id for figure in to_restore}
    for area in Area.objects.filter(pk__in=areas):
        access.require_figures_writer(user, area)
    for start in range(0, len(removed), REMOVED_CHUNK):
        # Relations to figures (their audit rows, import records) follow their own on_delete
        # rules.
        Figure.objects.filter(pk__in=removed[start : start + REMOVED_CHUNK]).only("pk").delete()
    who = access.person(user)
    restored: list[Figure] = []
    changes: list[FigureChange] = []
    for figure in to_restore:
        previous = _snapshot(figure)
        _from_state(figure, before_of[figure.pk])
        figure.version += 1
        figure.updated_by = who
        figure.updated_at = timezone.now()
        restored.append(figure)
        changes.append(
            _change_row(
                figure, user=who, channel=ChangeChannel.IMPORT, before=previous, reason=reason
            )
        )
    _update_rows(restored, [*IMPORTED_FIELDS, "version", "updated_by", "updated_at"])
    FigureChange.objects.bulk_create(changes, batch_size=2000)
    dashboards.dashboards_changed(area_ids=areas)


# --- the benchmarking club (docs/0017) ------------------------------------------------------


@transaction.atomic
def club_sharing_set(
    *, user: User | SystemActor, authority: Area, shares: bool, reason: str
) -> Area:
    """Turn an authority's benchmarking-club setting on or off, with the reason, on the record.
    While it is on, the figures the authority has approved and released are visible to the
    other authorities of the installation; turned off, none of them is, from the next read.
    Only its managers and admins may (`access.may_change_club_sharing`)."""
    access.require_club_sharing_changer(user, authority)
    if not authority.is_authority:
        raise ValidationError("Only a local authority shares its figures with the club.")
    if not reason.strip():
        raise ValidationError("Say why the setting is changing, for the record.")
    locked = Area.objects.select_for_update().get(pk=authority.pk)
    if locked.shares_with_club == shares:
        raise ValidationError(
            f"{authority.name} already {'shares' if shares else 'does not share'} its "
            "approved figures with the club: nothing was changed."
        )
    locked.shares_with_club = shares
    locked.save(update_fields=["shares_with_club"])
    ClubSharingChange.objects.create(
        authority=locked, changed_by=access.person(user), shares=shares, reason=reason.strip()[:255]
    )
    # Other authorities' comparator means, neighbour charts and benchmarking change with it.
    dashboards.dashboards_changed(area_ids=[locked.pk])
    return locked


@dataclass(frozen=True)
class ReleaseResult:
    released: int  # approved figures released now
    already: int  # approved figures already released at their current version
    not_approved: int  # figures of the period that are not approved, so not released


@transaction.atomic
def figures_release(*, user: User | SystemActor, authority: Area, period: Period) -> ReleaseResult:
    """Release an authority's approved figures for a period to the benchmarking club: each
    at the version approved now, so a later correction is not shared until it is approved and
    released again. Needs the club setting on; only managers and admins may."""
    access.require_club_sharing_changer(user, authority)
    if not Area.objects.filter(pk=authority.pk, shares_with_club=True).exists():
        raise ValidationError(
            f"{authority.name} does not share its figures with the benchmarking club: turn "
            "sharing on first (its Benchmarking club page), then release the approved figures."
        )
    figures = list(
        Figure.objects.select_for_update().filter(area=authority, period=period).order_by("pk")
    )
    approved = [figure for figure in figures if figure.status == FigureStatus.APPROVED]
    to_release = [figure for figure in approved if figure.released_version != figure.version]
    who = access.person(user)
    for figure in to_release:
        figure.released_version = figure.version
    Figure.objects.bulk_update(to_release, ["released_version"])
    FigureChange.objects.bulk_create(
        _change_row(
            figure,
            user=who,
            channel=ChangeChannel.FORM,
            before=_snapshot(figure),
            reason="Released to the benchmarking club",
        )
        for figure in to_release
    )
    if to_release:
        dashboards.dashboards_changed(area_ids=[authority.pk])
    return ReleaseResult(
        released=len(to_release),
        already=len(approved) - len(to_release),
        not_approved=len(figures) - len(approved),
    )
