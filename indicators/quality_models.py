"""A figure's data quality as the return it was derived from left it (issue 19). Kept apart
from `models.py` for its length.

A figure derived from a statutory return (SSDA903, CIN census) that was committed with the
DfE's validation rules failing carries how many of the children it counts were touched by an
error that can change it, and which rules (`returns.dfe_rules.quality`). The record describes
one version of the figure: a correction by any other means (a later import, the entry form, a
rollback) moves the figure's version on and the record no longer applies (`applies_to`), so it
is never shown beside a value it was not worked out for. A later corrected return replaces it.
Only counts are kept: no child's identifier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import Figure


class FigureQuality(models.Model):
    figure = models.OneToOneField(
        "indicators.Figure", on_delete=models.CASCADE, primary_key=True, related_name="quality"
    )
    version = models.PositiveIntegerField(help_text="The figure's version this describes.")
    rule_set = models.CharField(max_length=40, help_text='The rules checked: "SSDA903 2025/26".')
    counted = models.PositiveIntegerField(help_text="Children the figure counts.")
    affected = models.PositiveIntegerField(
        help_text="Of them, those touched by a rule error that can change the figure."
    )
    # [{"code": "408", "children": 12}, ...]: each rule that can change it, most first.
    rules = models.JSONField(default=list, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "figure qualities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(affected__lte=models.F("counted")),
                name="quality_affected_within_counted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.figure_id}: {self.affected} of {self.counted} ({self.rule_set})"

    def applies_to(self, figure: Figure) -> bool:
        return self.version == figure.version
