"""Complaints, compliments and the voice of children and families, each an authority's own.

Quotes and comments keep the words as written (`text`) and, once a person has reviewed the
flagged identifiers and confirmed, the redacted words (`redacted_text`). Only cleared,
redacted text is read for pages, packs and exports (see `selectors.cleared_quotes`); the
words as written are shown on the review page alone, to the authority's officers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from indicators.models import Area, AreaKind, RemovalRecord


class Stage(models.TextChoices):
    STAGE_1 = "1", "Stage 1 (local resolution)"
    STAGE_2 = "2", "Stage 2 (investigation)"
    STAGE_3 = "3", "Stage 3 (review panel)"
    OMBUDSMAN = "ombudsman", "Ombudsman"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTIALLY_UPHELD = "partially_upheld", "Partially upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Audience(models.TextChoices):
    CHILDREN = "children", "Children and young people"
    CHILDREN_IN_CARE = "children_in_care", "Children in care"
    CARE_LEAVERS = "care_leavers", "Care leavers"
    PARENTS = "parents", "Parents and carers"
    OTHER = "other", "Others"


class RedactionState(models.TextChoices):
    FLAGGED = "flagged", "Awaiting review"
    CLEARED = "cleared", "Cleared"


class Measure(models.TextChoices):
    """Which catalogue figure a survey question feeds, if any."""

    NONE = "", "None"
    SATISFIED = "satisfied", "Satisfied with the service (VOICE-SATISFIED)"
    SAFE = "safe", "Feels safe (VOICE-SAFE)"


AUTHORITIES = {"kind": AreaKind.AUTHORITY}


class Complaint(models.Model):
    """One complaint at one stage. A complaint that moves to the next stage is a new record
    (with its own reference), as the statutory stages are counted separately."""

    authority = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="complaints", limit_choices_to=AUTHORITIES
    )
    # Pseudonymous: the case system's complaint number, never a name (see logs.py).
    reference = models.CharField(max_length=40)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    received = models.DateField()
    responded = models.DateField(null=True, blank=True)
    # The regulations let stage 1 run to 20 working days and stage 2 to 65 when extended.
    extended = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    team = models.CharField(max_length=120, blank=True)
    themes = models.JSONField(default=list, blank=True)
    # Derived by the service from the dates (metrics.timeliness): never typed.
    working_days = models.IntegerField(null=True, blank=True)
    within_timescale = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"], name="complaint_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="complaint_stage_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", *[o.value for o in Outcome]]),
                name="complaint_outcome_known",
            ),
            models.CheckConstraint(
                condition=Q(responded__isnull=True) | Q(responded__gte=F("received")),
                name="complaint_responded_after_received",
            ),
            # Answered means an outcome; an outcome means answered.
            models.CheckConstraint(
                condition=Q(responded__isnull=True, outcome="")
                | (Q(responded__isnull=False) & ~Q(outcome="")),
                name="complaint_outcome_with_response",
            ),
            models.CheckConstraint(
                condition=~Q(reference=""), name="complaint_reference_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["authority", "received"])]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_stage_display()})"


class RedactableText(models.Model):
    """Words as written, the spans flagged in them, and the redacted words once cleared."""

    text = models.TextField(blank=True)
    # [[start, end, kind], ...]: the flags the review page shows; kept until cleared.
    flags = models.JSONField(default=list, blank=True)
    redacted_text = models.TextField(blank=True)
    redaction_state = models.CharField(
        max_length=10, choices=RedactionState.choices, default=RedactionState.FLAGGED
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_cleared(self) -> bool:
        return self.redaction_state == RedactionState.CLEARED


def _redaction_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(redaction_state__in=[s.value for s in RedactionState]),
            name=f"{prefix}_redaction_state_known",
        ),
        # Cleared means someone confirmed it, when; nothing else clears text.
        models.CheckConstraint(
            condition=Q(redaction_state=RedactionState.FLAGGED, redacted_text="")
            | Q(redaction_state=RedactionState.CLEARED, cleared_at__isnull=False),
            name=f"{prefix}_cleared_when_confirmed",
        ),
    ]


class Compliment(RedactableText):
    authority = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="compliments", limit_choices_to=AUTHORITIES
    )
    received = models.DateField()
    team = models.CharField(max_length=120, blank=True)
    themes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received", "pk"]
        constraints = _redaction_constraints("compliment")
        indexes = [models.Index(fields=["authority", "received"])]

    def __str__(self) -> str:
        return f"Compliment of {self.received}"


class VoiceSurvey(models.Model):
    authority = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="voice_surveys", limit_choices_to=AUTHORITIES
    )
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    # The day the survey closed: it is counted in that day's quarter.
    conducted_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-conducted_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=[a.value for a in Audience]),
                name="survey_audience_known",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="survey_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(VoiceSurvey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=255)
    percent_positive = models.DecimalField(max_digits=4, decimal_places=1)
    # Not every report gives it (the seed's "Your Voice" survey does not).
    respondents = models.PositiveIntegerField(null=True, blank=True)
    measure = models.CharField(max_length=10, choices=Measure.choices, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_positive__gte=0) & Q(percent_positive__lte=100),
                name="question_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(respondents__isnull=True) | Q(respondents__gte=1),
                name="question_respondents_positive",
            ),
            models.CheckConstraint(
                condition=Q(measure__in=[m.value for m in Measure]),
                name="question_measure_known",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyComment(RedactableText):
    survey = models.ForeignKey(VoiceSurvey, on_delete=models.CASCADE, related_name="comments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "pk"]
        constraints = _redaction_constraints("comment")

    def __str__(self) -> str:
        return f"Comment on {self.survey}"


# --- the record of removals -----------------------------------------------------------------


class RemovalKind(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    COMPLIMENT = "compliment", "Compliment"
    SURVEY = "survey", "Survey"
    COMMENT = "comment", "Survey comment"
    COMPLAINTS_LOG = "complaints_log", "Imported complaints, rolled back"


class Removal(RemovalRecord):
    """One removal of a complaint, compliment, survey or comment (or of an imported log's
    complaints, as one entry): who, when, what, and why. Nothing else is kept of a removed
    record, so `summary` is built by the service from the record's reference, stage, dates and
    choices and a survey's title, never from a quote, a comment or any other words as written
    (see `complaints/removals.py`)."""

    kind = models.CharField(max_length=20, choices=RemovalKind.choices)

    class Meta(RemovalRecord.Meta):
        constraints = [
            *RemovalRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in RemovalKind]),
                name="complaints_removal_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["authority", "removed_at"])]
