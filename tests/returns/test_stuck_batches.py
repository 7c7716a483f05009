"""Every batch state has a way out: work whose worker died, stalled, or met a time or memory
limit is given up with a message saying what happened and what was (not) written, and the
admin can validate again, commit again, roll back again or reject. Here in-process; with a
real worker killed mid-validate and mid-commit in test_tasks.py."""

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from indicators.models import Figure
from returns import services, tasks
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories
from tests.returns.test_batches import FILE_NAME, GOOD, HARTLEPOOL, c1

LATER = timedelta(minutes=16)  # past IMPORT_STALLED_MINUTES (15 by default)


@pytest.fixture
def admin(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def queued_upload(admin, content: bytes = GOOD) -> ImportBatch:
    """An upload whose validation was queued for a worker that never came."""
    return services.batch_create(
        user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(FILE_NAME, content)
    )


def sweep(minutes_later: float = 16) -> int:
    return services.batches_stalled_fail(now=timezone.now() + timedelta(minutes=minutes_later))


def test_a_validation_no_worker_started_is_given_up_and_can_be_validated_again(
    admin, django_capture_on_commit_callbacks, eager_tasks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        batch = queued_upload(admin)
    assert sweep(minutes_later=14) == 0  # still within the stated time: it may be queued
    assert sweep() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.message.startswith(
        "No worker started validating this file within 15 minutes of it being asked for"
    )
    assert batch.message.endswith("Nothing was written. Validate it again, or reject it.")
    assert (batch.status_label, batch.may_retry, batch.may_reject) == (
        "Validation failed",
        True,
        True,
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.batch_retry(user=admin, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.message, batch.new_count) == (BatchStatus.READY, "", 4)

    # The lost task turns up at last: it finds the batch validated and does nothing.
    tasks.validate_batch(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchStatus.READY, 1)


def test_a_delivery_after_attempts_that_never_finished_gives_the_batch_up(admin, settings) -> None:
    """A file that kills its worker (say, out of memory) is delivered again each time its
    worker dies: after IMPORT_WORK_ATTEMPTS beginnings, none finished, it is not worked again."""
    settings.IMPORT_WORK_ATTEMPTS = 2
    batch = queued_upload(admin)
    # Two deliveries begin, and each worker dies before it finishes (nothing to undo: the
    # work's own transaction dies with it).
    assert services.batch_work_start(batch_id=batch.pk, work="validate") is not None
    assert services.batch_work_start(batch_id=batch.pk, work="validate") is not None

    assert services.batch_work_start(batch_id=batch.pk, work="validate") is None
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchStatus.FAILED, 2)
    assert batch.message.startswith(
        "The worker stopped while validating this file (2 times, without finishing), so it "
        "was not tried again"
    )
    assert not batch.findings.exists()
    # The task itself, delivered yet again, does nothing.
    tasks.validate_batch(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchStatus.FAILED, 2)


def test_a_commit_whose_worker_died_goes_back_to_ready_and_commits_again(
    admin, django_capture_on_commit_callbacks
) -> None:
    batch = services.batch_validate(batch=queued_upload(admin))
    with django_capture_on_commit_callbacks(execute=False):
        services.batch_commit_request(user=admin, batch=batch)
    services.batch_work_start(batch_id=batch.pk, work="commit")  # ... and the worker died

    assert sweep(minutes_later=0.5) == 0  # the work may be about to take its lock
    assert sweep(minutes_later=2) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    assert batch.status_label == "Ready to commit (the last commit did not complete)"
    assert "The worker stopped while committing this batch, without finishing" in batch.message
    assert batch.message.endswith(
        "Nothing was written: every figure is as it was before. Commit it again, or reject it."
    )
    assert not Figure.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.batch_commit_request(user=admin, batch=batch)
    assert len(queued) == 1
    tasks.commit_batch(batch.pk, admin.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.message, batch.status_label) == (
        BatchStatus.COMMITTED,
        "",
        "Committed",
    )
    assert Figure.objects.count() == 4


def test_a_rollback_whose_worker_died_leaves_the_batch_committed(
    admin, django_capture_on_commit_callbacks
) -> None:
    batch = services.batch_commit(
        user=admin, batch=services.batch_validate(batch=queued_upload(admin))
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.batch_rollback_request(user=admin, batch=batch)
    services.batch_work_start(batch_id=batch.pk, work="rollback")  # ... and the worker died
    assert sweep(minutes_later=2) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert batch.status_label == "Committed (the last rollback did not complete)"
    assert batch.message.endswith(
        "Nothing was changed: the batch is still committed. Roll it back again."
    )
    assert Figure.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_alone_a_batch_a_worker_holds(admin, monkeypatch) -> None:
    """A worker's transaction holds the batch's row from start to end of its work: however
    long that takes, the batch is not given up while the row is held."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's, as deployed (SQLite locks the whole file)")
    monkeypatch.setattr(tasks.validate_batch, "delay", lambda *ids: None)  # no broker here
    batch = queued_upload(admin)
    ImportBatch.objects.filter(pk=batch.pk).update(
        working_since=timezone.now() - timedelta(hours=1), attempts=1
    )
    held, release = threading.Event(), threading.Event()

    def worker() -> None:
        try:
            with transaction.atomic():
                ImportBatch.objects.select_for_update().get(pk=batch.pk)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert held.wait(30)
        assert services.batches_stalled_fail() == 0
        batch.refresh_from_db()
        assert batch.status == BatchStatus.VALIDATING
    finally:
        release.set()
        thread.join()
    assert services.batches_stalled_fail() == 1  # released, and no one finished it


@pytest.mark.parametrize(
    ("stopped", "message"),
    [
        (
            SoftTimeLimitExceeded(),
            "The worker stopped validating this file after 20 minutes, its time limit "
            "(IMPORT_VALIDATE_TIME_LIMITS). Split the file, or ask an administrator to raise "
            "the limit. Nothing was written. Validate it again, or reject it.",
        ),
        (
            MemoryError(),
            "The worker ran out of memory while validating this file (each worker process may "
            "use 4096 MB: WORKER_MEMORY_LIMIT_MB), so it stopped: the file is too big for one "
            "import.",
        ),
    ],
)
def test_a_validation_stopped_at_a_limit_fails_its_batch_and_writes_nothing(
    admin, monkeypatch, settings, stopped: BaseException, message: str
) -> None:
    settings.WORKER_MEMORY_LIMIT_MB = 4096
    batch = queued_upload(admin)
    handler = services.handler_for(batch.kind)

    def validate(batch: ImportBatch):
        # Written inside the work's transaction, which the stop undoes.
        ImportBatch.objects.filter(pk=batch.pk).update(rows_read=999)
        raise stopped

    monkeypatch.setattr(handler, "validate", validate)
    tasks.validate_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.message.startswith(message)
    assert (batch.rows_read, batch.findings.count()) == (0, 0)


def test_a_commit_killed_at_its_hard_time_limit_goes_back_to_ready(
    admin, django_capture_on_commit_callbacks
) -> None:
    """At the hard limit the worker kills the process and calls the task's on_failure in its
    main process, where the batch is given up."""
    batch = services.batch_validate(batch=queued_upload(admin))
    with django_capture_on_commit_callbacks(execute=False):
        services.batch_commit_request(user=admin, batch=batch)
    services.batch_work_start(batch_id=batch.pk, work="commit")
    tasks.commit_batch.on_failure(
        TimeLimitExceeded(1860), "task-id", (batch.pk, admin.pk), {}, None
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    assert batch.message.startswith(
        "The worker stopped committing this batch after 31 minutes, its time limit "
        "(IMPORT_COMMIT_TIME_LIMITS), and killed it."
    )


def test_a_return_whose_file_was_deleted_cannot_be_validated_again(
    admin, django_capture_on_commit_callbacks
) -> None:
    authority = factories.AreaFactory(name="Hartlepool", slug="hartlepool")
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.batch_create(
            user=admin,
            kind=ImportKind.CIN,
            upload=SimpleUploadedFile("cin.xml", b"<Message/>"),
            authority=authority,
            collection_year=2025,
        )
    services.batch_work_start(batch_id=batch.pk, work="validate")
    # The worker derived the return, deleted its file (child-level data is not kept), and died.
    batch.file.storage.delete(batch.file.name)
    assert sweep(minutes_later=2) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.message.endswith(
        "Nothing was written. Its file was deleted when it was read, as a return's child-level "
        "data is not kept, so it cannot be validated again: upload the file again, and reject "
        "this batch."
    )
    with pytest.raises(ValidationError, match="upload the file again"):
        services.batch_retry(user=admin, batch=batch)
    services.batch_reject(user=admin, batch=batch)
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.REJECTED


def test_rejecting_a_return_that_failed_deletes_its_file(
    admin, django_capture_on_commit_callbacks
) -> None:
    authority = factories.AreaFactory(name="Hartlepool", slug="hartlepool")
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.CIN,
        upload=SimpleUploadedFile("cin.xml", b"<Message/>"),
        authority=authority,
        collection_year=2025,
    )
    services.batch_fail(batch_id=batch.pk, message="The file could not be validated.")
    path = Path(batch.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_reject(user=admin, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.file.name) == (BatchStatus.REJECTED, "")
    assert not path.exists()


def test_only_a_failed_validation_is_validated_again(admin) -> None:
    batch = services.batch_validate(batch=queued_upload(admin))
    with pytest.raises(ValidationError, match="only a batch whose validation failed"):
        services.batch_retry(user=admin, batch=batch)
    other = factories.UserFactory(username="officer")
    services.batch_fail(batch_id=batch.pk, message="x")  # not failed: it had moved on
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.READY
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED)
    with pytest.raises(PermissionDenied):
        services.batch_retry(user=other, batch=batch)


def test_a_batch_with_errors_reads_has_errors(admin) -> None:
    batch = services.batch_validate(batch=queued_upload(admin, c1(f"202425,{HARTLEPOOL},1,2,lots")))
    assert batch.error_count and batch.status_label == "Has errors"
    client = Client()
    client.force_login(admin)
    assert "Has errors" in client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Has errors" in client.get("/imports/").content.decode()
    listed = client.get("/admin/returns/importbatch/?status=errors").content.decode()
    assert FILE_NAME in listed and "Has errors" in listed
    assert FILE_NAME not in client.get("/admin/returns/importbatch/?status=ready").content.decode()


def test_the_batch_page_gives_up_a_stalled_batch_and_offers_to_validate_again(
    admin, django_capture_on_commit_callbacks, eager_tasks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        batch = queued_upload(admin)
    ImportBatch.objects.filter(pk=batch.pk).update(working_since=timezone.now() - LATER, progress=5)
    client = Client()
    client.force_login(admin)
    assert client.get(f"/imports/{batch.pk}/progress/").json()["status"] == "failed"
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Validation failed" in page and "No worker started validating this file" in page
    assert "Validate again" in page and "Reject" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{batch.pk}/retry/")
    assert response["Location"] == f"/imports/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"{FILE_NAME} is being validated again" in page  # what the press was told
    assert "Ready to commit" in page and "4 new, 0 changed, 0 unchanged" in page


def test_each_kind_of_task_has_time_limits_set_in_settings(monkeypatch) -> None:
    from config.celery import app
    from config.settings import task_time_limits

    for name in (
        "returns.tasks.validate_batch",
        "returns.tasks.commit_batch",
        "returns.tasks.rollback_batch",
        "returns.tasks.roll_up_figures_of",
        "indicators.tasks.roll_up_figures",
        "indicators.tasks.rebuild_dashboard",
    ):
        task = app.tasks[name]
        soft, hard = task.soft_time_limit or 0, task.time_limit or 0
        assert 0 < soft < hard, name
    assert app.conf.worker_max_memory_per_child == 1024 * 1024
    monkeypatch.setenv("IMPORT_VALIDATE_TIME_LIMITS", "90,120")
    assert task_time_limits("IMPORT_VALIDATE_TIME_LIMITS", 20) == {
        "soft_time_limit": 90,
        "time_limit": 120,
    }


def test_a_worker_process_meets_its_memory_cap_as_a_memory_error() -> None:
    """WORKER_MEMORY_LIMIT_MB, as each worker process sets it: an allocation beyond it is a
    MemoryError the task can catch, not a machine out of memory."""
    program = (
        "from config.celery import memory_cap\n"
        "memory_cap(1024)\n"
        "try:\n"
        "    held = bytearray(2 * 1024 ** 3)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
        "else:\n"
        "    print('allowed')\n"
    )
    ran = subprocess.run(  # noqa: S603 - our own interpreter with a fixed program
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert ran.stdout.strip() == "refused"


def test_a_batch_whose_task_waits_in_the_outbox_is_not_given_up(admin) -> None:
    """With the broker down, the upload's validation waits in the outbox (docs/0020): it is
    not lost, so the batch waits for it rather than being given up."""
    from config.celery import app
    from indicators.models import OutboxMessage

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # a broker is configured (and, here, never reached)
    try:
        batch = queued_upload(admin)
    finally:
        app.conf.task_always_eager = eager
    assert OutboxMessage.objects.filter(task="returns.tasks.validate_batch").exists()
    assert sweep() == 0
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.VALIDATING

    OutboxMessage.objects.all().delete()  # ... whereas a task gone from everywhere is lost
    assert sweep() == 1
