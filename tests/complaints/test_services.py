"""Services: derived figures written, updated and removed; the redaction flow; the log import
contract; access to the records."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from accounts import access
from complaints import selectors, services
from complaints.logs import parse_complaints_log
from complaints.models import Complaint, Compliment, RedactionState
from indicators.models import Figure, FigureSource
from tests.conftest import Personas, World

from .factories import SurveyCommentFactory, VoiceSurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(loaded_measures) -> None:
    """The shipped catalogue, as `catalogue_load()` leaves it (see tests/conftest.py)."""


def _figures(world: World, code: str) -> dict[str, Decimal | None]:
    return {
        f.period.short_label: f.value
        for f in Figure.objects.filter(
            area=world.authority_a, indicator__code=code, source=FigureSource.RECORDS
        ).select_related("period")
    }


def _complaint(world: World, reference: str, **extra) -> Complaint:
    values = {"stage": "1", "received": date(2017, 4, 3), **extra}
    return services.complaint_create(
        user=access.SYSTEM, authority=world.authority_a, reference=reference, **values
    )


def test_complaints_become_derived_figures_updated_and_removed(world: World, catalogue) -> None:
    first = _complaint(world, "CMP-1")
    assert first.working_days is None and first.within_timescale is None
    assert len(_figures(world, "CMP-RECEIVED-1")) == 4  # every quarter of 2017/18
    assert sum(_figures(world, "CMP-RECEIVED-1").values()) == 1
    assert _figures(world, "CMP-UPHELD") == {}

    services.complaint_respond(
        user=access.SYSTEM, complaint=first, responded=date(2017, 4, 24), outcome="upheld"
    )
    first.refresh_from_db()
    assert first.working_days == 13 and first.within_timescale is False  # Easter Monday 2017
    _complaint(
        world, "CMP-2", received=date(2017, 4, 4), responded=date(2017, 4, 10), outcome="not_upheld"
    )
    upheld = Figure.objects.get(
        area=world.authority_a, indicator__code="CMP-UPHELD", period__start=date(2017, 4, 1)
    )
    assert (upheld.numerator, upheld.denominator, upheld.value) == (1, 2, 50)
    assert upheld.status == "approved" and upheld.changes.first().channel == "derived"
    timely = Figure.objects.get(
        area=world.authority_a, indicator__code="CMP-TIMELY", period__start=date(2017, 4, 1)
    )
    assert timely.value == 50

    services.complaint_log_rollback(
        user=access.SYSTEM,
        authority=world.authority_a,
        complaint_ids=list(Complaint.objects.values_list("pk", flat=True)),
    )
    assert _figures(world, "CMP-RECEIVED-1") == {} and _figures(world, "CMP-UPHELD") == {}


def test_bad_complaints_are_refused_and_write_nothing(world: World, catalogue) -> None:
    for reference, extra in (
        ("Jayden Smith", {}),
        ("CMP-9", {"responded": date(2017, 4, 1), "outcome": "upheld"}),
        ("CMP-9", {"outcome": "upheld"}),
        ("CMP-9", {"received": date(2099, 1, 1)}),
    ):
        with pytest.raises(ValidationError):
            _complaint(world, reference, **extra)
    assert not Complaint.objects.exists() and not Figure.objects.filter(source="records").exists()


def test_log_import_commit_and_a_bad_log_writes_nothing(world: World, catalogue) -> None:
    rows = [
        {
            "reference": "CMP-1",
            "stage": "1",
            "received": "03/04/2017",
            "responded": "10/04/2017",
            "outcome": "upheld",
            "team": "North",
        },
        {"reference": "CMP-2", "stage": "2", "received": "03/07/2017", "team": "North"},
    ]
    parsed = parse_complaints_log(rows)
    assert not parsed.has_errors
    with transaction.atomic():
        ids = services.complaint_log_commit(
            user=access.SYSTEM, authority=world.authority_a, records=parsed.records
        )
    assert Complaint.objects.filter(pk__in=ids).count() == 2
    assert _figures(world, "CMP-CONCLUDED")["Q1 2017/18"] == 1

    bad = parse_complaints_log(
        [*rows, {"reference": "CMP-3", "stage": "9", "received": "x"}],
        existing_references=["CMP-1", "CMP-2"],
    )
    assert bad.has_errors  # the batch is refused: nothing reaches complaint_log_commit
    # Even a record that slipped through is refused inside the transaction, leaving nothing.
    with pytest.raises(ValidationError), transaction.atomic():
        services.complaint_log_commit(
            user=access.SYSTEM, authority=world.authority_a, records=parsed.records
        )
    assert Complaint.objects.count() == 2


def test_compliments_and_surveys_become_figures(world: World, catalogue) -> None:
    services.compliment_create(
        user=access.SYSTEM, authority=world.authority_a, received=date(2017, 5, 1)
    )
    assert _figures(world, "COMPLIMENTS")["Q1 2017/18"] == 1
    services.survey_create(
        user=access.SYSTEM,
        authority=world.authority_a,
        title="Your Voice",
        audience="children",
        conducted_on=date(2017, 11, 30),
        questions=[
            services.QuestionInput("Satisfied?", Decimal(80), 50, "satisfied"),
            services.QuestionInput("Safe?", Decimal(90), 50, "safe"),
        ],
    )
    assert _figures(world, "VOICE-SATISFIED") == {"Q3 2017/18": Decimal(80)}
    assert _figures(world, "VOICE-SAFE") == {"Q3 2017/18": Decimal(90)}
    assert _figures(world, "VOICE-POSITIVE") == {"Q3 2017/18": Decimal(85)}


def test_redaction_flow_only_cleared_text_reaches_pages_and_exports(
    world: World, personas: Personas, catalogue
) -> None:
    compliment = services.compliment_create(
        user=access.SYSTEM,
        authority=world.authority_a,
        received=date(2017, 5, 1),
        quote="Thank you Jayden, and jaxon too, ring 07700 900123",
    )
    assert compliment.redaction_state == RedactionState.FLAGGED
    assert [f[2] for f in compliment.flags] == ["name", "telephone number"]
    client = Client()
    client.force_login(personas.manager_a)
    page = client.get("/a/authority-a/voice/").content.decode()
    csv = client.get("/a/authority-a/voice/quotes.csv").content.decode()
    for body in (page, csv):
        assert "Jayden" not in body and "Thank you" not in body
    assert selectors.cleared_quotes(personas.manager_a, world.authority_a) == []

    # A manager cannot open the review page; the authority's officer can, and sees the words.
    assert (
        client.get(f"/a/authority-a/voice/redaction/compliment/{compliment.pk}/").status_code == 403
    )
    client.force_login(personas.officer_a)
    review = f"/a/authority-a/voice/redaction/compliment/{compliment.pk}/"
    assert "Thank you Jayden" in client.get(review).content.decode()
    response = client.post(review, {"action": "add", "words": "jaxon"})
    assert response.status_code == 302
    response = client.post(review, {"action": "add", "words": "nobody"})
    assert response.status_code == 400 and "does not appear" in response.content.decode()
    compliment.refresh_from_db()
    assert len(compliment.flags) == 3
    client.post(review, {"action": "confirm", "keep": ["0", "1", "2"]})
    compliment.refresh_from_db()
    assert compliment.is_cleared
    assert compliment.redacted_text == "Thank you XXXX, and XXXX too, ring XXXX"

    client.force_login(personas.manager_a)
    page = client.get("/a/authority-a/voice/").content.decode()
    csv = client.get("/a/authority-a/voice/quotes.csv").content.decode()
    for body in (page, csv):
        assert "Thank you XXXX, and XXXX too" in body
        assert "Jayden" not in body and "jaxon" not in body and "07700" not in body


def test_a_false_flag_can_be_removed_and_cleared_text_cannot_change(
    world: World, personas: Personas
) -> None:
    comment = SurveyCommentFactory(
        survey=VoiceSurveyFactory(authority=world.authority_a), text="Hope it helps, Zed"
    )
    services.redaction_flag_add(user=access.SYSTEM, item=comment, words="Zed")
    comment.refresh_from_db()
    assert comment.flags
    services.redaction_confirm(user=personas.officer_a, item=comment, keep=[])
    comment.refresh_from_db()
    assert comment.redacted_text == "Hope it helps, Zed"
    with pytest.raises(ValidationError):
        services.redaction_confirm(user=personas.officer_a, item=comment)


def test_councillors_and_other_authorities_never_see_the_records(
    world: World, personas: Personas
) -> None:
    compliment = Compliment.objects.create(
        authority=world.authority_a, received=date(2017, 5, 1), text="Thanks Jayden"
    )
    for persona in ("councillor_a", "officer_b"):
        client = Client()
        client.force_login(getattr(personas, persona))
        for path in (
            "/a/authority-a/voice/",
            "/a/authority-a/voice/complaints/",
            f"/a/authority-a/voice/redaction/compliment/{compliment.pk}/",
        ):
            assert client.get(path).status_code == 403, (persona, path)
    client = Client()
    client.force_login(personas.officer_b)
    assert (
        client.get(f"/a/authority-b/voice/redaction/compliment/{compliment.pk}/").status_code == 404
    )
