"""Ofsted's judgements of every English authority's children's services (issue 18), imported
from the inspection outcomes file. Kept apart from `models.py` for its length.

They are published facts about other authorities, like published figures; the "good or
outstanding authorities" comparator is derived from them: the authorities whose latest
judgement published on or before a period's end was good or outstanding.
"""

from __future__ import annotations

from django.db import models


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


GOOD_OR_BETTER = (Grade.OUTSTANDING, Grade.GOOD)


class InspectionJudgement(models.Model):
    """One graded inspection (ILACS standard or short, or an earlier framework's) of an
    authority, with its overall effectiveness and sub-judgements (blank where the framework of
    the day had none: care leavers were judged apart only from January 2023)."""

    authority = models.ForeignKey(
        "indicators.Area", on_delete=models.CASCADE, related_name="inspection_judgements"
    )
    inspected_on = models.DateField(help_text="The inspection's (last) day, as Ofsted gives it.")
    published_on = models.DateField(help_text="When the report was published.")
    inspection_type = models.CharField(max_length=80, blank=True)
    overall = models.CharField("overall effectiveness", max_length=24, choices=Grade.choices)
    leaders = models.CharField(
        "impact of leaders", max_length=24, choices=Grade.choices, blank=True
    )
    help_and_protection = models.CharField(
        "children who need help and protection", max_length=24, choices=Grade.choices, blank=True
    )
    in_care = models.CharField("children in care", max_length=24, choices=Grade.choices, blank=True)
    care_leavers = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    source_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["authority__name", "-published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "inspected_on", "inspection_type"],
                name="inspection_judgement_once",
            ),
            models.CheckConstraint(
                condition=models.Q(overall__in=[g.value for g in Grade]),
                name="inspection_overall_known",
            ),
        ]
        indexes = [models.Index(fields=["published_on"], name="inspection_published_idx")]

    def __str__(self) -> str:
        return f"{self.authority}: {self.get_overall_display()} ({self.published_on:%B %Y})"
