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


class TemplateKind(models.TextChoices):
    ANNUAL_REPORT = "annual", "Annual performance report"
    SCRUTINY_PACK = "scrutiny", "Monthly or quarterly scrutiny pack"
    IMPROVEMENT_UPDATE = "improvement", "Improvement plan update"


class PackStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class SectionKind(models.TextChoices):
    NARRATIVE = "narrative", "Narrative"
    THEME_PAGE = "theme_page", "Theme page"
    INDICATOR_SET = "indicator_set", "Indicator set"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"
    VOICE = "voice", "Voice, complaints and compliments"
    INSPECTIONS = "inspections", "Inspections and improvement plan"
    APPENDIX = "appendix", "Appendix data set"
    GLOSSARY = "glossary", "Glossary"
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
    template = models.CharField(max_length=12, choices=TemplateKind.choices)
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

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
