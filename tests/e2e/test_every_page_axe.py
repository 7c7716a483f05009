"""Every page of the app, opened in a real browser by someone allowed to see it, checked with
axe for WCAG 2.2 AA. The page list is the access walk's (the resolver's), so a new page is
checked here as soon as it has an access rule."""

import pytest
from playwright.sync_api import Page

from tests.accounts.test_access_walk import ALLOWED, EXPECTED, _path_for, app_urls
from tests.conftest import Personas, World
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Downloads and JSON are not pages.
NOT_PAGES = ("download", "export", "template", "reference", "progress", "csv", "history_csv", "pdf")


def _pages(world: World) -> list[tuple[str, str, str]]:
    """(name, path, persona): each HTML page with the first persona who may open it."""
    pages = []
    for name, route in app_urls():
        if name.startswith("admin:") or any(word in name for word in NOT_PAGES):
            continue
        rule = EXPECTED[name]
        who = next(
            (p for p in ("officer_a", "manager_a", "councillor_a", "admin") if rule[p] == ALLOWED),
            None,
        )
        if who is not None:
            pages.append((name, _path_for(route, world), who))
    return pages


def test_every_page_passes_axe(page: Page, live_server, personas: Personas, world: World) -> None:
    users = personas.all()
    signed_in_as = None
    checked = []
    for name, path, who in sorted(_pages(world), key=lambda item: item[2]):
        if who != signed_in_as:
            page.context.clear_cookies()
            sign_in(page, live_server, users[who].username, PASSWORD)
            signed_in_as = who
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (name, path, who)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        assert_accessible(page)
        checked.append(name)
    # The walk reached the pages this work added, not just a few.
    assert {"authority_home", "dashboard_rebuilds", "audits:quality", "complaints:voice"} <= set(
        checked
    )
    assert len(checked) >= 60, checked
