"""Celery tasks found by name, so that services can queue the tasks that call them back.

A service queues a task, and the task calls the service: were the service to import the task
module, the two would import each other. So a service names the task instead
(`"indicators.tasks.rebuild_dashboard"`) and finds it in the Celery app's registry. Each app
whose services queue tasks imports its `tasks` module in `AppConfig.ready`, so the names are
registered in every process, web as well as worker, before one is queued; an unknown name
fails loudly (KeyError), never silently. Tests patch a task by patching the task object,
which the registry hands out.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import Task, current_app
from django.db import transaction


def task_named(name: str) -> Task[Any, Any]:
    """The registered task `name` (its module and function: "returns.tasks.validate_batch")."""
    return current_app.tasks[name]


def task_queue_on_commit(name: str, *args: object) -> None:
    """Queue the task `name` with `args` once the current transaction commits (at once outside
    one). With no broker, the embedded default, it then runs in-process."""
    transaction.on_commit(partial(task_named(name).delay, *args))
