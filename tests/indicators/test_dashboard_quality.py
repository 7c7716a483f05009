"""A dashboard tile shows its latest figure's data quality as a statutory return's rules left it
(issue 19): a few words always on show and the full sentence a click away, carried in the
snapshot so the page reads nothing more; nothing once the figure is corrected by other means."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accounts import access
from indicators import dashboards, services
from indicators.models import Figure
from indicators.quality_words import quality_short
from indicators.services.figure_quality import QualityRecord, figure_qualities_record
from tests import factories

pytestmark = pytest.mark.django_db

SHORT = "Data quality: 12 of 400 children (3.0%) have errors that can change it"
FULL = "Data quality: 12 of the 400 children counted (3.0%) are in records with errors"


def latest(world) -> Figure:
    return Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period=factories.financial_year(2017)
    )


def record(figure: Figure, affected: int = 12) -> None:
    figure_qualities_record(
        user=access.SYSTEM,
        rule_set="SSDA903 2025/26",
        records=[QualityRecord(figure.pk, 400, affected, [{"code": "408", "children": affected}])],
    )


def dashboard(user, django_assert_max_num_queries) -> str:
    client = Client()
    client.force_login(user)
    with django_assert_max_num_queries(10):
        return client.get("/a/authority-a/").content.decode()


def test_the_tile_says_how_many_children_errors_touch_in_words(
    world, personas, django_assert_max_num_queries
) -> None:
    record(latest(world))
    dashboards.dashboard_rebuild(authority=world.authority_a)
    body = dashboard(personas.manager_a, django_assert_max_num_queries)
    assert f'<span class="govuk-details__summary-text">{SHORT}</span>' in body
    assert FULL in body
    assert "(DfE rules 408 for 12 children; SSDA903 2025/26)." in body


def test_a_figure_no_error_touches_says_so(world, personas, django_assert_max_num_queries) -> None:
    record(latest(world), affected=0)
    dashboards.dashboard_rebuild(authority=world.authority_a)
    body = dashboard(personas.manager_a, django_assert_max_num_queries)
    assert "Data quality: no DfE rule errors can change it" in body
    assert "no DfE rule error (SSDA903 2025/26) touches the 400 children it counts" in body


def test_only_the_latest_figures_quality_is_on_the_tile(
    world, personas, django_assert_max_num_queries
) -> None:
    earlier = Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period=factories.financial_year(2016)
    )
    record(earlier)
    dashboards.dashboard_rebuild(authority=world.authority_a)
    assert "Data quality" not in dashboard(personas.manager_a, django_assert_max_num_queries)


def test_a_figure_corrected_since_shows_no_quality(
    world, personas, django_assert_max_num_queries
) -> None:
    figure = latest(world)
    record(figure)
    services.figure_set(
        user=personas.officer_a,
        area=world.authority_a,
        indicator=world.indicator,
        period=figure.period,
        value=Decimal("88"),
        correction_reason="Corrected after the case audit",
        reason="Correction",
    )
    dashboards.dashboard_rebuild(authority=world.authority_a)
    body = dashboard(personas.manager_a, django_assert_max_num_queries)
    assert 'data-indicator="ASMT-T"' in body
    assert "Data quality" not in body


def test_a_corrected_return_with_the_same_figures_updates_the_tile(
    world, personas, eager_tasks, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    record(latest(world))
    dashboards.dashboard_rebuild(authority=world.authority_a)
    with django_capture_on_commit_callbacks(execute=True):
        record(latest(world), affected=0)  # the figures themselves do not change
    body = dashboard(personas.manager_a, django_assert_max_num_queries)
    assert "Data quality: no DfE rule errors can change it" in body
    assert SHORT not in body


@pytest.mark.parametrize(
    ("counted", "affected", "words"),
    [
        (4210, 1, "Data quality: 1 of 4,210 children (under 0.1%) has errors that can change it"),
        (1, 1, "Data quality: 1 of 1 child (100.0%) has errors that can change it"),
        (0, 0, "Data quality: checked; it counts no children"),
    ],
)
def test_the_few_words_read_as_english_whatever_the_counts(counted, affected, words) -> None:
    assert quality_short(counted, affected) == words
