"""A quarterly measure's year-end outturn (issue 17) shown beside its quarters: the shared
selector, the indicator page's table, chart and history, its downloads, and the packs."""

import csv
import io
from datetime import date

import pytest
from django.test import Client

from indicators import charts, selectors
from indicators.models import FigureSource, FigureStatus, Indicator, PeriodKind
from scrutiny import layouts
from scrutiny.content import indicator_dict
from tests import factories
from tests.conftest import Personas, World


@pytest.fixture
def quarterly(world: World):
    """Authority A's quarterly measure: the four quarters of 2016/17 and that year's
    outturn, reported (imported), not rolled up."""
    measure = factories.IndicatorFactory(
        code="PM24", title="Assessments in time", frequency="quarterly", measure_type="ytd"
    )
    for month, value in ((4, "60"), (7, "62"), (10, "64"), (1, "66")):
        start = date(2016 if month > 3 else 2017, month, 1)
        factories.figure(
            world.authority_a, measure, factories.period(PeriodKind.QUARTER, start), value
        )
    outturn = factories.figure(
        world.authority_a,
        measure,
        factories.financial_year(2016),
        "65",
        source=FigureSource.IMPORTED,
    )
    return measure, outturn


@pytest.mark.django_db
def test_the_selector_finds_a_years_outturn(world: World, quarterly):
    measure, outturn = quarterly
    assert selectors.year_end_outturn(measure, world.authority_a, date(2016, 4, 1)) == outturn
    # Any day of the year finds it.
    assert selectors.year_end_outturn(measure, world.authority_a, date(2017, 2, 1)) == outturn
    assert selectors.year_end_outturn(measure, world.authority_a, date(2015, 4, 1)) is None
    assert selectors.year_end_outturn(measure, world.authority_b, date(2016, 4, 1)) is None


@pytest.mark.django_db
def test_the_selector_leaves_out_a_breakdown(world: World, quarterly):
    from indicators.models import BreakdownCategory, Figure

    measure, outturn = quarterly
    north = BreakdownCategory.objects.create(dimension="locality", name="North")
    Figure.objects.filter(pk=outturn.pk).update(breakdown=north)
    assert selectors.year_end_outturn(measure, world.authority_a, date(2016, 4, 1)) is None


@pytest.mark.django_db
def test_the_page_shows_the_outturn_after_the_fourth_quarter(personas: Personas, quarterly):
    _measure, _outturn = quarterly
    page = selectors.indicator_page(personas.officer_a, "authority-a", "PM24")
    assert [(row.period_label, row.text) for row in page.rows] == [
        ("Q1 2016/17", "60%"),
        ("Q2 2016/17", "62%"),
        ("Q3 2016/17", "64%"),
        ("Q4 2016/17", "66%"),
        ("2016-17 year end", "65%"),
    ]
    # The latest figure, and the trend line, are the quarters'.
    assert page.summary.latest.period.label == "Q4 2016/17"
    assert [row.period_label for row in page.trend_rows][-1] == "Q4 2016/17"
    chart = charts.indicator_trend(page)
    names = [trace.get("name") for trace in chart["data"]]
    assert "Authority A, year end" in names
    year_end_trace = chart["data"][names.index("Authority A, year end")]
    assert year_end_trace["text"] == ["2016-17 year end: 65%"]

    html = Client()
    html.force_login(personas.officer_a)
    body = html.get("/a/authority-a/indicators/PM24/").content.decode()
    assert 'data-testid="year-end-row"' in body
    assert "2016-17 year end" in body


@pytest.mark.django_db
def test_a_change_to_the_outturn_names_it_in_the_history(personas: Personas, quarterly):
    from indicators.models import ChangeChannel, FigureChange

    _measure, outturn = quarterly
    FigureChange.objects.create(
        figure=outturn,
        channel=ChangeChannel.IMPORT,
        new_value=outturn.value,
        new_status=FigureStatus.APPROVED,
        reason="Imported",
    )
    page = selectors.indicator_page(personas.officer_a, "authority-a", "PM24")
    assert [row.period_label for row in page.history] == ["2016-17 year end"]


@pytest.mark.django_db
def test_the_download_holds_the_outturn(personas: Personas, quarterly):
    client = Client()
    client.force_login(personas.officer_a)
    response = client.get("/a/authority-a/indicators/PM24/download.csv")
    text = b"".join(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    periods = [row[0] for row in rows[1:6]]
    assert periods == ["Q1 2016/17", "Q2 2016/17", "Q3 2016/17", "Q4 2016/17", "2016-17 year end"]
    assert rows[5][1] == "65"


@pytest.mark.django_db
def test_a_pack_shows_the_latest_outturn_in_cards_and_the_compact_table(world: World, quarterly):
    measure, outturn = quarterly
    (item,) = selectors.pack_indicators(world.authority_a, [measure], as_at=date(2017, 6, 30))
    assert item.year_end is not None and item.year_end.figure_id == outturn.pk
    shown = indicator_dict(item)
    assert shown["year_end"]["period"] == "2016-17 year end"
    assert shown["year_end"]["text"] == "65%"
    assert shown["latest"]["period"] == "Q4 2016/17"
    table = layouts.compact_table([shown, {**shown, "year_end": None}])
    assert table["year_end"] is True
    assert table["rows"][0]["span"] == 3 + 1 + 1  # measure, current, rating; prior; year end
    # Before the year ended, there is no outturn to show.
    (early,) = selectors.pack_indicators(world.authority_a, [measure], as_at=date(2016, 12, 31))
    assert early.year_end is None
    assert layouts.compact_table([indicator_dict(early)])["year_end"] is False


@pytest.mark.django_db
def test_a_measure_with_only_years_shows_them_as_its_history_not_twice(world: World):
    factories.IndicatorFactory(code="PM30", frequency="quarterly")
    measure = Indicator.objects.get(code="PM30")
    factories.figure(world.authority_a, measure, factories.financial_year(2016), "5")
    (item,) = selectors.pack_indicators(world.authority_a, [measure], as_at=date(2017, 6, 30))
    assert item.year_end is None
    assert [shown.row.period_label for shown in item.history] == ["2016-17 year end"]


@pytest.mark.django_db
@pytest.mark.parametrize("layout", [layouts.CARDS, layouts.TABLE])
def test_the_pack_layouts_print_the_outturn(world: World, quarterly, layout):
    from django.template.loader import render_to_string

    from tests.indicators.test_pages import text_of

    measure, _outturn = quarterly
    (item,) = selectors.pack_indicators(world.authority_a, [measure], as_at=date(2017, 6, 30))
    section = layouts.laid_out(
        {
            "kind": "theme_page",
            "title": "Assessments",
            "layout": layout,
            "period": "Q1 2017/18",
            "indicators": [indicator_dict(item)],
        }
    )
    html = render_to_string(section["layout_template"], {"section": section})
    text = text_of(html)
    assert "Year-end outturn" in text
    assert "65% (2016-17 year end)" in text
