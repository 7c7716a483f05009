"""Celery tasks of imports: thin wrappers that take ids and call one service.

The services queue them by name (indicators/queue.py), so that the two do not import each
other. Each is safe to run twice (Redis may deliver a task again after its visibility timeout): the
services do nothing for a batch already validated, committed or rolled back.
"""

import logging

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import access
from accounts.models import User

from . import services
from .kinds.spreadsheet_figures import figures_roll_up_many
from .models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def validate_batch(batch_id: int) -> None:
    """Validate an uploaded batch. Idempotent: validating twice gives the same findings."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    try:
        services.batch_validate(batch=batch)
    except Exception as error:
        # The person who uploaded the file sees why on the batch's page.
        logger.exception("Validating import batch %s failed", batch_id)
        services.batch_fail(
            batch_id=batch_id,
            message=f"The file could not be validated ({type(error).__name__}: {error}).",
        )


def _run(batch_id: int, user_id: int, work: str) -> None:
    """Commit or roll back a batch for the person who asked: the service checks them again,
    as it stands when the worker runs (an account closed or a membership ended since is
    refused). If the work is refused or fails, its transaction has written nothing: the
    batch goes back to where it was, saying why."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    service, was, doing = {
        "commit": (services.batch_commit, BatchStatus.READY, "committed"),
        "rollback": (services.batch_rollback, BatchStatus.COMMITTED, "rolled back"),
    }[work]
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        # Otherwise the batch would wait for ever for an account that has gone.
        services.batch_work_failed(
            batch_id=batch_id,
            status=was,
            message=f"The batch was not {doing}: the account that asked for it no longer "
            "exists. Ask again.",
        )
        return
    try:
        service(user=user, batch=batch)
    except (ValidationError, PermissionDenied) as refusal:
        services.batch_work_failed(
            batch_id=batch_id,
            status=was,
            message=f"The batch was not {doing}: {_reason(refusal)}",
        )
    except Exception as error:
        logger.exception("Import batch %s could not be %s", batch_id, doing)
        services.batch_work_failed(
            batch_id=batch_id,
            status=was,
            message=f"The batch could not be {doing}, and nothing was changed "
            f"({type(error).__name__}: {error}). Try again, or ask an administrator.",
        )


def _reason(refusal: ValidationError | PermissionDenied) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


@shared_task(acks_late=True)
def commit_batch(batch_id: int, user_id: int) -> None:
    """Commit a batch marked committing, in one transaction."""
    _run(batch_id, user_id, "commit")


@shared_task(acks_late=True)
def rollback_batch(batch_id: int, user_id: int) -> None:
    """Roll back a batch marked rolling back, in one transaction."""
    _run(batch_id, user_id, "rollback")


@shared_task(acks_late=True)
def roll_up_figures_of(keys: list[list[int]]) -> int:
    """Derive the quarters and years of a spreadsheet import's monthly and quarterly figures
    (keys: [area id, indicator id, period id]). Idempotent, as each roll-up is. The system
    rolls up, as after data entry: the import that queued it was checked when committed."""
    return figures_roll_up_many(user=access.SYSTEM, keys=keys)
