"""Dashboard rebuilds run by a real Celery worker against Redis, and two rebuilds of the same
dashboard at once."""

import threading
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from config.celery import app
from indicators import dashboards, services
from indicators.models import DashboardSnapshot, Indicator

from .test_dashboards import month, north, tiles  # noqa: F401 (north is a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def visits_text(authority) -> str:
    snapshot = DashboardSnapshot.objects.get(dashboard_id=authority.pk, category=None)
    return tiles(snapshot)["VISITS"]["latest"]["text"]


@pytest.mark.celery
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: the worker test needs Redis (.ci/run sets it)",
)
def test_a_changed_figure_reaches_the_dashboard_within_seconds(north) -> None:  # noqa: F811
    dashboards.dashboard_rebuild(authority=north)
    assert visits_text(north) == "82%"
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        services.figure_set(
            user=None,
            area=north,
            indicator=Indicator.objects.get(code="VISITS"),
            period=month(9),
            value=Decimal(70),
            reason="September corrected",
            correction_reason="typed wrongly",
        )
        saved = time.monotonic()
        deadline = saved + 30
        while time.monotonic() < deadline and visits_text(north) != "70%":
            time.sleep(0.2)
        took = time.monotonic() - saved
    assert visits_text(north) == "70%", "the worker rebuilt the dashboard"
    print(f"rebuilt {took:.1f} s after the save")  # seconds: the rebuild waits 2 s for more writes


def test_two_rebuilds_at_once_take_turns(north) -> None:  # noqa: F811
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            dashboards.dashboard_rebuild(authority=north)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DashboardSnapshot.objects.filter(dashboard_id=north.pk).count() == 1
    assert visits_text(north) == "82%"
