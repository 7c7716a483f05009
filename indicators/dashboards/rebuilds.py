"""Which dashboards a write touches, and queueing their rebuilds.

Writes that change what a dashboard shows call `dashboards_changed` inside their transaction;
after it commits, the dashboards that show the change are marked stale and one rebuild per
authority is queued, however many writes there were. The rebuild itself waits a moment
(`COALESCE_SECONDS`) for more writes to the same authority.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Area, AreaKind, Comparator, ComparatorKind, Dashboard, StatisticalNeighbour
from ..queue import tasks_queue_on_commit

# How long a queued rebuild waits for more writes to the same authority, so that a burst of
# saves (an entry form, an import) costs one rebuild.
COALESCE_SECONDS = 2
# Queued by name (indicators/queue.py): the task calls `dashboard_rebuild` back.
REBUILD_TASK = "indicators.tasks.rebuild_dashboard"


def authorities_affected(area_ids: Iterable[int]) -> set[int]:
    """The authorities whose dashboards show figures of these areas: the authorities among
    them, and every authority that has one of them (England, a region, a group) as a
    comparator or that computes a comparator from them (its neighbours, its region's
    authorities, a group's members)."""
    area_ids = set(area_ids)
    if not area_ids:
        return set()
    affected: set[int] = set()
    regions: set[int] = set()
    for area_id, region_id in Area.objects.filter(
        pk__in=area_ids, kind=AreaKind.AUTHORITY
    ).values_list("id", "region_id"):
        affected.add(area_id)
        if region_id is not None:
            regions.add(region_id)
    changed_authorities = set(affected)
    groups = set(
        Area.members.through.objects.filter(to_area_id__in=changed_authorities).values_list(
            "from_area_id", flat=True
        )
    )
    affected.update(
        Comparator.objects.filter(
            Q(area_id__in=area_ids)
            | Q(area_id__in=regions, kind=ComparatorKind.REGION)
            | Q(area_id__in=groups, kind=ComparatorKind.GROUP)
        ).values_list("authority_id", flat=True)
    )
    affected.update(
        StatisticalNeighbour.objects.filter(neighbour_id__in=changed_authorities).values_list(
            "authority_id", flat=True
        )
    )
    return affected


def dashboards_changed(*, area_ids: Iterable[int] = (), authority_ids: Iterable[int] = ()) -> None:
    """Say, inside a write's transaction, that figures of these areas (or these authorities'
    targets or comparators) changed. After the transaction commits the dashboards that show
    them are marked stale and their rebuilds queued, each authority once for however many
    calls the transaction made. Nothing happens for a write rolled back, whether with the
    whole transaction or with a savepoint (an inner `atomic` block) that the transaction
    then survives. Outside any transaction it happens at once."""
    requests = _commit_requests.get()
    if requests is None or requests.started:
        requests = _CommitRequests()
        _commit_requests.set(requests)
    # One callback per call, so that Django drops this call's request exactly when it drops
    # the write's own effects: with a savepoint or a transaction rolled back.
    transaction.on_commit(partial(requests.request, frozenset(area_ids), frozenset(authority_ids)))


@dataclass
class _CommitRequests:
    """What one transaction's commit has requested so far. After the commit its callbacks run
    one after another and share this record, so that each area is looked up, and each
    authority's rebuild requested, once. It is filled only as they run: a transaction that
    rolls back leaves it empty."""

    started: bool = False
    areas: set[int] = field(default_factory=set)
    authorities: set[int] = field(default_factory=set)

    def request(self, area_ids: frozenset[int], authority_ids: frozenset[int]) -> None:
        self.started = True
        new_areas = area_ids - self.areas
        self.areas |= new_areas
        affected = authorities_affected(new_areas) | authority_ids
        request_rebuilds(affected - self.authorities)
        self.authorities |= affected


# The record the current transaction's callbacks share. A call that finds its callbacks have
# started (its transaction committed, or there was none) starts a new one; one left by a
# transaction that rolled back never started, holds nothing, and serves the next transaction.
_commit_requests: ContextVar[_CommitRequests | None] = ContextVar(
    "dashboard_commit_requests", default=None
)


def request_rebuilds(authority_ids: Iterable[int]) -> None:
    """Mark these authorities' dashboards stale and queue a rebuild of each, unless one is
    already queued and not yet started: that one will read this change too."""
    authority_ids = sorted(set(authority_ids))
    if not authority_ids:
        return
    now = timezone.now()
    existing = set(
        Dashboard.objects.filter(pk__in=authority_ids).values_list("authority_id", flat=True)
    )
    Dashboard.objects.bulk_create(
        [Dashboard(authority_id=pk) for pk in authority_ids if pk not in existing],
        ignore_conflicts=True,
    )
    Dashboard.objects.filter(pk__in=authority_ids).update(changed_at=now)
    # cache.add is atomic: only the first write in a burst queues the rebuild. The task clears
    # the mark when it starts, so a write during a rebuild queues the next one. With the cache
    # unreachable, add answers True (config/cache.py): a rebuild queued twice is harmless, one
    # never queued is not. Queued through the outbox, so that a broker that is down delays the
    # rebuild rather than losing it.
    tasks_queue_on_commit(
        REBUILD_TASK,
        [
            [authority_id]
            for authority_id in authority_ids
            if cache.add(queued_key(authority_id), True, timeout=COALESCE_SECONDS * 30)
        ],
        countdown=COALESCE_SECONDS,
    )


def queued_key(authority_id: int) -> str:
    return f"dashboard-rebuild-queued:{authority_id}"


def rebuild_all_queue() -> int:
    """Queue a rebuild of every authority's dashboard, one task each; says how many."""
    authority_ids = list(Area.objects.authorities().order_by("pk").values_list("pk", flat=True))
    started = timezone.now()
    cache.set(ALL_REBUILD_KEY, {"started": started.isoformat(), "total": len(authority_ids)}, None)
    tasks_queue_on_commit(REBUILD_TASK, [[authority_id] for authority_id in authority_ids])
    return len(authority_ids)


ALL_REBUILD_KEY = "dashboards-rebuild-all"


@dataclass(frozen=True)
class RebuildProgress:
    """How far the latest rebuild of every dashboard has got: dashboards built since it was
    asked for, out of all of them. Read from the dashboards themselves, so it survives a
    reload and counts the work of every worker."""

    working: bool
    done: int
    total: int
    started: datetime | None

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @property
    def note(self) -> str:
        return f"{self.done} of {self.total} dashboards rebuilt"

    def as_json(self) -> dict[str, Any]:
        """What the page's script polls for (the shape an import's progress has too)."""
        return {"working": self.working, "percent": self.percent, "note": self.note}


def rebuild_progress() -> RebuildProgress:
    asked = cache.get(ALL_REBUILD_KEY)
    if not asked:
        return RebuildProgress(False, 0, 0, None)
    started = datetime.fromisoformat(asked["started"])
    done = Dashboard.objects.filter(built_at__gte=started).count()
    total = asked["total"]
    return RebuildProgress(done < total, min(done, total), total, started)
