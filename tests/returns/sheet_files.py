"""Spreadsheet files for the tests: CSV and XLSX bytes made from rows, and the world they
describe (Wiltshire and Devon, two indicators, a locality)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from indicators.models import Area, AreaKind, BreakdownCategory, Indicator
from tests import factories

FIGURE_HEADER = [
    "authority",
    "indicator",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "suppression",
    "provisional",
    "commentary",
]
TARGET_HEADER = ["authority", "indicator", "financial_year", "lower", "upper", "amber_tolerance"]


def csv_bytes(header: list[str], *rows: list[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue().encode()


def xlsx_bytes(
    header: list[str],
    *rows: list[Any],
    sheet: str = "figures",
    formats: dict[str, str] | None = None,
) -> bytes:
    book = Workbook()
    guidance = book.active
    guidance.title = "guidance"
    guidance.append(["Read me first"])
    data = book.create_sheet(sheet)
    data.append(header)
    for row in rows:
        data.append(row)
    for cell, number_format in (formats or {}).items():
        data[cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_blank_rows(xlsx: bytes, blank: int, sheet_path: str = "xl/worksheets/sheet2.xml") -> bytes:
    """The workbook with `blank` formatted but empty rows added under its data, as Excel
    writes a sheet whose columns were formatted to the bottom."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == sheet_path:
                text = content.decode()
                first = text.count("<row ") + 1
                filler = "".join(
                    f'<row r="{n}"><c r="A{n}" s="0"/><c r="B{n}" s="0"/></row>'
                    for n in range(first, first + blank)
                )
                content = text.replace("</sheetData>", filler + "</sheetData>").encode()
            target.writestr(info, content)
    return out.getvalue()


@dataclass
class SheetWorld:
    wiltshire: Area
    devon: Area
    south_west: Area
    assessments: Indicator  # a percentage: numerator and denominator
    looked_after: Indicator  # a count
    north: BreakdownCategory


def sheet_world() -> SheetWorld:
    south_west = factories.AreaFactory(
        name="South West", slug="south-west", kind=AreaKind.REGION, ons_code="E12000009"
    )
    wiltshire = factories.AreaFactory(
        name="Wiltshire", slug="wiltshire", ons_code="E06000054", dfe_code="865", region=south_west
    )
    devon = factories.AreaFactory(name="Devon", slug="devon", ons_code="E10000008", dfe_code="878")
    assessments = factories.IndicatorFactory(
        code="ASMT-45",
        title="% assessments within 45 days",
        unit="percent",
        decimals=1,
        frequency="monthly",
        roll_up="ratio",
        breakdown_dimensions="locality",
    )
    looked_after = factories.IndicatorFactory(
        code="CLA-COUNT",
        title="Children looked after",
        unit="count",
        frequency="monthly",
        measure_type="snapshot",
        roll_up="latest",
    )
    north = BreakdownCategory.objects.create(
        dimension="locality", name="North", authority=wiltshire
    )
    return SheetWorld(wiltshire, devon, south_west, assessments, looked_after, north)


# A ratio by its parts, a count, a breakdown category, and a suppressed figure of Devon (its
# value and parts empty, the code saying why).
GOOD_FIGURES = [
    ["865", "ASMT-45", "2021-09", "", "", "87", "100", "", "no", "Better than August"],
    ["wiltshire", "CLA-COUNT", "2021-09", "", "412", "", "", "", "yes", ""],
    ["E06000054", "ASMT-45", "2021-09", "locality: North", "", "40", "50", "", "", ""],
    ["devon", "ASMT-45", "fy-2020-21", "", "", "", "", "c", "", ""],
]
