"""Reading an audit-results log (a CSV or XLSX sheet of case audits, one a row). Pure: no ORM.

The import-batch machinery reads the file into rows (one dict per row, keyed by the header's
cells) and calls `parse_audit_log`; if no finding is an error, its records go to
`audits.services.audit_log_commit`. Findings are `(row, column, message, severity)` tuples:
`row` counts the header as row 1 (row 0 is the file as a whole), `severity` is "error" (the
file cannot be imported until it is fixed) or "warning" (imported, but worth a look).

Columns (header cells are matched ignoring case, spaces and underscores; order is free):

| column              | required | what                                                        |
|---------------------|----------|-------------------------------------------------------------|
| case reference      | yes      | a pseudonymous code, never a name (see CASE_REFERENCE_HINT) |
| audit date          | yes      | dd/mm/yyyy or yyyy-mm-dd; not in the future                 |
| judgement           | yes      | outstanding, good, requires improvement (or RI), inadequate; |
|                     |          | empty if the audit gave no overall judgement (a warning)    |
| moderated judgement | no       | the same words; empty when not moderated                    |
| moderator           | no       | who moderated                                               |
| programme           | no       | the name of one of the authority's audit programmes         |
| team                | no       | the name of one of the authority's teams, localities or     |
|                     |          | services                                                    |
| auditor             | no       | who audited (a member of staff)                             |
| themes              | no       | learning themes, separated by semicolons                    |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .models import CASE_REFERENCE_HINT, CASE_REFERENCE_PATTERN

ERROR = "error"
WARNING = "warning"

COLUMNS = (
    "case_reference",
    "audit_date",
    "judgement",
    "moderated_judgement",
    "moderator",
    "programme",
    "team",
    "auditor",
    "themes",
)
REQUIRED = ("case_reference", "audit_date", "judgement")
HEADER = (
    "Case reference",
    "Audit date",
    "Judgement",
    "Moderated judgement",
    "Moderator",
    "Programme",
    "Team",
    "Auditor",
    "Themes",
)

JUDGEMENT_WORDS = {
    "outstanding": "outstanding",
    "good": "good",
    "requiresimprovement": "requires_improvement",
    "requiresimprovementtobegood": "requires_improvement",
    "ri": "requires_improvement",
    "inadequate": "inadequate",
}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
EARLIEST = date(2000, 1, 1)

LogFinding = tuple[int, str, str, str]


@dataclass(frozen=True)
class AuditRecord:
    """One row of the log, read and checked."""

    row: int
    case_reference: str
    audit_date: date
    judgement: str
    moderated_judgement: str = ""
    moderator: str = ""
    programme: str = ""
    team: str = ""
    auditor: str = ""
    themes: tuple[str, ...] = ()


@dataclass
class ParsedLog:
    records: list[AuditRecord] = field(default_factory=list)
    findings: list[LogFinding] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(severity == ERROR for _row, _column, _message, severity in self.findings)


def log_header() -> list[str]:
    """The header row of a blank log, for a template to download."""
    return list(HEADER)


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


COLUMN_KEYS = {_key(column): column for column in COLUMNS}


def _judgement(text: str) -> str | None:
    """The stored value for a judgement as people write it; "" for blank; None if unknown."""
    if not text.strip():
        return ""
    return JUDGEMENT_WORDS.get(_key(text))


def _date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def parse_audit_log(
    rows: list[dict[str, str]], *, today: date, header: list[str] | None = None
) -> ParsedLog:
    """Read the rows of an audit log. `header` is the file's header row, where the caller has
    it (a file with a header and no rows has no dict keys to read it from)."""
    parsed = ParsedLog()
    columns = list(header) if header is not None else (list(rows[0]) if rows else [])
    if not columns and not rows:
        parsed.findings.append((0, "", "The file is empty: it needs a header row and rows.", ERROR))
        return parsed
    known = {_key(column): column for column in columns if _key(column) in COLUMN_KEYS}
    # header cell as written -> our column name
    mapping = {written: COLUMN_KEYS[key] for key, written in known.items()}
    missing = [c for c in REQUIRED if c not in mapping.values()]
    for column in missing:
        label = HEADER[COLUMNS.index(column)]
        parsed.findings.append((1, label, f"The column '{label}' is missing.", ERROR))
    for column in columns:
        if _key(column) not in COLUMN_KEYS and column.strip():
            parsed.findings.append(
                (
                    1,
                    column,
                    f"The column '{column}' is not one this log has: it is ignored.",
                    WARNING,
                )
            )
    if missing:
        return parsed
    if not rows:
        parsed.findings.append((0, "", "The file has a header but no audits.", ERROR))
        return parsed
    seen: dict[tuple[str, date], int] = {}
    for index, raw in enumerate(rows):
        row = index + 2
        values = {ours: (raw.get(written) or "").strip() for written, ours in mapping.items()}
        if not any(values.values()):
            continue  # a blank line between rows
        record = _record(row, values, today, parsed.findings)
        if record is None:
            continue
        key = (record.case_reference, record.audit_date)
        if key in seen:
            parsed.findings.append(
                (
                    row,
                    "Case reference",
                    f"This repeats row {seen[key]}: {record.case_reference} audited on "
                    f"{record.audit_date:%-d %B %Y}.",
                    ERROR,
                )
            )
            continue
        seen[key] = row
        parsed.records.append(record)
    if not parsed.records and not parsed.has_errors:
        parsed.findings.append((0, "", "The file has a header but no audits.", ERROR))
    return parsed


def _record(
    row: int, values: dict[str, str], today: date, findings: list[LogFinding]
) -> AuditRecord | None:
    errors_before = len(findings)

    def refuse(column: str, message: str) -> None:
        findings.append((row, column, message, ERROR))

    reference = values.get("case_reference", "").upper()
    if not reference:
        refuse("Case reference", "The case reference is empty.")
    elif not re.fullmatch(CASE_REFERENCE_PATTERN, reference):
        looks_like_name = bool(re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", values["case_reference"]))
        why = "looks like a name" if looks_like_name else "is not a case code"
        refuse(
            "Case reference",
            f"'{values['case_reference']}' {why}. {CASE_REFERENCE_HINT} Nothing is imported "
            "until it is replaced.",
        )
    audit_date = _date(values.get("audit_date", ""))
    if audit_date is None:
        refuse(
            "Audit date",
            f"'{values.get('audit_date', '')}' is not a date: write it as 31/03/2018.",
        )
    elif audit_date > today:
        refuse("Audit date", f"{audit_date:%-d %B %Y} is in the future.")
    elif audit_date < EARLIEST:
        refuse("Audit date", f"{audit_date:%-d %B %Y} is before 2000: check the year.")
    judgement = _judgement(values.get("judgement", ""))
    if judgement is None:
        refuse(
            "Judgement",
            f"'{values['judgement']}' is not a judgement: use outstanding, good, requires "
            "improvement or inadequate.",
        )
    elif judgement == "":
        findings.append(
            (
                row,
                "Judgement",
                "No overall judgement: the audit is counted, but not in % good or better.",
                WARNING,
            )
        )
    moderated = _judgement(values.get("moderated_judgement", ""))
    if moderated is None:
        refuse(
            "Moderated judgement",
            f"'{values['moderated_judgement']}' is not a judgement: use outstanding, good, "
            "requires improvement or inadequate, or leave it empty.",
        )
    elif moderated and judgement == "":
        refuse("Moderated judgement", "A moderated judgement needs the auditor's judgement.")
    if len(findings) > errors_before and any(f[3] == ERROR for f in findings[errors_before:]):
        return None
    if audit_date is None or judgement is None or moderated is None:  # refused above
        return None
    themes = tuple(
        dict.fromkeys(t.strip() for t in values.get("themes", "").split(";") if t.strip())
    )
    return AuditRecord(
        row=row,
        case_reference=reference,
        audit_date=audit_date,
        judgement=judgement,
        moderated_judgement=moderated,
        moderator=values.get("moderator", "")[:120],
        programme=values.get("programme", ""),
        team=values.get("team", ""),
        auditor=values.get("auditor", "")[:120],
        themes=themes,
    )
