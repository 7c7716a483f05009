"""The Celery application. Workers and beat run `celery -A config worker|beat`."""

import logging
import os
import resource
from typing import Any

import billiard.process
from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("csc_performance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def memory_cap(megabytes: int) -> None:
    """Cap this process's address space at `megabytes` (0: leave it as it is). An allocation
    beyond it fails, which Python raises as MemoryError in the task that asked: the task
    gives its work up with a message (returns/tasks.py), and the machine is left alone. The
    address space, not resident memory, is what the kernel can cap per process; a worker
    process starts at a few hundred MB of it (docs/operations.md, "Limits")."""
    if megabytes <= 0:
        return
    cap = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


@worker_process_init.connect
def cap_worker_memory(**_: Any) -> None:
    """Each worker process (a child of the prefork pool) caps its own memory as it starts,
    so the worker's main process, which only hands out tasks, is never the one refused.
    Celery's solo pool sends the same signal from the main process itself (as do the test
    workers run inside pytest): that process is left uncapped, or the cap would hold for
    everything else it runs, a browser included."""
    from django.conf import settings

    if billiard.process.current_process().name == "MainProcess":
        return

    cap = settings.WORKER_MEMORY_LIMIT_MB
    memory_cap(cap)
    logger.info("Worker process %s: address space capped at %s MB", os.getpid(), cap or "no")


# The worker's heartbeat and its drain of the outbox at start (docs/0020).
from . import worker_signals  # noqa: E402, F401
