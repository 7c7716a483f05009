"""Quality assurance: case audits and their moderation, findings, practice observations and
practice weeks, inspections and monitoring visits, and improvement plans.

Every record belongs to one authority (an `indicators.Area` of kind authority), directly or
through its parent (a priority through its plan, an action through its priority). Rules that
must hold whatever writes the data are database constraints.

A case audit names the child's case by a pseudonymous reference, never by a name: see
`CASE_REFERENCE_PATTERN`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from indicators.models import Area, BreakdownCategory, RemovalRecord

# A case reference is a code, not a name: up to four capital letters, an optional hyphen, then
# three to ten digits ("CIN-0042", "CP1234", or a case-system number such as "204518"). Names
# are written with spaces, lower-case letters and no digits, so none of them can pass; four
# capitals is short enough that a surname is not a plausible prefix.
CASE_REFERENCE_PATTERN = r"^[A-Z]{0,4}-?[0-9]{3,10}$"
CASE_REFERENCE_HINT = (
    "A code, never the child's name: up to four capital letters, an optional hyphen and three "
    "to ten digits, such as CIN-0042, or the case-system number, such as 204518."
)


class Judgement(models.TextChoices):
    """Ofsted's four-point scale, as case audits use it, best first."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class ProgrammeKind(models.TextChoices):
    ROUTINE = "routine", "Routine audit programme"
    DEEP_DIVE = "deep_dive", "Deep dive"
    THEMATIC = "thematic", "Thematic audit"


class LearningTheme(models.Model):
    """A tag for what audits and findings are about ("Voice of the child", "Neglect")."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="learning_theme_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AuditProgramme(models.Model):
    """A planned set of audits on one theme: the routine programme, a deep dive, a thematic
    audit ("Children in need over 9 months")."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    theme = models.CharField(
        max_length=200, blank=True, help_text="What the audits look at, e.g. Children in need."
    )
    kind = models.CharField(max_length=12, choices=ProgrammeKind.choices)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="audit_programme_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ProgrammeKind]),
                name="audit_programme_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=F("end")),
                name="audit_programme_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


JUDGEMENT_VALUES = [j.value for j in Judgement]


class CaseAudit(models.Model):
    """One audit of one child's case, with its overall judgement and its moderation."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        AuditProgramme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
    )
    case_reference = models.CharField(max_length=15, help_text=CASE_REFERENCE_HINT)
    audit_date = models.DateField()
    # The authority's own team, locality or service category, so that audit results line up
    # with the figures and dashboards broken down by the same categories.
    team = models.ForeignKey(
        BreakdownCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Auditors are staff, and often people without an account here (senior managers on a
    # practice week, an improvement partner's auditors): a name, as the audit form records it.
    auditor = models.CharField(max_length=120, blank=True)
    # Empty where the source records no judgement (an audit of practice themes only).
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    moderated_judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    moderator = models.CharField(max_length=120, blank=True)
    themes = models.ManyToManyField(LearningTheme, blank=True, related_name="audits")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-audit_date", "case_reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_reference__regex=CASE_REFERENCE_PATTERN),
                name="case_reference_is_a_code",
            ),
            models.UniqueConstraint(
                fields=["authority", "case_reference", "audit_date"],
                name="case_audit_once_a_day",
            ),
            models.CheckConstraint(
                condition=Q(judgement="") | Q(judgement__in=JUDGEMENT_VALUES),
                name="case_audit_judgement_known",
            ),
            models.CheckConstraint(
                condition=Q(moderated_judgement="") | Q(moderated_judgement__in=JUDGEMENT_VALUES),
                name="case_audit_moderated_judgement_known",
            ),
            # Moderation checks the auditor's judgement: there must be one to check.
            models.CheckConstraint(
                condition=Q(moderated_judgement="") | ~Q(judgement=""),
                name="moderation_needs_a_judgement",
            ),
        ]
        indexes = [models.Index(fields=["authority", "audit_date"])]

    def __str__(self) -> str:
        return f"{self.case_reference} ({self.audit_date:%-d %b %Y})"

    @property
    def final_judgement(self) -> str:
        """The judgement that counts: the moderated one where the audit was moderated."""
        return self.moderated_judgement or self.judgement

    @property
    def moderation_outcome(self) -> str:
        """ "agreed", "changed", or "" when the audit was not moderated."""
        if not self.moderated_judgement:
            return ""
        return "agreed" if self.moderated_judgement == self.judgement else "changed"


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    IMPROVEMENT = "improvement", "Area for improvement"
    ACTION = "action", "Action"


class Finding(models.Model):
    """What an audit, or a programme of audits, found: a strength, an area for improvement or
    an action, tagged by learning theme."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    audit = models.ForeignKey(
        CaseAudit, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    programme = models.ForeignKey(
        AuditProgramme, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    kind = models.CharField(max_length=12, choices=FindingKind.choices)
    text = models.TextField()
    themes = models.ManyToManyField(LearningTheme, blank=True, related_name="findings")
    recorded_on = models.DateField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-recorded_on", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audit__isnull=False) | Q(programme__isnull=False),
                name="finding_of_an_audit_or_programme",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in FindingKind]), name="finding_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class PracticeObservation(models.Model):
    """Managers observing practice (a visit, a conference, a meeting) and what they saw."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    observed_on = models.DateField()
    observed_by = models.CharField(
        max_length=120, blank=True, help_text="A role, e.g. senior managers and team managers."
    )
    setting = models.CharField(max_length=200, help_text="What was observed.")
    went_well = models.TextField(blank=True, help_text="One point a line.")
    to_improve = models.TextField(blank=True, help_text="One point a line.")

    class Meta:
        ordering = ["-observed_on", "id"]

    def __str__(self) -> str:
        return f"{self.setting} ({self.observed_on:%b %Y})"


class PracticeWeek(models.Model):
    """A week in which senior managers observe, shadow and audit, with what they found."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    focus = models.CharField(max_length=200, blank=True)
    headline_findings = models.TextField(help_text="One finding a line.")
    quick_wins = models.TextField(blank=True, help_text="One quick win a line.")

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=F("end")), name="practice_week_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def headline_list(self) -> list[str]:
        return [line.strip() for line in self.headline_findings.splitlines() if line.strip()]

    @property
    def quick_win_list(self) -> list[str]:
        return [line.strip() for line in self.quick_wins.splitlines() if line.strip()]


class InspectionBody(models.TextChoices):
    OFSTED = "ofsted", "Ofsted"
    CIW = "ciw", "Care Inspectorate Wales"
    OTHER = "other", "Other"


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", "Inspection"
    MONITORING_VISIT = "monitoring", "Monitoring visit"
    FOCUSED_VISIT = "focused", "Focused visit"
    JTAI = "jtai", "Joint targeted area inspection"


class Inspection(models.Model):
    """An inspection or visit by a regulator, for the timeline."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    body = models.CharField(max_length=10, choices=InspectionBody.choices)
    framework = models.CharField(
        max_length=80, blank=True, help_text="e.g. ILACS, SIF (single inspection framework)."
    )
    kind = models.CharField(max_length=12, choices=InspectionKind.choices)
    # Committee reports often give the month only: the timeline shows the month and year.
    start = models.DateField("Date")
    focus = models.CharField(max_length=200, blank=True, help_text="e.g. Family Front Door.")
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    headlines = models.TextField(help_text="What the inspectors said, one point a line.")

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body__in=[b.value for b in InspectionBody]),
                name="inspection_body_known",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in InspectionKind]),
                name="inspection_kind_known",
            ),
            # Monitoring visits report progress; they give no overall judgement.
            models.CheckConstraint(
                condition=~Q(kind=InspectionKind.MONITORING_VISIT) | Q(judgement=""),
                name="monitoring_visit_has_no_judgement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.get_kind_display().lower()}, {self.start:%B %Y}"

    @property
    def headline_list(self) -> list[str]:
        return [line.strip() for line in self.headlines.splitlines() if line.strip()]


class ImprovementPlan(models.Model):
    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="improvement_plan_unique"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=F("end")),
                name="improvement_plan_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="priority_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.title


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_VALUES = [r.value for r in Rag]


class Action(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField("Action")
    owner = models.CharField(max_length=120, blank=True)
    due = models.DateField("Due date", null=True, blank=True)
    # Empty until someone rates it: a plan copied from a report may carry no rating.
    rag = models.CharField("RAG status", max_length=5, choices=Rag.choices, blank=True)
    completed = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["priority", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rag="") | Q(rag__in=RAG_VALUES), name="action_rag_known"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ActionUpdate(models.Model):
    """A progress note on an action, with its RAG status at the time."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField("Date")
    note = models.TextField("Progress")
    rag = models.CharField("RAG status", max_length=5, choices=Rag.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-written_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rag__in=RAG_VALUES), name="action_update_rag_known"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.written_on}"


# --- the record of removals -----------------------------------------------------------------


class RemovalKind(models.TextChoices):
    CASE_AUDIT = "case_audit", "Case audit"
    FINDING = "finding", "Finding"
    OBSERVATION = "observation", "Practice observation"
    PRACTICE_WEEK = "practice_week", "Practice week"
    INSPECTION = "inspection", "Inspection or visit"
    ACTION = "action", "Improvement plan action"
    AUDIT_LOG = "audit_log", "Imported case audits, rolled back"


class Removal(RemovalRecord):
    """One removal of a quality assurance record (or of an imported log's records, as one
    entry): who, when, what, and why. Nothing else is kept of a removed record, so `summary`
    is built by the service from the record's codes, dates, choices and the titles the
    authority gave its own work, never from text written about a child, family or worker
    (see `audits/removals.py`)."""

    kind = models.CharField(max_length=20, choices=RemovalKind.choices)

    class Meta(RemovalRecord.Meta):
        constraints = [
            *RemovalRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in RemovalKind]),
                name="audits_removal_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["authority", "removed_at"])]
