"""Celery tasks: thin wrappers that take ids, call one service and own their retry policy."""

from celery import shared_task
from django.core.cache import cache

from accounts import access

from . import dashboards, queue, services
from .models import Area


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def roll_up_figures(area_id: int, indicator_id: int, period_id: int) -> int:
    """Re-derive the quarter and year containing a changed figure: `roll_up_figures_many`
    for one key. Saves and imports queue that one now; this name stays for the messages
    queued before an upgrade. Idempotent, and safe beside another roll-up of the same year:
    they take turns (`roll_up_lock_hold`)."""
    return services.figures_roll_up_many(
        user=access.SYSTEM, keys=[[area_id, indicator_id, period_id]]
    )


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def roll_up_figures_many(keys: list[list[int]]) -> int:
    """Re-derive the quarters and years containing the figures a save or an import changed
    (keys: [area id, indicator id, period id]): one task for all of them, where a task each
    cost the worker a delivery and a database connection apiece. Idempotent and safe beside
    other roll-ups, as `roll_up_figures` is."""
    return services.figures_roll_up_many(user=access.SYSTEM, keys=keys)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def rebuild_dashboard(authority_id: int) -> str:
    """Rebuild one authority's dashboard. Idempotent, and safe beside another rebuild of the
    same authority (they take turns). The queued mark is cleared first, so a write made while
    this runs queues the rebuild after it."""
    cache.delete(dashboards.queued_key(authority_id))
    authority = Area.objects.filter(pk=authority_id).first()
    if authority is None:
        return "gone"  # the authority was deleted after the rebuild was queued
    dashboard = dashboards.dashboard_rebuild(authority=authority)
    return dashboard.built_at.isoformat() if dashboard.built_at else ""


@shared_task(acks_late=True)
def rebuild_all_dashboards() -> int:
    """Queue a rebuild of every authority's dashboard (nightly, or when an admin asks): one
    task each, so that every worker process takes a share."""
    return dashboards.rebuild_all_queue()


@shared_task
def drain_outbox() -> int:
    """Send the tasks that wait in the outbox because the broker refused them (docs/0020).
    Every minute from beat, when a worker starts, and when a web process sees a backlog after
    a send succeeded; safe beside another drain. Says how many were sent."""
    return queue.outbox_drain()
