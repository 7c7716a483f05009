"""StatsWales downloads of the Welsh performance measures: the import of
`ImportKind.STATSWALES` (issue 17).

The file is read with the pure reader (`returns.statswales`) against Wales and its authorities
as stored (the reference data `catalogue_load` ships) and the catalogue's Welsh measures. Its
figures are written exactly as the published import writes DfE figures: source PUBLISHED,
approved, so that `accounts.access.figures_visible_to` shows them to every authority as it shows
published statistics. No area is created: an area the file names that is not stored is an error
at validation. A StatsWales file is small (at most the spreadsheet limits, `returns.limits`), so
its figures are compared and written as objects, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from indicators import services as figure_services
from indicators import value_rules
from indicators.models import Area, AreaKind, FigureSource, FigureStatus, Indicator, Nation, Period

from .. import statswales
from ..limits import import_limits
from ..models import ImportBatch
from ..progress import progress_report
from .base import ImportHandler, Preview, batch_file_open, batch_note
from .batch_figures import batch_figures_restore, batch_figures_write
from .published import NO_LONGER_VALID

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


def rounded_note(places: int, note: str) -> str:
    """A figure's source note: where it came from, and that its value is rounded as published
    (so nothing treats it as exact, or works a ratio back from it)."""
    precision = "whole numbers" if places == 0 else f"{places} decimal place" + "s" * (places > 1)
    return f"StatsWales, rounded as published ({precision}): {note}"


def statswales_contents(
    batch: ImportBatch,
) -> tuple[statswales.StatsWalesResult, list[figure_services.FigureContent]]:
    """What the batch's file holds, and the figures a commit would write (none while the file
    has errors)."""
    areas = {
        area.ons_code: area
        for area in Area.objects.filter(
            nation=Nation.WALES, kind__in=(AreaKind.NATION, AreaKind.AUTHORITY)
        ).exclude(ons_code="")
    }
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.applicable_in(Nation.WALES).filter(
            code__istartswith="PM"
        )
    }
    with batch_file_open(batch) as handle:
        result = statswales.read_statswales(
            handle,
            areas=[
                statswales.KnownArea(code, tuple(n for n in (a.name, a.name_cy) if n))
                for code, a in areas.items()
            ],
            measures=[
                statswales.KnownMeasure(code, i.title, i.frequency, value_rules.Measure.of(i))
                for code, i in indicators.items()
            ],
            source_name=batch.file_name,
            limits=import_limits(),
        )
    if result.has_errors:
        return result, []
    note = batch_note(batch)
    found_periods: dict[tuple[str, object], Period] = {}
    contents = []
    for figure in result.figures:
        key = (figure.period_kind, figure.period_start)
        if key not in found_periods:
            found_periods[key] = Period.objects.get_or_create_for(*key)
        contents.append(
            figure_services.FigureContent(
                area=areas[figure.area_code],
                indicator=indicators[figure.indicator_code],
                period=found_periods[key],
                value=figure.value,
                suppression=figure.suppression,
                status=FigureStatus.APPROVED,
                source=FigureSource.PUBLISHED,
                source_note=rounded_note(figure.places, note)
                if figure.value is not None
                else f"StatsWales: {note}",
            )
        )
    return result, contents


class StatsWalesImport(ImportHandler):
    def validate(self, batch: ImportBatch) -> Preview:
        result, contents = statswales_contents(batch)
        new = changed = unchanged = 0
        if contents:
            progress_report(batch.pk, percent=70, note="Comparing with the stored figures")
            new, changed, unchanged = figure_services.figures_compare(contents)
        return Preview(
            findings=result.findings,
            not_listed=result.findings_not_listed,
            rows_read=result.rows_read,
            new=new,
            changed=changed,
            unchanged=unchanged,
        )

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        result, contents = statswales_contents(batch)
        if result.has_errors or not contents:  # the file cannot change, but the catalogue can
            raise ValidationError(NO_LONGER_VALID)
        batch_figures_write(user=user, batch=batch, contents=contents)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_figures_restore(user=user, batch=batch)


HANDLER = StatsWalesImport()
