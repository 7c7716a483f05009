"""Browser tests: Playwright driving Debian's Chromium, with axe-core for accessibility.

Fixtures: `browser` (session), `page` (a fresh context per test, against `live_server`).
Helpers, imported by the tests: `sign_in(page, live_server, username, password)` and
`assert_accessible(page)`.

Every test in this folder is marked `e2e`, so `pytest -m "not e2e"` skips them all.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

# Playwright's sync API runs an event loop in this thread, which makes Django think the ORM is
# being called from async code. Here, and only here, that is a false alarm.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}

# WCAG 2.2 AA, as the Public Sector Bodies Accessibility Regulations require.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
_E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}; CI installs it")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies), with `live_server` as its base URL.

    The test fails if the page throws an uncaught script error, a static file fails to load
    (a missing stylesheet, script or image) or the Content Security Policy blocks something,
    since each means a broken page.
    """
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    new_page = context.new_page()
    problems: list[str] = []
    new_page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    # A blocked script or style is reported on the console, not as a page error.
    new_page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    new_page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} for {response.url}")
            if "/static/" in response.url and response.status >= 400
            else None
        ),
    )
    new_page.on(
        "requestfailed",
        lambda request: (
            problems.append(f"request failed: {request.url} ({request.failure})")
            # A navigation cancels requests still in flight: that is not a broken page.
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    try:
        yield new_page
    finally:
        context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


def sign_in(page: Page, live_server: Any, username: str, password: str) -> None:
    """Fill in the sign-in form as a person would, submit it, and check it let us in."""
    sign_in_path = reverse("accounts:login")
    page.goto(live_server.url + sign_in_path)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert sign_in_path not in page.url, (
        f"Signing in as {username!r} did not leave the sign-in page ({page.url})"
    )


def assert_accessible(page: Page) -> None:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page: zero violations."""
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response.get("violations", [])
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        targets = [
            " ".join(str(part) for part in node.get("target", []))
            for node in violation.get("nodes", [])[:3]
        ]
        more = len(violation.get("nodes", [])) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}"
            f" [{', '.join(targets)}{f' and {more} more' if more > 0 else ''}]"
        )
    pytest.fail("\n".join(lines), pytrace=False)
