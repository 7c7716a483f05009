"""Celery tasks: thin wrappers that call one service and own their retry policy."""

from celery import shared_task

from indicators.models import Area

from . import services
from .models import CaseAudit


@shared_task(acks_late=True)
def derive_audit_summaries() -> int:
    """Nightly: derive the summary figures of every authority's audit quarters. A quarter's
    figures can only be written once it has ended, so audits entered during a quarter reach a
    figure the night after it ends even if nothing else is written. Idempotent: figures that
    have not changed are not written again. Says how many authorities it looked at."""
    authorities = Area.objects.filter(
        pk__in=CaseAudit.objects.values_list("authority_id", flat=True)
    )
    for authority in authorities:
        services.audit_summaries_derive(authority=authority)
    return len(authorities)
