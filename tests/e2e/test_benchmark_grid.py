"""The benchmarking grid in a browser: from the benchmarking page to a new saved view, the
quartiles in words as well as colour, a download, and a grid tried without saving; axe on
each page."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Area
from indicators.view_models import BenchmarkView
from tests import factories
from tests.conftest import Personas, World
from tests.e2e.conftest import assert_accessible, sign_in
from tests.indicators.test_benchmarking import SEVEN, south_west

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def region(world: World) -> Area:
    return south_west(world, SEVEN)


def test_officer_makes_a_view_sees_quartile_words_and_downloads_it(
    page: Page, live_server, personas: Personas, region: Area
) -> None:
    sign_in(page, live_server, "officer_a", factories.PASSWORD)
    page.goto("/a/authority-a/indicators/ASMT-T/benchmarking/")
    page.get_by_test_id("grid-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarking grids")
    assert_accessible(page)
    page.get_by_role("link", name="Make a new view").click()
    assert_accessible(page)

    # Saved without a name or measures: told what to fix, and the link takes you there.
    page.get_by_role("button", name="Save the view").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give the view a name.")
    expect(summary).to_contain_text("Choose which authorities are the rows.")
    assert_accessible(page)

    page.get_by_label("Name of the view").fill("South West timeliness")
    page.get_by_role("radio", name="The authorities of a region").check()
    page.get_by_role("combobox", name="Region").select_option(label="South West")
    page.get_by_label("% assessments completed in time").check()
    page.get_by_role("button", name="Save the view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("South West timeliness")
    assert BenchmarkView.objects.get().name == "South West timeliness"

    table = page.get_by_test_id("grid-table")
    expect(table.locator("caption")).to_contain_text("the authorities of the South West region")
    expect(table.get_by_role("columnheader").nth(1)).to_contain_text("Period: 2017/18")
    devon = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Devon"))
    expect(devon).to_contain_text("95%")
    expect(devon).to_contain_text("Rank 1 of 7, best quartile")
    swindon = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Swindon"))
    expect(swindon).to_contain_text("worst quartile")
    expect(page.get_by_test_id("own-row")).to_contain_text("(your authority)")
    expect(page.get_by_test_id("quartile-key")).to_contain_text("Best quartile")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as a CSV file (comma-separated values)").click()
    download = info.value
    assert download.suggested_filename == "benchmarking-grid-south-west-timeliness.csv"
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert ["Devon", "", "95", "95%", "1", "best quartile"] in rows


def test_a_grid_tried_without_saving_can_then_be_saved(
    page: Page, live_server, personas: Personas, region: Area
) -> None:
    sign_in(page, live_server, "manager_a", factories.PASSWORD)
    page.goto("/benchmarking/grid/try/")
    page.get_by_role("radio", name="The authorities of a region").check()
    page.get_by_role("combobox", name="Region").select_option(label="South West")
    page.get_by_label("% assessments completed in time").check()
    page.get_by_role("button", name="Show the grid").click()
    expect(page.get_by_test_id("grid-table")).to_contain_text("best quartile")
    assert not BenchmarkView.objects.exists()
    assert_accessible(page)
    page.get_by_test_id("save-tried").click()
    # The form comes back filled in with what was tried: only the name is wanted.
    expect(page.get_by_label("% assessments completed in time")).to_be_checked()
    page.get_by_label("Name of the view").fill("Tried")
    page.get_by_role("button", name="Save the view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tried")
    view = BenchmarkView.objects.get()
    assert (view.owner.username, view.indicator_codes) == ("manager_a", ["ASMT-T"])
