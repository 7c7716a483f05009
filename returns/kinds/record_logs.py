"""The imports of an authority's own record logs (`ImportKind.AUDIT_LOG`,
`ImportKind.COMPLAINTS_LOG`): its case audit results (the audits app)
and its complaints log (the complaints app).

Each app owns its log: the columns, a pure parser that returns records and row-level
findings, a check against what is stored, a commit service and a rollback service. This module
puts them through the import-batch machinery every other import uses: the file is kept and
hashed, validation is a dry run whose findings are listed row by row, the commit is one
transaction (the batch's), and the records a batch wrote are kept as `SheetChange` rows so a
rollback removes exactly them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators.models import Area

from .. import spreadsheets
from ..findings import Finding, Severity
from ..limits import import_limits
from ..models import ImportBatch, ImportKind, SheetChange
from .base import ImportHandler, Preview, batch_actor_require, batch_file_open

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

# (row, column, message, "error" or "warning"): the findings the apps' parsers return.
LogFinding = tuple[int, str, str, str]


@dataclass(frozen=True)
class RecordLog:
    """How one app's log goes through a batch."""

    table: str  # kept on each SheetChange: which records a rollback removes
    sheet: str  # the workbook's sheet read when it has one of this name, else its first
    noun: str  # "case audits"
    # (rows, header, authority) -> records and findings
    parse: Callable[[list[dict[str, str]], list[str], Area], tuple[list[Any], list[LogFinding]]]
    check: Callable[[Area, Sequence[Any]], list[LogFinding]]
    commit: Callable[[User | SystemActor, Area, Sequence[Any]], list[int]]
    # (actor, authority, ids of the records the batch wrote, the log's file name)
    rollback: Callable[[User | SystemActor, Area, list[int], str], None]


def _audit_log() -> RecordLog:
    from audits import logs, services

    def parse(
        rows: list[dict[str, str]], header: list[str], _authority: Area
    ) -> tuple[list[Any], list[LogFinding]]:
        parsed = logs.parse_audit_log(rows, today=timezone.localdate(), header=header)
        return list(parsed.records), list(parsed.findings)

    return RecordLog(
        table="case_audit",
        sheet="audits",
        noun="case audits",
        parse=parse,
        check=lambda authority, records: services.audit_log_check(
            authority=authority, records=records
        ),
        commit=lambda user, authority, records: services.audit_log_commit(
            user=user, authority=authority, records=records
        ),
        rollback=lambda user, authority, ids, file_name: services.audit_log_rollback(
            user=user, authority=authority, audit_ids=ids, file_name=file_name
        ),
    )


def _complaints_log() -> RecordLog:
    from complaints import logs, services
    from complaints.models import Complaint

    def parse(
        rows: list[dict[str, str]], _header: list[str], authority: Area
    ) -> tuple[list[Any], list[LogFinding]]:
        # The parser checks references against the stored log itself.
        stored = Complaint.objects.filter(authority=authority).values_list("reference", flat=True)
        parsed = logs.parse_complaints_log(
            rows, existing_references=set(stored), today=timezone.localdate()
        )
        return list(parsed.records), [
            (finding.row_number, finding.column, finding.message, finding.severity)
            for finding in parsed.findings
        ]

    return RecordLog(
        table="complaint",
        sheet="complaints",
        noun="complaints",
        parse=parse,
        check=lambda _authority, _records: [],
        commit=lambda user, authority, records: services.complaint_log_commit(
            user=user, authority=authority, records=records
        ),
        rollback=lambda user, authority, ids, file_name: services.complaint_log_rollback(
            user=user, authority=authority, complaint_ids=ids, file_name=file_name
        ),
    )


# The apps are asked only when a log is imported, so that `returns` does not load them at
# start-up for every other kind of import.
LOGS: dict[str, Callable[[], RecordLog]] = {
    ImportKind.AUDIT_LOG: _audit_log,
    ImportKind.COMPLAINTS_LOG: _complaints_log,
}


def _log(batch: ImportBatch) -> RecordLog:
    return LOGS[batch.kind]()


def _rows(
    batch: ImportBatch, log: RecordLog
) -> tuple[list[dict[str, str]], list[str], list[Finding]]:
    """The file's rows as the apps' parsers take them: a dict by header cell, every value as
    text (dates as yyyy-mm-dd), in file order; and what reading the file itself found."""
    with batch_file_open(batch) as source:
        table = spreadsheets.read_table(source, batch.file_name, log.sheet, import_limits())
    header = [str(name) for name in table.header]
    rows = [
        {name: _text(cell) for name, cell in zip(header, cells, strict=False)}
        for _number, cells in table.rows
    ]
    return rows, header, table.findings


def _text(cell: spreadsheets.Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, spreadsheets.CellError):
        return cell.text  # "#N/A": the parser says it is not a date or a judgement
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _findings(found: Sequence[LogFinding]) -> list[Finding]:
    return [
        Finding(row, column, message, Severity.ERROR if severity == "error" else Severity.WARNING)
        for row, column, message, severity in found
    ]


def _authority(batch: ImportBatch) -> Area:
    if batch.authority is None:
        raise ValidationError("A log is imported for one authority: choose it.")
    return batch.authority


def _plan(batch: ImportBatch) -> tuple[RecordLog, list[Any], list[Finding], int]:
    authority = _authority(batch)
    log = _log(batch)
    rows, header, reading = _rows(batch, log)
    if any(finding.is_error for finding in reading):
        return log, [], reading, len(rows)
    records, found = log.parse(rows, header, authority)
    findings = [*reading, *_findings(found)]
    if records and not any(finding.is_error for finding in findings):
        findings += _findings(log.check(authority, records))
    return log, records, findings, len(rows)


def log_preview(batch: ImportBatch) -> Preview:
    """The dry run: the log's findings, and how many records a commit would add."""
    _log_kind, records, findings, rows = _plan(batch)
    return Preview(findings=findings, rows_read=rows, new=len(records), changed=0, unchanged=0)


def log_commit(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Write the log's records (in the caller's transaction), keeping which ones, so that a
    rollback removes exactly them. Checks again that `user` may act on the batch (as
    `batch_commit` does before calling it)."""
    batch_actor_require(user=user, batch=batch)
    log, records, findings, _rows_read = _plan(batch)
    if any(finding.is_error for finding in findings):
        raise ValidationError(
            f"The log no longer validates against the stored {log.noun}: validate it again."
        )
    created = log.commit(user, _authority(batch), records)
    SheetChange.objects.bulk_create(
        SheetChange(batch=batch, table=log.table, object_id=pk, before=None, after={})
        for pk in created
    )
    batch.new_count, batch.changed_count, batch.unchanged_count = len(created), 0, 0


def log_rollback(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Remove the records the batch wrote (their summaries are derived again), for a user
    who may act on the batch."""
    batch_actor_require(user=user, batch=batch)
    log = _log(batch)
    ids = list(batch.sheet_changes.filter(table=log.table).values_list("object_id", flat=True))
    log.rollback(user, _authority(batch), ids, batch.file_name)


class RecordLogImport(ImportHandler):
    """Either log: the batch's kind says which (`LOGS`)."""

    def check_upload(self, *, authority: Area | None, collection_year: int | None) -> None:
        if authority is None or not authority.is_authority:
            raise ValidationError("Choose the authority whose log this is.")

    def validate(self, batch: ImportBatch) -> Preview:
        return log_preview(batch)

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        log_commit(user=user, batch=batch)

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        log_rollback(user=user, batch=batch)


HANDLER = RecordLogImport()
