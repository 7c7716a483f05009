"""The outbox (docs/0020): a save whose follow-up work the broker refuses still stands, says
so, and keeps the work; the work is sent, once, when the broker is back, and a real worker
does it. With no broker the work runs in-process, as it always has."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import access
from config import worker_signals
from config.celery import app
from indicators import queue, services
from indicators.dashboards.rebuilds import REBUILD_TASK
from indicators.models import Dashboard, Figure, FigureSource, OutboxMessage, PeriodKind
from indicators.services.figure_writes import ROLL_UP_TASK
from returns import services as import_services
from returns.models import ImportBatch, ImportKind
from tests import factories
from tests.entry_world import EntryWorld, build
from tests.returns.test_batches import FILE_NAME, GOOD

from .test_entry import client_for, page_form, text_of

needs_broker = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: the outbox needs a broker (.ci/run sets it)",
)
pytestmark = [pytest.mark.django_db(transaction=True)]

# Nothing listens here: a broker that refuses every connection.
CLOSED_BROKER = "redis://127.0.0.1:6399/0"


@pytest.fixture
def world(db) -> EntryWorld:
    return build()


def reset_broker_connections() -> None:
    """Celery keeps a pool of broker connections made from the URL it first saw: forgotten, so
    that the next send connects to the URL set now (kombu keeps one pool per URL)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """`broker.refusing()`: a block during which the broker refuses every connection."""
    monkeypatch.setattr(queue, "_broker_paused_until", 0.0)

    class Broker:
        @contextmanager
        def refusing(self) -> Iterator[None]:
            # The write URL: CELERY_BROKER_URL in the environment outranks conf.broker_url.
            saved = app.conf.get("broker_write_url")
            app.conf.broker_write_url = CLOSED_BROKER
            reset_broker_connections()
            try:
                yield
            finally:
                app.conf.broker_write_url = saved
                reset_broker_connections()

    yield Broker()
    reset_broker_connections()


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def rolled_up(world: EntryWorld) -> bool:
    return Figure.objects.filter(
        area=world.authority,
        indicator=world.plans,
        period__kind=PeriodKind.QUARTER,
        period__start__lte=world.month.start,
        period__end__gte=world.month.end,
        source=FigureSource.ROLLED_UP,
    ).exists()


@pytest.mark.celery
@needs_broker
def test_a_save_the_broker_refuses_stands_says_so_and_its_work_is_done_when_it_returns(
    world, broker
) -> None:
    client = client_for(world.officer)
    data = page_form(client, world) | world.good_values()
    with broker.refusing():
        response = client.post(world.url, data, follow=True)

    # The page tells the truth: saved, and the totals will catch up.
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Saved 8 figures as draft" in page
    assert "quarter and year totals will catch up when the background service is back" in page
    assert "may not have been saved" not in page
    assert Figure.objects.get(
        area=world.authority, indicator=world.plans, period=world.month, breakdown=None
    ).value == Decimal(655)
    # The follow-up work is kept, not lost, and not done yet.
    waiting = set(OutboxMessage.objects.values_list("task", flat=True))
    assert waiting == {ROLL_UP_TASK, REBUILD_TASK}
    assert OutboxMessage.objects.filter(task=REBUILD_TASK, args=[world.authority.pk]).exists()
    assert OutboxMessage.objects.filter(attempts__gte=1).exists()
    assert not rolled_up(world)
    built_before = Dashboard.objects.get(pk=world.authority.pk).built_at

    # The broker is back: the drain sends everything once, and a worker does the work.
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        sent = queue.outbox_drain()
        assert wait_for(lambda: rolled_up(world)), "the worker rolled the quarter up"
        assert wait_for(
            lambda: Dashboard.objects.get(pk=world.authority.pk).built_at != built_before
        ), "the worker rebuilt the dashboard"
    assert sent >= 2
    assert not OutboxMessage.objects.exists()


@needs_broker
def test_a_save_with_the_broker_up_sends_its_work_and_leaves_the_outbox_empty(
    world, monkeypatch
) -> None:
    from indicators.tasks import roll_up_figures_many

    sent: list[list[list[int]]] = []
    monkeypatch.setattr(roll_up_figures_many, "delay", lambda keys: sent.append(keys))
    client = client_for(world.officer)
    data = page_form(client, world) | world.good_values()
    response = client.post(world.url, data, follow=True)
    page = text_of(response.content.decode())
    assert "Saved 8 figures as draft" in page
    assert "background service" not in page
    # One roll-up task for the save, with a key for each of its four measures.
    assert len(sent) == 1 and len(sent[0]) == 4
    assert {key[0] for key in sent[0]} == {world.authority.pk}
    assert not OutboxMessage.objects.filter(task=ROLL_UP_TASK).exists()


@needs_broker
def test_a_write_rolled_back_leaves_no_work_in_the_outbox(world) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.figure_set(
            user=access.SYSTEM,
            area=world.authority,
            indicator=world.plans,
            period=world.month,
            value=Decimal(600),
            reason="typed",
        )
        assert OutboxMessage.objects.exists()  # written inside the transaction...
        raise RuntimeError("the write fails after the task was queued")
    assert not OutboxMessage.objects.exists()  # ...and gone with it


@needs_broker
def test_two_drains_at_once_send_each_message_once(monkeypatch) -> None:
    from indicators.tasks import rebuild_dashboard

    authorities = [factories.AreaFactory() for _ in range(12)]
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=REBUILD_TASK, args=[area.pk], countdown=0) for area in authorities]
    )
    sent: list[int] = []

    def slow_send(*args: int) -> None:
        time.sleep(0.05)  # long enough for the other drain to come by
        sent.append(args[0])

    monkeypatch.setattr(rebuild_dashboard, "delay", slow_send)
    monkeypatch.setattr(queue, "DRAIN_BATCH", 3)
    counts: list[int] = []

    def drain() -> None:
        try:
            counts.append(queue.outbox_drain())
        finally:
            connection.close()

    drains = [threading.Thread(target=drain) for _ in range(2)]
    for thread in drains:
        thread.start()
    for thread in drains:
        thread.join()
    assert sorted(sent) == sorted(area.pk for area in authorities)
    assert sum(counts) == len(authorities)
    assert not OutboxMessage.objects.exists()


@needs_broker
def test_a_drain_while_the_broker_still_refuses_keeps_every_message(world, broker) -> None:
    with broker.refusing():
        services.figure_set(
            user=access.SYSTEM,
            area=world.authority,
            indicator=world.plans,
            period=world.month,
            value=Decimal(600),
            reason="typed",
        )
        kept = OutboxMessage.objects.count()
        assert kept >= 2
        assert queue.outbox_drain() == 0
    assert OutboxMessage.objects.count() == kept
    assert set(OutboxMessage.objects.values_list("last_error", flat=True)) == {"OperationalError"}


@pytest.mark.celery
@needs_broker
def test_a_worker_starting_and_a_later_save_each_drain_what_waits(world) -> None:
    old = OutboxMessage.objects.create(task=REBUILD_TASK, args=[world.authority.pk])
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        # A worker that starts asks for a drain (Celery's worker_ready signal).
        worker_signals.outbox_drain_on_start()
        assert wait_for(lambda: not OutboxMessage.objects.exists()), "drained at start"

        # A row refused a while ago is drained after a later send succeeds.
        old = OutboxMessage.objects.create(task=REBUILD_TASK, args=[world.other.pk])
        OutboxMessage.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        services.figure_set(
            user=access.SYSTEM,
            area=world.authority,
            indicator=world.plans,
            period=world.month,
            value=Decimal(600),
            reason="typed",
        )
        assert wait_for(lambda: not OutboxMessage.objects.filter(pk=old.pk).exists())


@needs_broker
def test_an_upload_while_the_broker_refuses_keeps_its_batch_waiting(
    broker, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    with broker.refusing():
        batch = import_services.batch_create(
            user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(FILE_NAME, GOOD)
        )
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert queue.task_waiting("returns.tasks.validate_batch", batch.pk)
    page = Client()
    page.force_login(admin)
    shown = text_of(page.get(reverse("returns:batch", args=[batch.pk])).content.decode())
    assert "Waiting for the background service" in shown
    assert "nothing to upload or ask for again" in shown
    assert not queue.task_waiting("returns.tasks.validate_batch", batch.pk + 1)
    assert not queue.task_waiting("returns.tasks.commit_batch", batch.pk)
    # A commit is queued with who asked for it; a page asks by the batch alone.
    OutboxMessage.objects.create(task="returns.tasks.commit_batch", args=[batch.pk, admin.pk])
    assert queue.task_waiting("returns.tasks.commit_batch", batch.pk)


def test_with_no_broker_the_work_runs_in_process_and_nothing_waits(world, eager_tasks) -> None:
    services.figure_set(
        user=access.SYSTEM,
        area=world.authority,
        indicator=world.plans,
        period=world.month,
        value=Decimal(600),
        reason="typed",
    )
    assert rolled_up(world)
    assert Dashboard.objects.get(pk=world.authority.pk).built_at is not None
    assert not OutboxMessage.objects.exists()


@needs_broker
def test_a_target_saved_while_the_broker_refuses_says_the_dashboards_will_catch_up(
    world, broker
) -> None:
    start = world.month.start
    first_year = start.year if start.month >= 4 else start.year - 1
    year = f"fy-{first_year}-{(first_year + 1) % 100:02d}"
    path = f"/a/{world.authority.slug}/targets/{world.plans.code}/{year}/"
    client = client_for(world.officer)
    with broker.refusing():
        response = client.post(
            path,
            {"lower": "600", "upper": "700", "tolerance": "5", "reason": "Agreed"},
            follow=True,
        )
    page = text_of(response.content.decode())
    assert "Saved the" in page
    assert "The dashboards will catch up when the background service is back" in page
    assert OutboxMessage.objects.filter(task=REBUILD_TASK, args=[world.authority.pk]).exists()


@needs_broker
def test_identical_messages_waiting_together_are_sent_once(monkeypatch) -> None:
    from indicators.tasks import rebuild_dashboard

    north, south = factories.AreaFactory(), factories.AreaFactory()
    # Three saves to north and one to south while the broker was down.
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(task=REBUILD_TASK, args=[area.pk], countdown=2)
            for area in (north, south, north, north)
        ]
    )
    sent: list[int] = []
    monkeypatch.setattr(
        rebuild_dashboard, "apply_async", lambda args, countdown: sent.append(args[0])
    )
    assert queue.outbox_drain() == 4
    assert sent == [north.pk, south.pk]
    assert not OutboxMessage.objects.exists()
