"""The indicator page in a browser (issue 18): figures at the precision they were published
(19.1%, not 19%), the good or outstanding authorities' mean named with how many authorities it
averages and as at when, an entered comparator value said to be entered, the history at the
stored precision, and the chart's hover text saying which each comparator point is; axe on
the page."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.conftest import Personas, World
from tests.e2e.conftest import assert_accessible, sign_in
from tests.indicators.test_comparator_pages import good_comparator, published_precisely

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/a/authority-a/indicators/ASMT-T/"


def test_the_page_shows_published_precision_and_says_which_each_comparator_value_is(
    page: Page, live_server, world: World, personas: Personas
) -> None:
    published_precisely(world)
    good_comparator(world)
    sign_in(page, live_server, "officer_a", factories.PASSWORD)
    page.goto(URL)

    table = page.get_by_test_id("trend-table")
    expect(table).to_contain_text("19.1%")
    expect(table).to_contain_text("17.5%")
    expect(table).to_contain_text(
        "mean of 2 good or outstanding authorities (Ofsted judgements as at 31 March 2018)"
    )
    expect(table).to_contain_text("(2015/16, entered)")
    history = page.get_by_test_id("history-table")
    expect(history).to_contain_text("19.0%")
    expect(history).to_contain_text("18.8%")

    # The chart's summary, read out with it, and its hover text carry the same words.
    expect(page.get_by_test_id("trend-summary")).to_contain_text(
        "Good 65.3% (2017/18, mean of 2 good or outstanding authorities"
    )
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
    figure = json.loads(page.locator("#trend-chart-data").text_content() or "{}")
    hover = " ".join(text for trace in figure["data"] for text in trace.get("text") or [])
    assert "mean of 2 good or outstanding authorities" in hover
    assert "Good: 22% (2015/16, entered)" in hover
    assert "19.1%" in hover
    assert_accessible(page)
