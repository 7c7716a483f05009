"""The committee question services: who may record, edit, answer and close (the authority's
officers and managers, and admins), who may not (its councillors, another authority's officer,
nobody, an anonymous user, the system), that a refusal writes nothing, and what each refusal
of a bad change says."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import access
from scrutiny import question_services
from scrutiny.models import CommitteeQuestion, CommitteeQuestionEvent, QuestionKind, QuestionStatus

pytestmark = pytest.mark.django_db

COMMITTEE = "Children's Select Committee"
MARCH = date(2018, 3, 6)
APRIL = date(2018, 4, 24)


def add(user: Any, authority: Any, **overrides: Any) -> CommitteeQuestion:
    values: dict[str, Any] = {
        "committee": COMMITTEE,
        "meeting_date": MARCH,
        "kind": QuestionKind.QUESTION,
        "asked_by": "Cllr Tom Pickering",
        "text": "How many care leavers are not in education, employment or training?",
        "owner_name": "Head of Service, Care Leavers",
        "due": date(2018, 4, 30),
    }
    values.update(overrides)
    return question_services.question_add(user=user, authority=authority, **values)


@pytest.fixture
def question(world, personas) -> CommitteeQuestion:
    return add(personas.officer_a, world.authority_a)


@pytest.fixture
def actors(personas) -> dict[str, Any]:
    return {**personas.all(), "system": access.SYSTEM, "none": None, "anonymous": AnonymousUser()}


def stored() -> tuple[list[tuple[Any, ...]], int]:
    """Everything the services write: every question's fields, and how many history rows."""
    rows = [
        tuple(row.values())
        for row in CommitteeQuestion.objects.order_by("id").values(
            "committee",
            "meeting_date",
            "text",
            "status",
            "answer",
            "answered_on",
            "closed_on",
            "owner_name",
            "owner_user",
            "due",
            "pack",
            "updated_by",
        )
    ]
    return rows, CommitteeQuestionEvent.objects.count()


CALLS: dict[str, Callable[[Any, CommitteeQuestion], Any]] = {
    "add": lambda actor, q: add(actor, q.authority, asked_by="Cllr Ruth Carter"),
    "edit": lambda actor, q: question_services.question_edit(
        user=actor,
        question=q,
        committee=COMMITTEE,
        meeting_date=MARCH,
        kind=QuestionKind.ACTION,
        asked_by="Cllr Tom Pickering",
        text="Circulate the figures for care leavers to members.",
        owner_name="Head of Service, Care Leavers",
        due=date(2018, 5, 31),
    ),
    "answer": lambda actor, q: question_services.question_answer(
        user=actor, question=q, answer="61 of 180 (34%).", answered_on=APRIL
    ),
    "close": lambda actor, q: question_services.question_close(
        user=actor, question=q, closed_on=APRIL, note="Withdrawn by the member."
    ),
}
MAY = ("officer_a", "manager_a", "admin")
MAY_NOT = ("councillor_a", "officer_b", "system", "none", "anonymous")


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("persona", MAY_NOT)
def test_refused_writers_change_nothing(question, actors, call, persona) -> None:
    before = stored()
    with pytest.raises(PermissionDenied):
        CALLS[call](actors[persona], question)
    assert stored() == before


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("persona", MAY)
def test_officers_managers_and_admins_keep_questions(question, actors, call, persona) -> None:
    who = actors[persona]
    before = stored()
    CALLS[call](who, question)
    assert stored() != before
    event = CommitteeQuestionEvent.objects.order_by("-id").first()
    assert event is not None and event.by == who


def test_adding_records_who_and_a_history_line(question, personas) -> None:
    assert question.status == QuestionStatus.OPEN
    assert question.created_by == personas.officer_a
    (event,) = question.events.all()
    assert event.change == "added" and event.by == personas.officer_a
    assert ["Asked by", "", "Cllr Tom Pickering"] in event.changes
    # In the order the pages show the fields.
    assert [label for label, _, _ in event.changes][:3] == ["Committee", "Meeting", "Kind"]


def test_editing_records_what_changed_from_what(question, personas) -> None:
    CALLS["edit"](personas.manager_a, question)
    event = question.events.order_by("-id").first()
    assert event.change == "edited" and event.by == personas.manager_a
    assert event.changes == [
        ["Kind", "Question", "Action"],
        ["Question or action", question.text, "Circulate the figures for care leavers to members."],
        ["Due", "30 April 2018", "31 May 2018"],
    ]
    question.refresh_from_db()
    assert question.updated_by == personas.manager_a


def test_answering_then_closing(question, personas) -> None:
    CALLS["answer"](personas.officer_a, question)
    question.refresh_from_db()
    assert (question.status, question.answer, question.answered_on) == (
        QuestionStatus.ANSWERED,
        "61 of 180 (34%).",
        APRIL,
    )
    question_services.question_close(user=personas.manager_a, question=question, closed_on=APRIL)
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED and question.closed_on == APRIL
    assert [e.change for e in question.events.all()] == ["added", "answered", "closed"]


def refusal(call: Callable[[], Any]) -> list[str]:
    before = stored()
    with pytest.raises(ValidationError) as refused:
        call()
    assert stored() == before
    return refused.value.messages


def test_a_question_needs_who_asked_what_and_an_owner(world, personas) -> None:
    messages = refusal(lambda: add(personas.officer_a, world.authority_a, asked_by=" ", text=""))
    assert messages == [
        "Enter the name of the member who asked.",
        "Enter the question, or the action the committee asked for.",
    ]
    assert refusal(lambda: add(personas.officer_a, world.authority_a, owner_name="")) == [
        "Say who will answer or act: choose one of the authority’s officers or managers, or "
        "type an officer’s name."
    ]


def test_the_owner_must_be_an_officer_or_manager_of_the_authority(world, personas) -> None:
    for outsider in (personas.officer_b, personas.councillor_a):
        (message,) = refusal(
            lambda o=outsider: add(personas.officer_a, world.authority_a, owner_user=o)
        )
        assert message.startswith(f"{outsider} is not an officer or manager of Authority A")
    owned = add(personas.officer_a, world.authority_a, owner_user=personas.manager_a)
    assert owned.owner == str(personas.manager_a) and owned.owner_name == ""


def test_due_dates_and_answers_cannot_come_before_the_meeting(question, world, personas) -> None:
    assert refusal(lambda: add(personas.officer_a, world.authority_a, due=date(2018, 3, 1))) == [
        "The due date cannot be before the meeting at which it was asked."
    ]
    assert refusal(
        lambda: question_services.question_answer(
            user=personas.officer_a, question=question, answer="Yes", answered_on=date(2018, 3, 1)
        )
    ) == [
        "The date it was answered cannot be before the meeting at which it was asked "
        "(6 March 2018)."
    ]
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert refusal(
        lambda: question_services.question_answer(
            user=personas.officer_a, question=question, answer="Yes", answered_on=tomorrow
        )
    ) == ["The date it was answered cannot be in the future."]
    assert refusal(
        lambda: question_services.question_answer(
            user=personas.officer_a, question=question, answer=" ", answered_on=APRIL
        )
    ) == ["Enter the answer given, or what was done."]


def test_closing_without_an_answer_needs_a_reason(question, personas) -> None:
    (message,) = refusal(
        lambda: question_services.question_close(
            user=personas.officer_a, question=question, closed_on=APRIL
        )
    )
    assert message.startswith("It has no answer: say why it is closed without one")
    CALLS["close"](personas.officer_a, question)
    assert refusal(lambda: CALLS["close"](personas.officer_a, question)) == [
        "This is already closed."
    ]
    assert refusal(lambda: CALLS["answer"](personas.officer_a, question)) == [
        "This is closed: its answer can no longer change."
    ]


def test_an_answered_question_cannot_move_to_a_later_meeting(question, personas) -> None:
    CALLS["answer"](personas.officer_a, question)
    (message,) = refusal(
        lambda: question_services.question_edit(
            user=personas.officer_a,
            question=question,
            committee=COMMITTEE,
            meeting_date=date(2018, 6, 19),
            kind=QuestionKind.QUESTION,
            asked_by="Cllr Tom Pickering",
            text="How many?",
            owner_name="Head of Service",
        )
    )
    assert message == (
        "It was settled on 24 April 2018, so it cannot have been asked at a later meeting."
    )


def test_a_question_is_tied_to_the_pack_presented_at_its_meeting(pack, personas) -> None:
    # The pack's committee typed with a curly apostrophe and other case: the same committee.
    at_meeting = add(
        personas.officer_a,
        pack.authority,
        committee="children’s select committee",
        meeting_date=pack.meeting_date,
        due=None,
    )
    assert at_meeting.pack == pack
    earlier = add(personas.officer_a, pack.authority)
    assert earlier.pack is None
    other = add(
        personas.officer_a,
        pack.authority,
        committee="Cabinet",
        meeting_date=pack.meeting_date,
        due=None,
    )
    assert other.pack is None
    moved = question_services.question_edit(
        user=personas.officer_a,
        question=at_meeting,
        committee="Cabinet",
        meeting_date=pack.meeting_date,
        kind=QuestionKind.QUESTION,
        asked_by="Cllr Tom Pickering",
        text="How many?",
        owner_name="Head of Service",
    )
    assert moved.pack is None
