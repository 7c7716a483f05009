"""Statutory returns: the CIN census (`ImportKind.CIN`) and the SSDA903 return
(`ImportKind.SSDA903`), one authority's for one collection year.

Validating derives the year's aggregates with the pure derivations (`derive_cin`,
`derive_903`, `ssda903_xml`) and runs the year's DfE validation rules over the same tables
(`statutory_rules`), keeping on the batch the aggregates and the count of failing rows per rule:
nothing child-level. Committing writes the authority's figures for the year from the kept
aggregates; categories of abuse are shared breakdown categories, created on commit when missing.

Privacy (DESIGN.md, derive then discard): the file holds child-level data. It is deleted as
soon as it has been read unless a DfE rule failed: then it is kept while the batch is in
review, so that the people who fix the data can download the failures (`returns.rule_reports`,
built from the file on request and never stored), and deleted when the batch is committed or
rejected, or by the housekeeping once IMPORT_RETURN_FILE_DAYS have passed
(`services.return_files_expire`), whichever comes first.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from indicators import services as figure_services
from indicators.models import (
    Area,
    BreakdownCategory,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Nation,
    Period,
    PeriodKind,
)
from indicators.services.figure_quality import QualityRecord, figure_qualities_record

from .. import derive_903, derive_cin, ssda903_xml
from ..findings import Finding
from ..limits import ImportLimits, import_limits, unpacked_refusal
from ..models import ImportBatch
from ..text_streams import utf8_lines
from ..zip_files import directory_refusal, directory_size
from .base import ImportHandler, Preview, batch_file_open, batch_note
from .batch_figures import batch_figures_restore, batch_figures_write
from .statutory_rules import (
    RulesChecked,
    figure_qualities_of,
    is_last_years,
    return_name,
    rule_counts_of,
    rules_check,
)

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

CATEGORY_OF_ABUSE = "category of abuse"


def as_json(figure: derive_cin.DerivedFigure) -> list[str | int | None]:
    return [str(figure.value), figure.numerator, figure.denominator]


@dataclass(frozen=True)
class Derived:
    """A return's aggregates, as kept on its batch: JSON-safe, and nothing child-level."""

    figures: dict[str, list[Any]]
    categories: dict[str, list[Any]]
    findings: list[Finding]
    rows: int
    not_listed: int = 0  # errors beyond the findings kept
    # What the review says was read (`read_903`, `read_cin`): counts only.
    read: dict[str, int] = field(default_factory=dict)
    # The children each figure counts, for its data quality: in memory only, never kept.
    counted: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)


def read_903(result: derive_903.Derived903) -> dict[str, int]:
    """What was read of an SSDA903 return: the data rows of all its tables (a child's header,
    episodes, reviews... each a row), how many tables, and the children with episodes."""
    return {
        "rows": sum(result.rows.values()),
        "tables": len(result.rows),
        "children": result.children,
    }


def read_cin(result: derive_cin.CinResult) -> dict[str, int]:
    """What was read of a CIN census: its children (the census is a child's record, not rows)."""
    return {"children": result.counts.children}


def cin_derive(batch: ImportBatch, source: IO[bytes], year: int) -> Derived:
    result = derive_cin.derive_cin(
        source, collection_year=year, population=batch.population, limits=import_limits()
    )
    return Derived(
        figures={code: as_json(figure) for code, figure in result.figures.items()},
        categories={name: as_json(f) for name, f in result.category_of_abuse.items()},
        findings=result.findings,
        rows=result.counts.children,
        not_listed=result.not_listed,
        read=read_cin(result),
        counted=dict(result.counted),
    )


class ZipTable:
    """One CSV table of a return's ZIP, read row by row each time it is iterated: the member
    is decoded a chunk at a time and no more than a line is held (`derive_903` keeps the rows
    it needs and stops at its limit)."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits):
        self.archive, self.info, self.limits = archive, info, limits

    def __iter__(self) -> Iterator[Sequence[str]]:
        with self.archive.open(self.info) as handle:
            yield from csv.reader(utf8_lines(handle, max_line=self.limits.line_chars))


def zip_tables(
    archive: zipfile.ZipFile, limits: ImportLimits
) -> tuple[dict[str, ZipTable], list[Finding]]:
    """The CSV tables of an SSDA903 return sent as one ZIP file, to be streamed. Last year's
    tables beside them (`statutory_rules.is_last_years`) are for the rules only."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if sum(info.file_size for info in members) > limits.unpacked_bytes:
        return {}, [Finding(1, "", unpacked_refusal(limits.unpacked_bytes))]
    return {
        info.filename.rsplit("/", 1)[-1]: ZipTable(archive, info, limits)
        for info in members
        if not is_last_years(info.filename)
    }, []


NOT_A_RETURN = "This is not a ZIP file of the return's CSV tables, nor its XML file."


def ssda903_derive(batch: ImportBatch, source: IO[bytes], year: int) -> Derived:
    """An SSDA903 return, as its XML file or a ZIP of its CSV tables, streamed from `source`
    (a seekable binary file) and held to the import limits."""
    limits = import_limits()
    head = source.read(4096)
    source.seek(0)
    if ssda903_xml.looks_like_xml(head):  # the return as one XML file
        result = ssda903_xml.derive_903_xml(source, year, batch.population, limits)
    else:
        if directory_size(source) > limits.zip_directory_bytes:
            return Derived(
                {}, {}, [Finding(1, "", directory_refusal(limits.zip_directory_bytes))], 0
            )
        try:
            archive = zipfile.ZipFile(source)
        except zipfile.BadZipFile:
            return Derived({}, {}, [Finding(1, "", NOT_A_RETURN)], 0)
        with archive:
            tables, findings = zip_tables(archive, limits)
            if not tables:
                return Derived({}, {}, findings, 0)
            result = derive_903.derive_903(tables, year, batch.population, limits)
    figures = {
        code: [str(round(Decimal(str(f.value)), 4)), f.numerator, f.denominator]
        for code, f in result.figures.items()
        if f.value is not None
    }
    read = read_903(result)
    counted = {code: result.counted[code] for code in figures if code in result.counted}
    return Derived(figures, {}, result.findings, read["rows"], result.not_listed, read, counted)


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


def qualities_record(
    user: User | SystemActor, batch: ImportBatch, contents: Sequence[figure_services.FigureContent]
) -> None:
    """Keep each committed figure's data quality as validation worked it out, for the version
    the commit left (a figure the commit left unchanged keeps its version, and its quality is
    that of this return, which gave the same value)."""
    kept = (batch.derived or {}).get("quality") or {}
    overall = [c for c in contents if c.breakdown is None and c.indicator.code in kept]
    if not overall:
        return
    ids = dict(
        Figure.objects.filter(
            area=overall[0].area,
            period=overall[0].period,
            breakdown__isnull=True,
            indicator__code__in=[c.indicator.code for c in overall],
        ).values_list("indicator__code", "pk")
    )
    records = [
        QualityRecord(ids[code], q["counted"], q["affected"], q["rules"])
        for code, q in kept.items()
        if code in ids
    ]
    figure_qualities_record(user=user, rule_set=batch.rule_set, records=records)


def return_file_delete(batch: ImportBatch) -> None:
    """Forget the batch's file, and delete it once this transaction has committed (if it is
    undone, the file is still there). The caller saves the batch."""
    if batch.file.name:
        kept, batch.file = batch.file.name, ""
        transaction.on_commit(partial(batch.file.storage.delete, kept))


class StatutoryReturnImport(ImportHandler):
    """A return, read by its `derive` function: (batch, its file opened, collection year)."""

    def __init__(self, derive: Callable[[ImportBatch, IO[bytes], int], Derived]) -> None:
        self.derive = derive

    def check_upload(self, *, authority: Area | None, collection_year: int | None) -> None:
        if authority is None or not authority.is_authority:
            raise ValidationError("Choose the authority whose return this is.")
        if authority.nation != Nation.ENGLAND:
            # The CIN census and SSDA903 are the DfE's collections: every measure derived from
            # them applies in England only (issue 17), so a Welsh authority has no such return.
            raise ValidationError(
                f"This is a return to the DfE, whose measures apply in England only: "
                f"{authority.name} is in Wales, so it is not imported for it."
            )
        if collection_year is None:
            raise ValidationError("Give the collection year: 2025 for the year to 31 March 2025.")

    def validate(self, batch: ImportBatch) -> Preview:
        """Derive the year's aggregates and run the year's DfE rules, keeping both (counts
        only); delete the file unless a rule failed (see the module's docstring)."""
        if batch.collection_year is None:
            raise ValidationError("A return needs its collection year.")
        with batch_file_open(batch) as source:
            derived = self.derive(batch, source, batch.collection_year)
            checked = (
                rules_check(batch.kind, source, batch.collection_year, import_limits())
                if derived.rows
                else RulesChecked(None, [], [])
            )
        outcome = checked.outcome
        batch.derived = {
            "figures": derived.figures,
            "categories": derived.categories,
            "read": derived.read,
            # Which of last year's tables the rules compared with (names only), for the review.
            "last_year_tables": checked.last_year,
        }
        batch.rule_set = outcome.rule_set if outcome else ""
        batch.rule_counts = rule_counts_of(outcome) if outcome else None
        if outcome:
            # Counts only: the children behind them go with this call.
            batch.derived["quality"] = figure_qualities_of(
                return_name(batch.kind), derived.counted, outcome
            )
        if not outcome or not outcome.counts:
            # Nothing to report from the file: it goes once the derived figures are safely
            # committed (were the worker to die before then, the transaction is undone and
            # the file is still there to validate again, `batch_retry`).
            return_file_delete(batch)
        findings = [*derived.findings, *checked.findings]
        new, changed, unchanged = figure_services.figures_compare(
            return_contents(batch, create=False)
        )
        # Categories of abuse not yet known are created on commit, with their figures.
        if Indicator.objects.filter(code="CPP-CAT").exists():
            new += sum(1 for name in derived.categories if cin_category(name, create=False) is None)
        return Preview(
            findings=findings,
            rows_read=derived.rows,
            new=new,
            changed=changed,
            unchanged=unchanged,
            not_listed=derived.not_listed,
        )

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        contents = return_contents(batch, create=True)
        batch_figures_write(user=user, batch=batch, contents=contents)
        qualities_record(user, batch, contents)
        # A file kept for the error report goes with the commit: the review is over.
        return_file_delete(batch)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        batch_figures_restore(user=user, batch=batch)


CIN = StatutoryReturnImport(cin_derive)
SSDA903 = StatutoryReturnImport(ssda903_derive)
