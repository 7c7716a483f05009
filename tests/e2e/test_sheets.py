"""Spreadsheets in a browser: an officer imports a workbook of figures for their authority,
reviews and commits it; the templates page; an admin imports targets. Each page checked with
axe."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role
from indicators.models import Figure, FigureSource, Target
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.returns.sheet_files import (
    FIGURE_HEADER,
    GOOD_FIGURES,
    TARGET_HEADER,
    csv_bytes,
    sheet_world,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, tmp_path, eager_tasks):
    settings.MEDIA_ROOT = tmp_path
    return sheet_world()


@pytest.fixture
def officer(world):
    user = factories.UserFactory(username="officer")
    Membership.objects.create(user=user, authority=world.wiltshire, role=Role.OFFICER)
    return user


def test_an_officer_imports_a_workbook_of_figures(page: Page, live_server, officer, tmp_path):
    sign_in(page, live_server, "officer", factories.PASSWORD)
    page.goto("/a/wiltshire/")
    page.get_by_role("link", name="Import a spreadsheet of figures or targets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spreadsheets of figures and targets")
    assert_accessible(page)

    path = tmp_path / "wiltshire-september.xlsx"
    path.write_bytes(xlsx_bytes(FIGURE_HEADER, *GOOD_FIGURES[:3]))
    page.get_by_label("Figures").check()
    page.get_by_label("Spreadsheet", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Ready to commit")
    expect(summary).to_contain_text("3 new, 0 changed, 0 unchanged")
    expect(summary).to_contain_text("Wiltshire")
    assert_accessible(page)
    assert not Figure.objects.exists()

    page.get_by_role("button", name="Commit these figures").click()
    expect(page.get_by_text("Committed wiltshire-september.xlsx")).to_be_visible()
    assert Figure.objects.filter(source=FigureSource.IMPORTED).count() == 3
    page.get_by_role("link", name="Wiltshire spreadsheets").click()
    expect(page.get_by_test_id("batches")).to_contain_text("wiltshire-september.xlsx")


def test_an_officers_mistakes_are_shown_row_by_row(page: Page, live_server, officer, tmp_path):
    sign_in(page, live_server, "officer", factories.PASSWORD)
    page.goto("/a/wiltshire/imports/")
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        csv_bytes(
            FIGURE_HEADER,
            GOOD_FIGURES[1],
            ["865", "ASMT-45", "Sept 21", "", "", "87", "100", "", "", ""],
            GOOD_FIGURES[3],
        )
    )
    page.get_by_label("Spreadsheet", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    findings = page.get_by_test_id("findings")
    expect(findings).to_contain_text("'Sept 21' is not a period; write a month")
    expect(findings).to_contain_text("Devon is not Wiltshire")
    expect(page.get_by_role("button", name="Commit these figures")).to_have_count(0)
    assert_accessible(page)


def test_an_upload_without_a_file_says_so(page: Page, live_server, officer):
    sign_in(page, live_server, "officer", factories.PASSWORD)
    page.goto("/a/wiltshire/imports/")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a spreadsheet to import")
    assert_accessible(page)


def test_the_templates_page(page: Page, live_server, officer):
    sign_in(page, live_server, "officer", factories.PASSWORD)
    page.goto("/imports/spreadsheets/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spreadsheet templates and downloads")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel template for figures").click()
    assert download.value.suggested_filename == "figures-template.xlsx"
    assert_accessible(page)


def test_an_admin_imports_targets_from_the_imports_page(page: Page, live_server, world, tmp_path):
    factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    sign_in(page, live_server, "admin", factories.PASSWORD)
    page.goto("/imports/")
    page.get_by_role("link", name="templates and downloads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spreadsheet templates and downloads")
    page.goto("/imports/")
    path = tmp_path / "targets.csv"
    path.write_bytes(csv_bytes(TARGET_HEADER, ["865", "ASMT-45", "2021/22", "90", "95", "2"]))
    page.get_by_label("What is in the file").select_option("sheet_targets")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("batch-summary")).to_contain_text("1 new, 0 changed")
    page.get_by_role("button", name="Commit these targets").click()
    expect(page.get_by_text("Committed targets.csv")).to_be_visible()
    assert Target.objects.get().lower == 90
    page.get_by_role("button", name="Roll back this import").click()
    expect(page.get_by_test_id("batch-summary")).to_contain_text("Rolled back")
    assert not Target.objects.exists()
    assert_accessible(page)
