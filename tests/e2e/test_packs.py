"""A scrutiny pack from creation to a councillor's reading, in a browser, on the demo data."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts import access
from accounts.services import membership_set, user_set
from indicators.models import Area
from scrutiny import services
from scrutiny.models import TemplateKind
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD as PERSONA_PASSWORD
from tests.scrutiny.conftest import commentary_rule_off, explain_exceptions

PASSWORD = "e2e-demo-password-2026"
TITLE = "Performance and outcomes 2017/18"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wiltshire(eager_tasks, worked_demo):
    wiltshire = Area.objects.get(slug="wiltshire")
    # The demo reproduces the seed's published report, whose red and worsening measures do not
    # all have commentary: the rule is off here (tests/e2e/test_pack_publication.py tests it).
    commentary_rule_off()
    for username, role in (
        ("wilts.officer", "officer"),
        ("wilts.manager", "manager"),
        ("wilts.cllr", "councillor"),
    ):
        user = user_set(actor=access.SYSTEM, username=username, password=PASSWORD)
        membership_set(actor=access.SYSTEM, user=user, authority=wiltshire, role=role)
    return wiltshire


def bookmarks(outline) -> list[str]:
    """A PDF's bookmarks, nested ones included, in order."""
    return [
        title
        for item in outline
        for title in (bookmarks(item) if isinstance(item, list) else [item.title])
    ]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_pack_from_draft_to_a_councillors_printed_page(
    page: Page, live_server, wiltshire
) -> None:
    # The officer creates the pack, writes its introduction and submits it.
    sign_in(page, live_server, "wilts.officer", PASSWORD)
    page.goto(live_server.url + "/a/wiltshire/")
    page.get_by_role("link", name="Scrutiny packs").click()
    page.get_by_role("link", name="Create a pack").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Committee").fill("Children’s Select Committee")
    page.get_by_label("Meeting date").fill("19/06/2018")
    page.get_by_label("Reporting period").select_option(label="2017/18")
    page.get_by_label("Annual performance report").check()
    page.get_by_role("button", name="Create the pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)
    compose_url = page.url

    page.get_by_role("link", name=re.compile(r"^Edit ")).first.click()
    page.get_by_label("Narrative").fill("This report sets out **how we did** in 2017/18.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("preview").locator("strong")).to_have_text("how we did")
    page.get_by_role("button", name="Save").click()

    # The appendix lists one chosen indicator: ticked on its page, counted on the pack's.
    page.get_by_role("link", name="Edit Appendix: data set").click()
    expect(page.get_by_test_id("none-chosen")).to_contain_text("With none ticked")
    choice = page.get_by_label("% single assessments completed by 45 days (ASMT-45)", exact=True)
    choice.check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("chosen")).to_have_text("1 indicator chosen")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    sign_out(page)

    # The manager approves and publishes it.
    sign_in(page, live_server, "wilts.manager", PASSWORD)
    page.goto(compose_url)
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Publish to councillors").click()
    expect(page.get_by_test_id("status")).to_have_text("Published")
    sign_out(page)

    # The councillor opens it from the start page and reads it.
    sign_in(page, live_server, "wilts.cllr", PASSWORD)
    page.get_by_role("link", name="Published scrutiny packs of Wiltshire").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_test_id("draft-banner")).to_have_count(0)
    expect(page.get_by_text("how we did")).to_be_visible()
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link").first.click()
    assert page.url.endswith("#section-1")
    # A trend chart, drawn on the server as SVG with an accessible name; its table gives the
    # same figures.
    chart = page.get_by_role("img", name="% single assessments completed by 45 days: trend")
    expect(chart).to_be_visible()
    expect(chart.locator("circle").first).to_be_visible()  # the authority's own points
    expect(page.locator("table[data-testid$='-table']").first).to_be_visible()
    expect(page.get_by_test_id("latest").first).to_be_visible()
    appendix = page.get_by_test_id("appendix")
    expect(appendix.locator("tbody tr")).to_have_count(1)
    expect(appendix).to_contain_text("% single assessments completed by 45 days")
    # Its national column is headed with Wiltshire's nation, never "England or Wales" (issue 17).
    expect(appendix.get_by_role("columnheader", name="Direction of travel")).to_be_visible()
    expect(appendix.locator("thead")).not_to_contain_text("England or Wales")
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.locator(".app-header__account")).to_be_hidden()
    expect(page.locator(".govuk-breadcrumbs")).to_be_hidden()
    expect(page.get_by_test_id("pdf-link")).to_be_hidden()
    page.emulate_media(media="screen")

    # ...and downloads it as a PDF, whose bookmarks are the pack's headings.
    with page.expect_download(timeout=120_000) as downloading:
        page.get_by_test_id("pdf-link").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    titles = bookmarks(reader.outline)
    assert titles[0] == TITLE
    assert "Appendix: data set" in titles and "Glossary" in titles
    assert "87% (2017/18)" in "".join(sheet.extract_text() for sheet in reader.pages)


def test_without_chromium_the_pdf_link_explains_and_leads_back(
    page: Page, live_server, world, personas, settings
) -> None:
    """Where the server cannot make PDFs, the link says why (and passes axe) rather than
    failing, and offers the reading view, which prints the same content."""
    pack = services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Performance 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.SCRUTINY_PACK,
    )
    explain_exceptions(world)
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    settings.CHROMIUM_PATH = "/nowhere/chromium"

    sign_in(page, live_server, personas.councillor_a.username, PERSONA_PASSWORD)
    response = page.goto(f"{live_server.url}/a/authority-a/packs/{pack.pk}/pdf/")
    assert response is not None and response.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text("This server cannot make the PDF")
    assert_accessible(page)
    page.get_by_role("link", name="read “Performance 2017/18” in the browser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance 2017/18")
