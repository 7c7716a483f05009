"""Demo questions and actions of Wiltshire's Children's Select Committee (docs/0022), recorded
by the demo officer through the same services an officer uses, before the demo packs are made:
so the published June 2018 annual report opens its business with "Matters arising from the last
meeting". The members' names are made up; the subjects are those such a committee asks about.

- November 2017: a question answered that month and closed when noted in March: not repeated.
- March 2018: a question answered in April, an action done, an action still open (overdue by
  the June meeting), another open and due at it, and a question withdrawn.

Loading twice leaves one of each.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from indicators.models import Area

from . import question_services
from .models import CommitteeQuestion, QuestionKind

COMMITTEE = "Children's Select Committee"
NOVEMBER, MARCH = date(2017, 11, 14), date(2018, 3, 6)

# (meeting, kind, asked by, text, owner (a username, or an officer's name), due,
#  (answer, answered on) or None, (closed on, note) or None)
QUESTIONS = (
    (
        NOVEMBER,
        QuestionKind.QUESTION,
        "Cllr Helen Ashby",
        "Why did the number of children subject to a child protection plan rise in the second "
        "quarter, and is the rise in any one area of the county?",
        "Head of Safeguarding and Support",
        date(2017, 12, 1),
        (
            "The rise followed three large sibling groups becoming subject to plans in "
            "September. It is spread across the county; no one area accounts for it.",
            date(2017, 11, 28),
        ),
        (MARCH, ""),
    ),
    (
        MARCH,
        QuestionKind.QUESTION,
        "Cllr Tom Pickering",
        "How many care leavers aged 19 to 21 are not in education, employment or training, and "
        "what support do they get?",
        "wiltshire.manager",
        date(2018, 4, 30),
        (
            "At the end of March, 61 of 180 care leavers aged 19 to 21 (34%) were not in "
            "education, employment or training. Each has a personal adviser; 12 are on the "
            "council's supported apprenticeship scheme, which starts another cohort in September.",
            date(2018, 4, 24),
        ),
        None,
    ),
    (
        MARCH,
        QuestionKind.ACTION,
        "Cllr Ruth Carter",
        "Circulate to members the social worker vacancies and agency staff in each team.",
        "Workforce Development Manager",
        date(2018, 5, 31),
        None,
        None,
    ),
    (
        MARCH,
        QuestionKind.ACTION,
        "Cllr Helen Ashby",
        "Bring the findings of the thematic audit of neglect cases to the June meeting.",
        "wiltshire.officer",
        date(2018, 6, 19),
        None,
        None,
    ),
    (
        MARCH,
        QuestionKind.QUESTION,
        "Cllr David Moss",
        "What did out-of-county residential placements cost in 2017/18 against the budget?",
        "Head of Commissioning",
        date(2018, 4, 30),
        None,
        (
            date(2018, 4, 10),
            "Withdrawn by the member: the Financial Planning Task Group covers it.",
        ),
    ),
)


def questions_demo_load() -> list[str]:
    """The demo committee's questions and actions (the demo personas must exist): a line
    saying how many were recorded, or none when they are already there."""
    wiltshire = Area.objects.get(slug="wiltshire")
    if CommitteeQuestion.objects.filter(authority=wiltshire).exists():
        return []
    users = get_user_model().objects
    officer = users.get(username="wiltshire.officer")
    for meeting, kind, asked_by, text, owner, due, answer, closed in QUESTIONS:
        owner_user = users.filter(username=owner).first()
        question = question_services.question_add(
            user=officer,
            authority=wiltshire,
            committee=COMMITTEE,
            meeting_date=meeting,
            kind=kind,
            asked_by=asked_by,
            text=text,
            owner_user=owner_user,
            owner_name="" if owner_user else owner,
            due=due,
        )
        if answer is not None:
            question_services.question_answer(
                user=officer, question=question, answer=answer[0], answered_on=answer[1]
            )
        if closed is not None:
            question_services.question_close(
                user=officer, question=question, closed_on=closed[0], note=closed[1]
            )
    return [f"Committee questions: {wiltshire.name}, {len(QUESTIONS)} from {COMMITTEE}"]
