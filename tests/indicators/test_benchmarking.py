"""The benchmarking page: groups, periods, ranking, access to other authorities' figures,
bad parameters and a query count that does not grow with the group."""

from datetime import date
from decimal import Decimal

import plotly.graph_objects
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from indicators import charts
from indicators.benchmarking import BenchmarkPage, benchmark_page, summary_sentence
from indicators.models import (
    Area,
    AreaKind,
    ComparatorKind,
    Figure,
    FigureSource,
    NeighbourSet,
    StatisticalNeighbour,
    ratio_kind_for,
)
from tests import factories
from tests.conftest import Personas, World
from tests.indicators.test_pages import text_of

PUBLISHED = FigureSource.PUBLISHED
URL = "/a/authority-a/indicators/ASMT-T/benchmarking/"


def published(area: Area, world: World, year: int, value: str | None, **extra: object) -> Figure:
    """A figure from published statistics (a DfE file), as the returns import writes it."""
    if value is None:
        return Figure.objects.create(
            area=area,
            indicator=world.indicator,
            period=factories.financial_year(year),
            value=None,
            suppression=str(extra.pop("suppression", "c")),
            ratio_kind=ratio_kind_for(world.indicator.unit),
            status="approved",
            source=PUBLISHED,
        )
    return factories.figure(
        area, world.indicator, factories.financial_year(year), value, source=PUBLISHED, **extra
    )


def south_west(world: World, others: dict[str, str | None]) -> Area:
    """Authority A and B in the South West, with more authorities holding published 2017/18
    values (None: suppressed)."""
    region = factories.AreaFactory(name="South West", slug="south-west", kind=AreaKind.REGION)
    Area.objects.filter(pk__in=[world.authority_a.pk, world.authority_b.pk]).update(region=region)
    for name, value in others.items():
        area = factories.AreaFactory(name=name, slug=name.lower().replace(" ", "-"), region=region)
        published(area, world, 2017, value)
    return region


SEVEN = {"Devon": "95", "Dorset": "90", "Gloucestershire": "87", "Plymouth": "80"} | {
    "Somerset": "75",
    "Swindon": "60",
    "Torbay": None,
}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def region(world: World) -> Area:
    return south_west(world, SEVEN)


@pytest.mark.django_db
def test_region_ranking_with_ties_bands_and_the_unranked(
    personas: Personas, world: World, region: Area
) -> None:
    response = client_for(personas.officer_a).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    page = text_of(body)
    # Authority A (87%, 2017/18) ties with Gloucestershire for 3rd of the seven with values.
    assert (
        "Authority A is ranked joint 3rd of 7 in the South West region, in quartile B, "
        "for 2017/18, with 87%." in page
    )
    table = text_of(body.split('data-testid="ranking-table"')[1].split("</table>")[0])
    assert "1 Devon 95% A" in table
    assert "3 (joint) Authority A (this authority) 87% B" in table
    assert "3 (joint) Gloucestershire 87% B" in table
    assert "7 Swindon 60% D" in table
    own = text_of(body.split('data-testid="own-row"')[1].split("</tr>")[0])
    assert "Authority A" in own and "(this authority)" in own
    unranked = text_of(body.split('data-testid="unranked-table"')[1].split("</table>")[0])
    assert "Torbay Suppressed (c: suppressed to protect confidentiality)" in unranked
    # Authority B's figures are its own (typed, not published): officer A never sees them.
    assert "Authority B No published figure held for 2017/18" in unranked
    assert "72%" not in body
    stats = text_of(body.split('data-testid="group-statistics"')[1].split("</dl>")[0])
    assert "Group median 87.0%" in stats
    assert "Lower quartile 77.5%" in stats and "Upper quartile 88.5%" in stats
    assert "Band A (best) 88.5% or more" in stats
    assert 'data-figure="benchmark-chart-data"' in body
    assert "dist/plotly.min.js" in body


@pytest.mark.django_db
def test_an_admin_reads_the_authoritys_view_not_every_figure(
    personas: Personas, world: World, region: Area
) -> None:
    """A page is the authority's view whoever reads it (docs/0017): an admin opening
    Authority A's benchmarking sees what A's officers see, never B's unpublished figure."""
    body = client_for(personas.admin).get(URL).content.decode()
    assert "72%" not in body
    unranked = text_of(body.split('data-testid="unranked-table"')[1].split("</table>")[0])
    assert "Authority B No published figure held for 2017/18" in unranked
    assert "of 7 in the South West region" in text_of(body)


@pytest.mark.django_db
def test_default_period_is_the_newest_where_most_have_figures(
    personas: Personas, world: World, region: Area
) -> None:
    # 2018/19: only two of nine authorities so far.
    for slug, value in (("devon", "91"), ("dorset", "89")):
        published(Area.objects.get(slug=slug), world, 2018, value)
    body = client_for(personas.officer_a).get(URL).content.decode()
    assert "for 2017/18" in text_of(body.split('data-testid="summary"')[1])
    assert '<option value="fy-2018-19">2018/19 (2 with a figure)</option>' in body
    chosen = client_for(personas.officer_a).get(URL, {"group": "region", "period": "fy-2018-19"})
    text = text_of(chosen.content.decode())
    assert "Authority A is not ranked in the South West region for 2018/19" in text
    assert "no figure entered or imported for 2018/19" in text


@pytest.mark.django_db
def test_published_comparators_for_the_same_period(
    personas: Personas, world: World, region: Area
) -> None:
    factories.figure(world.england, world.indicator, factories.financial_year(2017), "84")
    factories.figure(region, world.indicator, factories.financial_year(2017), "82")
    body = client_for(personas.officer_a).get(URL).content.decode()
    listed = text_of(body.split('data-testid="published-comparators"')[1].split("</dl>")[0])
    assert "England 84%" in listed
    assert "South West 82%" in listed
    # 2016/17's England figure (83%) is not passed off as 2017/18's.
    listed_2016 = client_for(personas.officer_a).get(URL, {"period": "fy-2016-17"})
    assert listed_2016.status_code == 200
    assert "England 83%" in text_of(listed_2016.content.decode())


@pytest.mark.django_db
def test_statistical_neighbours_and_group_comparators_are_groups(
    personas: Personas, world: World, region: Area
) -> None:
    neighbours = NeighbourSet.objects.create(name="DfE 2021", published_on=date(2021, 4, 1))
    for number, slug in enumerate(("devon", "swindon", "torbay"), start=1):
        StatisticalNeighbour.objects.create(
            neighbour_set=neighbours,
            authority=world.authority_a,
            neighbour=Area.objects.get(slug=slug),
            rank=number,
        )
    group = factories.AreaFactory(name="Peninsula", slug="peninsula", kind=AreaKind.GROUP)
    group.members.set(Area.objects.filter(slug__in=["dorset", "plymouth"]))
    factories.comparator(world.authority_a, group, ComparatorKind.GROUP, "Peninsula", 5)
    client = client_for(personas.officer_a)
    body = client.get(URL).content.decode()
    assert f'value="neighbours-{neighbours.pk}">DfE 2021 (statistical neighbours, 4' in body
    assert 'value="group-peninsula">Peninsula (group, 3 authorities)' in body
    text = text_of(client.get(URL, {"group": f"neighbours-{neighbours.pk}"}).content.decode())
    assert "Authority A is ranked 2nd of 3 among its statistical neighbours (DfE 2021)" in text
    assert "Quartiles Not given: fewer than four authorities have a figure." in text
    text = text_of(client.get(URL, {"group": "group-peninsula"}).content.decode())
    assert "Authority A is ranked 2nd of 3 in the group Peninsula" in text


@pytest.mark.django_db
def test_lower_is_better_and_no_polarity(personas: Personas, world: World, region: Area) -> None:
    client = client_for(personas.officer_a)
    world.indicator.polarity = "lower"
    world.indicator.save()
    text = text_of(client.get(URL).content.decode())
    # Lowest first: 60, 75, 80, then 87 twice; 87 is the median, so still band B.
    assert "Authority A is ranked joint 4th of 7" in text and "in quartile B" in text
    world.indicator.polarity = "none"
    world.indicator.save()
    body = client.get(URL).content.decode()
    text = text_of(body)
    assert "Authority A’s figure, 87%, is the joint 4th lowest of 7" in text
    assert 'data-testid="polarity-note"' in body
    assert ">Quartile band</th>" not in body
    assert "Position" in text_of(body.split('data-testid="ranking-table"')[1])


@pytest.mark.django_db
def test_numerators_and_denominators_are_shown_where_held(
    personas: Personas, world: World, region: Area
) -> None:
    Figure.objects.filter(area__slug="devon", period__start__year=2017).update(
        numerator=Decimal(190), denominator=Decimal(200)
    )
    body = client_for(personas.officer_a).get(URL).content.decode()
    table = text_of(body.split('data-testid="ranking-table"')[1].split("</table>")[0])
    assert "Numerator Denominator" in table
    assert "Devon 95% 190 200 A" in table


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"group": "nowhere"}, "Choose a comparison group from the list"),
        ({"group": "region", "period": "next-tuesday"}, "that is not a period"),
        (
            {"group": "region", "period": "fy-2030-31"},
            "There are no figures in the South West region for 2030/31",
        ),
    ],
)
def test_bad_parameters_get_a_clear_message(
    personas: Personas, world: World, region: Area, params: dict[str, str], message: str
) -> None:
    response = client_for(personas.officer_a).get(URL, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in text_of(body)
    assert 'data-testid="ranking-table"' not in body
    # The form is still there, to choose again.
    assert '<select class="govuk-select" id="group" name="group">' in body


@pytest.mark.django_db
def test_unknown_indicator_or_authority_is_404_and_others_are_refused(
    personas: Personas, world: World, region: Area
) -> None:
    client = client_for(personas.officer_a)
    assert client.get("/a/authority-a/indicators/NOPE/benchmarking/").status_code == 404
    assert client.get("/a/nowhere/indicators/ASMT-T/benchmarking/").status_code == 404
    assert client_for(personas.officer_b).get(URL).status_code == 403
    assert client_for(personas.councillor_a).get(URL).status_code == 403


@pytest.mark.django_db
def test_an_authority_without_groups_is_told_so(personas: Personas, world: World) -> None:
    response = client_for(personas.officer_a).get(URL)
    assert response.status_code == 200
    assert 'data-testid="no-groups"' in response.content.decode()


def _grow_region(world: World, region: Area, size: int) -> None:
    for number in range(size):
        area = factories.AreaFactory(
            name=f"Extra {number:03}", slug=f"extra-{number:03}", region=region
        )
        published(area, world, 2017, str(50 + number % 40))
        published(area, world, 2016, str(55 + number % 30))


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_group(
    personas: Personas, world: World, region: Area, django_assert_max_num_queries
) -> None:
    neighbours = NeighbourSet.objects.create(name="DfE 2021", published_on=date(2021, 4, 1))
    StatisticalNeighbour.objects.create(
        neighbour_set=neighbours,
        authority=world.authority_a,
        neighbour=Area.objects.get(slug="devon"),
        rank=1,
    )
    client = client_for(personas.officer_a)
    counts = []
    for extra in (0, 60):
        _grow_region(world, region, extra)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        counts.append(len(queries))
    assert "of 67 in the South West region" in text_of(response.content.decode())
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(14):
        assert client.get(URL, {"group": "region", "period": "fy-2016-17"}).status_code == 200


@pytest.mark.django_db
def test_selector_queries_are_fixed(
    personas: Personas, world: World, region: Area, django_assert_max_num_queries
) -> None:
    """The read alone: authority, role, indicator, three for the groups, periods, figures,
    comparators and their published values."""
    _grow_region(world, region, 30)
    with django_assert_max_num_queries(10):
        page = benchmark_page(personas.officer_a, "authority-a", "ASMT-T")
    assert len(page.ranked) == 37


@pytest.mark.django_db
def test_chart_marks_the_authority_and_draws_the_boundaries(
    personas: Personas, world: World, region: Area
) -> None:
    factories.figure(world.england, world.indicator, factories.financial_year(2017), "84")
    page: BenchmarkPage = benchmark_page(personas.officer_a, "authority-a", "ASMT-T")
    figure = charts.benchmark_bars(page)
    plotly.graph_objects.Figure(figure)  # plotly's own schema accepts it
    bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
    own = next(trace for trace in bars if "this authority" in trace["name"])
    assert own["marker"]["pattern"]["shape"] == "/"
    assert own["y"] == ["<b>Authority A (this authority)</b>"]
    assert figure["layout"]["yaxis"]["categoryarray"][0] == "Devon"
    # Lower quartile, median, upper quartile and England: four vertical lines, each named.
    assert len(figure["layout"]["shapes"]) == 4
    names = [trace["name"] for trace in figure["data"] if trace["type"] == "scatter"]
    assert names == [
        "Lower quartile of the group: 77.5%",
        "Median of the group: 87.0%",
        "Upper quartile of the group: 88.5%",
        "England (published): 84%",
    ]


def test_summary_sentence_without_a_figure() -> None:
    assert summary_sentence(
        authority_name="Authority A",
        where="in the South West region",
        period_label="2017/18",
        own=None,
        own_reason="Suppressed (c: suppressed to protect confidentiality)",
        ranked_count=1,
        is_ranked=True,
    ) == (
        "Authority A is not ranked in the South West region for 2017/18 (suppressed (c: "
        "suppressed to protect confidentiality)); 1 authority is ranked."
    )


@pytest.mark.django_db
def test_a_period_with_only_suppressed_figures_says_so(
    personas: Personas, world: World, region: Area
) -> None:
    published(Area.objects.get(slug="devon"), world, 2014, None, suppression="x")
    response = client_for(personas.officer_a).get(URL, {"period": "fy-2014-15"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="nothing-ranked"' in body
    assert 'data-testid="ranking-table"' not in body
    assert "Devon Suppressed (x: not available)" in text_of(body)
    assert "0 authorities are ranked" in text_of(body)


@pytest.mark.django_db
def test_published_figures_rank_and_read_at_their_published_precision(
    personas: Personas, world: World
) -> None:
    """Issue 18: Wiltshire's 19.1% read "19%" when the measure's own decimals were 0."""
    south_west(world, {"Wiltshire": None})
    wiltshire = Area.objects.get(slug="wiltshire")
    Figure.objects.filter(area=wiltshire).delete()
    published(wiltshire, world, 2017, "19.1", published_decimals=1)
    factories.figure(
        world.england,
        world.indicator,
        factories.financial_year(2017),
        "21.4",
        source=PUBLISHED,
        published_decimals=1,
    )
    body = client_for(personas.officer_a).get(URL).content.decode()
    table = text_of(body.split('data-testid="ranking-table"')[1].split("</table>")[0])
    assert "Wiltshire 19.1%" in table
    listed = text_of(body.split('data-testid="published-comparators"')[1].split("</dl>")[0])
    assert "England 21.4%" in listed
