"""The sign-in page, in a browser: accessible, refuses a wrong password, signs in and out."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in

PASSWORD = "correct horse battery staple"
SUFFIX = " \N{EN DASH} CSC Performance"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(
        username="a.officer", password=PASSWORD, first_name="Ada", last_name="Officer"
    )


def test_sign_in_page_is_accessible(page: Page, live_server):
    page.goto(reverse("accounts:login"))

    expect(page).to_have_title("Sign in" + SUFFIX)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("link", name="CSC Performance")).to_be_visible()
    assert_accessible(page)


def test_styles_and_scripts_load(page: Page, live_server):
    page.goto(reverse("accounts:login"))

    response = page.request.get("/static/dist/app.css")
    assert response.status == 200
    assert "text/css" in response.headers["content-type"]
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("system-ui"), font
    assert "serif" not in font.replace("sans-serif", "")
    # app.js ran as a module and initialised GOV.UK Frontend; plotly.js (over 1 MB) is loaded
    # only by pages with charts.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    assert page.evaluate("typeof window.Plotly") == "undefined"
    # The password component's "Show" button only appears once its JavaScript has run.
    expect(page.get_by_role("button", name="Show password")).to_be_visible()


def test_wrong_password_shows_error_summary(page: Page, live_server, officer):
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username", exact=True).fill("a.officer")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + "$"))
    expect(page).to_have_title("Error: Sign in" + SUFFIX)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Please enter a correct username and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page.locator(".app-header__user")).to_have_count(0)
    assert_accessible(page)


def test_right_password_signs_in_and_sign_out_signs_out(page: Page, live_server, officer):
    sign_in(page, live_server, "a.officer", PASSWORD)

    expect(page).to_have_url(live_server.url + reverse("start"))
    expect(page.locator(".app-header__user")).to_have_text("Ada Officer")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + "$"))
    expect(page.locator(".app-header__user")).to_have_count(0)
    # Signed out for real: the start page sends us back to sign in (if it needs a user), or at
    # least no longer shows anyone as signed in.
    page.goto(reverse("start"))
    expect(page.locator(".app-header__user")).to_have_count(0)


def test_repeated_failures_lock_the_sign_in(page: Page, live_server, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(reverse("accounts:login"))
        page.get_by_label("Username", exact=True).fill("a.officer")
        page.get_by_label("Password", exact=True).fill("not the password")
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    expect(page.locator("main")).to_contain_text("Try again in 30 minutes")
    assert_accessible(page)

    # Even the right password is refused while locked out.
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username", exact=True).fill("a.officer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
