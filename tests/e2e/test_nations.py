"""An English measure's page names the Welsh measure it is paired with, and the Welsh
measure's page says it is not asked of an English authority (issue 17), in a browser with axe,
on the demo data (which loads the catalogue with its pairs)."""

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from accounts.services import membership_set, user_set
from indicators.models import Area
from tests.e2e.conftest import assert_accessible, sign_in

PASSWORD = "e2e-nations-password-2026"

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_follows_a_pair_from_the_english_measure_to_the_welsh_one(
    page: Page, live_server, eager_tasks, worked_demo
) -> None:
    user = user_set(actor=access.SYSTEM, username="wilts.nations", password=PASSWORD)
    membership_set(
        actor=access.SYSTEM, user=user, authority=Area.objects.get(slug="wiltshire"), role="officer"
    )
    sign_in(page, live_server, "wilts.nations", PASSWORD)
    page.goto(f"{live_server.url}/a/wiltshire/indicators/ASMT-45/")
    expect(page.get_by_test_id("applies-in")).to_contain_text("England only")
    pairs = page.get_by_test_id("pairings")
    expect(pairs).to_contain_text("Not comparable with PM24")
    expect(pairs).to_contain_text("(Wales): England counts single assessments")
    assert_accessible(page)

    pairs.get_by_role("link", name="PM24", exact=False).click()
    expect(page.get_by_test_id("applies-in")).to_contain_text("Wales only")
    expect(page.get_by_test_id("not-applicable")).to_have_text(
        "This measure applies in Wales only: Wiltshire is not asked for it."
    )
    expect(page.get_by_test_id("pairings")).to_contain_text("Not comparable with ASMT-45")
    expect(page.get_by_test_id("pairings")).to_contain_text("(England)")
    assert_accessible(page)
