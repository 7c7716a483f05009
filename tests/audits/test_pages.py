"""The quality assurance page: the seeds' figures, charts valid against plotly's schema, a
bounded number of queries, and the case audit form."""

from datetime import date

import plotly.graph_objects as go
import pytest
from django.test import Client

from audits.demo import audits_demo_load
from audits.models import CaseAudit
from indicators.models import Figure
from tests import factories as core
from tests.audits.factories import audit, summary_indicators

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(loaded_demo, django_capture_on_commit_callbacks):
    """The demo, as `demo_load()` leaves it (see tests/conftest.py), and the audits demo."""
    with django_capture_on_commit_callbacks(execute=False):
        audits_demo_load()


def _client_for(slug: str, *, role: str = "officer") -> Client:
    from indicators.models import Area

    user = core.UserFactory(username=f"{slug}-{role}")
    core.MembershipFactory(user=user, authority=Area.objects.get(slug=slug), role=role)
    client = Client()
    client.force_login(user)
    return client


def test_demo_load_is_idempotent(demo) -> None:
    again = audits_demo_load()
    assert again.created == 0 and again.unchanged > 0


def test_wiltshire_shows_the_bulletins_children_in_need_audit(demo) -> None:
    body = _client_for("wiltshire").get("/a/wiltshire/quality/").content.decode()
    # "an audit of 14 cases where children in need plans had been in place for more than 9
    # months", September: no judgements given, so none is claimed.
    assert (
        CaseAudit.objects.filter(programme__name__startswith="Children in need audit").count() == 14
    )
    assert "Q2 2012/13" in body
    assert "14 cases were audited" in body
    assert "No audit has an overall judgement" in body
    assert "Recognising and working with neglect." in body
    assert "Good team morale" in body


def test_devon_shows_its_practice_week_and_audit_themes(demo) -> None:
    body = _client_for("devon").get("/a/devon/quality/").content.decode()
    assert "Devon&#x27;s second Practice Week, 4 to 8 October 2021" in body
    assert body.count("<li>", body.index('data-testid="quick-wins"')) >= 5
    assert "Rename &#x27;Single Assessment&#x27; to &#x27;Child and Family Assessment&#x27;" in body
    assert (
        "Practice and decision making for children voluntarily in care was found to be good" in body
    )


def test_worcestershire_shows_its_inspection_timeline_and_plan(demo) -> None:
    body = _client_for("worcestershire").get("/a/worcestershire/quality/").content.decode()
    timeline = body[body.index('data-testid="inspections"') :]
    for month in ("October 2016", "May 2017", "September 2017", "January 2018", "April 2018"):
        assert month in timeline
    assert timeline.index("October 2016") < timeline.index("April 2018")
    assert "Service Improvement Plan 2018/19" in body
    assert body.count('data-testid="priority"') == 6
    assert "Delivering effective Through Care" in body


def test_charts_are_valid_and_the_page_reads_a_bounded_number_of_queries(
    django_assert_max_num_queries,
) -> None:
    summary_indicators()
    authority = core.AreaFactory(name="Authority A", slug="authority-a")
    core.target(authority, summary_indicators()[0], core.financial_year(2017), "80", "80")
    for n, (day, judgement, moderated) in enumerate(
        [
            (date(2017, 4, 3), "good", "good"),
            (date(2017, 5, 3), "requires_improvement", ""),
            (date(2017, 7, 3), "outstanding", ""),
            (date(2017, 8, 3), "good", "inadequate"),
            (date(2017, 10, 3), "good", ""),
        ]
    ):
        audit(authority, f"CIN-{n:04d}", day, judgement, moderated)
    client = _client_for("authority-a", role="manager")
    from accounts.models import User
    from audits import charts, selectors

    page = selectors.quality_page(User.objects.get(username="authority-a-manager"), "authority-a")
    for chart in (
        charts.judgement_distribution(page.quarters),
        charts.good_or_better_trend(page.quarters),
    ):
        assert chart is not None
        go.Figure(chart)
    with django_assert_max_num_queries(20):
        response = client.get("/a/authority-a/quality/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "In Q3 2017/18, 100% of judged audits were good or better (1 of 1)" in body
    assert "the target for the year is 80%" in body
    assert body.count('class="app-chart"') == 2
    assert "Add a case audit" not in body  # managers read; officers record


def test_the_case_audit_form_saves_and_refuses_a_name() -> None:
    good, _ = summary_indicators()
    authority = core.AreaFactory(name="Authority A", slug="authority-a")
    client = _client_for("authority-a")

    refused = client.post(
        "/a/authority-a/quality/audits/add/",
        {"case_reference": "Amy Pond", "audit_date": "03/05/2017", "judgement": "good"},
    )
    assert refused.status_code == 200
    assert "is not a case code. Never enter a child’s name" in refused.content.decode()
    assert not CaseAudit.objects.exists()

    saved = client.post(
        "/a/authority-a/quality/audits/add/",
        {"case_reference": "cin-0042", "audit_date": "03/05/2017", "judgement": "good"},
    )
    assert saved.status_code == 302
    assert CaseAudit.objects.get().case_reference == "CIN-0042"
    assert Figure.objects.get(area=authority, indicator=good).value == 100
