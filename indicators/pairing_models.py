"""Pairs of measures that sound alike but are counted differently (issue 17).

An English and a Welsh measure can share a name and still not be comparable: England counts
re-referrals within 12 months and second child protection plans ever, Wales counts
re-registrations on its child protection register. The catalogue pairs them and says how they
differ, so that the indicator page can point from one to the other without inviting a
comparison the definitions do not allow. Kept apart from `models.py` for its length.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class IndicatorPairing(models.Model):
    """Two measures, usually an English and a Welsh one, that are close but not the same."""

    first = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="pairings_as_first"
    )
    second = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="pairings_as_second"
    )
    difference = models.TextField(help_text="How the two are defined differently, in plain words.")

    class Meta:
        ordering = ["first__code", "second__code"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="pairing_once"),
            models.CheckConstraint(condition=~Q(first=F("second")), name="pairing_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.first.code} / {self.second.code}"
