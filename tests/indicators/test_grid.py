"""The benchmarking grid on PostgreSQL: what each cell shows and to whom, saved views that are
their owner's alone, the CSV and XLSX downloads, and a query count that does not grow with the
grid."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import User
from indicators.models import (
    Area,
    AreaKind,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    NeighbourSet,
    StatisticalNeighbour,
)
from indicators.view_models import BenchmarkView
from tests import factories
from tests.conftest import Personas, World
from tests.indicators.test_benchmarking import SEVEN, published, south_west
from tests.indicators.test_pages import text_of

TRY = "/benchmarking/grid/try/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grid_text(body: str) -> str:
    return text_of(body.split('data-testid="grid-table"')[1].split("</table>")[0])


def row_text(body: str, name: str) -> str:
    table = body.split('data-testid="grid-table"')[1].split("</table>")[0]
    row = next(part for part in table.split("<tr") if f">{name}<" in part or f">{name} <" in part)
    return text_of("<tr" + row.split("</tr>")[0])


@pytest.fixture
def region(world: World) -> Area:
    return south_west(world, SEVEN)


@pytest.mark.django_db
def test_a_region_grid_ranks_each_authority_with_its_quartile_in_words(
    personas: Personas, world: World, region: Area
) -> None:
    response = client_for(personas.officer_a).get(
        TRY, {"rows": "region", "region": "south-west", "measures": "ASMT-T"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    header = text_of(body.split('data-testid="grid-table"')[1].split("</thead>")[0])
    # The column names the measure, its unit, its direction and the latest period.
    assert "% assessments completed in time Percentage; higher is better" in header
    assert "Period: 2017/18, 7 of 9 with a figure" in header
    assert "Devon 95% Rank 1 of 7, best quartile" in row_text(body, "Devon")
    # Authority A's own figure (typed, approved) in its own view, tied with Gloucestershire.
    own = row_text(body, "Authority A")
    assert "(your authority)" in own and "87% Rank joint 3 of 7, second quartile" in own
    assert "Swindon 60% Rank 7 of 7, worst quartile" in row_text(body, "Swindon")
    assert "suppressed (c: suppressed to protect confidentiality)" in row_text(body, "Torbay")
    # Authority B's own typed figures are never shown to A: the blank says why.
    assert "no published figure held for 2017/18" in row_text(body, "Authority B")
    assert "72%" not in body
    assert 'class="govuk-table__cell app-grid__cell app-grid__q1"' in body
    assert "<caption" in body and 'scope="row"' in body and 'scope="col"' in body


@pytest.mark.django_db
def test_each_column_has_its_own_latest_period_and_published_precision(
    personas: Personas, world: World, region: Area
) -> None:
    older = factories.IndicatorFactory(
        code="OLD-1", title="Re-referrals", polarity="lower", unit="percent", decimals=0
    )
    neutral = factories.IndicatorFactory(
        code="NEUTRAL", title="Children looked after", polarity="none", unit="count", roll_up="sum"
    )
    for slug, value in (("devon", "19.1"), ("dorset", "18.8"), ("plymouth", "17.5")):
        factories.figure(
            Area.objects.get(slug=slug),
            older,
            factories.financial_year(2016),
            value,
            source=FigureSource.PUBLISHED,
            published_decimals=1,
        )
    for slug, value in (("devon", "300"), ("swindon", "200")):
        factories.figure(
            Area.objects.get(slug=slug),
            neutral,
            factories.financial_year(2017),
            value,
            source=FigureSource.PUBLISHED,
        )
    body = (
        client_for(personas.officer_a)
        .get(
            TRY,
            {
                "rows": "region",
                "region": "south-west",
                "measures": ["ASMT-T", "OLD-1", "NEUTRAL"],
            },
        )
        .content.decode()
    )
    header = text_of(body.split('data-testid="grid-table"')[1].split("</thead>")[0])
    assert (
        "Re-referrals Percentage; lower is better Period: 2016/17, 3 of 9 with a figure" in header
    )
    # Fewer than four figures: ranked, no quartiles, and the header says so.
    assert "no quartiles: fewer than 4 authorities have a figure" in header
    assert "not ranked: a higher or lower figure is not better or worse in itself" in header
    devon = row_text(body, "Devon")
    # Published to one decimal place, shown so: 19.1%, not 19%.
    assert "19.1% Rank 3 of 3" in devon
    assert "17.5% Rank 1 of 3" in row_text(body, "Plymouth")
    assert "300" in devon and "Rank 1 of 2" not in devon


def _sentinel_measures(world: World, *, club_on: bool) -> dict[str, Indicator]:
    """Authority B's figure of a measure in each state, each with its own sentinel value."""
    states = {
        "draft": (FigureStatus.DRAFT, FigureSource.TYPED, None),
        "submitted": (FigureStatus.SUBMITTED, FigureSource.TYPED, None),
        "returned": (FigureStatus.RETURNED, FigureSource.TYPED, None),
        "unreleased": (FigureStatus.APPROVED, FigureSource.TYPED, None),
        "released": (FigureStatus.APPROVED, FigureSource.TYPED, 1),
        "published": (FigureStatus.APPROVED, FigureSource.PUBLISHED, None),
    }
    measures = {}
    for number, (state, (status, source, released)) in enumerate(states.items(), start=1):
        indicator = factories.IndicatorFactory(
            code=f"SENT-{number}", title=f"Sentinel {number}", unit="count", roll_up="sum"
        )
        measures[state] = indicator
        factories.figure(world.authority_a, indicator, factories.financial_year(2017), "11")
        factories.figure(
            world.authority_b,
            indicator,
            factories.financial_year(2017),
            str(9000 + number),
            status=status,
            source=source,
            released_version=released,
        )
    Area.objects.filter(pk=world.authority_b.pk).update(shares_with_club=club_on)
    return measures


@pytest.mark.parametrize("club_on", [False, True], ids=["club-off", "club-on"])
@pytest.mark.django_db
def test_another_authoritys_unpublished_figures_never_appear(
    personas: Personas, world: World, region: Area, club_on: bool
) -> None:
    measures = _sentinel_measures(world, club_on=club_on)
    query = {
        "rows": "region",
        "region": "south-west",
        "measures": [m.code for m in measures.values()],
    }
    shown = {"published"} | ({"released"} if club_on else set())
    for persona in ("officer_a", "manager_a", "councillor_a", "admin"):
        client = client_for(getattr(personas, persona))
        page = client.get(TRY, query).content.decode()
        csv_text = client.get(TRY + "download.csv", query).content.decode("utf-8-sig")
        for number, state in enumerate(measures, start=1):
            sentinel = f"9,{number:03d}"
            assert (sentinel in page) == (state in shown), (persona, state)
            assert (f"{9000 + number}" in csv_text) == (state in shown), (persona, state)
    # A's own unapproved figure shows to its officer, marked; never to its councillor, who
    # reads published figures only.
    Figure.objects.filter(area=world.authority_a, indicator=measures["draft"]).update(
        status=FigureStatus.DRAFT, value=Decimal(4321)
    )
    one = {"rows": "region", "region": "south-west", "measures": measures["draft"].code}
    officer = client_for(personas.officer_a).get(TRY, one).content.decode()
    assert "4,321 (draft)" in row_text(officer, "Authority A")
    councillor = client_for(personas.councillor_a).get(TRY, one).content.decode()
    assert "4,321" not in councillor
    # Nothing of this measure is published among the rows, so the column has no period.
    assert "Authority A no figure" in row_text(councillor, "Authority A")
    assert "no figure among these authorities you can see" in councillor


@pytest.mark.django_db
def test_a_saved_view_is_its_owners_alone(personas: Personas, world: World, region: Area) -> None:
    officer = client_for(personas.officer_a)
    response = officer.post(
        "/benchmarking/grid/new/",
        {
            "name": "South West timeliness",
            "rows": "region",
            "region": "south-west",
            "measures": "ASMT-T",
        },
    )
    view = BenchmarkView.objects.get(owner=personas.officer_a)
    assert response.status_code == 302 and response["Location"] == f"/benchmarking/grid/{view.pk}/"
    assert view.indicator_codes == ["ASMT-T"] and view.area == region
    opened = officer.get(f"/benchmarking/grid/{view.pk}/").content.decode()
    assert "South West timeliness" in opened and "Devon 95% Rank 1 of 7" in grid_text(opened)
    assert "South West timeliness" in officer.get("/benchmarking/grid/").content.decode()

    other = client_for(personas.officer_b)
    assert "South West timeliness" not in other.get("/benchmarking/grid/").content.decode()
    for path in ("", "edit/", "delete/", "download.csv"):
        assert other.get(f"/benchmarking/grid/{view.pk}/{path}").status_code == 404, path
    assert other.post(f"/benchmarking/grid/{view.pk}/delete/").status_code == 404
    changed = {"name": "Mine now", "rows": "region", "region": "south-west", "measures": "ASMT-T"}
    assert other.post(f"/benchmarking/grid/{view.pk}/edit/", changed).status_code == 404
    view.refresh_from_db()
    assert view.name == "South West timeliness"

    # The owner renames it, then deletes it.
    assert officer.post(f"/benchmarking/grid/{view.pk}/edit/", changed).status_code == 302
    view.refresh_from_db()
    assert view.name == "Mine now"
    assert officer.post(f"/benchmarking/grid/{view.pk}/delete/").status_code == 302
    assert not BenchmarkView.objects.exists()


@pytest.mark.django_db
def test_saving_refuses_a_taken_name_bad_rows_and_measures_not_due_in_the_nation(
    personas: Personas, world: World, region: Area
) -> None:
    officer = client_for(personas.officer_a)
    form = {"name": "Mine", "rows": "region", "region": "south-west", "measures": "ASMT-T"}
    assert officer.post("/benchmarking/grid/new/", form).status_code == 302
    again = officer.post("/benchmarking/grid/new/", form)
    assert again.status_code == 400
    assert "You already have a view called Mine: choose another name." in again.content.decode()
    # Another user may use the same name for their own view.
    assert client_for(personas.officer_b).post("/benchmarking/grid/new/", form).status_code == 302

    factories.IndicatorFactory(code="WALES-1", title="Welsh measure", nations="wales")
    welsh = officer.post("/benchmarking/grid/new/", form | {"name": "W", "measures": "WALES-1"})
    assert welsh.status_code == 400
    assert "Not asked of authorities in England: Welsh measure" in welsh.content.decode()

    neighbour_set = NeighbourSet.objects.create(name="SN 2021", published_on=date(2021, 4, 1))
    no_neighbours = {"name": "N", "rows": "neighbours", "authority": "devon"}
    refused = officer.post(
        "/benchmarking/grid/new/",
        no_neighbours | {"neighbour_set": neighbour_set.pk, "measures": "ASMT-T"},
    )
    assert refused.status_code == 400
    assert "Devon has no statistical neighbours in SN 2021" in refused.content.decode()
    missing = officer.get(TRY, {"rows": "group", "measures": "ASMT-T"})
    assert missing.status_code == 400 and "Choose the group." in missing.content.decode()
    assert BenchmarkView.objects.filter(owner=personas.officer_a).count() == 1


@pytest.mark.django_db
def test_neighbour_and_group_rows(personas: Personas, world: World, region: Area) -> None:
    neighbour_set = NeighbourSet.objects.create(name="SN 2021", published_on=date(2021, 4, 1))
    for rank, slug in enumerate(("devon", "swindon"), start=1):
        StatisticalNeighbour.objects.create(
            neighbour_set=neighbour_set,
            authority=world.authority_a,
            neighbour=Area.objects.get(slug=slug),
            rank=rank,
        )
    officer = client_for(personas.officer_a)
    body = officer.get(
        TRY,
        {
            "rows": "neighbours",
            "authority": "authority-a",
            "neighbour_set": neighbour_set.pk,
            "measures": "ASMT-T",
        },
    ).content.decode()
    assert "Authority A and its statistical neighbours (SN 2021)" in body
    rows = grid_text(body)
    assert "Devon 95% Rank 1 of 3" in rows and "Swindon 60% Rank 3 of 3" in rows
    assert "Dorset" not in rows
    group = factories.AreaFactory(name="Coastal", slug="coastal", kind=AreaKind.GROUP)
    group.members.add(*Area.objects.filter(slug__in=["torbay", "plymouth", "dorset"]), region)
    rows = grid_text(
        officer.get(
            TRY, {"rows": "group", "group": "coastal", "measures": "ASMT-T"}
        ).content.decode()
    )
    assert "Dorset 90% Rank 1 of 2" in rows and "Torbay" in rows
    assert "South West" not in rows  # a member that is not an authority is not a row


@pytest.mark.django_db
def test_the_csv_and_xlsx_hold_the_same_table(
    personas: Personas, world: World, region: Area
) -> None:
    Area.objects.filter(slug="devon").update(name="=HYPERLINK(1)")
    officer = client_for(personas.officer_a)
    officer.post(
        "/benchmarking/grid/new/",
        {"name": "Mine", "rows": "region", "region": "south-west", "measures": "ASMT-T"},
    )
    view = BenchmarkView.objects.get()
    response = officer.get(f"/benchmarking/grid/{view.pk}/download.csv")
    assert response["Content-Disposition"] == 'attachment; filename="benchmarking-grid-mine.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    title = "% assessments completed in time, 2017/18"
    assert rows[0] == [
        "authority",
        "ONS code",
        title,
        f"{title}: as shown",
        f"{title}: rank",
        f"{title}: quartile",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    # A name a spreadsheet would run as a formula is written as text.
    assert by_name["'=HYPERLINK(1)"][2:] == ["95", "95%", "1", "best quartile"]
    assert by_name["Authority A"][2:] == ["87", "87%", "3", "second quartile"]
    assert by_name["Torbay"][2:] == [
        "",
        "suppressed (c: suppressed to protect confidentiality)",
        "",
        "",
    ]
    assert by_name["Authority B"][3] == "no published figure held for 2017/18"

    book = load_workbook(
        io.BytesIO(officer.get(f"/benchmarking/grid/{view.pk}/download.xlsx").content)
    )
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert sheet[0] == rows[0]
    swindon = next(row for row in sheet if row[0] == "Swindon")
    assert swindon[2:] == [60, "60%", 7, "worst quartile"]
    assert officer.get(f"/benchmarking/grid/{view.pk}/download.pdf").status_code == 404


@pytest.mark.django_db
def test_the_grid_reads_in_a_fixed_number_of_queries(
    personas: Personas, world: World, region: Area
) -> None:
    from indicators.selectors.grid import GridSpec, benchmark_grid

    def queries(codes: tuple[str, ...]) -> int:
        with CaptureQueriesContext(connection) as captured:
            grid = benchmark_grid(personas.officer_a, GridSpec("region", region, None, codes))
        assert len(grid.rows) == Area.objects.filter(region=region).count()
        return len(captured)

    small = queries(("ASMT-T",))
    for number in range(5):
        indicator = factories.IndicatorFactory(code=f"MORE-{number}")
        for area in Area.objects.filter(region=region):
            published(
                area,
                World(world.authority_a, world.authority_b, world.england, indicator),
                2017,
                "50",
            )
    for number in range(10):
        extra = factories.AreaFactory(name=f"Extra {number}", slug=f"extra-{number}", region=region)
        published(extra, world, 2017, str(number))
    large = queries(("ASMT-T", *(f"MORE-{number}" for number in range(5))))
    assert large == small <= 6


@pytest.mark.django_db
def test_the_services_refuse_anyone_but_the_owner_and_the_system(
    personas: Personas, world: World, region: Area
) -> None:
    from django.core.exceptions import PermissionDenied

    from accounts.access import SYSTEM
    from indicators.selectors.grid import GridSpec
    from indicators.services.benchmark_views import benchmark_view_delete, benchmark_view_save

    spec = GridSpec("region", region, None, ("ASMT-T",))
    view = benchmark_view_save(user=personas.officer_a, name="Mine", spec=spec)
    with pytest.raises(PermissionDenied):
        benchmark_view_save(user=personas.officer_b, name="Taken", spec=spec, view=view)
    with pytest.raises(PermissionDenied):
        benchmark_view_delete(user=personas.admin, view=view)
    with pytest.raises(PermissionDenied):
        benchmark_view_save(user=SYSTEM, name="System", spec=spec)
    view.refresh_from_db()
    assert view.name == "Mine" and BenchmarkView.objects.count() == 1
