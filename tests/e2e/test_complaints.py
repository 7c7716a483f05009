"""The complaints, compliments and voice page in a browser: charts drawn by the local plotly.js,
their tables, and a compliment whose quote names someone, cleared on the review page; axe on
each page."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role
from complaints.demo import complaints_demo_load
from indicators.demo import demo_load
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wiltshire_officer(db, eager_tasks) -> str:
    demo_load()
    complaints_demo_load()
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
