"""Targets from a spreadsheet: the import of `ImportKind.SHEET_TARGETS` (docs/0010).

Targets are written through `target_set`, with their history; what each was before is kept in
`SheetChange`, so a rollback restores them, and is refused when one has changed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from indicators import dashboards, value_rules
from indicators import services as figure_services
from indicators.models import Area, ChangeChannel, Indicator, PeriodKind, Target

from .. import spreadsheets
from ..findings import Finding
from ..models import ImportBatch, SheetChange
from .base import (
    ImportHandler,
    Preview,
    batch_actor_require,
    batch_reason,
    batch_rollback_reason,
)
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


@dataclass(frozen=True)
class _TargetWrite:
    row: spreadsheets.TargetRow
    authority: Area
    indicator: Indicator
    target: Target | None


@dataclass
class _TargetPlan:
    findings: list[Finding]
    counts: Counts = field(default_factory=Counts)
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
    table = batch_table_read(batch, "targets")
    parsed = spreadsheets.parse_targets(table)
    plan = _TargetPlan(parsed.findings, Counts(rows=len(table.rows)))
    areas, indicators = Areas(), Indicators()
    matched: list[tuple[spreadsheets.TargetRow, Area, Indicator]] = []
    seen: dict[tuple[int, int, date], int] = {}
    for row in parsed.rows:
        area = areas.find(row.authority)
        indicator = indicators.find(row.indicator)
        if area is None:
            plan.findings.append(Finding(row.row, "authority", unknown_area(row.authority)))
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
                Finding(row.row, "authority", outside(area, batch.authority, "targets"))
            )
            area = None
        if indicator is None:
            plan.findings.append(Finding(row.row, "indicator", indicators.unknown(row.indicator)))
        if area is None or indicator is None:
            continue
        not_applicable = value_rules.check_applies(value_rules.Measure.of(indicator), area.nation)
        if not_applicable is not None:
            # No target for a measure the authority is not asked for (issue 17).
            plan.findings.append(Finding(row.row, "indicator", not_applicable.message))
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
        raise no_longer_valid()
    years = periods_find(
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
            reason=batch_reason(batch),
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
    reason = batch_rollback_reason(batch)
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


class SheetTargetsImport(ImportHandler):
    def validate(self, batch: ImportBatch) -> Preview:
        plan = _plan_targets(batch)
        return plan_preview(plan.findings, plan.counts)

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_actor_require(user=user, batch=batch)
        _commit_targets(user, batch)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_actor_require(user=user, batch=batch)
        _rollback_targets(user, batch)


HANDLER = SheetTargetsImport()
