"""Published national data (DfE CSVs): the import of `ImportKind.PUBLISHED`.

The file is read with the pure reader (`returns.published`) and the mappings an admin keeps;
its figures are written approved, as published, and the areas it names that are not yet known
(England, the regions, a new authority) are created on commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from indicators import services as figure_services
from indicators import value_rules
from indicators.models import Area, FigureSource, FigureStatus, Indicator, Period
from indicators.services.derived_rates import derived_rates_refresh

from .. import published
from ..models import ImportBatch
from ..progress import progress_report
from .base import ImportHandler, Preview, batch_file_open, batch_note
from .batch_figures import batch_figures_restore, batch_figures_write
from .published_areas import area_find, area_lookup, areas_ensure
from .published_mappings_store import current_mappings, mappings_load
from .published_staging import kept_rows_delete, staged_commit, staged_compare, staged_plan

__all__ = ["HANDLER", "current_mappings", "mappings_load"]

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


# The file cannot change between validation and commit, but the catalogue can.
NO_LONGER_VALID = "The file no longer validates: validate it again."


@dataclass
class PublishedPlan:
    """What committing a published file would write, worked out without writing it."""

    result: published.ParseResult
    contents: list[figure_services.FigureContent] = field(default_factory=list)
    new_areas: list[published.PublishedArea] = field(default_factory=list)


def catalogue_read() -> tuple[list[published.Mapping], dict[str, Indicator]]:
    """The mappings in use, and the catalogue's indicators they name, by code. A mapping of a
    measure the catalogue does not hold is left out: its figures could not be written, so the
    preview must not count them (nor report their rows)."""
    mappings = current_mappings()
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(
            code__in={mapping.indicator_code for mapping in mappings}
        )
    }
    return [m for m in mappings if m.indicator_code in indicators], indicators


def staged() -> bool:
    """Whether the published import takes the set-based path (PostgreSQL: COPY into a
    temporary table, `published_staging`) or the portable one (SQLite, the embedded default:
    the figures as Python objects, `figures_import`). Both give the same findings, counts and
    writes; the first in bounded memory and a fraction of the time."""
    return connection.vendor == "postgresql"


def published_plan(batch: ImportBatch, *, create_areas: bool) -> PublishedPlan:
    """The figures the batch's file holds for known areas and indicators; the areas it names
    that are not known yet are created first when `create_areas` (the commit). The portable
    path: every figure is kept in memory."""
    mappings, indicators = catalogue_read()
    # The reader checks every value with the rules the entry form uses (value_rules).
    with batch_file_open(batch) as handle:
        result = published.parse_published(
            handle,
            mappings,
            source_name=batch.file_name,
            measures={code: value_rules.Measure.of(i) for code, i in indicators.items()},
        )
    plan = PublishedPlan(result)
    if result.has_errors:
        return plan
    if create_areas:
        areas_ensure(result.areas)
    areas_known = area_lookup()
    plan.new_areas = [a for a in result.areas if area_find(a, areas_known) is None]
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
                published.PublishedArea(
                    row.level, row.area_code, row.la_number, row.area_name, "", ""
                ),
                areas_known,
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
                # The published figure is the final one: it is no longer provisional.
                is_provisional=False,
                published_decimals=row.decimals,
            )
        )
    return plan


class PublishedImport(ImportHandler):
    def validate(self, batch: ImportBatch) -> Preview:
        if staged():
            return self.validate_staged(batch)
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

    def validate_staged(self, batch: ImportBatch) -> Preview:
        mappings, indicators = catalogue_read()
        plan = staged_plan(batch, mappings, indicators, create_areas=False)
        new = changed = unchanged = 0
        if not plan.result.has_errors:
            progress_report(batch.pk, percent=70, note="Comparing with the stored figures")
            new, changed, unchanged = staged_compare(plan)
        return Preview(
            findings=plan.result.findings,
            not_listed=plan.result.findings_not_listed,
            rows_read=plan.result.rows_read,
            new=new,
            changed=changed,
            unchanged=unchanged,
        )

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        if staged():
            mappings, indicators = catalogue_read()
            staged_file = staged_plan(batch, mappings, indicators, create_areas=True)
            if staged_file.result.has_errors:
                raise ValidationError(NO_LONGER_VALID)
            staged_commit(user=user, batch=batch, plan=staged_file)
            # Counts or populations written: their rates too, in the same transaction.
            derived_rates_refresh(user=user, indicator_ids=staged_file.keys.indicator_ids)
            return
        plan = published_plan(batch, create_areas=True)
        if plan.result.has_errors:  # the file cannot change, but the catalogue can
            raise ValidationError(NO_LONGER_VALID)
        batch_figures_write(user=user, batch=batch, contents=plan.contents)
        derived_rates_refresh(user=user, indicator_ids={c.indicator.pk for c in plan.contents})

    def reject(self, batch: ImportBatch) -> None:
        if batch.file.name:
            transaction.on_commit(partial(kept_rows_delete, batch))

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        # The measures the batch wrote, read before the restore removes what it created: only
        # their rates can have moved.
        wrote = set(batch.changes.values_list("figure__indicator_id", flat=True))
        batch_figures_restore(user=user, batch=batch)
        derived_rates_refresh(user=user, indicator_ids={i for i in wrote if i is not None})


HANDLER = PublishedImport()
