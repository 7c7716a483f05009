"""Dashboard rebuilds run by a real Celery worker against Redis, and two rebuilds of the same
dashboard at once."""

import threading
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from accounts import access
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
            user=access.SYSTEM,
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


@pytest.mark.celery
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: the worker test needs Redis (.ci/run sets it)",
)
def test_a_month_saved_on_the_entry_form_shows_on_the_dashboard_within_seconds() -> None:
    from django.test import Client

    from tests.entry_world import build, form_fields

    world = build()
    dashboards.dashboard_rebuild(authority=world.authority)
    officer = Client()
    officer.force_login(world.officer)
    manager = Client()
    manager.force_login(world.manager)
    home = f"/a/{world.authority.slug}/"
    assert f"80% {world.month.label}" not in tile_text(manager.get(home), world.visits.code)

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        form = form_fields(officer.get(world.url).content.decode())
        saved = officer.post(world.url, form | world.good_values())
        assert saved.status_code == 302
        deadline = time.monotonic() + 30
        text = ""
        while time.monotonic() < deadline:
            text = tile_text(manager.get(home), world.visits.code)
            if f"80% {world.month.label}" in text:
                break
            time.sleep(0.3)
    assert f"80% {world.month.label}" in text, text


def tile_text(response, code: str) -> str:
    from tests.indicators.test_pages import tile

    return tile(response.content.decode(), code)
