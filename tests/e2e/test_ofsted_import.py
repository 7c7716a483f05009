"""Ofsted's inspection outcomes imported in a browser (issue 18): an admin uploads the
OpenDocument spreadsheet, reviews the preview, commits it, and reads every authority's latest
judgement as at a date with the counts by grade; a file with a judgement Ofsted does not give is
refused with its sheet, row and column. Every page is checked with axe."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from indicators.inspection_models import InspectionJudgement
from indicators.models import AreaKind
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_return_imports import COMMIT, refused, upload
from tests.returns.ods_files import (
    GOOD,
    INADEQUATE,
    OUTSTANDING,
    RI,
    as_at_row,
    history_row,
    outcomes_file,
)

pytestmark = pytest.mark.django_db(transaction=True)

STANDARD, SHORT = "ILACS Standard Inspection", "ILACS Short Inspection"
HISTORY = [
    history_row(
        "E09000003", "Barnet", date(2019, 5, 13), date(2019, 7, 1), STANDARD, [GOOD] * 4 + [""]
    ),
    history_row(
        "E09000003",
        "Barnet",
        date(2024, 6, 10),
        date(2024, 7, 23),
        SHORT,
        [GOOD, GOOD, GOOD, OUTSTANDING, GOOD],
    ),
    history_row(
        "E08000016",
        "Barnsley",
        date(2023, 9, 11),
        date(2023, 10, 27),
        STANDARD,
        [GOOD, GOOD, RI, GOOD, GOOD],
    ),
    history_row(
        "E10000021",
        "Northamptonshire",
        date(2019, 6, 17),
        date(2019, 7, 29),
        STANDARD,
        [INADEQUATE, RI, INADEQUATE, INADEQUATE, ""],
        status="No longer exists",
    ),
]
AS_AT = [
    as_at_row(
        "E09000003",
        "Barnet",
        date(2024, 6, 10),
        date(2024, 7, 23),
        [GOOD, GOOD, GOOD, OUTSTANDING, GOOD],
    ),
    as_at_row(
        "E08000016", "Barnsley", date(2023, 9, 11), date(2023, 10, 27), [GOOD, GOOD, RI, GOOD, GOOD]
    ),
]
FILE_NAME = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"


@pytest.fixture
def admin(settings, tmp_path, eager_tasks):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.AreaFactory(
        name="England", slug="england", kind=AreaKind.NATION, ons_code="E92000001"
    )
    factories.AreaFactory(name="Barnet", slug="barnet", ons_code="E09000003")
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def test_ofsteds_file_is_imported_and_the_latest_judgements_are_listed(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "ofsted", FILE_NAME, outcomes_file(HISTORY, AS_AT))
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Ready to commit")
    expect(summary).to_contain_text("4 new, 0 changed, 0 unchanged")
    expect(summary).to_contain_text("0 errors")
    assert_accessible(page)
    assert not InspectionJudgement.objects.exists()

    page.get_by_role("button", name=COMMIT).click()
    expect(summary).to_contain_text("Committed")
    assert_accessible(page)
    assert InspectionJudgement.objects.count() == 4

    page.goto("/imports/")
    page.get_by_role("link", name="every authority’s latest judgement").click()
    page.get_by_label("As at").fill("31/03/2025")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ofsted judgements as at 31 March 2025"
    )
    counts = page.get_by_test_id("grade-counts")
    expect(counts.locator("caption")).to_have_text("3 authorities by overall effectiveness")
    # The screen reader's name of each row: the grade, then its count.
    for grade, count in (("Outstanding", 0), ("Good", 2), ("Requires improvement to be good", 0)):
        expect(counts.get_by_role("row", name=f"{grade} {count}", exact=True)).to_have_count(1)
    expect(counts.get_by_role("row", name="Inadequate 1", exact=True)).to_have_count(1)
    judgements = page.get_by_test_id("judgements")
    barnet = judgements.get_by_role("row", name="Barnet")
    expect(barnet).to_contain_text("23/07/2024")
    expect(barnet).to_contain_text(SHORT)
    expect(barnet).to_contain_text("Outstanding")  # children in care
    expect(judgements.get_by_role("row", name="Northamptonshire")).to_contain_text("Not judged")
    assert_accessible(page)

    # Before Barnet's 2024 report, its 2019 judgement is the latest.
    page.get_by_label("As at").fill("30/06/2024")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("judgements").get_by_role("row", name="Barnet")).to_contain_text(
        "01/07/2019"
    )

    page.get_by_label("As at").fill("the end of March")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date as day/month/year")
    assert_accessible(page)


def test_a_file_with_a_judgement_ofsted_does_not_give_is_refused_with_its_row(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    wrong = [*HISTORY[:2], [*HISTORY[2][:8], "Very good", *HISTORY[2][9:]]]
    upload(page, tmp_path, "ofsted", FILE_NAME, outcomes_file(wrong, []))
    refused(page, "'Very good' is not a judgement")
    expect(page.get_by_test_id("findings")).to_contain_text(
        "ILACS_inspection_history: Overall effectiveness"
    )
    assert not InspectionJudgement.objects.exists()
