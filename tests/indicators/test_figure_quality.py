"""A figure's data quality, as a statutory return's rules left it: recorded by the return's
commit, shown beside the figure on the indicator page and in its download, in words; gone
from view once the figure is corrected by other means; replaced by a corrected return."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts import access
from indicators import services
from indicators.models import Figure, FigureSource
from indicators.quality_models import FigureQuality
from indicators.services.figure_quality import QualityRecord, figure_qualities_record
from tests import factories

pytestmark = pytest.mark.django_db

AFFECTED = "Data quality: 12 of the 400 children counted (3.0%) are in records with errors"


def latest(world) -> Figure:
    return Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period=factories.financial_year(2017)
    )


def record(world, affected: int = 12) -> None:
    figure = latest(world)
    figure_qualities_record(
        user=access.SYSTEM,
        rule_set="SSDA903 2025/26",
        records=[
            QualityRecord(
                figure.pk,
                400,
                affected,
                [{"code": "408", "children": 9}, {"code": "164", "children": 3}],
            )
        ],
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_and_its_download_say_how_many_children_errors_touch(world, personas):
    record(world)
    client = signed_in(personas.manager_a)
    html = client.get("/a/authority-a/indicators/ASMT-T/").content.decode()
    assert AFFECTED in html
    assert "(DfE rules 408 for 9 children, 164 for 3 children; SSDA903 2025/26)" in html
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/a/authority-a/indicators/ASMT-T/download.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    by_period = {row["period"]: row["data quality"] for row in rows if row.get("period")}
    assert by_period["2017/18"].startswith(AFFECTED)
    assert by_period["2016/17"] == ""  # no return's rules checked that one


def test_a_corrected_return_replaces_the_quality_and_a_clean_one_says_so(world, personas):
    record(world)
    record(world, affected=0)
    assert FigureQuality.objects.count() == 1
    html = signed_in(personas.manager_a).get("/a/authority-a/indicators/ASMT-T/").content.decode()
    assert "no DfE rule error (SSDA903 2025/26) touches the 400 children it counts" in html
    assert AFFECTED not in html


def test_a_figure_corrected_by_other_means_no_longer_shows_the_returns_quality(world, personas):
    record(world)
    figure = latest(world)
    services.figure_set(
        user=personas.officer_a,
        area=world.authority_a,
        indicator=world.indicator,
        period=figure.period,
        value=Decimal("88"),
        correction_reason="Corrected after the case audit",
        reason="Correction",
    )
    assert Figure.objects.get(pk=figure.pk).version > figure.version
    html = signed_in(personas.manager_a).get("/a/authority-a/indicators/ASMT-T/").content.decode()
    assert "Data quality" not in html


def test_only_those_who_may_import_the_authoritys_returns_record_quality(world, personas):
    with pytest.raises(PermissionDenied):
        figure_qualities_record(
            user=personas.officer_b,
            rule_set="SSDA903 2025/26",
            records=[QualityRecord(latest(world).pk, 1, 0, [])],
        )
    assert not FigureQuality.objects.exists()
    assert FigureSource.RETURN == "return"
