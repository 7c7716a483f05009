"""Small OpenDocument spreadsheets written by the tests themselves, in the layout of Ofsted's
inspection outcomes file (a title row, a note row, the heading row at row 3, then the data),
so that no test needs the real file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape, quoteattr

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)

HISTORY_HEADING = [
    "Web link",
    "Local authority area code",
    "Local authority name",
    "Local authority status",
    "Ofsted region",
    "Inspection date",
    "Publication date",
    "Inspection type",
    "Overall effectiveness",
    "The impact of leaders on social work practice with children and families",
    "The experiences and progress of children who need help and protection",
    "The experiences and progress of children in care",
    "The experiences and progress of care leavers",
]
AS_AT_HEADING = [
    "Web link",
    "Local authority area code",
    "Local authority name",
    "Ofsted region",
    "Inspection date",
    "Publication date",
    "Overall effectiveness",
    "The impact of leaders on social work practice with children and families",
    "The experiences and progress of children who need help and protection",
    "The experiences and progress of children in care",
    "The experiences and progress of care leavers",
]
GOOD = "Good"
OUTSTANDING = "Outstanding"
RI = "Requires improvement to be good"
INADEQUATE = "Inadequate"


def cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value:%Y-%m-%d}">'
            f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def sheet_xml(name: str, rows: Sequence[Sequence[object]], tail: str = "") -> str:
    body = "".join(
        "<table:table-row>" + "".join(cell(value) for value in row) + "</table:table-row>"
        for row in rows
    )
    return f"<table:table table:name={quoteattr(name)}>{body}{tail}</table:table>"


def content_xml(tables: str, prologue: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prologue}'
        f'<office:document-content {NAMESPACES} office:version="1.2"><office:body>'
        f"<office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )


def ods_from_content(content: str, mimetype: str = MIMETYPE) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_bytes(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """An .ods of the named sheets, each a list of rows of cells (text, dates or blanks)."""
    return ods_from_content(
        content_xml("".join(sheet_xml(name, rows) for name, rows in sheets.items()))
    )


def history_row(
    code: str,
    name: str,
    inspected: date,
    published: date,
    kind: str,
    grades: Sequence[str],
    status: str = "Current",
) -> list[object]:
    return [
        "Ofsted Local Authority Webpage",
        code,
        name,
        status,
        "London",
        inspected,
        published,
        kind,
        *grades,
    ]


def as_at_row(
    code: str, name: str, inspected: date, published: date, grades: Sequence[str]
) -> list[object]:
    return ["Ofsted Local Authority Webpage", code, name, "London", inspected, published, *grades]


def outcomes_file(history: Sequence[Sequence[object]], as_at: Sequence[Sequence[object]]) -> bytes:
    """Ofsted's file with the given data rows in its history and as-at sheets."""
    return ods_bytes(
        {
            "Cover": [["Local authority inspection outcomes as at 31 March 2025"]],
            "Inspections_as_at_31_March": [
                ["Local authority inspection judgements as at 31 March 2025"],
                ["This worksheet contains one table with no blank rows or columns."],
                AS_AT_HEADING,
                *as_at,
            ],
            "In-year_inspections": [["Local authority in-year inspection activity 2024-25"]],
            "ILACS_inspection_history": [
                ["ILACS inspection history from 2018-2025"],
                ["This worksheet contains one table with no blank rows or columns."],
                HISTORY_HEADING,
                *history,
            ],
        }
    )
