"""The import pages: admins only; upload, preview, commit, roll back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indicators.models import Figure
from returns.models import BatchStatus, ImportBatch
from tests import factories
from tests.returns.test_batches import FILE_NAME, GOOD


@pytest.fixture
def admin(db, settings, tmp_path, eager_tasks):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def test_an_admin_uploads_previews_commits_and_rolls_back(
    admin, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/",
            {"kind": "published", "file": SimpleUploadedFile(FILE_NAME, GOOD), "note": "2025"},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Ready to commit" in page and "4 new, 0 changed, 0 unchanged" in page
    assert not Figure.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/commit/")
    assert Figure.objects.count() == 4
    assert "Committed" in client.get(f"/imports/{batch.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/rollback/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not Figure.objects.exists()
    assert FILE_NAME in client.get("/imports/").content.decode()


def test_a_wrong_upload_is_refused_with_a_message(admin) -> None:
    client = Client()
    client.force_login(admin)
    response = client.post("/imports/", {"kind": "published"})
    assert "Choose a file to import" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("path", ["/imports/", "/imports/1/"])
def test_imports_are_for_admins_only(db, path: str) -> None:
    client = Client()
    client.force_login(factories.UserFactory(username="officer"))
    assert client.get(path).status_code == 403


def signed_in_with_a_validated_batch(admin, on_commit) -> tuple[Client, ImportBatch]:
    client = Client()
    client.force_login(admin)
    with on_commit(execute=True):
        client.post("/imports/", {"kind": "published", "file": SimpleUploadedFile(FILE_NAME, GOOD)})
    return client, ImportBatch.objects.get()


def test_a_commit_waiting_for_its_worker_shows_its_progress_and_then_its_outcome(
    admin, django_capture_on_commit_callbacks
) -> None:
    client, batch = signed_in_with_a_validated_batch(admin, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(f"/imports/{batch.pk}/commit/")
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Committing" in page and "0% done: Waiting for a worker" in page
    assert client.get(f"/imports/{batch.pk}/progress/").json() == {
        "status": "committing",
        "status_label": "Committing",
        "working": True,
        "percent": 0,
        "note": "Waiting for a worker",
    }
    # A second press while the first is under way is refused, not queued twice.
    client.post(f"/imports/{batch.pk}/commit/")
    assert "Only a validated batch" in client.get(f"/imports/{batch.pk}/").content.decode()

    for callback in queued:
        callback()
    state = client.get(f"/imports/{batch.pk}/progress/").json()
    assert (state["status"], state["working"]) == ("committed", False)
    assert Figure.objects.count() == 4


def test_a_refused_rollback_leaves_the_batch_committed_and_says_why(
    admin, django_capture_on_commit_callbacks
) -> None:
    client, batch = signed_in_with_a_validated_batch(admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/commit/")
    Figure.objects.filter(pk=Figure.objects.first().pk).update(version=99)  # edited since

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/rollback/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert "was not rolled back: 1 of this batch's figures have changed" in batch.message
    assert Figure.objects.count() == 4


def test_a_file_over_the_limit_is_refused_and_its_content_not_kept(admin, settings) -> None:
    settings.IMPORT_MAX_BYTES = 100
    client = Client()
    client.force_login(admin)
    big = SimpleUploadedFile("huge.csv", b"x" * 10_000)
    response = client.post("/imports/", {"kind": "published", "file": big})
    page = response.content.decode()
    assert "huge.csv is more than" in page and "files over 100" in page
    assert not ImportBatch.objects.exists()


def test_the_size_handler_stops_keeping_a_file_past_the_limit(settings) -> None:
    from returns.uploads import RefusedUpload, SizeLimitedUploadHandler

    settings.IMPORT_MAX_BYTES = 10
    handler = SizeLimitedUploadHandler()
    handler.new_file("file", "big.csv", "text/csv", 100)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"6789012", 5) is None
    refused = handler.file_complete(12)
    assert isinstance(refused, RefusedUpload)
    assert (refused.name, refused.size, refused.read()) == ("big.csv", 12, b"")

    handler.new_file("file", "small.csv", "text/csv", 5)
    handler.receive_data_chunk(b"12345", 0)
    assert handler.file_complete(5) is None  # the next handler keeps it as usual
