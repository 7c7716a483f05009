"""The indicator catalogue and the areas from a spreadsheet: the imports of
`ImportKind.SHEET_INDICATORS` and `ImportKind.SHEET_AREAS` (docs/0010), through their
django-import-export resources (`IndicatorResource`, `AreaResource`), dry-run first.

What each row was before is kept in `SheetChange`, so a rollback restores it, and is refused
when one has changed since or a row the batch created is in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from indicators.models import Area, Comparator, Indicator
from indicators.reference import default_comparators_ensure
from indicators.resources import AreaResource, IndicatorResource

from .. import spreadsheets
from ..findings import Finding
from ..models import ImportBatch, SheetChange
from .base import ImportHandler, Preview, batch_actor_require
from .sheet_rows import Counts, batch_table_read, no_longer_valid, plan_preview

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

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
    read = batch_table_read(batch, table)
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


def _resource_dry_run(batch: ImportBatch, table: str) -> tuple[list[Finding], Counts]:
    resource_class, model, _key = RESOURCES[table]
    rows = _dataset(table, batch)
    findings, counts = rows.findings, Counts(rows=rows.read)
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
        raise no_longer_valid()
    keys = [str(value) for value in dataset[key]] if len(dataset) else []
    lookup = {f"{key}__in": keys}
    before = {
        getattr(o, key): (o.pk, _row_state(o)) for o in model._default_manager.filter(**lookup)
    }
    result = resource_class().import_data(dataset, dry_run=False, raise_errors=False)
    if result.has_errors() or result.has_validation_errors():
        raise no_longer_valid()
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
    if model is Area:
        # A new authority is shown against its nation's average (Wales for a Welsh one) once
        # its nation's area exists: the sheet may create both, so after every row is in.
        created = [record.object_id for record in records if record.before is None]
        for area in Area.objects.filter(pk__in=created).order_by("pk"):
            default_comparators_ensure(area)
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
        if related is Comparator and field_name == "authority":
            # The authority's own comparators (the default one its import gave it) are its
            # settings, not a use of it: they go with it.
            continue
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


class SheetTableImport(ImportHandler):
    """One of the app's own tables (`RESOURCES`: "indicators" or "areas")."""

    def __init__(self, table: str) -> None:
        self.table = table

    def validate(self, batch: ImportBatch) -> Preview:
        findings, counts = _resource_dry_run(batch, self.table)
        return plan_preview(findings, counts)

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_actor_require(user=user, batch=batch)
        _commit_resource(batch, self.table)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_actor_require(user=user, batch=batch)
        _rollback_rows(batch, self.table)


INDICATORS = SheetTableImport("indicators")
AREAS = SheetTableImport("areas")
