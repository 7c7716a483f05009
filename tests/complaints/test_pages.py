"""The page with the seed's demo data: its figures (77, 111, 61), charts valid against plotly's
schema, the dashboard link and derived figures, and a bounded number of queries."""

import json
import re

import plotly.graph_objects as go
import pytest
from django.test import Client

from accounts.models import Membership, Role
from complaints import charts, selectors
from complaints.demo import complaints_demo_load
from complaints.models import Complaint, Compliment
from indicators.models import Area, Figure
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def wiltshire(loaded_demo) -> Area:
    """The demo, as `demo_load()` leaves it (see tests/conftest.py), and the complaints demo."""
    result = complaints_demo_load()
    assert result.complaints == 188 and result.compliments == 61
    return Area.objects.get(slug="wiltshire")


@pytest.fixture
def manager(wiltshire: Area):
    user = factories.UserFactory(username="wilts_manager")
    Membership.objects.create(user=user, authority=wiltshire, role=Role.MANAGER)
    return user


def test_demo_reproduces_the_seed_totals_and_loads_once(wiltshire: Area) -> None:
    assert complaints_demo_load().complaints == 0
    assert Complaint.objects.filter(authority=wiltshire).count() == 188
    derived = Figure.objects.filter(
        area=wiltshire, source="records", indicator__code="CMP-CONCLUDED"
    )
    by_year: dict[int, int] = {}
    for figure in derived.select_related("period"):
        start = figure.period.start
        year = start.year if start.month >= 4 else start.year - 1
        by_year[year] = by_year.get(year, 0) + int(figure.value)
    assert by_year == {2016: 111, 2017: 77}
    assert (
        sum(
            f.value
            for f in Figure.objects.filter(
                area=wiltshire, source="records", indicator__code="COMPLIMENTS"
            )
        )
        == 61
    )
    assert (
        Figure.objects.get(
            area=wiltshire, source="records", indicator__code="VOICE-SATISFIED"
        ).value
        == 89
    )


def test_page_shows_the_seed_figures(client: Client, manager, wiltshire: Area) -> None:
    client.force_login(manager)
    body = client.get("/a/wiltshire/voice/").content.decode()
    assert re.search(r'data-testid="concluded-2017/18">77<', body)
    assert re.search(r'data-testid="concluded-2016/17">111<', body)
    assert "61 compliments in 2017/18" in body
    assert "against 111 in 2016/17" in body
    assert "Good Decision Making" in body
    assert "XXXX is amazing!!" in body
    assert "Explain to me what is going on" in body
    assert "I feel safe" in body and "93%" in body
    assert body.count('class="app-chart"') == 4
    assert "plotly.min.js" in body
    # The dashboard links here.
    assert "/a/wiltshire/voice/" in client.get("/a/wiltshire/").content.decode()


def test_every_chart_is_valid_plotly(manager, wiltshire: Area) -> None:
    page = selectors.voice_page(manager, "wiltshire")
    made = charts.voice_charts(page)
    assert all(made.values())
    for chart in made.values():
        assert chart is not None and chart.summary and chart.title
        go.Figure(json.loads(json.dumps(chart.figure, default=str)))


def test_query_count_is_bounded(
    client: Client, manager, wiltshire: Area, django_assert_max_num_queries
) -> None:
    client.force_login(manager)
    client.get("/a/wiltshire/voice/")
    for index in range(30):
        Compliment.objects.create(
            authority=wiltshire,
            received=wiltshire_date(index),
            text="",
            redaction_state="cleared",
            cleared_at="2020-01-01T00:00Z",
        )
    with django_assert_max_num_queries(15):
        assert client.get("/a/wiltshire/voice/").status_code == 200


def wiltshire_date(index: int):
    from datetime import date, timedelta

    return date(2017, 4, 1) + timedelta(days=index)
