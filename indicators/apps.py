from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        # The services queue these tasks by name (indicators/queue.py): registered here, in
        # the web process as in the worker, before any is queued.
        from . import tasks  # noqa: F401
        from .inspection_models import InspectionJudgement
        from .lineage_models import AreaSuccession
        from .models import Area, Indicator, IndicatorPairing
        from .reference_cache import (
            forget_good_authorities,
            forget_pairings,
            forget_successions,
        )

        # What the reference cache holds is forgotten when its rows change (reference_cache).
        for signal in (post_save, post_delete):
            signal.connect(forget_good_authorities, sender=InspectionJudgement)
            signal.connect(forget_successions, sender=AreaSuccession)
            signal.connect(forget_successions, sender=Area)
            signal.connect(forget_pairings, sender=IndicatorPairing)
            signal.connect(forget_pairings, sender=Indicator)
