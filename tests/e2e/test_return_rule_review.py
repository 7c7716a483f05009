"""A statutory return with DfE rule failures in a browser (issue 19, docs/0028): the admin sees
the failures per rule, downloads the error report, accepts the errors and commits; the report
is then gone. Every page is checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Area, Figure
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_return_imports import admin, upload  # noqa: F401 - the admin fixture
from tests.returns.dfe_rule_sets import rules_only
from tests.returns.test_return_rules import PLANTED, SEX_NOT_VALID, WITH_RULE_ERRORS

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_return_with_rule_failures_is_reviewed_reported_and_committed(
    page: Page,
    live_server,
    admin,  # noqa: F811 - the fixture imported above
    tmp_path,
    monkeypatch,
) -> None:
    rules_only(monkeypatch, *PLANTED)
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "ssda903", "ssda903_2025.zip", WITH_RULE_ERRORS, year=2025)

    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Has errors")
    failures = page.get_by_test_id("rule-failures")
    expect(failures).to_contain_text("101")
    expect(failures).to_contain_text("Error")  # in words, not only the tag's colour
    expect(failures).to_contain_text(SEX_NOT_VALID)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="error report (CSV)").click()
    report = download.value.path().read_text(encoding="utf-8-sig")
    assert report.count(SEX_NOT_VALID) == 2

    commit = page.get_by_role("button", name="Commit with 2 known errors")
    page.get_by_label("I accept the 2 DfE rule errors in this return").check()
    commit.click()
    expect(summary).to_contain_text("Committed")
    assert Figure.objects.exists()
    expect(page.get_by_test_id("rule-report-gone")).to_be_visible()
    assert_accessible(page)

    # The report's address now says the file was deleted.
    response = page.goto(page.url.rstrip("/") + "/rule-failures.xlsx")
    assert response is not None and response.status == 410
    expect(page.get_by_test_id("report-gone")).to_contain_text("has been deleted")
    assert_accessible(page)


def test_the_authoritys_officer_finds_the_error_report_on_its_imports_page(
    page: Page,
    live_server,
    admin,  # noqa: F811 - the fixture imported above
    tmp_path,
    monkeypatch,
) -> None:
    rules_only(monkeypatch, *PLANTED)
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "ssda903", "ssda903_2025.zip", WITH_RULE_ERRORS, year=2025)
    expect(page.get_by_test_id("batch-summary")).to_contain_text("Has errors")
    page.context.clear_cookies()

    officer = factories.UserFactory(username="officer")
    northshire = Area.objects.get(slug="northshire")
    factories.MembershipFactory(user=officer, authority=northshire, role="officer")
    sign_in(page, live_server, "officer", factories.PASSWORD)
    page.goto("/a/northshire/imports/")
    reports = page.get_by_test_id("return-reports")
    expect(reports).to_contain_text("SSDA903 2025/26")
    assert_accessible(page)
    with page.expect_download() as download:
        reports.get_by_role("link", name="error report (CSV) for").click()
    assert download.value.path().read_text(encoding="utf-8-sig").count(SEX_NOT_VALID) == 2
