"""The quality assurance page in a browser: charts drawn, tables beside them, no axe
violations; an officer adds a case audit through the form and the quarter's figures follow;
an officer corrects a finding and removes a case audit through its confirmation page."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from accounts.services import membership_set, user_set
from audits import services
from audits.models import CaseAudit, Finding
from indicators.models import Area, Figure
from tests.audits.factories import audit
from tests.e2e.conftest import assert_accessible, sign_in

PASSWORD = "e2e-quality-password-2026"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wiltshire_officer(eager_tasks, worked_demo_with_audits):
    wiltshire = Area.objects.get(slug="wiltshire")
    for n, (day, judgement, moderated) in enumerate(
        [
            (date(2017, 4, 3), "good", "good"),
            (date(2017, 5, 3), "requires_improvement", ""),
            (date(2017, 7, 3), "outstanding", "good"),
            (date(2017, 8, 3), "inadequate", ""),
        ]
    ):
        audit(wiltshire, f"QA-{n:04d}", day, judgement, moderated)
    user = user_set(actor=access.SYSTEM, username="wiltshire.qa", password=PASSWORD)
    membership_set(actor=access.SYSTEM, user=user, authority=wiltshire, role="officer")
    return user


def test_an_officer_reads_the_page_and_adds_a_case_audit(
    page: Page, live_server, wiltshire_officer
) -> None:
    sign_in(page, live_server, "wiltshire.qa", PASSWORD)
    page.goto("/a/wiltshire/")
    page.get_by_role("link", name="Quality assurance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality assurance")
    # Plotly drew each chart (an SVG inside its element), and each has its table.
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
    expect(page.locator(".app-chart")).to_have_count(3)
    expect(page.get_by_test_id("distribution-table")).to_contain_text("Q1 2017/18")
    expect(page.get_by_test_id("themes-table")).to_contain_text("Plans for children")
    expect(page.get_by_test_id("trend-summary")).to_contain_text("50% of judged audits")
    expect(page.get_by_test_id("inspections")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Add a case audit").click()
    assert_accessible(page)
    page.get_by_label("Case reference").fill("Tom Jones")
    page.get_by_label("Audit date").fill("10/08/2017")
    page.get_by_label("Overall judgement").select_option(label="Good")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Never enter a child’s name")
    assert_accessible(page)
    assert not CaseAudit.objects.filter(case_reference__contains="TOM").exists()

    page.get_by_label("Case reference").fill("QA-0100")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner, .govuk-body").first).to_be_visible()
    expect(page.get_by_test_id("recent-audits")).to_contain_text("QA-0100")
    wiltshire = Area.objects.get(slug="wiltshire")
    figure = Figure.objects.get(
        area=wiltshire,
        indicator__code="AUDIT-GOOD",
        period__kind="quarter",
        period__start=date(2017, 7, 1),
    )
    assert (figure.numerator, figure.denominator) == (2, 3)


def test_an_officer_corrects_a_finding_and_removes_a_case_audit(
    page: Page, live_server, wiltshire_officer
) -> None:
    wiltshire = Area.objects.get(slug="wiltshire")
    finding = services.finding_save(
        user=access.SYSTEM,
        authority=wiltshire,
        values={
            "kind": "strength",
            "text": "Plans are clear",
            "audit": CaseAudit.objects.get(authority=wiltshire, case_reference="QA-0000"),
            "recorded_on": date(2017, 4, 3),
        },
    )
    sign_in(page, live_server, "wiltshire.qa", PASSWORD)
    page.goto("/a/wiltshire/quality/")

    page.get_by_role("link", name="Change the finding “Plans are clear”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change a finding")
    text = page.get_by_label("Finding", exact=True)
    expect(text).to_have_value("Plans are clear")
    text.fill("Plans are clear and kept up to date")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved the finding.")
    expect(page.get_by_test_id("findings")).to_contain_text("Plans are clear and kept up to date")
    finding.refresh_from_db()
    assert finding.text == "Plans are clear and kept up to date"

    # Q2 2017/18 has QA-0002 (good once moderated) and QA-0003 (inadequate): 1 of 2.
    page.get_by_role("link", name="Remove the case audit QA-0003 (3 Aug 2017)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to remove this case audit?"
    )
    expect(page.get_by_test_id("removal-details")).to_contain_text("QA-0003")
    expect(page.get_by_test_id("removal-consequences")).to_contain_text(
        "The quarter’s summary figures for Q2 2017/18"
    )
    assert_accessible(page)
    assert CaseAudit.objects.filter(case_reference="QA-0003").exists()
    # No reason, no removal: the error summary says what is missing and links to the box.
    page.get_by_role("button", name="Remove this case audit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say why you are removing it")
    assert_accessible(page)
    assert CaseAudit.objects.filter(case_reference="QA-0003").exists()
    summary.get_by_role("link", name="Say why you are removing it").click()
    expect(page.get_by_label("Why are you removing it?")).to_be_focused()
    page.get_by_label("Why are you removing it?").fill("Audited under the wrong reference")
    page.get_by_role("button", name="Remove this case audit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Removed the case audit QA-0003"
    )
    expect(page.get_by_test_id("recent-audits")).not_to_contain_text("QA-0003")
    assert not CaseAudit.objects.filter(case_reference="QA-0003").exists()
    figure = Figure.objects.get(
        area=wiltshire,
        indicator__code="AUDIT-GOOD",
        period__kind="quarter",
        period__start=date(2017, 7, 1),
    )
    assert (figure.numerator, figure.denominator) == (1, 1)
    assert Finding.objects.filter(pk=finding.pk).exists()  # QA-0000's finding stays

    # The record of removals says who removed it, when, what it was and why.
    page.get_by_role("link", name="Removed records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Removed records")
    row = page.get_by_test_id("removals").locator("tbody tr").first
    expect(row).to_contain_text("Case audit QA-0003, judged inadequate, audited 3 August 2017")
    expect(row).to_contain_text("Audited under the wrong reference")
    expect(row).to_contain_text(str(wiltshire_officer))
    assert_accessible(page)
