"""Every removal of a complaint, compliment, survey or comment is on the record of removals:
who, when, what (its reference, stage, dates and a survey's title, never a quote, a comment or
anything else typed about a person) and why. A removal without a reason is refused and removes
nothing. The "Removed records" page shows the record to the authority's managers and officers,
newest first, and to nobody else."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts import access
from complaints import services
from complaints.logs import ComplaintRecord
from complaints.models import Complaint, Removal, RemovalKind
from indicators.models import Area
from tests.conftest import Personas, World

pytestmark = pytest.mark.django_db

VOICE = "/a/authority-a/voice/"
REMOVED = VOICE + "removed/"
# A child's name, in every quote, comment, team and theme: it must never reach the trail.
NAME = "Jayden Okafor"


@pytest.fixture
def records(world: World) -> dict[str, Any]:
    authority = world.authority_a
    complaint = services.complaint_create(
        user=access.SYSTEM,
        authority=authority,
        reference="CMP-2017-0042",
        stage="2",
        received=date(2017, 4, 3),
        responded=date(2017, 5, 2),
        outcome="partially_upheld",
        team=NAME,
        themes=[NAME],
    )
    compliment = services.compliment_create(
        user=access.SYSTEM,
        authority=authority,
        received=date(2017, 5, 1),
        team=NAME,
        themes=[NAME],
        quote=f"{NAME}'s social worker listened",
    )
    survey = services.survey_create(
        user=access.SYSTEM,
        authority=authority,
        title="Your Voice",
        audience="children_in_care",
        conducted_on=date(2017, 11, 30),
        questions=[
            services.QuestionInput(f"Does {NAME} feel safe?", Decimal(90), 40, "safe"),
            services.QuestionInput("Satisfied?", Decimal(80), 40, "satisfied"),
        ],
    )
    comment = services.survey_comment_add(
        user=access.SYSTEM, survey=survey, text=f"{NAME} wants more activities"
    )
    return {"complaint": complaint, "compliment": compliment, "survey": survey, "comment": comment}


def _today() -> str:
    return f"{timezone.localdate():%-d %B %Y}"


Remove = Callable[[Any, dict[str, Any], Area, str], object]
# (kind, the removal with a reason, the record that goes, the summary on the trail)
REMOVALS: list[tuple[RemovalKind, Remove, str, Callable[[], str]]] = [
    (
        RemovalKind.COMPLAINT,
        lambda user, r, a, why: services.complaint_delete(
            user=user, authority=a, complaint=r["complaint"], reason=why
        ),
        "complaint",
        lambda: (
            "Complaint CMP-2017-0042, Stage 2 (investigation), received 3 April 2017, answered "
            "2 May 2017: partially upheld"
        ),
    ),
    (
        RemovalKind.COMPLIMENT,
        lambda user, r, a, why: services.compliment_delete(
            user=user, authority=a, compliment=r["compliment"], reason=why
        ),
        "compliment",
        lambda: "Compliment received 1 May 2017, with a quote",
    ),
    (
        RemovalKind.SURVEY,
        lambda user, r, a, why: services.survey_delete(
            user=user, authority=a, survey=r["survey"], reason=why
        ),
        "survey",
        lambda: (
            "Survey “Your Voice” of children in care, closed 30 November 2017, with its 2 "
            "questions and 1 comment"
        ),
    ),
    (
        RemovalKind.COMMENT,
        lambda user, r, a, why: services.survey_comment_delete(
            user=user, authority=a, comment=r["comment"], reason=why
        ),
        "comment",
        lambda: f"Survey comment on “Your Voice” (closed 30 November 2017), entered {_today()}",
    ),
]


def _stored() -> dict[str, list[dict[str, Any]]]:
    models = apps.get_app_config("complaints").get_models(include_auto_created=True)
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize(
    ("kind", "remove", "record", "summary"), REMOVALS, ids=[r[0].value for r in REMOVALS]
)
def test_a_removal_records_who_when_what_and_why(
    world: World, personas: Personas, records, kind, remove, record, summary
) -> None:
    removed = records[record]
    started = timezone.now()
    remove(personas.officer_a, records, world.authority_a, "  Entered for the wrong family  ")

    assert not type(removed).objects.filter(pk=removed.pk).exists()
    entry = Removal.objects.get()
    assert entry.authority == world.authority_a
    assert entry.removed_by == personas.officer_a
    assert entry.removed_by_name == str(personas.officer_a)
    assert started <= entry.removed_at <= timezone.now()
    assert entry.kind == kind
    assert entry.summary == summary()
    assert "Jayden" not in entry.summary and "Okafor" not in entry.summary
    assert entry.reason == "Entered for the wrong family"


@pytest.mark.parametrize(
    ("kind", "remove", "record", "summary"), REMOVALS, ids=[r[0].value for r in REMOVALS]
)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_removal_without_a_reason_is_refused_and_removes_nothing(
    world: World, personas: Personas, records, kind, remove, record, summary, reason
) -> None:
    before = _stored()
    with pytest.raises(ValidationError) as refusal:
        remove(personas.officer_a, records, world.authority_a, reason)
    assert "Say why you are removing it" in refusal.value.message_dict["reason"][0]
    assert _stored() == before


def _log_ids(user: Any, authority: Area) -> list[int]:
    return services.complaint_log_commit(
        user=user,
        authority=authority,
        records=[
            ComplaintRecord("CMP-9001", "1", date(2017, 7, 3), None, "", False, NAME, (NAME,)),
            ComplaintRecord("CMP-9002", "1", date(2017, 8, 14), None, "", False, "", ()),
            ComplaintRecord("CMP-9003", "2", date(2017, 9, 1), None, "", False, "", ()),
        ],
    )


def test_a_rolled_back_log_is_one_entry_for_the_batch(world: World, personas: Personas) -> None:
    ids = _log_ids(personas.officer_a, world.authority_a)
    started = timezone.now()
    services.complaint_log_rollback(
        user=personas.officer_a,
        authority=world.authority_a,
        complaint_ids=ids,
        file_name="complaints-q2.xlsx",
    )
    assert not Complaint.objects.filter(pk__in=ids).exists()
    entry = Removal.objects.get()
    assert entry.kind == RemovalKind.COMPLAINTS_LOG
    assert entry.removed_by == personas.officer_a
    assert started <= entry.removed_at <= timezone.now()
    assert entry.summary == (
        "3 complaints imported from a complaints log (complaints-q2.xlsx), received 3 July 2017 "
        "to 1 September 2017"
    )
    assert "Jayden" not in entry.summary
    assert entry.reason == "The import that added them was rolled back."


def test_a_rollback_with_a_blank_reason_is_refused(world: World, personas: Personas) -> None:
    ids = _log_ids(personas.officer_a, world.authority_a)
    with pytest.raises(ValidationError):
        services.complaint_log_rollback(
            user=personas.officer_a, authority=world.authority_a, complaint_ids=ids, reason=""
        )
    assert Complaint.objects.filter(pk__in=ids).count() == 3
    assert not Removal.objects.exists()


def test_a_removal_by_the_application_itself_says_so(world: World, records) -> None:
    services.compliment_delete(
        user=access.SYSTEM,
        authority=world.authority_a,
        compliment=records["compliment"],
        reason="Tidy",
    )
    entry = Removal.objects.get()
    assert entry.removed_by is None and entry.removed_by_label == "The system"


# --- through the pages -----------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_confirmation_page_asks_why_and_refuses_a_blank_reason(
    personas: Personas, records
) -> None:
    officer = _client(personas.officer_a)
    path = VOICE + f"complaints/{records['complaint'].pk}/remove/"
    page = officer.get(path).content.decode()
    assert 'for="id_reason">Why are you removing it?</label>' in page

    refused = officer.post(path, {"reason": ""})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "<title>Error: " in body
    assert '<a href="#id_reason">Say why you are removing it</a>' in body
    assert "govuk-textarea--error" in body
    assert Complaint.objects.filter(pk=records["complaint"].pk).exists()
    assert not Removal.objects.exists()

    removed = officer.post(path, {"reason": "A duplicate of CMP-2017-0041"}, follow=True)
    assert "Complaint CMP-2017-0042 removed" in removed.content.decode()
    assert Removal.objects.get().reason == "A duplicate of CMP-2017-0041"


def test_managers_and_officers_read_the_record_newest_first(
    world: World, personas: Personas, records
) -> None:
    services.complaint_delete(
        user=personas.officer_a,
        authority=world.authority_a,
        complaint=records["complaint"],
        reason="A duplicate",
    )
    services.survey_delete(
        user=personas.admin,
        authority=world.authority_a,
        survey=records["survey"],
        reason="Authority B's survey",
    )
    Removal.objects.filter(kind=RemovalKind.COMPLAINT).update(
        removed_at=timezone.now() - timedelta(days=1)
    )
    for who in ("manager_a", "officer_a", "admin"):
        response = _client(getattr(personas, who)).get(REMOVED)
        assert response.status_code == 200, who
        body = response.content.decode()
        newer = body.index("Survey “Your Voice” of children in care")
        older = body.index("Complaint CMP-2017-0042, Stage 2 (investigation)")
        assert newer < older, who
        assert "Authority B&#x27;s survey" in body and "A duplicate" in body
        assert escape(str(personas.officer_a)) in body and escape(str(personas.admin)) in body
        assert "Jayden" not in body


def test_the_voice_page_links_to_the_record_for_its_readers(personas: Personas, records) -> None:
    for who in ("manager_a", "officer_a"):
        body = _client(getattr(personas, who)).get(VOICE).content.decode()
        assert f'href="{REMOVED}">Removed records' in body, who


@pytest.mark.parametrize("who", ["councillor_a", "officer_b"])
def test_councillors_and_other_authorities_are_refused_the_record(
    world: World, personas: Personas, records, who: str
) -> None:
    services.complaint_delete(
        user=personas.officer_a,
        authority=world.authority_a,
        complaint=records["complaint"],
        reason="A duplicate",
    )
    response = _client(getattr(personas, who)).get(REMOVED)
    assert response.status_code == 403
    body = response.content.decode()
    assert "A duplicate" not in body and "CMP-2017-0042" not in body
    own = _client(personas.officer_b).get("/a/authority-b/voice/removed/").content.decode()
    assert 'data-testid="no-removals"' in own and "CMP-2017-0042" not in own
