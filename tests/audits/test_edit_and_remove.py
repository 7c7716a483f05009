"""Correcting and removing quality assurance records through their pages: the change pages
prefill and update in place, removal asks first and removes only on a POST, a removed case
audit's quarter figure follows, and nobody but the authority's recorders gets in."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import access
from audits import services
from audits.models import (
    Action,
    ActionUpdate,
    CaseAudit,
    Finding,
    ImprovementPlan,
    Inspection,
    PracticeObservation,
    PracticeWeek,
    Priority,
)
from indicators.models import Area, Figure
from tests import factories as core
from tests.audits.factories import QualityWorld, audit, quality_world, summary_indicators

pytestmark = pytest.mark.django_db

QUALITY = "/a/authority-a/quality/"


@pytest.fixture
def authority() -> Area:
    return core.AreaFactory(name="Authority A", slug="authority-a")


@pytest.fixture
def world(authority: Area) -> QualityWorld:
    summary_indicators()
    return quality_world(authority)


def _client(authority: Area, role: str = "officer") -> Client:
    user = core.UserFactory(username=f"{authority.slug}-{role}")
    core.MembershipFactory(user=user, authority=authority, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer(authority: Area) -> Client:
    return _client(authority)


def _good_figure(authority: Area) -> Figure | None:
    return Figure.objects.filter(
        area=authority,
        indicator__code="AUDIT-GOOD",
        period__kind="quarter",
        period__start=date(2017, 4, 1),
        breakdown__isnull=True,
    ).first()


# --- changing --------------------------------------------------------------------------------

# (address under the quality page, the record in the world, its model, what was typed, the
# value shown on the change page before, the field and value stored after)
CHANGES = [
    (
        "findings/{id}/",
        "finding",
        Finding,
        lambda w: {
            "kind": "improvement",
            "text": "Plans are not always clear",
            "audit": str(w.audit.pk),
            "recorded_on": "04/05/2017",
        },
        "Plans are clear",
        ("text", "Plans are not always clear"),
    ),
    (
        "observations/{id}/",
        "observation",
        PracticeObservation,
        lambda w: {
            "observed_on": "01/06/2017",
            "observed_by": "Head of service",
            "setting": "Child in need review",
            "went_well": "Families were heard",
            "to_improve": "",
        },
        "Child protection conference",
        ("setting", "Child in need review"),
    ),
    (
        "practice-weeks/{id}/",
        "practice_week",
        PracticeWeek,
        lambda w: {
            "name": "Autumn practice week",
            "start": "05/06/2017",
            "end": "09/06/2017",
            "focus": "",
            "headline_findings": "Visits are purposeful",
            "quick_wins": "",
        },
        "Practice week",
        ("name", "Autumn practice week"),
    ),
    (
        "plans/{id}/",
        "plan",
        ImprovementPlan,
        lambda w: {"name": "Service improvement plan 2017/18", "start": "", "end": ""},
        "Improvement plan",
        ("name", "Service improvement plan 2017/18"),
    ),
    (
        "priorities/{id}/",
        "priority",
        Priority,
        lambda w: {"title": "Workforce stability", "order": "1"},
        "Workforce",
        ("title", "Workforce stability"),
    ),
]


@pytest.mark.parametrize(
    ("address", "attribute", "model", "typed", "before", "after"),
    CHANGES,
    ids=[c[1] for c in CHANGES],
)
def test_an_officer_changes_a_record_through_its_page(
    world, officer, address, attribute, model, typed, before, after
) -> None:
    record = getattr(world, attribute)
    path = QUALITY + address.format(id=record.pk)
    count = model.objects.count()

    form = officer.get(path)
    assert form.status_code == 200
    body = form.content.decode()
    assert '<h1 class="govuk-heading-l">Change a' in body
    assert before in body  # the form is filled in with what is stored

    response = officer.post(path, typed(world), follow=True)
    assert response.redirect_chain == [(QUALITY, 302)]
    field, value = after
    record.refresh_from_db()
    assert getattr(record, field) == value
    assert model.objects.count() == count  # changed in place, not added
    assert value in response.content.decode()  # and the page shows it


@pytest.mark.parametrize(
    ("address", "attribute", "shown"),
    [
        ("findings/{id}/", "finding", 'name="recorded_on" type="text" value="03/05/2017"'),
        ("observations/{id}/", "observation", 'name="observed_on" type="text" value="01/06/2017"'),
        ("practice-weeks/{id}/", "practice_week", 'name="end" type="text" value="09/06/2017"'),
        ("inspections/{id}/", "inspection", 'name="start" type="text" value="01/05/2017"'),
        ("audits/{id}/", "audit", 'name="audit_date" type="text" value="03/05/2017"'),
    ],
)
def test_a_change_page_shows_dates_as_they_are_typed(
    world, officer, address, attribute, shown
) -> None:
    """A stored date comes back in the form as 03/05/2017, which the form accepts again, not
    as "3 May 2017", which it would refuse."""
    body = officer.get(QUALITY + address.format(id=getattr(world, attribute).pk)).content.decode()
    assert shown in body


def test_a_changed_finding_keeps_its_themes_as_chosen(world, officer, authority) -> None:
    theme = services.learning_theme_add(user=access.SYSTEM, authority=authority, name="Planning")
    officer.post(
        QUALITY + f"findings/{world.finding.pk}/",
        {
            "kind": "strength",
            "text": "Plans are clear",
            "programme": str(world.programme.pk),
            "recorded_on": "03/05/2017",
            "themes": [str(theme.pk)],
        },
    )
    finding = Finding.objects.get(pk=world.finding.pk)
    assert finding.programme == world.programme and finding.audit is None
    assert list(finding.themes.all()) == [theme]


def test_a_change_that_breaks_a_rule_writes_nothing(world, officer) -> None:
    response = officer.post(
        QUALITY + f"practice-weeks/{world.practice_week.pk}/",
        {
            "name": "Practice week",
            "start": "09/06/2017",
            "end": "05/06/2017",
            "headline_findings": "Visits are purposeful",
        },
    )
    assert response.status_code == 200
    week = PracticeWeek.objects.get(pk=world.practice_week.pk)
    assert (week.start, week.end) == (date(2017, 6, 5), date(2017, 6, 9))


def test_the_add_addresses_still_add(world, officer, authority) -> None:
    response = officer.post(
        QUALITY + "observations/add/",
        {"observed_on": "02/06/2017", "setting": "Supervision", "went_well": "Reflective"},
    )
    assert response.status_code == 302
    assert PracticeObservation.objects.filter(authority=authority).count() == 2
    response = officer.post(
        QUALITY + f"plans/{world.plan.pk}/priorities/add/", {"title": "Early help", "order": "2"}
    )
    assert response.status_code == 302
    assert world.plan.priorities.count() == 2


def test_the_page_links_each_record_to_its_change_and_remove_pages(world, officer) -> None:
    body = officer.get(QUALITY).content.decode()
    for address in (
        f"findings/{world.finding.pk}/",
        f"findings/{world.finding.pk}/remove/",
        f"audits/{world.audit.pk}/remove/",
        f"observations/{world.observation.pk}/",
        f"observations/{world.observation.pk}/remove/",
        f"practice-weeks/{world.practice_week.pk}/",
        f"practice-weeks/{world.practice_week.pk}/remove/",
        f"inspections/{world.inspection.pk}/remove/",
        f"plans/{world.plan.pk}/",
        f"priorities/{world.priority.pk}/",
        f"actions/{world.action.pk}/remove/",
    ):
        assert f'href="{QUALITY}{address}"' in body, address
    # Each link says which record it is about to a screen reader.
    assert (
        'Remove<span class="govuk-visually-hidden"> the case audit CIN-0042 (3 May 2017)</span>'
        in body
    )


# --- removing --------------------------------------------------------------------------------

REMOVALS = [
    ("audits/{id}/remove/", "audit", CaseAudit, "Are you sure you want to remove this case audit?"),
    ("findings/{id}/remove/", "finding", Finding, "Plans are clear"),
    (
        "observations/{id}/remove/",
        "observation",
        PracticeObservation,
        "Child protection conference",
    ),
    ("practice-weeks/{id}/remove/", "practice_week", PracticeWeek, "Practice week"),
    ("inspections/{id}/remove/", "inspection", Inspection, "Ofsted monitoring visit, May 2017"),
    ("actions/{id}/remove/", "action", Action, "Recruit social workers"),
]


@pytest.mark.parametrize(
    ("address", "attribute", "model", "shown"), REMOVALS, ids=[r[1] for r in REMOVALS]
)
def test_removal_asks_first_and_removes_only_on_a_post(
    world, officer, address, attribute, model, shown
) -> None:
    record = getattr(world, attribute)
    path = QUALITY + address.format(id=record.pk)

    page = officer.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Are you sure you want to remove this" in body
    assert shown in body
    assert "govuk-button--warning" in body
    assert model.objects.filter(pk=record.pk).exists()  # a GET removes nothing

    response = officer.post(path, {"reason": "Entered twice"}, follow=True)
    assert response.redirect_chain == [(QUALITY, 302)]
    assert not model.objects.filter(pk=record.pk).exists()
    assert "Removed the" in response.content.decode()


def test_removing_a_case_audit_updates_then_removes_its_quarter_figure(authority, officer) -> None:
    summary_indicators()
    good = audit(authority, "CIN-0001", date(2017, 4, 10), "good")
    weak = audit(authority, "CIN-0002", date(2017, 5, 10), "requires_improvement")
    services.finding_save(
        user=access.SYSTEM,
        authority=authority,
        values={
            "kind": "improvement",
            "text": "Drift",
            "audit": weak,
            "recorded_on": weak.audit_date,
        },
    )
    assert _good_figure(authority).value == Decimal("50")

    confirm = officer.get(QUALITY + f"audits/{weak.pk}/remove/").content.decode()
    assert "The 1 finding recorded from this audit is removed with it." in confirm
    assert "summary figures for Q1 2017/18" in confirm
    assert _good_figure(authority).value == Decimal("50")

    response = officer.post(
        QUALITY + f"audits/{weak.pk}/remove/", {"reason": "Entered twice"}, follow=True
    )
    assert "the quarter’s summary figures are worked out again" in response.content.decode()
    assert not CaseAudit.objects.filter(pk=weak.pk).exists()
    assert not Finding.objects.filter(authority=authority).exists()
    figure = _good_figure(authority)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 1, Decimal("100"))

    officer.post(QUALITY + f"audits/{good.pk}/remove/", {"reason": "Entered twice"})
    assert not CaseAudit.objects.filter(authority=authority).exists()
    assert _good_figure(authority) is None


def test_removing_an_action_takes_its_progress_updates(world, officer) -> None:
    services.action_update_add(
        user=access.SYSTEM,
        action=world.action,
        written_on=date(2017, 6, 1),
        note="Two posts filled",
        rag="green",
        completed=False,
    )
    body = officer.get(QUALITY + f"actions/{world.action.pk}/remove/").content.decode()
    assert "Its 1 progress update is removed with it." in body
    officer.post(QUALITY + f"actions/{world.action.pk}/remove/", {"reason": "Entered twice"})
    assert not ActionUpdate.objects.exists()
    assert Priority.objects.filter(pk=world.priority.pk).exists()


def test_the_services_refuse_another_authoritys_record(world) -> None:
    other = core.AreaFactory(name="Authority B", slug="authority-b")
    for remove in (
        lambda: services.case_audit_delete(
            reason="Entered twice", user=access.SYSTEM, authority=other, audit=world.audit
        ),
        lambda: services.finding_delete(
            reason="Entered twice", user=access.SYSTEM, authority=other, finding=world.finding
        ),
        lambda: services.observation_delete(
            reason="Entered twice",
            user=access.SYSTEM,
            authority=other,
            observation=world.observation,
        ),
        lambda: services.practice_week_delete(
            reason="Entered twice", user=access.SYSTEM, authority=other, week=world.practice_week
        ),
        lambda: services.inspection_delete(
            reason="Entered twice", user=access.SYSTEM, authority=other, inspection=world.inspection
        ),
        lambda: services.action_delete(
            reason="Entered twice", user=access.SYSTEM, authority=other, action=world.action
        ),
    ):
        with pytest.raises(ValidationError, match="does not belong to Authority B"):
            remove()
    assert CaseAudit.objects.filter(pk=world.audit.pk).exists()
    assert Finding.objects.filter(pk=world.finding.pk).exists()
    assert Action.objects.filter(pk=world.action.pk).exists()


# --- who may ---------------------------------------------------------------------------------


def test_another_authoritys_officer_and_a_manager_are_refused(world, authority) -> None:
    other = core.AreaFactory(name="Authority B", slug="authority-b")
    refused = {"officer of B": _client(other), "manager of A": _client(authority, "manager")}
    changes = [QUALITY + a.format(id=getattr(world, attr).pk) for a, attr, *_ in CHANGES]
    removals = [QUALITY + a.format(id=getattr(world, attr).pk) for a, attr, *_ in REMOVALS]
    for who, client in refused.items():
        for path in changes + removals:
            assert client.get(path).status_code == 403, (who, path)
            assert client.post(path, {"text": "x", "name": "x", "title": "x"}).status_code == 403, (
                who,
                path,
            )
    for _address, attribute, model, _shown in REMOVALS:
        assert model.objects.filter(pk=getattr(world, attribute).pk).exists()
    assert Finding.objects.get(pk=world.finding.pk).text == "Plans are clear"
    assert ImprovementPlan.objects.get(pk=world.plan.pk).name == "Improvement plan"
    assert Priority.objects.get(pk=world.priority.pk).title == "Workforce"


def test_a_record_of_another_authority_is_not_found_by_this_ones_address(world) -> None:
    other = core.AreaFactory(name="Authority B", slug="authority-b")
    client = _client(other)
    # B's officer, at B's address, naming A's finding: not B's, so not found.
    for path in (
        f"/a/authority-b/quality/findings/{world.finding.pk}/",
        f"/a/authority-b/quality/findings/{world.finding.pk}/remove/",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    assert Finding.objects.filter(pk=world.finding.pk).exists()
