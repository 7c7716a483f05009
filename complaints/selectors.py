"""Reads for the complaints, compliments and voice pages, always taking the acting user.

Nothing unredacted leaves this module except through `redaction_item`, which is for the
review page and asks for the right to edit. Pages, packs and exports read quotes and comments
through `cleared_quotes` and `cleared_comments`, which return cleared, redacted text only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import access
from accounts.access import Permission
from indicators.models import Area, AreaKind
from indicators.periods import financial_year_start

from . import metrics
from .models import (
    Complaint,
    Compliment,
    RedactableText,
    RedactionState,
    Removal,
    SurveyComment,
    SurveyQuestion,
    VoiceSurvey,
)

ITEM_KINDS: dict[str, type[RedactableText]] = {"compliment": Compliment, "comment": SurveyComment}
REMOVALS_PER_PAGE = 50


def authority_for(user: Any, slug: str, permission: Permission) -> Area:
    authority = get_object_or_404(Area, slug=slug, kind=AreaKind.AUTHORITY)
    access.require(user, permission, authority)
    return authority


@dataclass(frozen=True)
class ClearedText:
    text: str
    received: date
    where: str  # "Compliment" or the survey's title


def cleared_quotes(user: Any, authority: Area, *, limit: int = 20) -> list[ClearedText]:
    """Compliments' quotes as redacted and confirmed by a person; nothing else."""
    access.require(user, Permission.VIEW_FIGURES, authority)
    rows = (
        Compliment.objects.filter(authority=authority, redaction_state=RedactionState.CLEARED)
        .exclude(redacted_text="")
        .order_by("-received", "pk")
        .values_list("redacted_text", "received")[:limit]
    )
    return [ClearedText(text, received, "Compliment") for text, received in rows]


def cleared_comments(user: Any, authority: Area, *, limit: int = 50) -> list[ClearedText]:
    """Survey comments as redacted and confirmed by a person; nothing else."""
    access.require(user, Permission.VIEW_FIGURES, authority)
    rows = (
        SurveyComment.objects.filter(
            survey__authority=authority, redaction_state=RedactionState.CLEARED
        )
        .exclude(redacted_text="")
        .order_by("-survey__conducted_on", "pk")
        .values_list("redacted_text", "survey__conducted_on", "survey__title")[:limit]
    )
    return [ClearedText(text, day, title) for text, day, title in rows]


@dataclass(frozen=True)
class SurveyResult:
    survey: VoiceSurvey
    questions: list[SurveyQuestion]


@dataclass
class VoicePage:
    authority: Area
    can_edit: bool
    quarters: list[metrics.QuarterRow]
    years: list[metrics.YearOutcomes]
    compliment_total: int
    compliments_by_year: list[tuple[date, int]]
    compliment_themes: list[tuple[str, int]]
    complaint_themes: list[tuple[str, int]]
    quotes: list[ClearedText]
    surveys: list[SurveyResult]
    comments: list[ClearedText]
    awaiting_review: int
    # For those who may edit: every compliment and comment, to change or remove. Their words
    # as written are not here: the page shows the review state, never unredacted text.
    compliment_records: list[Compliment]
    comment_records: list[SurveyComment]

    def year_label(self, start: date) -> str:
        return metrics.year_label(start)

    @property
    def compliment_years(self) -> list[tuple[str, int]]:
        return [(metrics.year_label(year), count) for year, count in self.compliments_by_year]


def voice_page(user: Any, slug: str) -> VoicePage:
    """Everything on the complaints, compliments and voice page, in a fixed number of queries."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    complaint_rows = list(
        Complaint.objects.filter(authority=authority).values_list(
            "stage", "received", "responded", "outcome", "within_timescale", "themes"
        )
    )
    facts = [metrics.ComplaintFacts(*row[:5]) for row in complaint_rows]
    compliments = list(
        Compliment.objects.filter(authority=authority).values_list("received", "themes")
    )
    by_year: dict[date, int] = {}
    for received, _themes in compliments:
        year = financial_year_start(received)
        by_year[year] = by_year.get(year, 0) + 1
    surveys = list(VoiceSurvey.objects.filter(authority=authority).prefetch_related("questions"))
    awaiting = (
        Compliment.objects.filter(
            authority=authority, redaction_state=RedactionState.FLAGGED
        ).count()
        + SurveyComment.objects.filter(
            survey__authority=authority, redaction_state=RedactionState.FLAGGED
        ).count()
    )
    can_edit = access.can(user, Permission.EDIT_FIGURES, authority)
    return VoicePage(
        authority=authority,
        can_edit=can_edit,
        quarters=metrics.quarter_rows(facts),
        years=metrics.outcomes_by_year(facts),
        compliment_total=len(compliments),
        compliments_by_year=sorted(by_year.items()),
        compliment_themes=metrics.theme_counts(themes for _day, themes in compliments),
        complaint_themes=metrics.theme_counts(row[5] for row in complaint_rows),
        quotes=cleared_quotes(user, authority),
        surveys=[SurveyResult(s, list(s.questions.all())) for s in surveys],
        comments=cleared_comments(user, authority),
        awaiting_review=awaiting,
        compliment_records=_compliment_records(authority) if can_edit else [],
        comment_records=_comment_records(authority) if can_edit else [],
    )


def _compliment_records(authority: Area) -> list[Compliment]:
    return list(
        Compliment.objects.filter(authority=authority).only(
            "pk", "received", "team", "themes", "redaction_state"
        )
    )


def _comment_records(authority: Area) -> list[SurveyComment]:
    return list(
        SurveyComment.objects.filter(survey__authority=authority)
        .select_related("survey")
        .only("pk", "redaction_state", "redacted_text", "survey__title", "survey__conducted_on")
    )


def complaint_log(user: Any, slug: str) -> tuple[Area, list[Complaint]]:
    """The case-level log: officers and managers of the authority (never councillors)."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    return authority, list(Complaint.objects.filter(authority=authority))


def complaint_for(user: Any, slug: str, complaint_id: int) -> Complaint:
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    return get_object_or_404(Complaint, pk=complaint_id, authority=authority)


def compliment_for(user: Any, slug: str, compliment_id: int) -> Compliment:
    """A compliment to change or remove, for those who may edit the authority's records."""
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    return get_object_or_404(Compliment, pk=compliment_id, authority=authority)


def comment_for(user: Any, slug: str, comment_id: int) -> SurveyComment:
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    return get_object_or_404(
        SurveyComment.objects.select_related("survey"), pk=comment_id, survey__authority=authority
    )


def survey_with_questions(
    user: Any, slug: str, survey_id: int
) -> tuple[VoiceSurvey, list[SurveyQuestion]]:
    """A survey and its questions in order, for its change page."""
    survey = survey_for(user, slug, survey_id)
    return survey, list(survey.questions.all())


def surveys_for(user: Any, slug: str) -> tuple[Area, list[VoiceSurvey]]:
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    return authority, list(VoiceSurvey.objects.filter(authority=authority))


def survey_for(user: Any, slug: str, survey_id: int) -> VoiceSurvey:
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    return get_object_or_404(VoiceSurvey, pk=survey_id, authority=authority)


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    item: RedactableText
    label: str


def redaction_queue(user: Any, slug: str) -> tuple[Area, list[ReviewItem]]:
    """Quotes and comments waiting for a person to review their flags."""
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    compliments = Compliment.objects.filter(
        authority=authority, redaction_state=RedactionState.FLAGGED
    )
    comments = SurveyComment.objects.filter(
        survey__authority=authority, redaction_state=RedactionState.FLAGGED
    ).select_related("survey")
    items = [
        ReviewItem("compliment", c, f"Compliment of {c.received:%-d %B %Y}") for c in compliments
    ]
    items += [ReviewItem("comment", c, f"Comment on {c.survey.title}") for c in comments]
    return authority, items


def redaction_item(
    user: Any | AnonymousUser, slug: str, item_kind: str, item_id: int
) -> tuple[Area, RedactableText]:
    """One quote or comment with its words as written: for the review page only."""
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    model = ITEM_KINDS.get(item_kind)
    if model is None:
        raise Http404("No such kind of text.")
    item: RedactableText
    if model is Compliment:
        item = get_object_or_404(Compliment, pk=item_id, authority=authority)
    else:
        item = get_object_or_404(SurveyComment, pk=item_id, survey__authority=authority)
    return authority, item


# --- the record of removals -----------------------------------------------------------------


@dataclass(frozen=True)
class RemovalsPage:
    authority: Area
    removals: Page[Removal]


def removals_page(user: Any, slug: str, page_number: str | None) -> RemovalsPage:
    """The authority's removals, newest first, a page at a time (one query for the count and
    one for the page: the removed-by name is kept on the row, so no join is needed)."""
    authority = get_object_or_404(Area, slug=slug, kind=AreaKind.AUTHORITY)
    access.require_removals_reader(
        user, authority, records="complaints, compliments and voice records"
    )
    removals = Removal.objects.filter(authority=authority).order_by("-removed_at", "-id")
    return RemovalsPage(
        authority=authority,
        removals=Paginator(removals, REMOVALS_PER_PAGE).get_page(page_number),
    )
