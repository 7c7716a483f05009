"""Spreadsheet pages: an officer's imports, templates, exports (formulae escaped) and the
round trip of an export imported again."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from accounts.models import Membership, Role
from indicators.models import Figure, FigureSource, FigureStatus, Period
from returns import services
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories

from .sheet_files import FIGURE_HEADER, GOOD_FIGURES, SheetWorld, csv_bytes, sheet_world

HYPERLINK = '=HYPERLINK("http://example.invalid/steal","Click me")'


@pytest.fixture
def world(db, settings, tmp_path, eager_tasks) -> SheetWorld:
    settings.MEDIA_ROOT = tmp_path
    return sheet_world()


def member(world: SheetWorld, username: str, role: str) -> Client:
    user = factories.UserFactory(username=username)
    Membership.objects.create(user=user, authority=world.wiltshire, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_imports_reviews_commits_and_rolls_back(
    world, django_capture_on_commit_callbacks
) -> None:
    officer = member(world, "officer", Role.OFFICER)
    page = officer.get("/a/wiltshire/imports/").content.decode()
    assert "Spreadsheets of figures and targets" in page
    content = csv_bytes(FIGURE_HEADER, *GOOD_FIGURES[:3])
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            "/a/wiltshire/imports/",
            {"kind": "sheet_figures", "file": SimpleUploadedFile("wilts.csv", content)},
        )
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"
    assert batch.authority == world.wiltshire
    page = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Ready to commit" in page and "3 new, 0 changed, 0 unchanged" in page
    assert "Commit these figures" in page
    assert 'href="/a/wiltshire/imports/"' in page  # back to the officer's own list

    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/commit/")
    imported = Figure.objects.filter(source=FigureSource.IMPORTED)
    assert imported.count() == 3
    assert set(imported.values_list("status", flat=True)) == {FigureStatus.SUBMITTED}
    # Monthly figures roll up into their quarter and year, as after data entry.
    assert Figure.objects.filter(source=FigureSource.ROLLED_UP, period__kind="quarter").exists()
    assert "wilts.csv" in officer.get("/a/wiltshire/imports/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/rollback/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not Figure.objects.filter(source=FigureSource.IMPORTED).exists()


def test_an_officers_file_naming_another_authority_shows_why_and_cannot_be_committed(
    world, django_capture_on_commit_callbacks
) -> None:
    officer = member(world, "officer", Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            "/a/wiltshire/imports/",
            {
                "kind": "sheet_figures",
                "file": SimpleUploadedFile("all.csv", csv_bytes(FIGURE_HEADER, *GOOD_FIGURES)),
            },
        )
    batch = ImportBatch.objects.get()
    page = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Devon is not Wiltshire" in page
    assert "Commit these figures" not in page
    officer.post(f"/imports/{batch.pk}/commit/")
    assert not Figure.objects.exists()


def test_a_negative_count_and_impossible_percentages_are_shown_and_cannot_be_committed(
    world, django_capture_on_commit_callbacks
) -> None:
    """Issue 13: this file once showed "No problems found" and could be committed."""
    officer = member(world, "officer", Role.OFFICER)
    rows = [
        ["865", "CLA-COUNT", "2021-10", "", "-5", "", "", "", "", ""],
        ["865", "ASMT-45", "2021-10", "", "-12%", "", "", "", "", ""],
        ["865", "ASMT-45", "2021-11", "", "250%", "", "", "", "", ""],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            "/a/wiltshire/imports/",
            {
                "kind": "sheet_figures",
                "file": SimpleUploadedFile("bad.csv", csv_bytes(FIGURE_HEADER, *rows)),
            },
        )
    batch = ImportBatch.objects.get()
    page = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "No problems found" not in page
    assert "3 findings" in page
    assert "Children looked after: The value cannot be below zero (-5)." in page
    assert "The value must be between 0% and 100% (-12)." in page
    assert "The value must be between 0% and 100% (250)." in page
    assert "Commit these figures" not in page
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/commit/")
    assert not Figure.objects.exists()


def test_an_officer_cannot_upload_the_catalogue_and_a_manager_cannot_import(world) -> None:
    officer = member(world, "officer", Role.OFFICER)
    response = officer.post(
        "/a/wiltshire/imports/",
        {"kind": "sheet_indicators", "file": SimpleUploadedFile("i.csv", b"code\nX\n")},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ImportBatch.objects.exists()
    manager = member(world, "manager", Role.MANAGER)
    assert manager.get("/a/wiltshire/imports/").status_code == 403
    assert manager.get("/a/wiltshire/spreadsheets/figures.csv").status_code == 200


def test_templates_carry_the_columns_an_example_and_guidance(world) -> None:
    client = member(world, "councillor", Role.COUNCILLOR)
    response = client.get("/imports/spreadsheets/templates/figures.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="figures-template.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["figures", "guidance", "indicators"]
    header = [cell.value for cell in book["figures"][1]]
    assert header == FIGURE_HEADER
    assert str(book["figures"]["A2"].value).startswith("# example")
    codes = {row[0] for row in book["indicators"].iter_rows(min_row=2, values_only=True)}
    assert {"ASMT-45", "CLA-COUNT"} <= codes
    text = client.get("/imports/spreadsheets/templates/targets.csv").content.decode("utf-8-sig")
    assert text.splitlines()[0] == "authority,indicator,financial_year,lower,upper,amber_tolerance"
    assert client.get("/imports/spreadsheets/templates/nothing.csv").status_code == 404
    assert client.get("/imports/spreadsheets/templates/figures.pdf").status_code == 404


def figure_with_commentary(world: SheetWorld, commentary: str) -> Figure:
    figure = factories.figure(
        world.wiltshire,
        world.assessments,
        Period.objects.from_url_key("2021-09"),
        "87",
        numerator=Decimal(87),
        denominator=Decimal(100),
        status=FigureStatus.SUBMITTED,
    )
    figure.commentary = commentary
    figure.save()
    return figure


def test_an_export_escapes_a_formula_in_csv_and_xlsx(world) -> None:
    figure_with_commentary(world, HYPERLINK)
    manager = member(world, "manager", Role.MANAGER)
    text = manager.get("/a/wiltshire/spreadsheets/figures.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["commentary"] == "'" + HYPERLINK
    assert rows[0]["value"] == "87" and rows[0]["period"] == "2021-09"

    content = manager.get("/a/wiltshire/spreadsheets/figures.xlsx").content
    sheet = load_workbook(io.BytesIO(content))["figures"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("commentary") + 1)
    assert cell.data_type == "s"  # text, not a formula
    assert cell.value == "'" + HYPERLINK


def test_the_indicator_catalogue_export_escapes_formulae_too(world) -> None:
    world.assessments.definition = "=1+1"
    world.assessments.save()
    client = member(world, "councillor", Role.COUNCILLOR)
    text = client.get("/imports/spreadsheets/indicators.csv").content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["code"] == "ASMT-45")
    assert row["definition"] == "'=1+1"
    areas = client.get("/imports/spreadsheets/areas.xlsx")
    sheet = load_workbook(io.BytesIO(areas.content))["areas"]
    assert [cell.value for cell in sheet[1]] == [
        "name",
        "slug",
        "kind",
        "nation",
        "ons_code",
        "dfe_number",
        "region",
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imported_again_changes_nothing(world, file_format: str) -> None:
    figure_with_commentary(world, HYPERLINK)
    admin = factories.UserFactory(username="admin", is_superuser=True)
    client = Client()
    client.force_login(admin)
    content = client.get(f"/a/wiltshire/spreadsheets/figures.{file_format}").content
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.SHEET_FIGURES,
        upload=SimpleUploadedFile(f"export.{file_format}", content),
    )
    batch = services.batch_validate(batch=batch)
    assert (batch.error_count, batch.warning_count) == (0, 0)
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (0, 0, 1)


def test_the_spreadsheets_page_lists_every_table(world) -> None:
    client = member(world, "councillor", Role.COUNCILLOR)
    page = client.get("/imports/spreadsheets/").content.decode()
    for name in ("Figures", "Targets", "Indicator catalogue", "Areas"):
        assert name in page
