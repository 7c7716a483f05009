"""A Welsh council from nothing, in a browser (issue 17, "done when"): on a fresh database with
only the shipped reference data (the catalogue, Wales and its 22 authorities), Cardiff's admin
creates the council's users in the admin, imports a StatsWales download of PM24, the officer
enters Cardiff's own Q1 and Q2 figures, the manager approves them, the officer composes the
Welsh half-year report, the manager publishes it, and a councillor reads it in English and in
Welsh. The period grid shows the quarters, last year's year-end outturn and the Welsh average,
and no page on the way says England. Every page is checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role, User
from indicators.models import Figure, FigureStatus
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_return_imports import COMMIT, upload

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Cardiff-2017-half-year"
TITLE = "Children’s services performance: half year 2017/18"
# A StatsWales download in the long layout: Wales and Cardiff's 2016-17 outturns, Wales's
# quarters so far, and a suppressed Swansea.
STATSWALES = (
    "\ufeffPerformance measures for children, by local authority\n"
    "Source: StatsWales, Welsh Government\n"
    "\n"
    "Area,Area code,Measure,Year,Data\n"
    "Wales,W92000004,PM24,2016-17,71.2\n"
    "Cardiff,W06000015,PM24,2016-17,68.4\n"
    "Swansea,W06000011,PM24,2016-17,*\n"
    "Wales,W92000004,PM24,2017-18 Q1,72.5\n"
    "Wales,W92000004,PM24,2017-18 Q2,73.0\n"
).encode()
PM24 = "% of assessments completed for children within statutory timescales"
COMMENT = "Two new practice leads cleared the backlog of assessments over the summer."


@pytest.fixture
def fresh(loaded_catalogue, settings, tmp_path, eager_tasks) -> User:
    """The shipped reference data and one superuser (made by `createsuperuser` on a real
    installation: the only step not done through the pages)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def no_england(page: Page) -> None:
    assert "England" not in page.locator("body").inner_text(), page.url


def checked(page: Page) -> None:
    no_england(page)
    assert_accessible(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^(Sign out|Allgofnodi)$")).click()
    page.wait_for_load_state()


def admin_creates_a_member(page: Page, username: str, role: str) -> None:
    """The admin adds a user, then their membership of Cardiff, in the Django admin (the
    authority and the user are chosen by typing, as the admin's autocomplete asks)."""
    page.goto("/admin/accounts/user/add/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/admin/accounts/membership/add/")
    for field, text in (("user", username), ("authority", "Cardiff")):
        page.locator(f"#id_{field} + .select2 .select2-selection").click()
        page.locator(".select2-search__field").fill(text)
        page.locator(".select2-results__option", has_text=text).first.click()
    page.locator("#id_role").select_option(value=role)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")


def officer_enters_a_quarter(page: Page, key: str, numerator: str, comment: str = "") -> None:
    page.goto(f"/a/cardiff/entry/{key}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter figures for Q")
    checked(page)
    # A quarter is submitted whole: every measure due from Cardiff that quarter has a figure.
    # PM24 gets the figure the test follows; the others a plausible one each.
    measures = page.locator("main fieldset").filter(has=page.locator("h3"))
    for number in range(measures.count()):
        other = measures.nth(number)
        if other.get_by_label("Numerator", exact=True).count():
            other.get_by_label("Numerator", exact=True).fill("5")
            other.get_by_label("Denominator", exact=True).fill("10")
        else:
            other.locator("input[inputmode=decimal]").first.fill("10")
    measure = page.get_by_role("group", name=PM24, exact=True)
    measure.get_by_label("Numerator", exact=True).fill(numerator)
    measure.get_by_label("Denominator", exact=True).fill("200")
    if comment:
        measure.get_by_label("Commentary").fill(comment)
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Submitted")
    checked(page)


def test_a_welsh_council_from_nothing_to_a_councillor_reading_in_welsh(
    page: Page, live_server, fresh, tmp_path
) -> None:
    # The admin creates the council's users.
    sign_in(page, live_server, "admin", factories.PASSWORD)
    for username, role in (
        ("cardiff.officer", Role.OFFICER),
        ("cardiff.manager", Role.MANAGER),
        ("cardiff.cllr", Role.COUNCILLOR),
    ):
        admin_creates_a_member(page, username, role)
    assert set(Membership.objects.values_list("authority__slug", flat=True)) == {"cardiff"}

    # ... and imports the StatsWales download: published figures, approved as they come.
    upload(page, tmp_path, "statswales", "statswales_pm24.csv", STATSWALES)
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Ready to commit")
    expect(summary).to_contain_text("0 errors")
    checked(page)
    page.get_by_role("button", name=COMMIT).click()
    expect(summary).to_contain_text("Committed")
    checked(page)
    sign_out(page)

    # The officer enters Cardiff's own quarters; the entry page asks for the Welsh measures.
    sign_in(page, live_server, "cardiff.officer", PASSWORD)
    officer_enters_a_quarter(page, "fy-2017-18-q1", "140")
    expect(page.get_by_role("group", name=re.compile("single assessments"))).to_have_count(0)
    officer_enters_a_quarter(page, "fy-2017-18-q2", "150", COMMENT)
    sign_out(page)

    # The manager approves them.
    sign_in(page, live_server, "cardiff.manager", PASSWORD)
    for key in ("fy-2017-18-q1", "fy-2017-18-q2"):
        page.goto(f"/a/cardiff/review/{key}/")
        checked(page)
        page.get_by_role("button", name=re.compile("^Approve all")).click()
        expect(page.get_by_text(re.compile(r"Approved \d+ figure"))).to_be_visible()
    own = Figure.objects.filter(
        area__slug="cardiff", indicator__code="PM24", period__kind="quarter"
    )
    assert set(own.values_list("status", flat=True)) == {FigureStatus.APPROVED}
    assert own.count() == 2
    sign_out(page)

    # The officer composes the Welsh half-year report for Q2 and submits it.
    sign_in(page, live_server, "cardiff.officer", PASSWORD)
    page.goto("/a/cardiff/packs/add/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Committee").fill("Children and Young People Scrutiny Committee")
    page.get_by_label("Meeting date").fill("14/11/2017")
    page.get_by_label("Reporting period").select_option(label="Q2 2017/18")
    page.get_by_label("Welsh half-year performance report").check()
    checked(page)
    page.get_by_role("button", name="Create the pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    checked(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    compose_url = page.url
    sign_out(page)

    # The manager approves and publishes it.
    sign_in(page, live_server, "cardiff.manager", PASSWORD)
    page.goto(compose_url)
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Publish to councillors").click()
    expect(page.get_by_test_id("status")).to_have_text("Published")
    checked(page)
    sign_out(page)

    # A councillor reads it in English: the grid has the quarters, last year's year end and
    # the Welsh average.
    sign_in(page, live_server, "cardiff.cllr", PASSWORD)
    checked(page)
    page.get_by_role("link", name=re.compile("^Published scrutiny packs")).click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    standard = page.get_by_role("region", name=re.compile(r"^Quality standard 1:"))
    block = standard.get_by_test_id("grid-block")
    expect(block.get_by_role("rowheader")).to_have_text(
        ["Q1 2017/18", "Q2 2017/18", "2016-17 year end"]
    )
    expect(block.get_by_role("columnheader", name="Welsh average")).to_be_visible()
    rows = block.get_by_test_id("grid-row")
    expect(rows.nth(0)).to_contain_text("70.0%")
    expect(rows.nth(0)).to_contain_text("72.5% (Q1 2017/18)")
    expect(rows.nth(1)).to_contain_text("75.0%")
    expect(rows.nth(1)).to_contain_text(COMMENT)
    expect(rows.nth(2)).to_contain_text("68.4%")
    expect(rows.nth(2)).to_contain_text("71.2% (2016-17 year end)")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    checked(page)

    # ... and in Welsh, which the product remembers for them.
    page.get_by_role("button", name=re.compile("^Cymraeg")).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    block = page.get_by_test_id("grid-block").first
    expect(block.get_by_role("columnheader", name="Cyfartaledd Cymru")).to_be_visible()
    expect(block.get_by_role("rowheader")).to_have_text(
        ["Ch1 2017/18", "Ch2 2017/18", "diwedd blwyddyn 2016-17"]
    )
    expect(page.get_by_role("navigation", name="Cynnwys")).to_be_visible()
    assert "Lloegr" not in page.locator("body").inner_text()
    checked(page)
    assert User.objects.get(username="cardiff.cllr").language == "cy"

    # Back in English.
    page.get_by_role("button", name=re.compile("^English")).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en-GB"
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
