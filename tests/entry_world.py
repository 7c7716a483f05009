"""A small authority with a real month of figures to enter, for the entry page's tests.

Four monthly measures in two themes, each with a year of history: a count, a percentage
entered as numerator and denominator (with a target and a locality breakdown), an average and
an FTE figure broken down by role. The month to enter is March of the last financial year that
has ended: the period list offers it (it is within the last 18 months), and the quarter and year
it rolls up into have ended too, so the roll-up that each saved figure queues can run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from indicators import periods
from indicators.models import (
    Area,
    BreakdownCategory,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
    Target,
    ratio_kind_for,
)
from tests.html_forms import form_fields as form_fields  # the entry tests read forms with it

from . import factories

PASSWORD = factories.PASSWORD
PLANS = "Children on child in need plans"
VISITS = "% children on CIN plans seen within 4 weeks"
CASELOAD = "Average social worker caseload"
STAFF = "Social work staff in post, FTE"


@dataclass
class EntryWorld:
    authority: Area
    other: Area
    month: Period  # the month to enter (see `entry_month`)
    plans: Indicator
    visits: Indicator
    caseload: Indicator
    staff: Indicator
    north: BreakdownCategory
    south: BreakdownCategory
    social_worker: BreakdownCategory
    team_manager: BreakdownCategory
    officer: User
    officer2: User
    manager: User
    councillor: User
    other_officer: User
    admin: User

    @property
    def key(self) -> str:
        return self.month.url_key

    @property
    def url(self) -> str:
        return f"/a/{self.authority.slug}/entry/{self.key}/"

    @property
    def submit_url(self) -> str:
        return self.url + "submit/"

    def good_values(self) -> dict[str, str]:
        """A complete month that passes every check and raises no warning."""
        return {
            "E-PLANS-value": "655",
            "E-VISITS-numerator": "160",
            "E-VISITS-denominator": "200",
            f"E-VISITS-b{self.north.pk}-value": "78",
            f"E-VISITS-b{self.south.pk}-value": "82",
            "E-CASELOAD-value": "18.5",
            "E-STAFF-value": "10.5",
            f"E-STAFF-b{self.social_worker.pk}-value": "8.5",
            f"E-STAFF-b{self.team_manager.pk}-value": "2",
        }


def entry_month(today: date | None = None) -> date:
    """March of the last financial year that has ended."""
    today = today or timezone.localdate()
    return date(periods.financial_year_start(today).year, 3, 1)


def _month(start: date) -> Period:
    return factories.period(PeriodKind.MONTH, start)


def _history(area: Area, indicator: Indicator, month: date, values: list[str]) -> None:
    """Approved figures for the months before `month`, oldest first, ending the month before."""
    for back, text in enumerate(reversed(values), start=1):
        at = _month(periods.add_months(month, -back))
        if "/" in text:
            numerator, denominator = (Decimal(part) for part in text.split("/"))
            value = numerator * 100 / denominator
            Figure.objects.create(
                area=area,
                indicator=indicator,
                period=at,
                value=value,
                numerator=numerator,
                denominator=denominator,
                ratio_kind=ratio_kind_for(indicator.unit),
                status=FigureStatus.APPROVED,
                source=FigureSource.TYPED,
            )
        else:
            factories.figure(area, indicator, at, text)


def build() -> EntryWorld:
    authority = factories.AreaFactory(name="Northshire", slug="northshire")
    other = factories.AreaFactory(name="Southshire", slug="southshire")
    cin = factories.ThemeFactory(name="Children in need", slug="children-in-need", order=1)
    workforce = factories.ThemeFactory(name="Workforce", slug="workforce", order=2)
    common = {"frequency": "monthly", "source": "local", "measure_type": "snapshot"}
    plans = factories.IndicatorFactory(
        code="E-PLANS",
        title=PLANS,
        definition="Children with a child in need plan open at the end of the month.",
        theme=cin,
        unit="count",
        polarity="none",
        roll_up="latest",
        order=1,
        **common,
    )
    visits = factories.IndicatorFactory(
        code="E-VISITS",
        title=VISITS,
        definition="Children on CIN plans at month end who were seen within the last 4 weeks.",
        theme=cin,
        unit="percent",
        polarity="higher",
        roll_up="ratio",
        breakdown_dimensions="locality",
        order=2,
        **common,
    )
    caseload = factories.IndicatorFactory(
        code="E-CASELOAD",
        title=CASELOAD,
        definition="Children allocated per case-holding social worker at month end.",
        theme=workforce,
        unit="average",
        polarity="lower",
        roll_up="latest",
        decimals=1,
        order=1,
        **common,
    )
    staff = factories.IndicatorFactory(
        code="E-STAFF",
        title=STAFF,
        definition="Social work staff in post at month end, full-time equivalent.",
        theme=workforce,
        unit="fte",
        polarity="none",
        roll_up="latest",
        decimals=2,
        breakdown_dimensions="role",
        order=2,
        **common,
    )
    north = BreakdownCategory.objects.create(
        dimension="locality", name="North", authority=authority, order=1
    )
    south = BreakdownCategory.objects.create(
        dimension="locality", name="South", authority=authority, order=2
    )
    # Another authority's locality is never offered here.
    BreakdownCategory.objects.create(dimension="locality", name="Coast", authority=other)
    social_worker = BreakdownCategory.objects.create(dimension="role", name="Social worker")
    team_manager = BreakdownCategory.objects.create(dimension="role", name="Team manager")

    start = entry_month()
    month = _month(start)
    _history(authority, plans, start, ["610", "620", "615", "630", "640", "625"] * 2)
    _history(
        authority,
        visits,
        start,
        ["150/200", "160/200", "155/200", "165/200", "170/200", "158/200"] * 2,
    )
    _history(authority, caseload, start, ["17.5", "18", "19", "18.5", "20", "19.5"] * 2)
    _history(authority, staff, start, ["10", "10.5", "11", "10.5", "9.5", "10"] * 2)
    Target.objects.create(
        authority=authority,
        indicator=visits,
        financial_year=factories.financial_year(periods.financial_year_start(start).year),
        lower=Decimal(75),
        upper=Decimal(90),
        tolerance=Decimal(2),
    )

    def member(username: str, authority: Area, role: str) -> User:
        user = factories.UserFactory(username=username)
        factories.MembershipFactory(user=user, authority=authority, role=role)
        return user

    return EntryWorld(
        authority=authority,
        other=other,
        month=month,
        plans=plans,
        visits=visits,
        caseload=caseload,
        staff=staff,
        north=north,
        south=south,
        social_worker=social_worker,
        team_manager=team_manager,
        officer=member("north.officer", authority, Role.OFFICER),
        officer2=member("north.officer2", authority, Role.OFFICER),
        manager=member("north.manager", authority, Role.MANAGER),
        councillor=member("north.councillor", authority, Role.COUNCILLOR),
        other_officer=member("south.officer", other, Role.OFFICER),
        admin=factories.UserFactory(username="entry.admin", is_superuser=True, is_staff=True),
    )
