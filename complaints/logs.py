"""Reading a complaints log (CSV or spreadsheet rows) into complaint records. Pure: no ORM.

The import batch (returns/) turns the uploaded file into rows of text keyed by column heading
and calls `parse_complaints_log`; if no finding is an error it commits the records with
`services.complaint_log_commit`, and a rollback calls `services.complaint_log_rollback`.

Columns (headings are matched ignoring case, spaces and underscores; order does not matter):

| column      | required | what it holds                                                      |
|-------------|----------|--------------------------------------------------------------------|
| reference   | yes      | the case system's complaint number, e.g. CMP-2017-0042: never a name |
| stage       | yes      | 1, 2, 3 or ombudsman ("Stage 1", "LGSCO" are understood)           |
| received    | yes      | date received, dd/mm/yyyy or yyyy-mm-dd                            |
| responded   | no       | date of the response; empty while open                             |
| outcome     | no       | upheld, partially upheld, not upheld or withdrawn; with responded  |
| extended    | no       | yes if the timescale was extended as the regulations allow        |
| team        | no       | the team complained about                                          |
| themes      | no       | themes separated by semicolons, e.g. "Communication; Delay"        |

Row numbers in findings count the heading as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from . import metrics
from .redaction import bundled_names

REQUIRED = ("reference", "stage", "received")
OPTIONAL = ("responded", "outcome", "extended", "team", "themes")
COLUMNS = (*REQUIRED, *OPTIONAL)
ERROR, WARNING = "error", "warning"

STAGE_WORDS = {
    "1": metrics.STAGE_1,
    "stage 1": metrics.STAGE_1,
    "2": metrics.STAGE_2,
    "stage 2": metrics.STAGE_2,
    "3": metrics.STAGE_3,
    "stage 3": metrics.STAGE_3,
    "ombudsman": metrics.OMBUDSMAN,
    "lgsco": metrics.OMBUDSMAN,
    "lgo": metrics.OMBUDSMAN,
}
OUTCOME_WORDS = {
    "upheld": metrics.UPHELD,
    "fully upheld": metrics.UPHELD,
    "partially upheld": metrics.PARTIALLY_UPHELD,
    "partly upheld": metrics.PARTIALLY_UPHELD,
    "not upheld": metrics.NOT_UPHELD,
    "withdrawn": metrics.WITHDRAWN,
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]{0,39}")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


class Finding(NamedTuple):
    row_number: int
    column: str
    message: str
    severity: str


@dataclass(frozen=True)
class ComplaintRecord:
    reference: str
    stage: str
    received: date
    responded: date | None
    outcome: str
    extended: bool
    team: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ParsedLog:
    records: list[ComplaintRecord]
    findings: list[Finding]

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == ERROR for finding in self.findings)


def _heading(text: str) -> str:
    return re.sub(r"[\s_]+", "", text.replace("\ufeff", "").strip().lower())


def _date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def reference_problem(reference: str) -> str:
    """Why a reference cannot be stored, or "": references are codes, never names."""
    if not reference:
        return "The reference is empty: give the case system's complaint number."
    if not REFERENCE.fullmatch(reference) or not any(ch.isdigit() for ch in reference):
        return (
            f"{reference!r} is not a reference: use the case system's complaint number (letters, "
            "digits and - / _ . only, with at least one digit, e.g. CMP-2017-0042), never a name."
        )
    words = re.findall(r"[A-Za-z]{3,}", reference)
    if any(word.lower() in bundled_names() for word in words):
        return (
            "The reference looks as if it holds a name: use the case system's complaint number, "
            "which says nothing about who complained."
        )
    return ""


def parse_complaints_log(
    rows: Sequence[Mapping[str, str | None]],
    *,
    existing_references: Collection[str] = (),
    today: date | None = None,
) -> ParsedLog:
    """Check every row and return the records with every finding. A caller commits the records
    only when no finding is an error; warnings are shown and do not stop it."""
    today = today or date.today()
    findings: list[Finding] = []
    if not rows:
        return ParsedLog([], [Finding(0, "", "The file has no rows of complaints.", ERROR)])
    headings = {_heading(key): key for key in rows[0] if key is not None}
    missing = [column for column in REQUIRED if column not in headings]
    if missing:
        return ParsedLog(
            [],
            [Finding(1, column, f"The column {column!r} is missing.", ERROR) for column in missing],
        )
    for heading, original in headings.items():
        if heading not in COLUMNS:
            message = f"The column {original!r} is not one this import reads; it was ignored."
            findings.append(Finding(1, original, message, WARNING))

    existing = {reference.casefold() for reference in existing_references}
    seen: dict[str, int] = {}
    records: list[ComplaintRecord] = []
    for index, raw in enumerate(rows, start=2):
        row = {
            heading: str(raw.get(original) or "").strip() for heading, original in headings.items()
        }
        if not any(row.values()):
            continue  # a blank line at the end of a spreadsheet
        record, row_findings = _parse_row(index, row, existing, seen, today)
        findings.extend(row_findings)
        if record is not None:
            records.append(record)
    if not records and not any(f.severity == ERROR for f in findings):
        findings.append(Finding(0, "", "The file has no rows of complaints.", ERROR))
    return ParsedLog(records, findings)


def _parse_row(
    number: int,
    row: dict[str, str],
    existing: set[str],
    seen: dict[str, int],
    today: date,
) -> tuple[ComplaintRecord | None, list[Finding]]:
    found: list[Finding] = []

    def error(column: str, message: str) -> None:
        found.append(Finding(number, column, message, ERROR))

    reference = row.get("reference", "")
    problem = reference_problem(reference)
    if problem:
        error("reference", problem)
    elif reference.casefold() in existing:
        error("reference", f"{reference} is already in the complaints log.")
    elif reference.casefold() in seen:
        error("reference", f"{reference} is also on row {seen[reference.casefold()]}.")
    else:
        seen[reference.casefold()] = number

    stage = STAGE_WORDS.get(row.get("stage", "").lower())
    if stage is None:
        error("stage", f"{row.get('stage', '')!r} is not a stage: use 1, 2, 3 or ombudsman.")

    dates: dict[str, date | None] = {}
    for column in ("received", "responded"):
        text = row.get(column, "")
        if not text:
            dates[column] = None
            if column == "received":
                error(column, "The date received is empty.")
            continue
        try:
            dates[column] = _date(text)
        except ValueError:
            dates[column] = None
            error(column, f"{text!r} is not a date: write it as dd/mm/yyyy, e.g. 03/04/2017.")
            continue
        if dates[column] and dates[column] > today:  # type: ignore[operator]
            error(column, f"{text} is in the future.")
    received, responded = dates["received"], dates["responded"]
    if received and responded and responded < received:
        error("responded", "The response is dated before the complaint was received.")

    outcome_text = row.get("outcome", "")
    outcome = OUTCOME_WORDS.get(outcome_text.lower()) if outcome_text else ""
    if outcome is None:
        error(
            "outcome",
            f"{outcome_text!r} is not an outcome: use upheld, partially upheld, not upheld or "
            "withdrawn.",
        )
    elif outcome and not row.get("responded"):
        error("responded", "An outcome needs the date of the response.")
    elif row.get("responded") and not outcome:
        error("outcome", "An answered complaint needs its outcome.")

    extended_text = row.get("extended", "").lower()
    if extended_text not in YES | NO:
        error("extended", f"{row.get('extended')!r} is not yes or no.")

    if not row.get("team"):
        found.append(Finding(number, "team", "No team is given.", WARNING))

    if any(f.severity == ERROR for f in found) or stage is None or received is None:
        return None, found
    themes = tuple(
        theme.strip() for theme in re.split(r"[;|]", row.get("themes", "")) if theme.strip()
    )
    return (
        ComplaintRecord(
            reference=reference,
            stage=stage,
            received=received,
            responded=responded,
            outcome=outcome or "",
            extended=extended_text in YES,
            team=row.get("team", "")[:120],
            themes=themes,
        ),
        found,
    )
