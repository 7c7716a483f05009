"""Cardiff's figures for a Welsh half-year report, on the shipped reference data
(`loaded_catalogue`): Cardiff and Wales with the Welsh measures, Wales as Cardiff's default
comparator. Shared by the service tests and the browser test."""

from dataclasses import dataclass
from datetime import date

from accounts.models import Role, User
from indicators.models import Area, Indicator, Period, PeriodKind
from tests import factories

Q1, Q2 = date(2017, 4, 1), date(2017, 7, 1)
LAST_Q4 = date(2017, 1, 1)
PM24_COMMENT = "Two new practice leads cleared the backlog of assessments over the summer."


@dataclass
class Cardiff:
    cardiff: Area
    wales: Area
    half_year: Period
    officer: User
    manager: User
    councillor: User


def quarter(start: date) -> Period:
    return factories.period(PeriodKind.QUARTER, start)


def cardiff_world() -> Cardiff:
    """PM24 (assessments in 42 working days, a percentage to date) for Q1 and Q2 2017/18 with
    the 2016-17 year-end outturn entered as a year's figure, and Wales's year and quarters;
    PM27 (re-registrations) with Q2 only and last year's Q4 (no year figure: its Q4 is the
    year's); a local measure (AUDIT-GOOD) for Q1; and Cardiff's officer, manager and councillor
    (each signs in with `factories.PASSWORD`)."""
    cardiff = Area.objects.get(slug="cardiff")
    wales = Area.objects.get(ons_code="W92000004")
    pm24, pm27, audits = (
        Indicator.objects.get(code=code) for code in ("PM24", "PM27", "AUDIT-GOOD")
    )
    factories.figure(cardiff, pm24, factories.financial_year(2016), "68.4")
    factories.figure(cardiff, pm24, quarter(Q1), "70.1")
    factories.figure(cardiff, pm24, quarter(Q2), "75.3", commentary=PM24_COMMENT)
    factories.figure(wales, pm24, factories.financial_year(2016), "71.2")
    factories.figure(wales, pm24, quarter(LAST_Q4), "71.0")
    factories.figure(wales, pm24, quarter(Q1), "72.5")
    factories.figure(cardiff, pm27, quarter(LAST_Q4), "6.0")
    factories.figure(cardiff, pm27, quarter(Q2), "4.5")
    factories.figure(cardiff, audits, quarter(Q1), "64.0")

    def member(username: str, role: str) -> User:
        user = factories.UserFactory(username=username)
        factories.MembershipFactory(user=user, authority=cardiff, role=role)
        return user

    return Cardiff(
        cardiff=cardiff,
        wales=wales,
        half_year=quarter(Q2),
        officer=member("cardiff.officer", Role.OFFICER),
        manager=member("cardiff.manager", Role.MANAGER),
        councillor=member("cardiff.cllr", Role.COUNCILLOR),
    )
