"""Issue 6's test of done: audit summaries derived from the records reach the dashboard as
figures, rated against the authority's targets, and listed as needing attention."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from accounts import access
from accounts.models import Role
from indicators import services as figure_services
from indicators.models import Indicator
from tests import factories
from tests.audits.factories import audit, summary_indicators
from tests.indicators.test_pages import tile

pytestmark = pytest.mark.django_db


def test_audit_summaries_reach_the_dashboard_rated_against_the_target(eager_tasks) -> None:
    summary_indicators()
    authority = factories.AreaFactory(name="Summershire", slug="summershire")
    manager = factories.UserFactory(username="manager")
    factories.MembershipFactory(user=manager, authority=authority, role=Role.MANAGER)
    good = Indicator.objects.get(code="AUDIT-GOOD")
    figure_services.target_set(
        user=access.SYSTEM,
        authority=authority,
        indicator=good,
        financial_year=factories.financial_year(2023),
        lower=Decimal(80),
        upper=Decimal(100),
        tolerance=Decimal(5),
        reason="Target for the year",
    )
    # Two of five good or better in the first quarter of 2023/24: 40%, far below 80%.
    for number, judgement in enumerate(
        ("good", "outstanding", "inadequate", "requires_improvement", "inadequate"), start=1
    ):
        audit(authority, f"CIN-{number:04d}", date(2023, 5, number), judgement=judgement)

    client = Client()
    client.force_login(manager)
    body = client.get("/a/summershire/").content.decode()
    text = tile(body, "AUDIT-GOOD")
    assert "40% Q1 2023/24" in text, text
    assert "Target 80–100%" in text and "Red: below target" in text, text
    assert "AUDIT-GOOD" in body.split('data-testid="attention"')[1].split("</ul>")[0]
