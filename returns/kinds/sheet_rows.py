"""What the spreadsheet kinds share: reading the batch's file as a table, and matching its
rows with the areas, indicators and periods that are stored (docs/0010)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from indicators.models import Area, Indicator, Period

from .. import spreadsheets
from ..findings import Finding
from ..limits import import_limits
from ..models import ImportBatch
from .base import Preview, batch_file_open


def batch_table_read(batch: ImportBatch, table: str) -> spreadsheets.Table:
    """The batch's file as a table: an XLSX workbook's sheet called `table`, else its first;
    streamed, and held to the import limits (docs/0019)."""
    with batch_file_open(batch) as source:
        return spreadsheets.read_table(source, batch.file_name, table, import_limits())


@dataclass
class Counts:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0


def no_longer_valid() -> ValidationError:
    return ValidationError(
        "The file no longer validates (the catalogue, the areas or the figures have changed "
        "since it was checked): upload it again to see why."
    )


class Areas:
    """Areas by DfE number, ONS code and slug, read once."""

    def __init__(self) -> None:
        self.by_text: dict[str, Area] = {}
        for area in Area.objects.all():
            for key in (area.slug, area.ons_code, area.dfe_code):
                if key:
                    self.by_text.setdefault(key.lower(), area)

    def find(self, text: str) -> Area | None:
        return self.by_text.get(text.strip().lower())


class Indicators:
    def __init__(self) -> None:
        self.by_code = {i.code.lower(): i for i in Indicator.objects.all()}

    def find(self, code: str) -> Indicator | None:
        return self.by_code.get(code.strip().lower())

    def unknown(self, code: str) -> str:
        close = difflib.get_close_matches(code.upper(), [i.code for i in self.by_code.values()], 1)
        hint = f" Did you mean {close[0]}?" if close else " The indicators export lists them."
        return f"{code!r} is not an indicator code in the catalogue.{hint}"


def unknown_area(text: str) -> str:
    return (
        f"{text!r} is not an area this system knows: write the authority's DfE number (such as "
        "865), ONS code (E06000054) or short name (wiltshire), as the areas export lists them."
    )


def outside(area: Area, authority: Area, what: str) -> str:
    return (
        f"{area.name} is not {authority.name}: this import is for {authority.name}, so it can "
        f"hold only {authority.name}'s {what}."
    )


def periods_find(keys: set[tuple[str, date]], *, create: bool) -> dict[tuple[str, date], Period]:
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


def plan_preview(findings: list[Finding], counts: Counts) -> Preview:
    """A spreadsheet's findings and counts, as the batch keeps them."""
    return Preview(
        findings=findings,
        rows_read=counts.rows,
        new=counts.new,
        changed=counts.changed,
        unchanged=counts.unchanged,
    )
