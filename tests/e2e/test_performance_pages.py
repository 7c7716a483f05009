"""The start page, the authority home and indicator pages, in a browser, on the demo data."""

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from accounts.services import membership_set, user_set
from indicators.models import Area, Indicator
from tests.e2e.conftest import assert_accessible, sign_in

PASSWORD = "e2e-demo-password-2026"
ASSESSMENTS = "% single assessments completed by 45 days"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wiltshire_officer(eager_tasks, worked_demo):
    user = user_set(
        actor=access.SYSTEM, username="wilts.officer", password=PASSWORD, first_name="Wendy"
    )
    membership_set(
        actor=access.SYSTEM, user=user, authority=Area.objects.get(slug="wiltshire"), role="officer"
    )
    return user


def test_officer_goes_from_start_to_home_to_indicator(
    page: Page, live_server, wiltshire_officer
) -> None:
    sign_in(page, live_server, "wilts.officer", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your authorities")
    assert_accessible(page)

    page.get_by_role("link", name="Performance figures for Wiltshire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children’s social care dashboard")
    row = page.locator("li.app-tile", has=page.get_by_role("link", name=ASSESSMENTS, exact=True))
    expect(row).to_contain_text("87%")
    expect(row).to_contain_text("Red: below target")
    assert_accessible(page)

    row.get_by_role("link", name=ASSESSMENTS, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ASSESSMENTS)
    expect(page.get_by_test_id("headline")).to_contain_text("87% in 2017/18")
    # plotly.js, served locally, drew the chart: its SVG is in the page.
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
    expect(
        page.locator(".modebar-btn[data-title='Produced with Plotly.js (v4.1.1)']")
    ).to_have_count(0)
    table = page.get_by_test_id("trend-table")
    expect(table).to_contain_text("2015/16")
    expect(table).to_contain_text("England")
    assert_accessible(page)


def test_councillor_sees_no_live_figures(page: Page, live_server, wiltshire_officer) -> None:
    user = user_set(actor=access.SYSTEM, username="wilts.cllr", password=PASSWORD)
    membership_set(
        actor=access.SYSTEM,
        user=user,
        authority=Area.objects.get(slug="wiltshire"),
        role="councillor",
    )
    sign_in(page, live_server, "wilts.cllr", PASSWORD)
    page.get_by_role("link", name="Published scrutiny packs").click()
    expect(page.get_by_text("has not published any scrutiny packs yet")).to_be_visible()
    code = Indicator.objects.get(title=ASSESSMENTS).code
    response = page.goto(f"/a/wiltshire/indicators/{code}/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    assert_accessible(page)


def test_devon_trend_and_locality_charts_are_drawn_and_accessible(
    page: Page, live_server, eager_tasks, worked_demo
) -> None:
    user = user_set(actor=access.SYSTEM, username="devon.e2e", password=PASSWORD)
    membership_set(
        actor=access.SYSTEM, user=user, authority=Area.objects.get(slug="devon"), role="manager"
    )
    sign_in(page, live_server, "devon.e2e", PASSWORD)

    page.goto("/a/devon/indicators/CIN-PLANS/")
    expect(page.get_by_test_id("headline")).to_contain_text("686 in September 2021")
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
    expect(page.get_by_test_id("trend-table").locator("tbody tr")).to_have_count(12)
    assert_accessible(page)

    page.goto("/a/devon/indicators/CIN-VISITS/")
    expect(page.get_by_role("heading", name="By locality")).to_be_visible()
    expect(page.locator(".app-chart--breakdown.js-plotly-plot")).to_have_count(2)
    assert_accessible(page)


def test_wiltshire_trend_neighbour_and_team_charts_with_their_summaries(
    page: Page, live_server, wiltshire_officer
) -> None:
    """The demo holds no figures of Wiltshire's neighbours: the test adds published 2017/18
    figures for its ten DfE neighbours (the national statistics Wiltshire may see, docs/0017),
    and its assessments by team, to see all three charts."""
    from indicators.models import BreakdownCategory, Period, StatisticalNeighbour
    from tests import factories

    indicator = Indicator.objects.get(title=ASSESSMENTS)
    wiltshire = Area.objects.get(slug="wiltshire")
    year = Period.objects.from_text("2017/18")
    for row in StatisticalNeighbour.objects.filter(authority=wiltshire).order_by("rank"):
        factories.figure(row.neighbour, indicator, year, str(75 + row.rank), source="published")
    for order, (team, value) in enumerate((("North team", "91"), ("South team", "82"))):
        category = BreakdownCategory.objects.create(
            dimension="team", name=team, authority=wiltshire, order=order
        )
        factories.figure(wiltshire, indicator, year, value, breakdown=category)

    sign_in(page, live_server, "wilts.officer", PASSWORD)
    page.goto(f"/a/wiltshire/indicators/{indicator.code}/")
    expect(page.locator(".app-chart.js-plotly-plot")).to_have_count(3)
    expect(page.get_by_test_id("trend-summary")).to_contain_text("Wiltshire: 87% in 2017/18")
    # Neighbours 76% to 85%: mean 80.5%, shown as 81%.
    expect(page.get_by_test_id("neighbours-summary")).to_have_text(
        "Wiltshire: 87% in 2017/18; its 10 statistical neighbours range from 76% to 85%, mean 81%."
    )
    expect(page.get_by_test_id("neighbours-table").locator("tbody tr")).to_have_count(11)
    expect(page.get_by_test_id("neighbours-table").locator("tbody tr").first).to_contain_text(
        "Wiltshire (this authority)"
    )
    expect(page.get_by_test_id("breakdown-summary")).to_have_text(
        "By team in 2017/18: highest North team 91%, lowest South team 82%, of 2 with a value."
    )
    expect(page.locator(".modebar-btn[data-title*='Produced with Plotly']")).to_have_count(0)
    expect(page.get_by_role("link", name="Download as a spreadsheet (XLSX)")).to_be_visible()
    assert_accessible(page)
