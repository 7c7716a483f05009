"""The scorecard and the section layouts of a scrutiny pack, in a browser, with axe: an officer
chooses a layout on the section page; a councillor reads the scorecard first, then theme pages
as cards, a compact table and a period grid (issue 16)."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from accounts.services import membership_set, user_set
from indicators.models import Area
from scrutiny import services
from scrutiny.models import Pack, SectionKind, SectionLayout, TemplateKind
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.scrutiny.conftest import commentary_rule_off

PASSWORD = "e2e-layouts-password-2026"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wiltshire(eager_tasks, worked_demo):
    wiltshire = Area.objects.get(slug="wiltshire")
    users = {}
    for username, role in (
        ("wilts.officer", "officer"),
        ("wilts.manager", "manager"),
        ("wilts.cllr", "councillor"),
    ):
        user = user_set(actor=access.SYSTEM, username=username, password=PASSWORD)
        membership_set(actor=access.SYSTEM, user=user, authority=wiltshire, role=role)
        users[role] = user
    return wiltshire, users


def annual_report(wiltshire: Area, officer) -> Pack:
    return services.pack_create(
        user=officer,
        authority=wiltshire,
        title="Performance and outcomes 2017/18",
        committee="Children’s Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )


def test_an_officer_chooses_a_compact_table_on_the_section_page(
    page: Page, live_server, wiltshire
) -> None:
    authority, users = wiltshire
    pack = annual_report(authority, users["officer"])
    section = pack.sections.get(kind=SectionKind.THEME_PAGE, title="Child protection")
    sign_in(page, live_server, "wilts.officer", PASSWORD)
    page.goto(f"{live_server.url}/a/wiltshire/packs/{pack.pk}/sections/{section.pk}/")
    layout = page.get_by_role("group", name="Layout")
    expect(layout.get_by_label(re.compile(r"^Cards"))).to_be_checked()
    assert_accessible(page)
    layout.get_by_label(re.compile(r"^Compact table")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved “Child protection”.")).to_be_visible()

    page.goto(f"{live_server.url}/a/wiltshire/packs/{pack.pk}/")
    child_protection = page.get_by_role("region", name="Child protection")
    table = child_protection.get_by_role("table", name=re.compile("Child protection: figures"))
    expect(table.get_by_test_id("compact-row").first).to_be_visible()
    # Each measure's sparkline is an image named by what it shows.
    expect(table.get_by_role("img", name=re.compile(r"^Trend of ")).first).to_be_visible()
    assert_accessible(page)


def test_a_councillor_reads_the_scorecard_first_and_each_layout(
    page: Page, live_server, wiltshire
) -> None:
    authority, users = wiltshire
    pack = annual_report(authority, users["officer"])
    for title, layout in (
        ("Contacts, referrals and assessments", SectionLayout.CARDS),
        ("Child protection", SectionLayout.TABLE),
        ("Children in care", SectionLayout.GRID),
    ):
        services.section_edit(
            user=users["officer"],
            section=pack.sections.get(kind=SectionKind.THEME_PAGE, title=title),
            layout=layout,
        )
    # The demo's annual report explains its red measures in its summary, not one by one.
    commentary_rule_off()
    services.pack_submit(user=users["officer"], pack=pack)
    services.pack_approve(user=users["manager"], pack=pack)
    services.pack_publish(user=users["manager"], pack=pack)

    sign_in(page, live_server, "wilts.cllr", PASSWORD)
    page.goto(f"{live_server.url}/a/wiltshire/packs/{pack.pk}/")
    # The contents open with the scorecard, and so does the pack.
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link").first).to_have_text("Scorecard")
    expect(page.locator("section h2").first).to_have_text("Scorecard")

    scorecard = page.get_by_test_id("scorecard")
    rows = scorecard.get_by_test_id("scorecard-row")
    # Exceptions first: the first row is rated red, in words as well as colour.
    expect(rows.first).to_contain_text("Rated red")
    expect(rows.first.locator(".govuk-tag--red")).to_contain_text("Red:")
    key = page.get_by_test_id("scorecard-key")
    expect(key).to_contain_text("Off target")
    expect(key).to_contain_text("Worsening since the previous period")

    cards = page.get_by_role("region", name="Contacts, referrals and assessments")
    expect(cards.locator(".app-pack-indicator").first).to_be_visible()
    table = page.get_by_role("region", name="Child protection")
    expect(table.get_by_test_id("compact-table")).to_be_visible()
    grid = page.get_by_role("region", name="Children in care")
    expect(grid.get_by_test_id("grid-block").first).to_be_visible()
    # A row for the year so far, and one for last year where the measure had a figure then.
    expect(grid.get_by_role("rowheader", name=re.compile(r"^Last year: ")).first).to_be_visible()
    expect(grid.get_by_role("columnheader", name="England average").first).to_be_visible()
    assert_accessible(page)
