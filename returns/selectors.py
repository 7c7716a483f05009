"""Reads for the import pages. Each takes the acting user; imports are for admins only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from accounts import access

from .models import BatchStatus, ImportBatch, ImportFinding
from .progress import progress_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

FINDINGS_SHOWN = 200


def batches(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    access.require_admin(user)
    return ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")[:100]


# While a batch is in one of these, a worker is on it and the page follows its progress.
WORKING = (BatchStatus.VALIDATING, BatchStatus.COMMITTING, BatchStatus.ROLLING_BACK)


@dataclass(frozen=True)
class BatchProgress:
    status: str
    status_label: str
    working: bool
    percent: int
    note: str

    def as_json(self) -> dict[str, str | int | bool]:
        return {
            "status": self.status,
            "status_label": self.status_label,
            "working": self.working,
            "percent": self.percent,
            "note": self.note,
        }


def _progress(batch: ImportBatch) -> BatchProgress:
    working = batch.status in WORKING
    reported = progress_of(batch.pk) if working else None
    if working:
        percent = reported.percent if reported else 0
        note = reported.note if reported else "Waiting for a worker"
    else:
        percent, note = 100, ""
    return BatchProgress(batch.status, batch.get_status_display(), working, percent, note)


@dataclass(frozen=True)
class BatchPage:
    batch: ImportBatch
    findings: list[ImportFinding]
    findings_total: int
    progress: BatchProgress


def batch_page(user: User | AnonymousUser, batch_id: int) -> BatchPage:
    access.require_admin(user)
    try:
        batch = ImportBatch.objects.select_related(
            "created_by", "committed_by", "rolled_back_by"
        ).get(pk=batch_id)
    except ImportBatch.DoesNotExist as missing:
        raise Http404("There is no such import.") from missing
    findings = batch.findings.all()
    return BatchPage(batch, list(findings[:FINDINGS_SHOWN]), findings.count(), _progress(batch))


def batch_progress(user: User | AnonymousUser, batch_id: int) -> BatchProgress:
    access.require_admin(user)
    batch = ImportBatch.objects.filter(pk=batch_id).only("status").first()
    if batch is None:
        raise Http404("There is no such import.")
    return _progress(batch)


def batch_for_action(user: User | AnonymousUser, batch_id: int) -> ImportBatch:
    return batch_page(user, batch_id).batch
