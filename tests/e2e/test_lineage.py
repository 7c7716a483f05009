"""A reorganised authority's indicator page shows the reorganisation as a labelled break on its
trend (issue 18), in a browser with axe, on the demo data (whose catalogue load brings the
shipped lineage: Dorset County split into Dorset and BCP in April 2019)."""

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from accounts.services import membership_set, user_set
from indicators.models import Area, Indicator
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in

PASSWORD = "e2e-lineage-password-2026"
LABEL = "Dorset County split into Dorset and Bournemouth, Christchurch and Poole, April 2019"

pytestmark = pytest.mark.django_db(transaction=True)


def test_dorsets_trend_marks_the_day_dorset_county_split(
    page: Page, live_server, eager_tasks, worked_demo
) -> None:
    dorset = Area.objects.get(dfe_code="838")
    indicator = Indicator.objects.get(code="CIN-AT31")
    for year, value in ((2017, "1610"), (2018, "1655"), (2019, "1420"), (2020, "1390")):
        factories.figure(dorset, indicator, factories.financial_year(year), value)
    user = user_set(actor=access.SYSTEM, username="dorset.lineage", password=PASSWORD)
    membership_set(actor=access.SYSTEM, user=user, authority=dorset, role="officer")
    sign_in(page, live_server, "dorset.lineage", PASSWORD)
    page.goto(f"{live_server.url}/a/{dorset.slug}/indicators/CIN-AT31/")
    # In words below the chart, for every reader...
    expect(page.get_by_test_id("lineage-breaks")).to_contain_text(f"{LABEL}.")
    # ...and on the chart itself, drawn by plotly as a label beside a dotted line.
    chart = page.locator(".app-chart").first
    expect(chart.locator(".annotation-text").first).to_contain_text("Dorset County split into")
    expect(chart.locator(".shapelayer path, .layer-above .shapelayer path").first).to_be_attached()
    assert_accessible(page)


def test_an_admin_lists_the_shipped_lineage_and_adds_a_step(
    page: Page, live_server, eager_tasks, worked_demo
) -> None:
    user_set(
        actor=access.SYSTEM,
        username="lineage.admin",
        password=PASSWORD,
        is_admin=True,
    )
    sign_in(page, live_server, "lineage.admin", PASSWORD)
    page.goto("/admin/indicators/areasuccession/")
    rows = page.locator("#result_list tbody tr")
    expect(rows.filter(has_text="Northamptonshire")).to_have_count(2)
    expect(rows.filter(has_text="Westmorland and Furness")).to_contain_text("Split into two")
    # The admin's breadcrumbs are underlined on this page (css/admin_targets.css): told apart
    # by colour alone, they would fail link-in-text-block.
    assert_accessible(page)

    # A step invented for the test, its areas chosen by typing (the admin's autocomplete).
    page.goto("/admin/indicators/areasuccession/add/")
    for field, text in (("predecessor", "Worcestershire"), ("successor", "Wiltshire")):
        page.locator(f"#id_{field} + .select2 .select2-selection").click()
        page.locator(".select2-search__field").fill(text)
        page.locator(".select2-results__option", has_text=text).first.click()
    page.locator("#id_took_effect").fill("2030-04-01")
    page.locator("#id_change").select_option(value="absorbed")
    assert_accessible(page)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
