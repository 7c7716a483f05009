"""The benchmarking page in a browser: the chart drawn by the local plotly.js, the summary, the
ranked table, choosing another group and period, and a bad choice; axe on each."""

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Area
from tests import factories
from tests.conftest import Personas, World
from tests.e2e.conftest import assert_accessible, sign_in
from tests.indicators.test_benchmarking import SEVEN, published, south_west

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/a/authority-a/indicators/ASMT-T/benchmarking/"


@pytest.fixture
def region(world: World) -> Area:
    region = south_west(world, SEVEN)
    factories.figure(world.england, world.indicator, factories.financial_year(2017), "84")
    for slug, value in (("devon", "91"), ("dorset", "89")):
        published(Area.objects.get(slug=slug), world, 2016, value)
    return region


def test_officer_sees_the_ranking_chart_table_and_summary(
    page: Page, live_server, personas: Personas, region: Area
) -> None:
    sign_in(page, live_server, "officer_a", factories.PASSWORD)
    page.goto(URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("% assessments completed in time")
    expect(page.get_by_test_id("summary")).to_have_text(
        "Authority A is ranked joint 3rd of 7 in the South West region, in quartile B, "
        "for 2017/18, with 87%."
    )
    # plotly.js, served locally, drew the bars, and no "Produced with Plotly" button is shown.
    chart = page.locator(".app-chart--benchmark")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator(".barlayer .point")).to_have_count(7)
    expect(page.locator(".modebar-btn[data-title^='Produced with Plotly']")).to_have_count(0)
    table = page.get_by_test_id("ranking-table")
    expect(table.locator("tbody tr")).to_have_count(7)
    expect(table.locator("tbody tr").first).to_contain_text("Devon")
    expect(page.get_by_test_id("own-row")).to_contain_text("(this authority)")
    expect(page.get_by_test_id("unranked-table")).to_contain_text("Torbay")
    expect(page.get_by_test_id("published-comparators")).to_contain_text("England")
    assert_accessible(page)

    # Another period, chosen with the form.
    page.get_by_label("Period").select_option("fy-2016-17")
    page.get_by_role("button", name="Show the ranking").click()
    expect(page.get_by_test_id("summary")).to_contain_text("for 2016/17")
    expect(page.get_by_test_id("ranking-table").locator("tbody tr")).to_have_count(3)
    assert_accessible(page)


def test_a_bad_choice_gets_a_message_and_the_form(
    page: Page, live_server, personas: Personas, region: Area
) -> None:
    sign_in(page, live_server, "manager_a", factories.PASSWORD)
    response = page.goto(URL + "?group=region&period=fy-2030-31")
    assert response is not None and response.status == 400
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There are no figures in the South West region for 2030/31")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Period")).to_be_focused()
    assert_accessible(page)
