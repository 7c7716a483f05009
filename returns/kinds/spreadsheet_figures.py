"""Figures from a spreadsheet: the import of `ImportKind.SHEET_FIGURES` (docs/0010).

The rows are matched with the catalogue, the areas, the breakdown categories and the stored
figures, checked with the entry form's rules (`indicators.value_rules`) and written through
`figures_import` (the rollback record is `BatchChange`, as for published data). They arrive
*submitted*; a change to an approved figure marks it revised and needs approving again, as on
the entry form (`figure_transition`, then `corrections_mark_revised`). Monthly and quarterly
figures roll up into their quarter and year afterwards, in one task for the whole batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.utils import timezone

from indicators import periods as period_rules
from indicators import services as figure_services
from indicators import value_rules
from indicators.figure_states import Action, FigureState, Transition, figure_transition
from indicators.models import (
    Area,
    BreakdownCategory,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
    RollUp,
)
from indicators.queue import task_queue_on_commit

from .. import spreadsheets
from ..findings import Finding, Severity
from ..models import ImportBatch
from .base import (
    ImportHandler,
    Preview,
    batch_actor_require,
    batch_note,
    batch_reason,
)
from .batch_figures import batch_changes_keep, batch_figures_restore
from .sheet_rows import (
    Areas,
    Counts,
    Indicators,
    batch_table_read,
    no_longer_valid,
    outside,
    periods_find,
    plan_preview,
    unknown_area,
)

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


@dataclass
class _FigurePlan:
    findings: list[Finding]
    counts: Counts = field(default_factory=Counts)
    contents: list[figure_services.FigureContent] = field(default_factory=list)
    # Keys of contents whose stored figure is approved and not yet marked revised.
    revising: set[tuple[int, int, int, int | None]] = field(default_factory=set)

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings)


@dataclass(frozen=True)
class _Matched:
    row: spreadsheets.FigureRow
    area: Area
    indicator: Indicator
    category: BreakdownCategory | None
    value: Decimal | None


def _categories() -> dict[tuple[int | None, str, str], BreakdownCategory]:
    return {
        (c.authority_id, c.dimension.lower(), c.name.lower()): c
        for c in BreakdownCategory.objects.all()
    }


def _match_figures(
    batch: ImportBatch, rows: Sequence[spreadsheets.FigureRow], findings: list[Finding]
) -> list[_Matched]:
    areas, indicators, categories = Areas(), Indicators(), _categories()
    names_by_dimension: dict[tuple[int | None, str], list[str]] = defaultdict(list)
    for (authority_id, dimension, _name), known_category in categories.items():
        names_by_dimension[(authority_id, dimension)].append(known_category.name)
    matched: list[_Matched] = []
    seen: dict[tuple[int, int, str, date, int | None], int] = {}
    measures: dict[int, value_rules.Measure] = {}
    for row in rows:

        def wrong(column: str, message: str, row: spreadsheets.FigureRow = row) -> None:
            findings.append(Finding(row.row, column, message))

        area = areas.find(row.authority)
        indicator = indicators.find(row.indicator)
        if area is None:
            wrong("authority", unknown_area(row.authority))
        elif batch.authority is not None and area != batch.authority:
            wrong("authority", outside(area, batch.authority, "figures"))
            area = None
        if indicator is None:
            wrong("indicator", indicators.unknown(row.indicator))
        if area is None or indicator is None:
            continue
        category: BreakdownCategory | None = None
        if row.dimension:
            dimension, name = row.dimension.lower(), row.category.lower()
            category = categories.get((area.pk, dimension, name)) or categories.get(
                (None, dimension, name)
            )
            if category is None:
                known = sorted(
                    names_by_dimension[(area.pk, dimension)] + names_by_dimension[(None, dimension)]
                )
                listed = (
                    f" The {row.dimension} categories are: {', '.join(known[:12])}."
                    if known
                    else f" {area.name} has no {row.dimension} categories: an administrator "
                    "adds them."
                )
                wrong("breakdown", f"There is no {row.dimension} called {row.category!r}.{listed}")
                continue
            if category.dimension.lower() not in {d.lower() for d in indicator.dimensions}:
                findings.append(
                    Finding(
                        row.row,
                        "breakdown",
                        f"{indicator.code} is not usually broken down by {category.dimension}: "
                        "check this is the right indicator.",
                        Severity.WARNING,
                    )
                )
        # The entry form's rules (value_rules), each problem on its own column of the row.
        measure = measures.get(indicator.pk)
        if measure is None:
            measure = measures[indicator.pk] = value_rules.Measure.of(indicator)
        checked = value_rules.check_figure(
            measure,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            suppression=row.suppression,
            nation=area.nation,
        )
        for problem in checked.problems:
            wrong(problem.field, problem.message)
        if checked.problems:
            continue
        value = checked.value
        key = (
            area.pk,
            indicator.pk,
            row.period_kind,
            row.period_start,
            category.pk if category else None,
        )
        if key in seen:
            wrong(
                "",
                f"This row is for the same figure as row {seen[key]} (written differently): "
                "keep one of them.",
            )
            continue
        seen[key] = row.row
        matched.append(_Matched(row, area, indicator, category, value))
    return matched


def _same(figure: Figure, match: _Matched) -> bool:
    row = match.row
    return (
        figure.value == match.value
        and figure.numerator == row.numerator
        and figure.denominator == row.denominator
        and figure.suppression == row.suppression
        and (row.provisional is None or figure.is_provisional == row.provisional)
        and (row.commentary is None or figure.commentary == row.commentary)
    )


def _kept_rows_name(batch: ImportBatch) -> str:
    return f"{batch.file.name}.rows.json"


def _figure_rows(
    batch: ImportBatch, *, for_commit: bool
) -> tuple[list[spreadsheets.FigureRow], list[Finding], int]:
    """The file's typed rows, its findings and the number of rows read. Validation keeps the
    rows beside the file, so that the commit need not read a large workbook again (a commit
    is only allowed when validation found no errors, so there are no findings to keep)."""
    storage, name = batch.file.storage, _kept_rows_name(batch)
    if for_commit and storage.exists(name):
        with storage.open(name, "rb") as handle:
            rows = spreadsheets.figure_rows_load(handle.read(), batch.sha256)
        if rows is not None:
            return rows, [], batch.rows_read
    table = batch_table_read(batch, "figures")
    parsed = spreadsheets.parse_figures(table, timezone.localdate())
    if not for_commit and not parsed.has_errors:
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(spreadsheets.figure_rows_dump(parsed.rows, batch.sha256)))
    return parsed.rows, parsed.findings, len(table.rows)


@cache
def _sheet_transition(status: str | None, is_revised: bool, changed: bool) -> Transition:
    """The workflow's rule for a row of an authority's own spreadsheet over a stored figure in
    `status` (None: there is none), from `indicators.figure_states`: the same content leaves a
    figure as it is; new and changed figures are submitted; a changed approved figure goes
    back for approval, marked revised. Cached: a workbook asks thousands of times for a
    handful of answers."""
    return figure_transition(
        None if status is None else FigureState(status, is_revised),
        Action.SPREADSHEET_IMPORT,
        changed=changed,
        requested=FigureStatus.SUBMITTED,
    )


def _plan_figures(batch: ImportBatch, *, for_commit: bool) -> _FigurePlan:
    rows, findings, read = _figure_rows(batch, for_commit=for_commit)
    plan = _FigurePlan(findings, Counts(rows=read))
    matched = _match_figures(batch, rows, plan.findings)
    if plan.has_errors and for_commit:
        return plan
    found = periods_find(
        {(m.row.period_kind, m.row.period_start) for m in matched}, create=for_commit
    )
    stored = {
        (f.area_id, f.indicator_id, f.period_id, f.breakdown_id): f
        for f in Figure.objects.filter(
            area__in={m.area.pk for m in matched},
            indicator__in={m.indicator.pk for m in matched},
            period__in=[p.pk for p in found.values()],
        )
    }
    note = batch_note(batch)
    for match in matched:
        row = match.row
        period = found.get((row.period_kind, row.period_start))
        key = (
            match.area.pk,
            match.indicator.pk,
            period.pk if period else 0,
            match.category.pk if match.category else None,
        )
        figure = stored.get(key)
        transition = (
            _sheet_transition(None, False, True)
            if figure is None
            else _sheet_transition(figure.status, figure.is_revised, not _same(figure, match))
        )
        if not transition.writes:
            plan.counts.unchanged += 1
            continue
        if figure is None:
            plan.counts.new += 1
        else:
            plan.counts.changed += 1
            if figure.status == FigureStatus.APPROVED:
                plan.findings.append(
                    Finding(
                        row.row,
                        "value",
                        f"{match.indicator.code} for "
                        f"{spreadsheets.period_label(row.period_kind, row.period_start)} is "
                        "approved: this import corrects it, which marks it revised and sends it "
                        "back for approval.",
                        Severity.WARNING,
                    )
                )
            if transition.is_revised and not figure.is_revised:
                plan.revising.add(key)
        if for_commit and period is not None:
            plan.contents.append(
                figure_services.FigureContent(
                    area=match.area,
                    indicator=match.indicator,
                    period=period,
                    value=match.value,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    suppression=row.suppression,
                    status=transition.status,
                    source=FigureSource.IMPORTED,
                    source_note=note,
                    breakdown=match.category,
                    is_provisional=row.provisional,
                    commentary=row.commentary,
                )
            )
    return plan


def _commit_figures(user: User | SystemActor, batch: ImportBatch) -> None:
    plan = _plan_figures(batch, for_commit=True)
    if plan.has_errors:
        raise no_longer_valid()
    outcomes = figure_services.figures_import(
        user=user, contents=plan.contents, reason=batch_reason(batch)
    )
    batch_changes_keep(
        batch=batch, changes=corrections_mark_revised(outcomes=outcomes, revising=plan.revising)
    )
    batch.new_count = sum(1 for o in outcomes if o.before is None)
    batch.changed_count = len(outcomes) - batch.new_count
    batch.unchanged_count = plan.counts.unchanged
    _queue_roll_ups([o.key for o in outcomes])


# --- an approved figure corrected by the import ---------------------------------------------------
# The plan asks `figure_transition` which figures a correction marks revised; `figures_import`
# writes the content but not the mark, so it is set here, and the rollback record says the
# figure was not revised before, so that a rollback takes the mark off again.


def corrections_mark_revised(
    *,
    outcomes: Sequence[figure_services.FigureOutcome],
    revising: set[tuple[int, int, int, int | None]],
) -> list[tuple[int, dict[str, Any] | None, int]]:
    """Mark revised the written figures whose keys are `revising` (as the plan found them,
    asking `figure_transition`), and give every outcome's rollback record (figure id, state
    before, version), saying of those that they were not revised before."""
    revised = {o.figure_id for o in outcomes if o.key in revising}
    Figure.objects.filter(pk__in=revised).update(is_revised=True)
    return [
        (
            o.figure_id,
            {**o.before, "was_revised": False}
            if o.before is not None and o.figure_id in revised
            else o.before,
            o.version,
        )
        for o in outcomes
    ]


def corrections_unmark_revised(
    befores: Sequence[dict[str, Any] | None], ids: Sequence[int]
) -> None:
    """After a rollback: take the mark off the figures the batch had marked revised."""
    unrevise = [
        figure_id
        for figure_id, before in zip(ids, befores, strict=True)
        if before is not None and before.get("was_revised") is False
    ]
    Figure.objects.filter(pk__in=unrevise).update(is_revised=False)


def _queue_roll_ups(keys: Sequence[tuple[int, int, int, int | None]]) -> None:
    """Monthly and quarterly figures roll up into their quarter and year, as after data
    entry: one task for the whole batch, after commit, deriving each authority, indicator and
    quarter (or year) once. `keys` are figures' area, indicator, period and breakdown ids."""
    wanted: dict[tuple[int, int, date], list[int]] = {}
    overall = [key for key in keys if key[3] is None]
    rolled = set(
        Indicator.objects.filter(pk__in={key[1] for key in overall})
        .exclude(roll_up=RollUp.NONE)
        .values_list("pk", flat=True)
    )
    periods = Period.objects.in_bulk({key[2] for key in overall if key[1] in rolled})
    for area_id, indicator_id, period_id, _breakdown in overall:
        if indicator_id not in rolled or period_id not in periods:
            continue
        period = periods[period_id]
        kind, start = period.kind, period.start
        if kind not in figure_services.ROLL_UP_TARGETS:
            continue
        within = period_rules.quarter_start(start) if kind == PeriodKind.MONTH else start
        wanted.setdefault((area_id, indicator_id, within), [area_id, indicator_id, period_id])
    if wanted:
        task_queue_on_commit("indicators.tasks.roll_up_figures_many", list(wanted.values()))


class SheetFiguresImport(ImportHandler):
    """Figures, from a spreadsheet: they arrive submitted (docs/0010)."""

    def validate(self, batch: ImportBatch) -> Preview:
        plan = _plan_figures(batch, for_commit=False)
        return plan_preview(plan.findings, plan.counts)

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_actor_require(user=user, batch=batch)
        _commit_figures(user, batch)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_actor_require(user=user, batch=batch)
        changes = list(
            batch.changes.filter(figure__isnull=False).values_list(
                "figure_id",
                "before",
                "figure__area_id",
                "figure__indicator_id",
                "figure__period_id",
                "figure__breakdown_id",
            )
        )
        batch_figures_restore(user=user, batch=batch)
        corrections_unmark_revised([c[1] for c in changes], [c[0] for c in changes])
        _queue_roll_ups([(a, i, p, b) for _id, _before, a, i, p, b in changes])


HANDLER = SheetFiguresImport()
