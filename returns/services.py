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
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify

from accounts import access
from accounts.access import SystemActor
from indicators.queue import task_queue_on_commit

from .findings import Finding
from .kinds import handler_for
from .kinds.base import batch_actor_require
from .kinds.published import current_mappings, mappings_load
from .memory import gc_paused
from .models import (
    AUTHORITY_SHEET_KINDS,
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
    "batch_rollback",
    "batch_rollback_request",
    "batch_validate",
    "batch_work_failed",
    "current_mappings",
    "mappings_load",
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
    (its findings and counts; a return's file is deleted, as privacy requires)."""
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
    batch.save(update_fields=["status", "message"])
    progress_report(batch.pk, percent=0, note="Waiting for a worker")
    task_queue_on_commit(f"returns.tasks.{task}", batch.pk, who.pk)
    return batch


def _locked_for(user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """The batch's row, locked until commit, once `user` may act on it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    batch_actor_require(user=user, batch=batch)
    return batch


@transaction.atomic
def batch_commit_request(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Ask for a validated batch to be committed: it is marked committing and a worker commits
    it (in-process with the embedded default), reporting its progress as it goes."""
    batch = _locked_for(user, batch)
    if not batch.can_commit:
        raise ValidationError(
            "Only a validated batch with no errors can be committed: this one is "
            f"{batch.get_status_display().lower()} with {batch.error_count} errors."
        )
    return _hand_to_worker(batch, user, BatchStatus.COMMITTING, "commit_batch")


@transaction.atomic
def batch_commit(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Write the batch's figures in one transaction, remembering what each replaced. Run by
    the worker for a batch marked committing, acting for whoever asked; committing a committed
    batch again (a task delivered twice) does nothing."""
    batch = _locked_for(user, batch)
    if batch.status == BatchStatus.COMMITTED:
        return batch
    if batch.status not in (BatchStatus.READY, BatchStatus.COMMITTING) or batch.error_count:
        raise ValidationError(
            "Only a validated batch with no errors can be committed: this one is "
            f"{batch.get_status_display().lower()} with {batch.error_count} errors."
        )
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
    """Decide not to commit a validated batch. Nothing was written, and nothing will be."""
    batch = _locked_for(user, batch)
    if batch.status not in (BatchStatus.READY, BatchStatus.FAILED):
        raise ValidationError(f"This batch is {batch.get_status_display().lower()}.")
    batch.status = BatchStatus.REJECTED
    batch.save(update_fields=["status"])
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
    ).update(status=status, message=message[:2000])
    progress_clear(batch_id)


def batch_fail(*, batch_id: int, message: str) -> None:
    """Mark a batch whose validation crashed, with a message a person can act on. The
    worker's own bookkeeping, as `batch_validate` is, with no acting user."""
    ImportBatch.objects.filter(pk=batch_id).update(
        status=BatchStatus.FAILED, message=message[:2000]
    )
