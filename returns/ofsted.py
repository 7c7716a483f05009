"""Ofsted's inspection outcomes file (issue 18): the judgements of every English authority's
children's services, read from the OpenDocument spreadsheet Ofsted publishes each year
("LA_Inspection_Outcomes_as_at_31_March_2025.ods"). Pure: no Django.

Two of its sheets are read (docs/0027):

- `ILACS_inspection_history`: every standard and short inspection since 2018, with its type and
  whether the authority still exists;
- `Inspections_as_at_31_March`: each authority's latest inspection as at the file's date
  (without its type). Each of its rows that the history gives too is the same inspection, and
  must say the same; one the history lacks is kept with no type.

`In-year_inspections` is not read: its graded inspections are in the history, and its focused
and monitoring visits carry no judgement. Columns are found by their headings (the table
begins at row 3, under a title and a note), so a later year's order of columns reads the same.
The file is measured (`ods_guard`) before python-calamine opens it. A finding names the sheet
and column, and the row as the spreadsheet program shows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

import python_calamine

from .findings import Finding, Severity
from .limits import ImportLimits
from .ods_guard import OdsRefused, ods_measure

HISTORY_SHEET = "ILACS_inspection_history"
AS_AT_SHEET = "Inspections_as_at_31_March"

# The judgements as Ofsted words them, and as `indicators.inspection_models.Grade` stores them.
GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires_improvement",
    "requires improvement": "requires_improvement",
    "inadequate": "inadequate",
}
# From 1 January 2023 care leavers have their own sub-judgement; a later inspection without one
# is worth a look.
CARE_LEAVERS_JUDGED_FROM = date(2023, 1, 1)
NO_LONGER_EXISTS = "no longer exists"
ONS_CODE = re.compile(r"^[A-Z]\d{8}$")
# Rows searched for the heading row (the title and a note come first).
HEADING_ROWS = 10


@dataclass(frozen=True)
class Column:
    """A column the reader looks for: its name here, the words that find its heading (every
    one of them, and none of `unless`), and whether a table without it cannot be read."""

    key: str
    words: tuple[str, ...]
    required: bool = True
    unless: tuple[str, ...] = ()


COLUMNS = (
    Column("code", ("area code",)),
    Column("name", ("local authority name",)),
    Column("status", ("local authority status",), required=False),
    Column("inspected", ("date",), unless=("publication",)),
    Column("published", ("publication date",)),
    Column("type", ("type",), required=False),
    Column("overall", ("overall effectiveness",)),
    Column("leaders", ("impact of leaders",), required=False),
    Column("help_and_protection", ("help and protection",), required=False),
    Column("in_care", ("children in care",), required=False),
    Column("care_leavers", ("care leavers",), required=False, unless=("children in care",)),
)
SUB_JUDGEMENTS = ("leaders", "help_and_protection", "in_care", "care_leavers")


@dataclass(frozen=True)
class Judgement:
    """One graded inspection as the file gives it; grades as `Grade` values ("" when blank)."""

    area_code: str
    area_name: str
    still_exists: bool
    inspected_on: date
    published_on: date
    inspection_type: str
    overall: str
    leaders: str
    help_and_protection: str
    in_care: str
    care_leavers: str
    sheet: str
    row: int

    @property
    def grades(self) -> tuple[str, ...]:
        return (
            self.overall,
            self.leaders,
            self.help_and_protection,
            self.in_care,
            self.care_leavers,
        )


@dataclass
class OfstedRead:
    """What the file holds: its judgements (each inspection once), what is wrong or doubtful,
    and the rows of data read."""

    judgements: list[Judgement] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    findings_not_listed: int = 0
    errors: int = 0
    limit: int = 50_000

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    def add(self, sheet: str, row: int, column: str, message: str, warning: bool = False) -> None:
        self.errors += not warning
        if len(self.findings) >= self.limit:
            self.findings_not_listed += 1
            return
        where = f"{sheet}: {column}" if column else sheet
        severity = Severity.WARNING if warning else Severity.ERROR
        self.findings.append(Finding(row, where, message, severity))


def grade_of(text: str) -> str | None:
    """The `Grade` value of a judgement as Ofsted words it ("" for a blank cell), or None."""
    words = " ".join(text.split()).lower()
    if not words:
        return ""
    return GRADES.get(words)


def date_of(value: object) -> date | None:
    """A cell's date: a date cell, or text written dd/mm/yyyy (as the file shows its dates)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def columns_find(heading: Sequence[object]) -> dict[str, int]:
    """Each known column's position in the heading row (the first heading that fits)."""
    found: dict[str, int] = {}
    for position, cell in enumerate(heading):
        title = text_of(cell).lower()
        for column in COLUMNS:
            if column.key in found:
                continue
            if all(w in title for w in column.words) and not any(u in title for u in column.unless):
                found[column.key] = position
                break
    return found


def read_ofsted(source: IO[bytes], *, limits: ImportLimits) -> OfstedRead:
    """The judgements in the .ods file in `source` (a seekable binary stream)."""
    result = OfstedRead(limit=limits.findings)
    try:
        ods_measure(source, limits)
        book = python_calamine.CalamineWorkbook.from_filelike(source)
    except OdsRefused as refused:
        result.add("", 1, "", str(refused))
        return result
    except python_calamine.CalamineError as wrong:
        result.add(
            "",
            1,
            "",
            f"The spreadsheet cannot be read ({wrong}): download it again, or save it again "
            "as OpenDocument Spreadsheet.",
        )
        return result
    names = {name.lower(): name for name in book.sheet_names}
    history = names.get(HISTORY_SHEET.lower())
    as_at = next((n for lower, n in names.items() if lower.startswith("inspections_as_at")), None)
    if history is None and as_at is None:
        result.add(
            "",
            1,
            "",
            f"The spreadsheet has neither a sheet {HISTORY_SHEET} nor {AS_AT_SHEET}: it is "
            "not Ofsted's inspection outcomes file (LA_Inspection_Outcomes_as_at_...ods).",
        )
        return result
    seen: dict[tuple[str, date, str], Judgement] = {}
    by_date: dict[tuple[str, date], Judgement] = {}
    if history is None:
        result.add(
            "",
            1,
            "",
            f"The spreadsheet has no sheet {HISTORY_SHEET}: only each authority's latest "
            "inspection is imported, without its type.",
            warning=True,
        )
    else:
        for judgement in _sheet_judgements(book, history, result, typed=True):
            key = (judgement.area_code, judgement.inspected_on, judgement.inspection_type)
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = judgement
                by_date.setdefault(key[:2], judgement)
                result.judgements.append(judgement)
            elif _differs(earlier, judgement):
                result.add(
                    history,
                    judgement.row,
                    "",
                    f"This is the same inspection as row {earlier.row} ({judgement.area_name}, "
                    f"{judgement.inspected_on:%d/%m/%Y}) with different judgements: correct one.",
                )
            else:
                result.add(
                    history,
                    judgement.row,
                    "",
                    f"Repeats row {earlier.row}: it is imported once.",
                    warning=True,
                )
    if as_at is None:
        result.add(
            "",
            1,
            "",
            f"The spreadsheet has no sheet {AS_AT_SHEET}: the history alone is imported.",
            warning=True,
        )
        return result
    for judgement in _sheet_judgements(book, as_at, result, typed=False):
        same = by_date.get((judgement.area_code, judgement.inspected_on))
        if same is None:
            by_date[(judgement.area_code, judgement.inspected_on)] = judgement
            result.judgements.append(judgement)
        elif same.sheet == as_at:
            result.add(
                as_at, judgement.row, "", f"Repeats row {same.row}: it is imported once.", True
            )
        elif _differs(same, judgement):
            result.add(
                as_at,
                judgement.row,
                "",
                f"{same.sheet} row {same.row} gives this inspection ({judgement.area_name}, "
                f"{judgement.inspected_on:%d/%m/%Y}) other judgements or another publication "
                "date: the file contradicts itself. Download it again.",
            )
    return result


def _differs(first: Judgement, second: Judgement) -> bool:
    return (first.published_on, first.grades) != (second.published_on, second.grades)


def _sheet_judgements(
    book: python_calamine.CalamineWorkbook, sheet: str, result: OfstedRead, *, typed: bool
) -> list[Judgement]:
    try:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except python_calamine.CalamineError as wrong:
        result.add(sheet, 1, "", f"The sheet cannot be read ({wrong}).")
        return []
    heading_at = next(
        (
            at
            for at, row in enumerate(rows[:HEADING_ROWS])
            if any("area code" in text_of(cell).lower() for cell in row)
        ),
        None,
    )
    if heading_at is None:
        result.add(
            sheet,
            1,
            "",
            f"No heading row with 'Local authority area code' in the first {HEADING_ROWS} "
            "rows: the sheet is not laid out as Ofsted publishes it.",
        )
        return []
    columns = columns_find(rows[heading_at])
    missing = [c for c in COLUMNS if c.required and c.key not in columns]
    if typed and "type" not in columns:
        missing.append(next(c for c in COLUMNS if c.key == "type"))
    if missing:
        result.add(
            sheet,
            heading_at + 1,
            "",
            "The heading row lacks the columns "
            + ", ".join(repr(" ".join(c.words)) for c in missing)
            + ": the sheet is not laid out as Ofsted publishes it.",
        )
        return []
    headings = [text_of(cell) for cell in rows[heading_at]]
    judgements = []
    for at in range(heading_at + 1, len(rows)):
        row = rows[at]
        if not any(text_of(cell) for cell in row):
            continue
        result.rows_read += 1
        judgement = _row_judgement(sheet, at + 1, row, columns, headings, result)
        if judgement is not None:
            judgements.append(judgement)
    return judgements


def _row_judgement(
    sheet: str,
    row_number: int,
    row: Sequence[object],
    columns: dict[str, int],
    headings: list[str],
    result: OfstedRead,
) -> Judgement | None:
    def cell(key: str) -> object:
        position = columns.get(key)
        return row[position] if position is not None and position < len(row) else ""

    def heading(key: str) -> str:
        return headings[columns[key]]

    errors_before = result.errors
    code = text_of(cell("code")).upper()
    name = text_of(cell("name"))
    if not ONS_CODE.match(code):
        result.add(
            sheet,
            row_number,
            heading("code"),
            f"{code or 'A blank'} is not an ONS area code (a letter and eight digits, like "
            "E09000003): the judgement cannot be given to an authority.",
        )
    if not name:
        result.add(sheet, row_number, heading("name"), "The authority's name is blank.")
    dates: dict[str, date | None] = {}
    for key in ("inspected", "published"):
        dates[key] = date_of(cell(key))
        if dates[key] is None:
            given = text_of(cell(key))
            result.add(
                sheet,
                row_number,
                heading(key),
                f"{given or 'A blank'} is not a date (dd/mm/yyyy).",
            )
    inspected, published = dates["inspected"], dates["published"]
    if inspected and published and published < inspected:
        result.add(
            sheet,
            row_number,
            heading("published"),
            f"Published on {published:%d/%m/%Y}, before the inspection on "
            f"{inspected:%d/%m/%Y}: one of the dates is wrong.",
        )
    grades: dict[str, str] = {}
    for key in ("overall", *SUB_JUDGEMENTS):
        if key not in columns:
            grades[key] = ""
            continue
        given = text_of(cell(key))
        grade = grade_of(given)
        if grade is None:
            result.add(
                sheet,
                row_number,
                heading(key),
                f"{given!r} is not a judgement: Outstanding, Good, Requires improvement to be "
                "good or Inadequate.",
            )
            grade = ""
        grades[key] = grade
    if "overall" in grades and not grades["overall"] and not text_of(cell("overall")):
        result.add(
            sheet,
            row_number,
            heading("overall"),
            "The overall effectiveness is blank: every graded inspection has one.",
        )
    if result.errors > errors_before or inspected is None or published is None:
        return None
    care_leavers_due = inspected >= CARE_LEAVERS_JUDGED_FROM
    if "care_leavers" in columns and not grades["care_leavers"] and care_leavers_due:
        result.add(
            sheet,
            row_number,
            heading("care_leavers"),
            "Care leavers have had their own judgement since 1 January 2023, but this "
            "inspection's is blank: it is imported blank.",
            warning=True,
        )
    return Judgement(
        area_code=code,
        area_name=name,
        still_exists=text_of(cell("status")).lower() != NO_LONGER_EXISTS,
        inspected_on=inspected,
        published_on=published,
        inspection_type=text_of(cell("type"))[:80],
        overall=grades["overall"],
        leaders=grades["leaders"],
        help_and_protection=grades["help_and_protection"],
        in_care=grades["in_care"],
        care_leavers=grades["care_leavers"],
        sheet=sheet,
        row=row_number,
    )
