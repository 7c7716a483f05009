"""Measures published for every authority only to compare with (issue 18: the DfE's and ONS's
published measures, `Indicator.benchmarking_only`) are read, never asked for: an officer's
completeness list for the year does not count them as missing, and the dashboard does not turn
them into tiles, while the authority's own measures of the year stay on both."""

from __future__ import annotations

from indicators import dashboards
from indicators.models import DashboardSnapshot, Indicator
from indicators.selectors import completeness_page
from tests import factories
from tests.conftest import Personas, World


def measures(world: World) -> tuple[Indicator, Indicator]:
    kept = factories.IndicatorFactory(code="KEPT", title="% plans reviewed on time")
    published = factories.IndicatorFactory(
        code="CIN-AWAIT-ASMT", title="Children awaiting assessment", benchmarking_only=True
    )
    return kept, published


def test_a_published_measure_is_never_listed_as_due_for_the_year(
    world: World, personas: Personas
) -> None:
    kept, published = measures(world)
    year = factories.financial_year(2017)
    page = completeness_page(personas.officer_a, "authority-a", year.url_key)
    listed = {row.indicator.code for _theme, rows in page.themes for row in rows}
    assert kept.code in listed
    assert published.code not in listed


def test_a_published_measure_is_no_dashboard_tile(world: World) -> None:
    kept, published = measures(world)
    year = factories.financial_year(2017)
    for indicator in (kept, published):
        factories.figure(world.authority_a, indicator, year, "70")
    dashboards.dashboard_rebuild(authority=world.authority_a)
    snapshot = DashboardSnapshot.objects.get(dashboard_id=world.authority_a.pk, category=None)
    tiles = {tile["code"] for theme in snapshot.content["themes"] for tile in theme["tiles"]}
    assert kept.code in tiles
    assert published.code not in tiles
