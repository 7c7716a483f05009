from typing import Any

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Returns and imports"

    def ready(self) -> None:
        # The batch services queue the tasks by name (indicators/queue.py): registered here, in
        # the web process as in the worker, before any is queued.
        from indicators.signals import catalogue_loaded

        from . import tasks  # noqa: F401

        # The shipped mappings of published files come with the catalogue (issue 18).
        catalogue_loaded.connect(shipped_mappings_on_load, dispatch_uid="returns-mappings")


def shipped_mappings_on_load(**kwargs: Any) -> None:
    """Refresh the shipped mappings with each catalogue load; a mappings file that cannot be
    read fails the load (and rolls it back), naming the line."""
    from indicators.catalogue import CatalogueError

    from .kinds.published_mappings_store import shipped_mappings_refresh

    try:
        shipped_mappings_refresh()
    except ValueError as error:
        raise CatalogueError(str(error)) from None
