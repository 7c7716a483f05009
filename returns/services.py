"""State changes of import batches: upload, validate (a dry run), commit, reject, roll back.

This is the batch core: it keeps the file, locks the batch, checks the acting user, keeps the
findings, reports progress and hands work to a worker. What a batch's file holds and how it is
written is its kind's (`returns.kinds`): the core asks the kind's handler to check an upload,
to validate, to commit and to roll back, so validating and committing read the same file the
same way. Figures are written through the indicators app's services, which keep the audit
trail. The published kind's mappings services are given here too, as every caller knows them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify

from accounts import access
from accounts.access import SystemActor
from indicators.queue import task_queue_on_commit, task_waiting

from .findings import Finding
from .kinds import handler_for
from .kinds.base import batch_actor_require
from .kinds.published import current_mappings, mappings_load
from .kinds.statutory import return_file_delete
from .kinds.statutory_rules import may_commit_with_rule_errors, rule_rows, structural_errors
from .memory import gc_paused
from .models import (
    AUTHORITY_SHEET_KINDS,
    RETURN_KINDS,
    BatchStatus,
    ImportBatch,
    ImportFinding,
    ImportKind,
)
from .progress import progress_clear, progress_report
from .uploads import RefusedUpload, max_upload_bytes

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from indicators.models import Area

__all__ = [
    "batch_commit",
    "batch_commit_request",
    "batch_create",
    "batch_fail",
    "batch_reject",
    "batch_retry",
    "batch_rollback",
    "batch_rollback_request",
    "batch_validate",
    "batch_work_failed",
    "batch_work_given_up",
    "batch_work_start",
    "batches_stalled_fail",
    "current_mappings",
    "mappings_load",
    "return_files_expire",
]

# Findings kept on a batch: beyond this a file is badly wrong and the count says so.
FINDINGS_KEPT = 1000


@transaction.atomic
def batch_create(
    *,
    user: User | SystemActor,
    kind: str,
    upload: UploadedFile[bytes],
    note: str = "",
    authority: Area | None = None,
    collection_year: int | None = None,
    population: int | None = None,
) -> ImportBatch:
    """Keep an uploaded file as a new batch, refusing it before it is read if it is too big
    or empty. Validation follows (in a worker when one is configured)."""
    if kind not in ImportKind.values:
        raise ValidationError(f"{kind!r} is not a kind of import.")
    access.require_import_batch(
        user, authority=authority, officers_may=kind in AUTHORITY_SHEET_KINDS
    )
    size = upload.size or 0
    limit = max_upload_bytes()
    if size > limit:
        reached = "more than " if isinstance(upload, RefusedUpload) else ""
        raise ValidationError(
            f"{upload.name} is {reached}{filesizeformat(size)}: files over "
            f"{filesizeformat(limit)} are refused. Split the file, or ask an administrator "
            "to raise IMPORT_MAX_BYTES."
        )
    if size == 0:
        raise ValidationError(f"{upload.name} is empty.")
    handler_for(kind).check_upload(authority=authority, collection_year=collection_year)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    batch = ImportBatch(
        kind=kind,
        file_name=(upload.name or "upload")[:255],
        size=size,
        sha256=digest.hexdigest(),
        note=note[:255],
        created_by=access.person(user),
        authority=authority,
        collection_year=collection_year,
        population=population,
        working_since=timezone.now(),
    )
    batch.file.save(slugify(batch.file_name) or "upload", upload, save=False)
    batch.save()
    task_queue_on_commit("returns.tasks.validate_batch", batch.pk)
    return batch


def _findings_keep(batch: ImportBatch, findings: Sequence[Finding], not_listed: int) -> None:
    batch.findings.all().delete()
    ImportFinding.objects.bulk_create(
        ImportFinding(
            batch=batch,
            row=finding.row,
            column=finding.column[:120],
            message=finding.message,
            severity=str(finding.severity),
        )
        for finding in list(findings)[:FINDINGS_KEPT]
    )
    errors = sum(1 for finding in findings if finding.is_error)
    batch.error_count = errors + not_listed
    batch.warning_count = sum(1 for finding in findings if not finding.is_error)


@transaction.atomic
def batch_validate(*, batch: ImportBatch) -> ImportBatch:
    """The dry run: read the file, keep its findings, and count what a commit would create,
    change and leave alone. Writes nothing but the batch itself; does nothing for a batch
    past validation.

    It takes no acting user: it is the system finishing the upload that `batch_create`
    checked, run by the worker for every new batch, and it writes nothing outside the batch
    (its findings and counts; a return's file is deleted, or kept for its error report while
    in review, as privacy allows: `returns.kinds.statutory`)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.VALIDATING, BatchStatus.READY):
        # A second delivery of the task after the batch has moved on (committing, committed,
        # rejected...): validating again would undo nothing and must not mark it failed.
        return batch
    if batch.derived is not None:
        # A return is derived once, and its file deleted: a second delivery of the task has
        # nothing left to do.
        return batch
    progress_report(batch.pk, percent=5, note="Reading the file")
    with gc_paused():
        preview = handler_for(batch.kind).validate(batch)
    _findings_keep(batch, preview.findings, preview.not_listed)
    # A statutory return's DfE rule failures are counted per rule, not listed as findings:
    # its rows count among the batch's errors and warnings all the same.
    batch.error_count += rule_rows(batch.rule_counts, "error")
    batch.warning_count += rule_rows(batch.rule_counts, "warning")
    batch.rows_read = preview.rows_read
    batch.new_count, batch.changed_count = preview.new, preview.changed
    batch.unchanged_count = preview.unchanged
    batch.status = BatchStatus.READY
    batch.progress = 100
    batch.save()
    transaction.on_commit(partial(progress_clear, batch.pk))
    return batch


def _hand_to_worker(
    batch: ImportBatch, user: User | SystemActor, status: str, task: str
) -> ImportBatch:
    """Mark the (locked) batch as being worked on and queue the task once this transaction
    has committed, so the worker reads the batch as marked. The worker acts for `user` (the
    task carries their id), so the service it runs checks them again. The system has no id
    to hand a task: it commits and rolls back by calling `batch_commit` and `batch_rollback`."""
    who = access.person(user)
    if who is None:
        raise TypeError("Only a person asks a worker to commit or roll back a batch.")
    batch.status = status
    batch.message = ""
    batch.attempts = 0
    batch.working_since = timezone.now()
    batch.save(update_fields=["status", "message", "attempts", "working_since"])
    progress_report(batch.pk, percent=0, note="Waiting for a worker")
    task_queue_on_commit(f"returns.tasks.{task}", batch.pk, who.pk)
    return batch


def _locked_for(user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """The batch's row, locked until commit, once `user` may act on it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    batch_actor_require(user=user, batch=batch)
    return batch


def _refused_commit(batch: ImportBatch) -> ValidationError:
    return ValidationError(
        "Only a validated batch with no errors can be committed: this one is "
        f"{batch.get_status_display().lower()} with {batch.error_count} errors."
    )


@transaction.atomic
def batch_commit_request(
    *, user: User | SystemActor, batch: ImportBatch, accept_rule_errors: bool = False
) -> ImportBatch:
    """Ask for a validated batch to be committed: it is marked committing and a worker commits
    it (in-process with the embedded default), reporting its progress as it goes.

    A statutory return whose only errors are DfE rule failures is committed only when an
    admin accepts them (`accept_rule_errors`, what the review page's confirmation sends): who
    and when are kept on the batch. An error in the file's structure is never accepted."""
    batch = _locked_for(user, batch)
    if batch.can_commit:
        return _hand_to_worker(batch, user, BatchStatus.COMMITTING, "commit_batch")
    if not may_commit_with_rule_errors(batch):
        raise _refused_commit(batch)
    if not accept_rule_errors:
        raise ValidationError(
            f"This return has {batch.error_count} DfE rule error"
            f"{'s' if batch.error_count != 1 else ''}: confirm that you accept them to commit "
            "it, and its figures will be marked as affected."
        )
    access.require_admin_actor(user, doing="commit a return with known errors")
    batch.errors_accepted_by = access.person(user)
    batch.errors_accepted_at = timezone.now()
    batch.save(update_fields=["errors_accepted_by", "errors_accepted_at"])
    return _hand_to_worker(batch, user, BatchStatus.COMMITTING, "commit_batch")


def _errors_accepted(batch: ImportBatch) -> bool:
    """A return whose only errors are DfE rule failures, accepted by an admin."""
    return (
        batch.errors_accepted_at is not None
        and batch.rule_counts is not None
        and structural_errors(batch) == 0
    )


@transaction.atomic
def batch_commit(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Write the batch's figures in one transaction, remembering what each replaced. Run by
    the worker for a batch marked committing, acting for whoever asked; committing a committed
    batch again (a task delivered twice) does nothing. A batch with errors is committed only
    when they are DfE rule failures an admin accepted (`batch_commit_request`)."""
    batch = _locked_for(user, batch)
    if batch.status == BatchStatus.COMMITTED:
        return batch
    if batch.status not in (BatchStatus.READY, BatchStatus.COMMITTING) or (
        batch.error_count and not _errors_accepted(batch)
    ):
        raise _refused_commit(batch)
    progress_report(batch.pk, percent=2, note="Reading the file again")
    with gc_paused():
        handler_for(batch.kind).commit(user=user, batch=batch)
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.committed_by = access.person(user)
    batch.progress = 100
    batch.save()
    transaction.on_commit(partial(progress_clear, batch.pk))
    return batch


@transaction.atomic
def batch_reject(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Decide not to commit a validated batch, or one whose validation failed. Nothing was
    written, and nothing will be. A statutory return's file, if still kept (for its error
    report, or because its validation failed before deriving it), is deleted: child-level data
    does not outlive the review."""
    batch = _locked_for(user, batch)
    if not batch.may_reject:
        raise ValidationError(
            f"This batch is {batch.status_label.lower()}: only a batch that is ready to "
            "commit, has errors or failed validation can be rejected."
        )
    batch.status = BatchStatus.REJECTED
    fields = ["status"]
    handler_for(batch.kind).reject(batch)
    if batch.kind in RETURN_KINDS and batch.file.name:
        return_file_delete(batch)
        fields.append("file")
    batch.save(update_fields=fields)
    return batch


def _file_kept(batch: ImportBatch) -> bool:
    name = batch.file.name
    return bool(name) and batch.file.storage.exists(name or "")


RETURN_FILE_GONE = (
    "Its file was deleted when it was read, as a return's child-level data is not kept, so "
    "it cannot be validated again: upload the file again, and reject this batch."
)


@transaction.atomic
def batch_retry(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Validate again a batch whose validation failed (its worker died, or the reader
    stopped on something it did not expect): it goes back to validating and a worker reads
    its file afresh. Refused when the file is no longer kept (a statutory return's file is
    deleted once read)."""
    batch = _locked_for(user, batch)
    if not batch.may_retry:
        raise ValidationError(
            f"This batch is {batch.status_label.lower()}: only a batch whose validation failed "
            "can be validated again."
        )
    if not _file_kept(batch):
        raise ValidationError(RETURN_FILE_GONE)
    batch.findings.all().delete()
    batch.status = BatchStatus.VALIDATING
    batch.message = ""
    batch.progress = 0
    batch.attempts = 0
    batch.working_since = timezone.now()
    batch.save(update_fields=["status", "message", "progress", "attempts", "working_since"])
    progress_report(batch.pk, percent=0, note="Waiting for a worker")
    task_queue_on_commit("returns.tasks.validate_batch", batch.pk)
    return batch


@transaction.atomic
def batch_rollback_request(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Ask for a committed batch to be rolled back: it is marked rolling back and a worker does
    it (in-process with the embedded default). A rollback the worker refuses (something has
    changed since) leaves the batch committed, with the reason as its message."""
    batch = _locked_for(user, batch)
    if batch.status != BatchStatus.COMMITTED:
        raise ValidationError("Only a committed batch can be rolled back.")
    return _hand_to_worker(batch, user, BatchStatus.ROLLING_BACK, "rollback_batch")


@transaction.atomic
def batch_rollback(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Undo a committed batch: restore every figure it changed and remove those it created.
    Refused when a figure has changed since (a later import or an edit), so nothing newer is
    overwritten. Rolling back a rolled-back batch again (a task delivered twice) does nothing.
    Run by the worker, acting for whoever asked."""
    batch = _locked_for(user, batch)
    if batch.status == BatchStatus.ROLLED_BACK:
        return batch
    if batch.status not in (BatchStatus.COMMITTED, BatchStatus.ROLLING_BACK):
        raise ValidationError("Only a committed batch can be rolled back.")
    progress_report(batch.pk, percent=5, note="Rolling back: checking nothing has changed since")
    with gc_paused():
        handler_for(batch.kind).rollback(user=user, batch=batch)
    batch.status = BatchStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = access.person(user)
    batch.save()
    transaction.on_commit(partial(progress_clear, batch.pk))
    return batch


def batch_work_failed(*, batch_id: int, status: str, message: str) -> None:
    """After a commit or rollback failed in the worker (its transaction undone, so nothing was
    written), put the batch back as it was, saying why. The worker's own bookkeeping, with
    no acting user: it undoes the mark its request made, so it leaves alone a batch no longer
    marked (a task delivered again after the work was done, then refused)."""
    ImportBatch.objects.filter(
        pk=batch_id, status__in=(BatchStatus.COMMITTING, BatchStatus.ROLLING_BACK)
    ).update(status=status, message=message[:2000], working_since=None)
    progress_clear(batch_id)


def batch_fail(*, batch_id: int, message: str) -> None:
    """Mark a batch whose validation crashed, with a message a person can act on. The
    worker's own bookkeeping, as `batch_validate` is, with no acting user. A batch that has
    moved on since (a late delivery of the task) is left alone."""
    ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.VALIDATING).update(
        status=BatchStatus.FAILED, message=message[:2000], working_since=None
    )
    progress_clear(batch_id)


# --- When the work on a batch dies (docs/0009, "Batch states and their ways out") -----------


@dataclass(frozen=True)
class Work:
    """One kind of work a worker does on a batch: the status the batch has while it is
    done, the status it goes back to when the work dies having written nothing (its
    transaction undone), what it is called in messages, what the admin may do next, and the
    task that does it."""

    status: str
    back_to: str
    doing: str
    next_step: str
    task: str


WORK = {
    "validate": Work(
        BatchStatus.VALIDATING,
        BatchStatus.FAILED,
        "validating this file",
        "Nothing was written. Validate it again, or reject it.",
        "returns.tasks.validate_batch",
    ),
    "commit": Work(
        BatchStatus.COMMITTING,
        BatchStatus.READY,
        "committing this batch",
        "Nothing was written: every figure is as it was before. Commit it again, or reject it.",
        "returns.tasks.commit_batch",
    ),
    "rollback": Work(
        BatchStatus.ROLLING_BACK,
        BatchStatus.COMMITTED,
        "rolling back this batch",
        "Nothing was changed: the batch is still committed. Roll it back again.",
        "returns.tasks.rollback_batch",
    ),
}
WORK_OF_STATUS = {work.status: work for work in WORK.values()}
# A delivery counts its attempt, commits the count and then takes the batch's lock for the
# work: for that moment the batch is held by no one although its work is alive.
STARTED_GRACE = timedelta(minutes=1)
# How long a delivery waits for the batch's lock when a page or the sweep holds it a moment.
LOCK_WAIT_SECONDS = 10


def _lock_wait_at_most(seconds: float) -> None:
    """Make a row lock taken in this transaction wait at most `seconds`, then fail. Only
    PostgreSQL has row locks to wait for; SQLite (the embedded default) locks the whole
    database and needs nothing here."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'")


def _locked_or_none(batch_id: int, *, wait: float) -> ImportBatch | None:
    """The batch's row, locked until this transaction ends; None when the batch has gone or
    another transaction (a worker at work on it) kept its lock longer than `wait` seconds."""
    try:
        with transaction.atomic():
            _lock_wait_at_most(wait)
            return ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    except OperationalError:
        return None


def _next_step(batch: ImportBatch, work: Work) -> str:
    if work.status == BatchStatus.VALIDATING and not _file_kept(batch):
        return f"Nothing was written. {RETURN_FILE_GONE}"
    return work.next_step


def _work_given_up(batch: ImportBatch, work: Work, why: str) -> None:
    """Put a batch (locked) whose work died back where it may be acted on, saying why."""
    batch.status = work.back_to
    batch.message = f"{why} {_next_step(batch, work)}"[:2000]
    batch.working_since = None
    batch.save(update_fields=["status", "message", "working_since"])
    transaction.on_commit(partial(progress_clear, batch.pk))


def batch_work_start(*, batch_id: int, work: str) -> ImportBatch | None:
    """A delivery of a batch's task, before it works: count the attempt, and commit the
    count, so that a later delivery knows this one began. The batch to work on, or None:
    the batch has gone or moved on (done, rejected, or given up by the sweep), another
    worker holds it, or IMPORT_WORK_ATTEMPTS earlier deliveries began and none finished. The
    last is a file that kills its worker (out of memory, say): since tasks are acknowledged
    late and a lost worker's task is delivered again, it would otherwise do so for ever, so
    the batch is marked here, with what happened, rather than worked again."""
    spec = WORK[work]
    with transaction.atomic():
        batch = _locked_or_none(batch_id, wait=LOCK_WAIT_SECONDS)
        if batch is None or batch.status != spec.status:
            return None
        if batch.attempts >= max(1, settings.IMPORT_WORK_ATTEMPTS):
            times = "once" if batch.attempts == 1 else f"{batch.attempts} times"
            _work_given_up(
                batch,
                spec,
                f"The worker stopped while {spec.doing} ({times}, without finishing), so it "
                "was not tried again: the file may need more memory or time than a worker "
                "has (the worker's log says which).",
            )
            return None
        batch.attempts += 1
        batch.working_since = timezone.now()
        batch.save(update_fields=["attempts", "working_since"])
    return batch


def batch_work_given_up(*, batch_id: int, work: str, why: str) -> bool:
    """The worker gave up the work on a batch (a time or memory limit): its transaction was
    undone, so the batch goes back where it may be acted on, saying why and what was not
    written. False when the batch could not be had (still held: the sweep will see to it) or
    has moved on. The worker's own bookkeeping, with no acting user."""
    spec = WORK[work]
    with transaction.atomic():
        batch = _locked_or_none(batch_id, wait=2)
        if batch is None or batch.status != spec.status:
            return False
        _work_given_up(batch, spec, why)
    return True


def batches_stalled_fail(
    *, batch_ids: Sequence[int] | None = None, now: datetime | None = None
) -> int:
    """Give up the work of every batch (or of `batch_ids`) whose worker is gone, and say so:
    a batch validating, committing or rolling back whose row no transaction holds (the work
    holds it from start to end, and PostgreSQL releases it when a worker dies) and which no
    worker has started within IMPORT_STALLED_MINUTES of asking (its task lost, or no worker
    running; a task still waiting in the outbox for the broker is not lost), or whose last
    attempt began over a minute ago. A validation becomes failed; a
    commit goes back to ready to commit, a rollback to committed, as neither wrote anything.
    Run by Celery beat every few minutes and when a batch's page is read. The system's
    bookkeeping: no acting user. Returns how many batches it gave up."""
    now = now or timezone.now()
    minutes = settings.IMPORT_STALLED_MINUTES
    stalled = (
        Q(attempts=0, working_since__lt=now - timedelta(minutes=minutes))
        | Q(attempts__gt=0, working_since__lt=now - STARTED_GRACE)
        | Q(working_since__isnull=True)
    )
    given_up = 0
    with transaction.atomic():
        batches = ImportBatch.objects.select_for_update(skip_locked=True).filter(
            stalled, status__in=list(WORK_OF_STATUS)
        )
        if batch_ids is not None:
            batches = batches.filter(pk__in=batch_ids)
        for batch in batches:
            spec = WORK_OF_STATUS[batch.status]
            if not batch.attempts and task_waiting(spec.task, batch.pk):
                continue  # not lost: its task waits in the outbox for the broker to be back
            if batch.attempts:
                why = (
                    f"The worker stopped while {spec.doing}, without finishing: it was "
                    "stopped or restarted, ran out of memory or time, or was killed (the "
                    "worker's log says which)."
                )
            else:
                why = (
                    f"No worker started {spec.doing} within {minutes} minutes of it being "
                    "asked for: its task may have been lost (the broker's queue was cleared), "
                    "or the workers are stopped or busy."
                )
            _work_given_up(batch, spec, why)
            given_up += 1
    return given_up


def return_files_expire(*, now: datetime | None = None) -> int:
    """Delete the file of every statutory return uploaded more than IMPORT_RETURN_FILE_DAYS
    ago that still holds one (kept for its error report while in review, or left by a
    validation that failed): child-level data is not kept past a stated time, whatever
    became of the batch. The batch keeps its aggregates and rule counts, so a validated
    return may still be committed; its error report is gone. Run by Celery beat daily. The
    system's bookkeeping: no acting user. Returns how many files it deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IMPORT_RETURN_FILE_DAYS)
    deleted = 0
    with transaction.atomic():
        batches = (
            ImportBatch.objects.select_for_update(skip_locked=True)
            .filter(kind__in=RETURN_KINDS, created_at__lt=cutoff)
            .exclude(file="")
            .exclude(status__in=list(WORK_OF_STATUS))  # a worker is reading it
        )
        for batch in batches:
            return_file_delete(batch)
            batch.save(update_fields=["file"])
            deleted += 1
    return deleted
