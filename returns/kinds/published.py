"""Published national data (DfE CSVs): the import of `ImportKind.PUBLISHED`.

The file is read with the pure reader (`returns.published`) and the mappings an admin keeps;
its figures are written approved, as published, and the areas it names that are not yet known
(England, the regions, a new authority) are created on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts import access
from indicators import services as figure_services
from indicators import value_rules
from indicators.models import Area, AreaKind, FigureSource, FigureStatus, Indicator, Period

from .. import published
from ..models import ImportBatch, PublishedMapping
from ..progress import progress_report
from .base import ImportHandler, Preview, batch_file_read, batch_note
from .batch_figures import batch_figures_restore, batch_figures_write

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


@dataclass
class PublishedPlan:
    """What committing a published file would write, worked out without writing it."""

    result: published.ParseResult
    contents: list[figure_services.FigureContent] = field(default_factory=list)
    new_areas: list[published.PublishedArea] = field(default_factory=list)


def area_lookup() -> tuple[dict[str, Area], dict[str, Area]]:
    """Every area by its ONS code, and by its DfE number."""
    by_code: dict[str, Area] = {}
    by_number: dict[str, Area] = {}
    for area in Area.objects.all():
        if area.ons_code:
            by_code[area.ons_code] = area
        if area.dfe_code:
            by_number[area.dfe_code] = area
    return by_code, by_number


def area_find(
    seen: published.PublishedArea, by_code: dict[str, Area], by_number: dict[str, Area]
) -> Area | None:
    # An authority keeps its DfE number through a change of ONS code (a reorganisation).
    if seen.la_number and seen.la_number in by_number:
        return by_number[seen.la_number]
    return by_code.get(seen.code)


def unique_slug(name: str, taken: set[str], extra: str) -> str:
    """A new area's slug, made unique with `extra` (its number or code) when it is taken."""
    slug = slugify(name)[:100] or "area"
    if slug in taken:
        slug = f"{slug}-{extra}".strip("-")
    taken.add(slug)
    return slug


def areas_ensure(areas: Sequence[published.PublishedArea]) -> None:
    """England (or Wales), the regions and every authority the file names, as areas."""
    by_code, by_number = area_lookup()
    taken = set(Area.objects.values_list("slug", flat=True))
    for seen in sorted(areas, key=lambda a: ("national", "regional", "local").index(a.level)):
        if area_find(seen, by_code, by_number) is not None:
            continue
        kind = {"national": AreaKind.NATION, "regional": AreaKind.REGION}.get(
            seen.level, AreaKind.AUTHORITY
        )
        region = by_code.get(seen.region_code) if kind == AreaKind.AUTHORITY else None
        area = Area.objects.create(
            name=seen.name,
            slug=unique_slug(seen.name, taken, seen.la_number or seen.code.lower()),
            kind=kind,
            ons_code=seen.code,
            dfe_code=seen.la_number,
            region=region,
        )
        by_code[area.ons_code] = area
        if area.dfe_code:
            by_number[area.dfe_code] = area


def current_mappings() -> list[published.Mapping]:
    """The mappings an admin keeps in the database; the shipped file while there are none."""
    kept = list(PublishedMapping.objects.all())
    if not kept:
        return published.load_mappings(published.SHIPPED_MAPPINGS)
    return [published.Mapping.from_row(m.as_row()) for m in kept if m.is_active]


@transaction.atomic
def mappings_load(
    *, user: User | SystemActor, path: Path = published.SHIPPED_MAPPINGS
) -> tuple[int, int]:
    """Copy a mappings file into the database, where admins edit them: (created, updated).
    Admins only (and the set-up command, as the system): the mappings decide which published
    figures every authority is compared with."""
    access.require_admin_actor(user, doing="change the mappings of published files")
    created = updated = 0
    for mapping in published.load_mappings(path):
        _row, was_created = PublishedMapping.objects.update_or_create(
            name=mapping.name,
            defaults={k: v for k, v in mapping.as_row().items() if k != "name"},
        )
        created += was_created
        updated += not was_created
    return created, updated


def published_plan(batch: ImportBatch, *, create_areas: bool) -> PublishedPlan:
    """The figures the batch's file holds for known areas and indicators; the areas it names
    that are not known yet are created first when `create_areas` (the commit)."""
    mappings = current_mappings()
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(
            code__in={mapping.indicator_code for mapping in mappings}
        )
    }
    # The reader checks every value with the rules the entry form uses (value_rules).
    result = published.parse_published(
        batch_file_read(batch),
        mappings,
        source_name=batch.file_name,
        measures={code: value_rules.Measure.of(i) for code, i in indicators.items()},
    )
    plan = PublishedPlan(result)
    if result.has_errors:
        return plan
    if create_areas:
        areas_ensure(result.areas)
    by_code, by_number = area_lookup()
    plan.new_areas = [a for a in result.areas if area_find(a, by_code, by_number) is None]
    periods: dict[tuple[str, object], Period] = {}
    note = batch_note(batch)
    # Rows name a few hundred areas a million times: each is looked up once.
    areas: dict[tuple[str, str], Area | None] = {}
    for row in result.figures:
        where = (row.la_number, row.area_code)
        if where in areas:
            area = areas[where]
        else:
            area = areas[where] = area_find(
                published.PublishedArea(row.level, row.area_code, row.la_number, "", "", ""),
                by_code,
                by_number,
            )
        indicator = indicators.get(row.indicator_code)
        if area is None or indicator is None:
            continue  # a new area (shown in the preview) or an indicator not in the catalogue
        key = (row.period_kind, row.period_start)
        if key not in periods:
            periods[key] = Period.objects.get_or_create_for(row.period_kind, row.period_start)
        plan.contents.append(
            figure_services.FigureContent(
                area=area,
                indicator=indicator,
                period=periods[key],
                value=row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                suppression=row.suppression,
                status=FigureStatus.APPROVED,
                source=FigureSource.PUBLISHED,
                source_note=note,
            )
        )
    return plan


class PublishedImport(ImportHandler):
    def validate(self, batch: ImportBatch) -> Preview:
        plan = published_plan(batch, create_areas=False)
        progress_report(batch.pk, percent=70, note="Comparing with the stored figures")
        new, changed, unchanged = figure_services.figures_compare(plan.contents)
        # Figures of areas the commit will create are new too.
        new_codes = {area.code for area in plan.new_areas}
        new_area_rows = sum(1 for row in plan.result.figures if row.area_code in new_codes)
        return Preview(
            findings=plan.result.findings,
            not_listed=plan.result.findings_not_listed,
            rows_read=plan.result.rows_read,
            new=new + new_area_rows,
            changed=changed,
            unchanged=unchanged,
        )

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        plan = published_plan(batch, create_areas=True)
        if plan.result.has_errors:  # the file cannot change, but the catalogue can
            raise ValidationError("The file no longer validates: validate it again.")
        batch_figures_write(user=user, batch=batch, contents=plan.contents)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_figures_restore(user=user, batch=batch)


HANDLER = PublishedImport()
