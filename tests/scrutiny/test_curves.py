"""Turning the Curve reports: every write by who may and who may not (nothing written on a
refusal), every read by each persona, the versions kept, and the report as a pack section
(live in a draft, frozen once published)."""

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.test import Client
from pypdf import PdfReader

from accounts import access
from audits.models import Action, ImprovementPlan, Priority
from indicators.models import Figure, FigureStatus
from scrutiny import curve_services, curves, selectors, services
from scrutiny.curve_services import Partner, PlannedAction, WhatWorks
from scrutiny.models import (
    CurveAction,
    CurveActionStatus,
    CurveReport,
    CurveVersion,
    PackSection,
    SectionKind,
)
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "/a/authority-a/packs/curves"


def plan_action(authority, text="Reduce repeat plans") -> Action:
    plan = ImprovementPlan.objects.create(authority=authority, name=f"{authority.name} plan")
    priority = Priority.objects.create(plan=plan, title="Child protection")
    return Action.objects.create(priority=priority, text=text, owner="Head of Service")


def write(user, world, **extra) -> CurveReport:
    return curve_services.report_create(
        user=user,
        authority=world.authority_a,
        indicator=world.indicator,
        title=extra.pop("title", "Repeat child protection plans"),
        story=extra.pop("story", "Plans ended **before** change was lasting."),
        partners=extra.pop("partners", [Partner("Police", "Share notifications")]),
        what_works=extra.pop("what_works", [WhatWorks("SMART plans", "The audit of 14 cases")]),
        actions=extra.pop("actions", [PlannedAction("Review plan endings", who="Chairs")]),
    )


@pytest.fixture
def report(world, personas) -> CurveReport:
    return write(personas.officer_a, world)


def counts() -> tuple[int, int, int, int]:
    return (
        CurveReport.objects.count(),
        CurveAction.objects.count(),
        CurveVersion.objects.count(),
        PackSection.objects.filter(kind=SectionKind.TURNING_THE_CURVE).count(),
    )


# --- writes -----------------------------------------------------------------------------------

WRITERS = {"officer_a": True, "manager_a": True, "admin": True, "councillor_a": False}


@pytest.mark.parametrize("persona", [*WRITERS, "officer_b"])
def test_who_may_write_a_report(world, personas, persona) -> None:
    user = personas.all()[persona]
    before = counts()
    if WRITERS.get(persona, False):
        report = write(user, world)
        assert report.versions.get().saved_by == user
        assert report.actions.get().what == "Review plan endings"
    else:
        with pytest.raises(PermissionDenied):
            write(user, world)
        assert counts() == before


@pytest.mark.parametrize("persona", [*WRITERS, "officer_b"])
def test_who_may_edit_a_report_and_each_save_keeps_a_version(report, world, personas, persona):
    user = personas.all()[persona]
    before = counts()
    edit = {
        "indicator": world.indicator,
        "title": "Repeat plans, revisited",
        "story": "Thresholds were read differently.",
        "partners": [Partner("Schools", "Parenting Support Advisers")],
        "what_works": [],
        "actions": [PlannedAction("Audit step-downs", status=CurveActionStatus.DONE)],
    }
    if WRITERS.get(persona, False):
        curve_services.report_edit(user=user, report=report, **edit)
        report.refresh_from_db()
        assert report.title == "Repeat plans, revisited"
        versions = list(report.versions.order_by("number"))
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].content["title"] == "Repeat child protection plans"
        assert versions[0].content["actions"][0]["what"] == "Review plan endings"
        assert versions[1].content["partners"] == [
            {"partner": "Schools", "role": "Parenting Support Advisers"}
        ]
        assert versions[1].saved_by == user
        assert [a.what for a in report.actions.all()] == ["Audit step-downs"]
    else:
        with pytest.raises(PermissionDenied):
            curve_services.report_edit(user=user, report=report, **edit)
        assert counts() == before
        report.refresh_from_db()
        assert report.title == "Repeat child protection plans"


def test_nobody_signed_out_nor_the_system_writes_a_report(world) -> None:
    before = counts()
    for actor in (AnonymousUser(), access.SYSTEM):
        with pytest.raises(PermissionDenied):
            write(actor, world)
    assert counts() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"title": "  "}, "title"),
        ({"partners": [Partner("Police", "")]}, "Partner 1 needs both"),
        ({"what_works": [WhatWorks("", "an audit")]}, "What works 1 needs both"),
        ({"actions": [PlannedAction("  ")]}, "Action 1 needs to say"),
        ({"actions": [PlannedAction("Go", status="lost")]}, "no status called"),
    ],
)
def test_an_incomplete_report_is_refused_and_nothing_is_written(
    world, personas, extra, message
) -> None:
    before = counts()
    with pytest.raises(ValidationError, match=message):
        write(personas.officer_a, world, **extra)
    assert counts() == before


def test_an_action_links_only_to_its_own_authoritys_improvement_plan(world, personas) -> None:
    own = plan_action(world.authority_a)
    other = plan_action(world.authority_b, "Authority B's action")
    before = counts()
    with pytest.raises(ValidationError, match="not Authority A's"):
        write(personas.officer_a, world, actions=[PlannedAction("Go", plan_action_id=other.pk)])
    assert counts() == before
    report = write(personas.officer_a, world, actions=[PlannedAction("Go", plan_action_id=own.pk)])
    content = curves.report_content(report, as_at=date(2030, 1, 1), approved_only=False)
    assert content["actions"][0]["plan_action"]["text"] == "Reduce repeat plans"
    assert content["actions"][0]["plan_action"]["plan"] == "Authority A plan"


# --- reads ------------------------------------------------------------------------------------

READERS = {"officer_a": True, "manager_a": True, "councillor_a": True, "admin": True}


@pytest.mark.parametrize("persona", [*READERS, "officer_b"])
def test_who_may_read_a_report_its_list_and_its_history(report, personas, persona) -> None:
    user = personas.all()[persona]
    if READERS.get(persona, False):
        assert curves.report_page(user, "authority-a", report.pk).report == report
        assert curves.report_list(user, "authority-a").reports == [report]
        assert len(curves.history_page(user, "authority-a", report.pk).versions) == 1
    else:
        for read in (
            lambda: curves.report_page(user, "authority-a", report.pk),
            lambda: curves.report_list(user, "authority-a"),
            lambda: curves.history_page(user, "authority-a", report.pk),
        ):
            with pytest.raises(PermissionDenied):
                read()


PAGES = ["", "{id}/", "{id}/history/", "add/", "{id}/edit/"]
# persona: the status of each page above
STATUSES = {
    "officer_a": [200, 200, 200, 200, 200],
    "manager_a": [200, 200, 200, 200, 200],
    "councillor_a": [200, 200, 200, 403, 403],
    "officer_b": [403, 403, 403, 403, 403],
}


@pytest.mark.parametrize("persona", STATUSES)
def test_every_page_by_persona(report, personas, persona) -> None:
    client = Client()
    client.force_login(personas.all()[persona])
    got = [client.get(f"{BASE}/{path.format(id=report.pk)}").status_code for path in PAGES]
    assert got == STATUSES[persona]


def test_anyone_signed_out_is_sent_to_sign_in(report) -> None:
    client = Client()
    for path in PAGES:
        response = client.get(f"{BASE}/{path.format(id=report.pk)}")
        assert response.status_code == 302
        assert "/accounts/" in response["Location"]


def test_another_authoritys_address_does_not_show_the_report(report, personas) -> None:
    client = Client()
    client.force_login(personas.officer_b)
    response = client.get(f"/a/authority-b/packs/curves/{report.pk}/")
    assert response.status_code == 404


def test_the_report_page_shows_the_baseline_forecast_and_plan(report, personas, world) -> None:
    client = Client()
    client.force_login(personas.officer_a)
    html = client.get(f"{BASE}/{report.pk}/").content.decode()
    for words in (
        "Baseline",
        "Forecast if nothing changes",
        "The story behind the baseline",
        "<strong>before</strong>",
        "Partners with a role to play",
        "Share notifications",
        "What works",
        "The audit of 14 cases",
        "Action plan",
        "Review plan endings",
        "<svg",
    ):
        assert words in html
    # 80, 90, 87 (2015/16 to 2017/18): 3.5 points a year, three years on.
    for period, forecast in (("2018/19", "92.7%"), ("2019/20", "96.2%"), ("2020/21", "99.7%")):
        assert f'<th scope="row" class="govuk-table__header">{period}</th>' in html
        assert f'<td class="govuk-table__cell">{forecast}</td>' in html


def test_a_councillor_sees_only_approved_figures_in_the_baseline(report, personas, world) -> None:
    Figure.objects.filter(area=world.authority_a, period=factories.financial_year(2017)).update(
        status=FigureStatus.DRAFT
    )
    officer = curves.report_page(personas.officer_a, "authority-a", report.pk)
    councillor = curves.report_page(personas.councillor_a, "authority-a", report.pk)
    assert [p["period"] for p in officer.content["baseline"]["history"]][-1] == "2017/18"
    assert [p["period"] for p in councillor.content["baseline"]["history"]] == [
        "2015/16",
        "2016/17",
    ]
    # Two figures are not a trend: no forecast, said plainly.
    assert councillor.content["baseline"]["forecast"] == []
    assert "There is no forecast" in councillor.content["baseline"]["no_forecast"]


def test_the_edit_form_saves_and_shows_its_errors(report, personas, world) -> None:
    client = Client()
    client.force_login(personas.manager_a)
    form = {
        "title": "Repeat plans",
        "indicator": world.indicator.pk,
        "story": "",
        "partners": "Police share notifications",  # no colon
        "what_works": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-what": "",
        "actions-0-status": "not_started",
    }
    response = client.post(f"{BASE}/{report.pk}/edit/", form)
    assert response.status_code == 400
    assert "Line 1 of partners needs a colon" in response.content.decode()
    assert report.versions.count() == 1
    form["partners"] = "Police: share notifications"
    response = client.post(f"{BASE}/{report.pk}/edit/", form)
    assert response.status_code == 302
    assert report.versions.count() == 2
    report.refresh_from_db()
    assert report.partners == [{"partner": "Police", "role": "share notifications"}]
    assert not report.actions.exists()  # the empty row removed the action


# --- in a pack --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "admin"])
def test_an_officer_adds_the_report_to_a_draft_pack(pack, report, personas, persona) -> None:
    section = curve_services.add_to_pack(user=personas.all()[persona], report=report, pack=pack)
    assert section.order == pack.sections.count()
    assert section.curve == report


@pytest.mark.parametrize("persona", ["manager_a", "councillor_a", "officer_b"])
def test_who_may_not_add_a_report_to_a_pack(pack, report, personas, persona) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        curve_services.add_to_pack(user=personas.all()[persona], report=report, pack=pack)
    assert counts() == before


def test_only_a_draft_pack_of_the_same_authority_takes_a_report(
    pack, report, personas, world
) -> None:
    before = counts()
    with pytest.raises(ValidationError, match="from the report's page"):
        services.section_add(user=personas.officer_a, pack=pack, kind=SectionKind.TURNING_THE_CURVE)
    other = services.pack_create(
        user=personas.admin,
        authority=world.authority_b,
        title="Authority B's pack",
        committee="Scrutiny",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template="scrutiny",
    )
    before = counts()
    with pytest.raises(ValidationError, match="its own authority"):
        curve_services.add_to_pack(user=personas.admin, report=report, pack=other)
    services.pack_submit(user=personas.officer_a, pack=pack)
    with pytest.raises(ValidationError, match="only a draft"):
        curve_services.add_to_pack(user=personas.officer_a, report=report, pack=pack)
    assert counts() == before


def test_the_section_is_live_in_a_draft_and_frozen_once_published(
    pack, report, personas, world
) -> None:
    curve_services.add_to_pack(user=personas.officer_a, report=report, pack=pack)
    draft = selectors.pack_content_for(personas.officer_a, pack)[-1]
    assert draft["kind"] == SectionKind.TURNING_THE_CURVE
    assert draft["curve"]["actions"][0]["what"] == "Review plan endings"
    assert [p["text"] for p in draft["curve"]["baseline"]["history"]][-1] == "87%"
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    # The report moves on after publication...
    curve_services.report_edit(
        user=personas.officer_a,
        report=report,
        indicator=world.indicator,
        title="Changed later",
        story="",
        partners=[],
        what_works=[],
        actions=[],
    )
    # ...the published pack shows what it said at publication, to its councillors too.
    pack.refresh_from_db()
    published = selectors.pack_content_for(personas.councillor_a, pack)[-1]
    assert published["curve"]["title"] == "Repeat child protection plans"
    assert published["curve"]["actions"][0]["what"] == "Review plan endings"
    client = Client()
    client.force_login(personas.councillor_a)
    html = client.get(f"/a/authority-a/packs/{pack.pk}/").content.decode()
    assert "Review plan endings" in html and "Forecast if nothing changes" in html
    assert "Changed later" not in html
    # A baseline figure corrected since publication is noted beside the frozen one.
    Figure.objects.filter(area=world.authority_a, period=factories.financial_year(2017)).update(
        value=Decimal("88"), version=F("version") + 1
    )
    html = client.get(f"/a/authority-a/packs/{pack.pk}/").content.decode()
    assert "87%" in html and "Revised since publication: now 88%" in html


def test_an_officer_writes_a_report_and_adds_it_to_a_pack_through_the_pages(
    pack, personas, world
) -> None:
    action = plan_action(world.authority_a)
    client = Client()
    client.force_login(personas.officer_a)
    response = client.post(
        f"{BASE}/add/",
        {
            "title": "Repeat plans",
            "indicator": world.indicator.pk,
            "story": "Why",
            "partners": "Police: notifications\n\nSchools: support",
            "what_works": "SMART plans: the audit",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-what": "Review plan endings",
            "actions-0-who": "Chairs",
            "actions-0-by_when": "31/03/2013",
            "actions-0-status": "in_progress",
            "actions-0-plan_action": str(action.pk),
            "actions-1-what": "",
            "actions-1-status": "not_started",
        },
    )
    report = CurveReport.objects.get()
    assert response["Location"] == f"{BASE}/{report.pk}/"
    assert len(report.partners) == 2
    saved = report.actions.get()
    assert (saved.by_when, saved.plan_action, saved.status) == (
        date(2013, 3, 31),
        action,
        CurveActionStatus.IN_PROGRESS,
    )
    page = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert "Add to the pack" in page and "Reduce repeat plans" in page
    response = client.post(f"{BASE}/{report.pk}/add-to-pack/", {"pack": pack.pk})
    assert response.status_code == 302
    assert pack.sections.filter(curve=report).exists()
    # A councillor reads the report but is offered neither editing nor a pack.
    client.force_login(personas.councillor_a)
    page = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert "Add to the pack" not in page and "Edit this report" not in page
    assert client.post(f"{BASE}/{report.pk}/add-to-pack/", {"pack": pack.pk}).status_code == 403


def test_the_demo_report_turns_wiltshires_repeat_plans_curve(worked_demo) -> None:
    from accounts.services import membership_set, user_set
    from indicators.models import Area
    from scrutiny.curve_demo import curves_demo_load

    wiltshire = Area.objects.get(slug="wiltshire")
    officer = user_set(actor=access.SYSTEM, username="wiltshire.officer", password="x-Demo-2026!")
    membership_set(actor=access.SYSTEM, user=officer, authority=wiltshire, role="officer")
    assert curves_demo_load() == [
        "Turning the Curve report: Wiltshire, Repeat child protection plans"
    ]
    assert curves_demo_load() == []  # loading twice leaves one
    report = CurveReport.objects.get()
    content = curves.report_content(report, as_at=date(2018, 3, 31), approved_only=False)
    assert [p["text"] for p in content["baseline"]["history"]] == ["17%", "18%", "20%"]
    assert [(p["period"], p["text"]) for p in content["baseline"]["forecast"]] == [
        ("2018/19", "21.3%"),
        ("2019/20", "22.8%"),
        ("2020/21", "24.3%"),
    ]
    assert len(content["partners"]) == 4 and len(content["actions"]) == 3


@pytest.mark.skipif(not Path(settings.CHROMIUM_PATH).exists(), reason="no Chromium to print PDFs")
def test_the_published_packs_pdf_carries_the_report(pack, report, personas) -> None:
    curve_services.add_to_pack(user=personas.officer_a, report=report, pack=pack)
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    client = Client()
    client.force_login(personas.councillor_a)
    response = client.get(f"/a/authority-a/packs/{pack.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in ("The story behind the baseline", "Partners with a role to play", "What works"):
        assert words in text
    assert "Review plan endings" in text and "Forecast if nothing changes" in text
