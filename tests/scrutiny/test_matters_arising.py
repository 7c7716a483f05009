"""A pack's "Matters arising from the last meeting": what it lists (the committee's open
questions and actions, and those answered or closed since it last met; not old closed ones,
nor another committee's or another authority's), where a new pack puts it, and that it freezes
with the pack, so councillors read it as published."""

from datetime import date

import pytest
from django.test import Client

from scrutiny import question_services, selectors, services
from scrutiny.content import pack_content
from scrutiny.models import Pack, SectionKind, TemplateKind
from tests import factories

from .conftest import explain_exceptions
from .test_question_services import add

pytestmark = pytest.mark.django_db

COMMITTEE = "Children's Select Committee"
NOVEMBER, MARCH, JUNE = date(2017, 11, 14), date(2018, 3, 6), date(2018, 6, 19)


@pytest.fixture
def asked(world, personas) -> dict[str, object]:
    officer, a = personas.officer_a, world.authority_a
    old = add(officer, a, meeting_date=NOVEMBER, text="Why did plans rise?", due=None)
    question_services.question_answer(
        user=officer, question=old, answer="Three sibling groups.", answered_on=date(2017, 11, 28)
    )
    question_services.question_close(user=officer, question=old, closed_on=MARCH)
    answered = add(officer, a, text="How many care leavers are NEET?")
    question_services.question_answer(
        user=officer, question=answered, answer="61 of 180 (34%).", answered_on=date(2018, 4, 24)
    )
    overdue = add(
        officer, a, kind="action", text="Circulate the vacancies by team.", due=date(2018, 5, 31)
    )
    return {
        "old": old,
        "answered": answered,
        "overdue": overdue,
        "other_committee": add(officer, a, committee="Cabinet", text="Cabinet's own question"),
        "other_authority": add(personas.officer_b, world.authority_b, text="B's own question"),
        "at_the_meeting": add(officer, a, meeting_date=JUNE, text="Asked in June", due=None),
    }


def new_pack(personas, authority, *, committee: str = "children’s select committee") -> Pack:
    return services.pack_create(
        user=personas.officer_a,
        authority=authority,
        title="Performance and outcomes 2017/18",
        committee=committee,
        meeting_date=JUNE,
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )


def matters_of(contents: list[dict]) -> dict:
    (section,) = [c for c in contents if c["kind"] == SectionKind.MATTERS_ARISING]
    return section["matters_arising"]


def test_a_new_pack_lists_open_and_recently_answered_ones_only(asked, world, personas) -> None:
    pack = new_pack(personas, world.authority_a)
    kinds = list(pack.sections.order_by("order").values_list("kind", "title"))
    # After the scorecard, the introduction and summary, before the first theme page.
    assert kinds[0][0] == SectionKind.SCORECARD
    assert kinds[3] == (SectionKind.MATTERS_ARISING, "Matters arising from the last meeting")
    assert kinds[4][0] == SectionKind.THEME_PAGE
    arising = matters_of(pack_content(pack, user=personas.officer_a))
    assert arising["since_text"] == "6 March 2018"
    assert [m["text"] for m in arising["matters"]] == [
        "How many care leavers are NEET?",
        "Circulate the vacancies by team.",
    ]
    answered, overdue = arising["matters"]
    assert (answered["status_label"], answered["answer"], answered["answered_text"]) == (
        "Answered",
        "61 of 180 (34%).",
        "24 April 2018",
    )
    assert overdue["overdue"] and overdue["kind_label"] == "Action"
    assert (
        overdue["due_text"] == "31 May 2018" and overdue["owner"] == "Head of Service, Care Leavers"
    )


def test_a_committee_with_nothing_arising_gets_no_such_section(asked, world, personas) -> None:
    pack = new_pack(personas, world.authority_a, committee="Corporate Parenting Panel")
    assert not pack.sections.filter(kind=SectionKind.MATTERS_ARISING).exists()
    # An officer may still add one, which then says there is nothing.
    section = services.section_add(
        user=personas.officer_a, pack=pack, kind=SectionKind.MATTERS_ARISING
    )
    assert section.title == "Matters arising from the last meeting"
    assert matters_of(pack_content(pack, user=personas.officer_a))["matters"] == []


def test_the_section_freezes_with_the_pack_and_a_councillor_reads_it(
    asked, world, personas
) -> None:
    explain_exceptions(world)  # the world's red measure explained, as submitting asks
    pack = new_pack(personas, world.authority_a)
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    # Answered after publication: the published pack still shows it as it stood.
    question_services.question_answer(
        user=personas.officer_a,
        question=asked["overdue"],
        answer="Sent to members on 25 June.",
        answered_on=date(2018, 6, 25),
    )
    pack.refresh_from_db()
    frozen = matters_of(selectors.published_content(pack))
    assert [m["status_label"] for m in frozen["matters"]] == ["Answered", "Open"]
    client = Client()
    client.force_login(personas.councillor_a)
    page = client.get(f"/a/authority-a/packs/{pack.pk}/").content.decode()
    assert "Matters arising from the last meeting" in page
    assert "Circulate the vacancies by team." in page and "Overdue" in page
    assert "Sent to members on 25 June." not in page
    assert "Cabinet&#x27;s own question" not in page and "Why did plans rise?" not in page


def test_the_next_meeting_no_longer_repeats_what_was_answered_before_the_last(
    asked, world, personas
) -> None:
    new_pack(personas, world.authority_a)  # the June meeting is now known
    september = services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Quarter 1",
        committee=COMMITTEE,
        meeting_date=date(2018, 9, 18),
        period=factories.financial_year(2017),
        template=TemplateKind.SCRUTINY_PACK,
    )
    arising = matters_of(pack_content(september, user=personas.officer_a))
    assert arising["since_text"] == "19 June 2018"
    # The April answer was reported in June; the open action and June's question carry on.
    assert [m["text"] for m in arising["matters"]] == [
        "Circulate the vacancies by team.",
        "Asked in June",
    ]
