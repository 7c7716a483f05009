"""Import batches of spreadsheets: figures, targets, indicators and areas (docs/0010).

`returns.services` hands batches of the spreadsheet kinds to `sheet_validate`, `sheet_commit`
and `sheet_rollback`, inside its own transaction and status handling. Each reads the batch's
own file with the pure reader (`spreadsheets`), matches the rows with the catalogue, the areas
and what is stored, and either counts (validate) or writes (commit) through the indicators
app's services, which keep the audit trail:

- figures through `figures_import` (the import's rollback record is `BatchChange`, as for
  published data); they arrive *submitted*, and a change to an approved figure is marked
  revised and needs approving again, as on the entry form;
- targets through `target_set`, with their history;
- indicators and areas through their django-import-export resources (`IndicatorResource`,
  `AreaResource`), dry-run first.

Targets, indicators and areas keep what they were before in `SheetChange`, so a rollback
restores them, and is refused when one has changed since or a row the batch created is in use.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from accounts import access
from indicators import bulk, dashboards, value_rules
from indicators import periods as period_rules
from indicators import services as figure_services
from indicators.models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
    RollUp,
    Target,
)
from indicators.resources import AreaResource, IndicatorResource

from . import spreadsheets
from .findings import Finding, Severity
from .models import BatchChange, ImportBatch, ImportKind, SheetChange

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

TABLES = {
    ImportKind.SHEET_FIGURES: "figures",
    ImportKind.SHEET_TARGETS: "targets",
    ImportKind.SHEET_INDICATORS: "indicators",
    ImportKind.SHEET_AREAS: "areas",
}


def _read_table(batch: ImportBatch) -> spreadsheets.Table:
    from .services import _read

    return spreadsheets.read_table(_read(batch), batch.file_name, TABLES[ImportKind(batch.kind)])


def _note(batch: ImportBatch) -> str:
    return f"{batch.file_name} (import {batch.pk})"


def _reason(batch: ImportBatch) -> str:
    return f"Import {batch.pk}: {batch.file_name}"


@dataclass
class _Counts:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0


def sheet_validate(batch: ImportBatch) -> None:
    """The dry run of a spreadsheet batch: its findings and counts, kept on the batch."""
    from .services import _keep_findings

    table = TABLES[ImportKind(batch.kind)]
    if table == "figures":
        figure_plan = _plan_figures(batch, for_commit=False)
        findings, counts = figure_plan.findings, figure_plan.counts
    elif table == "targets":
        target_plan = _plan_targets(batch)
        findings, counts = target_plan.findings, target_plan.counts
    else:
        findings, counts = _resource_dry_run(batch, table)
    _keep_findings(batch, findings, 0)
    batch.rows_read = counts.rows
    batch.new_count, batch.changed_count, batch.unchanged_count = (
        counts.new,
        counts.changed,
        counts.unchanged,
    )


def sheet_commit(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Write a validated spreadsheet batch (in the caller's transaction), counting what it
    wrote and keeping what it replaced. Checks again that `user` may act on the batch (as
    `batch_commit` does before calling it), so that no other caller skips the rule."""
    access.require_import_batch(
        user, authority=batch.authority, officers_may=batch.is_officers_kind
    )
    table = TABLES[ImportKind(batch.kind)]
    if table == "figures":
        _commit_figures(user, batch)
    elif table == "targets":
        _commit_targets(user, batch)
    else:
        _commit_resource(batch, table)


def sheet_rollback(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Undo a committed spreadsheet batch (in the caller's transaction), for a user who may
    act on it."""
    access.require_import_batch(
        user, authority=batch.authority, officers_may=batch.is_officers_kind
    )
    table = TABLES[ImportKind(batch.kind)]
    if table == "figures":
        _rollback_sheet_figures(user, batch)
    elif table == "targets":
        _rollback_targets(user, batch)
    else:
        _rollback_rows(batch, table)


def _no_longer_valid() -> ValidationError:
    return ValidationError(
        "The file no longer validates (the catalogue, the areas or the figures have changed "
        "since it was checked): upload it again to see why."
    )


# --- matching rows with what is stored ----------------------------------------------------------


class _Areas:
    """Areas by DfE number, ONS code and slug, read once."""

    def __init__(self) -> None:
        self.by_text: dict[str, Area] = {}
        for area in Area.objects.all():
            for key in (area.slug, area.ons_code, area.dfe_code):
                if key:
                    self.by_text.setdefault(key.lower(), area)

    def find(self, text: str) -> Area | None:
        return self.by_text.get(text.strip().lower())


class _Indicators:
    def __init__(self) -> None:
        self.by_code = {i.code.lower(): i for i in Indicator.objects.all()}

    def find(self, code: str) -> Indicator | None:
        return self.by_code.get(code.strip().lower())

    def unknown(self, code: str) -> str:
        close = difflib.get_close_matches(code.upper(), [i.code for i in self.by_code.values()], 1)
        hint = f" Did you mean {close[0]}?" if close else " The indicators export lists them."
        return f"{code!r} is not an indicator code in the catalogue.{hint}"


def _unknown_area(text: str) -> str:
    return (
        f"{text!r} is not an area this system knows: write the authority's DfE number (such as "
        "865), ONS code (E06000054) or short name (wiltshire), as the areas export lists them."
    )


def _outside(area: Area, authority: Area, what: str) -> str:
    return (
        f"{area.name} is not {authority.name}: this import is for {authority.name}, so it can "
        f"hold only {authority.name}'s {what}."
    )


def _periods(keys: set[tuple[str, date]], *, create: bool) -> dict[tuple[str, date], Period]:
    """The stored periods for (kind, start) keys; missing ones created only when `create`."""
    found = {
        (p.kind, p.start): p
        for p in Period.objects.filter(
            kind__in={k for k, _s in keys}, start__in={s for _k, s in keys}
        )
    }
    if create:
        for kind, start in keys - set(found):
            found[(kind, start)] = Period.objects.get_or_create_for(kind, start)
    return found


# --- figures --------------------------------------------------------------------------------------


@dataclass
class _FigurePlan:
    findings: list[Finding]
    counts: _Counts = field(default_factory=_Counts)
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
    areas, indicators, categories = _Areas(), _Indicators(), _categories()
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
            wrong("authority", _unknown_area(row.authority))
        elif batch.authority is not None and area != batch.authority:
            wrong("authority", _outside(area, batch.authority, "figures"))
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
    table = _read_table(batch)
    parsed = spreadsheets.parse_figures(table, timezone.localdate())
    if not for_commit and not parsed.has_errors:
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(spreadsheets.figure_rows_dump(parsed.rows, batch.sha256)))
    return parsed.rows, parsed.findings, len(table.rows)


def _plan_figures(batch: ImportBatch, *, for_commit: bool) -> _FigurePlan:
    rows, findings, read = _figure_rows(batch, for_commit=for_commit)
    plan = _FigurePlan(findings, _Counts(rows=read))
    matched = _match_figures(batch, rows, plan.findings)
    if plan.has_errors and for_commit:
        return plan
    found = _periods({(m.row.period_kind, m.row.period_start) for m in matched}, create=for_commit)
    stored = {
        (f.area_id, f.indicator_id, f.period_id, f.breakdown_id): f
        for f in Figure.objects.filter(
            area__in={m.area.pk for m in matched},
            indicator__in={m.indicator.pk for m in matched},
            period__in=[p.pk for p in found.values()],
        )
    }
    note = _note(batch)
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
        if figure is not None and _same(figure, match):
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
                if not figure.is_revised:
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
                    status=FigureStatus.SUBMITTED,
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
        raise _no_longer_valid()
    outcomes = figure_services.figures_import(
        user=user, contents=plan.contents, reason=_reason(batch)
    )
    revised = [o.figure_id for o in outcomes if o.key in plan.revising]
    # As on the entry form: a corrected approved figure is marked revised (figures_import
    # writes it as submitted). The rollback record says so, to undo it.
    Figure.objects.filter(pk__in=revised).update(is_revised=True)
    revised_set = set(revised)
    bulk.insert_rows(
        BatchChange,
        ("batch_id", "figure_id", "before", "version"),
        (
            (
                batch.pk,
                o.figure_id,
                {**o.before, "was_revised": False}
                if o.before is not None and o.figure_id in revised_set
                else o.before,
                o.version,
            )
            for o in outcomes
        ),
    )
    batch.new_count = sum(1 for o in outcomes if o.before is None)
    batch.changed_count = len(outcomes) - batch.new_count
    batch.unchanged_count = plan.counts.unchanged
    _queue_roll_ups([o.key for o in outcomes])


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
        from .tasks import roll_up_figures_of

        transaction.on_commit(partial(roll_up_figures_of.delay, list(wanted.values())))


@transaction.atomic
def figures_roll_up_many(*, user: User | SystemActor, keys: Sequence[Sequence[int]]) -> int:
    """Derive the quarters and years containing each (area id, indicator id, period id), as
    data entry does after each figure: for an import's many figures at once. Idempotent.
    `figures_roll_up` checks `user` for each area (the task after an import passes
    `access.SYSTEM`)."""
    areas = Area.objects.in_bulk({key[0] for key in keys})
    indicators = Indicator.objects.in_bulk({key[1] for key in keys})
    periods = Period.objects.in_bulk({key[2] for key in keys})
    derived = 0
    for area_id, indicator_id, period_id in keys:
        if area_id in areas and indicator_id in indicators and period_id in periods:
            derived += len(
                figure_services.figures_roll_up(
                    user=user,
                    area=areas[area_id],
                    indicator=indicators[indicator_id],
                    period=periods[period_id],
                )
            )
    return derived


def _rollback_sheet_figures(user: User | SystemActor, batch: ImportBatch) -> None:
    from .services import _rollback_figures

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
    _rollback_figures(user, batch)
    unrevise = [
        figure_id
        for figure_id, before, *_key in changes
        if before is not None and before.get("was_revised") is False
    ]
    Figure.objects.filter(pk__in=unrevise).update(is_revised=False)
    _queue_roll_ups([(a, i, p, b) for _id, _before, a, i, p, b in changes])


# --- targets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TargetWrite:
    row: spreadsheets.TargetRow
    authority: Area
    indicator: Indicator
    target: Target | None


@dataclass
class _TargetPlan:
    findings: list[Finding]
    counts: _Counts = field(default_factory=_Counts)
    writes: list[_TargetWrite] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings)


def _number_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _target_state(target: Target) -> dict[str, Any]:
    return {
        "lower": _number_text(target.lower),
        "upper": _number_text(target.upper),
        "tolerance": _number_text(Decimal(target.tolerance)),
    }


def _plan_targets(batch: ImportBatch) -> _TargetPlan:
    table = _read_table(batch)
    parsed = spreadsheets.parse_targets(table)
    plan = _TargetPlan(parsed.findings, _Counts(rows=len(table.rows)))
    areas, indicators = _Areas(), _Indicators()
    matched: list[tuple[spreadsheets.TargetRow, Area, Indicator]] = []
    seen: dict[tuple[int, int, date], int] = {}
    for row in parsed.rows:
        area = areas.find(row.authority)
        indicator = indicators.find(row.indicator)
        if area is None:
            plan.findings.append(Finding(row.row, "authority", _unknown_area(row.authority)))
        elif not area.is_authority:
            plan.findings.append(
                Finding(
                    row.row,
                    "authority",
                    f"{area.name} is a {area.get_kind_display().lower()}: targets are set for "
                    "local authorities.",
                )
            )
            area = None
        elif batch.authority is not None and area != batch.authority:
            plan.findings.append(
                Finding(row.row, "authority", _outside(area, batch.authority, "targets"))
            )
            area = None
        if indicator is None:
            plan.findings.append(Finding(row.row, "indicator", indicators.unknown(row.indicator)))
        if area is None or indicator is None:
            continue
        key = (area.pk, indicator.pk, row.year_start)
        if key in seen:
            plan.findings.append(
                Finding(
                    row.row,
                    "",
                    f"This row is for the same target as row {seen[key]} (written "
                    "differently): keep one of them.",
                )
            )
            continue
        seen[key] = row.row
        matched.append((row, area, indicator))
    stored = {
        (t.authority_id, t.indicator_id, t.financial_year.start): t
        for t in Target.objects.filter(
            authority__in={a.pk for _r, a, _i in matched},
            indicator__in={i.pk for _r, _a, i in matched},
        ).select_related("financial_year")
    }
    for row, area, indicator in matched:
        target = stored.get((area.pk, indicator.pk, row.year_start))
        if target is not None and (target.lower, target.upper, target.tolerance) == (
            row.lower,
            row.upper,
            row.tolerance,
        ):
            plan.counts.unchanged += 1
            continue
        if target is None:
            plan.counts.new += 1
        else:
            plan.counts.changed += 1
        plan.writes.append(_TargetWrite(row, area, indicator, target))
    return plan


def _commit_targets(user: User | SystemActor, batch: ImportBatch) -> None:
    plan = _plan_targets(batch)
    if plan.has_errors:
        raise _no_longer_valid()
    years = _periods(
        {(PeriodKind.FINANCIAL_YEAR, w.row.year_start) for w in plan.writes}, create=True
    )
    records = []
    for write in plan.writes:
        before = _target_state(write.target) if write.target is not None else None
        target = figure_services.target_set(
            user=user,
            authority=write.authority,
            indicator=write.indicator,
            financial_year=years[(PeriodKind.FINANCIAL_YEAR, write.row.year_start)],
            lower=write.row.lower,
            upper=write.row.upper,
            tolerance=write.row.tolerance,
            channel=ChangeChannel.IMPORT,
            reason=_reason(batch),
        )
        records.append(
            SheetChange(
                batch=batch,
                table="target",
                object_id=target.pk,
                before=before,
                after=_target_state(target),
            )
        )
    SheetChange.objects.bulk_create(records)
    batch.new_count, batch.changed_count = plan.counts.new, plan.counts.changed
    batch.unchanged_count = plan.counts.unchanged


def _rollback_targets(user: User | SystemActor, batch: ImportBatch) -> None:
    changes = list(batch.sheet_changes.all())
    targets = Target.objects.in_bulk([c.object_id for c in changes])
    moved = [
        c
        for c in changes
        if c.object_id not in targets or _target_state(targets[c.object_id]) != c.after
    ]
    if moved:
        raise ValidationError(
            f"{len(moved)} of this import's targets have been changed or removed since it was "
            "committed: correct the targets on the targets page instead."
        )
    reason = f"Rollback of import {batch.pk}: {batch.file_name}"
    for change in reversed(changes):
        target = targets[change.object_id]
        if change.before is None:
            target.delete()
            dashboards.dashboards_changed(authority_ids=[target.authority_id])
            continue
        figure_services.target_set(
            user=user,
            authority=target.authority,
            indicator=target.indicator,
            financial_year=target.financial_year,
            lower=_decimal(change.before["lower"]),
            upper=_decimal(change.before["upper"]),
            tolerance=_decimal(change.before["tolerance"]) or Decimal(0),
            channel=ChangeChannel.IMPORT,
            reason=reason,
        )


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# --- indicators and areas, through their import resources ----------------------------------------

RESOURCES: dict[str, tuple[Any, type[models.Model], str]] = {
    # table: (resource class, model, key field)
    "indicators": (IndicatorResource, Indicator, "code"),
    "areas": (AreaResource, Area, "slug"),
}


def _row_state(obj: models.Model) -> dict[str, Any]:
    """A row's own fields as JSON-safe values, keyed by column (foreign keys as ids)."""
    state = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key:
            continue
        value = getattr(obj, model_field.attname)
        state[model_field.attname] = str(value) if isinstance(value, Decimal) else value
    return state


@dataclass
class _Rows:
    dataset: tablib.Dataset
    numbers: list[int]  # each dataset row's row number in the file
    findings: list[Finding]
    read: int


def _dataset(table: str, batch: ImportBatch) -> _Rows:
    read = _read_table(batch)
    header, rows, findings = spreadsheets.plain_rows(read, table)
    dataset = tablib.Dataset(headers=header)
    for _number, values in rows:
        dataset.append(values)
    return _Rows(dataset, [number for number, _values in rows], findings, len(read.rows))


def _choices_hint(model: type[models.Model], name: str, message: str) -> str:
    if "is not a valid choice" not in message:
        return message
    try:
        choices = getattr(model._meta.get_field(name), "choices", None) or []
    except Exception:  # not a model field: say nothing more
        return message
    return f"{message.rstrip('.')}: use one of {', '.join(str(c[0]) for c in choices)}."


def _result_findings(result: Any, numbers: list[int], model: type[models.Model]) -> list[Finding]:
    """django-import-export's row errors as findings on the file's own row numbers."""

    def file_row(number: int) -> int:
        return numbers[number - 1] if 0 < number <= len(numbers) else 1

    findings = [
        Finding(1, "", f"The file could not be read: {e.error}") for e in result.base_errors
    ]
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = (
                "" if name == NON_FIELD_ERRORS else ("dfe_number" if name == "dfe_code" else name)
            )
            for message in messages:
                text = _choices_hint(model, name, str(message))
                findings.append(Finding(file_row(invalid.number), column, text))
    for number, errors in result.row_errors():
        for error in errors:
            findings.append(Finding(file_row(number), "", str(error.error)))
    return findings


def _resource_dry_run(batch: ImportBatch, table: str) -> tuple[list[Finding], _Counts]:
    resource_class, model, _key = RESOURCES[table]
    rows = _dataset(table, batch)
    findings, counts = rows.findings, _Counts(rows=rows.read)
    if any(f.is_error for f in findings):
        return findings, counts
    result = resource_class().import_data(rows.dataset, dry_run=True, raise_errors=False)
    findings += _result_findings(result, rows.numbers, model)
    counts.new = result.totals["new"]
    counts.changed = result.totals["update"]
    counts.unchanged = result.totals["skip"]
    return findings, counts


def _commit_resource(batch: ImportBatch, table: str) -> None:
    resource_class, model, key = RESOURCES[table]
    rows = _dataset(table, batch)
    dataset = rows.dataset
    if any(f.is_error for f in rows.findings):
        raise _no_longer_valid()
    keys = [str(value) for value in dataset[key]] if len(dataset) else []
    lookup = {f"{key}__in": keys}
    before = {
        getattr(o, key): (o.pk, _row_state(o)) for o in model._default_manager.filter(**lookup)
    }
    result = resource_class().import_data(dataset, dry_run=False, raise_errors=False)
    if result.has_errors() or result.has_validation_errors():
        raise _no_longer_valid()
    records = []
    for obj in model._default_manager.filter(**lookup).order_by("pk"):
        old = before.get(getattr(obj, key))
        state = _row_state(obj)
        if old is not None and old[1] == state:
            continue
        records.append(
            SheetChange(
                batch=batch,
                table=str(model._meta.model_name),
                object_id=obj.pk,
                before=None if old is None else old[1],
                after=state,
            )
        )
    SheetChange.objects.bulk_create(records)
    batch.new_count = sum(1 for r in records if r.before is None)
    batch.changed_count = len(records) - batch.new_count
    batch.unchanged_count = len(rows.numbers) - len(records)


def _uses(obj: models.Model) -> list[str]:
    """What refers to a row: the names of the tables that do (its figures, targets, ...)."""
    uses = []
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete) or relation.related_model is None:
            continue
        related = relation.related_model
        field_name = relation.field.name  # type: ignore[union-attr]
        if related._base_manager.filter(**{field_name: obj}).exists():
            uses.append(str(related._meta.verbose_name_plural))
    return sorted(set(uses))


def _rollback_rows(batch: ImportBatch, table: str) -> None:
    _resource, model, key = RESOURCES[table]
    changes = list(batch.sheet_changes.all())
    rows = model._default_manager.in_bulk([c.object_id for c in changes])
    moved = [
        c for c in changes if c.object_id not in rows or _row_state(rows[c.object_id]) != c.after
    ]
    if moved:
        names = ", ".join(str(c.after.get(key, c.object_id)) for c in moved[:5])
        raise ValidationError(
            f"{len(moved)} of the {table} this import wrote have been changed or removed since "
            f"it was committed ({names}): it cannot be rolled back without undoing those "
            "changes. Import a corrected spreadsheet instead."
        )
    # Newest first, so an area the import created is removed before the region it names.
    for change in reversed(changes):
        obj = rows[change.object_id]
        if change.before is not None:
            for name, value in change.before.items():
                setattr(obj, name, value)
            obj.save()
            continue
        uses = _uses(obj)
        if uses:
            raise ValidationError(
                f"{getattr(obj, key)} was created by this import and is now used by "
                f"{', '.join(uses)}: it cannot be removed, so the import cannot be rolled back."
            )
        obj.delete()
