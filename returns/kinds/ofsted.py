"""Ofsted's inspection outcomes file: the import of `ImportKind.OFSTED` (issue 18, docs/0027).

The file is read with the pure reader (`returns.ofsted`); each judgement goes to the authority
with its ONS code (`published_areas.area_lookup`). An authority not yet known is created from
the file's code and name (both checked by the reader; the nation from the code), as a published
file's authorities are: Ofsted's file covers every English authority, so a new install learns
them here. Authorities that no longer exist (Northamptonshire, Cumbria, Bournemouth) are kept
with their judgements: an earlier period's "good or outstanding" group needs them.

A judgement is matched with the stored one of the same authority and inspection date (and
type: a judgement stored from the as-at sheet, which gives no type, is the history's of the
same day). A commit writes all or nothing, keeping each row's state before in `SheetChange`
("inspection" and "area"), so that a rollback deletes what the batch created and restores what
it changed, and is refused when one has changed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from indicators.inspection_models import InspectionJudgement
from indicators.models import Area, AreaKind, Comparator
from indicators.nations import nation_for_area
from indicators.reference import default_comparators_ensure
from indicators.reference_cache import GOOD_AUTHORITIES, reference_changed

from .. import ofsted
from ..limits import import_limits
from ..models import ImportBatch, SheetChange
from ..published_areas_read import AREA_LIMITS
from .base import ImportHandler, Preview, batch_file_open, batch_note
from .published import NO_LONGER_VALID
from .published_areas import area_lookup, unique_slug

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

INSPECTION_TABLE = "inspection"
AREA_TABLE = "area"
# The fields a judgement's rollback record keeps (and a re-import compares, with the note).
FIELDS = (
    "inspected_on",
    "published_on",
    "inspection_type",
    "overall",
    "leaders",
    "help_and_protection",
    "in_care",
    "care_leavers",
)
COMPARED = tuple(f for f in FIELDS if f != "inspected_on")


@dataclass
class OfstedPlan:
    """What a commit would do: the authorities to create (by code, with their name), the
    judgements to create, those to change (the stored one and the file's) and how many are
    as stored."""

    read: ofsted.OfstedRead
    new_areas: dict[str, str] = field(default_factory=dict)
    creates: list[ofsted.Judgement] = field(default_factory=list)
    updates: list[tuple[InspectionJudgement, ofsted.Judgement]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_errors(self) -> bool:
        return self.read.has_errors


def judgement_state(judgement: InspectionJudgement) -> dict[str, Any]:
    """A stored judgement's fields, JSON-safe, as a rollback record keeps them."""
    state: dict[str, Any] = {name: getattr(judgement, name) for name in FIELDS}
    state["inspected_on"] = judgement.inspected_on.isoformat()
    state["published_on"] = judgement.published_on.isoformat()
    state["authority_id"] = judgement.authority_id
    state["source_note"] = judgement.source_note
    return state


def file_values(found: ofsted.Judgement, note: str) -> dict[str, Any]:
    """The fields the file gives a judgement."""
    gone = "; the authority no longer exists" if not found.still_exists else ""
    return {
        "inspected_on": found.inspected_on,
        "published_on": found.published_on,
        "inspection_type": found.inspection_type,
        "overall": found.overall,
        "leaders": found.leaders,
        "help_and_protection": found.help_and_protection,
        "in_care": found.in_care,
        "care_leavers": found.care_leavers,
        "source_note": f"Ofsted, {found.sheet} row {found.row}{gone}: {note}"[:255],
    }


def stored_match(
    found: ofsted.Judgement, stored: list[InspectionJudgement]
) -> InspectionJudgement | None:
    """The stored judgement of the same inspection: the same type, else one of the two with no
    type (the as-at sheet gives none)."""
    for judgement in stored:
        if judgement.inspection_type == found.inspection_type:
            return judgement
    for judgement in stored:
        if not judgement.inspection_type or not found.inspection_type:
            return judgement
    return None


def ofsted_plan(batch: ImportBatch) -> OfstedPlan:
    """Read the batch's file and compare it with what is stored."""
    with batch_file_open(batch) as handle:
        read = ofsted.read_ofsted(handle, limits=import_limits())
    plan = OfstedPlan(read=read)
    if read.has_errors:
        return plan
    by_code = area_lookup().by_code
    known: dict[str, Area] = {}
    for found in read.judgements:
        area = by_code.get(found.area_code)
        if area is None:
            nation = nation_for_area(found.area_code, "")
            if nation.problem:
                read.add(found.sheet, found.row, "Local authority area code", nation.problem)
            elif len(found.area_name) > AREA_LIMITS["name"]:
                # Found now, not as a database error when the commit creates the authority.
                read.add(
                    found.sheet,
                    found.row,
                    "Local authority name",
                    f"The name {found.area_name!r} is longer than the {AREA_LIMITS['name']} "
                    "characters an area's name may have.",
                )
            else:
                plan.new_areas.setdefault(found.area_code, found.area_name)
        elif area.kind != AreaKind.AUTHORITY:
            read.add(
                found.sheet,
                found.row,
                "Local authority area code",
                f"{found.area_code} is the code of {area.name}, which is not an authority "
                f"({area.get_kind_display()}): check the code.",
            )
        else:
            known[found.area_code] = area
    if read.has_errors:
        return plan
    stored: dict[tuple[int, date], list[InspectionJudgement]] = {}
    for judgement in InspectionJudgement.objects.filter(
        authority__in=list(known.values())
    ).order_by("pk"):
        stored.setdefault((judgement.authority_id, judgement.inspected_on), []).append(judgement)
    note = batch_note(batch)
    for found in read.judgements:
        area = known.get(found.area_code)
        match = (
            stored_match(found, stored.get((area.pk, found.inspected_on), []))
            if area is not None
            else None
        )
        if match is None:
            plan.creates.append(found)
            continue
        values = file_values(found, note)
        if not found.inspection_type:
            values["inspection_type"] = match.inspection_type  # the history's type stays
        if all(getattr(match, name) == values[name] for name in COMPARED):
            plan.unchanged += 1
        else:
            plan.updates.append((match, found))
    return plan


def plan_preview(plan: OfstedPlan) -> Preview:
    read = plan.read
    return Preview(
        findings=read.findings,
        not_listed=read.findings_not_listed,
        rows_read=read.rows_read,
        new=len(plan.creates),
        changed=len(plan.updates),
        unchanged=plan.unchanged,
    )


def new_areas_create(batch: ImportBatch, names: dict[str, str]) -> dict[str, Area]:
    """The authorities the file names that were not known, created and recorded."""
    taken = set(Area.objects.values_list("slug", flat=True))
    created = {}
    for code, name in sorted(names.items()):
        nation = nation_for_area(code, "")
        if nation.problem:
            raise ValidationError(NO_LONGER_VALID)
        area = Area.objects.create(
            name=name,
            slug=unique_slug(name, taken, code.lower()),
            kind=AreaKind.AUTHORITY,
            nation=nation.nation,
            ons_code=code,
        )
        default_comparators_ensure(area)
        created[code] = area
    SheetChange.objects.bulk_create(
        SheetChange(
            batch=batch,
            table=AREA_TABLE,
            object_id=area.pk,
            before=None,
            after={"ons_code": area.ons_code, "name": area.name},
        )
        for area in created.values()
    )
    return created


class OfstedImport(ImportHandler):
    def validate(self, batch: ImportBatch) -> Preview:
        return plan_preview(ofsted_plan(batch))

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        plan = ofsted_plan(batch)
        if plan.has_errors:  # the file cannot change, but the stored areas can
            raise ValidationError(NO_LONGER_VALID)
        new_areas_create(batch, plan.new_areas)
        by_code = area_lookup().by_code
        note = batch_note(batch)
        created = InspectionJudgement.objects.bulk_create(
            InspectionJudgement(authority=by_code[found.area_code], **file_values(found, note))
            for found in plan.creates
        )
        records = [
            SheetChange(
                batch=batch,
                table=INSPECTION_TABLE,
                object_id=judgement.pk,
                before=None,
                after=judgement_state(judgement),
            )
            for judgement in created
        ]
        for stored, found in plan.updates:
            before = judgement_state(stored)
            values = file_values(found, note)
            if not found.inspection_type:
                values["inspection_type"] = stored.inspection_type
            for name, value in values.items():
                setattr(stored, name, value)
            stored.save()
            records.append(
                SheetChange(
                    batch=batch,
                    table=INSPECTION_TABLE,
                    object_id=stored.pk,
                    before=before,
                    after=judgement_state(stored),
                )
            )
        SheetChange.objects.bulk_create(records)
        # Written in bulk, past the model's signals: the pages' timeline is read afresh.
        reference_changed(GOOD_AUTHORITIES)
        batch.new_count = len(created)
        batch.changed_count = len(plan.updates)
        batch.unchanged_count = plan.unchanged

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        """Delete the judgements the batch created, restore those it changed, and delete the
        authorities it created unless something else has come to use them since (they are
        then real authorities of the product, and stay)."""
        changes = list(batch.sheet_changes.filter(table=INSPECTION_TABLE))
        stored = InspectionJudgement.objects.in_bulk([c.object_id for c in changes])
        moved = [
            c
            for c in changes
            if c.object_id not in stored or judgement_state(stored[c.object_id]) != c.after
        ]
        if moved:
            raise ValidationError(
                f"{len(moved)} of the judgements this import wrote have been changed or removed "
                "since it was committed (by a later import or in the admin): it cannot be "
                "rolled back without undoing those changes. Import the file you want instead."
            )
        gone = [c.object_id for c in changes if c.before is None]
        InspectionJudgement.objects.filter(pk__in=gone).delete()
        reference_changed(GOOD_AUTHORITIES)
        for change in changes:
            if change.before is None:
                continue
            judgement = stored[change.object_id]
            for name, value in change.before.items():
                if name in ("inspected_on", "published_on"):
                    value = date.fromisoformat(value)
                setattr(judgement, name, value)
            judgement.save()
        area_ids = batch.sheet_changes.filter(table=AREA_TABLE).values_list("object_id", flat=True)
        for area in Area.objects.filter(pk__in=list(area_ids)):
            if not area_in_use(area):
                area.delete()


def area_in_use(area: Area) -> bool:
    """Whether anything refers to an authority but its own comparators (the default one its
    creation gave it, which go with it)."""
    for relation in area._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete) or relation.related_model is None:
            continue
        related: type[models.Model] = relation.related_model
        field_name = relation.field.name  # type: ignore[union-attr]
        if related is Comparator and field_name == "authority":
            continue
        if related._base_manager.filter(**{field_name: area}).exists():
            return True
    return False


HANDLER = OfstedImport()
