"""Roll-ups of the months of one quarter run at once (issue 15): both finish, the quarter and the
year hold the sum of their parts, and each derived figure has one audit entry per real change.

Two threads inside one process, and real Celery worker processes against Redis."""

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts import access
from indicators import metrics, services
from indicators.models import Figure, FigureChange, Indicator, Period, PeriodKind
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2021  # a year long finished, so its quarters and the year are derived
MONTH_VALUES = {number: Decimal(number) for number in range(1, 13)}  # Jan..Dec, by month number


def months_of_the_year() -> list[date]:
    return [date(YEAR + (number < 4), number, 1) for number in (*range(4, 13), 1, 2, 3)]


@pytest.fixture
def twelve_months():
    """An authority's twelve monthly counts of a summed indicator, with nothing derived yet."""
    area = factories.AreaFactory(name="Devon", slug="devon")
    indicator = factories.IndicatorFactory(code="REF", unit="count", roll_up="sum")
    for day in months_of_the_year():
        factories.figure(
            area, indicator, factories.period(PeriodKind.MONTH, day), str(MONTH_VALUES[day.month])
        )
    # The quarters and the year exist as periods (as they do once anything of theirs is
    # entered): creating one would make the roll-ups queue behind each other's new period.
    for day in months_of_the_year()[::3]:
        factories.period(PeriodKind.QUARTER, day)
    factories.financial_year(YEAR)
    return area, indicator


def derived(area, indicator, kind: str, day: date) -> Figure:
    return Figure.objects.get(
        area=area, indicator=indicator, period=factories.period(kind, day), breakdown=None
    )


def assert_converged(area, indicator) -> None:
    quarter = derived(area, indicator, PeriodKind.QUARTER, date(YEAR, 4, 1))
    year = derived(area, indicator, PeriodKind.FINANCIAL_YEAR, date(YEAR, 4, 1))
    assert quarter.value == 4 + 5 + 6
    assert year.value == sum(MONTH_VALUES.values())
    assert not quarter.is_provisional and not year.is_provisional
    # One audit entry each: the first roll-up created them, every later one found no change.
    assert FigureChange.objects.filter(figure=quarter).count() == 1
    assert FigureChange.objects.filter(figure=year).count() == 1
    assert quarter.version == 1 and year.version == 1


def test_two_months_of_one_quarter_rolled_up_at_once_converge(twelve_months, monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "roll-ups run side by side only with a worker, on PostgreSQL: the embedded default "
            "(SQLite) runs each in the request that queued it, one writer at a time"
        )
    area, indicator = twelve_months
    # Each roll-up waits for the other after reading its parts and before writing, which is
    # where two of them met in load_demo. With the roll-ups serialised the second never gets
    # there while the first waits, so the wait gives up (broken barrier) and they take turns.
    both_read = threading.Barrier(2, timeout=3)
    real_roll_up = metrics.roll_up

    def roll_up_meeting_the_other(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return real_roll_up(*args, **kwargs)

    monkeypatch.setattr(metrics, "roll_up", roll_up_meeting_the_other)
    errors: list[BaseException] = []

    def roll_up(month_number: int) -> None:
        try:
            services.figures_roll_up(
                user=access.SYSTEM,
                area=area,
                indicator=Indicator.objects.get(pk=indicator.pk),
                period=Period.objects.get(kind=PeriodKind.MONTH, start=date(YEAR, month_number, 1)),
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=roll_up, args=(number,)) for number in (4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_converged(area, indicator)


def worker_database_url() -> str:
    """The test database, for worker processes of their own."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def start_celery_worker(queue: str, log: Path) -> subprocess.Popen[bytes]:
    """`celery -A config worker`, as deployed, in a process of its own, on a queue of this
    test's own (another test's worker on the same Redis database takes nothing of it)."""
    environment = os.environ | {"DATABASE_URL": worker_database_url()}
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker"),
            *("--pool", "solo", "--queues", queue, "--loglevel", "INFO", "--logfile", str(log)),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("--hostname", f"{log.stem}@%h"),
        ],
        env=environment,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.celery
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: the worker test needs Redis (.ci/run sets it)",
)
def test_many_roll_ups_of_one_year_on_two_real_workers_all_succeed(twelve_months, tmp_path) -> None:
    from indicators.tasks import roll_up_figures

    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database of their own to share: PostgreSQL")
    area, indicator = twelve_months
    months = [Period.objects.get(kind=PeriodKind.MONTH, start=day) for day in months_of_the_year()]
    queue = f"roll-up-race-{uuid.uuid4().hex}"
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_celery_worker(queue, log) for log in logs]

    def log_text() -> str:
        return "".join(log.read_text() for log in logs if log.exists())

    try:
        assert wait_until(lambda: log_text().count("ready.") == 2, 60), log_text()
        # Three rounds of every month, queued at once: the two workers take them side by
        # side, so roll-ups of the months of one quarter (and of one year) meet, as in
        # load_demo.
        queued = len(months) * 3
        for _ in range(3):
            for month in months:
                roll_up_figures.apply_async((area.pk, indicator.pk, month.pk), queue=queue)
        finished = re.compile(r"Task indicators\.tasks\.roll_up_figures\[.*\] (succeeded|raised)")
        wait_until(lambda: len(finished.findall(log_text())) >= queued, 120)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    text = log_text()
    assert "raised" not in text and "Retry" not in text, text
    derived_counts = [
        int(count) for count in re.findall(r"roll_up_figures\[.*\] succeeded in .*s: (\d+)", text)
    ]
    assert len(derived_counts) == queued, text
    # Between them the tasks derived the 4 quarters and the year once each.
    assert sum(derived_counts) == 4 + 1
    # Both workers took a share: the roll-ups really ran side by side.
    assert all("succeeded" in log.read_text() for log in logs)
    assert_converged(area, indicator)
