"""The roll-up task, run by a real Celery worker against the Redis broker."""

import time
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from indicators.models import Figure, PeriodKind
from indicators.tasks import roll_up_figures, roll_up_figures_many
from tests import factories

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL,
        reason="CELERY_BROKER_URL is not set: the worker test needs Redis (.ci/run sets it)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_a_worker_derives_the_quarter_from_its_months() -> None:
    area = factories.AreaFactory(name="Worcestershire", slug="worcestershire")
    indicator = factories.IndicatorFactory(code="REF-Q", unit="count", roll_up="sum")
    months = [factories.period(PeriodKind.MONTH, date(2018, number, 1)) for number in (1, 2, 3)]
    for period, value in zip(months, ("250", "260", "260"), strict=True):
        factories.figure(area, indicator, period, value)

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        # Delivered twice, as Redis may after a visibility timeout: the result is the same.
        roll_up_figures.delay(area.id, indicator.id, months[-1].id)
        roll_up_figures.delay(area.id, indicator.id, months[-1].id)
        quarter = factories.period(PeriodKind.QUARTER, date(2018, 1, 1))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Figure.objects.filter(area=area, indicator=indicator, period=quarter).exists():
                break
            time.sleep(0.2)
        time.sleep(1)  # let the second delivery finish too

    figure = Figure.objects.get(area=area, indicator=indicator, period=quarter)
    assert figure.value == 770
    assert figure.version == 1  # the second delivery changed nothing


@pytest.mark.django_db(transaction=True)
def test_one_task_rolls_up_every_measure_a_save_changed() -> None:
    """A save queues one task with a key per measure (not a task each): the worker derives
    every measure's quarter, whatever order the keys come in, and a key whose period has
    gone since is skipped rather than failing the rest."""
    area = factories.AreaFactory(name="Worcestershire", slug="worcestershire")
    counts = factories.IndicatorFactory(code="REF-Q", unit="count", roll_up="sum")
    visits = factories.IndicatorFactory(code="VISITS-Q", unit="count", roll_up="sum")
    months = [factories.period(PeriodKind.MONTH, date(2018, number, 1)) for number in (1, 2, 3)]
    for period in months:
        factories.figure(area, counts, period, "10")
        factories.figure(area, visits, period, "4")
    keys = [[area.id, visits.id, months[2].id], [area.id, counts.id, months[2].id]]

    quarter = factories.period(PeriodKind.QUARTER, date(2018, 1, 1))
    derived = Figure.objects.filter(area=area, period=quarter)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        roll_up_figures_many.delay([[area.id, counts.id, 999_999], *keys])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and derived.count() < 2:
            time.sleep(0.2)

    assert derived.get(indicator=counts).value == 30
    assert derived.get(indicator=visits).value == 12
