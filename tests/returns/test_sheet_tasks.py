"""A spreadsheet batch in a real Celery worker against the Redis broker: validation, and the
roll-up of the committed months into their quarter."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery import app
from indicators.models import Figure, FigureSource
from returns import services
from returns.models import BatchStatus, ImportKind
from tests import factories

from .sheet_files import FIGURE_HEADER, csv_bytes, sheet_world

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL,
        reason="CELERY_BROKER_URL is not set: the worker test needs Redis (.ci/run sets it)",
    ),
]


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_validates_a_spreadsheet_and_rolls_up_what_it_committed(
    settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sheet_world()
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    months = [
        ["865", "CLA-COUNT", f"2021-{month:02d}", "", 400 + month, "", "", "", "", ""]
        for month in (4, 5, 6)
    ]
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        batch = services.batch_create(
            user=admin,
            kind=ImportKind.SHEET_FIGURES,
            upload=SimpleUploadedFile("months.csv", csv_bytes(FIGURE_HEADER, *months)),
        )

        def validated() -> bool:
            batch.refresh_from_db()
            return batch.status != BatchStatus.VALIDATING

        assert wait_for(validated)
        assert (batch.status, batch.new_count, batch.error_count) == (BatchStatus.READY, 3, 0)
        services.batch_commit(user=admin, batch=batch)
        quarter = Figure.objects.filter(source=FigureSource.ROLLED_UP, period__kind="quarter")
        assert wait_for(quarter.exists)
    # CLA-COUNT is a snapshot: the quarter holds its latest month.
    assert quarter.get().value == 406
