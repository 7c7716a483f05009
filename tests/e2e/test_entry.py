"""The entry page in a browser: an officer enters a month with a mistake, sees the error, fixes
it, saves and submits; and the same entry done with the keyboard alone."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Figure, FigureStatus
from tests.e2e.conftest import assert_accessible, sign_in
from tests.entry_world import CASELOAD, PASSWORD, PLANS, STAFF, VISITS, EntryWorld, build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def entry_world(eager_tasks) -> EntryWorld:
    return build()


def indicator(page: Page, title: str):
    """An indicator's fieldset, found as a screen reader announces it: a group named by its
    legend."""
    return page.get_by_role("group", name=title, exact=True)


def officer_enters_and_submits_a_month(page: Page, live_server: Any, world: EntryWorld) -> None:
    """The officer's half of issue 3's "done when": sign in, enter a month of figures with one
    invalid value, see the error, fix it, save and submit. Ends on the entry page with every
    figure submitted; the manager's approval follows (see the lead's review tests)."""
    sign_in(page, live_server, world.officer.username, PASSWORD)
    page.goto(f"/a/{world.authority.slug}/")
    page.get_by_role("link", name="Enter figures", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter figures")
    assert_accessible(page)

    page.get_by_role("link", name=world.month.label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Enter figures for {world.month.label}"
    )
    expect(indicator(page, PLANS)).to_contain_text("Last period: 625")
    assert_accessible(page)

    indicator(page, PLANS).get_by_label("Number", exact=True).fill("655")
    visits = indicator(page, VISITS)
    visits.get_by_label("Numerator", exact=True).fill("210")  # the mistake: above 200
    visits.get_by_label("Denominator", exact=True).fill("200")
    localities = visits.get_by_role("group", name="By locality")
    localities.get_by_label("North", exact=True).fill("78")
    localities.get_by_label("South", exact=True).fill("82")
    indicator(page, CASELOAD).get_by_label("Average", exact=True).fill("18.5")
    staff = indicator(page, STAFF)
    staff.get_by_label("Full-time equivalent (FTE)", exact=True).fill("10.5")
    staff.get_by_label("Social worker", exact=True).fill("8.5")
    staff.get_by_label("Team manager", exact=True).fill("2")
    page.get_by_role("button", name="Save as draft").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("the numerator (210) cannot be more than the denominator")
    expect(page).to_have_title(
        f"Error: Enter figures for {world.month.label} – Northshire – CSC Performance"
    )
    assert_accessible(page)
    # Nothing was saved, and nothing typed was lost.
    assert not Figure.objects.filter(area=world.authority, period=world.month).exists()
    expect(indicator(page, CASELOAD).get_by_label("Average", exact=True)).to_have_value("18.5")

    summary.get_by_role("link").first.click()
    numerator = indicator(page, VISITS).get_by_label("Numerator", exact=True)
    expect(numerator).to_be_focused()
    numerator.fill("160")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Saved 8 figures as draft"
    )
    expect(indicator(page, VISITS).get_by_test_id("state")).to_have_text("Draft")
    assert_accessible(page)

    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Submitted 8 figures for approval"
    )
    for title in (PLANS, VISITS, CASELOAD, STAFF):
        expect(indicator(page, title).get_by_test_id("state")).to_have_text("Submitted")
    assert_accessible(page)


def test_officer_enters_a_month_the_manager_approves_and_the_pages_show_it(
    page: Page, live_server: Any, entry_world: EntryWorld, browser: Any
) -> None:
    officer_enters_and_submits_a_month(page, live_server, entry_world)
    figures = Figure.objects.filter(area=entry_world.authority, period=entry_world.month)
    assert figures.count() == 8
    assert set(figures.values_list("status", flat=True)) == {FigureStatus.SUBMITTED}
    visits = figures.get(indicator=entry_world.visits, breakdown=None)
    assert (visits.numerator, visits.denominator, visits.value) == (160, 200, 80)

    # The manager, in a browser of their own, approves everything submitted.
    context = browser.new_context(base_url=live_server.url)
    manager = context.new_page()
    try:
        sign_in(manager, live_server, entry_world.manager.username, PASSWORD)
        manager.goto(f"/a/{entry_world.authority.slug}/review/{entry_world.month.url_key}/")
        expect(manager.locator(f"tr[data-indicator='{entry_world.visits.code}']")).to_contain_text(
            "Submitted"
        )
        assert_accessible(manager)
        manager.get_by_role("button", name="Approve all 4 submitted measures").click()
        expect(manager.get_by_text("Approved 8 figures")).to_be_visible()
        expect(manager.locator(f"tr[data-indicator='{entry_world.visits.code}']")).to_contain_text(
            "Approved"
        )

        # The dashboard (rebuilt in-process after the approval, as with the embedded default)
        # and the indicator page show the new value and its history.
        manager.goto(f"/a/{entry_world.authority.slug}/")
        row = manager.locator(f"li[data-indicator='{entry_world.visits.code}']")
        expect(row).to_contain_text("80%")
        expect(row).to_contain_text(entry_world.month.label)
        row.get_by_role("link").first.click()
        expect(manager.get_by_test_id("headline")).to_contain_text(
            f"80% in {entry_world.month.label}"
        )
        history = manager.get_by_test_id("history-table")
        expect(history).to_contain_text("Approved")
        expect(history).to_contain_text("Entered on the entry form")
        expect(history).to_contain_text(str(entry_world.officer))
        assert_accessible(manager)
    finally:
        context.close()
    assert set(figures.values_list("status", flat=True)) == {FigureStatus.APPROVED}


def test_one_indicator_entered_with_the_keyboard_alone(
    page: Page, live_server: Any, entry_world: EntryWorld
) -> None:
    sign_in(page, live_server, entry_world.officer.username, PASSWORD)
    page.goto(entry_world.url)
    target = "E-PLANS-value"
    for _press in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == target:
            break
    else:
        pytest.fail(f"Tabbing never reached #{target}")
    expect(page.locator(f"#{target}")).to_be_focused()
    page.keyboard.type("655")
    page.keyboard.press("Tab")  # on to the next field, as a person checking their entry would
    page.keyboard.press("Shift+Tab")
    expect(page.locator(f"#{target}")).to_be_focused()
    page.keyboard.press("Enter")  # submits the form with its first button: Save as draft
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Saved 1 figure as draft"
    )
    figure = Figure.objects.get(
        area=entry_world.authority, period=entry_world.month, indicator=entry_world.plans
    )
    assert figure.value == 655 and figure.status == FigureStatus.DRAFT
    assert_accessible(page)
