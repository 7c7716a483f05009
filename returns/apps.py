from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Returns and imports"

    def ready(self) -> None:
        # The batch services queue the tasks by name (indicators/queue.py): registered here, in
        # the web process as in the worker, before any is queued.
        from . import tasks  # noqa: F401
