"""The Welsh half-year report in a browser, with axe (issue 17): Cardiff's officer composes it
for Q2 2017/18 from the shipped reference data, the manager approves and publishes it, and a
councillor reads it and downloads its PDF. Its national measures are a period grid per quality
standard: Q1 and Q2, the 2016-17 year end and the Welsh average; no page says England."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from indicators.models import PeriodKind
from scrutiny.models import Pack
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.scrutiny.welsh_world import PM24_COMMENT, Cardiff, cardiff_world

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Children’s services performance: half year 2017/18"


@pytest.fixture
def welsh(loaded_catalogue) -> Cardiff:
    return cardiff_world()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def no_england(page: Page) -> None:
    assert "England" not in page.locator("body").inner_text()


def test_a_welsh_half_year_report_from_composing_to_a_councillors_pdf(
    page: Page, live_server, welsh
) -> None:
    # Cardiff's officer is offered the Welsh template, and the report is made for Q2.
    factories.period(PeriodKind.QUARTER, date(2017, 7, 1))
    sign_in(page, live_server, welsh.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/a/cardiff/packs/add/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Committee").fill("Children and Young People Scrutiny Committee")
    page.get_by_label("Meeting date").fill("14/11/2017")
    page.get_by_label("Reporting period").select_option(label="Q2 2017/18")
    page.get_by_label("Welsh half-year performance report").check()
    assert_accessible(page)
    page.get_by_role("button", name="Create the pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Quality standard 1: working with people").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    compose_url = page.url
    sign_out(page)

    sign_in(page, live_server, welsh.manager.username, PASSWORD)
    page.goto(compose_url)
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Publish to councillors").click()
    expect(page.get_by_test_id("status")).to_have_text("Published")
    sign_out(page)

    # The councillor reads it: the scorecard, then the national measures as period grids.
    sign_in(page, live_server, welsh.councillor.username, PASSWORD)
    pack = Pack.objects.get(title=TITLE)
    page.goto(f"{live_server.url}/a/cardiff/packs/{pack.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link").first).to_have_text("Scorecard")
    standard = page.get_by_role("region", name=re.compile(r"^Quality standard 1:"))
    block = standard.get_by_test_id("grid-block")
    expect(block).to_have_count(1)
    expect(block.get_by_role("rowheader")).to_have_text(
        ["Q1 2017/18", "Q2 2017/18", "2016-17 year end"]
    )
    expect(block.get_by_role("columnheader", name="Welsh average")).to_be_visible()
    year_end = block.get_by_test_id("grid-row").last
    expect(year_end).to_contain_text("68.4%")
    expect(year_end).to_contain_text("71.2% (2016-17 year end)")
    expect(block).to_contain_text(PM24_COMMENT)
    # A quarter with no figure says so, in its own row.
    safeguarding = page.get_by_role("region", name=re.compile(r"^Quality standard 3:"))
    expect(safeguarding.get_by_text("No figure for Q1 2017/18")).to_be_visible()
    # Local measures follow, as a compact table.
    local = page.get_by_role("region", name="Local measures: Quality, voice and complaints")
    expect(local.get_by_test_id("compact-table")).to_be_visible()
    no_england(page)
    assert_accessible(page)

    # The PDF carries the same grid.
    with page.expect_download(timeout=120_000) as downloading:
        page.get_by_test_id("pdf-link").click()
    reader = PdfReader(downloading.value.path())
    # Words as read, whatever the PDF's narrow columns wrapped.
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert "2016-17 year end" in text and "Welsh average" in text
    assert "Q2 2017/18" in text and "England" not in text
