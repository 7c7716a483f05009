"""Spreadsheet files this app writes: templates to fill in, and exports of its tables.

Pure: rows in, bytes out. Every text cell is made safe to open (a cell that a spreadsheet
would run as a formula, such as "=HYPERLINK(...)", is written after an apostrophe:
`indicators.formatting.spreadsheet_safe`), numbers are written as numbers, and the period
columns of a workbook are formatted as text so that Excel leaves 2021-09 as it is. A CSV file
starts with a byte-order mark, so Excel opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.formatting import spreadsheet_safe

from .spreadsheets import COLUMNS, EXPORT_ONLY

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
TEXT_COLUMNS = {"period", "financial_year", "authority", "dfe_number", "ons_code", "code"}
EXAMPLE_MARK = "# example, skipped on import: "


def safe(cell: Any) -> Any:
    """A cell as it may be written: text escaped, numbers as numbers, nothing as empty."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, Decimal):
        return int(cell) if cell == cell.to_integral_value() else cell.normalize()
    if isinstance(cell, int | float | date | datetime):
        return cell
    return spreadsheet_safe(str(cell))


def _csv_text(cell: Any) -> str:
    value = safe(cell)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return "" if value is None else str(value)


def csv_file(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe(name) for name in header])
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_file(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> bytes:
    """A workbook of (sheet name, header, rows) sheets, streamed (write-only) so an export of
    many figures does not sit in memory as cells."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, header, rows in sheets:
        sheet = book.create_sheet(name[:31])
        text_columns = [i for i, column in enumerate(header) if column in TEXT_COLUMNS]
        for i, column in enumerate(header):
            letter = _letter(i)
            sheet.column_dimensions[letter].width = max(12, min(60, len(column) + 4))
            if column in TEXT_COLUMNS:
                sheet.column_dimensions[letter].number_format = "@"
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, str(column), bold) for column in header])
        for row in rows:
            values = [safe(cell) for cell in row]
            for i in text_columns:
                if i < len(values) and not isinstance(values[i], str):
                    values[i] = _csv_text(values[i])
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_cell(sheet: Any, text: str, font: Font) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=spreadsheet_safe(text))
    cell.font = font
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


# --- templates ---------------------------------------------------------------------------------


def template_header(table: str) -> list[str]:
    return [column.name for column in COLUMNS[table]]


def _example(table: str) -> list[str]:
    cells = [column.example for column in COLUMNS[table]]
    return [f"{EXAMPLE_MARK}{cells[0]}", *cells[1:]]


def guidance_rows(table: str) -> list[list[str]]:
    rows = [
        [column.name, "yes" if column.required else "no", column.what, column.example]
        for column in COLUMNS[table]
    ]
    rows.append(
        [
            "(any row)",
            "",
            "A row whose first cell starts with # is skipped, like the example row. Empty rows "
            "are skipped. Columns can be in any order; their names are not case-sensitive.",
            "",
        ]
    )
    ignored = EXPORT_ONLY.get(table)
    if ignored:
        rows.append(
            [
                ", ".join(ignored),
                "no",
                "Columns an export adds for reading: importing ignores them, so an export can "
                "be corrected and imported again.",
                "",
            ]
        )
    return rows


GUIDANCE_HEADER = ["column", "required", "what to write", "example"]


def template(
    table: str,
    file_format: str,
    reference: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = (),
) -> bytes:
    """An empty spreadsheet of `table` to fill in: its header and one example row (skipped on
    import); a workbook also has a guidance sheet and any reference sheets given (such as the
    indicator codes)."""
    header = template_header(table)
    if file_format == "csv":
        return csv_file(header, [_example(table)])
    return xlsx_file(
        [
            (table, header, [_example(table)]),
            ("guidance", GUIDANCE_HEADER, guidance_rows(table)),
            *reference,
        ]
    )


def export(
    table: str, file_format: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> bytes:
    if file_format == "csv":
        return csv_file(header, rows)
    return xlsx_file([(table, header, rows)])
