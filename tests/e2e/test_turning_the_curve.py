"""A Turning the Curve report in a browser, on the demo data: an officer writes one for
Wiltshire's repeat child protection plans (and corrects a mistake the form points out), reads
its baseline chart and forecast, adds it to a draft pack, and a councillor reads it. Every
page checked with axe."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from accounts.services import membership_set, user_set
from indicators.models import Area
from scrutiny import services
from scrutiny.models import TemplateKind
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in

PASSWORD = "e2e-demo-password-2026"
INDICATOR = "% children subject of child protection plan for second time"
PACK = "Children's services performance 2017/18"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wiltshire(eager_tasks, worked_demo):
    wiltshire = Area.objects.get(slug="wiltshire")
    users = {}
    for username, role in (("wilts.officer", "officer"), ("wilts.cllr", "councillor")):
        users[role] = user_set(actor=access.SYSTEM, username=username, password=PASSWORD)
        membership_set(actor=access.SYSTEM, user=users[role], authority=wiltshire, role=role)
    services.pack_create(
        user=users["officer"],
        authority=wiltshire,
        title=PACK,
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.SCRUTINY_PACK,
    )
    return wiltshire


def test_an_officer_writes_a_report_adds_it_to_a_pack_and_a_councillor_reads_it(
    page: Page, live_server, wiltshire
) -> None:
    sign_in(page, live_server, "wilts.officer", PASSWORD)
    page.goto(live_server.url + "/a/wiltshire/packs/")
    page.get_by_role("link", name="Turning the Curve reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Turning the Curve reports")
    assert_accessible(page)

    # The form points out a partner written without their role.
    page.get_by_role("link", name="Write a Turning the Curve report").click()
    page.get_by_label("Title").fill("Repeat child protection plans")
    page.get_by_label("Indicator").select_option(label=INDICATOR)
    page.get_by_label("The story behind the baseline").fill(
        "Plans were not clear about **what needed to change**."
    )
    page.get_by_label("Partners with a role to play").fill("Wiltshire Police")
    page.get_by_label("What works").fill("SMART plans: the children in need audit")
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("What").fill("Review every plan ending")
    action.get_by_label("Who").fill("Conference chairs")
    action.get_by_label("By when").fill("31/03/2013")
    action.get_by_label("Status").select_option(label="In progress")
    page.get_by_role("button", name="Save the report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Line 1 of partners needs a colon")
    assert page.title().startswith("Error: Write a Turning the Curve report")
    assert_accessible(page)
    page.get_by_label("Partners with a role to play").fill(
        "Wiltshire Police: share domestic abuse notifications once"
    )
    page.get_by_role("button", name="Save the report").click()

    # The report: its baseline chart (drawn as SVG), the forecast in words and in the table.
    expect(page.get_by_role("heading", level=1)).to_have_text("Repeat child protection plans")
    chart = page.get_by_role("img", name=f"{INDICATOR}: baseline")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline[stroke-dasharray]")).to_have_count(1)  # the forecast
    # 17%, 18%, 20% (2015/16 to 2017/18): 1.5 points a year, three years on.
    expect(page.locator("#curve-chart-summary")).to_contain_text(
        "If nothing changes it is forecast to be 24.3% by 2020/21."
    )
    expect(page.get_by_test_id("forecast-rule")).to_contain_text("least squares")
    expect(page.get_by_test_id("partners")).to_contain_text("Wiltshire Police")
    expect(page.get_by_test_id("what-works")).to_contain_text("children in need audit")
    expect(page.get_by_test_id("action-plan")).to_contain_text("Review every plan ending")
    expect(page.locator("strong", has_text="what needed to change")).to_be_visible()
    assert_accessible(page)
    report_url = page.url

    # Its history: one version, by the officer.
    page.get_by_role("link", name="Earlier versions of this report").click()
    expect(page.get_by_test_id("curve-version")).to_have_count(1)
    assert_accessible(page)

    # Into the draft pack, whose reading view shows it as a section.
    page.goto(report_url)
    option = f"{PACK} (Children's Select Committee, 19 June 2018)"
    page.get_by_label("Draft pack").select_option(label=option)
    page.get_by_role("button", name="Add to the pack").click()
    expect(page.get_by_text("Added “Repeat child protection plans”")).to_be_visible()
    page.goto(page.url.replace("/compose/", "/"))
    section = page.get_by_test_id("turning-the-curve")
    expect(section).to_be_visible()
    expect(section.get_by_role("img", name=f"{INDICATOR}: baseline")).to_be_visible()
    expect(section.get_by_test_id("action-plan")).to_contain_text("Review every plan ending")
    assert_accessible(page)

    # A councillor reads the report, and may not edit it.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "wilts.cllr", PASSWORD)
    page.goto(report_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Repeat child protection plans")
    expect(page.get_by_role("link", name="Edit this report")).to_have_count(0)
    assert_accessible(page)
