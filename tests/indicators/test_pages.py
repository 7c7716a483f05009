"""The authority home and indicator pages show what the seed packs report."""

import csv
import html as html_module
import io
import json
import re
from datetime import date

import plotly.graph_objects
import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from indicators import figure_context, selectors
from indicators.demo import demo_load
from indicators.models import (
    Area,
    AreaKind,
    BreakdownCategory,
    Comparator,
    ComparatorKind,
    Figure,
    Indicator,
    NeighbourSet,
    PeriodKind,
    StatisticalNeighbour,
)
from tests import factories
from tests.conftest import Personas, World

ASSESSMENTS = "% single assessments completed by 45 days"


def text_of(html: str) -> str:
    """The page as a reader sees it: tags removed, white space folded."""
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def tile(html: str, code: str) -> str:
    """The text of a dashboard tile: from its measure to the next tile or theme."""
    after = html.split(f'data-indicator="{code}"')[1]
    return text_of(re.split(r'<li class="app-tile"|<h2 |</main>', after)[0])


def trend_table(html: str) -> str:
    """The text of the indicator page's trend table."""
    return text_of(html.split('data-testid="trend-table"')[1].split("</table>")[0])


@pytest.fixture
def demo(loaded_demo, django_user_model, eager_tasks) -> None:
    """The demo, as `demo_load()` leaves it (see tests/conftest.py)."""


def signed_in(username: str, django_user_model: type[User]) -> Client:
    from accounts import access
    from accounts.services import membership_set, user_set
    from indicators.models import Area

    authority_slug, role = username.split(".")
    user = user_set(actor=access.SYSTEM, username=username, password="a-test-password-123")
    membership_set(
        actor=access.SYSTEM, user=user, authority=Area.objects.get(slug=authority_slug), role=role
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_wiltshire_assessments_page_matches_the_seed(demo, django_user_model) -> None:
    client = signed_in("wiltshire.officer", django_user_model)
    code = Indicator.objects.get(title=ASSESSMENTS).code
    response = client.get(f"/a/wiltshire/indicators/{code}/")
    assert response.status_code == 200
    page = text_of(response.content.decode())
    headline = page.split("Compared with")[0]
    assert "87% in 2017/18 (provisional)" in headline
    assert "Target 90–95%" in headline
    assert "Red: below target" in headline
    assert "England 83% (2016/17" in page
    assert "Statistical neighbours 80% (2016/17" in page
    table = trend_table(response.content.decode())
    for year, value in (("2015/16", "80%"), ("2016/17", "90%"), ("2017/18", "87%")):
        assert re.search(rf"{re.escape(year)} {re.escape(value)}", table), (year, value)
    assert 'data-figure="trend-chart-data"' in response.content.decode()


@pytest.mark.django_db
def test_wiltshire_home_lists_the_indicator_by_theme(demo, django_user_model) -> None:
    client = signed_in("wiltshire.manager", django_user_model)
    response = client.get("/a/wiltshire/")
    body = response.content.decode()
    code = Indicator.objects.get(title=ASSESSMENTS).code
    row = tile(body, code)
    assert "87%" in row and "2017/18" in row
    assert "90–95%" in row
    assert "Red: below target" in row
    assert "Worsening: down 3 percentage points from 90% (2016/17)" in row
    assert "England 83% (2016/17" in row


@pytest.mark.django_db
def test_devon_children_in_need_shows_the_18_month_trend_ending_686(
    demo, django_user_model
) -> None:
    client = signed_in("devon.officer", django_user_model)
    home = client.get("/a/devon/").content.decode()
    title = "Children on child in need plans at month end"
    match = re.search(rf'href="/a/devon/indicators/([^/]+)/"[^>]*>{title}<', home)
    assert match, "Devon's home page links to the children-in-need plans indicator"
    page = client.get(f"/a/devon/indicators/{match.group(1)}/").content.decode()
    text = text_of(page)
    assert "686 in September 2021" in text
    assert "12 figures from October 2020 to September 2021" in text
    table = trend_table(page)
    months = re.findall(r"(\w+ 20\d\d) (\d{3})\b", table)
    assert months[0] == ("October 2020", "650")
    assert months[-1] == ("September 2021", "686")
    assert len(months) == 12


@pytest.mark.django_db
def test_a_measure_without_a_target_is_rated_against_england(demo, django_user_model) -> None:
    client = signed_in("wiltshire.officer", django_user_model)
    body = client.get("/a/wiltshire/").content.decode()
    # Second child protection plans: 20% in 2017/18, no target, England 19% in 2016/17.
    row = tile(body, "CPP-2ND")
    assert "20%" in row
    assert "Similar to England (2016/17)" in row


@pytest.mark.django_db
def test_the_home_page_reads_in_the_same_few_queries_however_many_indicators(
    world, personas, django_assert_max_num_queries
) -> None:
    from tests import factories

    client = Client()
    client.force_login(personas.officer_a)
    from indicators.dashboards import dashboard_rebuild

    dashboard_rebuild(authority=world.authority_a)
    with django_assert_max_num_queries(10) as few:
        client.get("/a/authority-a/")
    for number in range(30):
        indicator = factories.IndicatorFactory(code=f"MORE-{number}")
        factories.figure(world.authority_a, indicator, factories.financial_year(2017), "50")
    dashboard_rebuild(authority=world.authority_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/a/authority-a/")
    assert response.content.decode().count("data-indicator=") == 31


@pytest.mark.django_db
def test_devon_categories_of_abuse_are_shown_by_category(demo, django_user_model) -> None:
    client = signed_in("devon.officer", django_user_model)
    home = text_of(client.get("/a/devon/").content.decode())
    assert "Kept by category of abuse only" in home
    page = text_of(client.get("/a/devon/indicators/CPP-CAT/").content.decode())
    assert "By category of abuse, September 2021" in page
    for category, share in (("Neglect", 50), ("Emotional abuse", 35), ("Physical abuse", 12)):
        assert f"{category} {share}%" in page


@pytest.mark.django_db
def test_devon_visits_by_locality_match_the_seed(demo, django_user_model) -> None:
    client = signed_in("devon.officer", django_user_model)
    response = client.get("/a/devon/indicators/CIN-VISITS/")
    page = text_of(response.content.decode())
    assert "77% in September 2021" in page
    for locality, share in (("South", 77), ("North", 59), ("Mid & East", 58), ("Exeter", 82)):
        assert f"{locality} {share}%" in page
    # One figure is not a trend: a table, no trend chart; the localities get a bar chart.
    assert "trend-chart-data" not in response.content.decode()
    assert 'data-figure="breakdown-locality-data"' in response.content.decode()


@pytest.mark.django_db
def test_devon_quarters_and_years_are_derived_from_its_months(
    django_user_model, eager_tasks, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()  # and the roll-up tasks its figures queue, run in-process
    client = signed_in("devon.officer", django_user_model)
    text = text_of(client.get("/a/devon/indicators/CIN-PLANS/").content.decode())
    assert "Quarters and years, derived from the months" in text
    # The latest snapshot of July to September 2021 is September's 686.
    assert "Q2 2021/22 686 (derived)" in text
    # April 2021 to March 2022 has only six months here: derived, but provisional, and
    # labelled as the monthly measure's year end (issue 17).
    assert "2021-22 year end 686 (derived, provisional)" in text


# --- the indicator page's neighbours, summaries, downloads and query bounds --------------------


def neighbours_of_a(
    world: World, names_and_values: list[tuple[str, str | None]], *, with_figures: bool = True
) -> list[Area]:
    """Authority A's statistical neighbours in rank order, each with a 2017/18 figure of
    `world.indicator` (None: suppressed, code c), and A's comparator of their mean."""
    neighbour_set = NeighbourSet.objects.create(
        name="Test neighbours 2025", published_on=date(2025, 4, 1)
    )
    group = factories.AreaFactory(
        name="Authority A’s statistical neighbours", slug="a-neighbours", kind=AreaKind.GROUP
    )
    year = factories.financial_year(2017)
    areas = []
    for rank, (name, value) in enumerate(names_and_values, start=1):
        area = factories.AreaFactory(name=name, slug=f"neighbour-{rank}")
        areas.append(area)
        StatisticalNeighbour.objects.create(
            neighbour_set=neighbour_set,
            authority=world.authority_a,
            neighbour=area,
            rank=rank,
            closeness="Very close",
        )
        if not with_figures:
            continue
        if value is None:
            Figure.objects.create(
                area=area,
                indicator=world.indicator,
                period=year,
                value=None,
                suppression="c",
                ratio_kind="proportion",
                status="approved",
                source="published",
            )
        else:
            # The neighbours' annual figures are the DfE's published statistics.
            factories.figure(area, world.indicator, year, value, source="published")
    Comparator.objects.create(
        authority=world.authority_a,
        kind=ComparatorKind.NEIGHBOURS,
        area=group,
        neighbour_set=neighbour_set,
        label="Statistical neighbours",
        order=2,
    )
    return areas


def localities_of_a(world: World, values: dict[str, str]) -> None:
    year = factories.financial_year(2017)
    for order, (name, value) in enumerate(values.items()):
        category = BreakdownCategory.objects.create(
            dimension="locality", name=name, authority=world.authority_a, order=order
        )
        factories.figure(world.authority_a, world.indicator, year, value, breakdown=category)


def chart_data(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no chart data #{element_id}"
    return json.loads(match.group(1))


def table_text(html: str, testid: str) -> str:
    return text_of(html.split(f'data-testid="{testid}"')[1].split("</table>")[0])


NEIGHBOURS = [("Nearby One", "92"), ("Nearby Two", "84"), ("Nearby Three", None)]


@pytest.mark.django_db
def test_the_neighbour_chart_ranks_the_authority_among_its_neighbours(
    world: World, personas: Personas
) -> None:
    neighbours_of_a(world, NEIGHBOURS)
    factories.figure(world.england, world.indicator, factories.financial_year(2017), "85")
    client = Client()
    client.force_login(personas.officer_a)
    html = client.get("/a/authority-a/indicators/ASMT-T/").content.decode()
    page = text_of(html)
    # 87 against neighbours of 92 and 84 (the third suppressed): mean (92 + 84) / 2 = 88.
    assert (
        "Authority A: 87% in 2017/18; the 2 of its 3 statistical neighbours with a figure "
        "range from 84% to 92%, mean 88%."
    ) in page
    assert "Compared with statistical neighbours, 2017/18" in page
    table = table_text(html, "neighbours-table")
    assert "1 Nearby One 92% 1 Very close" in table
    assert "2 Authority A (this authority) 87%" in table
    assert "3 Nearby Two 84% 2 Very close" in table
    assert "not ranked Nearby Three suppressed (c) 3 Very close" in table
    assert "Neighbours’ mean 88% (mean of 2 of 3 neighbours)" in table
    assert "England 85% (entered)" in table

    chart = chart_data(html, "neighbours-chart-data")
    bars = chart["data"][0]
    assert bars["y"] == ["Nearby One", "Authority A (this authority)", "Nearby Two"]
    assert bars["x"] == [92, 87, 84]
    own, other, _ = bars["marker"]["color"]
    assert own != other and bars["marker"]["color"][2] == own
    assert [trace["name"] for trace in chart["data"][1:]] == [
        "Neighbours’ mean: 88%",
        "England: 85%",
    ]


@pytest.mark.django_db
def test_every_chart_has_a_one_sentence_summary_and_a_table(
    world: World, personas: Personas
) -> None:
    neighbours_of_a(world, NEIGHBOURS)
    localities_of_a(world, {"North": "70", "South": "95", "East": "88"})
    client = Client()
    client.force_login(personas.officer_a)
    html = client.get("/a/authority-a/indicators/ASMT-T/").content.decode()
    page = text_of(html)
    # 80% in 2015/16 to 87% in 2017/18; England's latest is 83% for 2016/17; the neighbours'
    # mean for 2017/18 is computed from the two with figures.
    assert (
        "Authority A: 87% in 2017/18, up 7 percentage points from 80% in 2015/16 (3 figures); "
        "target 90–95%; England 83% (2016/17, entered); "
        "Statistical neighbours 88% (2017/18, mean of 2 of 3 neighbours)."
    ) in page
    assert "By locality in 2017/18: highest South 95%, lowest North 70%, of 3 with a value." in page
    breakdown = table_text(html, "breakdown-table")
    assert "North 70%" in breakdown and "South 95%" in breakdown and "East 88%" in breakdown
    for element in ("trend-chart-data", "neighbours-chart-data", "breakdown-locality-data"):
        assert f'data-figure="{element}"' in html
        # Charts are written as plotly's JSON by hand: plotly's own schema checks them here.
        plotly.graph_objects.Figure(chart_data(html, element))
    # The target band is a named series of the trend chart, as is each comparator.
    names = {trace.get("name") for trace in chart_data(html, "trend-chart-data")["data"]}
    assert {"Target band", "Authority A", "England", "Statistical neighbours"} <= names


@pytest.mark.django_db
def test_the_neighbour_section_says_when_no_figures_are_loaded(
    world: World, personas: Personas
) -> None:
    client = Client()
    client.force_login(personas.officer_a)
    url = "/a/authority-a/indicators/ASMT-T/"
    assert "No statistical neighbours are set for Authority A." in text_of(
        client.get(url).content.decode()
    )
    neighbours_of_a(world, NEIGHBOURS, with_figures=False)
    html = client.get(url).content.decode()
    assert (
        "No figures of Authority A’s statistical neighbours are loaded for this measure."
        in text_of(html)
    )
    assert "neighbours-chart-data" not in html


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_page_numbers_download_as_csv_and_xlsx(world: World, personas: Personas) -> None:
    neighbours_of_a(world, NEIGHBOURS)
    localities_of_a(world, {"North": "70", "South": "95"})
    factories.figure(world.england, world.indicator, factories.financial_year(2017), "85")
    client = Client()
    client.force_login(personas.manager_a)
    html = client.get("/a/authority-a/indicators/ASMT-T/").content.decode()
    assert 'href="/a/authority-a/indicators/ASMT-T/download.csv"' in html
    assert 'href="/a/authority-a/indicators/ASMT-T/download.xlsx"' in html

    response = client.get("/a/authority-a/indicators/ASMT-T/download.csv")
    assert response["Content-Disposition"] == 'attachment; filename="authority-a-ASMT-T.csv"'
    rows = _csv_rows(response)
    assert rows[0] == [
        "period",
        "value",
        "as shown",
        "numerator",
        "denominator",
        "flags",
        "data quality",
        "target",
        "rating",
        "England",
        "England period",
        "England is",
        "Statistical neighbours",
        "Statistical neighbours period",
        "Statistical neighbours is",
    ]
    latest = next(row for row in rows if row[:1] == ["2017/18"])
    assert latest == [
        "2017/18",
        "87",
        "87%",
        "",
        "",
        "",
        "",
        "90–95%",
        "Red: below target",
        "85",
        "2017/18",
        "entered",
        "88",
        "2017/18",
        "mean of 2 of 3 neighbours",
    ]
    start = rows.index(NEIGHBOUR_HEADER)
    assert rows[start + 1 : start + 5] == [
        ["2017/18", "1", "Nearby One", "92", "92%", "1", "Very close"],
        ["2017/18", "2", "Authority A (this authority)", "87", "87%", "", ""],
        ["2017/18", "3", "Nearby Two", "84", "84%", "2", "Very close"],
        ["2017/18", "", "Nearby Three", "", "suppressed (c)", "3", "Very close"],
    ]
    assert [
        "2017/18",
        "",
        "Neighbours’ mean",
        "88",
        "88% (mean of 2 of 3 neighbours)",
        "",
        "",
    ] in rows
    start = rows.index(["breakdown period", "dimension", "category", "value", "as shown"])
    assert rows[start + 1 :] == [
        ["2017/18", "locality", "North", "70", "70%"],
        ["2017/18", "locality", "South", "95", "95%"],
    ]

    response = client.get("/a/authority-a/indicators/ASMT-T/download.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="authority-a-ASMT-T.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["figures", "neighbours", "breakdowns"]
    figures = [[cell.value for cell in row] for row in book["figures"].iter_rows()]
    assert figures[-1][:2] == ["2017/18", 87]
    neighbours = [[cell.value for cell in row] for row in book["neighbours"].iter_rows()]
    assert neighbours[1][:4] == ["2017/18", 1, "Nearby One", 92]


NEIGHBOUR_HEADER = [
    "neighbours period",
    "rank",
    "authority",
    "value",
    "as shown",
    "neighbour rank",
    "closeness",
]


@pytest.mark.django_db
def test_the_downloads_escape_formulae(world: World, personas: Personas) -> None:
    formula = '=HYPERLINK("http://example.com","click")'
    neighbours_of_a(world, [(formula, "92"), ("@SUM(1+1)", "84")])
    localities_of_a(world, {"-1 team": "70", "+44 team": "95"})
    client = Client()
    client.force_login(personas.officer_a)
    rows = _csv_rows(client.get("/a/authority-a/indicators/ASMT-T/download.csv"))
    names = {row[2] for row in rows if len(row) > 2}
    assert "'" + formula in names and "'@SUM(1+1)" in names
    assert formula not in names
    categories = {row[2] for row in rows if row[:1] == ["2017/18"] and row[1:2] == ["locality"]}
    assert categories == {"'-1 team", "'+44 team"}

    content = client.get("/a/authority-a/indicators/ASMT-T/download.xlsx").content
    sheet = load_workbook(io.BytesIO(content))["neighbours"]
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value == "'" + formula
    breakdowns = load_workbook(io.BytesIO(content))["breakdowns"]
    assert {breakdowns.cell(row=r, column=3).value for r in (2, 3)} == {"'-1 team", "'+44 team"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/a/authority-a/indicators/ASMT-T/",
        "/a/authority-a/indicators/ASMT-T/download.csv",
        "/a/authority-a/indicators/ASMT-T/download.xlsx",
    ],
)
def test_another_authoritys_officer_and_a_councillor_are_refused(
    world: World, personas: Personas, path: str
) -> None:
    neighbours_of_a(world, NEIGHBOURS)
    for user in (personas.officer_b, personas.councillor_a):
        client = Client()
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 403, (user.username, path)
        assert b"Nearby One" not in response.content
    assert Client().get(path).status_code == 302  # to the sign-in page


def monthly_history(world: World, code: str, months: int, neighbours: int) -> Indicator:
    """A monthly measure of authority A: `months` figures to September 2021, England's
    annual figures, `neighbours` neighbours with a figure every month, a region of three
    authorities, three localities and a target every year."""
    from indicators import periods

    indicator = factories.IndicatorFactory(code=code, frequency="monthly", title=f"Monthly {code}")
    last = date(2021, 9, 1)
    month_periods = [
        factories.period(PeriodKind.MONTH, periods.add_months(last, -back))
        for back in range(months - 1, -1, -1)
    ]
    region = factories.AreaFactory(
        name=f"Region {code}", slug=f"region-{code.lower()}", kind=AreaKind.REGION
    )
    Comparator.objects.create(
        authority=world.authority_a,
        kind=ComparatorKind.REGION,
        area=region,
        label="Region",
        order=3,
    )
    for number in range(3):
        member = factories.AreaFactory(
            name=f"{code} region member {number}", slug=f"{code.lower()}-rm-{number}", region=region
        )
        for period in month_periods:
            factories.club_figure(member, indicator, period, str(60 + number))
    neighbour_set = NeighbourSet.objects.create(name=f"Set {code}", published_on=date(2025, 4, 1))
    group = factories.AreaFactory(name=f"SN {code}", slug=f"sn-{code.lower()}", kind=AreaKind.GROUP)
    Comparator.objects.create(
        authority=world.authority_a,
        kind=ComparatorKind.NEIGHBOURS,
        area=group,
        neighbour_set=neighbour_set,
        label=f"SN {code}",
        order=4,
    )
    for rank in range(1, neighbours + 1):
        neighbour = factories.AreaFactory(
            name=f"{code} neighbour {rank}", slug=f"{code.lower()}-n-{rank}"
        )
        StatisticalNeighbour.objects.create(
            neighbour_set=neighbour_set, authority=world.authority_a, neighbour=neighbour, rank=rank
        )
        for period in month_periods:
            factories.club_figure(neighbour, indicator, period, str(50 + rank))
    for index, period in enumerate(month_periods):
        factories.figure(world.authority_a, indicator, period, str(70 + index % 20))
    for year in range(2015, 2022):
        factories.figure(world.england, indicator, factories.financial_year(year), "75")
        factories.target(world.authority_a, indicator, factories.financial_year(year), "80", "90")
    for order, name in enumerate(("North", "South", "East")):
        category, _ = BreakdownCategory.objects.get_or_create(
            dimension="locality", name=name, authority=world.authority_a, defaults={"order": order}
        )
        factories.figure(world.authority_a, indicator, month_periods[-1], "77", breakdown=category)
    return indicator


# Queries of the indicator page, whatever the history held: the session and user, the authority
# and the membership behind the access check (and the edit permission), the indicator, the
# comparators with their neighbour, region and group lists, the authority's own figures of the
# measure with the latest period's breakdowns, the window's targets, other areas' figures (the
# comparators', their members' and the neighbour chart's), the history, the measures the
# catalogue pairs it with (issue 17), and the reorganisations the authority took part in (a
# labelled break on the trend, issue 18).
INDICATOR_PAGE_QUERIES = 12


@pytest.mark.django_db
# Neighbour r has 50 + r every month: 51% to (50 + n)%, mean 51.5% (52%) or 55.5% (56%).
@pytest.mark.parametrize(("months", "neighbours", "mean"), [(5, 2, "52%"), (40, 10, "56%")])
def test_the_indicator_page_reads_in_the_same_few_queries_however_much_history(
    world: World, personas: Personas, django_assert_max_num_queries, months, neighbours, mean
) -> None:
    indicator = monthly_history(world, "HIST", months=months, neighbours=neighbours)
    client = Client()
    client.force_login(personas.officer_a)
    with django_assert_max_num_queries(INDICATOR_PAGE_QUERIES):
        response = client.get(f"/a/authority-a/indicators/{indicator.code}/")
    assert response.status_code == 200
    with django_assert_max_num_queries(INDICATOR_PAGE_QUERIES):
        download = client.get(f"/a/authority-a/indicators/{indicator.code}/download.xlsx")
    assert download.status_code == 200
    text = text_of(response.content.decode())
    shown = min(months, 18)
    assert f"{shown} figures from" in text and "to September 2021" in text
    assert (
        f"its {neighbours} statistical neighbours range from 51% to {50 + neighbours}%, "
        f"mean {mean}."
    ) in text


@pytest.mark.django_db
def test_the_indicator_page_reads_only_its_window(world: World, personas: Personas) -> None:
    """40 months are held; the page's context holds the 18 of its window (and comparators'
    figures from a little before, to stand beside the first of them), never the rest."""
    indicator = monthly_history(world, "LARGE", months=40, neighbours=3)
    since = date(2020, 4, 1)  # 18 months to September 2021
    context = figure_context.load_context(world.authority_a, [indicator], since=since)
    own = context.own[indicator.id]
    assert len(own) == 18 and min(figure.period.end for figure in own) >= since
    members = Figure.objects.filter(pk__in=[f.pk for f in context.member_figures.values()])
    assert members.count() == 18 * 6  # 3 neighbours and 3 region members
    assert not members.filter(period__end__lt=since).exists()
    page = selectors.indicator_page(personas.officer_a, "authority-a", indicator.code)
    assert len(page.rows) == 18
