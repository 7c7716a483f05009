"""The lineage of areas through reorganisations (issue 18): the shipped file loads with the
catalogue and refuses a bad row; the wording and placing of a break are pure; the indicator
page of a reorganised authority shows a labelled break on its trend, in the chart and in words."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import plotly.graph_objects
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from indicators import charts, lineage
from indicators.admin import AreaSuccessionForm
from indicators.lineage import LineageBreak, Step, break_labels, breaks_within
from indicators.lineage_models import AreaSuccession, SuccessionChange
from indicators.models import Area, AreaKind
from tests import factories
from tests.conftest import Personas, World

APRIL_2021 = date(2021, 4, 1)
HEADER = ",".join(lineage.LINEAGE_COLUMNS)


# --- pure -----------------------------------------------------------------------------------


def test_a_split_names_the_authority_and_both_successors_with_the_month() -> None:
    steps = [
        Step("Northamptonshire", "North Northamptonshire", APRIL_2021, "split"),
        Step("Northamptonshire", "West Northamptonshire", APRIL_2021, "split"),
    ]
    assert break_labels(steps) == [
        LineageBreak(
            APRIL_2021,
            "Northamptonshire split into North Northamptonshire and West Northamptonshire, "
            "April 2021",
        )
    ]


def test_a_merger_names_every_predecessor_once_and_a_recode_says_so() -> None:
    day = date(2019, 4, 1)
    bcp = "Bournemouth, Christchurch and Poole"
    steps = [
        Step("Bournemouth", bcp, day, "merged"),
        Step("Poole", bcp, day, "merged"),
        Step("North Yorkshire", "North Yorkshire", date(2023, 4, 1), "recoded"),
    ]
    assert [item.label for item in break_labels(steps)] == [
        f"Bournemouth and Poole merged into {bcp}, April 2019",
        "North Yorkshire took a new ONS code, April 2023",
    ]


def test_a_break_shows_on_a_chart_only_within_its_periods_or_the_day_after() -> None:
    item = LineageBreak(APRIL_2021, "x")
    # Northamptonshire's last year ends the day before its successors began: shown.
    assert breaks_within([item], date(2018, 4, 1), date(2021, 3, 31)) == [item]
    # A trend of the successors from their first year: shown at its start.
    assert breaks_within([item], APRIL_2021, date(2025, 3, 31)) == [item]
    # A trend that ends a year before, or starts a year after: not shown.
    assert breaks_within([item], date(2017, 4, 1), date(2020, 3, 31)) == []
    assert breaks_within([item], date(2022, 4, 1), date(2025, 3, 31)) == []


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4, unique=True))
def test_every_successor_is_named_in_the_label_of_a_split(successors: list[str]) -> None:
    steps = [Step("Old county", name, APRIL_2021, "split") for name in successors]
    (item,) = break_labels(steps)
    assert item.label.startswith("Old county split into ")
    assert item.label.endswith(", April 2021")
    assert all(name in item.label for name in successors)


def test_the_chart_draws_a_dotted_line_and_a_wrapped_label_at_each_break() -> None:
    label = "Northamptonshire split into North Northamptonshire and West Northamptonshire"
    marks = charts.lineage_marks([LineageBreak(APRIL_2021, label)])
    (line,) = marks["shapes"]
    assert (line["x0"], line["x1"], line["line"]["dash"]) == (APRIL_2021, APRIL_2021, "dot")
    (annotation,) = marks["annotations"]
    assert annotation["x"] == APRIL_2021
    assert annotation["text"].replace("<br>", " ") == label
    assert "<br>" in annotation["text"]
    assert charts.lineage_marks([]) == {}


# --- the shipped file -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shipped_lineage_loads_with_the_catalogue_and_again_changes_nothing(
    loaded_catalogue,
) -> None:
    northants = Area.objects.get(dfe_code="928")
    assert (northants.name, northants.ons_code, northants.kind) == (
        "Northamptonshire", "E10000021", AreaKind.AUTHORITY,
    )  # fmt: skip
    assert northants.region is not None and northants.region.ons_code == "E12000004"
    successors = AreaSuccession.objects.filter(predecessor=northants).order_by("successor__name")
    assert [(s.successor.dfe_code, s.successor.ons_code, s.change) for s in successors] == [
        ("940", "E06000061", SuccessionChange.SPLIT),
        ("941", "E06000062", SuccessionChange.SPLIT),
    ]
    assert {s.took_effect for s in successors} == {APRIL_2021}
    # A recoded authority is one area, named twice, under its current code.
    north_yorkshire = Area.objects.get(dfe_code="815")
    assert north_yorkshire.ons_code == "E06000065"
    assert AreaSuccession.objects.get(predecessor=north_yorkshire).successor == north_yorkshire
    successions, areas = AreaSuccession.objects.count(), Area.objects.count()
    again = lineage.lineage_load()
    assert (again.areas_created, again.created, again.updated) == (0, 0, 0)
    assert again.unchanged == successions == 13
    assert Area.objects.count() == areas


@pytest.mark.django_db
def test_an_authority_the_lineage_creates_is_shown_against_england(loaded_catalogue) -> None:
    from indicators.models import Comparator, ComparatorKind

    for number in ("928", "940", "839"):  # a predecessor, a successor, a merger's successor
        comparator = Comparator.objects.get(authority__dfe_code=number, kind=ComparatorKind.NATION)
        assert comparator.area.ons_code == "E92000001"


@pytest.mark.django_db
def test_the_load_finds_an_authority_by_its_dfe_number_and_creates_only_what_is_missing(
    tmp_path: Path,
) -> None:
    region = factories.AreaFactory(name="East Midlands", kind=AreaKind.REGION, ons_code="E12000004")
    # As a published file of 2024 would have made it: the number, under its own name.
    held = factories.AreaFactory(name="N Northants", ons_code="E06000061", dfe_code="940")
    path = tmp_path / "lineage.csv"
    path.write_text(
        f"{HEADER}\n"
        "Northamptonshire,E10000021,928,North Northamptonshire,E06000061,940,E12000004,"
        "East Midlands,2021-04-01,split,\n"
    )
    counts = lineage.lineage_load(path)
    assert (counts.areas_created, counts.created) == (1, 1)
    succession = AreaSuccession.objects.get()
    assert succession.successor == held
    assert (succession.predecessor.name, succession.predecessor.region) == (
        "Northamptonshire", region,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_bad_row_refuses_the_file_naming_every_problem_and_writes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lineage.csv"
    path.write_text(
        f"{HEADER}\n"
        "Northamptonshire,E10000021,928,North Northamptonshire,E06000061,940,E12000004,"
        "East Midlands,2021-04-01,split,\n"
        "Somerset,E10000027,933,Somerset,E06000066,934,E12000009,South West,1 April 2023,"
        "recoded,\n"
        "Cumbria,S12000006,909,Cumberland,E06000063,942,E12000002,North West,2023-04-01,"
        "vanished,\n"
    )
    with pytest.raises(lineage.LineageError) as refused:
        lineage.lineage_load(path)
    message = str(refused.value)
    assert "line 3: took_effect '1 April 2023' is not a date" in message
    assert "line 3: a recoded authority keeps its DfE number" in message
    assert "line 4: the predecessor's ONS code 'S12000006' is not an English authority's" in message
    assert "line 4: change 'vanished' is not one of" in message
    assert "line 2" not in message
    assert not AreaSuccession.objects.exists() and not Area.objects.exists()


@pytest.mark.django_db
def test_a_code_held_by_another_authority_is_refused_rather_than_merged(tmp_path: Path) -> None:
    factories.AreaFactory(name="Elsewhere", ons_code="E06000061", dfe_code="999")
    path = tmp_path / "lineage.csv"
    path.write_text(
        f"{HEADER}\n"
        "Northamptonshire,E10000021,928,North Northamptonshire,E06000061,940,E12000004,"
        "East Midlands,2021-04-01,split,\n"
    )
    with pytest.raises(lineage.LineageError, match="E06000061 belongs to Elsewhere"):
        lineage.lineage_load(path)


@pytest.mark.django_db
def test_a_bad_lineage_file_refuses_the_whole_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indicators.catalogue import CatalogueError, catalogue_load
    from indicators.models import Indicator

    path = tmp_path / "lineage.csv"
    path.write_text(f"{HEADER}\nCumbria,E10000006,909,,E06000063,942,E12000002,NW,x,split,\n")
    monkeypatch.setattr(lineage, "LINEAGE_CSV", path)
    with pytest.raises(CatalogueError, match=r"lineage\.csv was refused"):
        catalogue_load()
    assert not Indicator.objects.exists()


# --- the admin ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_form_refuses_a_recode_of_two_areas_and_a_split_into_itself() -> None:
    one = factories.AreaFactory(name="One")
    other = factories.AreaFactory(name="Other")

    def errors(predecessor: Area, successor: Area, change: str) -> list[str]:
        form = AreaSuccessionForm(
            data={
                "predecessor": predecessor.pk,
                "successor": successor.pk,
                "took_effect": "2021-04-01",
                "change": change,
                "note": "",
            }
        )
        return [] if form.is_valid() else form.non_field_errors()

    assert "recoded authority keeps its services as one area" in errors(one, other, "recoded")[0]
    assert "cannot split into" in errors(one, one, "split")[0]
    assert errors(one, one, "recoded") == [] and errors(one, other, "split") == []


# --- the indicator page ---------------------------------------------------------------------


def _chart(html: str) -> dict:
    match = re.search(r'<script id="trend-chart-data" type="application/json">(.*?)</script>', html)
    assert match
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_a_reorganised_authoritys_trend_shows_the_break_labelled_in_the_chart_and_in_words(
    world: World, personas: Personas
) -> None:
    # Authority A's figures run from 2015/16 to 2017/18; it was made from Old County in 2016.
    old_county = factories.AreaFactory(name="Old County", dfe_code="901")
    for successor in (world.authority_a, world.authority_b):
        AreaSuccession.objects.create(
            predecessor=old_county,
            successor=successor,
            took_effect=date(2016, 4, 1),
            change=SuccessionChange.SPLIT,
        )
    client = Client()
    client.force_login(personas.officer_a)
    html = client.get("/a/authority-a/indicators/ASMT-T/").content.decode()
    label = "Old County split into Authority A and Authority B, April 2016"
    words = html.split('data-testid="lineage-breaks"')[1].split("</div>")[0]
    assert f"{label}." in words
    chart = _chart(html)
    assert [shape["x0"] for shape in chart["layout"]["shapes"]] == ["2016-04-01"]
    (annotation,) = chart["layout"]["annotations"]
    assert annotation["text"].replace("<br>", " ") == label
    plotly.graph_objects.Figure(chart)


@pytest.mark.django_db
def test_an_authority_without_a_reorganisation_in_its_trend_shows_no_break(
    world: World, personas: Personas
) -> None:
    # Authority A was made in 2010, before any of its figures: nothing to mark.
    old_county = factories.AreaFactory(name="Old County")
    AreaSuccession.objects.create(
        predecessor=old_county,
        successor=world.authority_a,
        took_effect=date(2010, 4, 1),
        change=SuccessionChange.MERGED,
    )
    client = Client()
    client.force_login(personas.officer_a)
    html = client.get("/a/authority-a/indicators/ASMT-T/").content.decode()
    assert 'data-testid="lineage-breaks"' not in html
    assert "shapes" not in _chart(html)["layout"]
