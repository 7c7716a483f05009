"""Where an authority came from: the lineage of areas through local-government reorganisation
(issue 18). Kept apart from `models.py` for its length.

Authorities appear and disappear between years of a published file: Northamptonshire split into
North and West Northamptonshire in April 2021, Cumbria into Cumberland and Westmorland and
Furness in April 2023, Bournemouth and Poole joined in BCP in April 2019. Without a record of
that, a chart shows a silent gap; with it, the chart draws a labelled break and the reader knows
why the line starts (or stops) where it does. The shipped lineage is `catalogue/lineage.csv`.
"""

from __future__ import annotations

from django.db import models


class SuccessionChange(models.TextChoices):
    SPLIT = "split", "Split into two or more authorities"
    MERGED = "merged", "Merged with others into a new authority"
    ABSORBED = "absorbed", "Became part of an existing authority"
    RECODED = "recoded", "Kept its services under a new code (a new kind of authority)"


class AreaSuccession(models.Model):
    """One step of lineage: `predecessor` gave way (wholly or in part) to `successor` on
    `took_effect`. A recoded authority that is kept as one area names itself twice."""

    predecessor = models.ForeignKey(
        "indicators.Area", on_delete=models.CASCADE, related_name="successions_as_predecessor"
    )
    successor = models.ForeignKey(
        "indicators.Area", on_delete=models.CASCADE, related_name="successions_as_successor"
    )
    took_effect = models.DateField(help_text="The day the new arrangement began (1 April 2021).")
    change = models.CharField(max_length=10, choices=SuccessionChange.choices)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["took_effect", "predecessor__name", "successor__name"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
            models.CheckConstraint(
                condition=models.Q(change__in=[c.value for c in SuccessionChange]),
                name="succession_change_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.took_effect:%B %Y})"
