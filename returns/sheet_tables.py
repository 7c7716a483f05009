"""A CSV or XLSX file read into a `Table`: its header and rows of cells, and what reading
it found wrong. Pure: no Django, no ORM. Never raises on bad input.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from .findings import Finding
from .limits import DEFAULT_LIMITS, SETTINGS, ImportLimits, too_many
from .sheet_cells import Cell, Table, column_key
from .text_streams import LineTooLong, NotUtf8, utf8_lines
from .xlsx_reader import xlsx_rows
from .zip_files import directory_size


def read_table(
    source: bytes | IO[bytes],
    file_name: str,
    sheet_name: str = "",
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Table:
    """The header and rows of a CSV or XLSX file (its bytes, or the file as a seekable binary
    stream, read a row at a time). An XLSX file's sheet called `sheet_name` is read if there
    is one, otherwise its first sheet. A file past `limits` gives the one finding that refuses
    it and no rows. Never raises on bad input."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    table = Table()
    kind = _sniff(source, file_name, limits)
    if kind in ("xls", "utf16", "binary", "zip"):
        table.findings.append(Finding(1, "", _NOT_READABLE[kind].format(name=file_name)))
        return table
    table.file_format = kind
    if kind == "xlsx":
        rows = xlsx_rows(source, sheet_name, table.findings, limits)
    else:
        rows = _csv_rows(source, file_name, table.findings, limits)
    _fill(table, rows, limits)
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


def _sniff(source: IO[bytes], file_name: str, limits: ImportLimits) -> str:
    source.seek(0)
    head = source.read(4096)
    source.seek(0)
    if head.startswith(b"PK\x03\x04"):
        if directory_size(source) > limits.zip_directory_bytes:
            return "xlsx"  # the workbook reader refuses it, saying why
        try:
            names = zipfile.ZipFile(source).namelist()
        except zipfile.BadZipFile:
            return "binary"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if b"\x00" in head or head.startswith(b"%PDF"):
        return "binary"
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return "binary"  # named as a workbook, but not one
    return "csv"


def _fill(table: Table, rows: Iterable[tuple[int, list[Cell]]], limits: ImportLimits) -> None:
    """Take the first non-empty row as the header, the rest as data, skipping empty rows and
    comment rows (a first cell beginning with '#', as the templates' example rows do). Past
    `limits.sheet_rows` rows or `limits.sheet_cells` cells the table is refused: one finding,
    no rows."""
    header_row = 0
    cells_kept = 0
    refused = len(table.findings)
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
        cells_kept += len(cells)
        if len(table.rows) >= limits.sheet_rows or cells_kept > limits.sheet_cells:
            rows_over = len(table.rows) >= limits.sheet_rows
            table.rows = []
            table.findings.append(
                Finding(
                    number,
                    "",
                    too_many(
                        "The sheet has",
                        f"{limits.sheet_rows:,} rows of data"
                        if rows_over
                        else f"{limits.sheet_cells:,} cells",
                        SETTINGS["sheet_rows" if rows_over else "sheet_cells"],
                        "Split it into smaller files.",
                    ),
                )
            )
            return
        table.rows.append((number, cells))
    if any(finding.is_error for finding in table.findings[refused:]):
        # The reader said why the file could not be read in full: that is the finding, and
        # what was read before it is not checked row by row.
        table.rows = []
        return
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
    source: IO[bytes], file_name: str, findings: list[Finding], limits: ImportLimits
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of a CSV file, decoded and split a chunk at a time."""
    source.seek(0)
    lines = utf8_lines(source, max_line=limits.line_chars)
    try:
        first_line = next(lines, "")
    except NotUtf8 as wrong:
        findings.append(_not_utf8(file_name, wrong))
        return
    except LineTooLong as wrong:
        findings.append(_too_long(wrong))
        return
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
    reader = csv.reader(_chain(first_line, lines))
    try:
        for cells in reader:
            yield reader.line_num, list(cells)
    except csv.Error as wrong:
        findings.append(Finding(reader.line_num, "", f"The CSV file cannot be read: {wrong}."))
    except NotUtf8 as wrong:
        findings.append(_not_utf8(file_name, wrong))
    except LineTooLong as wrong:
        findings.append(_too_long(wrong))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _not_utf8(file_name: str, wrong: NotUtf8) -> Finding:
    return Finding(
        wrong.line,
        "",
        f"{file_name} is not UTF-8 text (the first character that is not, on line "
        f"{wrong.line}, is byte 0x{wrong.byte:02x}): in Excel, choose File, Save As, "
        "and save it as CSV UTF-8 (comma delimited).",
    )


def _too_long(wrong: LineTooLong) -> Finding:
    return Finding(
        wrong.line,
        "",
        f"Line {wrong.line:,} of the file is longer than {wrong.limit:,} characters, which no "
        "spreadsheet row is: check that this is the file you meant, saved as CSV UTF-8.",
    )
