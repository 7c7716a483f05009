"""What is kept of removed records: `RemovalRecord`, shared by every app that removes an
authority's records, and `FigureRemoval`, a draft figure removed by mistake (docs/0008,
"Removing a draft figure"). Models of the indicators app (`indicators.models` imports them), in
a module of their own so that `models.py` stays within its length."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RemovalRecord(models.Model):
    """What is kept of a removed record of an authority (a case audit, a complaint, an
    imported log's records as one entry): who removed it, when, what, and why. Nothing else is
    kept, so `summary` is built by the removing service from the record's codes, dates and
    choices, never from words written about a child, family or worker. Each app that removes
    records has its own concrete model, with its own `kind` choices."""

    authority = models.ForeignKey("indicators.Area", on_delete=models.CASCADE, related_name="+")
    removed_at = models.DateTimeField()
    # The person, while their account exists; their name as it was, whatever happens to the
    # account later. Both empty when the application itself removed it (`access.SYSTEM`).
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_by_name = models.CharField(max_length=150, blank=True)
    summary = models.CharField(max_length=400)
    reason = models.TextField()

    class Meta:
        abstract = True
        ordering = ["-removed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""), name="%(app_label)s_removal_says_what"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="%(app_label)s_removal_says_why"),
        ]

    def __str__(self) -> str:
        return f"{self.summary} (removed {self.removed_at:%-d %b %Y})"

    @property
    def removed_by_label(self) -> str:
        return self.removed_by_name or "The system"


class FigureRemovalKind(models.TextChoices):
    DRAFT = "draft_figure", "Draft figure"


class FigureRemoval(RemovalRecord):
    """One draft figure removed: who, when, why (`RemovalRecord`), which measure, period and
    breakdown, what it held, and its audit trail as it stood. A figure's audit rows
    (`FigureChange`) go with it, so `history` keeps them here, one entry a change: when, who,
    the channel, the values and statuses before and after, and the reason (not the commentary
    words)."""

    kind = models.CharField(
        max_length=20, choices=FigureRemovalKind.choices, default=FigureRemovalKind.DRAFT
    )
    # Set to null should the measure, period or category itself be removed later: the
    # summary still names them.
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    period = models.ForeignKey(
        "indicators.Period", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    breakdown = models.ForeignKey(
        "indicators.BreakdownCategory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    suppression = models.CharField(max_length=10, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = models.JSONField(default=list)

    class Meta(RemovalRecord.Meta):
        constraints = [
            *RemovalRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in FigureRemovalKind]),
                name="indicators_removal_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["authority", "removed_at"])]
