"""A user's saved views of the benchmarking grid (issue 18): which authorities are the rows
and which measures the columns. Kept apart from `models.py` for its length."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class GridRows(models.TextChoices):
    REGION = "region", "The authorities of a region"
    NEIGHBOURS = "neighbours", "An authority and its statistical neighbours"
    GROUP = "group", "The authorities of a group"


class BenchmarkView(models.Model):
    """A named benchmarking grid: rows from a region, a neighbour set (an authority and its
    neighbours in that set) or a group area; columns the measures the user picked, in order."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="benchmark_views"
    )
    name = models.CharField(max_length=80)
    rows = models.CharField(max_length=12, choices=GridRows.choices)
    # The region or group area (rows REGION or GROUP), or the authority whose neighbours are
    # the rows (NEIGHBOURS, with `neighbour_set`).
    area = models.ForeignKey("indicators.Area", on_delete=models.CASCADE, related_name="+")
    neighbour_set = models.ForeignKey(
        "indicators.NeighbourSet", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    indicator_codes = models.JSONField(default=list, help_text="The measures, in column order.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="benchmark_view_name_once"),
            models.CheckConstraint(
                condition=~Q(rows=GridRows.NEIGHBOURS) | Q(neighbour_set__isnull=False),
                name="benchmark_view_neighbours_have_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner})"
