"""The team managers' dashboard and the admins' dashboards page, in a browser, on the demo."""

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from accounts.services import membership_set, user_set
from indicators.models import Area
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in

PASSWORD = "e2e-dashboard-password-2026"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def devon_manager(eager_tasks, worked_demo):
    user = user_set(actor=access.SYSTEM, username="devon.manager", password=PASSWORD)
    membership_set(
        actor=access.SYSTEM, user=user, authority=Area.objects.get(slug="devon"), role="manager"
    )
    return user


def test_a_manager_reads_the_dashboard_and_narrows_it(page: Page, live_server, devon_manager):
    sign_in(page, live_server, "devon.manager", PASSWORD)
    page.goto("/a/devon/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children’s social care dashboard")
    expect(page.get_by_test_id("currency")).to_contain_text("Figures as at")
    expect(page.get_by_test_id("currency")).to_contain_text("dashboard rebuilt at")
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    visits = page.locator("li.app-tile[data-indicator='CIN-VISITS']")
    expect(visits).to_contain_text("September 2021")
    expect(visits.locator("svg.app-sparkline")).to_have_count(1)
    expect(visits.locator("dt", has_text="Rating")).to_be_visible()
    assert_accessible(page)

    # One locality's dashboard: the same measure, North's figure.
    page.get_by_label("Team or locality").select_option(label="Locality: North")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Children’s social care dashboard: Locality: North"
    )
    expect(page.locator("li.app-tile[data-indicator='CIN-VISITS'] .app-figure")).to_have_text("59%")
    assert_accessible(page)

    # One theme only.
    page.get_by_label("Team or locality").select_option(label="The whole authority")
    first_theme = page.locator("#theme option").nth(1)
    name = first_theme.inner_text()
    page.get_by_label("Theme").select_option(label=name)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("h2[id^='theme-']")).to_have_count(1)
    expect(page.locator("h2[id^='theme-']")).to_have_text(name)


def test_an_admin_rebuilds_every_dashboard(page: Page, live_server, devon_manager):
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in(page, live_server, "root", factories.PASSWORD)
    page.get_by_role("link", name="Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboards")
    devon = page.locator("tr[data-authority='devon']")
    expect(devon).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Rebuild every dashboard").click()
    count = Area.objects.authorities().count()
    expect(page.get_by_text(f"Rebuilding {count} dashboards.")).to_be_visible()
    # Tasks run in-process here, so the rebuild is done when the page comes back.
    expect(page.get_by_test_id("rebuild-done")).to_contain_text(
        f"{count} of {count} dashboards rebuilt"
    )
    expect(devon).to_contain_text("Current")
    assert_accessible(page)
