"""The benchmarking grid as a CSV file or an Excel workbook: the table the page shows, one row
an authority, and for each measure its value (a number), the value as shown (or why there is
none), its rank and its quartile in words.

Pure: a `Grid` in, bytes out. Written here rather than by `returns.spreadsheet_files`, which
this app may not import (it sits below returns); the same rules: every text cell made safe to
open (`formatting.spreadsheet_safe`: a cell a spreadsheet would run as a formula is written
after an apostrophe), numbers as numbers, a byte-order mark so that Excel reads the CSV as
UTF-8.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .formatting import spreadsheet_safe
from .selectors.grid import Grid

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def grid_table(grid: Grid) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows: each measure's columns are named with its title and period."""
    header = ["authority", "ONS code"]
    for column in grid.columns:
        named = f"{column.indicator.title}, {column.period_label}"
        header += [named, f"{named}: as shown", f"{named}: rank", f"{named}: quartile"]
    rows: list[list[Any]] = []
    for row in grid.rows:
        cells: list[Any] = [row.name, row.ons_code]
        for column, cell in zip(grid.columns, row.cells, strict=True):
            shown = cell.text + "".join(f" ({flag})" for flag in cell.flags)
            cells += [
                cell.value,
                shown,
                cell.rank if cell.rank is not None else "",
                cell.quartile_words or (column.note if cell.has_value else ""),
            ]
        rows.append(cells)
    return header, rows


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    if isinstance(value, int):
        return value
    return spreadsheet_safe(str(value))


def _csv_text(value: Any) -> str:
    cell = _cell(value)
    return f"{cell:f}" if isinstance(cell, Decimal) else str(cell)


def grid_csv(grid: Grid) -> bytes:
    header, rows = grid_table(grid)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_text(name) for name in header])
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode()


def grid_xlsx(grid: Grid) -> bytes:
    header, rows = grid_table(grid)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("benchmarking grid")
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=_cell(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(grid: Grid, view_name: str = "") -> str:
    """ "benchmarking-grid-south-west" or the saved view's name, slugified."""
    return f"benchmarking-grid-{slugify(view_name or grid.spec.area.name) or 'rows'}"
