"""The numbers of an indicator page as tables, for its CSV and XLSX downloads.

Pure: an `IndicatorPage` in, (name, header, rows) tables out, with numbers as numbers. The file
itself is written by `returns.spreadsheet_files`, which makes every text cell safe to open (a
cell that a spreadsheet would run as a formula is written after an apostrophe).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .selectors import FigureRow, IndicatorPage

Table = tuple[str, list[str], list[list[Any]]]

FIGURE_COLUMNS = [
    "period",
    "value",
    "as shown",
    "numerator",
    "denominator",
    "flags",
    "data quality",
    "target",
    "rating",
]
NEIGHBOUR_COLUMNS = [
    "neighbours period",
    "rank",
    "authority",
    "value",
    "as shown",
    "neighbour rank",
    "closeness",
]
BREAKDOWN_COLUMNS = ["breakdown period", "dimension", "category", "value", "as shown"]


def _flags(row: FigureRow) -> str:
    flags = list(row.flags)
    if row.value is None and row.suppression:
        flags.insert(0, f"suppressed ({row.suppression})")
    return "; ".join(flags)


def figure_table(page: IndicatorPage) -> Table:
    """The trend window: one row a period, oldest first, with each comparator's value and the
    period that value is for (an annual England figure beside a monthly local one) and which
    it is ("published", "entered", "mean of 9 of 10 neighbours"). "as shown" is the value at
    the precision the page shows it: as published (19.1%), else the measure's own."""
    header = list(FIGURE_COLUMNS)
    for label in page.comparator_labels:
        header += [label, f"{label} period", f"{label} is"]
    rows: list[list[Any]] = []
    for row in page.rows:
        cells: list[Any] = [
            # "2016-17 year end" for a year's outturn on a monthly or quarterly measure.
            row.period_label or row.period.label,
            row.value,
            row.text,
            row.numerator,
            row.denominator,
            _flags(row),
            row.quality,
            row.target_text,
            row.rating_words if page.is_rated else "",
        ]
        for cell in row.comparators:
            cells += [cell.value, cell.period_label, cell.note if cell.value is not None else ""]
        rows.append(cells)
    return ("figures", header, rows)


def neighbour_table(page: IndicatorPage) -> Table:
    """The authority and its statistical neighbours, best first, then the reference values
    (the neighbours' mean, England) without a rank."""
    rows: list[list[Any]] = []
    comparison = page.neighbours
    if comparison is not None and comparison.period is not None:
        label = comparison.period.label
        for bar in comparison.bars:
            rows.append(
                [
                    label,
                    bar.position,
                    f"{bar.name} (this authority)" if bar.is_own else bar.name,
                    bar.value,
                    bar.text,
                    bar.neighbour_rank,
                    bar.closeness,
                ]
            )
        for line in comparison.references:
            rows.append(
                [label, None, line.label, line.value, f"{line.text} ({line.note})", None, ""]
            )
    return ("neighbours", list(NEIGHBOUR_COLUMNS), rows)


def breakdown_table(page: IndicatorPage) -> Table:
    rows: list[list[Any]] = []
    for table in page.breakdowns:
        for (name, text), value in zip(table.rows, table.values, strict=True):
            rows.append([table.period.label, table.dimension, name, value, text])
    return ("breakdowns", list(BREAKDOWN_COLUMNS), rows)


def page_tables(page: IndicatorPage) -> list[Table]:
    return [figure_table(page), neighbour_table(page), breakdown_table(page)]


def one_sheet(tables: Sequence[Table]) -> tuple[list[str], list[list[Any]]]:
    """The tables as one CSV: the first table's header, its rows, then each further table after
    an empty row, its header as a row of its own."""
    (_name, header, rows), *rest = tables
    merged = list(rows)
    for _name, more_header, more_rows in rest:
        merged += [[], list(more_header), *more_rows]
    return header, merged
