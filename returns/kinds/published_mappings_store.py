"""The mappings of published files as the database keeps them: *shipped* ones, which come
with the catalogue (`returns/mappings/dfe_published.csv`) and are refreshed by each catalogue
load, and *local* ones, an admin's own, which no load touches (docs/0009-imports.md, "Shipped
and local mappings; joint authorities").

A catalogue load (`indicators.catalogue.catalogue_load`) sends `catalogue_loaded`; returns
receives it (`returns.apps`) and calls `shipped_mappings_refresh`: `indicators` cannot import
`returns`, so the signal is the seam.

What a refresh does, by name:
- a shipped mapping not stored yet is created, active;
- a stored shipped one gets the file's fields, keeping the admin's ``is_active`` (an admin
  switches a shipped mapping off rather than editing it: the next load would undo an edit);
- a stored *local* one with the same name is left alone, and the shipped one is not loaded:
  the admin's own wins. A local row identical to the shipped one but for its decimals (the
  copy the old `load_mappings` made, before mappings knew where they came from) becomes
  shipped;
- a shipped row whose name has left the file is deleted: the shipped rows are the file, and
  a mapping the DfE no longer publishes would find no file. An admin who relied on it keeps
  a local copy ("Copy to a local mapping" in the admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from accounts import access

from .. import published
from ..models import PublishedMapping

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


def mapping_of(row: PublishedMapping) -> published.Mapping:
    """The reader's Mapping for a stored one."""
    fields = {name: getattr(row, name) for name in published.MAPPING_FIELDS}
    return published.Mapping.from_row(
        {name: "" if value is None else str(value) for name, value in fields.items()}
    )


def _stored_fields(mapping: published.Mapping) -> dict[str, Any]:
    """A mapping's fields as the model stores them (decimals a number, not text)."""
    fields: dict[str, Any] = {k: v for k, v in mapping.as_row().items() if k != "name"}
    fields["decimals"] = mapping.decimals
    return fields


def _same_but_decimals(local: published.Mapping, shipped: published.Mapping) -> bool:
    """Whether a local row is the old `load_mappings` copy of a shipped mapping (copies made
    before mappings had decimals have none)."""
    return {**local.as_row(), "decimals": ""} == {**shipped.as_row(), "decimals": ""}


def current_mappings() -> list[published.Mapping]:
    """The active stored mappings, shipped and local. Before any catalogue load has stored
    the shipped ones (a new database), the shipped file's with the local ones (a local one
    replaces a shipped one of the same name)."""
    stored = list(PublishedMapping.objects.all())
    local = {row.name: row for row in stored if not row.is_shipped}
    if any(row.is_shipped for row in stored):
        return [mapping_of(row) for row in stored if row.is_active]
    shipped = [
        mapping
        for mapping in published.load_mappings(published.SHIPPED_MAPPINGS)
        if mapping.name not in local
    ]
    return [*shipped, *(mapping_of(row) for row in local.values() if row.is_active)]


@dataclass(frozen=True)
class MappingCounts:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_local: int = 0


@transaction.atomic
def shipped_mappings_refresh(path: Path | None = None) -> MappingCounts:
    """Bring the shipped mappings stored up to the shipped file (the rules are the module's).
    Raises ValueError naming the line of a row that cannot be read: nothing is changed."""
    shipped = published.load_mappings(path or published.SHIPPED_MAPPINGS)
    stored = {row.name: row for row in PublishedMapping.objects.select_for_update()}
    created = updated = kept_local = 0
    for mapping in shipped:
        row = stored.get(mapping.name)
        fields = _stored_fields(mapping)
        if row is None:
            PublishedMapping.objects.create(name=mapping.name, is_shipped=True, **fields)
            created += 1
            continue
        if not row.is_shipped and not _same_but_decimals(mapping_of(row), mapping):
            kept_local += 1
            continue
        changed = not row.is_shipped or any(
            getattr(row, name) != value for name, value in fields.items()
        )
        if changed:
            for name, value in fields.items():
                setattr(row, name, value)
            row.is_shipped = True
            row.save()
            updated += 1
    names = {mapping.name for mapping in shipped}
    removed, _ = PublishedMapping.objects.filter(is_shipped=True).exclude(name__in=names).delete()
    return MappingCounts(created, updated, removed, kept_local)


def mappings_load(*, user: User | SystemActor, path: Path | None = None) -> tuple[int, int]:
    """Store the shipped mappings now, as a catalogue load does (`manage.py load_mappings`):
    (created, updated). Admins only (and the set-up command, as the system): the mappings
    decide which published figures every authority is compared with."""
    access.require_admin_actor(user, doing="change the mappings of published files")
    counts = shipped_mappings_refresh(path)
    return counts.created, counts.updated


@transaction.atomic
def mapping_copy_local(*, user: User | SystemActor, mapping: PublishedMapping) -> PublishedMapping:
    """A local copy of a shipped mapping, to edit: active, named "<name> (local)", and the
    shipped one switched off, so that the file is not read twice for the same measure (two
    mappings of one indicator would give every figure twice). A local copy made before is
    kept as the admin left it, not overwritten."""
    access.require_admin_actor(user, doing="change the mappings of published files")
    name = f"{mapping.name} (local)"[: PublishedMapping._meta.get_field("name").max_length]
    fields = _stored_fields(mapping_of(mapping))
    copy, _created = PublishedMapping.objects.get_or_create(
        name=name, defaults={**fields, "is_shipped": False, "is_active": True}
    )
    mapping.is_active = False
    mapping.save(update_fields=["is_active"])
    return copy
