"""`/healthz`: whether this deployment can do its work, for container health checks, load
balancers and an operator's first look (docs/0020, docs/operations.md).

The database is the one part the site cannot work without: down, the answer is 503. The
cache, the broker and the worker are reported, and one that is down makes the answer
"degraded" but still 200: pages still read and saves still stand (their follow-up work waits
in the outbox). The answer names parts and states, and an error's kind at most: never an
address, a user name or a password.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from indicators.queue import BACKLOG_SECONDS, outbox_state

from .cache import DegradingRedisCache
from .worker_signals import HEARTBEAT_STALE_SECONDS, heartbeat_age_seconds

logger = logging.getLogger(__name__)

OK = "ok"
DOWN = "down"
NOT_USED = "not used"
# Seconds the broker check may take: a probe must answer well within the probe's own timeout.
BROKER_TIMEOUT_SECONDS = 2

Check = dict[str, Any]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_check()
    checks = {
        "database": database,
        "cache": cache_check(),
        "broker": broker_check(),
        "worker": worker_check(),
    }
    if database["status"] == OK:
        checks["outbox"] = outbox_check()
    degraded = [name for name, check in checks.items() if check["status"] not in (OK, NOT_USED)]
    if database["status"] != OK:
        status, code = DOWN, 503
    else:
        status, code = ("degraded" if degraded else OK), 200
    return JsonResponse({"status": status, "degraded": degraded, "checks": checks}, status=code)


def failure(part: str, error: BaseException) -> Check:
    logger.warning("Health check: %s is down: %s", part, error)
    return {"status": DOWN, "error": type(error).__name__}


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        # Closed, so that the next request opens a fresh connection rather than reusing it.
        connection.close_if_unusable_or_obsolete()
        return failure("the database", error)
    return {"status": OK}


def cache_check() -> Check:
    cache = caches["default"]
    if not isinstance(cache, DegradingRedisCache):
        # In-process memory (the embedded default): there is nothing to be down.
        return {"status": OK, "kind": "memory"}
    if not cache.reachable():
        return {"status": DOWN, "note": "reads miss and writes are dropped until it is back"}
    return {"status": OK, "kind": "redis"}


def broker_check() -> Check:
    if current_app.conf.task_always_eager:
        return {"status": NOT_USED, "note": "no broker: tasks run in the web process"}
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:
        return {
            **failure("the broker", error),
            "note": "saves stand; their follow-up work waits in the outbox",
        }
    return {"status": OK}


def worker_check() -> Check:
    if current_app.conf.task_always_eager:
        return {"status": NOT_USED, "note": "no worker: tasks run in the web process"}
    age = heartbeat_age_seconds()
    if age is None:
        return {"status": "unknown", "note": "no worker heartbeat recorded"}
    seconds = max(0, round(age))
    if seconds > HEARTBEAT_STALE_SECONDS:
        return {"status": "stale", "last_heartbeat_seconds": seconds}
    return {"status": OK, "last_heartbeat_seconds": seconds}


def outbox_check() -> Check:
    state = outbox_state()
    if not state.waiting or (state.oldest_seconds or 0) < BACKLOG_SECONDS:
        # Nothing, or only rows being sent this moment.
        return {"status": OK, "waiting": state.waiting}
    return {"status": "waiting", "waiting": state.waiting, "oldest_seconds": state.oldest_seconds}
