"""Completeness and approval, returning a figure, and targets, in a browser with axe checks."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from indicators.models import Figure, FigureStatus, PeriodKind, TargetChange
from indicators.periods import add_months
from tests import factories
from tests.conftest import Personas, World
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def september(world: World, personas: Personas):
    september = factories.period(PeriodKind.MONTH, date(2021, 9, 1))
    visits = factories.IndicatorFactory(
        code="VISITS", title="% children seen within 4 weeks", frequency="monthly"
    )
    return factories.figure(
        world.authority_a, visits, september, "77", status=FigureStatus.SUBMITTED
    )


def test_a_manager_returns_then_approves_with_the_keyboard(
    page: Page, live_server, personas: Personas, september: Figure
) -> None:
    sign_in(page, live_server, "manager_a", factories.PASSWORD)
    page.goto("/a/authority-a/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Completeness and approval")
    assert_accessible(page)

    # The list offers the last 18 months; older ones are reached by their address.
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    expect(page.get_by_role("link", name=last_month.strftime("%B %Y"))).to_be_visible()
    page.goto("/a/authority-a/review/2021-09/")
    row = page.locator("tr[data-indicator='VISITS']")
    expect(row).to_contain_text("Submitted")
    assert_accessible(page)

    row.get_by_role("link", name="Return % children seen within 4 weeks with a comment").click()
    page.get_by_role("button", name="Return to the officers").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what needs to change")
    assert_accessible(page)
    page.get_by_label("What needs to change").fill("North's visits look low")
    page.get_by_role("button", name="Return to the officers").click()
    expect(page.locator("tr[data-indicator='VISITS']")).to_contain_text("Returned")

    september.refresh_from_db()
    september.status = FigureStatus.SUBMITTED  # the officer corrected and resubmitted it
    september.save()
    page.reload()
    approve = page.get_by_role("button", name="Approve % children seen within 4 weeks")
    approve.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Approved 1 figure for September 2021")).to_be_visible()
    expect(page.locator("tr[data-indicator='VISITS']")).to_contain_text("Approved")
    assert_accessible(page)


def test_an_officer_changes_a_target_and_sees_its_history(
    page: Page, live_server, personas: Personas, world: World
) -> None:
    sign_in(page, live_server, "officer_a", factories.PASSWORD)
    page.goto("/a/authority-a/targets/?year=fy-2017-18")
    expect(page.get_by_role("heading", level=1)).to_have_text("Targets for 2017/18")
    assert_accessible(page)
    page.get_by_role("link", name="Change the target for % assessments completed in time").click()
    page.get_by_label("Lower bound").fill("95")
    page.get_by_label("Upper bound").fill("90")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must not be below")
    assert_accessible(page)
    page.get_by_label("Lower bound").fill("88")
    page.get_by_label("Upper bound").fill("95")
    page.get_by_label("Why is the target being set or changed?").fill("Agreed at DMT")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator("tr[data-indicator='ASMT-T']")).to_contain_text("88–95%")
    assert TargetChange.objects.get().reason == "Agreed at DMT"
    page.goto("/a/authority-a/targets/ASMT-T/fy-2017-18/")
    expect(page.get_by_role("cell", name="Agreed at DMT")).to_be_visible()
    assert_accessible(page)


def test_a_manager_joins_the_benchmarking_club_and_releases_a_period(
    page: Page, live_server, personas: Personas, world: World
) -> None:
    """The club setting with its error, then on, then the period's release, by keyboard and
    mouse, each state checked with axe."""
    sign_in(page, live_server, "manager_a", factories.PASSWORD)
    page.goto("/a/authority-a/")
    page.get_by_role("link", name="Benchmarking club").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarking club")
    expect(page.get_by_test_id("club-state")).to_contain_text("does not share")
    assert_accessible(page)

    page.get_by_role("button", name="Save setting").click()
    expect(page.get_by_role("alert")).to_contain_text("Give a reason")
    assert_accessible(page)
    page.get_by_label("Yes: other authorities here see").check()
    page.get_by_label("Why is the setting changing?").fill("Joined the regional club")
    page.get_by_role("button", name="Save setting").click()
    expect(page.get_by_test_id("club-state")).to_contain_text("shares approved figures")
    expect(page.get_by_test_id("club-history")).to_contain_text("Joined the regional club")
    assert_accessible(page)

    page.goto("/a/authority-a/review/fy-2017-18/")
    release = page.get_by_role("button", name="Release 1 approved figure to the club")
    release.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Released 1 approved figure for 2017/18")).to_be_visible()
    expect(page.locator("tr[data-indicator='ASMT-T']")).to_contain_text("released to the club")
    assert_accessible(page)
