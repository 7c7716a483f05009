"""Reference data that many pages read and almost nothing writes, kept in Django's cache so
that a page view does not query it again: Ofsted's judgements as a timeline (the good
authorities comparator), the lineage of areas (a trend's labelled breaks) and the pairs of
alike measures. Issue 18 had added a query for the first two to every indicator page, past
the page's target of ten (bench/dashboards.py).

Each is built by one query when missing, and forgotten whenever what it was built from
changes: by a model signal for a change through the ORM (the admin, a test), and by
`reference_changed()` from the services that write in bulk (the Ofsted import, the catalogue
load), at once and again when their transaction commits, so that no page keeps what it read
in between. An hour's lifetime bounds anything missed (a rolled-back write read meanwhile).
While Redis is down every read misses and runs its query (config/cache.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

LIFETIME_SECONDS = 3600
GOOD_AUTHORITIES = "reference:good-authorities:1"
SUCCESSIONS = "reference:successions:1"
PAIRINGS = "reference:pairings:1"
ALL_KEYS = (GOOD_AUTHORITIES, SUCCESSIONS, PAIRINGS)


def cached(key: str, build: Callable[[], T]) -> T:
    """What `key` holds, or what `build` gives, kept for the next read."""
    kept = cache.get(key)
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    built = build()
    cache.set(key, built, LIFETIME_SECONDS)
    return built


def reference_changed(*keys: str) -> None:
    """Forget what was built from the rows just written (every key, if none is named)."""
    forgotten = keys or ALL_KEYS
    cache.delete_many(forgotten)
    transaction.on_commit(lambda: cache.delete_many(forgotten))


def forget_good_authorities(**_signal: Any) -> None:
    reference_changed(GOOD_AUTHORITIES)


def forget_successions(**_signal: Any) -> None:
    reference_changed(SUCCESSIONS)


def forget_pairings(**_signal: Any) -> None:
    reference_changed(PAIRINGS)
