"""What a Celery worker does besides its tasks: it says it is alive, and on starting it sends
what waits in the outbox. Connected when the Celery app is built (config/celery.py), before
a worker starts; the Django parts are imported inside the handlers, once Django is set up."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from celery.signals import heartbeat_sent, worker_ready

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "worker-heartbeat"
# Celery's own heartbeat ticks every 2 seconds; the shared record is written at most this often.
HEARTBEAT_WRITE_SECONDS = 15
# A heartbeat older than this says no worker is alive (four writes missed).
HEARTBEAT_STALE_SECONDS = 60

_last_written = 0.0


@heartbeat_sent.connect
def heartbeat_record(sender: Any = None, **kwargs: Any) -> None:
    """Record in the cache, which the web reads (`/healthz`), that a worker is alive. Sent by
    the worker's main process on Celery's heartbeat timer, so it stops when the worker hangs or
    dies, not only when it exits."""
    global _last_written
    now = time.monotonic()
    if now - _last_written < HEARTBEAT_WRITE_SECONDS:
        return
    from django.core.cache import cache

    hostname = getattr(getattr(sender, "eventer", None), "hostname", "") or ""
    cache.set(
        HEARTBEAT_KEY,
        {"at": datetime.now(UTC).isoformat(), "hostname": hostname},
        timeout=HEARTBEAT_STALE_SECONDS * 10,
    )
    _last_written = now


def heartbeat_age_seconds() -> float | None:
    """Seconds since a worker last recorded a heartbeat; None if none is recorded."""
    from django.core.cache import cache

    found = cache.get(HEARTBEAT_KEY)
    if not found:
        return None
    return (datetime.now(UTC) - datetime.fromisoformat(found["at"])).total_seconds()


@worker_ready.connect
def outbox_drain_on_start(sender: Any = None, **kwargs: Any) -> None:
    """A worker that starts (after the broker was down, say) asks for the outbox to be
    drained: queued as a task, so that a pool process does it, not the worker's main loop."""
    from indicators.queue import DRAIN_TASK, task_named

    try:
        task_named(DRAIN_TASK).delay()
    except Exception:
        logger.exception("Could not queue the outbox drain at start; beat will")
