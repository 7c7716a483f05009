"""The demo: Wiltshire's Children's Select Committee's questions and actions, recorded before
the demo packs, so the published June 2018 annual report has its matters arising."""

import pytest

from accounts import access
from accounts.services import membership_set, user_set
from demo.management.commands.load_demo import PERSONAS
from indicators.models import Area
from scrutiny.demo import packs_demo_load
from scrutiny.models import CommitteeQuestion, Pack, QuestionStatus, SectionKind

pytestmark = pytest.mark.django_db


def demo_personas() -> None:
    for persona in PERSONAS:
        user = user_set(
            actor=access.SYSTEM,
            username=persona.username,
            password="demo-personas-2026",
            first_name=persona.first_name,
            last_name=persona.last_name,
            is_admin=not persona.authority,
        )
        if persona.authority:
            authority = Area.objects.get(slug=persona.authority)
            membership_set(actor=access.SYSTEM, user=user, authority=authority, role=persona.role)


def test_the_published_wiltshire_pack_has_its_matters_arising(loaded_demo) -> None:
    demo_personas()
    lines = packs_demo_load()
    assert lines[0] == "Committee questions: Wiltshire, 5 from Children's Select Committee"
    pack = Pack.objects.get(authority__slug="wiltshire")
    section = pack.sections.get(kind=SectionKind.MATTERS_ARISING)
    assert section.order == 4  # after the scorecard, the introduction and summary
    assert section.frozen is not None
    arising = section.frozen["matters_arising"]
    assert arising["since_text"] == "6 March 2018"
    statuses = [(m["asked_by"], m["status_label"], m["overdue"]) for m in arising["matters"]]
    assert statuses == [
        ("Cllr Tom Pickering", "Answered", False),
        ("Cllr Ruth Carter", "Open", True),
        ("Cllr Helen Ashby", "Open", False),
        ("Cllr David Moss", "Closed", False),
    ]
    # November's question, closed in March, was reported then: not again.
    assert CommitteeQuestion.objects.filter(status=QuestionStatus.CLOSED).count() == 2
    # Loading again leaves one of each.
    packs_demo_load()
    assert CommitteeQuestion.objects.count() == 5
