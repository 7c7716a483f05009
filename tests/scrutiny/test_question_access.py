"""Who may see a committee's questions and actions and their pages: the authority's officers
and managers, and admins; never its councillors (they read them in published packs), another
authority's officer, or anyone signed out. And the pages' forms, through the services."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from accounts import access
from scrutiny import question_selectors
from scrutiny.models import CommitteeQuestion, QuestionStatus

from .test_question_services import add, stored

pytestmark = pytest.mark.django_db

BASE = "/a/authority-a/packs/questions"
KEEPERS = {
    "officer_a": True,
    "manager_a": True,
    "admin": True,
    "councillor_a": False,
    "officer_b": False,
}


@pytest.fixture
def question(world, personas) -> CommitteeQuestion:
    return add(personas.officer_a, world.authority_a)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", KEEPERS)
def test_the_rule_and_the_selectors_by_persona(question, world, personas, persona) -> None:
    user = personas.all()[persona]
    keeps = KEEPERS[persona]
    assert access.may_keep_committee_questions(user, world.authority_a) is keeps
    if keeps:
        page = question_selectors.questions_page(user, "authority-a")
        assert [row.question for row in page.rows] == [question]
        detail = question_selectors.question_detail(user, "authority-a", question.pk)
        assert detail.question == question and len(detail.events) == 1
    else:
        with pytest.raises(PermissionDenied):
            question_selectors.questions_page(user, "authority-a")
        with pytest.raises(PermissionDenied):
            question_selectors.question_detail(user, "authority-a", question.pk)


def test_signed_out_nobody_may(question, world) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not access.may_keep_committee_questions(AnonymousUser(), world.authority_a)
    for path in (
        "/",
        "/add/",
        f"/{question.pk}/",
        f"/{question.pk}/answer/",
        f"/{question.pk}/close/",
    ):
        response = Client().get(BASE + path)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize("persona", KEEPERS)
def test_every_page_by_persona(question, personas, persona) -> None:
    client = client_for(personas.all()[persona])
    expected = 200 if KEEPERS[persona] else 403
    for path in (
        "/",
        "/add/",
        f"/{question.pk}/",
        f"/{question.pk}/answer/",
        f"/{question.pk}/close/",
    ):
        assert client.get(BASE + path).status_code == expected, path


def test_a_question_is_found_only_under_its_own_authority(question, personas) -> None:
    with pytest.raises(Http404):
        question_selectors.question_detail(personas.officer_b, "authority-b", question.pk)
    response = client_for(personas.officer_b).get(f"/a/authority-b/packs/questions/{question.pk}/")
    assert response.status_code == 404


def test_refused_posts_write_nothing(question, personas) -> None:
    before = stored()
    for persona in ("councillor_a", "officer_b"):
        client = client_for(personas.all()[persona])
        assert client.post(f"{BASE}/add/", {"committee": "Cabinet"}).status_code == 403
        answer = {"answer": "Done", "answered_on": "24/04/2018"}
        assert client.post(f"{BASE}/{question.pk}/answer/", answer).status_code == 403
        assert (
            client.post(f"{BASE}/{question.pk}/close/", {"closed_on": "24/04/2018"}).status_code
            == 403
        )
    assert stored() == before


def test_an_officer_records_answers_and_closes_through_the_pages(world, personas) -> None:
    client = client_for(personas.officer_a)
    response = client.post(
        f"{BASE}/add/",
        {
            "committee": "Children's Select Committee",
            "meeting_date": "06/03/2018",
            "kind": "action",
            "asked_by": "Cllr Ruth Carter",
            "text": "Circulate the social worker vacancies in each team.",
            "owner_user": personas.manager_a.pk,
            "owner_name": "",
            "due": "31/05/2018",
        },
    )
    assert response.status_code == 302
    question = CommitteeQuestion.objects.get()
    assert question.owner_user == personas.manager_a and question.due == date(2018, 5, 31)
    listing = client.get(response["Location"])
    assert "Circulate the social worker vacancies" in listing.content.decode()

    response = client.post(
        f"{BASE}/{question.pk}/answer/",
        {"answer": "Sent on 20 April.", "answered_on": "20/04/2018"},
    )
    assert response.status_code == 302
    response = client.post(f"{BASE}/{question.pk}/close/", {"closed_on": "19/06/2018", "note": ""})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    # Open only (the default) no longer lists it; all does.
    assert "Circulate the social worker" not in client.get(f"{BASE}/").content.decode()
    assert "Circulate the social worker" in client.get(f"{BASE}/?show=all").content.decode()
    history = client.get(f"{BASE}/{question.pk}/").content.decode()
    assert "Added" in history and "Answered" in history and "Closed" in history


def test_the_form_says_what_is_missing(world, personas) -> None:
    client = client_for(personas.officer_a)
    response = client.post(
        f"{BASE}/add/",
        {
            "committee": "Cabinet",
            "meeting_date": "06/03/2018",
            "kind": "question",
            "due": "01/03/2018",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the name of the member who asked" in page
    assert "Choose the owner, or type the officer’s name" in page
    assert "The due date cannot be before the meeting" in page
    assert not CommitteeQuestion.objects.exists()


def test_the_packs_list_links_to_questions_for_those_who_keep_them(world, personas) -> None:
    for persona, links in (("officer_a", True), ("manager_a", True), ("councillor_a", False)):
        page = client_for(personas.all()[persona]).get("/a/authority-a/packs/").content.decode()
        assert ("Committee questions and actions" in page) is links, persona


def test_a_packs_compose_page_links_to_its_committees_questions(pack, personas) -> None:
    page = client_for(personas.manager_a).get(f"/a/authority-a/packs/{pack.pk}/compose/")
    html = page.content.decode()
    assert "Questions and actions of the Children&#x27;s Select Committee" in html
    assert "meeting=2018-06-19" in html


def test_recording_from_a_packs_page_starts_with_its_committee_and_meeting(pack, personas) -> None:
    client = client_for(personas.officer_a)
    query = "?committee=Children%27s+Select+Committee&meeting=2018-06-19"
    page = client.get(f"{BASE}/add/{query}").content.decode()
    assert 'value="Children&#x27;s Select Committee"' in page
    assert 'value="19/06/2018"' in page or 'value="2018-06-19"' in page


def test_the_edit_page_shows_what_was_recorded_and_its_history(question, personas) -> None:
    page = client_for(personas.manager_a).get(f"{BASE}/{question.pk}/").content.decode()
    assert 'value="Cllr Tom Pickering"' in page
    assert "History" in page and str(personas.officer_a) in page and "Added" in page


def test_the_answer_and_close_forms_say_what_is_missing(question, personas) -> None:
    client = client_for(personas.officer_a)
    response = client.post(f"{BASE}/{question.pk}/answer/", {"answer": "", "answered_on": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the answer given, or what was done" in page
    assert "Enter the date it was answered as day/month/year" in page
    response = client.post(f"{BASE}/{question.pk}/close/", {"closed_on": "24/04/2018"})
    assert response.status_code == 400
    assert "It has no answer: say why it is closed without one" in response.content.decode()
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN
