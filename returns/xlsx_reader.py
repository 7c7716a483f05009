"""Reading an XLSX workbook's sheet as rows of cells, streamed. Pure: no Django, no ORM.

The chosen worksheet's XML is parsed with expat straight from the ZIP, one row at a time, and
reading stops once `BLANK_RUN` rows in a row are empty, so a sheet that Excel has formatted
down to row 1,048,576 costs nothing. Cached results of formulae are read as values; a DOCTYPE
in any part is refused. `sheet_tables.read_table` is the way in.

What is kept is counted as it is read, and a workbook past the import limits (`limits`) is
refused with one finding before memory grows: the shared strings (their count and their
characters), the cells of the sheet (counting the empty ones left of a filled cell), a
column beyond Excel's last (XFD) and a cell longer than Excel allows.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.parsers import expat

from .findings import Finding, Severity
from .limits import SETTINGS, ImportLimits, too_many, unpacked_refusal
from .sheet_cells import BLANK_RUN, Cell, CellError, column_key
from .zip_files import directory_refusal, directory_size

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
# Excel's last column is XFD, the 16,384th.
LAST_COLUMN = 16_384


class _Refused(Exception):
    pass


class _Stop(Exception):
    pass


def _refuse_doctype(*_args: object) -> None:
    raise _Refused("The workbook contains a DOCTYPE declaration, which is refused.")


def _too_long_cell(limit: int) -> _Refused:
    return _Refused(
        f"A cell of the workbook holds more than {limit:,} characters, more than Excel allows: "
        "the workbook was refused before it was read in full. Save it again from Excel, or "
        "check that it is the file you meant."
    )


def _too_many_cells(limits: ImportLimits) -> _Refused:
    return _Refused(
        too_many(
            "The workbook has",
            f"{limits.sheet_cells:,} cells",
            SETTINGS["sheet_cells"],
            "Split it into smaller files.",
        )
    )


def _parser() -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    return parser


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


# The workbook's own parts (its list of sheets, relationships, styles) are small in any
# workbook Excel writes; a larger one is refused rather than read into memory.
PART_LIMIT = 64 * 1024 * 1024


def _parse_part(
    archive: zipfile.ZipFile,
    name: str,
    start: Any,
    end: Any = None,
    text: Any = None,
    limit: int | None = PART_LIMIT,
) -> None:
    if limit is not None and archive.getinfo(name).file_size > limit:
        raise _Refused(
            f"The workbook's part {name[:60]} unpacks to more than {limit // (1024 * 1024)} MB, "
            "which no workbook Excel writes does: it was refused unread. Save it again from "
            "Excel."
        )
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


def _workbook(archive: zipfile.ZipFile, limits: ImportLimits) -> _Workbook:
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
            strings = _shared_strings(archive, path, limits)
        elif kind == _STYLES:
            styles = _styles(archive, path)
    return _Workbook(
        sheets, strings, styles[0], styles[1], _EPOCH_1904 if date1904 else _EPOCH_1900
    )


def _shared_strings(archive: zipfile.ZipFile, path: str, limits: ImportLimits) -> list[str]:
    """The workbook's shared strings, held to `limits`: no more strings than a sheet may have
    cells, no string longer than a cell may be, and `shared_string_chars` characters in all."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "in_phonetic": False}
    size = {"string": 0, "all": 0}
    most_strings, most_chars, cell_chars = (
        limits.sheet_cells,
        limits.shared_string_chars,
        limits.cell_chars,
    )

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
            if len(strings) >= most_strings:
                raise _too_many_cells(limits)
            strings.append("".join(parts))
            size["string"] = 0
        elif local == "rPh":
            state["in_phonetic"] = False
        elif local == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)
            size["string"] += len(data)
            size["all"] += len(data)
            if size["string"] > cell_chars:
                raise _too_long_cell(cell_chars)
            if size["all"] > most_chars:
                raise _Refused(
                    too_many(
                        "The workbook's text (its shared strings) has",
                        f"{most_chars:,} characters",
                        "IMPORT_MAX_SHEET_CELLS",
                        "Split it into smaller files.",
                    )
                )

    _parse_part(archive, path, start, end, text, limit=None)  # held to the limits above
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


def xlsx_rows(
    source: IO[bytes], sheet_name: str, findings: list[Finding], limits: ImportLimits
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of the workbook's sheet called `sheet_name` (else its first), streamed from
    `source` (a seekable binary stream); what goes wrong is added to `findings`."""
    try:
        if directory_size(source) > limits.zip_directory_bytes:
            raise _Refused(directory_refusal(limits.zip_directory_bytes))
        archive = zipfile.ZipFile(source)
        if sum(info.file_size for info in archive.infolist()) > limits.unpacked_bytes:
            raise _Refused(unpacked_refusal(limits.unpacked_bytes, "The workbook"))
        book = _workbook(archive, limits)
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
    yield from _sheet_rows(archive, chosen[1], book, findings, limits)


def _sheet_rows(
    archive: zipfile.ZipFile,
    path: str,
    book: _Workbook,
    findings: list[Finding],
    limits: ImportLimits,
) -> Iterator[tuple[int, list[Cell]]]:
    """Stream the rows of one worksheet; stop after BLANK_RUN empty rows in a row.

    The handlers run once per element of every cell, so they keep their state in closure
    variables, compare names (with the sheet's namespace prefix, if it has one) directly and
    turn the commonest cells (numbers, shared and inline text) into values inline. They count
    the cells (and the empty ones a cell further right implies) and the characters of the
    text being read, and refuse the workbook past `limits`."""
    done: list[tuple[int, list[Cell]]] = []
    row_number = last_data = column = next_column = 0
    cell_count = collected = 0
    most_cells, cell_chars = limits.sheet_cells, limits.cell_chars
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
        nonlocal collecting, collected
        if name == C:
            reference = attrs.get("r")
            column = _column_index(reference) if reference else next_column
            if column >= LAST_COLUMN:  # a row holds at most this many cells, padding and all
                raise _Refused(
                    f"Row {row_number:,} has a cell beyond column XFD, Excel's last: the "
                    "workbook is not one Excel wrote. Save it again from Excel."
                )
            kind = attrs.get("t", "n")
            style = attrs.get("s", "")
            value_text, formula = None, False
        elif name in (V, T):
            parts.clear()
            collecting = True
            collected = 0
        elif name == ROW:
            number = int(attrs.get("r", row_number + 1))
            if number - last_data > BLANK_RUN:
                raise _Stop(number)
            row_number, cells, next_column = number, [], 0
        elif name == F:
            formula = True

    def end(name: str) -> None:
        nonlocal value_text, next_column, last_data, collecting, cell_count
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
            cell_count += len(cells)
            if cell_count > most_cells:
                raise _too_many_cells(limits)
            done.append((row_number, cells))

    def text(data: str) -> None:
        nonlocal collected
        if collecting:
            parts.append(data)
            collected += len(data)
            if collected > cell_chars:
                raise _too_long_cell(cell_chars)

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
