"""The 403, 404, 500 and lockout pages, in a browser: styled, and accessible."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

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
    ],
)
def test_error_page(page: Page, live_server, template, heading):
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    # 500.html is rendered as Django's server_error view does: with no context at all.
    html = render_to_string(template, request=None if template == "500.html" else request)
    page.goto("/static/dist/app.css")  # any page of the live server, so /static/ URLs resolve
    page.set_content(html)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("system-ui"), "app.css did not load"
    assert_accessible(page)
