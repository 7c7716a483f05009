"""Celery tasks of imports: thin wrappers that take ids and call one service."""

import logging

from celery import shared_task

from . import services, spreadsheet_services
from .models import ImportBatch

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def validate_batch(batch_id: int) -> None:
    """Validate an uploaded batch. Idempotent: validating twice gives the same findings."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    try:
        services.batch_validate(batch=batch)
    except Exception as error:
        # The person who uploaded the file sees why on the batch's page.
        logger.exception("Validating import batch %s failed", batch_id)
        services.batch_fail(
            batch_id=batch_id,
            message=f"The file could not be validated ({type(error).__name__}: {error}).",
        )


@shared_task(acks_late=True)
def roll_up_figures_of(keys: list[list[int]]) -> int:
    """Derive the quarters and years of a spreadsheet import's monthly and quarterly figures
    (keys: [area id, indicator id, period id]). Idempotent, as each roll-up is."""
    return spreadsheet_services.figures_roll_up_many(keys=keys)
