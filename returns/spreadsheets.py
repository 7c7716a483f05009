"""Spreadsheets of the app's own tables (figures, targets, indicators, areas): a pure reader.

No Django, no ORM. `read_table` turns the bytes of a CSV or XLSX file into a header and rows
of cells; `parse_figures` and `parse_targets` turn those rows into typed rows. Every problem
is a `Finding` a person can act on ("Row 12, column period: 'Sept 21' is not a period; ..."),
never an exception.

The reader is several modules, and this one gives all their names: `sheet_tables` reads a
CSV or XLSX file into a `Table` (`xlsx_reader` streams a workbook's sheet: openpyxl's
read-only mode reads the same XML about three times slower, building an element per cell;
docs/0010 has the figures), `sheet_cells` reads one cell as text, a number or a period,
`sheet_columns` knows each table's columns, and this module turns a table's rows into typed
rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from indicators import periods

from .findings import Finding, Severity
from .sheet_cells import (
    PERIOD_HINT,
    Cell,
    CellError,
    CellProblem,
    Table,
    as_number,
    as_period,
    as_text,
    as_yes_no,
    column_key,
    period_bounds,
    period_label,
)
from .sheet_columns import (
    AREA_COLUMNS,
    COLUMNS,
    EXPORT_ONLY,
    FIGURE_COLUMNS,
    FIGURE_EXPORT_ONLY,
    INDICATOR_COLUMNS,
    TARGET_COLUMNS,
    TARGET_EXPORT_ONLY,
    Column,
    check_columns,
)
from .sheet_tables import read_table

# The reader's names, for callers that know it as one module: reading a file (sheet_tables,
# xlsx_reader), its cells (sheet_cells), its columns (sheet_columns), its rows (here).
__all__ = [
    "AREA_COLUMNS",
    "COLUMNS",
    "EXPORT_ONLY",
    "FIGURE_COLUMNS",
    "FIGURE_EXPORT_ONLY",
    "INDICATOR_COLUMNS",
    "PERIOD_HINT",
    "TARGET_COLUMNS",
    "TARGET_EXPORT_ONLY",
    "Cell",
    "CellError",
    "CellProblem",
    "Column",
    "FigureRow",
    "Parsed",
    "Table",
    "TargetRow",
    "as_financial_year",
    "as_number",
    "as_period",
    "as_text",
    "as_yes_no",
    "check_columns",
    "column_key",
    "figure_rows_dump",
    "figure_rows_load",
    "parse_figures",
    "parse_targets",
    "period_bounds",
    "period_label",
    "plain_rows",
    "read_table",
]


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    """One row of a figures spreadsheet, typed but not yet matched to the catalogue."""

    row: int
    authority: str
    indicator: str
    period_kind: str
    period_start: date
    dimension: str
    category: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    suppression: str
    provisional: bool | None  # None: the file has no provisional column
    commentary: str | None  # None: keep the commentary held (no column, or an empty cell)

    @property
    def key(self) -> tuple[str, str, str, date, str, str]:
        return (
            self.authority.lower(),
            self.indicator.lower(),
            self.period_kind,
            self.period_start,
            self.dimension.lower(),
            self.category.lower(),
        )


@dataclass
class Parsed:
    rows: list[Any]
    findings: list[Finding]

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings)


class _Row:
    """The cells of one data row, by column name, collecting the problems found in it."""

    def __init__(
        self,
        number: int,
        cells: list[Cell],
        positions: dict[str, int],
        findings: list[Finding],
        memo: dict[tuple[Any, type, Cell], Any] | None = None,
    ) -> None:
        self.number, self.cells, self.positions, self.findings = number, cells, positions, findings
        self.ok = True
        # Readers are pure, and a sheet repeats its codes and periods on every row: what a
        # reader made of a cell is kept for the rest of the file (keyed by type too, since
        # True == Decimal(1)).
        self.memo = memo if memo is not None else {}

    def cell(self, name: str) -> Cell:
        index = self.positions.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def has(self, name: str) -> bool:
        return name in self.positions

    def problem(self, column: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self.findings.append(Finding(self.number, column, _sentence(message), severity))
        if severity == Severity.ERROR:
            self.ok = False

    def get(self, name: str, reader: Any, default: Any = None) -> Any:
        cell = self.cell(name)
        key = (reader, type(cell), cell)
        try:
            result = self.memo[key]
        except KeyError:
            try:
                result = reader(cell)
            except CellProblem as wrong:
                result = wrong
            self.memo[key] = result
        if isinstance(result, CellProblem):
            self.problem(name, str(result))
            return default
        return result

    def required(self, name: str, what: str) -> str:
        before = len(self.findings)
        value: str = self.get(name, as_text, "")
        if not value and len(self.findings) == before:
            self.problem(name, f"the {what} is empty")
        return value


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else f"{message}."


def _readable_columns(table: Table, table_name: str) -> dict[str, int] | None:
    """Where each of the table's columns is, or None when the file cannot be read as that
    table (its findings then say why)."""
    if table.has_errors:
        return None
    positions = check_columns(table, table_name)
    return None if table.has_errors else positions


def _data_rows(table: Table, positions: dict[str, int]) -> Iterator[_Row]:
    """Each data row, its problems going to the table's findings; what a cell reads as is
    worked out once for each distinct cell (most cells repeat)."""
    memo: dict[tuple[Any, type, Cell], Any] = {}
    for number, cells in table.rows:
        yield _Row(number, cells, positions, table.findings, memo)


def _first_of_its_key(
    row: _Row, key: tuple[Any, ...], seen: dict[tuple[Any, ...], int], noun: str, what: str
) -> bool:
    """Whether this is the first row for `key`; a later one is a problem naming the first."""
    if key in seen:
        row.problem(
            "", f"This row is for the same {noun} as row {seen[key]} ({what}): keep one of them"
        )
        return False
    seen[key] = row.number
    return True


def parse_figures(table: Table, today: date) -> Parsed:
    """Typed figure rows and what is wrong with each row. Checks here need nothing but the
    file: the catalogue, areas and stored figures are matched by the import service."""
    findings = table.findings
    positions = _readable_columns(table, "figures")
    if positions is None:
        return Parsed([], findings)
    rows: list[FigureRow] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row in _data_rows(table, positions):
        number = row.number
        authority = row.required("authority", "authority")
        indicator = row.required("indicator", "indicator code")
        kind_start = row.get("period", period_bounds)
        dimension, category = "", ""
        breakdown = row.get("breakdown", as_text, "")
        if breakdown:
            dimension, _sep, category = (part.strip() for part in breakdown.partition(":"))
            if not dimension or not category:
                row.problem(
                    "breakdown",
                    f"{breakdown!r} is not a category: write it as "
                    "dimension: name, such as locality: North",
                )
        value = row.get("value", as_number)
        numerator = row.get("numerator", as_number)
        denominator = row.get("denominator", as_number)
        suppression = row.get("suppression", as_text, "").lower()
        provisional = row.get("provisional", as_yes_no, False) if row.has("provisional") else None
        commentary = row.get("commentary", as_text, "") or None
        # What the numbers and the suppression code may be depends on the indicator: the
        # import service checks them with `indicators.value_rules`, as the entry form does.
        if kind_start is not None:
            kind, first, last = kind_start
            if last > today:
                row.problem(
                    "period",
                    f"{periods.label(kind, first, last)} has not ended yet: its "
                    f"figures can be imported from {last + timedelta(days=1):%-d %B %Y}",
                )
        if not row.ok or kind_start is None:
            continue
        figure = FigureRow(
            number,
            authority,
            indicator,
            kind_start[0],
            kind_start[1],
            dimension,
            category,
            value,
            numerator,
            denominator,
            suppression,
            provisional,
            commentary,
        )
        if _first_of_its_key(
            row, figure.key, seen, "figure", "authority, indicator, period and breakdown"
        ):
            rows.append(figure)
    return Parsed(rows, findings)


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    row: int
    authority: str
    indicator: str
    year_start: date
    lower: Decimal | None
    upper: Decimal | None
    tolerance: Decimal

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.authority.lower(), self.indicator.lower(), self.year_start)


def as_financial_year(cell: Cell) -> date:
    kind, start = as_period(cell)
    if kind != periods.FINANCIAL_YEAR:
        raise CellProblem(f"{as_text(cell)!r} is not a financial year; write 2021/22 or fy-2021-22")
    return start


def parse_targets(table: Table) -> Parsed:
    findings = table.findings
    positions = _readable_columns(table, "targets")
    if positions is None:
        return Parsed([], findings)
    rows: list[TargetRow] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row in _data_rows(table, positions):
        number = row.number
        authority = row.required("authority", "authority")
        indicator = row.required("indicator", "indicator code")
        year = row.get("financial_year", as_financial_year)
        lower = row.get("lower", as_number)
        upper = row.get("upper", as_number)
        tolerance = row.get("amber_tolerance", as_number)
        if row.ok and lower is None and upper is None:
            row.problem("lower", "a target needs a lower bound, an upper bound, or both")
        if lower is not None and upper is not None and lower > upper:
            row.problem("upper", f"the lower bound {lower} is above the upper bound {upper}")
        if tolerance is not None and tolerance < 0:
            row.problem("amber_tolerance", "the amber tolerance cannot be negative")
        if not row.ok or year is None:
            continue
        target = TargetRow(
            number, authority, indicator, year, lower, upper, tolerance or Decimal(0)
        )
        if _first_of_its_key(row, target.key, seen, "target", "authority, indicator and year"):
            rows.append(target)
    return Parsed(rows, findings)


# --- indicators and areas: rows for the import resources ---------------------------------------


def plain_rows(
    table: Table, table_name: str
) -> tuple[list[str], list[tuple[int, list[str]]], list[Finding]]:
    """The known columns of an indicators or areas file as text, for a django-import-export
    resource: (header, [(row number, cells)], findings)."""
    findings = table.findings
    positions = _readable_columns(table, table_name)
    if positions is None:
        return [], [], findings
    header = [column.name for column in COLUMNS[table_name] if column.name in positions]
    rows: list[tuple[int, list[str]]] = []
    key = header[0]
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        row = _Row(number, cells, positions, findings)
        values = [row.get(name, as_text, "") for name in header]
        if not row.ok:
            continue
        if not values[0]:
            row.problem(key, f"the {key} is empty")
            continue
        if values[0].lower() in seen:
            row.problem(key, f"{values[0]!r} is also on row {seen[values[0].lower()]}: keep one")
            continue
        seen[values[0].lower()] = number
        rows.append((number, values))
    return header, rows, findings


# --- the rows read at validation, kept for the commit ----------------------------------------


def figure_rows_dump(rows: Sequence[FigureRow], sha256: str) -> bytes:
    """Typed rows as compact JSON, so that a commit need not read the workbook again."""
    encoded = [
        [
            r.row,
            r.authority,
            r.indicator,
            r.period_kind,
            r.period_start.isoformat(),
            r.dimension,
            r.category,
            *(None if v is None else str(v) for v in (r.value, r.numerator, r.denominator)),
            r.suppression,
            r.provisional,
            r.commentary,
        ]
        for r in rows
    ]
    return json.dumps({"sha256": sha256, "rows": encoded}, separators=(",", ":")).encode()


def figure_rows_load(raw: bytes, sha256: str) -> list[FigureRow] | None:
    """The rows `figure_rows_dump` kept, or None if they are not those of this file."""
    try:
        kept = json.loads(raw)
        if kept.get("sha256") != sha256:
            return None
        return [
            FigureRow(
                row,
                authority,
                indicator,
                kind,
                date.fromisoformat(start),
                dimension,
                category,
                _decimal_or_none(value),
                _decimal_or_none(numerator),
                _decimal_or_none(denominator),
                suppression,
                provisional,
                commentary,
            )
            for (
                row,
                authority,
                indicator,
                kind,
                start,
                dimension,
                category,
                value,
                numerator,
                denominator,
                suppression,
                provisional,
                commentary,
            ) in kept["rows"]
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
