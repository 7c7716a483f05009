"""Validation of an uploaded batch, run by a real Celery worker against the Redis broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery import app
from indicators.models import Figure
from returns import services
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories
from tests.returns.test_batches import FILE_NAME, GOOD

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL,
        reason="CELERY_BROKER_URL is not set: the worker test needs Redis (.ci/run sets it)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_a_worker_validates_an_uploaded_batch(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        batch = services.batch_create(
            user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(FILE_NAME, GOOD)
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.status != BatchStatus.VALIDATING:
                break
            time.sleep(0.2)
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.status == BatchStatus.READY
    assert (batch.new_count, batch.error_count, batch.progress) == (4, 0, 100)


@pytest.mark.django_db(transaction=True)
def test_a_worker_commits_and_rolls_back_a_batch_on_request(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)

    def wait_while(batch: ImportBatch, status: str) -> ImportBatch:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.status != status:
                break
            time.sleep(0.2)
        return batch

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        batch = services.batch_create(
            user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(FILE_NAME, GOOD)
        )
        batch = wait_while(batch, BatchStatus.VALIDATING)
        services.batch_commit_request(user=admin, batch=batch)
        batch = wait_while(batch, BatchStatus.COMMITTING)
        assert (batch.status, batch.committed_by, batch.new_count) == ("committed", admin, 4)
        assert Figure.objects.count() == 4

        services.batch_rollback_request(user=admin, batch=batch)
        batch = wait_while(batch, BatchStatus.ROLLING_BACK)
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not Figure.objects.exists()
