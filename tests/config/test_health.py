"""`/healthz`, and pages when the database is unreachable: a 503 with a plain message, never
a 500. The database is made unreachable by pointing the connection at a closed port; the
server itself is never stopped."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from config import worker_signals
from config.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "5499"
CLOSED_REDIS = "redis://127.0.0.1:6399/0"


@pytest.fixture
def break_database(monkeypatch):
    """Call it to make the database unreachable for the rest of the test."""

    def unreachable() -> None:
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", CLOSED_PORT)

    yield unreachable
    connection.close()  # the next query reconnects with the real settings, put back after this


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_healthz_answers_200_naming_each_part_with_the_database_up() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == {"status": "ok"}
    assert set(body["checks"]) == {"database", "cache", "broker", "worker", "outbox"}
    assert body["checks"]["outbox"] == {"status": "ok", "waiting": 0}
    assert body["status"] in {"ok", "degraded"}
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    for secret in (settings.SECRET_KEY, "postgres://", "redis://", "password"):
        assert secret not in text


def test_healthz_answers_503_with_the_database_unreachable(break_database) -> None:
    break_database()
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == {"status": "down", "error": "OperationalError"}
    assert "database" in body["degraded"]
    assert CLOSED_PORT not in response.content.decode()


def test_a_page_answers_503_with_a_plain_message_when_the_database_is_unreachable(
    personas, break_database
) -> None:
    client = signed_in(personas.manager_a)
    break_database()
    response = client.get("/a/authority-a/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "Sorry, the service is unavailable" in body
    assert "cannot reach its database" in body
    assert "Traceback" not in body and CLOSED_PORT not in body
    assert "no-store" in response["Cache-Control"]


def test_healthz_says_which_optional_parts_are_degraded(settings) -> None:
    if not settings.CELERY_BROKER_URL:
        pytest.skip("with no broker there is no broker or worker to be down")
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.DegradingRedisCache", "LOCATION": CLOSED_REDIS}
    }
    saved = app.conf.get("broker_write_url")
    app.conf.broker_write_url = CLOSED_REDIS
    try:
        response = Client().get("/healthz")
    finally:
        app.conf.broker_write_url = saved
    assert response.status_code == 200  # the database is up: pages work
    body = response.json()
    assert body["status"] == "degraded"
    assert {"cache", "broker", "worker"} <= set(body["degraded"])
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["worker"]["status"] == "unknown"  # its heartbeat is in the cache


@pytest.mark.celery
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: the worker test needs Redis (.ci/run sets it)",
)
def test_healthz_follows_the_worker_heartbeat(monkeypatch) -> None:
    monkeypatch.setattr(worker_signals, "_last_written", 0.0)
    assert Client().get("/healthz").json()["checks"]["worker"]["status"] == "unknown"
    with start_worker(
        app, perform_ping_check=False, pool="solo", loglevel="WARNING", without_heartbeat=False
    ):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not cache.get(worker_signals.HEARTBEAT_KEY):
            time.sleep(0.2)
        worker = Client().get("/healthz").json()["checks"]["worker"]
    assert worker["status"] == "ok"
    assert worker["last_heartbeat_seconds"] < worker_signals.HEARTBEAT_STALE_SECONDS

    # A worker that stopped beating a while ago is stale.
    long_ago = datetime.now(UTC) - timedelta(seconds=worker_signals.HEARTBEAT_STALE_SECONDS + 30)
    cache.set(worker_signals.HEARTBEAT_KEY, {"at": long_ago.isoformat(), "hostname": "w1"})
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["status"] == "stale"
    assert "worker" in response.json()["degraded"]


def test_a_database_error_that_is_not_unreachability_stays_a_500() -> None:
    from django.db import OperationalError
    from psycopg import errors

    from config.errors import database_unreachable

    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = errors.DeadlockDetected()
    assert not database_unreachable(deadlock)
    refused = OperationalError("connection refused")
    refused.__cause__ = errors.OperationalError()
    assert database_unreachable(refused)


def test_the_500_handler_shows_the_503_page_for_an_unreachable_database() -> None:
    """Errors raised outside a view (in middleware) reach handler500, not the middleware."""
    from django.db import OperationalError
    from django.test import RequestFactory

    from config.errors import server_error

    request = RequestFactory().get("/somewhere/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
