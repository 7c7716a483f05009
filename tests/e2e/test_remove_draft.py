"""Removing a draft figure saved by mistake, in a browser (issue 17): the officer saves a
figure for the wrong measure, follows "Remove this draft figure", is asked to confirm and to
say why, and the measure has no figure for the month again; a submitted figure is not offered
for removal."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Figure, FigureRemoval, FigureStatus
from tests.e2e.conftest import assert_accessible, sign_in
from tests.entry_world import PASSWORD, PLANS, EntryWorld, build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def entry_world(eager_tasks) -> EntryWorld:
    return build()


def indicator(page: Page, title: str):
    return page.get_by_role("group", name=title, exact=True)


def test_the_officer_removes_a_draft_saved_by_mistake(
    page: Page, live_server: Any, entry_world: EntryWorld
) -> None:
    world = entry_world
    sign_in(page, live_server, world.officer.username, PASSWORD)
    page.goto(world.url)
    indicator(page, PLANS).get_by_label("Number", exact=True).fill("640")  # the slip
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved 1 figure")
    expect(indicator(page, PLANS).get_by_test_id("state")).to_have_text("Draft")
    assert_accessible(page)

    indicator(page, PLANS).get_by_role("link", name=f"Remove this draft figure for {PLANS}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to remove this draft figure?"
    )
    expect(page.get_by_test_id("removal-details")).to_contain_text("640")
    assert_accessible(page)

    # Without a reason nothing is removed, and the page says what to do.
    page.get_by_role("button", name="Remove this draft figure").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say why you are removing it")
    expect(page).to_have_title(
        f"Error: Remove a draft figure – {world.authority.name} – CSC Performance"
    )
    assert_accessible(page)
    assert Figure.objects.filter(area=world.authority, period=world.month).exists()

    page.get_by_label("Why are you removing it?").fill("Entered for the wrong month")
    page.get_by_role("button", name="Remove this draft figure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Enter figures for {world.month.label}"
    )
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Removed the draft figure"
    )
    expect(indicator(page, PLANS).get_by_label("Number", exact=True)).to_have_value("")
    expect(indicator(page, PLANS).get_by_test_id("remove-draft")).to_have_count(0)
    assert_accessible(page)
    assert not Figure.objects.filter(area=world.authority, period=world.month).exists()
    assert FigureRemoval.objects.get().reason == "Entered for the wrong month"


def test_a_submitted_figure_is_not_offered_for_removal_and_the_page_says_why(
    page: Page, live_server: Any, entry_world: EntryWorld
) -> None:
    world = entry_world
    sign_in(page, live_server, world.officer.username, PASSWORD)
    page.goto(world.url)
    indicator(page, PLANS).get_by_label("Number", exact=True).fill("655")
    page.get_by_role("button", name="Save as draft").click()
    Figure.objects.filter(area=world.authority, period=world.month).update(
        status=FigureStatus.SUBMITTED
    )
    page.goto(world.url)
    expect(indicator(page, PLANS).get_by_test_id("remove-draft")).to_have_count(0)
    page.goto(f"{world.url}remove/{world.plans.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This figure cannot be removed")
    expect(page.get_by_test_id("refusal")).to_contain_text("has been submitted for approval")
    assert_accessible(page)
