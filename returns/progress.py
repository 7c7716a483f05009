"""How far a worker has got with a batch: validating, committing or rolling back.

A commit is one transaction, so progress written to the batch's own row inside it would not be
seen by anyone else until the end (and that row is locked while the commit runs). Progress
therefore goes to the cache, which the web and the workers share (Redis in a deployment; see
CACHES in config/settings.py), and the batch page reads it from there, so a reload, or another
admin, sees where the work has got to. Once the work ends, the batch row says how it ended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

# Long enough for the slowest import; the final state is on the batch row anyway.
KEPT_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class Progress:
    percent: int
    note: str


def _key(batch_id: int) -> str:
    return f"returns:batch-progress:{batch_id}"


def progress_report(batch_id: int, *, percent: float, note: str) -> None:
    """Say how far the work on a batch has got: a percentage (0 to 100) and what is being done."""
    cache.set(_key(batch_id), (max(0, min(100, int(percent))), note[:255]), KEPT_SECONDS)


def progress_clear(batch_id: int) -> None:
    cache.delete(_key(batch_id))


def progress_of(batch_id: int) -> Progress | None:
    """The progress last reported for a batch, if work on it is under way."""
    kept = cache.get(_key(batch_id))
    if kept is None:
        return None
    percent, note = kept
    return Progress(int(percent), str(note))


def stage_reporter(
    batch_id: int, *, start: float, end: float, total: int, verb: str
) -> Callable[[int, str], None]:
    """A `progress(done, note)` callback for one stage of the work, mapping `done` of `total`
    onto `start`..`end` percent."""

    def report(done: int, note: str) -> None:
        share = done / total if total else 1.0
        progress_report(batch_id, percent=start + (end - start) * share, note=f"{verb}: {note}")

    return report
