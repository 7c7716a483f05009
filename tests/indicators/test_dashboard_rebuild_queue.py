"""Which dashboard rebuilds a transaction's writes queue: one per authority once it commits,
none for a write rolled back with a savepoint or with the whole transaction, and at once for
a write made outside any transaction."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.core.cache import cache
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from indicators import dashboards
from indicators.dashboards import rebuilds
from indicators.models import Area, Dashboard
from tests import factories


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The authorities whose rebuild tasks were sent, in order."""
    from indicators.tasks import rebuild_dashboard

    sent: list[int] = []
    monkeypatch.setattr(
        rebuild_dashboard, "apply_async", lambda args, countdown: sent.append(args[0])
    )
    return sent


@pytest.fixture
def requested(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Each request to mark dashboards stale and queue their rebuilds, with its authorities."""
    asked: list[list[int]] = []
    real = rebuilds.request_rebuilds

    def spy(authority_ids: Iterable[int]) -> None:
        authority_ids = sorted(authority_ids)
        if authority_ids:
            asked.append(authority_ids)
        real(authority_ids)

    monkeypatch.setattr(rebuilds, "request_rebuilds", spy)
    return asked


@pytest.fixture
def north(db: None) -> Area:
    return factories.AreaFactory(name="Northshire", slug="northshire")


@pytest.fixture
def south(db: None) -> Area:
    return factories.AreaFactory(name="Southshire", slug="southshire")


Committed = Callable[[], AbstractContextManager[None]]


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Committed:
    """A transaction whose on-commit callbacks run as it ends, as after a real commit (the
    test's own transaction, around it, never commits)."""

    @contextmanager
    def transaction_committed() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            yield

    return transaction_committed


def stale(*areas: Area) -> list[bool]:
    marked = set(
        Dashboard.objects.filter(changed_at__isnull=False).values_list("authority_id", flat=True)
    )
    return [area.pk in marked for area in areas]


@pytest.mark.django_db
def test_many_writes_in_one_transaction_request_each_authority_once(
    north: Area,
    south: Area,
    queued: list[int],
    requested: list[list[int]],
    committed: Committed,
) -> None:
    with committed():
        for _write in range(3):
            dashboards.dashboards_changed(area_ids=[north.pk])
        dashboards.dashboards_changed(area_ids=[south.pk, north.pk])
        dashboards.dashboards_changed(authority_ids=[north.pk])
        assert queued == [] and stale(north, south) == [False, False]  # not before the commit
    assert sorted(queued) == [north.pk, south.pk]
    assert sorted(pk for ids in requested for pk in ids) == [north.pk, south.pk]
    assert stale(north, south) == [True, True]


@pytest.mark.django_db
def test_a_write_in_a_rolled_back_savepoint_queues_nothing_while_the_rest_still_does(
    north: Area,
    south: Area,
    queued: list[int],
    committed: Committed,
) -> None:
    with committed():
        dashboards.dashboards_changed(area_ids=[north.pk])
        with pytest.raises(RuntimeError), transaction.atomic():
            dashboards.dashboards_changed(area_ids=[south.pk])
            raise RuntimeError("this part is refused")
        dashboards.dashboards_changed(area_ids=[north.pk])
    assert queued == [north.pk]
    assert stale(north, south) == [True, False]


@pytest.mark.django_db
def test_a_savepoint_that_completes_queues_its_rebuild_with_its_transaction(
    north: Area,
    south: Area,
    queued: list[int],
    committed: Committed,
) -> None:
    with committed():
        with transaction.atomic():
            dashboards.dashboards_changed(area_ids=[south.pk])
        assert queued == []
        with transaction.atomic():
            dashboards.dashboards_changed(area_ids=[north.pk])
    assert sorted(queued) == [north.pk, south.pk]
    assert stale(north, south) == [True, True]


@pytest.mark.django_db
def test_a_rolled_back_transaction_queues_nothing_and_leaves_nothing_for_the_next(
    north: Area,
    south: Area,
    queued: list[int],
    requested: list[list[int]],
    committed: Committed,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dashboards.dashboards_changed(area_ids=[north.pk])
        with transaction.atomic():
            dashboards.dashboards_changed(area_ids=[north.pk, south.pk])
        raise RuntimeError("refused")
    assert callbacks == [] and queued == [] and requested == []
    assert stale(north, south) == [False, False]

    # The next transaction queues what it changed, and nothing of the one rolled back.
    with committed():
        dashboards.dashboards_changed(area_ids=[south.pk])
    assert queued == [south.pk] and requested == [[south.pk]]
    assert stale(north, south) == [False, True]


@pytest.mark.django_db
def test_each_transaction_asks_again_and_a_rebuild_once_started_is_queued_again(
    north: Area,
    queued: list[int],
    requested: list[list[int]],
    committed: Committed,
) -> None:
    for _transaction in range(2):
        with committed():
            dashboards.dashboards_changed(area_ids=[north.pk])
    # Both transactions marked the dashboard stale; the rebuild queued by the first one, not
    # yet started, reads the second one's change too.
    assert requested == [[north.pk], [north.pk]]
    assert queued == [north.pk]

    cache.delete(dashboards.queued_key(north.pk))  # the rebuild task has started
    with committed():
        dashboards.dashboards_changed(area_ids=[north.pk])
    assert queued == [north.pk, north.pk]


@pytest.mark.django_db(transaction=True)
def test_outside_any_transaction_the_rebuild_is_queued_at_once(
    north: Area, south: Area, queued: list[int]
) -> None:
    dashboards.dashboards_changed(area_ids=[north.pk])
    assert queued == [north.pk]
    dashboards.dashboards_changed(authority_ids=[south.pk])
    assert queued == [north.pk, south.pk]
    assert stale(north, south) == [True, True]
