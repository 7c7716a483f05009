"""Scrutiny packs: what councillors read, composed from sections, reviewed and published frozen.

A pack's sections read live data while it is a draft (see `content.py`); publishing stores what
each section showed in `PackSection.frozen`, with every figure's id and version, so that the
published pack never changes silently (see `revisions.py`). Every workflow step is a
`PackEvent`. State changes go through `services.py` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TemplateKind(models.TextChoices):
    ANNUAL_REPORT = "annual", "Annual performance report"
    SCRUTINY_PACK = "scrutiny", "Monthly or quarterly scrutiny pack"
    IMPROVEMENT_UPDATE = "improvement", "Improvement plan update"
    WELSH_HALF_YEAR = "welsh_half_year", "Welsh half-year performance report"


class PackStatus(models.TextChoices):
    # Translated: a pack's status is on its cover and in the councillors' list of packs.
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class SectionKind(models.TextChoices):
    NARRATIVE = "narrative", "Narrative"
    THEME_PAGE = "theme_page", "Theme page"
    INDICATOR_SET = "indicator_set", "Indicator set"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"
    VOICE = "voice", "Voice, complaints and compliments"
    INSPECTIONS = "inspections", "Inspections and improvement plan"
    APPENDIX = "appendix", "Appendix data set"
    GLOSSARY = "glossary", "Glossary"
    TURNING_THE_CURVE = "turning_the_curve", "Turning the Curve report"
    MATTERS_ARISING = "matters_arising", "Matters arising from the last meeting"
    SCORECARD = "scorecard", "Scorecard"


class SectionLayout(models.TextChoices):
    """How an indicator section (theme page, indicator set) shows its indicators."""

    CARDS = "cards", "Cards: a block per indicator, with its chart"
    TABLE = "table", "Compact table: a row per indicator, with a trend line"
    GRID = "grid", "Period grid: a row per period of the year so far, with last year"


class Pack(models.Model):
    """One pack for one authority, committee and meeting, reporting on one period."""

    authority = models.ForeignKey("indicators.Area", on_delete=models.PROTECT, related_name="packs")
    title = models.CharField(max_length=200)
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    # The period the pack reports on: figures are read as they stood at its end.
    period = models.ForeignKey("indicators.Period", on_delete=models.PROTECT, related_name="+")
    template = models.CharField(max_length=20, choices=TemplateKind.choices)
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The public version of a published pack (docs/0023): open to anyone with the link while
    # `public_token` is set; who switched it on, and when (`public.py`).
    public_token = models.CharField(max_length=64, blank=True, default="")
    public_since = models.DateTimeField(null=True, blank=True)
    public_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-meeting_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PackStatus]), name="pack_status_known"
            ),
            models.CheckConstraint(
                condition=Q(template__in=[t.value for t in TemplateKind]),
                name="pack_template_known",
            ),
            # Published exactly when it has a publication time: a pack cannot claim either alone.
            models.CheckConstraint(
                condition=Q(status=PackStatus.PUBLISHED, published_at__isnull=False)
                | (~Q(status=PackStatus.PUBLISHED) & Q(published_at__isnull=True)),
                name="pack_published_when_published_at",
            ),
            models.UniqueConstraint(
                fields=["public_token"],
                condition=~Q(public_token=""),
                name="pack_public_token_unique",
            ),
            # Only a published pack has a public version.
            models.CheckConstraint(
                condition=Q(public_token="") | Q(status=PackStatus.PUBLISHED),
                name="pack_public_only_when_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.committee}, {self.meeting_date:%d %B %Y})"

    @property
    def is_editable(self) -> bool:
        return self.status == PackStatus.DRAFT


# The kinds whose content comes from one theme, and from a chosen list of indicators.
THEMED_KINDS = (SectionKind.THEME_PAGE,)
LISTED_KINDS = (SectionKind.INDICATOR_SET, SectionKind.APPENDIX)
# The kinds that choose a layout (`SectionLayout`).
LAID_OUT_KINDS = (SectionKind.THEME_PAGE, SectionKind.INDICATOR_SET)


class PackSection(models.Model):
    """One section of a pack, in `order` (1, 2, 3... with no gaps: see `services.section_move`)."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    title = models.CharField(max_length=200)
    # Markdown as the officer wrote it; rendered and sanitised by `markdown.render` on display.
    narrative = models.TextField(blank=True)
    theme = models.ForeignKey(
        "indicators.Theme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For an indicator set (or to narrow the appendix): which indicators, in the order shown.
    indicators = models.ManyToManyField("indicators.Indicator", blank=True, related_name="+")
    # The section's content as it stood at publication (empty until then): see services.
    frozen = models.JSONField(null=True, blank=True)
    # Exempt information (docs/0023): the paragraph (1-7) of Part 1 of Schedule 12A to the
    # Local Government Act 1972 the section falls under; null when it is not exempt.
    exempt_paragraph = models.PositiveSmallIntegerField(null=True, blank=True)
    # For a Turning the Curve section: the report it shows (see `curves.section_content`).
    curve = models.ForeignKey(
        "scrutiny.CurveReport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How a theme page or indicator set shows its indicators (other kinds ignore it).
    layout = models.CharField(
        max_length=8, choices=SectionLayout.choices, default=SectionLayout.CARDS
    )

    class Meta:
        ordering = ["pack", "order"]
        constraints = [
            # Deferred, so that a reorder may swap two sections' orders inside one transaction.
            models.UniqueConstraint(
                fields=["pack", "order"],
                name="pack_section_order_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(order__gte=1), name="pack_section_order_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SectionKind]),
                name="pack_section_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SectionKind.THEME_PAGE) | Q(theme__isnull=False),
                name="theme_page_has_a_theme",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SectionKind.TURNING_THE_CURVE) | Q(curve__isnull=False),
                name="turning_the_curve_has_a_report",
            ),
            models.CheckConstraint(
                condition=Q(exempt_paragraph__isnull=True)
                | Q(exempt_paragraph__gte=1, exempt_paragraph__lte=7),
                name="pack_section_exempt_paragraph_1_to_7",
            ),
            models.CheckConstraint(
                condition=Q(layout__in=[layout.value for layout in SectionLayout]),
                name="pack_section_layout_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack_id} §{self.order}: {self.title}"


class PackEvent(models.Model):
    """One workflow step: who moved the pack from which status to which, when, and why."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=PackStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=PackStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["pack", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=[s.value for s in PackStatus]),
                name="pack_event_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="pack_event_changes_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}: {self.from_status or 'new'} -> {self.to_status}"


# --- Turning the Curve (Outcomes Based Accountability, seed 001) ---------------------------


class CurveActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class CurveReport(models.Model):
    """A Turning the Curve report for one authority and one indicator: the baseline (the
    indicator's history and its forecast if nothing changes, read live: `curves.py`), the story
    behind the baseline, the partners with a role to play, what works, and an action plan.
    Every save keeps a `CurveVersion`; changes go through `curve_services.py` only."""

    authority = models.ForeignKey("indicators.Area", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    story = models.TextField("The story behind the baseline", blank=True)
    # [{"partner": ..., "role": ...}] and [{"what": ..., "evidence": ...}], in the order given.
    partners = models.JSONField(default=list, blank=True)
    what_works = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["authority", "title", "id"]

    def __str__(self) -> str:
        return self.title


class CurveAction(models.Model):
    """One action of a report's plan: what, who, by when, its status, and (optionally) the
    improvement-plan action of the same authority it is part of."""

    report = models.ForeignKey(CurveReport, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField()
    what = models.TextField()
    who = models.CharField(max_length=200, blank=True)
    by_when = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=CurveActionStatus.choices, default=CurveActionStatus.NOT_STARTED
    )
    plan_action = models.ForeignKey(
        "audits.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report", "order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "order"], name="curve_action_order_unique"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CurveActionStatus]),
                name="curve_action_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]


class CurveVersion(models.Model):
    """What a report said after one save, who saved it and when: its history."""

    report = models.ForeignKey(CurveReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The report's words and plan as saved (`curve_services.snapshot`).
    content = models.JSONField()

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="curve_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


# --- questions and actions from the committee (docs/0022) ------------------------------------


class QuestionKind(models.TextChoices):
    QUESTION = "question", "Question"
    ACTION = "action", "Action"


class QuestionStatus(models.TextChoices):
    """As a committee's action log reads: open until the officer responds; answered (or, for
    an action, done) once the response is given, for the committee to note at its next
    meeting; closed once noted, or withdrawn."""

    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class CommitteeQuestion(models.Model):
    """A member's question, or an action the committee asked for, at one meeting (authority,
    committee and meeting date), tied to the pack presented there when there is one. Members
    are often not users, so who asked is a name; the owner is an officer's name or a user."""

    authority = models.ForeignKey(
        "indicators.Area", on_delete=models.PROTECT, related_name="committee_questions"
    )
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    pack = models.ForeignKey(
        Pack, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    asked_by = models.CharField(max_length=200)
    text = models.TextField()
    owner_name = models.CharField(max_length=200, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-meeting_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in QuestionKind]),
                name="committee_question_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in QuestionStatus]),
                name="committee_question_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(asked_by="") & ~Q(text="") & ~Q(committee=""),
                name="committee_question_says_who_and_what",
            ),
            # Answered exactly when there is an answer and its date; open has neither.
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.ANSWERED)
                | (~Q(answer="") & Q(answered_on__isnull=False)),
                name="committee_question_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.OPEN)
                | (Q(answered_on__isnull=True) & Q(closed_on__isnull=True)),
                name="committee_question_open_is_unanswered",
            ),
            # Closed on a date, and either answered or with the reason it closed without one.
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.CLOSED)
                | (
                    Q(closed_on__isnull=False)
                    & (Q(answered_on__isnull=False) | ~Q(closing_note=""))
                ),
                name="committee_question_closed_says_why",
            ),
            models.CheckConstraint(
                condition=Q(due__isnull=True) | Q(due__gte=F("meeting_date")),
                name="committee_question_due_after_meeting",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("meeting_date")),
                name="committee_question_answered_after_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.asked_by} ({self.meeting_date:%d %B %Y})"

    @property
    def owner(self) -> str:
        """Who answers or acts, as the pages and packs name them."""
        if self.owner_user is not None:
            return str(self.owner_user)
        return self.owner_name


class CommitteeQuestionEvent(models.Model):
    """One change to a question or action: who, when, what (added, edited, answered,
    closed) and, for each field that changed, its value before and after."""

    question = models.ForeignKey(CommitteeQuestion, on_delete=models.CASCADE, related_name="events")
    change = models.CharField(max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    # [[field label, before, after], ...] as text, in the order the pages show the fields.
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["question", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(change__in=["added", "edited", "answered", "closed"]),
                name="committee_question_event_change_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.change}"


# --- public versions and template rules (docs/0023) -----------------------------------------


class PublicVersionEvent(models.Model):
    """Who switched a pack's public version on or off, and when (the link itself is not kept
    here: once switched off it opens nothing)."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="public_events")
    switched_on = models.BooleanField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pack", "at", "id"]

    def __str__(self) -> str:
        return f"{self.pack_id}: public version {'on' if self.switched_on else 'off'}"


class TemplateRule(models.Model):
    """Rules a pack template's packs follow, changed by admins (Django admin). A template with
    no row follows the defaults below (`rules.rule_for`)."""

    template = models.CharField(max_length=20, choices=TemplateKind.choices, unique=True)
    # A pack may not be submitted while an indicator it shows that is rated red or worsening
    # has no commentary for its latest figure (`rules.exceptions_without_commentary`).
    require_commentary_on_exceptions = models.BooleanField(
        default=True,
        help_text=(
            "Refuse to submit a pack for review while an indicator it shows that is rated red "
            "or getting worse has no commentary."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(template__in=[t.value for t in TemplateKind]),
                name="template_rule_template_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Rules for the {TemplateKind(self.template).label.lower()} template"
