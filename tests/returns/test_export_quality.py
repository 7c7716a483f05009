"""An authority's figures export carries each figure's data quality as a statutory return's
rules left it (issue 19), in a "data_quality" column: empty for a figure no return's rules
checked or one corrected since by other means; and an export imported again still changes
nothing (the column is one an import ignores)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from accounts import access
from indicators.models import Figure
from indicators.services import figure_set
from indicators.services.figure_quality import QualityRecord, figure_qualities_record
from returns import services
from returns.models import ImportKind
from tests import factories

pytestmark = pytest.mark.django_db

FULL = (
    "Data quality: 12 of the 400 children counted (3.0%) are in records with errors that can "
    "change this figure (DfE rules 408 for 12 children; SSDA903 2025/26)."
)


def latest(world) -> Figure:
    return Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period=factories.financial_year(2017)
    )


def record(figure: Figure) -> None:
    figure_qualities_record(
        user=access.SYSTEM,
        rule_set="SSDA903 2025/26",
        records=[QualityRecord(figure.pk, 400, 12, [{"code": "408", "children": 12}])],
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(client: Client) -> dict[str, dict[str, str]]:
    text = client.get("/a/authority-a/spreadsheets/figures.csv").content.decode("utf-8-sig")
    return {row["period"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_csv_and_xlsx_say_the_quality_of_the_figure_checked(world, personas) -> None:
    record(latest(world))
    client = client_for(personas.manager_a)
    rows = csv_rows(client)
    assert rows["fy-2017-18"]["data_quality"] == FULL
    assert rows["fy-2016-17"]["data_quality"] == ""
    sheet = load_workbook(
        io.BytesIO(client.get("/a/authority-a/spreadsheets/figures.xlsx").content)
    )["figures"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("data_quality")
    assert FULL in [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_a_figure_corrected_since_exports_no_quality(world, personas) -> None:
    figure = latest(world)
    record(figure)
    figure_set(
        user=personas.officer_a,
        area=world.authority_a,
        indicator=world.indicator,
        period=figure.period,
        value=Decimal("88"),
        correction_reason="Corrected after the case audit",
        reason="Correction",
    )
    row = csv_rows(client_for(personas.manager_a))["fy-2017-18"]
    assert row["value"] == "88"
    assert row["data_quality"] == ""


def test_an_export_with_qualities_imported_again_changes_nothing(
    world, personas, settings, tmp_path, eager_tasks
) -> None:
    settings.MEDIA_ROOT = tmp_path
    record(latest(world))
    admin = personas.admin
    content = client_for(admin).get("/a/authority-a/spreadsheets/figures.csv").content
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.SHEET_FIGURES,
        upload=SimpleUploadedFile("export.csv", content),
    )
    batch = services.batch_validate(batch=batch)
    assert (batch.error_count, batch.warning_count) == (0, 0)
    assert (batch.new_count, batch.changed_count) == (0, 0)
