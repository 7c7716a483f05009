"""Packs in a browser (docs/0023): the template asked on creation, the submit page listing
indicators that need commentary, an exempt section as councillors see it, the public version
without sign-in, and deleting a draft. Each page checked with axe."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Figure
from scrutiny import services
from scrutiny.models import TemplateKind
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PACKS = "/a/authority-a/packs/"
SECRET = "The allowance dispute with a named foster carer"


@pytest.fixture
def pack(world, personas):
    return services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Performance and outcomes 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_the_create_form_asks_which_template(page: Page, live_server, world, personas) -> None:
    sign_in(page, live_server, personas.officer_a.username, PASSWORD)
    page.goto(PACKS + "add/")
    page.get_by_label("Title").fill("Performance 2017/18")
    page.get_by_label("Committee").fill("Children’s Select Committee")
    page.get_by_label("Meeting date").fill("19/06/2018")
    page.get_by_label("Reporting period").select_option(label="2017/18")
    page.get_by_role("button", name="Create the pack").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a template")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    summary.get_by_role("link", name="Choose a template").click()
    expect(page.get_by_label("Annual performance report")).to_be_focused()
    page.get_by_label("Improvement plan update").check()
    page.get_by_role("button", name="Create the pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance 2017/18")


def test_the_submit_page_lists_indicators_without_commentary(
    page: Page, live_server, world, personas, pack
) -> None:
    sign_in(page, live_server, personas.officer_a.username, PASSWORD)
    page.goto(f"{PACKS}{pack.pk}/compose/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("has no commentary")
    table = page.get_by_test_id("missing-commentary")
    expect(table).to_contain_text("% assessments completed in time")
    expect(table).to_contain_text("Rated red and getting worse")
    assert_accessible(page)
    link = table.get_by_role("link", name=re.compile("Add commentary"))
    assert re.search(r"/a/authority-a/entry/[^/]+/#indicator-ASMT-T$", link.get_attribute("href"))
    # Commentary added, the page says it may go, and it goes.
    Figure.objects.filter(area=world.authority_a, indicator=world.indicator).update(
        commentary="Two social workers left in the autumn."
    )
    page.goto(f"{PACKS}{pack.pk}/submit/")
    expect(page.get_by_test_id("ready")).to_contain_text("has commentary")
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")


def test_an_exempt_section_and_the_public_version(
    page: Page, live_server, world, personas, pack
) -> None:
    # The officer marks the summary exempt.
    sign_in(page, live_server, personas.officer_a.username, PASSWORD)
    page.goto(f"{PACKS}{pack.pk}/compose/")
    page.get_by_role("link", name="Edit Summary").click()
    page.get_by_label("Narrative").fill(SECRET)
    page.get_by_label(re.compile(r"^Paragraph 1: Information relating to any individual")).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    sign_out(page)
    Figure.objects.filter(area=world.authority_a).update(commentary="Explained")
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)

    # Councillors read it, marked.
    sign_in(page, live_server, personas.councillor_a.username, PASSWORD)
    page.goto(f"{PACKS}{pack.pk}/")
    marker = page.get_by_test_id("exempt")
    expect(marker).to_contain_text("Not for publication")
    expect(marker).to_contain_text("Paragraph 1 of Part 1 of Schedule 12A")
    expect(page.get_by_text(SECRET)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The manager makes a public version.
    sign_in(page, live_server, personas.manager_a.username, PASSWORD)
    page.goto(f"{PACKS}{pack.pk}/compose/")
    page.get_by_role("button", name="Make a public version").click()
    link = page.get_by_test_id("public-link").get_by_role("link")
    expect(link).to_contain_text("/public/")
    assert_accessible(page)
    public_url = link.get_attribute("href")
    sign_out(page)

    # Anyone opens it without signing in: no exempt section.
    page.context.clear_cookies()
    response = page.goto(public_url)
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("public-notice")).to_contain_text("public version")
    expect(page.get_by_role("heading", level=1)).to_have_text(pack.title)
    expect(page.get_by_text(SECRET)).to_have_count(0)
    expect(page.get_by_text("Not for publication")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)


def test_deleting_a_draft_after_confirming(page: Page, live_server, personas, pack) -> None:
    sign_in(page, live_server, personas.manager_a.username, PASSWORD)
    page.goto(f"{PACKS}{pack.pk}/compose/")
    page.get_by_role("link", name="Delete this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete “{pack.title}”?")
    assert_accessible(page)
    page.get_by_role("button", name="Delete the draft").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"Deleted the draft pack “{pack.title}”"
    )
    expect(page.get_by_role("link", name=pack.title)).to_have_count(0)
    assert_accessible(page)
