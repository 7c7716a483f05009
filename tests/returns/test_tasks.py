"""Import batches run by a real Celery worker against the Redis broker: validation, commit
and rollback; and a worker killed mid-validate and mid-commit, whose batches an admin can
validate or commit again, and whose task is not delivered for ever."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from config.celery import app
from indicators.models import Figure, FigureChange
from returns import services, tasks
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories
from tests.returns.test_batches import FILE_NAME, GOOD
from tests.returns.test_bounded_readers import EPISODE_HEADER, EPISODE_ROW

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


# --- A real worker killed mid-validate and mid-commit (docs/0009, "Batch states and their
# ways out"). The worker is a `celery -A config worker` process of its own (prefork, one
# child), on this test's database, broker queue and media folder, so it can be killed with
# SIGKILL as a machine out of memory or a `docker kill` would kill it.

ROOT = Path(__file__).resolve().parents[2]
BIG_NAME = "cla_characteristics_stuck_test.csv"
BIG_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,characteristic,number,denominator,percentage"
)
AUTHORITIES, YEARS, GROUPS = 150, 20, 60  # 180,000 rows: seconds of work for a worker


def big_file(groups: int = GROUPS) -> bytes:
    """A long published file (150 authorities, 20 years, 60 characteristics, each a measure
    of its own): genuinely big, so the worker is still at work when it is killed."""
    lines = [BIG_HEADER]
    for offset in range(YEARS):
        year = 2025 - offset
        period = f"{year - 1}{year % 100:02d}"
        for group in range(groups):
            for a in range(AUTHORITIES):
                denominator = 500 + (a * 37 + group) % 2000
                number = denominator * (5 + (a + group) % 40) // 100
                lines.append(
                    f"{period},Reporting year,Local authority,E92000001,England,E12000001,"
                    f"North East,{800 + a},E0{6000100 + a},Authority {800 + a},"
                    f"Group {group:03d},{number},{denominator},{100 * number / denominator:.1f}"
                )
    return ("\n".join(lines) + "\n").encode()


def add_group_measures(groups: int = GROUPS) -> None:
    from returns.models import PublishedMapping

    for group in range(groups):
        code = f"STUCK-{group:03d}"
        factories.IndicatorFactory(code=code, unit="percent", roll_up="none")
        PublishedMapping.objects.create(
            name=f"Stuck test group {group:03d}",
            indicator_code=code,
            file_hint="cla_characteristics_stuck_test",
            value_column="percentage",
            numerator_column="number",
            denominator_column="denominator",
            filters=f"characteristic=Group {group:03d}",
        )


class RealWorker:
    """`celery -A config worker` in a process group of its own, logging to `log`."""

    def __init__(self, media: Path, log: Path, **settings_env: str) -> None:
        database = connection.settings_dict  # the test database pytest-django made
        password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
        env = {
            **os.environ,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"postgres://{database['USER']}{password}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(media),
            # Its own memory cache: progress and dashboard marks are not this test's to see,
            # and would outlive the test in Redis.
            "CACHE_URL": "",
            **settings_env,
        }
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                f"--queues={app.conf.task_default_queue}",
                f"--hostname=stuck-{uuid.uuid4().hex[:8]}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pool_child(self) -> int:
        """The pool's one worker process, which runs the tasks."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split()
        assert pids, "the worker has no pool process"
        return int(pids[0])

    def kill(self) -> None:
        """SIGKILL to the whole worker, main process and pool alike: nothing can clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """A warm shutdown: the main process lets its pool finish the task in hand."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def real_worker(tmp_path) -> Iterator[Callable[..., RealWorker]]:
    """Start real workers on demand (with settings given as environment variables); stopped
    (and this test's queue emptied) at the end."""
    started: list[RealWorker] = []
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(app.conf.task_default_queue)  # nothing an earlier run left behind

    def start(**settings_env: str) -> RealWorker:
        started.append(RealWorker(tmp_path, tmp_path / "worker.log", **settings_env))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()
    # A killed worker's unacknowledged task would come back in an hour: drop this queue's.
    # The follow-up tasks a worker's commit queued (dashboard rebuilds) went to the default
    # queue, which no test consumes: drop them too.
    broker.delete(app.conf.task_default_queue, "celery")
    for tag, _ in queued_here(broker):
        broker.hdel("unacked", tag)
        broker.zrem("unacked_index", tag)


def queued_here(broker: redis.Redis) -> list[tuple[bytes, dict]]:
    """The messages of this test process's queue the broker holds: waiting, or delivered
    and not yet acknowledged (kombu's Redis transport keeps those in the "unacked" hash)."""
    queue = app.conf.task_default_queue
    held = [(b"", json.loads(raw)) for raw in broker.lrange(queue, 0, -1)]
    for tag, raw in broker.hgetall("unacked").items():
        message, _, routing_key = json.loads(raw)
        if routing_key == queue:
            held.append((tag, message))
    return held


def deliveries_of(broker: redis.Redis, task: str, batch_id: int) -> int:
    return sum(
        1
        for _, message in queued_here(broker)
        if message["headers"].get("task") == task
        and message["headers"].get("argsrepr") == f"({batch_id},)"
    )


def wait_until(condition: Callable[[], bool], what: str, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise AssertionError(f"Gave up waiting for {what}. The worker's log ends:\n{tail}")


def held_by_a_worker(batch_id: int, attempts: int) -> bool:
    """The worker has begun attempt `attempts` and its work's transaction holds the batch."""
    if ImportBatch.objects.get(pk=batch_id).attempts < attempts:
        return False
    try:
        with transaction.atomic():
            ImportBatch.objects.select_for_update(nowait=True).get(pk=batch_id)
    except OperationalError:
        return True
    return False


def writing_figures() -> bool:
    """Another transaction on this database has begun writing figures (it holds the lock a
    write takes on the figure table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'indicators_figure' AND l.mode = 'RowExclusiveLock' "
            "AND l.pid <> pg_backend_pid() "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return bool(cursor.fetchone()[0])


def status_is_not(batch_id: int, status: str) -> Callable[[], bool]:
    return lambda: ImportBatch.objects.get(pk=batch_id).status != status


def swept() -> int:
    """The sweep, as beat runs it, a little later (past the grace a starting attempt has)."""
    return services.batches_stalled_fail(now=timezone.now() + timedelta(minutes=2))


def episodes_zip(children: int) -> bytes:
    """An SSDA903 return's ZIP: its episodes table, one episode for each of `children`."""
    _child, rest = EPISODE_ROW.split(b",", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "episodes.csv",
            EPISODE_HEADER + b"".join(b"C%07d,%s" % (n, rest) for n in range(children)),
        )
    return buffer.getvalue()


@pytest.fixture
def big_import(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("killing a worker mid-transaction needs PostgreSQL, as deployed")
    settings.MEDIA_ROOT = tmp_path
    add_group_measures()
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return admin, big_file()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_validate_leaves_a_batch_the_admin_validates_again(
    big_import, real_worker
) -> None:
    admin, content = big_import
    worker = real_worker()
    batch = services.batch_create(
        user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(BIG_NAME, content)
    )
    wait_until(lambda: held_by_a_worker(batch.pk, 1), "the worker to validate", worker.log)
    worker.kill()
    wait_until(lambda: not held_by_a_worker(batch.pk, 1), "the transaction to end", worker.log)

    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.rows_read) == (BatchStatus.VALIDATING, 1, 0)
    assert not batch.findings.exists()
    assert swept() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.message == (
        "The worker stopped while validating this file, without finishing: it was stopped or "
        "restarted, ran out of memory or time, or was killed (the worker's log says which). "
        "Nothing was written. Validate it again, or reject it."
    )
    assert batch.may_retry and batch.may_reject

    services.batch_retry(user=admin, batch=batch)
    worker = real_worker()
    wait_until(status_is_not(batch.pk, BatchStatus.VALIDATING), "validation", worker.log)
    batch.refresh_from_db()
    rows = AUTHORITIES * YEARS * GROUPS
    assert (batch.status, batch.message, batch.error_count) == (BatchStatus.READY, "", 0)
    assert (batch.rows_read, batch.new_count) == (rows, rows)
    assert not Figure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_commit_writes_nothing_and_the_admin_commits_again(
    big_import, real_worker
) -> None:
    admin, content = big_import
    worker = real_worker()
    batch = services.batch_create(
        user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(BIG_NAME, content)
    )
    wait_until(status_is_not(batch.pk, BatchStatus.VALIDATING), "validation", worker.log)
    batch.refresh_from_db()
    services.batch_commit_request(user=admin, batch=batch)
    wait_until(writing_figures, "the worker to write figures", worker.log)
    worker.kill()
    # PostgreSQL aborts the dead worker's transaction, releasing the batch, once its server
    # process next hears from the connection (at once, or at the end of a statement).
    wait_until(lambda: not held_by_a_worker(batch.pk, 1), "the transaction to end", worker.log)

    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchStatus.COMMITTING, 1)
    # Nothing half-written: the commit's one transaction died with its worker.
    assert not Figure.objects.exists()
    assert not FigureChange.objects.exists()
    assert not batch.changes.exists()
    assert swept() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY and batch.can_commit
    assert batch.status_label == "Ready to commit (the last commit did not complete)"
    assert batch.message.startswith("The worker stopped while committing this batch")
    assert batch.message.endswith(
        "Nothing was written: every figure is as it was before. Commit it again, or reject it."
    )

    services.batch_commit_request(user=admin, batch=batch)
    worker = real_worker()
    wait_until(status_is_not(batch.pk, BatchStatus.COMMITTING), "the commit", worker.log)
    batch.refresh_from_db()
    assert (batch.status, batch.message) == (BatchStatus.COMMITTED, "")
    assert Figure.objects.count() == AUTHORITIES * YEARS * GROUPS


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_process_keeps_dying_is_given_up_not_redelivered_for_ever(
    big_import, real_worker, settings
) -> None:
    """A file that kills the pool process each time (the OOM killer, say): the worker sends
    the task again after each death, and the delivery after IMPORT_WORK_ATTEMPTS (2)
    unfinished attempts gives the batch up instead of working, so nothing is left queued."""
    admin, content = big_import
    worker = real_worker()
    batch = services.batch_create(
        user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(BIG_NAME, content)
    )
    for attempt in (1, 2):
        wait_until(partial(held_by_a_worker, batch.pk, attempt), f"attempt {attempt}", worker.log)
        os.kill(worker.pool_child(), signal.SIGKILL)

    wait_until(status_is_not(batch.pk, BatchStatus.VALIDATING), "the third delivery", worker.log)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.rows_read) == (BatchStatus.FAILED, 2, 0)
    assert batch.message.startswith(
        "The worker stopped while validating this file (2 times, without finishing), so it "
        "was not tried again"
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    wait_until(
        lambda: not deliveries_of(broker, "returns.tasks.validate_batch", batch.pk),
        "the broker to hold no more deliveries of the task",
        worker.log,
    )
    assert ImportBatch.objects.get(pk=batch.pk).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_validation_past_the_workers_memory_cap_fails_its_batch_with_a_message(
    big_import, real_worker
) -> None:
    """A worker process whose memory is capped (WORKER_MEMORY_LIMIT_MB; here far below what
    this file needs) meets MemoryError, and the batch says so: the worker neither eats the
    machine nor dies and comes back to the same file. The file: an SSDA903 return of 250,000
    children (under the row limit), whose derivation keeps every child's episodes, some
    350 MB; a published file streams and would not need it."""
    admin, _content = big_import
    authority = factories.AreaFactory(name="Northshire", slug="northshire")
    worker = real_worker(WORKER_MEMORY_LIMIT_MB="200")
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.SSDA903,
        upload=SimpleUploadedFile("ssda903_2025.zip", episodes_zip(250_000)),
        authority=authority,
        collection_year=2025,
    )
    wait_until(status_is_not(batch.pk, BatchStatus.VALIDATING), "validation", worker.log)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.rows_read) == (BatchStatus.FAILED, 1, 0)
    assert batch.message == (
        "The worker ran out of memory while validating this file (each worker process may "
        "use 200 MB: WORKER_MEMORY_LIMIT_MB), so it stopped: the file is too big for one "
        "import. Split it, or ask an administrator to raise the limit. Nothing was written. "
        "Validate it again, or reject it."
    )
    assert not batch.findings.exists()
    assert worker.process.poll() is None  # the worker is still there for the next task


@pytest.mark.django_db(transaction=True)
def test_a_validation_past_its_time_limit_fails_its_batch_and_says_so(
    settings, tmp_path, real_worker, monkeypatch
) -> None:
    """IMPORT_VALIDATE_TIME_LIMITS of 2 seconds (soft) on a file of nearly a million rows,
    which takes many times that: the worker interrupts the validation, and the batch says so."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker runs on PostgreSQL, as deployed")
    settings.MEDIA_ROOT = tmp_path
    add_group_measures(330)
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    worker = real_worker()
    monkeypatch.setattr(tasks.validate_batch, "delay", lambda *ids: None)
    batch = services.batch_create(
        user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(BIG_NAME, big_file(330))
    )
    # The limits travel with the task's message, as the process that queues it has them: as
    # one whose IMPORT_VALIDATE_TIME_LIMITS is "2,120" sends it.
    tasks.validate_batch.apply_async((batch.pk,), soft_time_limit=2, time_limit=120)
    wait_until(status_is_not(batch.pk, BatchStatus.VALIDATING), "validation", worker.log)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_read) == (BatchStatus.FAILED, 0)
    assert batch.message == (
        "The worker stopped validating this file after 2 seconds, its time limit "
        "(IMPORT_VALIDATE_TIME_LIMITS). Split the file, or ask an administrator to raise the "
        "limit. Nothing was written. Validate it again, or reject it."
    )
    assert not batch.findings.exists()
