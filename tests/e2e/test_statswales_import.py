"""A StatsWales download imported in a browser (issue 17): an admin uploads a file in the
StatsWales layout (title lines, a column per year and quarter, StatsWales's marks), reviews it,
commits it, and a Cardiff officer sees the Wales figures beside Cardiff's on the measure's
page; a file naming an area that is not Welsh is refused with its row and cannot be committed.
Every page is checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from indicators.models import Area, Figure, FigureSource, FigureStatus
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_return_imports import COMMIT, refused, upload

pytestmark = pytest.mark.django_db(transaction=True)

DOWNLOAD = (
    "\ufeffPM24: % of assessments completed for children within statutory timescales\n"
    "Source: StatsWales, Welsh Government\n"
    "\n"
    "Area,Area code,2016-17,2017-18 Q1,2017-18 Q2\n"
    "Wales,W92000004,89.2,90.4,..\n"
    "Cardiff,W06000015,85.3,87.0,*\n"
    "Swansea,W06000011,92.1,-,.\n"
).encode()


@pytest.fixture
def admin(loaded_catalogue, settings, tmp_path, eager_tasks):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = factories.UserFactory(username="cardiff_officer")
    factories.MembershipFactory(
        user=officer, authority=Area.objects.get(slug="cardiff"), role=Role.OFFICER
    )
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def test_a_statswales_download_is_imported_and_wales_shows_on_cardiffs_page(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "statswales", "statswales_pm24.csv", DOWNLOAD)
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Ready to commit")
    expect(summary).to_contain_text("9 new, 0 changed, 0 unchanged")
    expect(summary).to_contain_text("0 errors")
    assert_accessible(page)
    assert not Figure.objects.exists()

    page.get_by_role("button", name=COMMIT).click()
    expect(summary).to_contain_text("Committed")
    assert_accessible(page)
    assert set(Figure.objects.values_list("source", "status")) == {
        (FigureSource.PUBLISHED, FigureStatus.APPROVED)
    }

    page.context.clear_cookies()
    sign_in(page, live_server, "cardiff_officer", factories.PASSWORD)
    page.goto("/a/cardiff/indicators/PM24/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("% of assessments completed")
    table = page.get_by_test_id("trend-table")
    expect(table.locator("thead")).to_contain_text("Wales")
    # The value as published (87.0, not 87), and Wales's figure for the same quarter beside it.
    quarter = table.locator("tbody tr", has_text="Q1 2017/18")
    expect(quarter).to_contain_text("87.0%")
    expect(quarter).to_contain_text("90.4% (Q1 2017/18, published)")
    # StatsWales's marks are not zeros: "*" is suppressed, and Wales's ".." is no figure.
    expect(table.locator("tbody tr", has_text="Q2 2017/18")).to_contain_text("suppressed (c)")
    expect(table.locator("tbody tr", has_text="Q2 2017/18")).to_contain_text("no figure")
    # Wales's ".." for Q2 is the news for Q2: its Q1 figure is not carried past it.
    expect(table.locator("tbody tr", has_text="Q2 2017/18")).not_to_contain_text("90.4%")
    assert_accessible(page)


def test_a_download_naming_an_area_outside_wales_is_refused_with_its_row(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    content = DOWNLOAD.replace(b"Swansea,W06000011", b"England,E92000001")
    upload(page, tmp_path, "statswales", "statswales_pm24.csv", content)
    refused(page, "Row 7 names 'E92000001', which is not Wales or one of the 22 Welsh")
    assert not Figure.objects.exists()
