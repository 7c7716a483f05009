"""Statutory returns: the CIN census (`ImportKind.CIN`) and the SSDA903 return
(`ImportKind.SSDA903`), one authority's for one collection year.

Validating derives the year's aggregates with the pure derivations (`derive_cin`,
`derive_903`, `ssda903_xml`), keeps them on the batch and deletes the file: it holds
child-level data, which is not kept (DESIGN.md, Privacy). Committing writes the authority's
figures for the year from the kept aggregates; categories of abuse are shared breakdown
categories, created on commit when missing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from indicators import services as figure_services
from indicators.models import (
    Area,
    BreakdownCategory,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
)

from .. import derive_903, derive_cin, ssda903_xml
from ..findings import Finding
from ..models import ImportBatch
from .base import ImportHandler, Preview, batch_file_read, batch_note
from .batch_figures import batch_figures_restore, batch_figures_write

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

CATEGORY_OF_ABUSE = "category of abuse"
# The most a return's ZIP may hold once unpacked: refused beyond, whatever the ZIP says.
UNPACKED_LIMIT = 1024 * 1024 * 1024


def as_json(figure: derive_cin.DerivedFigure) -> list[str | int | None]:
    return [str(figure.value), figure.numerator, figure.denominator]


@dataclass(frozen=True)
class Derived:
    """A return's aggregates, as kept on its batch: JSON-safe, and nothing child-level."""

    figures: dict[str, list[Any]]
    categories: dict[str, list[Any]]
    findings: list[Finding]
    rows: int


def cin_derive(batch: ImportBatch, raw: bytes, year: int) -> Derived:
    result = derive_cin.derive_cin(raw, collection_year=year, population=batch.population)
    return Derived(
        figures={code: as_json(figure) for code, figure in result.figures.items()},
        categories={name: as_json(f) for name, f in result.category_of_abuse.items()},
        findings=result.findings,
        rows=result.counts.children,
    )


def zip_tables(raw: bytes) -> tuple[dict[str, str], list[Finding]]:
    """The CSV tables of an SSDA903 return sent as one ZIP file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return {}, [
            Finding(1, "", "This is not a ZIP file of the return's CSV tables, nor its XML file.")
        ]
    members = [info for info in archive.infolist() if not info.is_dir()]
    if sum(info.file_size for info in members) > UNPACKED_LIMIT:
        return {}, [Finding(1, "", "The ZIP file unpacks to more than 1 GB: it is refused.")]
    tables: dict[str, str] = {}
    findings: list[Finding] = []
    for info in members:
        name = info.filename.rsplit("/", 1)[-1]
        try:
            tables[name] = archive.read(info).decode("utf-8-sig")
        except UnicodeDecodeError:
            findings.append(Finding(1, name, f"{name} is not UTF-8 text: save it as CSV UTF-8."))
    return tables, findings


def ssda903_derive(batch: ImportBatch, raw: bytes, year: int) -> Derived:
    findings: list[Finding] = []
    if ssda903_xml.looks_like_xml(raw):  # the return as one XML file
        result = ssda903_xml.derive_903_xml(raw, year, batch.population)
    else:
        tables, findings = zip_tables(raw)
        if not tables:
            return Derived({}, {}, findings, 0)
        result = derive_903.derive_903(tables, year, batch.population)
    figures = {
        code: [str(round(Decimal(str(f.value)), 4)), f.numerator, f.denominator]
        for code, f in result.figures.items()
        if f.value is not None
    }
    return Derived(figures, {}, [*findings, *result.findings], result.children)


def cin_category(name: str, *, create: bool) -> BreakdownCategory | None:
    if create:
        return BreakdownCategory.objects.get_or_create(
            authority=None, dimension=CATEGORY_OF_ABUSE, name=name
        )[0]
    return BreakdownCategory.objects.filter(
        authority=None, dimension=CATEGORY_OF_ABUSE, name=name
    ).first()


def return_contents(batch: ImportBatch, *, create: bool) -> list[figure_services.FigureContent]:
    """The authority's figures for the collection year, from the aggregates kept at validation.
    Categories of abuse are shared breakdown categories, created on commit when missing."""
    derived = batch.derived or {}
    authority, year_number = batch.authority, batch.collection_year
    if authority is None or year_number is None:
        return []
    year = Period.objects.get_or_create_for(PeriodKind.FINANCIAL_YEAR, date(year_number - 1, 4, 1))
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(code__in=[*derived.get("figures", {}), "CPP-CAT"])
    }
    note = batch_note(batch)

    def content(
        indicator: Indicator, parts: list[Any], breakdown: BreakdownCategory | None = None
    ) -> figure_services.FigureContent:
        value, numerator, denominator = parts
        if denominator is None or indicator.ratio_kind == "none":
            # A count has no parts: the figure holds the number itself.
            numerator = denominator = None
        return figure_services.FigureContent(
            area=authority,
            indicator=indicator,
            period=year,
            value=Decimal(value),
            numerator=None if numerator is None else Decimal(str(numerator)),
            denominator=None if denominator is None else Decimal(str(denominator)),
            status=FigureStatus.APPROVED,
            source=FigureSource.RETURN,
            source_note=note,
            breakdown=breakdown,
        )

    contents = [
        content(indicators[code], parts)
        for code, parts in derived.get("figures", {}).items()
        if code in indicators
    ]
    if "CPP-CAT" in indicators:
        for name, parts in derived.get("categories", {}).items():
            category = cin_category(name, create=create)
            if category is not None:
                contents.append(content(indicators["CPP-CAT"], parts, category))
    return contents


class StatutoryReturnImport(ImportHandler):
    """A return, read by its `derive` function: (batch, the file's bytes, collection year)."""

    def __init__(self, derive: Callable[[ImportBatch, bytes, int], Derived]) -> None:
        self.derive = derive

    def check_upload(self, *, authority: Area | None, collection_year: int | None) -> None:
        if authority is None or not authority.is_authority:
            raise ValidationError("Choose the authority whose return this is.")
        if collection_year is None:
            raise ValidationError("Give the collection year: 2025 for the year to 31 March 2025.")

    def validate(self, batch: ImportBatch) -> Preview:
        """Derive the year's aggregates, keep them, then delete the file: it holds
        child-level data, which is not kept (DESIGN.md, Privacy)."""
        if batch.collection_year is None:
            raise ValidationError("A return needs its collection year.")
        derived = self.derive(batch, batch_file_read(batch), batch.collection_year)
        batch.derived = {"figures": derived.figures, "categories": derived.categories}
        batch.file.delete(save=False)
        new, changed, unchanged = figure_services.figures_compare(
            return_contents(batch, create=False)
        )
        # Categories of abuse not yet known are created on commit, with their figures.
        if Indicator.objects.filter(code="CPP-CAT").exists():
            new += sum(1 for name in derived.categories if cin_category(name, create=False) is None)
        return Preview(
            findings=derived.findings,
            rows_read=derived.rows,
            new=new,
            changed=changed,
            unchanged=unchanged,
        )

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_figures_write(user=user, batch=batch, contents=return_contents(batch, create=True))

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_figures_restore(user=user, batch=batch)


CIN = StatutoryReturnImport(cin_derive)
SSDA903 = StatutoryReturnImport(ssda903_derive)
