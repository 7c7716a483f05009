"""The mappings of published files in the Django admin, in a browser: the list says which are
shipped (refreshed by each catalogue load) and which local, filters by origin, and an admin adds
a local mapping without a warning in sight; then the shipped referrals file still imports."""

import pytest
from playwright.sync_api import Page, expect

from returns.kinds.published_mappings_store import shipped_mappings_refresh
from returns.models import PublishedMapping
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(settings, tmp_path, eager_tasks):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    factories.IndicatorFactory(code="CPP-2ND", title="% second plans", unit="percent")
    shipped_mappings_refresh()
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def test_an_admin_sees_shipped_and_local_mappings_and_adds_a_local_one(
    page: Page, live_server, admin
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    page.goto("/admin/returns/publishedmapping/")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_contain_text("Shipped")
    expect(page.locator("#changelist-filter")).to_contain_text("By origin")
    assert_accessible(page)

    shipped = PublishedMapping.objects.get(name="re-referrals within 12 months")
    page.goto(f"/admin/returns/publishedmapping/{shipped.pk}/change/")
    expect(page.locator("fieldset").first).to_contain_text("every catalogue load refreshes it")
    assert_accessible(page)

    page.goto("/admin/returns/publishedmapping/add/")
    expect(page.locator("fieldset").first).to_contain_text("used with the shipped mappings")
    assert_accessible(page)
    page.locator("#id_name").fill("second plans, my layout")
    page.locator("#id_indicator_code").fill("CPP-2ND")
    page.locator("#id_file_hint").fill("my_cpp_file")
    page.locator("#id_value_column").fill("second_plan_pct")
    page.locator("#id_decimals").fill("1")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".messagelist .warning")).to_have_count(0)

    page.goto("/admin/returns/publishedmapping/?origin=local")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr")).to_contain_text("Local")
    assert_accessible(page)
    assert PublishedMapping.objects.filter(is_shipped=True, is_active=True).count() >= 9
