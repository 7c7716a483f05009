"""A CSV or XLSX file read into a `Table`: its header and rows of cells, and what reading
it found wrong. Pure: no Django, no ORM. Never raises on bad input.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator

from .findings import Finding
from .sheet_cells import MAX_ROWS, Cell, Table, column_key
from .xlsx_reader import xlsx_rows


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
        rows = xlsx_rows(raw, sheet_name, table.findings)
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
