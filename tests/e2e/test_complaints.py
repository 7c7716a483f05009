"""The complaints, compliments and voice page in a browser: charts drawn by the local plotly.js,
their tables, and a compliment whose quote names someone, cleared on the review page; axe on
each page."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wiltshire_officer(db, eager_tasks, worked_demo_with_complaints) -> str:
    user = factories.UserFactory(username="wilts_officer")
    from indicators.models import Area

    Membership.objects.create(
        user=user, authority=Area.objects.get(slug="wiltshire"), role=Role.OFFICER
    )
    return user.username


def test_page_with_charts_and_a_compliment_cleared_on_the_review_page(
    page: Page, live_server, wiltshire_officer: str
) -> None:
    sign_in(page, live_server, wiltshire_officer, factories.PASSWORD)
    page.goto("/a/wiltshire/")
    page.get_by_role("link", name="Complaints, compliments and voice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Complaints, compliments and voice")
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
    expect(page.locator(".app-chart")).to_have_count(4)
    for chart in page.locator(".app-chart").all():
        expect(chart.locator(".main-svg").first).to_be_visible()
    expect(page.get_by_test_id("outcomes-chart-summary")).to_contain_text("77")
    expect(page.get_by_test_id("outcomes-chart-summary")).to_contain_text("against 111")
    expect(page.get_by_test_id("compliment-totals")).to_contain_text("61 compliments in 2017/18")
    assert_accessible(page)

    page.get_by_role("link", name="Add a compliment").click()
    page.get_by_label("Date received").fill("02/03/2018")
    page.get_by_label("Themes").fill("Good Communication & Relationship")
    page.get_by_label("Quote").fill("Jayden's social worker was brilliant, thanks to Mrs smith")
    assert_accessible(page)
    page.get_by_role("button", name="Add").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review a compliment")
    expect(page.get_by_test_id("preview-text")).to_have_text(
        "XXXX social worker was brilliant, thanks to XXXX"
    )
    assert_accessible(page)
    page.get_by_label("Add a name or detail the flags missed").fill("brilliant")
    page.get_by_role("button", name="Flag these words").click()
    expect(page.get_by_test_id("preview-text")).to_have_text(
        "XXXX social worker was XXXX, thanks to XXXX"
    )
    # "brilliant" was a false flag after all: untick it, then confirm.
    page.get_by_label("“brilliant” (added by a person)").uncheck()
    page.get_by_role("button", name="Confirm and clear").click()
    expect(page.get_by_test_id("nothing-to-review")).to_be_visible()
    assert_accessible(page)

    page.goto("/a/wiltshire/voice/")
    quotes = page.get_by_test_id("quotes")
    expect(quotes).to_contain_text("XXXX social worker was brilliant, thanks to XXXX")
    expect(page.locator("body")).not_to_contain_text("Jayden")
    expect(page.locator("body")).not_to_contain_text("smith")
    expect(page.get_by_test_id("compliment-totals")).to_contain_text("62 compliments in 2017/18")


def test_a_bad_compliment_gets_a_message_and_writes_nothing(
    page: Page, live_server, wiltshire_officer: str
) -> None:
    from complaints.models import Compliment

    before = Compliment.objects.count()
    sign_in(page, live_server, wiltshire_officer, factories.PASSWORD)
    page.goto("/a/wiltshire/voice/compliments/add/")
    page.get_by_label("Date received").fill("31/02/2018")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    assert Compliment.objects.count() == before


def test_a_complaint_added_answered_and_removed(
    page: Page, live_server, wiltshire_officer: str
) -> None:
    from complaints.models import Complaint

    sign_in(page, live_server, wiltshire_officer, factories.PASSWORD)
    page.goto("/a/wiltshire/voice/complaints/")
    page.get_by_role("link", name="Add a complaint").click()
    page.get_by_label("Reference").fill("CMP-2018-0999")
    page.get_by_label("Stage").select_option("1")
    page.get_by_label("Date received").fill("05/03/2018")
    page.get_by_label("Team").fill("North")
    page.get_by_label("Themes").fill("Communication")
    assert_accessible(page)
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Complaint CMP-2018-0999 added."
    )

    page.get_by_role("link", name=re.compile(r"CMP-2018-0999\W+record the response")).click()
    page.get_by_label("Date of the response").fill("12/03/2018")
    page.get_by_label("Outcome").select_option("upheld")
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Response to CMP-2018-0999 recorded."
    )
    complaint = Complaint.objects.get(reference="CMP-2018-0999")
    assert complaint.outcome == "upheld" and complaint.within_timescale is True

    page.get_by_role("link", name="Remove complaint CMP-2018-0999").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove complaint CMP-2018-0999?")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "summary figures are worked out again"
    )
    assert_accessible(page)
    assert Complaint.objects.filter(reference="CMP-2018-0999").exists()
    # No reason, no removal: the error summary says what is missing.
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you are removing it")
    assert_accessible(page)
    assert Complaint.objects.filter(reference="CMP-2018-0999").exists()
    page.get_by_label("Why are you removing it?").fill("Logged twice")
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Complaints log")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Complaint CMP-2018-0999 removed"
    )
    expect(page.get_by_test_id("complaint-table")).not_to_contain_text("CMP-2018-0999")
    assert not Complaint.objects.filter(reference="CMP-2018-0999").exists()

    # The record of removals, from the voice page: who, when, what and why.
    page.goto("/a/wiltshire/voice/")
    page.get_by_role("link", name=re.compile("Removed records")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Removed records")
    row = page.get_by_test_id("removals").locator("tbody tr").first
    expect(row).to_contain_text(
        "Complaint CMP-2018-0999, Stage 1 (local resolution), received 5 March 2018, answered "
        "12 March 2018: upheld"
    )
    expect(row).to_contain_text("Logged twice")
    assert_accessible(page)
