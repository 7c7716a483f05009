"""The entry form's save: every figure of one authority and period, checked together and
written together (issue 3, part 1). What a save does to each figure's status is
`figure_states`' (a form save); the checks are `entry_checks`' and figure_set's own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from accounts.access import SystemActor

from .. import dashboards, entry_checks, value_rules
from ..figure_states import Action, FigureRefused, Refusal, Status, Transition, figure_transition
from ..models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
    Figure,
    FigureChange,
    FigureSource,
    Indicator,
    Period,
    RatioKind,
    RollUp,
    ratio_kind_for,
)
from ..rag import TargetBand
from .figure_writes import (
    change_row,
    derived_value,
    figure_snapshot,
    figure_state,
    refuse_unfinished_period,
    roll_ups_queue,
    rows_update,
)

if TYPE_CHECKING:
    from accounts.models import User

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


class _Wanted(NamedTuple):
    """A figure the entry changes, before the save knows what that does to its status."""

    breakdown: BreakdownCategory | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    commentary: str
    figure: Figure | None  # the stored figure, None when there is none
    expected_version: int | None  # the version the form was opened at


@dataclass(frozen=True)
class _Write:
    """One figure the save will write, once everything has been checked, with what the write
    does to its status."""

    entry: EntryInput
    breakdown: BreakdownCategory | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    commentary: str
    figure: Figure | None
    transition: Transition


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
    authority: Area,
    entry: EntryInput,
    existing: dict[tuple[int, int | None], Figure],
    errors: list[entry_checks.Finding],
    conflicts: list[Figure],
) -> list[_Write]:
    """The writes one indicator's entry needs, adding what refuses them to errors/conflicts.

    The checks are figure_set's own (the workflow's refusals are `figure_states`'), made for
    every figure before anything is written."""
    indicator = entry.indicator
    wanted: list[_Wanted] = []
    first_field = "numerator" if indicator.ratio_kind == RatioKind.PROPORTION else "value"
    figure = existing.get((indicator.id, None))
    # A measure that does not apply in the authority's nation takes nothing, not even a
    # comment: the page never offers it, so an entry for it is a forged or stale form.
    not_applicable = value_rules.check_applies(value_rules.Measure.of(indicator), authority.nation)
    if not_applicable is not None:
        errors.append(_finding(entry, not_applicable.field, not_applicable.message))
        return []
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
            wanted.append(
                _Wanted(
                    None,
                    entry.value if entry.numerator is None else None,
                    entry.numerator,
                    entry.denominator,
                    entry.commentary,
                    figure,
                    entry.expected_version,
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
            wanted.append(
                _Wanted(
                    item.category,
                    item.value,
                    None,
                    None,
                    current.commentary if current is not None else "",
                    current,
                    item.expected_version,
                )
            )
    writes: list[_Write] = []
    needs_reason = False
    for want in wanted:
        stored, version = want.figure, want.expected_version
        try:
            transition = figure_transition(
                figure_state(stored) if stored is not None else None,
                Action.FORM_SAVE,
                requested=Status.DRAFT,
                correction_reason=entry.correction_reason,
                stale=stored is not None and version is not None and version != stored.version,
                subject=indicator.title,
            )
        except FigureRefused as refused:
            if refused.refusal == Refusal.STALE and stored is not None:
                stored.indicator = indicator
                conflicts.append(stored)
            else:
                needs_reason = True
            continue
        writes.append(
            _Write(
                entry,
                want.breakdown,
                want.value,
                want.numerator,
                want.denominator,
                want.commentary,
                stored,
                transition,
            )
        )
    if needs_reason:
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
    refuse_unfinished_period(period)
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
        planned = _plan_entry(authority, entry, existing, errors, conflicts)
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

    The figures were read and locked by the caller, which has planned each one's transition
    (`figure_states`: a changed approved figure is marked revised and submitted for a fresh
    approval, every other change is a draft). Here, as in figure_set: the value is derived
    from the numerator and denominator; each change gets an audit row with the channel
    "form"; each overall figure queues the roll-up of its quarter and year.
    """
    now = timezone.now()
    created: list[Figure] = []
    updated: list[Figure] = []
    changes: list[FigureChange] = []
    for write in writes:
        entry, indicator, figure = write.entry, write.entry.indicator, write.figure
        stored = derived_value(
            area=authority,
            indicator=indicator,
            value=write.value,
            numerator=write.numerator,
            denominator=write.denominator,
            suppression="",
        )
        before: Figure | None = None
        if figure is None:
            figure = Figure(area=authority, indicator=indicator, period=period)
            figure.breakdown = write.breakdown
            created.append(figure)
        else:
            before = figure_snapshot(figure)
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
        figure.status = write.transition.status
        figure.is_revised = write.transition.is_revised
        figure.updated_by = user
        figure.updated_at = now
        try:
            figure.clean_fields(exclude=_UNCHECKED_FIELDS)
        except ValidationError as wrong:
            field_name = f"b{write.breakdown.pk}-value" if write.breakdown else "value"
            message = f"{indicator.title}: " + " ".join(wrong.messages)
            raise _RefusedWrite(_finding(entry, field_name, message)) from wrong
        changes.append(
            change_row(
                figure,
                user=user,
                channel=ChangeChannel.FORM,
                before=before,
                reason=write.transition.reason or ENTRY_REASON,
            )
        )
    Figure.objects.bulk_create(created)
    rows_update(updated, _WRITTEN_FIELDS)
    FigureChange.objects.bulk_create(changes)
    dashboards.dashboards_changed(area_ids=[authority.pk])
    roll_ups_queue(
        area=authority,
        indicator_ids=sorted(
            {
                write.entry.indicator.id
                for write in writes
                if write.breakdown is None and write.entry.indicator.roll_up != RollUp.NONE
            }
        ),
        period=period,
    )
    return created + updated
