"""A statutory return's DfE rule failures: per rule on the review page, and row by row in the
error report the people who fix the data take back to the case system (issue 19, docs/0028).

The review reads only the batch's counts (`ImportBatch.rule_counts`). The error report is
child-level: it is built on request by running the rules again over the uploaded file, while
the file is kept (in review), and goes to the person who asked; it is never written to the
database, the cache or a log. Once the file is deleted (commit, rejection, expiry) there is
no report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
from openpyxl import Workbook

from .dfe_rules.engine import CHILD, ROW, ReturnTables, RuleOutcome
from .kinds.base import batch_file_open
from .kinds.statutory_rules import (
    may_commit_with_rule_errors,
    return_tables,
    rule_error_rows,
    rules_of,
)
from .limits import import_limits
from .models import RETURN_KINDS, BatchStatus, ImportBatch, ImportKind

REPORT_COLUMNS = ("Rule", "Severity", "Message", "Table", "Row", "Child", "Fields")


@dataclass(frozen=True)
class RuleLine:
    """One rule that failed, as the review page lists it."""

    code: str
    severity: str
    message: str
    rows: int

    @property
    def severity_label(self) -> str:
        return "Error" if self.severity == "error" else "Warning"


def rule_lines(batch: ImportBatch) -> list[RuleLine]:
    """The rules that failed, most failing rows first (then by code)."""
    lines = [
        RuleLine(code, str(entry["severity"]), str(entry["message"]), int(entry["rows"]))
        for code, entry in (batch.rule_counts or {}).items()
    ]
    return sorted(lines, key=lambda line: (-line.rows, line.code))


def report_available(batch: ImportBatch) -> bool:
    """Whether the error report can be built: a statutory return in review (validated, not
    yet committed or rejected) whose rules failed and whose file is still kept."""
    return (
        batch.kind in RETURN_KINDS
        and batch.status == BatchStatus.READY
        and bool(batch.rule_counts)
        and bool(batch.file.name)
        and batch.file.storage.exists(batch.file.name or "")
    )


def _fields_text(frame: pl.DataFrame, fields: tuple[str, ...]) -> pl.Expr:
    """ "FIELD=value; FIELD=value" for the rule's fields the table has (empty cells shown
    empty). Fields are named as the DfE names them ("CINclosureDate"); a table's columns are
    upper case."""
    present = [name for name in fields if name.upper() in frame.columns]
    if not present:
        return pl.lit("")
    return pl.concat_str(
        [pl.format(f"{name}={{}}", pl.col(name.upper()).fill_null("")) for name in present],
        separator="; ",
    )


def report_rows(outcome: RuleOutcome, tables: ReturnTables) -> Iterator[list[str | int]]:
    """The failing rows, rule by rule (most failing first), each with the values of the
    rule's fields in that row of its table."""
    by_rows = sorted(outcome.counts, key=lambda code: (-outcome.counts[code], code))
    for code in by_rows:
        rule = outcome.rule(code)
        failed = outcome.failures.filter(pl.col("code") == code)
        for table_name in failed["table"].unique(maintain_order=True).to_list():
            rows = failed.filter(pl.col("table") == table_name).select("row", CHILD)
            table = tables.tables.get(table_name)
            if table is None:
                joined = rows.with_columns(pl.lit("").alias("fields"))
            else:
                values = table.select(ROW, _fields_text(table, rule.fields).alias("fields"))
                joined = rows.join(values, left_on="row", right_on=ROW, how="left")
            for row, child, fields in joined.sort("row").iter_rows():
                yield [
                    code,
                    rule.severity,
                    rule.message,
                    table_name,
                    row,
                    child or "",
                    fields or "",
                ]


def _outcome_of(batch: ImportBatch) -> tuple[RuleOutcome, ReturnTables] | None:
    """The rules run again over the batch's file, with the tables they read."""
    year = batch.collection_year
    if year is None:
        return None
    with batch_file_open(batch) as source:
        tables = return_tables(batch.kind, source, year, import_limits())
    if tables is None:
        return None
    return rules_of(batch.kind, year).run(tables), tables


def report_csv(batch: ImportBatch) -> bytes:
    """The error report as CSV (UTF-8 with a byte order mark, which Excel needs)."""
    found = _outcome_of(batch)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REPORT_COLUMNS)
    if found is not None:
        writer.writerows(_safe(row) for row in report_rows(*found))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(batch: ImportBatch) -> bytes:
    """The error report as an Excel workbook of one sheet."""
    found = _outcome_of(batch)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DfE rule failures")
    sheet.append(list(REPORT_COLUMNS))
    if found is not None:
        for row in report_rows(*found):
            sheet.append(_safe(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe(row: list[str | int]) -> list[str | int]:
    """A cell a spreadsheet would read as a formula is written as text (a value from an
    uploaded file must not run in the reader's spreadsheet)."""
    return [
        f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell
        for cell in row
    ]


@dataclass(frozen=True)
class RuleReview:
    """What the review page shows of a statutory return's DfE rules."""

    rule_set: str
    lines: list[RuleLine]
    error_rows: int
    may_accept: bool  # only rule errors: an admin may commit after confirming
    report: bool  # the error report can be downloaded
    file_deleted: bool  # rules failed, but the file (and so the report) is gone
    # For an SSDA903 return, last year's tables the upload held, which the rules that compare
    # with the previous return read (none: those rules found nothing); None for a census.
    last_year: list[str] | None


def rule_review(batch: ImportBatch) -> RuleReview | None:
    """The review of a batch's DfE rules; None for a batch no rule set checked."""
    if batch.kind not in RETURN_KINDS or not batch.rule_set:
        return None
    report = report_available(batch)
    return RuleReview(
        rule_set=batch.rule_set,
        lines=rule_lines(batch),
        error_rows=rule_error_rows(batch),
        may_accept=may_commit_with_rule_errors(batch),
        report=report,
        file_deleted=bool(batch.rule_counts) and not report,
        last_year=(
            list((batch.derived or {}).get("last_year_tables", []))
            if batch.kind == ImportKind.SSDA903
            else None
        ),
    )
