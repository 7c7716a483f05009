"""Spreadsheets of the app's own tables (figures, targets, indicators, areas): a pure reader.

No Django, no ORM. `read_table` turns the bytes of a CSV or XLSX file into a header and rows
of cells; `parse_figures` and `parse_targets` turn those rows into typed rows. Every problem
is a `Finding` a person can act on ("Row 12, column period: 'Sept 21' is not a period; ..."),
never an exception.

XLSX files are streamed: the chosen worksheet's XML is parsed with expat straight from the
ZIP, one row at a time, and reading stops once 1,000 rows in a row are empty, so a sheet that
Excel has formatted down to row 1,048,576 costs nothing. (openpyxl's read-only mode reads the
same XML about three times slower, building an element per cell; docs/0010 has the figures.)
Cached results of formulae are read as values; a DOCTYPE in any part is refused.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from xml.parsers import expat

from indicators import periods, value_rules

from .findings import Finding, Severity

# --- cells and tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """A cell that shows an error (#DIV/0!, #N/A, ...) or a formula with no saved result."""

    text: str


Cell = str | Decimal | bool | date | CellError | None

# Reading stops after this many empty rows in a row: what follows is formatting, not data.
BLANK_RUN = 1000
# More data rows than this are refused (the upload size limit applies first).
MAX_ROWS = 1_000_000
# A ZIP that unpacks beyond this is refused before any of it is read.
UNPACKED_LIMIT = 1024 * 1024 * 1024


@dataclass
class Table:
    """What a file holds: its header (as normalised column names) and its data rows, each with
    its row number in the file (the header is row 1), and what reading it found wrong."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    file_format: str = ""

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings)


def column_key(name: object) -> str:
    """A header cell as a column name: 'Financial year ' and 'financial-year' are both
    'financial_year'."""
    text = "" if name is None else str(name)
    return re.sub(r"[\s\-]+", "_", text.strip().lower()).strip("_")


def read_table(raw: bytes, file_name: str, sheet_name: str = "") -> Table:
    """The header and rows of a CSV or XLSX file. An XLSX file's sheet called `sheet_name` is
    read if there is one, otherwise its first sheet. Never raises on bad input."""
    table = Table()
    kind = _sniff(raw, file_name)
    if kind in ("xls", "utf16", "binary", "zip"):
        table.findings.append(Finding(1, "", _NOT_READABLE[kind].format(name=file_name)))
        return table
    table.file_format = kind
    if kind == "xlsx":
        rows = _xlsx_rows(raw, sheet_name, table.findings)
    else:
        rows = _csv_rows(raw, file_name, table.findings)
    _fill(table, rows)
    return table


_NOT_READABLE = {
    "xls": "{name} is an Excel 97-2003 workbook (.xls), which cannot be read: in Excel, "
    "choose File, Save As, and save it as an Excel Workbook (.xlsx) or as CSV UTF-8.",
    "utf16": "{name} was saved as Unicode Text (UTF-16): in Excel, choose File, Save As, and "
    "save it as CSV UTF-8 (comma delimited) or as an Excel Workbook (.xlsx).",
    "binary": "{name} is not a spreadsheet: upload an Excel Workbook (.xlsx) or a CSV file.",
    "zip": "{name} is a ZIP file but not an Excel workbook: upload an Excel Workbook (.xlsx) "
    "or a CSV file.",
}


def _sniff(raw: bytes, file_name: str) -> str:
    if raw.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
        except zipfile.BadZipFile:
            return "binary"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if b"\x00" in raw[:4096] or raw.startswith(b"%PDF"):
        return "binary"
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return "binary"  # named as a workbook, but not one
    return "csv"


def _fill(table: Table, rows: Iterable[tuple[int, list[Cell]]]) -> None:
    """Take the first non-empty row as the header, the rest as data, skipping empty rows and
    comment rows (a first cell beginning with '#', as the templates' example rows do)."""
    header_row = 0
    for number, cells in rows:
        if not any(_filled(cell) for cell in cells):
            continue
        if not table.header:
            header_row = number
            table.header = [column_key(cell) for cell in cells]
            while table.header and not table.header[-1]:
                table.header.pop()
            continue
        first = cells[0] if cells else None
        if isinstance(first, str) and first.lstrip().startswith("#"):
            continue
        if len(table.rows) >= MAX_ROWS:
            table.findings.append(
                Finding(
                    number,
                    "",
                    f"The file has more than {MAX_ROWS:,} rows of data: split it into smaller "
                    "files.",
                )
            )
            return
        table.rows.append((number, cells))
    if not table.header:
        table.findings.append(Finding(1, "", "The file is empty: it has no header row."))
    elif not table.rows:
        table.findings.append(
            Finding(header_row, "", "The file has a header but no rows of data under it.")
        )


def _filled(cell: Cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


# --- CSV ---------------------------------------------------------------------------------------


def _csv_rows(
    raw: bytes, file_name: str, findings: list[Finding]
) -> Iterator[tuple[int, list[Cell]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as wrong:
        line = raw[: wrong.start].count(b"\n") + 1
        findings.append(
            Finding(
                line,
                "",
                f"{file_name} is not UTF-8 text (the first character that is not, on line "
                f"{line}, is byte 0x{raw[wrong.start]:02x}): in Excel, choose File, Save As, "
                "and save it as CSV UTF-8 (comma delimited).",
            )
        )
        return
    first_line = text.split("\n", 1)[0]
    if "," not in first_line and (";" in first_line or "\t" in first_line):
        separator = "semicolons" if ";" in first_line else "tabs"
        findings.append(
            Finding(
                1,
                "",
                f"The columns of {file_name} are separated by {separator}, not commas: save it "
                "as CSV UTF-8 (comma delimited), or upload the Excel workbook itself.",
            )
        )
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield reader.line_num, list(cells)
    except csv.Error as wrong:
        findings.append(Finding(reader.line_num, "", f"The CSV file cannot be read: {wrong}."))


# --- XLSX --------------------------------------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_STRINGS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
# Excel's built-in number formats that show a date or a percentage.
_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_PERCENT_FORMATS = {9, 10}
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


class _Refused(Exception):
    pass


class _Stop(Exception):
    pass


def _refuse_doctype(*_args: object) -> None:
    raise _Refused("The workbook contains a DOCTYPE declaration, which is refused.")


def _parser() -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    return parser


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _parse_part(
    archive: zipfile.ZipFile, name: str, start: Any, end: Any = None, text: Any = None
) -> None:
    parser = _parser()
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    with archive.open(name) as handle:
        parser.ParseFile(handle)


def _part_path(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


@dataclass
class _Workbook:
    sheets: list[tuple[str, str]]  # (name, path of its XML in the ZIP), in workbook order
    shared_strings: list[str]
    date_styles: set[int]
    percent_styles: set[int]
    epoch: datetime


def _workbook(archive: zipfile.ZipFile) -> _Workbook:
    relations: dict[str, tuple[str, str]] = {}

    def relation(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            relations[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    _parse_part(archive, "xl/_rels/workbook.xml.rels", relation)
    sheets: list[tuple[str, str]] = []
    date1904 = False

    def sheet(name: str, attrs: dict[str, str]) -> None:
        nonlocal date1904
        local = _local(name)
        if local == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id" and " " in k), "")
            if rid in relations:
                sheets.append((attrs.get("name", ""), _part_path(relations[rid][1])))
        elif local == "workbookPr":
            date1904 = attrs.get("date1904", "0") in ("1", "true")

    _parse_part(archive, "xl/workbook.xml", sheet)
    strings: list[str] = []
    styles: tuple[set[int], set[int]] = (set(), set())
    for kind, target in relations.values():
        path = _part_path(target)
        if path not in archive.namelist():
            continue
        if kind == _SHARED_STRINGS:
            strings = _shared_strings(archive, path)
        elif kind == _STYLES:
            styles = _styles(archive, path)
    return _Workbook(
        sheets, strings, styles[0], styles[1], _EPOCH_1904 if date1904 else _EPOCH_1900
    )


def _shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "in_phonetic": False}

    def start(name: str, _attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            parts.clear()
        elif local == "rPh":
            state["in_phonetic"] = True
        elif local == "t" and not state["in_phonetic"]:
            state["in_t"] = True

    def end(name: str) -> None:
        local = _local(name)
        if local == "si":
            strings.append("".join(parts))
        elif local == "rPh":
            state["in_phonetic"] = False
        elif local == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)

    _parse_part(archive, path, start, end, text)
    return strings


def _styles(archive: zipfile.ZipFile, path: str) -> tuple[set[int], set[int]]:
    """The indexes of cell styles whose number format shows a date, and a percentage."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_cell_xfs
        local = _local(name)
        if local == "numFmt":
            custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            in_cell_xfs = True
        elif local == "xf" and in_cell_xfs:
            formats.append(int(attrs.get("numFmtId", "0")))

    def end(name: str) -> None:
        nonlocal in_cell_xfs
        if _local(name) == "cellXfs":
            in_cell_xfs = False

    _parse_part(archive, path, start, end)
    dates, percents = set(), set()
    for index, number in enumerate(formats):
        code = custom.get(number, "")
        if number in _DATE_FORMATS or (code and _is_date_format(code)):
            dates.add(index)
        elif number in _PERCENT_FORMATS or "%" in _unquoted(code):
            percents.add(index)
    return dates, percents


def _unquoted(code: str) -> str:
    return re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)


def _is_date_format(code: str) -> bool:
    return bool(re.search(r"[dmyhs]", _unquoted(code).lower()))


_COLUMNS: dict[str, int] = {}


def _column_index(reference: str) -> int:
    """The 0-based column of a cell reference such as B12 (memoised by its letters)."""
    letters = reference.rstrip("0123456789")
    try:
        return _COLUMNS[letters]
    except KeyError:
        pass
    index = 0
    for char in letters:
        index = index * 26 + (ord(char.upper()) - 64)
    if len(_COLUMNS) < 20_000:
        _COLUMNS[letters] = index - 1
    return index - 1


def _xlsx_rows(
    raw: bytes, sheet_name: str, findings: list[Finding]
) -> Iterator[tuple[int, list[Cell]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        if sum(info.file_size for info in archive.infolist()) > UNPACKED_LIMIT:
            raise _Refused("The workbook unpacks to more than 1 GB: it is refused.")
        book = _workbook(archive)
    except _Refused as refused:
        findings.append(Finding(1, "", str(refused)))
        return
    except (zipfile.BadZipFile, KeyError, ValueError, expat.ExpatError) as wrong:
        findings.append(
            Finding(
                1, "", f"The workbook cannot be read ({wrong}): save it again from Excel as .xlsx."
            )
        )
        return
    if not book.sheets:
        findings.append(Finding(1, "", "The workbook has no sheets."))
        return
    chosen = next((s for s in book.sheets if column_key(s[0]) == sheet_name), book.sheets[0])
    if chosen[1] not in archive.namelist():
        findings.append(Finding(1, "", f"The workbook's sheet {chosen[0]!r} is missing."))
        return
    yield from _sheet_rows(archive, chosen[1], book, findings)


def _sheet_rows(
    archive: zipfile.ZipFile, path: str, book: _Workbook, findings: list[Finding]
) -> Iterator[tuple[int, list[Cell]]]:
    """Stream the rows of one worksheet; stop after BLANK_RUN empty rows in a row.

    The handlers run once per element of every cell, so they keep their state in closure
    variables, compare names (with the sheet's namespace prefix, if it has one) directly and
    turn the commonest cells (numbers, shared and inline text) into values inline."""
    done: list[tuple[int, list[Cell]]] = []
    row_number = last_data = column = next_column = 0
    cells: list[Cell] = []
    kind = style = ""
    value_text: str | None = None
    formula = False
    parts: list[str] = []
    collecting = False
    with archive.open(path) as handle:
        head = handle.read(4096).decode("utf-8", "replace")
    found = re.search(r"<(\w+:)?worksheet\b", head)
    prefix = (found.group(1) or "") if found else ""
    C, V, T, ROW, F = (prefix + local for local in ("c", "v", "t", "row", "f"))
    strings = book.shared_strings
    special_styles = {str(i) for i in book.date_styles | book.percent_styles}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row_number, cells, next_column, column, kind, style, value_text, formula
        nonlocal collecting
        if name == C:
            reference = attrs.get("r")
            column = _column_index(reference) if reference else next_column
            kind = attrs.get("t", "n")
            style = attrs.get("s", "")
            value_text, formula = None, False
        elif name in (V, T):
            parts.clear()
            collecting = True
        elif name == ROW:
            number = int(attrs.get("r", row_number + 1))
            if number - last_data > BLANK_RUN:
                raise _Stop(number)
            row_number, cells, next_column = number, [], 0
        elif name == F:
            formula = True

    def end(name: str) -> None:
        nonlocal value_text, next_column, last_data, collecting
        if name == V:
            value_text = "".join(parts)
            collecting = False
        elif name == C:
            value: Cell
            if formula or value_text is None or style in special_styles:
                value = _cell_value(kind, value_text, int(style or 0), formula, book)
            elif kind == "n":
                try:
                    value = Decimal(value_text)
                except InvalidOperation:
                    value = value_text
            elif kind == "s":
                try:
                    value = strings[int(value_text)]
                except (ValueError, IndexError):
                    value = CellError("the cell refers to text the workbook does not hold")
            elif kind in ("inlineStr", "str"):
                value = value_text
            else:
                value = _cell_value(kind, value_text, 0, formula, book)
            while len(cells) < column:
                cells.append(None)
            cells.append(value)
            next_column = column + 1
            if value is not None and value != "":
                last_data = row_number
        elif name == T:
            value_text = (value_text or "") + "".join(parts)
            collecting = False
        elif name == ROW:
            done.append((row_number, cells))

    def text(data: str) -> None:
        if collecting:
            parts.append(data)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with archive.open(path) as handle:
            while chunk := handle.read(1 << 20):
                parser.Parse(chunk, False)
                yield from done
                done.clear()
            parser.Parse(b"", True)
    except _Stop as stop:
        yield from done
        findings.append(
            Finding(
                int(stop.args[0]),
                "",
                f"The sheet is empty from row {last_data + 1:,} for at least {BLANK_RUN:,} "
                "rows, so reading stopped there: anything further down was not read.",
                Severity.WARNING,
            )
        )
        return
    except _Refused as refused:
        findings.append(Finding(1, "", str(refused)))
        return
    except expat.ExpatError as wrong:
        findings.append(Finding(row_number or 1, "", f"The sheet cannot be read ({wrong})."))
        return
    yield from done


def _cell_value(kind: str, text: str | None, style: int, formula: bool, book: _Workbook) -> Cell:
    if formula and not text:
        return CellError(
            "the cell holds a formula with no saved result: open the file in Excel and save it "
            "again"
        )
    if text is None:
        return None
    if kind == "s":
        try:
            return book.shared_strings[int(text)]
        except (ValueError, IndexError):
            return CellError("the cell refers to text the workbook does not hold")
    if kind in ("inlineStr", "str"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return CellError(f"the cell shows the error {text}: correct it, or leave the cell empty")
    if kind == "d":
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if style in book.date_styles:
        moment = book.epoch + timedelta(days=float(number))
        return moment.date() if moment.time() == datetime.min.time() else moment
    if style in book.percent_styles:
        # Excel stores 87% as 0.87: the figure is 87.
        return (number * 100).normalize()
    return number


# --- columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    what: str  # what to write, for the guidance sheet and messages
    example: str


FIGURE_COLUMNS = (
    Column(
        "authority",
        True,
        "The authority's DfE number (865), ONS code (E06000054) or its "
        "short name in this system's addresses (wiltshire).",
        "865",
    ),
    Column("indicator", True, "The indicator's code in the catalogue.", "ASMT-45"),
    Column(
        "period",
        True,
        "A month (2021-09), quarter (fy-2021-22-q2), financial year "
        "(fy-2021-22 or 2021/22), academic year (ay-2021-22) or date (at-2022-03-31). "
        "The period must have ended.",
        "2021-09",
    ),
    Column(
        "breakdown",
        False,
        "Empty for the whole authority, or a category as "
        "dimension: name (locality: North). The category must exist.",
        "",
    ),
    Column(
        "value",
        False,
        "The figure. Leave it empty for a ratio given by its numerator "
        "and denominator: it is then worked out as data entry does.",
        "",
    ),
    Column("numerator", False, "For a percentage, rate or average: the count on top.", "87"),
    Column("denominator", False, "For a percentage, rate or average: the count below.", "100"),
    Column("suppression", False, "Instead of a value: c, k, x, z, u or low.", ""),
    Column("provisional", False, "yes if the figure may still change; empty or no if not.", "no"),
    Column(
        "commentary",
        False,
        "What the figure shows. Leave empty to keep the commentary already held.",
        "",
    ),
)
# Columns an export adds for people to read; importing ignores them.
FIGURE_EXPORT_ONLY = ("indicator_title", "status", "revised", "source")

TARGET_COLUMNS = (
    Column("authority", True, "The authority's DfE number, ONS code or short name.", "865"),
    Column("indicator", True, "The indicator's code in the catalogue.", "ASMT-45"),
    Column("financial_year", True, "The year the target is for: 2021/22 or fy-2021-22.", "2021/22"),
    Column("lower", False, "The lowest value on target (empty for none).", "90"),
    Column(
        "upper",
        False,
        "The highest value on target (empty for none). For a single target "
        "such as 85%, give it as both lower and upper.",
        "95",
    ),
    Column(
        "amber_tolerance",
        False,
        "How far beyond the target, in the indicator's units, "
        "is amber rather than red. Empty means 0.",
        "2",
    ),
)
TARGET_EXPORT_ONLY = ("indicator_title",)

INDICATOR_COLUMNS = (
    Column("code", True, "A unique code, local, DfE or Welsh.", "ASMT-45"),
    Column("title", True, "The title shown on pages and in packs.", "% assessments within 45 days"),
    Column(
        "definition",
        True,
        "What is counted, in plain English.",
        "Assessments completed within 45 working days as a percentage of assessments completed.",
    ),
    Column("what_good_looks_like", False, "What good looks like.", "Higher is better."),
    Column("theme", True, "The theme's short name (slug).", "assessment"),
    Column(
        "unit", True, "percent, rate_10k, count, days, average, score, fte or currency.", "percent"
    ),
    Column("polarity", True, "higher, lower, band or none.", "higher"),
    Column("frequency", True, "monthly, quarterly or annual.", "monthly"),
    Column("measure_type", True, "snapshot, events, rolling_12 or ytd.", "events"),
    Column("decimals", True, "Decimal places shown, 0 to 4.", "1"),
    Column(
        "source",
        True,
        "cin_census, ssda903, workforce, local, audits, complaints, surveys, "
        "education, health, welsh or finance.",
        "local",
    ),
    Column("roll_up", True, "sum, ratio, latest or none.", "ratio"),
    Column(
        "breakdown_dimensions", False, "Dimensions it is entered by, e.g. locality,service.", ""
    ),
    Column("order", False, "Its place within its theme.", "1"),
)

AREA_COLUMNS = (
    Column("name", True, "The area's name.", "Wiltshire"),
    Column(
        "slug", True, "Its short name in addresses: lower case, digits and hyphens.", "wiltshire"
    ),
    Column("kind", True, "authority, region, nation or group.", "authority"),
    Column("nation", False, "england or wales. Empty means england.", "england"),
    Column("ons_code", False, "The nine-character ONS code.", "E06000054"),
    Column("dfe_number", False, "The three-digit DfE LA number (English authorities).", "865"),
    Column("region", False, "For an authority: its region's slug or ONS code.", "south-west"),
)

COLUMNS = {
    "figures": FIGURE_COLUMNS,
    "targets": TARGET_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "areas": AREA_COLUMNS,
}
EXPORT_ONLY = {"figures": FIGURE_EXPORT_ONLY, "targets": TARGET_EXPORT_ONLY}


def check_columns(table: Table, table_name: str) -> dict[str, int]:
    """Where each known column is in the header, adding a finding for each missing required
    column, each repeated column and each unknown one (with the name it was probably meant to
    be). A file of another kind is named as such."""
    columns = COLUMNS[table_name]
    known = [column.name for column in columns]
    ignored = EXPORT_ONLY.get(table_name, ())
    positions: dict[str, int] = {}
    for index, name in enumerate(table.header):
        if not name:
            continue
        if name in positions:
            table.findings.append(Finding(1, name, f"The column {name} appears twice: keep one."))
        elif name in known:
            positions[name] = index
        elif name not in ignored:
            close = difflib.get_close_matches(
                name, [k for k in known if k not in table.header], 1, 0.6
            )
            hint = f": did you mean {close[0]}?" if close else ", so it is ignored."
            table.findings.append(
                Finding(
                    1,
                    name,
                    f"The column {name} is not one this import reads{hint}",
                    Severity.ERROR if close else Severity.WARNING,
                )
            )
    missing = [
        column.name for column in columns if column.required and column.name not in positions
    ]
    if missing:
        other = _looks_like(table.header, table_name)
        hint = (
            f" It looks like a spreadsheet of {other}: choose that kind of import."
            if other
            else (f" The columns are: {', '.join(known)} (download the template to start from).")
        )
        table.findings.append(
            Finding(
                1,
                "",
                f"The file has no {_join(missing)} column{'s' if len(missing) > 1 else ''}.{hint}",
            )
        )
    if table_name == "figures" and not {"value", "numerator", "suppression"} & set(positions):
        table.findings.append(
            Finding(1, "", "The file needs a value column, or numerator and denominator columns.")
        )
    if table_name == "figures" and ("numerator" in positions) != ("denominator" in positions):
        table.findings.append(
            Finding(1, "", "Give both a numerator and a denominator column, or neither.")
        )
    return positions


def _looks_like(header: Sequence[str], table_name: str) -> str:
    for other, columns in COLUMNS.items():
        required = {column.name for column in columns if column.required}
        if other != table_name and required <= set(header):
            return other
    return ""


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# --- cells -----------------------------------------------------------------------------------


class CellProblem(ValueError):
    """What is wrong with one cell, in words that finish 'Row N, column X: ...'."""


def as_text(cell: Cell) -> str:
    """A cell as text: numbers as written (865, not 865.0), an exported formula escape undone."""
    if cell is None:
        return ""
    if isinstance(cell, CellError):
        raise CellProblem(cell.text)
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, Decimal):
        return _plain_number(cell)
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    value = cell.strip()
    if value.startswith("'") and value[1:2] and value[1] in "=+-@":
        return value[1:]
    return value


def _plain_number(number: Decimal) -> str:
    return f"{number.normalize():f}"


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
# The largest number a figure or target column holds (16 digits, 4 after the point).
LARGEST = value_rules.LARGEST_STORED
STORED_DECIMALS = value_rules.STORED_DECIMALS


def as_number(cell: Cell) -> Decimal | None:
    """A number, or None for an empty cell. Accepts 1,234.5 and 87% (as 87)."""
    if isinstance(cell, bool):
        raise CellProblem(f"{'TRUE' if cell else 'FALSE'} is not a number")
    if isinstance(cell, Decimal):
        result = cell
    else:
        written = as_text(cell)
        if not written:
            return None
        cleaned = written.replace("£", "").rstrip("%").strip()
        if _THOUSANDS.match(cleaned):
            cleaned = cleaned.replace(",", "")
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise CellProblem(f"{written!r} is not a number") from None
    if not result.is_finite():
        raise CellProblem(f"{as_text(cell)!r} is not a number")
    if abs(result) > LARGEST:
        raise CellProblem(f"{as_text(cell)} is too large")
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -STORED_DECIMALS:
        result = result.quantize(Decimal(1).scaleb(-STORED_DECIMALS), rounding=ROUND_HALF_UP)
    return result


_YES = {"yes", "y", "true", "1", "provisional"}
_NO = {"", "no", "n", "false", "0"}


def as_yes_no(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    written = as_text(cell).lower()
    if written in _YES:
        return True
    if written in _NO:
        return False
    raise CellProblem(f"{as_text(cell)!r} is not yes or no")


PERIOD_HINT = "write 2021-09, fy-2021-22-q2 or fy-2021-22"


def as_period(cell: Cell) -> tuple[str, date]:
    """A period's kind and start. A date cell is a month when it is the 1st (Excel turns
    2021-09 into 1 September 2021), otherwise a snapshot at that date."""
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        if cell.day == 1:
            return periods.MONTH, cell
        return periods.SNAPSHOT, cell
    written = as_text(cell)
    if not written:
        raise CellProblem(f"the period is empty; {PERIOD_HINT}")
    for reader in (periods.parse_url_key, periods.parse):
        try:
            return reader(written)
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{2}", written):
        try:  # 2021-22: a financial year as some publications write it (2021-12 is a month)
            first, second = (int(part) for part in written.split("-"))
            if (first + 1) % 100 == second and 1900 < first < 2200:
                return periods.FINANCIAL_YEAR, date(first, 4, 1)
        except ValueError:
            pass
    raise CellProblem(f"{written!r} is not a period; {PERIOD_HINT}")


def _period_bounds(cell: Cell) -> tuple[str, date, date]:
    kind, start = as_period(cell)
    first, last = periods.bounds(kind, start)
    return kind, first, last


def period_label(kind: str, start: date) -> str:
    first, last = periods.bounds(kind, start)
    return periods.label(kind, first, last)


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
        value = self.get(name, as_text, "")
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
        kind_start = row.get("period", _period_bounds)
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
