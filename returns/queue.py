"""Tasks queued for a worker once the current transaction has committed.

The batch services queue the app's tasks (`returns.tasks`), and those tasks call the same
services back. So that the services and the tasks do not import each other, a task is found
by its name in the Celery app; `ReturnsConfig.ready` imports `returns.tasks`, so that every
process (web as well as worker) has registered them before a service queues one.
"""

from __future__ import annotations

from functools import partial

from celery import current_app
from django.db import transaction


def task_queue_on_commit(name: str, *args: object) -> None:
    """Queue the task `returns.tasks.<name>` with `args` once the transaction commits (with
    no broker, the embedded default, it then runs in-process)."""
    task = current_app.tasks[f"returns.tasks.{name}"]
    transaction.on_commit(partial(task.delay, *args))
