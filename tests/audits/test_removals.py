"""Every removal of a quality assurance record is on the record of removals: who, when, what
(a summary built from codes, dates, judgements and titles, never from what a record said about
anyone) and why. A removal without a reason is refused and removes nothing. The "Removed
records" page shows the record to the authority's managers and officers, newest first, and to
nobody else."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts import access
from audits import services
from audits.logs import AuditRecord
from audits.models import (
    Action,
    CaseAudit,
    Finding,
    Inspection,
    PracticeObservation,
    PracticeWeek,
    Removal,
    RemovalKind,
)
from indicators.models import Area
from tests.audits.factories import QualityWorld, quality_world
from tests.conftest import Personas, World

pytestmark = pytest.mark.django_db

QUALITY = "/a/authority-a/quality/"
REMOVED = QUALITY + "removed/"
# A child's name, written where people write free text: it must never reach the trail.
NAME = "Jayden Okafor"


@pytest.fixture
def quality(world: World) -> QualityWorld:
    """Authority A's records, with the child's name in every free-text field they have."""
    q = quality_world(world.authority_a)
    CaseAudit.objects.filter(pk=q.audit.pk).update(auditor=NAME, moderator=NAME)
    Finding.objects.filter(pk=q.finding.pk).update(text=f"{NAME}'s plan is clear")
    PracticeObservation.objects.filter(pk=q.observation.pk).update(
        setting=f"Home visit to {NAME}", observed_by=NAME, went_well=NAME, to_improve=NAME
    )
    PracticeWeek.objects.filter(pk=q.practice_week.pk).update(
        focus=NAME, headline_findings=NAME, quick_wins=NAME
    )
    Inspection.objects.filter(pk=q.inspection.pk).update(focus=NAME, headlines=NAME)
    Action.objects.filter(pk=q.action.pk).update(text=f"Call {NAME}'s school", owner=NAME)
    return quality_world(world.authority_a)  # read again, names and all


def _log_ids(user: Any, authority: Area) -> list[int]:
    """Two audits imported from a log, as the import batch writes them."""
    return services.audit_log_commit(
        user=user,
        authority=authority,
        records=[
            AuditRecord(2, "CIN-0100", date(2017, 6, 2), "good", auditor=NAME),
            AuditRecord(3, "CIN-0101", date(2017, 6, 9), "inadequate", auditor=NAME),
        ],
    )


Remove = Callable[[Any, QualityWorld, Area, str], object]
# (kind, the removal with a reason, the record that goes, the summary on the trail)
REMOVALS: list[tuple[RemovalKind, Remove, Callable[[QualityWorld], Any], str]] = [
    (
        RemovalKind.CASE_AUDIT,
        lambda user, q, a, why: services.case_audit_delete(
            user=user, authority=a, audit=q.audit, reason=why
        ),
        lambda q: q.audit,
        "Case audit CIN-0042, judged good, audited 3 May 2017, with its 1 finding",
    ),
    (
        RemovalKind.FINDING,
        lambda user, q, a, why: services.finding_delete(
            user=user, authority=a, finding=q.finding, reason=why
        ),
        lambda q: q.finding,
        "Finding (strength) recorded 3 May 2017, from case audit CIN-0042",
    ),
    (
        RemovalKind.OBSERVATION,
        lambda user, q, a, why: services.observation_delete(
            user=user, authority=a, observation=q.observation, reason=why
        ),
        lambda q: q.observation,
        "Practice observation of 1 June 2017",
    ),
    (
        RemovalKind.PRACTICE_WEEK,
        lambda user, q, a, why: services.practice_week_delete(
            user=user, authority=a, week=q.practice_week, reason=why
        ),
        lambda q: q.practice_week,
        "Practice week “Practice week”, 5 June 2017 to 9 June 2017",
    ),
    (
        RemovalKind.INSPECTION,
        lambda user, q, a, why: services.inspection_delete(
            user=user, authority=a, inspection=q.inspection, reason=why
        ),
        lambda q: q.inspection,
        "Ofsted monitoring visit of 1 May 2017, no overall judgement",
    ),
    (
        RemovalKind.ACTION,
        lambda user, q, a, why: services.action_delete(
            user=user, authority=a, action=q.action, reason=why
        ),
        lambda q: q.action,
        "Action of the priority “Workforce” in the plan “Improvement plan”, rated amber",
    ),
]


def _stored() -> dict[str, list[dict[str, Any]]]:
    models = apps.get_app_config("audits").get_models(include_auto_created=True)
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize(
    ("kind", "remove", "record", "summary"), REMOVALS, ids=[r[0].value for r in REMOVALS]
)
def test_a_removal_records_who_when_what_and_why(
    world: World, personas: Personas, quality: QualityWorld, kind, remove, record, summary
) -> None:
    removed = record(quality)
    started = timezone.now()
    remove(personas.officer_a, quality, world.authority_a, "  Entered for the wrong case  ")

    assert not type(removed).objects.filter(pk=removed.pk).exists()
    entry = Removal.objects.get()
    assert entry.authority == world.authority_a
    assert entry.removed_by == personas.officer_a
    assert entry.removed_by_name == str(personas.officer_a)
    assert started <= entry.removed_at <= timezone.now()
    assert entry.kind == kind
    assert entry.summary == summary
    assert "Jayden" not in entry.summary and "Okafor" not in entry.summary
    assert entry.reason == "Entered for the wrong case"


@pytest.mark.parametrize(
    ("kind", "remove", "record", "summary"), REMOVALS, ids=[r[0].value for r in REMOVALS]
)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_removal_without_a_reason_is_refused_and_removes_nothing(
    world: World, personas: Personas, quality: QualityWorld, kind, remove, record, summary, reason
) -> None:
    before = _stored()
    with pytest.raises(ValidationError) as refusal:
        remove(personas.officer_a, quality, world.authority_a, reason)
    assert "Say why you are removing it" in refusal.value.message_dict["reason"][0]
    assert _stored() == before


def test_a_rolled_back_log_is_one_entry_for_the_batch(world: World, personas: Personas) -> None:
    ids = _log_ids(personas.officer_a, world.authority_a)
    started = timezone.now()
    services.audit_log_rollback(
        user=personas.officer_a,
        authority=world.authority_a,
        audit_ids=ids,
        file_name="audits-june.csv",
    )
    assert not CaseAudit.objects.filter(pk__in=ids).exists()
    entry = Removal.objects.get()
    assert entry.kind == RemovalKind.AUDIT_LOG
    assert entry.removed_by == personas.officer_a
    assert started <= entry.removed_at <= timezone.now()
    assert entry.summary == (
        "2 case audits imported from a case audit results log (audits-june.csv), audited "
        "2 June 2017 to 9 June 2017"
    )
    assert NAME not in entry.summary
    assert entry.reason == "The import that added them was rolled back."


def test_a_rolled_back_log_with_nothing_left_leaves_no_entry(
    world: World, personas: Personas
) -> None:
    ids = _log_ids(personas.officer_a, world.authority_a)
    CaseAudit.objects.filter(pk__in=ids).delete()
    services.audit_log_rollback(user=personas.officer_a, authority=world.authority_a, audit_ids=ids)
    assert not Removal.objects.exists()


def test_a_rollback_with_a_blank_reason_is_refused(world: World, personas: Personas) -> None:
    ids = _log_ids(personas.officer_a, world.authority_a)
    with pytest.raises(ValidationError):
        services.audit_log_rollback(
            user=personas.officer_a, authority=world.authority_a, audit_ids=ids, reason=" "
        )
    assert CaseAudit.objects.filter(pk__in=ids).count() == 2
    assert not Removal.objects.exists()


def test_a_removal_by_the_application_itself_says_so(world: World, quality: QualityWorld) -> None:
    services.finding_delete(
        user=access.SYSTEM, authority=world.authority_a, finding=quality.finding, reason="Tidy"
    )
    entry = Removal.objects.get()
    assert entry.removed_by is None and entry.removed_by_label == "The system"


def test_the_trail_keeps_the_name_of_a_person_whose_account_goes(
    world: World, personas: Personas, quality: QualityWorld
) -> None:
    services.finding_delete(
        user=personas.officer_a, authority=world.authority_a, finding=quality.finding, reason="x"
    )
    name = str(personas.officer_a)
    personas.officer_a.delete()
    entry = Removal.objects.get()
    assert entry.removed_by is None and entry.removed_by_label == name


# --- through the pages -----------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_confirmation_page_asks_why_and_refuses_a_blank_reason(
    personas: Personas, quality: QualityWorld
) -> None:
    officer = _client(personas.officer_a)
    path = QUALITY + f"audits/{quality.audit.pk}/remove/"
    page = officer.get(path).content.decode()
    assert '<label class="govuk-label govuk-label--s" for="id_reason">' in page
    assert "Why are you removing it?" in page

    refused = officer.post(path, {"reason": "  "})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "<title>Error: " in body
    assert 'class="govuk-error-summary"' in body
    assert '<a href="#id_reason">Say why you are removing it</a>' in body
    assert "govuk-textarea--error" in body
    assert CaseAudit.objects.filter(pk=quality.audit.pk).exists()
    assert not Removal.objects.exists()

    removed = officer.post(path, {"reason": "Audited the wrong case"}, follow=True)
    assert "Removed the case audit CIN-0042" in removed.content.decode()
    assert Removal.objects.get().reason == "Audited the wrong case"


def test_managers_and_officers_read_the_record_newest_first(
    world: World, personas: Personas, quality: QualityWorld
) -> None:
    services.finding_delete(
        user=personas.officer_a,
        authority=world.authority_a,
        finding=quality.finding,
        reason="Entered twice",
    )
    services.inspection_delete(
        user=personas.admin,
        authority=world.authority_a,
        inspection=quality.inspection,
        reason="It was authority B's visit",
    )
    Removal.objects.filter(kind=RemovalKind.FINDING).update(
        removed_at=timezone.now() - timedelta(days=1)
    )
    for who in ("manager_a", "officer_a", "admin"):
        response = _client(getattr(personas, who)).get(REMOVED)
        assert response.status_code == 200, who
        body = response.content.decode()
        assert '<h1 class="govuk-heading-l">Removed records</h1>' in body
        newer = body.index("Ofsted monitoring visit of 1 May 2017, no overall judgement")
        older = body.index("Finding (strength) recorded 3 May 2017, from case audit CIN-0042")
        assert newer < older, who
        assert "It was authority B&#x27;s visit" in body and "Entered twice" in body
        assert escape(str(personas.officer_a)) in body and escape(str(personas.admin)) in body
        assert "Jayden" not in body


def test_the_quality_page_links_to_the_record_for_its_readers(personas: Personas, quality) -> None:
    for who in ("manager_a", "officer_a"):
        body = _client(getattr(personas, who)).get(QUALITY).content.decode()
        assert f'href="{REMOVED}">Removed records</a>' in body, who


@pytest.mark.parametrize("who", ["councillor_a", "officer_b"])
def test_councillors_and_other_authorities_are_refused_the_record(
    world: World, personas: Personas, quality: QualityWorld, who: str
) -> None:
    services.finding_delete(
        user=personas.officer_a,
        authority=world.authority_a,
        finding=quality.finding,
        reason="Entered twice",
    )
    response = _client(getattr(personas, who)).get(REMOVED)
    assert response.status_code == 403
    assert "Entered twice" not in response.content.decode()
    assert "CIN-0042" not in response.content.decode()


def test_another_authoritys_record_shows_none_of_this_ones_removals(
    world: World, personas: Personas, quality: QualityWorld
) -> None:
    services.finding_delete(
        user=personas.officer_a,
        authority=world.authority_a,
        finding=quality.finding,
        reason="Entered twice",
    )
    body = _client(personas.officer_b).get("/a/authority-b/quality/removed/").content.decode()
    assert 'data-testid="no-removals"' in body
    assert "Entered twice" not in body


def test_a_long_record_is_read_a_page_at_a_time(world: World, personas: Personas) -> None:
    now = timezone.now()
    Removal.objects.bulk_create(
        Removal(
            authority=world.authority_a,
            removed_at=now - timedelta(minutes=n),
            removed_by_name="Someone",
            kind=RemovalKind.OBSERVATION,
            summary=f"Practice observation number {n:03d}",
            reason="Entered twice",
        )
        for n in range(55)
    )
    manager = _client(personas.manager_a)
    first = manager.get(REMOVED).content.decode()
    assert "number 000" in first and "number 049" in first and "number 050" not in first
    assert 'href="?page=2" rel="next"' in first
    second = manager.get(REMOVED + "?page=2").content.decode()
    assert "number 050" in second and "number 054" in second and "number 049" not in second
    assert 'href="?page=1" rel="prev"' in second
