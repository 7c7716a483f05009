"""A commit that fails for a reason no rule foresaw tells the person whether trying again can
help: a database or broker that was briefly away may be back; a value the database refused
will be refused again, and they are told what was wrong and that nothing was saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, OperationalError
from django.test import TestCase

from indicators.models import Figure
from returns import services
from returns.models import BatchStatus, ImportKind
from tests import factories
from tests.returns.test_batches import FILE_NAME, GOOD


@pytest.fixture
def ready_batch(db, settings, tmp_path, eager_tasks):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    batch = services.batch_create(
        user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(FILE_NAME, GOOD)
    )
    batch = services.batch_validate(batch=batch)
    assert (batch.status, batch.error_count) == (BatchStatus.READY, 0)
    return admin, batch


def commit_failing_with(error: Exception, admin, batch, monkeypatch) -> str:
    def fails(**kwargs):
        raise error

    monkeypatch.setattr(services, "batch_commit", fails)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.batch_commit_request(user=admin, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY  # back where it was, to commit again
    assert not Figure.objects.exists()
    return batch.message


def test_a_value_the_database_refuses_is_not_worth_retrying(ready_batch, monkeypatch) -> None:
    admin, batch = ready_batch
    message = commit_failing_with(
        DataError("value too long for type character varying(9)"), admin, batch, monkeypatch
    )
    assert "value too long for type character varying(9)" in message
    assert "Nothing was saved" in message
    assert "Trying again will fail the same way" in message
    assert "Try again" not in message


def test_a_database_that_was_away_may_be_retried(ready_batch, monkeypatch) -> None:
    admin, batch = ready_batch
    message = commit_failing_with(
        OperationalError("server closed the connection unexpectedly"), admin, batch, monkeypatch
    )
    assert "could not be reached" in message
    assert "try again in a few minutes" in message
    assert "will fail the same way" not in message
