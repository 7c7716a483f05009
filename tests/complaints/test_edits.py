"""Changing and removing records through their pages: each change is stored and the quarter
summaries derived again; a remove page's GET only asks, its POST removes; nobody but the
authority's officers (and admins) reaches either; a changed quote goes back through redaction."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from accounts import access
from complaints import services
from complaints.models import Complaint, Compliment, SurveyComment, SurveyQuestion, VoiceSurvey
from tests.conftest import Personas, World

from .factories import SurveyCommentFactory
from .test_forms import BASE, complaint_post, derived, survey_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(loaded_measures) -> None:
    """The shipped catalogue, as `catalogue_load()` leaves it (see tests/conftest.py)."""


@pytest.fixture
def officer(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.officer_a)
    return client


@pytest.fixture
def records(world: World, catalogue) -> dict[str, object]:
    """One record of each kind for authority A, made through the services (summaries derived)."""
    complaint = services.complaint_create(
        user=access.SYSTEM,
        authority=world.authority_a,
        reference="CMP-1",
        stage="1",
        received=date(2017, 4, 3),
        responded=date(2017, 4, 10),
        outcome="upheld",
    )
    compliment = services.compliment_create(
        user=access.SYSTEM, authority=world.authority_a, received=date(2017, 5, 1), themes=["Kind"]
    )
    survey = services.survey_create(
        user=access.SYSTEM,
        authority=world.authority_a,
        title="Your Voice",
        audience="children",
        conducted_on=date(2017, 11, 30),
        questions=[services.QuestionInput("Satisfied?", Decimal(80), 50, "satisfied")],
    )
    comment = SurveyCommentFactory(survey=survey, text="Thanks")
    return {
        "complaint": complaint,
        "compliment": compliment,
        "survey": survey,
        "comment": comment,
    }


def paths(records: dict[str, object]) -> list[tuple[str, str]]:
    """(address, kind) of every change and remove page."""
    ids = {kind: record.pk for kind, record in records.items()}
    return [
        (f"{BASE}/complaints/{ids['complaint']}/change/", "change"),
        (f"{BASE}/complaints/{ids['complaint']}/remove/", "remove"),
        (f"{BASE}/compliments/{ids['compliment']}/change/", "change"),
        (f"{BASE}/compliments/{ids['compliment']}/remove/", "remove"),
        (f"{BASE}/surveys/{ids['survey']}/change/", "change"),
        (f"{BASE}/surveys/{ids['survey']}/remove/", "remove"),
        (f"{BASE}/comments/{ids['comment']}/remove/", "remove"),
    ]


def counts() -> tuple[int, int, int, int, int]:
    return (
        Complaint.objects.count(),
        Compliment.objects.count(),
        VoiceSurvey.objects.count(),
        SurveyQuestion.objects.count(),
        SurveyComment.objects.count(),
    )


# --- complaints ------------------------------------------------------------------------------


def test_complaint_changed_with_every_field_and_summaries_derived(
    officer: Client, world: World, records
) -> None:
    complaint = records["complaint"]
    path = f"{BASE}/complaints/{complaint.pk}/change/"
    form = officer.get(path).content.decode()
    assert 'value="CMP-1"' in form and 'value="03/04/2017"' in form
    assert derived(world, "CMP-RECEIVED-1")["Q1 2017/18"] == 1
    response = officer.post(
        path,
        complaint_post(
            reference="CMP-1A",
            stage="2",
            received="03/07/2017",
            responded="30/08/2017",
            outcome="partially_upheld",
            extended="on",
            team="South",
            themes="Delay",
        ),
        follow=True,
    )
    assert "Complaint CMP-1A changed" in response.content.decode()
    complaint.refresh_from_db()
    assert (complaint.reference, complaint.stage, complaint.outcome, complaint.team) == (
        "CMP-1A",
        "2",
        "partially_upheld",
        "South",
    )
    assert complaint.themes == ["Delay"] and complaint.extended
    # Derived, never typed: 41 working days, within the extended 65.
    assert complaint.working_days == 41 and complaint.within_timescale is True
    received_1, received_2 = derived(world, "CMP-RECEIVED-1"), derived(world, "CMP-RECEIVED-2")
    assert received_1["Q1 2017/18"] == 0 and received_2["Q2 2017/18"] == 1
    assert derived(world, "CMP-UPHELD") == {"Q2 2017/18": Decimal(100)}


def test_a_bad_complaint_change_gets_a_message_and_changes_nothing(
    officer: Client, world: World, records
) -> None:
    complaint = records["complaint"]
    services.complaint_create(
        user=access.SYSTEM,
        authority=world.authority_a,
        reference="CMP-2",
        stage="1",
        received=date.today(),
    )
    path = f"{BASE}/complaints/{complaint.pk}/change/"
    for extra, message in (
        ({"reference": "Jayden Smith"}, "never a name"),
        ({"reference": "cmp-2"}, "already in the complaints log"),
        ({"responded": "01/04/2017", "outcome": "upheld"}, "before the complaint was received"),
        ({"stage": "9"}, "Select a valid choice"),
    ):
        response = officer.post(path, complaint_post(**extra))
        assert response.status_code == 400 and message in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.reference == "CMP-1" and complaint.outcome == "upheld"
    assert derived(world, "CMP-UPHELD")["Q1 2017/18"] == 100


def test_complaint_removed_after_confirmation(officer: Client, world: World, records) -> None:
    complaint = records["complaint"]
    path = f"{BASE}/complaints/{complaint.pk}/remove/"
    page = officer.get(path).content.decode()
    assert "Remove complaint CMP-1?" in page
    assert "summary figures are worked out again" in page and "govuk-button--warning" in page
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    response = officer.post(path, {"reason": "Entered twice"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}/complaints/"
    assert "Complaint CMP-1 removed" in response.content.decode()
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert derived(world, "CMP-RECEIVED-1") == {} and derived(world, "CMP-UPHELD") == {}


# --- compliments -----------------------------------------------------------------------------


def test_compliment_changed_and_summaries_derived(officer: Client, world: World, records) -> None:
    compliment = records["compliment"]
    response = officer.post(
        f"{BASE}/compliments/{compliment.pk}/change/",
        {"received": "01/08/2017", "team": "East", "themes": "Kind; Listened", "quote": ""},
    )
    assert response["Location"] == f"{BASE}/"
    compliment.refresh_from_db()
    assert compliment.received == date(2017, 8, 1) and compliment.team == "East"
    assert compliment.themes == ["Kind", "Listened"] and compliment.is_cleared
    assert derived(world, "COMPLIMENTS")["Q1 2017/18"] == 0
    assert derived(world, "COMPLIMENTS")["Q2 2017/18"] == 1


def test_a_bad_compliment_change_gets_a_message_and_changes_nothing(
    officer: Client, records
) -> None:
    compliment = records["compliment"]
    response = officer.post(
        f"{BASE}/compliments/{compliment.pk}/change/", {"received": "01/01/2099"}
    )
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    compliment.refresh_from_db()
    assert compliment.received == date(2017, 5, 1)


def test_changing_a_cleared_quote_puts_it_back_through_redaction(
    officer: Client, world: World, personas: Personas, records
) -> None:
    compliment = services.compliment_create(
        user=access.SYSTEM,
        authority=world.authority_a,
        received=date(2017, 5, 1),
        quote="Thank you all",
    )
    services.redaction_confirm(user=personas.officer_a, item=compliment)
    manager = Client()
    manager.force_login(personas.manager_a)
    assert "Thank you all" in manager.get(f"{BASE}/").content.decode()

    response = officer.post(
        f"{BASE}/compliments/{compliment.pk}/change/",
        {"received": "01/05/2017", "quote": "Thank you Jayden, ring 07700 900123"},
    )
    assert response["Location"] == f"{BASE}/redaction/compliment/{compliment.pk}/"
    compliment.refresh_from_db()
    assert not compliment.is_cleared and compliment.redacted_text == ""
    assert compliment.cleared_at is None
    assert [flag[2] for flag in compliment.flags] == ["name", "telephone number"]
    for client in (manager, officer):
        for body in (
            client.get(f"{BASE}/").content.decode(),
            client.get(f"{BASE}/quotes.csv").content.decode(),
        ):
            assert "Jayden" not in body and "07700" not in body
            assert "Thank you" not in body  # neither the new words nor the old ones

    officer.post(
        f"{BASE}/redaction/compliment/{compliment.pk}/", {"action": "confirm", "keep": ["0", "1"]}
    )
    for body in (
        manager.get(f"{BASE}/").content.decode(),
        manager.get(f"{BASE}/quotes.csv").content.decode(),
    ):
        assert "Thank you XXXX, ring XXXX" in body and "Jayden" not in body


def test_the_same_quote_saved_again_stays_cleared(
    officer: Client, world: World, personas: Personas, records
) -> None:
    compliment = services.compliment_create(
        user=access.SYSTEM,
        authority=world.authority_a,
        received=date(2017, 5, 1),
        quote="Thank you all",
    )
    services.redaction_confirm(user=personas.officer_a, item=compliment)
    officer.post(
        f"{BASE}/compliments/{compliment.pk}/change/",
        {"received": "02/05/2017", "team": "West", "quote": "Thank you all"},
    )
    compliment.refresh_from_db()
    assert compliment.is_cleared and compliment.redacted_text == "Thank you all"


def test_compliment_removed_after_confirmation(officer: Client, world: World, records) -> None:
    compliment = records["compliment"]
    path = f"{BASE}/compliments/{compliment.pk}/remove/"
    page = officer.get(path).content.decode()
    assert "Remove the compliment of 1 May 2017?" in page
    assert "summary figures are worked out again" in page
    response = officer.post(path, {"reason": "Entered twice"})
    assert response["Location"] == f"{BASE}/"
    assert not Compliment.objects.filter(pk=compliment.pk).exists()
    assert derived(world, "COMPLIMENTS") == {}


# --- surveys and comments -------------------------------------------------------------------


def test_survey_and_its_questions_changed_and_summaries_derived(
    officer: Client, world: World, records
) -> None:
    survey = records["survey"]
    path = f"{BASE}/surveys/{survey.pk}/change/"
    form = officer.get(path).content.decode()
    assert 'value="Your Voice"' in form and 'value="Satisfied?"' in form
    data = survey_post(
        [("Satisfied overall?", "70", "40", "satisfied"), ("Safe?", "95", "40", "safe")],
        title="Your Voice 2017",
        conducted_on="15/01/2018",
    )
    data["questions-INITIAL_FORMS"] = "1"
    response = officer.post(path, data)
    assert response["Location"] == f"{BASE}/"
    survey.refresh_from_db()
    assert (survey.title, survey.conducted_on) == ("Your Voice 2017", date(2018, 1, 15))
    assert [(q.text, q.percent_positive) for q in survey.questions.all()] == [
        ("Satisfied overall?", Decimal(70)),
        ("Safe?", Decimal(95)),
    ]
    assert survey.comments.count() == 1  # comments stay
    assert derived(world, "VOICE-SATISFIED") == {"Q4 2017/18": Decimal(70)}
    assert derived(world, "VOICE-SAFE") == {"Q4 2017/18": Decimal(95)}


def test_a_bad_survey_change_gets_a_message_and_changes_nothing(
    officer: Client, world: World, records
) -> None:
    survey = records["survey"]
    for questions, message in (
        ([("Satisfied?", "120", "", "")], "less than or equal to 100"),
        ([], "Give at least one question"),
    ):
        response = officer.post(f"{BASE}/surveys/{survey.pk}/change/", survey_post(questions))
        assert response.status_code == 400 and message in response.content.decode()
    assert [q.text for q in survey.questions.all()] == ["Satisfied?"]
    assert derived(world, "VOICE-SATISFIED") == {"Q3 2017/18": Decimal(80)}


def test_survey_removed_with_its_questions_and_comments(
    officer: Client, world: World, records
) -> None:
    survey = records["survey"]
    path = f"{BASE}/surveys/{survey.pk}/remove/"
    page = officer.get(path).content.decode()
    assert "Remove the survey Your Voice?" in page and "its comments too" in page
    response = officer.post(path, {"reason": "Entered twice"})
    assert response["Location"] == f"{BASE}/"
    assert counts()[2:] == (0, 0, 0)
    assert derived(world, "VOICE-SATISFIED") == {}


def test_comment_removed_after_confirmation(officer: Client, records) -> None:
    comment = records["comment"]
    path = f"{BASE}/comments/{comment.pk}/remove/"
    page = officer.get(path).content.decode()
    assert "Remove a comment on Your Voice?" in page
    assert "Thanks" not in page  # not cleared: its words as written are not shown here
    response = officer.post(path, {"reason": "Entered twice"}, follow=True)
    assert "Comment removed." in response.content.decode()
    assert not SurveyComment.objects.filter(pk=comment.pk).exists()
    assert VoiceSurvey.objects.filter(pk=records["survey"].pk).exists()


# --- links, access, and what a GET does -----------------------------------------------------


def test_change_and_remove_links_name_the_record(officer: Client, personas: Personas, records):
    log = officer.get(f"{BASE}/complaints/").content.decode()
    assert 'Change<span class="govuk-visually-hidden"> complaint CMP-1</span>' in log
    assert 'Remove<span class="govuk-visually-hidden"> complaint CMP-1</span>' in log
    voice = officer.get(f"{BASE}/").content.decode()
    for path, _kind in paths(records)[2:]:
        assert f'href="{path}"' in voice, path
    assert 'Remove<span class="govuk-visually-hidden"> Your Voice</span>' in voice
    manager = Client()
    manager.force_login(personas.manager_a)
    for page in (f"{BASE}/complaints/", f"{BASE}/"):
        body = manager.get(page).content.decode()
        assert "/change/" not in body and "/remove/" not in body


def test_a_get_of_a_remove_page_removes_nothing(officer: Client, records) -> None:
    before = counts()
    for path, kind in paths(records):
        if kind == "remove":
            assert officer.get(path).status_code == 200
    assert counts() == before


@pytest.mark.parametrize("persona", ["manager_a", "officer_b", "councillor_a"])
def test_others_are_refused_and_nothing_changes(
    personas: Personas, world: World, records, persona: str
) -> None:
    client = Client()
    client.force_login(getattr(personas, persona))
    before = counts()
    figures = derived(world, "CMP-RECEIVED-1")
    for path, kind in paths(records):
        assert client.get(path).status_code == 403, path
        data = complaint_post(reference="CMP-9") if kind == "change" else {}
        assert client.post(path, data).status_code == 403, path
    assert counts() == before
    assert Complaint.objects.get().reference == "CMP-1"
    assert derived(world, "CMP-RECEIVED-1") == figures


def test_another_authoritys_record_is_not_found_under_ones_own(personas: Personas, records) -> None:
    """Authority B's officer, at B's own address, still cannot reach A's records."""
    client = Client()
    client.force_login(personas.officer_b)
    before = counts()
    for path, _kind in paths(records):
        own = path.replace("/a/authority-a/", "/a/authority-b/")
        assert client.get(own).status_code == 404, own
        assert client.post(own, {}).status_code == 404, own
    assert counts() == before


def test_the_services_refuse_another_authoritys_record(world: World, records) -> None:
    from django.core.exceptions import ValidationError

    figures = derived(world, "COMPLIMENTS")
    with pytest.raises(ValidationError):
        services.complaint_delete(
            reason="Entered twice",
            user=access.SYSTEM,
            authority=world.authority_b,
            complaint=records["complaint"],
        )
    with pytest.raises(ValidationError):
        services.compliment_update(
            user=access.SYSTEM,
            authority=world.authority_b,
            compliment=records["compliment"],
            received=date(2017, 5, 1),
        )
    with pytest.raises(ValidationError):
        services.survey_delete(
            reason="Entered twice",
            user=access.SYSTEM,
            authority=world.authority_b,
            survey=records["survey"],
        )
    with pytest.raises(ValidationError):
        services.survey_comment_delete(
            reason="Entered twice",
            user=access.SYSTEM,
            authority=world.authority_b,
            comment=records["comment"],
        )
    assert counts() == (1, 1, 1, 1, 1)
    assert derived(world, "COMPLIMENTS") == figures
