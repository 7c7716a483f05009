"""Celery tasks of imports: thin wrappers that take ids and call one service.

The services queue them by name (indicators/queue.py), so that the two do not import each
other. Each is safe to run twice (Redis may deliver a task again after its visibility timeout): the
services do nothing for a batch already validated, committed or rolled back.

Each batch task first counts its attempt (`services.batch_work_start`), so that a task
delivered again after its worker died (tasks are acknowledged late, and a lost worker's task
is sent again) knows an earlier attempt never finished, and gives the batch up after
IMPORT_WORK_ATTEMPTS rather than killing worker after worker. A task that reaches its time
limit (CELERY_TASK_ANNOTATIONS in config/settings.py) or runs out of memory (a worker
process's memory is capped: WORKER_MEMORY_LIMIT_MB, config/celery.py) gives its batch up with
a message saying so; its transaction is undone, so nothing is half-written (docs/0009).
"""

import logging
from typing import Any

from celery import Task, current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts import access
from accounts.models import User
from indicators import services as figure_services

from . import services
from .models import ImportBatch
from .work_failures import work_failure_message

logger = logging.getLogger(__name__)

# What stops work that has gone on too long or grown too big, inside the work: the soft time
# limit's exception and the memory cap's (a worker process's address space is capped).
STOPPED = (SoftTimeLimitExceeded, MemoryError)
# The setting that holds each kind of work's time limits (its task: `services.WORK`).
TIME_LIMIT_SETTINGS = {
    "validate": "IMPORT_VALIDATE_TIME_LIMITS",
    "commit": "IMPORT_COMMIT_TIME_LIMITS",
    "rollback": "IMPORT_ROLLBACK_TIME_LIMITS",
}
# A task whose worker was lost is sent again after this many seconds (task_retry_on_worker_lost).
RETRY_AFTER_LOST_SECONDS = 5


def _duration(seconds: int) -> str:
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def _time_limit(work: str, stopped: BaseException) -> int:
    """The limit the work met, in seconds. The limits travel with each task's message, as the
    process that queued it had them (CELERY_TASK_ANNOTATIONS): the hard one is the killing
    exception's argument; the soft one is in the running task's request."""
    if isinstance(stopped, TimeLimitExceeded) and stopped.args:
        return int(stopped.args[0])
    task = current_app.tasks[services.WORK[work].task]
    sent = getattr(task.request, "timelimit", None)
    if sent and sent[1]:
        return int(sent[1])
    return int(task.soft_time_limit or 0)


def why_stopped(work: str, stopped: BaseException) -> str:
    """What stopped the work, in words an admin can act on."""
    doing = services.WORK[work].doing
    if isinstance(stopped, MemoryError):
        cap = settings.WORKER_MEMORY_LIMIT_MB
        held = f" (each worker process may use {cap} MB: WORKER_MEMORY_LIMIT_MB)" if cap else ""
        return (
            f"The worker ran out of memory while {doing}{held}, so it stopped: the file is "
            "too big for one import. Split it, or ask an administrator to raise the limit."
        )
    hard = isinstance(stopped, TimeLimitExceeded)
    limit = _time_limit(work, stopped)
    return (
        f"The worker stopped {doing} after {_duration(limit)}, its time limit "
        f"({TIME_LIMIT_SETTINGS[work]}){', and killed it' if hard else ''}. Split the file, or ask "
        "an administrator to raise the limit."
    )


def _give_up(batch_id: int, work: str, stopped: BaseException) -> None:
    """The work stopped at a limit: its transaction is undone; say so on the batch."""
    logger.error("Import batch %s: %s stopped (%r)", batch_id, work, stopped)
    # A time limit can interrupt the database driver mid-conversation: the bookkeeping
    # starts on a fresh connection (outside a transaction only; in-process there is none).
    if not connection.in_atomic_block:
        connection.close()
    why = why_stopped(work, stopped)
    if not services.batch_work_given_up(batch_id=batch_id, work=work, why=why):
        logger.warning("Import batch %s is held or has moved on: the sweep sees to it", batch_id)


class BatchTask(Task):  # type: ignore[type-arg]
    """A task that works on one batch, its first argument, for `work` ("validate", "commit"
    or "rollback"). At the hard time limit the worker kills the process running it and
    calls `on_failure` in its main process; the batch is given up there, saying so."""

    work = ""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        if isinstance(exc, TimeLimitExceeded) and args:
            try:
                _give_up(int(args[0]), self.work, exc)
            finally:
                # The main process forks new worker processes: it keeps no connection open.
                if not connection.in_atomic_block:
                    connection.close()


BATCH_TASK = {
    "base": BatchTask,
    "acks_late": True,
    "default_retry_delay": RETRY_AFTER_LOST_SECONDS,
    # Enough resends after lost workers for `batch_work_start` to count every attempt.
    "max_retries": settings.IMPORT_WORK_ATTEMPTS,
}


@shared_task(work="validate", **BATCH_TASK)
def validate_batch(batch_id: int) -> None:
    """Validate an uploaded batch. Idempotent: validating twice gives the same findings."""
    batch = services.batch_work_start(batch_id=batch_id, work="validate")
    if batch is None:
        return
    try:
        services.batch_validate(batch=batch)
    except STOPPED as stopped:
        _give_up(batch_id, "validate", stopped)
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
    if not ImportBatch.objects.filter(pk=batch_id).exists():
        return
    service, doing = {
        "commit": (services.batch_commit, "committed"),
        "rollback": (services.batch_rollback, "rolled back"),
    }[work]
    was = services.WORK[work].back_to
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
    batch = services.batch_work_start(batch_id=batch_id, work=work)
    if batch is None:
        return
    try:
        service(user=user, batch=batch)
    except STOPPED as stopped:
        _give_up(batch_id, work, stopped)
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
            message=work_failure_message(error, doing),
        )


def _reason(refusal: ValidationError | PermissionDenied) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


@shared_task(work="commit", **BATCH_TASK)
def commit_batch(batch_id: int, user_id: int) -> None:
    """Commit a batch marked committing, in one transaction."""
    _run(batch_id, user_id, "commit")


@shared_task(work="rollback", **BATCH_TASK)
def rollback_batch(batch_id: int, user_id: int) -> None:
    """Roll back a batch marked rolling back, in one transaction."""
    _run(batch_id, user_id, "rollback")


@shared_task(acks_late=True)
def sweep_stalled_batches() -> int:
    """Give up the work of batches whose worker is gone (Celery beat, every few minutes)."""
    return services.batches_stalled_fail()


@shared_task(acks_late=True)
def expire_return_files() -> int:
    """Delete statutory returns' files kept past IMPORT_RETURN_FILE_DAYS (Celery beat, daily)."""
    return services.return_files_expire()


@shared_task(acks_late=True)
def roll_up_figures_of(keys: list[list[int]]) -> int:
    """Derive the quarters and years of a spreadsheet import's figures (keys: [area id,
    indicator id, period id]). Imports now queue `indicators.tasks.roll_up_figures_many`,
    which does the same: this name stays for messages queued before an upgrade."""
    return figure_services.figures_roll_up_many(user=access.SYSTEM, keys=keys)
