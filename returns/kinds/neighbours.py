"""Statistical neighbours (DfE CSVs, the 2021 or 2025 layout): the import of
`ImportKind.NEIGHBOURS`. A commit creates one neighbour set (and any authority it names that
is not known yet); a rollback removes the set.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from indicators.models import Area, AreaKind, Comparator, NeighbourSet, StatisticalNeighbour
from indicators.reference import default_comparators_ensure

from .. import neighbours
from ..findings import Finding
from ..models import ImportBatch
from .base import ImportHandler, Preview, batch_file_read
from .published_areas import unique_slug

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

# The DfE models' dates: the 2021 groupings were published in April 2021 (the file says so);
# the 2025 model's month is not in its file, so April is assumed: correct it in the admin.
MODEL_DATES = {neighbours.LAYOUT_2021: date(2021, 4, 1), neighbours.LAYOUT_2025: date(2025, 4, 1)}


def neighbours_parse(batch: ImportBatch) -> neighbours.NeighbourParse:
    raw = batch_file_read(batch)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed = neighbours.NeighbourParse(layout=None, rows=[], authorities={}, findings=[])
        parsed.findings.append(
            Finding(1, "", f"{batch.file_name} is not UTF-8 text: save it as CSV UTF-8.")
        )
        return parsed
    return neighbours.parse_neighbours(text, source_name=batch.file_name)


def source_of(batch: ImportBatch) -> str:
    # Identifies the file, so that importing the same file again changes nothing.
    return f"{batch.file_name[:150]} sha256:{batch.sha256}"


class NeighboursImport(ImportHandler):
    def validate(self, batch: ImportBatch) -> Preview:
        parsed = neighbours_parse(batch)
        already = NeighbourSet.objects.filter(source=source_of(batch)).exists()
        return Preview(
            findings=parsed.findings,
            rows_read=len(parsed.authorities),
            new=0 if already else len(parsed.rows),
            changed=0,
            unchanged=len(parsed.rows) if already else 0,
        )

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        parsed = neighbours_parse(batch)
        if parsed.has_errors or parsed.layout is None:
            raise ValidationError("The file no longer validates: validate it again.")
        if NeighbourSet.objects.filter(source=source_of(batch)).exists():
            batch.new_count, batch.unchanged_count = 0, len(parsed.rows)
            return
        authorities = {area.dfe_code: area for area in Area.objects.exclude(dfe_code="")}
        taken = set(Area.objects.values_list("slug", flat=True))
        for number, (name, _region) in sorted(parsed.authorities.items()):
            if number not in authorities:
                authorities[number] = Area.objects.create(
                    name=name,
                    slug=unique_slug(name, taken, number),
                    kind=AreaKind.AUTHORITY,
                    dfe_code=number,
                )
                # Compared with England (the DfE's authorities are English) until an admin
                # chooses otherwise, as an authority from any other import is.
                default_comparators_ensure(authorities[number])
        name = batch.note or f"DfE statistical neighbours {parsed.layout}"
        if NeighbourSet.objects.filter(name=name).exists():
            name = f"{name} (import {batch.pk})"
        neighbour_set = NeighbourSet.objects.create(
            name=name[:120], published_on=MODEL_DATES[parsed.layout], source=source_of(batch)
        )
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(
                neighbour_set=neighbour_set,
                authority=authorities[row.la_number],
                neighbour=authorities[row.neighbour_la_number],
                rank=row.rank,
                closeness=row.closeness,
            )
            for row in parsed.rows
            if row.neighbour_la_number in authorities
        )
        batch.neighbour_set = neighbour_set
        batch.new_count = len(parsed.rows)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        """Remove the neighbour set the batch created (authorities it added stay: they are
        real authorities, and figures may have arrived for them since)."""
        if batch.neighbour_set is None:
            return  # the same file had been imported before: this batch wrote nothing
        users = Comparator.objects.filter(neighbour_set=batch.neighbour_set)
        if users.exists():
            names = ", ".join(sorted({c.authority.name for c in users.select_related("authority")}))
            raise ValidationError(
                f"{batch.neighbour_set.name} is used by the statistical-neighbour comparators "
                f"of {names}: point them at another set first."
            )
        batch.neighbour_set.delete()
        batch.neighbour_set = None


HANDLER = NeighboursImport()
