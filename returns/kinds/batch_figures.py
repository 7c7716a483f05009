"""Figures a batch writes, and the record that lets a rollback restore them (`BatchChange`):
shared by the kinds that write figures (published data, statutory returns, spreadsheets of
figures). Figures are written through the indicators app's services, which keep the audit
trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef

from indicators import bulk
from indicators import services as figure_services

from ..models import BatchChange, ImportBatch
from ..progress import progress_report, stage_reporter
from .base import batch_reason, batch_rollback_reason

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

# The share of a commit's progress bar spent writing figures (reading the file comes first).
WRITING_FROM, WRITING_TO = 30, 90


def batch_figures_write(
    *,
    user: User | SystemActor,
    batch: ImportBatch,
    contents: Sequence[figure_services.FigureContent],
) -> None:
    """Write the figures, remembering what each replaced, and count what changed."""
    outcomes = figure_services.figures_import(
        user=user,
        contents=contents,
        reason=batch_reason(batch),
        progress=stage_reporter(
            batch.pk, start=WRITING_FROM, end=WRITING_TO, total=len(contents), verb="Committing"
        ),
    )
    progress_report(batch.pk, percent=WRITING_TO, note="Committing: keeping what to roll back")
    batch_changes_keep(batch=batch, changes=((o.figure_id, o.before, o.version) for o in outcomes))
    batch.new_count = sum(1 for o in outcomes if o.before is None)
    batch.changed_count = len(outcomes) - batch.new_count
    batch.unchanged_count = len(contents) - len(outcomes)


def batch_changes_keep(
    *, batch: ImportBatch, changes: Iterable[tuple[int, dict[str, Any] | None, int]]
) -> None:
    """Keep (figure id, state before, version after) for each figure the batch wrote."""
    bulk.insert_rows(
        BatchChange,
        ("batch_id", "figure_id", "before", "version"),
        ((batch.pk, figure_id, before, version) for figure_id, before, version in changes),
    )


def batch_figures_restore(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Put back every figure the batch changed and remove those it created; refused when one
    has changed since (a later import or an edit), so nothing newer is overwritten."""
    changes = batch.changes.filter(figure__isnull=False)
    since = changes.exclude(figure__version=F("version")).count()
    if since:
        raise ValidationError(
            f"{since} of this batch's figures have changed since it was committed (for "
            "example by a later import or a correction): roll that back first, or correct the "
            "figures instead."
        )
    progress_report(batch.pk, percent=30, note="Rolling back: restoring the figures")
    figure_services.figures_restore(
        user=user,
        figures=list(changes.values_list("figure_id", "before")),
        reason=batch_rollback_reason(batch),
    )
    # A figure restored to the state an earlier batch wrote holds that batch's figure again,
    # at the version after this rollback's (one more than this batch left it at): so that
    # earlier batch can still be rolled back in turn.
    restored_from = BatchChange.objects.filter(
        batch=batch,
        before__isnull=False,
        figure_id=OuterRef("figure_id"),
        version=OuterRef("version") + 1,
    )
    BatchChange.objects.exclude(batch=batch).filter(Exists(restored_from)).update(
        version=F("version") + 2
    )
