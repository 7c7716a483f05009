"""Celery tasks: thin wrappers that take ids, call one service and own their retry policy."""

from celery import shared_task

from . import services
from .models import Area, Indicator, Period


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def roll_up_figures(area_id: int, indicator_id: int, period_id: int) -> int:
    """Re-derive the quarter and year containing a changed figure. Idempotent: a task that is
    delivered twice derives the same figures and writes nothing the second time."""
    derived = services.figures_roll_up(
        area=Area.objects.get(pk=area_id),
        indicator=Indicator.objects.get(pk=indicator_id),
        period=Period.objects.get(pk=period_id),
    )
    return len(derived)
