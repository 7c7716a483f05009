"""Reads of a committee's questions and actions, each page's taking the acting user (the rule
is `accounts.access.may_keep_committee_questions`), and the "Matters arising from the last
meeting" content of a pack (docs/0022).

The pack content reads no user: like the rest of a pack's content it is what the committee is
shown, frozen at publication, and councillors read it only there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.models import Role
from indicators.models import Area, AreaKind

from . import questions
from .models import (
    CommitteeQuestion,
    CommitteeQuestionEvent,
    Pack,
    PackSection,
    PackStatus,
    QuestionStatus,
    SectionKind,
)

MATTERS_TITLE = "Matters arising from the last meeting"


def _date_text(value: date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def committee_meetings(authority: Area, committee: str) -> set[date]:
    """The dates the committee is known to have met or to meet: its packs' meetings and the
    meetings its questions were asked at."""
    key = questions.committee_key(committee)
    rows = list(
        Pack.objects.filter(authority=authority).values_list("committee", "meeting_date")
    ) + list(
        CommitteeQuestion.objects.filter(authority=authority).values_list(
            "committee", "meeting_date"
        )
    )
    return {meeting for name, meeting in rows if questions.committee_key(name) == key}


def committee_items(authority: Area, committee: str) -> list[CommitteeQuestion]:
    """Every question and action of the authority's committee, oldest meeting first."""
    key = questions.committee_key(committee)
    return [
        item
        for item in CommitteeQuestion.objects.filter(authority=authority)
        .select_related("owner_user")
        .order_by("meeting_date", "id")
        if questions.committee_key(item.committee) == key
    ]


def _as_item(question: CommitteeQuestion) -> questions.Item:
    return questions.Item(
        meeting_date=question.meeting_date,
        status=question.status,
        answered_on=question.answered_on,
        closed_on=question.closed_on,
    )


def matters_for(authority: Area, committee: str, meeting: date) -> tuple[date | None, list[Any]]:
    """The last meeting before `meeting`, and the questions and actions a pack for `meeting`
    lists as matters arising (`questions.is_matter_arising`), oldest first."""
    since = questions.previous_meeting(committee_meetings(authority, committee), meeting)
    items = [
        item
        for item in committee_items(authority, committee)
        if questions.is_matter_arising(_as_item(item), meeting=meeting, since=since)
    ]
    return since, items


def matter_dict(item: CommitteeQuestion, *, on: date) -> dict[str, Any]:
    """A question or action as a pack shows (and freezes) it, overdue as at the meeting."""
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "asked_by": item.asked_by,
        "meeting_date": item.meeting_date.isoformat(),
        "meeting_text": _date_text(item.meeting_date),
        "text": item.text,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "due_text": _date_text(item.due),
        "status": item.status,
        "status_label": item.get_status_display(),
        "overdue": questions.is_overdue(status=item.status, due=item.due, on=on),
        "answer": item.answer,
        "answered_text": _date_text(item.answered_on),
        "closing_note": item.closing_note,
        "closed_text": _date_text(item.closed_on),
    }


def matters_arising_content(pack: Pack) -> dict[str, Any]:
    """The content of a pack's matters-arising section: the committee's last meeting before
    the pack's, and each open or recently settled question and action (see `questions`)."""
    since, items = matters_for(pack.authority, pack.committee, pack.meeting_date)
    return {
        "since": since.isoformat() if since else None,
        "since_text": _date_text(since),
        "matters": [matter_dict(item, on=pack.meeting_date) for item in items],
    }


def with_matters_arising(pack: Pack, sections: list[PackSection]) -> list[PackSection]:
    """A new pack's sections, with a matters-arising section before its evidence when its
    committee has open or recently answered questions or actions (none otherwise: an
    officer may still add one)."""
    if any(section.kind == SectionKind.MATTERS_ARISING for section in sections):
        return sections
    if not matters_for(pack.authority, pack.committee, pack.meeting_date)[1]:
        return sections
    position = questions.matters_position([section.kind for section in sections])
    matters = PackSection(kind=SectionKind.MATTERS_ARISING, title=MATTERS_TITLE)
    return [*sections[:position], matters, *sections[position:]]


def pack_at_meeting(authority: Area, committee: str, meeting: date) -> Pack | None:
    """The pack presented at the meeting, if there is one: a published one before any other,
    then the first made."""
    key = questions.committee_key(committee)
    packs = Pack.objects.filter(authority=authority, meeting_date=meeting).order_by("id")
    found = [pack for pack in packs if questions.committee_key(pack.committee) == key]
    published = [pack for pack in found if pack.status == PackStatus.PUBLISHED]
    chosen = published or found
    return chosen[0] if chosen else None


# --- pages ---------------------------------------------------------------------------------


def _authority(slug: str) -> Area:
    try:
        return Area.objects.get(slug=slug, kind=AreaKind.AUTHORITY)
    except Area.DoesNotExist as missing:
        raise Http404("There is no authority at this address.") from missing


def keeper_authority(user: Any, slug: str) -> Area:
    """The authority whose committee questions the user keeps (else 403, or 404)."""
    authority = _authority(slug)
    access.require_committee_questions_keeper(user, authority)
    return authority


def committees_of(authority: Area) -> list[str]:
    """The committees the authority's packs and questions name, one spelling each (the
    first met), in alphabetical order: the list page's filter and the form's hint."""
    names: dict[str, str] = {}
    for name in list(
        Pack.objects.filter(authority=authority).order_by("id").values_list("committee", flat=True)
    ) + list(
        CommitteeQuestion.objects.filter(authority=authority)
        .order_by("id")
        .values_list("committee", flat=True)
    ):
        names.setdefault(questions.committee_key(name), name)
    return sorted(names.values(), key=questions.committee_key)


def owner_choices(authority: Area) -> QuerySet[Any]:
    """The users who may own a question or action: the authority's officers and managers."""
    return (
        get_user_model()
        .objects.filter(
            memberships__authority=authority,
            memberships__role__in=[Role.OFFICER, Role.MANAGER],
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


@dataclass(frozen=True)
class QuestionRow:
    question: CommitteeQuestion
    overdue: bool


@dataclass(frozen=True)
class QuestionsPage:
    authority: Area
    committees: list[str]
    committee: str  # the committee shown ("" for every committee)
    show: str  # "open" or "all"
    rows: list[QuestionRow]
    today: date

    @property
    def open_only(self) -> bool:
        return self.show == "open"


def questions_page(
    user: Any, slug: str, *, committee: str = "", show: str = "open"
) -> QuestionsPage:
    """An authority's questions and actions, of one committee or every one, open ones or all,
    newest meeting first: for its officers and managers (403 for anyone else)."""
    authority = keeper_authority(user, slug)
    show = "all" if show == "all" else "open"
    found = CommitteeQuestion.objects.filter(authority=authority).select_related(
        "owner_user", "pack"
    )
    if show == "open":
        found = found.filter(status=QuestionStatus.OPEN)
    key = questions.committee_key(committee)
    today = timezone.localdate()
    rows = [
        QuestionRow(
            question=item,
            overdue=questions.is_overdue(status=item.status, due=item.due, on=today),
        )
        for item in found.order_by("-meeting_date", "id")
        if not key or questions.committee_key(item.committee) == key
    ]
    return QuestionsPage(
        authority=authority,
        committees=committees_of(authority),
        committee=committee.strip(),
        show=show,
        rows=rows,
        today=today,
    )


@dataclass(frozen=True)
class QuestionDetail:
    question: CommitteeQuestion
    events: list[CommitteeQuestionEvent]


def question_to_keep(user: Any, slug: str, question_id: int) -> CommitteeQuestion:
    """One of the authority's questions, for those who keep them (403; 404 if not its)."""
    authority = keeper_authority(user, slug)
    try:
        return CommitteeQuestion.objects.select_related("authority", "owner_user", "pack").get(
            Q(pk=question_id), authority=authority
        )
    except CommitteeQuestion.DoesNotExist as missing:
        raise Http404("There is no such question or action.") from missing


def question_detail(user: Any, slug: str, question_id: int) -> QuestionDetail:
    """A question with its history (who recorded and changed it, when, and what changed)."""
    question = question_to_keep(user, slug, question_id)
    return QuestionDetail(
        question=question,
        events=list(question.events.select_related("by").order_by("at", "id")),
    )
