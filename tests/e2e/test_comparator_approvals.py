"""An admin approves the comparator figures an import left submitted (docs/0025): from the
import's page to the approval page, a group ticked and approved, then the rest at once."""

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Figure, FigureStatus
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.returns.test_approvals import waiting  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_approves_a_group_then_everything_left(
    page: Page,
    live_server,
    personas,
    waiting,  # noqa: F811
) -> None:
    _wales, _scotland, _measure, recent, older, _typed = waiting
    sign_in(page, live_server, "admin", factories.PASSWORD)
    expect(page.get_by_test_id("comparator-approvals")).to_contain_text(
        "7 figures of nations, regions and other areas await your approval"
    )
    page.goto(f"{live_server.url}/imports/{recent.pk}/")
    notice = page.get_by_test_id("awaiting-approval")
    expect(notice).to_contain_text("5 figures from this import await approval")
    notice.get_by_role("link", name="approve them").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Comparator figures awaiting approval"
    )
    expect(page.get_by_test_id("waiting-total")).to_contain_text("5 figures in 1 group")
    expect(page.get_by_test_id("waiting-group")).to_contain_text("Q1 2016/17 to 2016-17 year end")
    assert_accessible(page)

    # Every import again: three groups; the older import's ticked and approved alone.
    page.get_by_label("Import", exact=True).select_option("")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.get_by_test_id("waiting-group")).to_have_count(3)
    page.get_by_label(f"Approve Wales, PM24, import {older.pk}").check()
    page.get_by_test_id("approve-selected").click()
    expect(page.get_by_text("Approved 1 figure of Wales.")).to_be_visible()
    expect(page.get_by_test_id("waiting-group")).to_have_count(2)
    assert_accessible(page)

    page.get_by_test_id("approve-all").click()
    expect(page.get_by_text("Approved 6 figures of Scotland and Wales.")).to_be_visible()
    expect(page.get_by_test_id("waiting-total")).to_have_text("No comparator figures are waiting.")
    assert (
        not Figure.objects.filter(status=FigureStatus.SUBMITTED)
        .exclude(area__slug="authority-a")
        .exists()
    )
    assert_accessible(page)
