"""The add forms through their pages: good input is stored and the quarter summaries derived;
bad input gets a message on the form and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from complaints.models import (
    Complaint,
    Compliment,
    RedactionState,
    SurveyComment,
    SurveyQuestion,
    VoiceSurvey,
)
from indicators.models import Figure, FigureSource
from tests.conftest import Personas, World

from .factories import ComplaintFactory, VoiceSurveyFactory

pytestmark = pytest.mark.django_db

BASE = "/a/authority-a/voice"


@pytest.fixture
def catalogue(loaded_measures) -> None:
    """The shipped catalogue, as `catalogue_load()` leaves it (see tests/conftest.py)."""


@pytest.fixture
def officer(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.officer_a)
    return client


def derived(world: World, code: str) -> dict[str, Decimal | None]:
    return {
        f.period.short_label: f.value
        for f in Figure.objects.filter(
            area=world.authority_a, indicator__code=code, source=FigureSource.RECORDS
        ).select_related("period")
    }


def complaint_post(**extra: str) -> dict[str, str]:
    return {
        "reference": "CMP-2017-0042",
        "stage": "1",
        "received": "03/04/2017",
        "responded": "",
        "outcome": "",
        "team": "North",
        "themes": "Communication; Delay",
        **extra,
    }


def test_complaint_added_and_summaries_derived(officer: Client, world: World, catalogue) -> None:
    response = officer.post(
        f"{BASE}/complaints/add/",
        complaint_post(responded="10/04/2017", outcome="upheld"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{BASE}/complaints/"
    assert "Complaint CMP-2017-0042 added." in response.content.decode()
    complaint = Complaint.objects.get(authority=world.authority_a)
    assert (complaint.reference, complaint.stage, complaint.team) == ("CMP-2017-0042", "1", "North")
    assert complaint.themes == ["Communication", "Delay"]
    assert complaint.received == date(2017, 4, 3) and complaint.responded == date(2017, 4, 10)
    assert complaint.working_days == 5 and complaint.within_timescale is True
    assert derived(world, "CMP-RECEIVED-1")["Q1 2017/18"] == 1
    assert derived(world, "CMP-UPHELD")["Q1 2017/18"] == 100


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"reference": "Jayden Smith"}, "never a name"),
        ({"responded": "01/04/2017", "outcome": "upheld"}, "before the complaint was received"),
        ({"stage": "9"}, "Select a valid choice"),
        ({"outcome": "upheld"}, "Give the date of the response"),
        ({"received": "31/02/2017"}, "Enter a valid date"),
    ],
)
def test_a_bad_complaint_gets_a_message_and_writes_nothing(
    officer: Client, world: World, catalogue, extra: dict[str, str], message: str
) -> None:
    response = officer.post(f"{BASE}/complaints/add/", complaint_post(**extra))
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and message in body
    assert not Complaint.objects.exists()
    assert not Figure.objects.filter(source=FigureSource.RECORDS).exists()


def test_a_name_as_reference_is_refused_in_words(officer: Client, world: World) -> None:
    for reference in ("Jayden Smith", "CMP-JAYDEN-1"):
        response = officer.post(f"{BASE}/complaints/add/", complaint_post(reference=reference))
        assert response.status_code == 400
        assert "never a name" in response.content.decode() or "holds a name" in (
            response.content.decode()
        )
    assert not Complaint.objects.exists()


def test_response_recorded_and_summaries_derived(officer: Client, world: World, catalogue) -> None:
    complaint = ComplaintFactory(authority=world.authority_a, reference="CMP-1")
    path = f"{BASE}/complaints/{complaint.pk}/respond/"
    response = officer.post(path, {"responded": "24/04/2017", "outcome": "not_upheld"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.outcome == "not_upheld" and complaint.within_timescale is False
    assert derived(world, "CMP-CONCLUDED")["Q1 2017/18"] == 1
    assert derived(world, "CMP-UPHELD")["Q1 2017/18"] == 0


def test_a_response_before_receipt_gets_a_message_and_writes_nothing(
    officer: Client, world: World, catalogue
) -> None:
    complaint = ComplaintFactory(authority=world.authority_a, reference="CMP-1")
    path = f"{BASE}/complaints/{complaint.pk}/respond/"
    for data, message in (
        ({"responded": "01/04/2017", "outcome": "upheld"}, "before the complaint was received"),
        ({"responded": "24/04/2017", "outcome": "maybe"}, "Select a valid choice"),
        ({"responded": "", "outcome": "upheld"}, "This field is required"),
    ):
        response = officer.post(path, data)
        assert response.status_code == 400 and message in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.responded is None and complaint.outcome == ""
    assert not Figure.objects.filter(source=FigureSource.RECORDS).exists()


def test_compliment_added_without_a_quote_is_cleared_and_counted(
    officer: Client, world: World, catalogue
) -> None:
    response = officer.post(
        f"{BASE}/compliments/add/", {"received": "01/05/2017", "team": "South", "themes": "Kind"}
    )
    assert response["Location"] == f"{BASE}/"
    compliment = Compliment.objects.get()
    assert compliment.is_cleared and compliment.themes == ["Kind"]
    assert derived(world, "COMPLIMENTS")["Q1 2017/18"] == 1


def test_compliment_with_a_quote_goes_to_review(officer: Client, world: World, catalogue) -> None:
    response = officer.post(
        f"{BASE}/compliments/add/", {"received": "01/05/2017", "quote": "Thanks Jayden"}
    )
    compliment = Compliment.objects.get()
    assert response["Location"] == f"{BASE}/redaction/compliment/{compliment.pk}/"
    assert compliment.redaction_state == RedactionState.FLAGGED and compliment.flags


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"received": "31/02/2017"}, "Enter a valid date"),
        ({"received": "01/01/2099"}, "cannot be in the future"),
        ({"received": ""}, "This field is required"),
    ],
)
def test_a_bad_compliment_gets_a_message_and_writes_nothing(
    officer: Client, world: World, catalogue, data: dict[str, str], message: str
) -> None:
    response = officer.post(f"{BASE}/compliments/add/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Compliment.objects.exists()
    assert not Figure.objects.filter(source=FigureSource.RECORDS).exists()


def survey_post(questions: list[tuple[str, str, str, str]], **extra: str) -> dict[str, str]:
    data = {
        "title": "Your Voice",
        "audience": "children",
        "conducted_on": "30/11/2017",
        "questions-TOTAL_FORMS": "5",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "20",
        **extra,
    }
    for index, (text, percent, respondents, measure) in enumerate(questions):
        data |= {
            f"questions-{index}-text": text,
            f"questions-{index}-percent_positive": percent,
            f"questions-{index}-respondents": respondents,
            f"questions-{index}-measure": measure,
        }
    return data


def test_survey_with_questions_added_and_summaries_derived(
    officer: Client, world: World, catalogue
) -> None:
    response = officer.post(
        f"{BASE}/surveys/add/",
        survey_post([("Satisfied?", "80", "50", "satisfied"), ("Safe?", "90", "", "safe")]),
    )
    assert response.status_code == 302
    survey = VoiceSurvey.objects.get()
    assert [(q.text, q.percent_positive, q.respondents) for q in survey.questions.all()] == [
        ("Satisfied?", Decimal(80), 50),
        ("Safe?", Decimal(90), None),
    ]
    assert derived(world, "VOICE-SATISFIED") == {"Q3 2017/18": Decimal(80)}
    assert derived(world, "VOICE-SAFE") == {"Q3 2017/18": Decimal(90)}


@pytest.mark.parametrize(
    ("questions", "extra", "message"),
    [
        ([("Satisfied?", "120", "", "")], {}, "less than or equal to 100"),
        ([("Satisfied?", "", "", "")], {}, "Give the % positive"),
        ([("", "80", "", "")], {}, "Give the question this % answers"),
        ([], {}, "Give at least one question"),
        ([("Satisfied?", "80", "", "")], {"audience": "martians"}, "Select a valid choice"),
        ([("Satisfied?", "80", "", "")], {"conducted_on": "01/01/2099"}, "cannot be in the"),
    ],
)
def test_a_bad_survey_gets_a_message_and_writes_nothing(
    officer: Client, world: World, catalogue, questions, extra, message: str
) -> None:
    response = officer.post(f"{BASE}/surveys/add/", survey_post(questions, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VoiceSurvey.objects.exists() and not SurveyQuestion.objects.exists()
    assert not Figure.objects.filter(source=FigureSource.RECORDS).exists()


def test_comment_added_and_sent_for_review(officer: Client, world: World) -> None:
    survey = VoiceSurveyFactory(authority=world.authority_a)
    response = officer.post(
        f"{BASE}/comments/add/", {"survey": str(survey.pk), "text": "Ask Jayden first"}
    )
    comment = SurveyComment.objects.get()
    assert response["Location"] == f"{BASE}/redaction/comment/{comment.pk}/"
    assert comment.survey == survey and not comment.is_cleared


def test_a_bad_comment_gets_a_message_and_writes_nothing(officer: Client, world: World) -> None:
    survey = VoiceSurveyFactory(authority=world.authority_a)
    other = VoiceSurveyFactory(authority=world.authority_b)
    for data, message in (
        ({"survey": str(survey.pk), "text": ""}, "This field is required"),
        ({"survey": "", "text": "Hello"}, "This field is required"),
        # Another authority's survey is not among the choices.
        ({"survey": str(other.pk), "text": "Hello"}, "Select a valid choice"),
    ):
        response = officer.post(f"{BASE}/comments/add/", data)
        assert response.status_code == 400 and message in response.content.decode()
    assert not SurveyComment.objects.exists()
