"""The 403, 404, 500, 503, CSRF and lockout pages, in a browser: styled, and accessible."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_not_found_page(page: Page, live_server, settings):
    settings.DEBUG = False  # Django's technical 404 page stands in for ours under DEBUG

    response = page.goto("/no-such-page/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("403.html", "You do not have access to this page"),
        ("500.html", "Sorry, there is a problem with the service"),
        ("503.html", "Sorry, the service is unavailable"),
    ],
)
def test_error_page(page: Page, live_server, template, heading):
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    # 500.html is rendered as Django's server_error view does, and 503.html as the database
    # being unreachable does (config/errors.py): with no context at all.
    bare = template in ("500.html", "503.html")
    html = render_to_string(template, request=None if bare else request)
    page.goto("/static/dist/app.css")  # any page of the live server, so /static/ URLs resolve
    page.set_content(html)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("system-ui"), "app.css did not load"
    assert_accessible(page)


def test_a_form_refused_for_its_token_says_what_to_do(page: Page, live_server):
    factories.UserFactory(username="officer")
    sign_in(page, live_server, "officer", factories.PASSWORD)
    # The form's token no longer matches: as after signing in again in another tab.
    page.context.clear_cookies(name="csrftoken")

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    expect(page.get_by_text("go back to the form and reload the page")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_be_visible()  # the site's own page
    assert_accessible(page)


def test_a_sign_in_refused_for_its_token_leads_back_to_sign_in(page: Page, live_server):
    factories.UserFactory(username="officer")
    page.goto("/accounts/sign-in/")
    page.context.clear_cookies(name="csrftoken")
    page.get_by_label("Username", exact=True).fill("officer")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    assert_accessible(page)
    page.get_by_role("link", name="sign in again").click()
    sign_in(page, live_server, "officer", factories.PASSWORD)
