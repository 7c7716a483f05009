"""The authority home and indicator pages show what the seed packs report."""

import html as html_module
import re

import pytest
from django.test import Client

from accounts.models import User
from indicators.demo import demo_load
from indicators.models import Indicator

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
def demo(db, django_user_model, eager_tasks) -> None:
    demo_load()


def signed_in(username: str, django_user_model: type[User]) -> Client:
    from accounts.services import membership_set, user_set
    from indicators.models import Area

    authority_slug, role = username.split(".")
    user = user_set(username=username, password="a-test-password-123")
    membership_set(user=user, authority=Area.objects.get(slug=authority_slug), role=role)
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
    # April 2021 to March 2022 has only six months here: derived, but provisional.
    assert "2021/22 686 (derived, provisional)" in text
