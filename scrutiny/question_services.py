"""Every change to a committee's questions and actions: one keyword-only function per change,
in a transaction (docs/0022).

Who may: `accounts.access.require_committee_questions_keeper` (the authority's officers and
managers, and admins), asked by each service before it writes anything; questions are people's
work, so the system and a missing user are refused too. Each change is recorded as a
`CommitteeQuestionEvent` (who, when, what changed from what to what). A change the rules do not
allow is a ValidationError that says what to do, and nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from indicators.models import Area, AreaKind

from . import question_selectors, questions
from .models import CommitteeQuestion, CommitteeQuestionEvent, QuestionKind, QuestionStatus

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

# The fields a question's history reports, by the label the pages show.
TRACKED = {
    "Committee": "committee",
    "Meeting": "meeting_date",
    "Kind": "kind",
    "Asked by": "asked_by",
    "Question or action": "text",
    "Owner": "owner",
    "Due": "due",
    "Status": "status",
    "Answer": "answer",
    "Answered on": "answered_on",
    "Closed on": "closed_on",
    "Why closed": "closing_note",
}


def _keeper(user: User | SystemActor | None, authority: Area, *, doing: str) -> User:
    who = access.require_person(user, doing=f"{doing} a committee's questions and actions")
    access.require_committee_questions_keeper(who, authority)
    return who


def _snapshot(question: CommitteeQuestion) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for label, field in TRACKED.items():
        value = getattr(question, field)
        if field == "kind":
            value = question.get_kind_display()
        elif field == "status":
            value = question.get_status_display()
        values[label] = value
    return values


def _record(question: CommitteeQuestion, who: User, change: str, before: dict[str, Any]) -> None:
    CommitteeQuestionEvent.objects.create(
        question=question,
        change=change,
        by=who,
        changes=questions.changes_between(before, _snapshot(question)),
    )


def _locked(question: CommitteeQuestion) -> CommitteeQuestion:
    return (
        CommitteeQuestion.objects.select_for_update(of=("self",))
        .select_related("authority", "owner_user")
        .get(pk=question.pk)
    )


def _check_owner(authority: Area, owner_user: User | None, owner_name: str) -> None:
    if owner_user is None and not owner_name.strip():
        raise ValidationError(
            "Say who will answer or act: choose one of the authority’s officers or managers, "
            "or type an officer’s name."
        )
    if (
        owner_user is not None
        and not question_selectors.owner_choices(authority).filter(pk=owner_user.pk).exists()
    ):
        raise ValidationError(
            f"{owner_user} is not an officer or manager of {authority.name}: choose one who is, "
            "or type the officer’s name."
        )


def _check_details(
    *, committee: str, meeting_date: date, kind: str, asked_by: str, text: str, due: date | None
) -> None:
    problems = []
    if not committee.strip():
        problems.append("Enter the committee that asked.")
    if kind not in QuestionKind.values:
        problems.append("Choose whether it is a question or an action.")
    if not asked_by.strip():
        problems.append("Enter the name of the member who asked.")
    if not text.strip():
        problems.append("Enter the question, or the action the committee asked for.")
    if due is not None and due < meeting_date:
        problems.append("The due date cannot be before the meeting at which it was asked.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def question_add(
    *,
    user: User | SystemActor | None,
    authority: Area,
    committee: str,
    meeting_date: date,
    kind: str,
    asked_by: str,
    text: str,
    owner_user: User | None = None,
    owner_name: str = "",
    due: date | None = None,
) -> CommitteeQuestion:
    """Record a member's question, or an action the committee asked for, at a meeting; tied
    to the pack presented at that meeting when there is one."""
    who = _keeper(user, authority, doing="record")
    if authority.kind != AreaKind.AUTHORITY:
        raise ValidationError("Questions and actions are recorded for a local authority.")
    _check_details(
        committee=committee,
        meeting_date=meeting_date,
        kind=kind,
        asked_by=asked_by,
        text=text,
        due=due,
    )
    _check_owner(authority, owner_user, owner_name)
    question = CommitteeQuestion(
        authority=authority,
        committee=committee.strip(),
        meeting_date=meeting_date,
        pack=question_selectors.pack_at_meeting(authority, committee, meeting_date),
        kind=kind,
        asked_by=asked_by.strip(),
        text=text.strip(),
        owner_user=owner_user,
        owner_name="" if owner_user is not None else owner_name.strip(),
        due=due,
        created_by=who,
        updated_by=who,
    )
    question.save()
    _record(question, who, "added", {})
    return question


@transaction.atomic
def question_edit(
    *,
    user: User | SystemActor | None,
    question: CommitteeQuestion,
    committee: str,
    meeting_date: date,
    kind: str,
    asked_by: str,
    text: str,
    owner_user: User | None = None,
    owner_name: str = "",
    due: date | None = None,
) -> CommitteeQuestion:
    """Correct what was recorded: who asked, what, at which meeting, the owner, the due date.
    (The answer and the status change through `question_answer` and `question_close`.)"""
    question = _locked(question)
    who = _keeper(user, question.authority, doing="edit")
    _check_details(
        committee=committee,
        meeting_date=meeting_date,
        kind=kind,
        asked_by=asked_by,
        text=text,
        due=due,
    )
    _check_owner(question.authority, owner_user, owner_name)
    settled = question.answered_on or question.closed_on
    if settled is not None and meeting_date > settled:
        raise ValidationError(
            f"It was settled on {settled:%-d %B %Y}, so it cannot have been asked at a later "
            "meeting."
        )
    before = _snapshot(question)
    moved = meeting_date != question.meeting_date or questions.committee_key(
        committee
    ) != questions.committee_key(question.committee)
    question.committee = committee.strip()
    question.meeting_date = meeting_date
    question.kind = kind
    question.asked_by = asked_by.strip()
    question.text = text.strip()
    question.owner_user = owner_user
    question.owner_name = "" if owner_user is not None else owner_name.strip()
    question.due = due
    if moved:
        question.pack = question_selectors.pack_at_meeting(
            question.authority, committee, meeting_date
        )
    question.updated_by = who
    question.save()
    _record(question, who, "edited", before)
    return question


def _check_settled_on(question: CommitteeQuestion, on: date, *, what: str) -> None:
    if on < question.meeting_date:
        raise ValidationError(
            f"The date it was {what} cannot be before the meeting at which it was asked "
            f"({question.meeting_date:%-d %B %Y})."
        )
    if on > timezone.localdate():
        raise ValidationError(f"The date it was {what} cannot be in the future.")


@transaction.atomic
def question_answer(
    *,
    user: User | SystemActor | None,
    question: CommitteeQuestion,
    answer: str,
    answered_on: date,
) -> CommitteeQuestion:
    """Record the response (the answer given, or what was done) and when it was given: the
    question is answered, for the committee to note at its next meeting. An answered one's
    answer may be corrected the same way; a closed one's may not."""
    question = _locked(question)
    who = _keeper(user, question.authority, doing="answer")
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError("This is closed: its answer can no longer change.")
    if not answer.strip():
        raise ValidationError("Enter the answer given, or what was done.")
    _check_settled_on(question, answered_on, what="answered")
    before = _snapshot(question)
    question.answer = answer.strip()
    question.answered_on = answered_on
    question.status = QuestionStatus.ANSWERED
    question.updated_by = who
    question.save()
    _record(question, who, "answered", before)
    return question


@transaction.atomic
def question_close(
    *,
    user: User | SystemActor | None,
    question: CommitteeQuestion,
    closed_on: date,
    note: str = "",
) -> CommitteeQuestion:
    """Close a question or action: the committee has noted the answer, or (with a reason in
    `note`, which is then required) it is withdrawn or overtaken without one."""
    question = _locked(question)
    who = _keeper(user, question.authority, doing="close")
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError("This is already closed.")
    if question.answered_on is None and not note.strip():
        raise ValidationError(
            "It has no answer: say why it is closed without one (for example, withdrawn by "
            "the member), or record the answer first."
        )
    _check_settled_on(question, closed_on, what="closed")
    if question.answered_on is not None and closed_on < question.answered_on:
        raise ValidationError("The date it was closed cannot be before the date it was answered.")
    before = _snapshot(question)
    question.closed_on = closed_on
    question.closing_note = note.strip()
    question.status = QuestionStatus.CLOSED
    question.updated_by = who
    question.save()
    _record(question, who, "closed", before)
    return question
