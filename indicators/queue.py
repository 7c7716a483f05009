"""Queueing Celery tasks: found by name, and kept in an outbox until the broker has them.

A service queues a task, and the task calls the service: were the service to import the task
module, the two would import each other. So a service names the task instead
(`"indicators.tasks.rebuild_dashboard"`) and finds it in the Celery app's registry. Each app
whose services queue tasks imports its `tasks` module in `AppConfig.ready`, so the names are
registered in every process, web as well as worker, before one is queued; an unknown name
fails loudly (KeyError), never silently. Tests patch a task by patching the task object,
which the registry hands out.

With a broker, a queued task is first a row of the outbox (`OutboxMessage`), written in the
same transaction as the write that needs it; once that commits, the row is sent and deleted.
If the broker refuses, the row stays and the write still stands: `outbox_drain` sends what is
left when the broker is back (every minute from beat, when a worker starts, and after a later
send succeeds). Why, and what happens in each failure: docs/0020-outbox-and-health.md. With
no broker (the embedded default) tasks run in-process once the write commits, as they always
have: there is nothing to be down.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from celery import Task, current_app
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Min
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

DRAIN_TASK = "indicators.tasks.drain_outbox"
# Rows the drain locks and sends in one transaction.
DRAIN_BATCH = 100
# Once the broker has refused a message, this process leaves new messages in the outbox for
# this long without trying: every try costs a save most of a second while the broker is down,
# and the drain sends them as soon as it is back.
BROKER_PAUSE_SECONDS = 10
# A row older than this was refused (or its process died before sending it): after a send
# succeeds, such a backlog makes the web process queue a drain for the worker.
BACKLOG_SECONDS = 30
DRAIN_QUEUED_KEY = "outbox-drain-queued"


def task_named(name: str) -> Task[Any, Any]:
    """The registered task `name` (its module and function: "returns.tasks.validate_batch")."""
    return current_app.tasks[name]


def task_queue_on_commit(name: str, *args: object, countdown: int = 0) -> None:
    """Queue the task `name` with `args` once the current transaction commits (at once outside
    one); `countdown`: seconds it then waits. With no broker, the embedded default, it then
    runs in-process."""
    tasks_queue_on_commit(name, [args], countdown=countdown)


def tasks_queue_on_commit(
    name: str, arg_lists: Iterable[Sequence[object]], *, countdown: int = 0
) -> None:
    """Queue the task `name` once for each of `arg_lists`, as `task_queue_on_commit` does one:
    one outbox write and one send for them all."""
    task = task_named(name)  # an unknown name fails here, in the write, not later
    queued = [list(args) for args in arg_lists]
    if not queued:
        return
    if current_app.conf.task_always_eager:
        for args in queued:
            transaction.on_commit(partial(_send, task, args, countdown))
        return
    rows = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=name, args=args, countdown=countdown) for args in queued]
    )
    ids = [row.pk for row in rows]
    work = _watching.get()
    if work is not None:
        work.ids.extend(ids)
    # After the commit the rows are the only record of the work: sending them must never turn
    # a save that stood into an error page.
    transaction.on_commit(partial(_send_after_commit, ids), robust=True)


@dataclass
class QueuedWork:
    """The outbox rows written while it was being watched (`queued_work`)."""

    ids: list[int] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        """Whether any of that work is still waiting for the broker."""
        return bool(self.ids) and OutboxMessage.objects.filter(pk__in=self.ids).exists()


_watching: ContextVar[QueuedWork | None] = ContextVar("queued_work", default=None)


@contextmanager
def queued_work() -> Iterator[QueuedWork]:
    """Watch the tasks queued inside the block, so that a page can say whether the work a
    save asked for reached the broker or is waiting for it."""
    work = QueuedWork()
    token = _watching.set(work)
    try:
        yield work
    finally:
        _watching.reset(token)


def task_waiting(name: str, *args: object) -> bool:
    """Whether the task `name` is queued and waiting for the broker with arguments that begin
    with `args`: `task_waiting("returns.tasks.commit_batch", batch.pk)` whoever asked for the
    commit (its second argument)."""
    leading = {f"args__{index}": value for index, value in enumerate(args)}
    return OutboxMessage.objects.filter(task=name, **leading).exists()


@dataclass(frozen=True)
class OutboxState:
    waiting: int
    oldest_seconds: int | None


def outbox_state() -> OutboxState:
    """How many tasks wait for the broker, and for how long the oldest has (the health check)."""
    found = OutboxMessage.objects.aggregate(waiting=Count("pk"), oldest=Min("created_at"))
    oldest = found["oldest"]
    if oldest is None:
        return OutboxState(0, None)
    return OutboxState(found["waiting"], int((timezone.now() - oldest).total_seconds()))


def outbox_drain() -> int:
    """Send every row of the outbox that no other drain holds, oldest first; stops at the
    first the broker refuses. Says how many were sent. Several drains may run at once: each
    locks the rows it sends (SKIP LOCKED), so no message is sent twice."""
    sent_total = 0
    after = 0
    while True:
        with transaction.atomic():
            messages = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk__gt=after)
                .order_by("pk")[:DRAIN_BATCH]
            )
            if not messages:
                break
            sent, refused = _send_messages(messages)
        sent_total += sent
        if refused:
            break
        after = messages[-1].pk
    if sent_total:
        logger.info("Outbox drained: %d queued task(s) sent to the broker or merged", sent_total)
    return sent_total


def _send(task: Task[Any, Any], args: list[Any], countdown: int) -> None:
    if countdown:
        task.apply_async(tuple(args), countdown=countdown)
    else:
        task.delay(*args)


# Until when (time.monotonic) this process leaves messages in the outbox without trying.
_broker_paused_until = 0.0


def _send_after_commit(ids: list[int]) -> None:
    if time.monotonic() < _broker_paused_until:
        return  # the broker refused a moment ago: the drain sends them when it is back
    try:
        with transaction.atomic():
            # A drain may hold some already (it sends them) or have sent them (they are gone).
            messages = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids)
                .order_by("pk")
            )
            sent, refused = _send_messages(messages)
    except DatabaseError:
        # The rows are committed; a drain sends them.
        logger.exception("Could not send queued tasks; they wait in the outbox")
        return
    if sent and not refused:
        _drain_backlog()


def _send_messages(messages: list[OutboxMessage]) -> tuple[int, bool]:
    """Send these locked rows in order, deleting those the broker took, until it refuses one.
    A row identical to one sent just before (the same task and arguments: saves to one
    authority while the broker was down each asked for its rebuild) is deleted unsent: the
    tasks are idempotent and read the data when they run, so the one sent does the work of
    both. Says how many rows left the outbox and whether the broker refused."""
    global _broker_paused_until
    done: list[int] = []
    failed: dict[int, str] = {}
    sent_now: set[tuple[str, str, int]] = set()
    refused = False
    for position, message in enumerate(messages):
        key = (message.task, json.dumps(message.args), message.countdown)
        if key in sent_now:
            done.append(message.pk)
            continue
        try:
            _send(task_named(message.task), message.args, message.countdown)
        except (BrokerError, OSError) as error:
            refused = True
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "The broker refused a queued task (%s); it waits in the outbox: %s",
                message.task,
                error,
            )
            failed.update({later.pk: type(error).__name__ for later in messages[position:]})
            break
        except Exception as error:
            # A task renamed since the row was written, say: kept for an operator, the rest go.
            logger.exception("Could not send queued task %s (outbox row %d)", message, message.pk)
            failed[message.pk] = type(error).__name__
            continue
        sent_now.add(key)
        done.append(message.pk)
    if done:
        OutboxMessage.objects.filter(pk__in=done).delete()
    if done and not refused:
        _broker_paused_until = 0.0
    for error_name in set(failed.values()):
        OutboxMessage.objects.filter(
            pk__in=[pk for pk, name in failed.items() if name == error_name]
        ).update(attempts=F("attempts") + 1, last_error=error_name[:200])
    return len(done), refused


def _drain_backlog() -> None:
    """After a send succeeded: if older rows still wait (refused while the broker was down),
    ask a worker to drain them, at most once a minute across processes."""
    backlog = OutboxMessage.objects.filter(
        created_at__lt=timezone.now() - timedelta(seconds=BACKLOG_SECONDS)
    )
    if backlog.exists() and cache.add(DRAIN_QUEUED_KEY, True, timeout=60):
        try:
            task_named(DRAIN_TASK).delay()
        except (BrokerError, OSError):
            logger.warning("Could not queue the outbox drain; beat will")
