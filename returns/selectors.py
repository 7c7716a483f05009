"""Reads for the import pages. Each takes the acting user; imports are for admins only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from accounts import access

from .models import ImportBatch, ImportFinding

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

FINDINGS_SHOWN = 200


def batches(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    access.require_admin(user)
    return ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")[:100]


@dataclass(frozen=True)
class BatchPage:
    batch: ImportBatch
    findings: list[ImportFinding]
    findings_total: int


def batch_page(user: User | AnonymousUser, batch_id: int) -> BatchPage:
    access.require_admin(user)
    try:
        batch = ImportBatch.objects.select_related(
            "created_by", "committed_by", "rolled_back_by"
        ).get(pk=batch_id)
    except ImportBatch.DoesNotExist as missing:
        raise Http404("There is no such import.") from missing
    findings = batch.findings.all()
    return BatchPage(batch, list(findings[:FINDINGS_SHOWN]), findings.count())


def batch_for_action(user: User | AnonymousUser, batch_id: int) -> ImportBatch:
    return batch_page(user, batch_id).batch
