from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        # The services queue these tasks by name (indicators/queue.py): registered here, in
        # the web process as in the worker, before any is queued.
        from . import tasks  # noqa: F401
