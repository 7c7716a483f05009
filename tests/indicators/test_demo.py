"""The demo data (from the seed committee reports) and the load_demo command."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts.models import Membership, Role, User
from demo.management.commands.load_demo import DEMO_PASSWORD
from indicators.catalogue import catalogue_load
from indicators.demo import demo_load
from indicators.models import (
    Area,
    AreaKind,
    BreakdownCategory,
    Comparator,
    ComparatorKind,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
    NeighbourSet,
    Period,
    PeriodKind,
    StatisticalNeighbour,
    Target,
    Theme,
)
from scrutiny.models import Pack, PackStatus

ASSESSMENTS = "% single assessments completed by 45 days"
MODELS = (
    Theme,
    Indicator,
    Area,
    NeighbourSet,
    StatisticalNeighbour,
    Comparator,
    Period,
    BreakdownCategory,
    Figure,
    FigureChange,
    Target,
)


@pytest.fixture(scope="class")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo loaded once for a class of read-only tests, rolled back after the class."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


@pytest.fixture
def demo(shared_demo, db):
    return shared_demo


def _figure(area: str, code: str, period: str, breakdown: str | None = None) -> Figure:
    figures = Figure.objects.filter(
        area__slug=area, indicator__code=code, period=Period.objects.from_text(period)
    )
    if breakdown is None:
        return figures.get(breakdown__isnull=True)
    return figures.get(breakdown__name=breakdown)


def _value(area: str, code: str, period: str, breakdown: str | None = None) -> Decimal | None:
    return _figure(area, code, period, breakdown).value


def _state() -> dict[str, object]:
    """Everything a second load could change: row counts, figure versions, target rows."""
    state: dict[str, object] = {model.__name__: model.objects.count() for model in MODELS}
    state["figures"] = list(
        Figure.objects.order_by("pk").values_list("pk", "version", "value", "updated_at")
    )
    state["targets"] = list(Target.objects.order_by("pk").values_list())
    state["areas"] = list(Area.objects.order_by("pk").values_list())
    state["members"] = list(Area.members.through.objects.order_by("pk").values_list())
    state["neighbours"] = list(StatisticalNeighbour.objects.order_by("pk").values_list())
    state["comparators"] = list(Comparator.objects.order_by("pk").values_list())
    return state


# --- idempotent -----------------------------------------------------------------------------


def test_demo_load_is_idempotent(db, django_capture_on_commit_callbacks) -> None:
    # Let the roll-up tasks queued after commit run too, as they do outside tests.
    with django_capture_on_commit_callbacks(execute=True):
        first = demo_load()
    before = _state()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = demo_load()

    assert _state() == before
    assert callbacks == []
    assert first.figures.created > 250
    assert (second.figures.created, second.figures.updated) == (0, 0)
    assert second.figures.unchanged == first.figures.created
    assert (second.targets.created, second.targets.updated) == (0, 0)
    assert (second.areas.created, second.areas.updated) == (0, 0)
    assert not second.catalogue.changed


def test_a_changed_demo_figure_is_put_back_with_one_audited_change(db) -> None:
    demo_load()
    figure = _figure("wiltshire", "ASMT-45", "2016/17")
    Figure.objects.filter(pk=figure.pk).update(value=Decimal(1))
    changes = FigureChange.objects.filter(figure=figure).count()

    result = demo_load()

    figure.refresh_from_db()
    assert figure.value == 90
    assert figure.version == 2
    assert FigureChange.objects.filter(figure=figure).count() == changes + 1
    assert result.figures.updated == 1


class TestDemoContent:
    """Read-only checks of the loaded demo data, sharing one load."""

    # --- acceptance: Wiltshire --------------------------------------------------------------------

    def test_wiltshire_assessments_acceptance(self, demo) -> None:
        indicator = Indicator.objects.get(title=ASSESSMENTS)
        wiltshire = Area.objects.get(slug="wiltshire")
        yearly = {
            f.period.label: (f.value, f.is_provisional)
            for f in Figure.objects.filter(area=wiltshire, indicator=indicator).select_related(
                "period"
            )
        }

        assert yearly == {
            "2015/16": (Decimal(80), False),
            "2016/17": (Decimal(90), False),
            "2017/18": (Decimal(87), True),
        }
        target = Target.objects.get(authority=wiltshire, indicator=indicator)
        assert target.financial_year.label == "2017/18"
        assert (target.lower, target.upper, target.tolerance) == (90, 95, 2)
        assert _value("england", "ASMT-45", "2016/17") == 83
        assert _value("wiltshire-statistical-neighbours", "ASMT-45", "2016/17") == 80
        assert _value("good-and-outstanding-authorities", "ASMT-45", "2016/17") == 80

    def test_demo_figures_are_approved_and_sourced(self, demo) -> None:
        own = _figure("wiltshire", "ASMT-45", "2017/18")
        england = _figure("england", "ASMT-45", "2016/17")

        assert own.status == england.status == FigureStatus.APPROVED
        assert own.source == FigureSource.TYPED
        assert england.source == FigureSource.PUBLISHED
        assert own.updated_by is None
        change = own.changes.get()
        assert change.reason.startswith(
            "Demo data from Wiltshire Council Children's Select Committee"
        )
        assert not Figure.objects.exclude(status=FigureStatus.APPROVED).exists()

    def test_wiltshire_appendix_rows(self, demo) -> None:
        assert _value("wiltshire", "REF-REREF", "2017/18") == 18
        assert _value("good-and-outstanding-authorities", "REF-REREF", "2016/17") == 25
        assert _value("wiltshire", "HLT-SDQ", "2016/17") == Decimal("14.1")
        assert _value("wiltshire", "HLT-SDQ-PCT", "2016/17") == 55
        assert _value("england", "HLT-SDQ", "2016/17") == 14
        assert _value("good-and-outstanding-authorities", "HLT-SDQ", "2016/17") == Decimal("14.6")
        assert _value("wiltshire", "EDU-KS2", "AY 2016/17") == 11
        assert _value("england", "EDU-KS4", "AY 2016/17") == 22
        assert _value("wiltshire", "ADOPT-A1", "2017/18") == 326
        assert _value("wiltshire", "SW-AGENCY-COUNT", "2015/16") == 20
        # "n/a (97%)": no SN figure, a good-LA figure.
        assert not Figure.objects.filter(
            area__slug="wiltshire-statistical-neighbours", indicator__code="HLT-IMMS"
        ).exists()
        assert _value("good-and-outstanding-authorities", "HLT-IMMS", "2016/17") == 97
        # Blank 2017/18 cells and "na" comparators are not figures.
        assert not Figure.objects.filter(
            area__slug="wiltshire", indicator__code="HLT-CHECK", period__start=date(2017, 4, 1)
        ).exists()
        assert not Figure.objects.filter(indicator__code="CP-VISITS", area__slug="england").exists()

    def test_wiltshire_targets(self, demo) -> None:
        def bounds(code: str) -> tuple[Decimal | None, Decimal | None, Decimal]:
            target = Target.objects.get(authority__slug="wiltshire", indicator__code=code)
            return target.lower, target.upper, target.tolerance

        assert bounds("REF-REREF") == (17, 19, 2)
        assert bounds("ICPC-15") == (85, 85, 2)
        assert bounds("ADOPT-A1") == (400, 400, 20)
        assert bounds("EDU-EXCL") == (0, 0, 2)
        assert not Target.objects.filter(indicator__code="CPP-2ND").exists()

    def test_wiltshire_narrative_figures(self, demo) -> None:
        assert _value("wiltshire", "REF-RATE", "2017/18") == 350
        assert _value("england", "REF-RATE", "2016/17") == 548
        assert _value("wiltshire-statistical-neighbours", "REF-RATE", "2016/17") == 457
        assert _value("wiltshire", "CPP-COUNT", "2017/18") == 360
        assert _value("wiltshire", "CLA-COUNT", "2017/18") == 444
        assert _value("wiltshire", "CLA-RATE", "2017/18") == 44
        assert (
            _value("wiltshire", "SW-CASELOAD", "2018-03", "Support and Safeguarding Service") == 26
        )
        assert _value("wiltshire", "SW-CASELOAD", "2018-03", "Child in care teams") == 20
        assert _value("wiltshire", "LAC-LTM", "2015-09-30") == 47
        assert _figure("wiltshire", "CL-SUPPORTED", "2017/18").is_estimated

    # --- areas, neighbours, comparators -----------------------------------------------------------

    def test_wiltshire_statistical_neighbours_in_rank_order(self, demo) -> None:
        neighbour_set = NeighbourSet.objects.get(name="DfE statistical neighbours 2021")
        rows = StatisticalNeighbour.objects.filter(
            neighbour_set=neighbour_set, authority__slug="wiltshire"
        ).order_by("rank")

        assert neighbour_set.published_on == date(2021, 4, 1)
        assert [(n.rank, n.neighbour.dfe_code, n.closeness) for n in rows] == [
            (1, "916", "Extremely Close"),
            (2, "893", "Very Close"),
            (3, "878", "Very Close"),
            (4, "873", "Very Close"),
            (5, "938", "Very Close"),
            (6, "800", "Very Close"),
            (7, "885", "Very Close"),
            (8, "850", "Very Close"),
            (9, "802", "Very Close"),
            (10, "838", "Very Close"),
        ]
        group = Area.objects.get(slug="wiltshire-statistical-neighbours")
        assert group.kind == AreaKind.GROUP
        assert set(group.members.all()) == {n.neighbour for n in rows}

    def test_areas_have_their_codes(self, demo) -> None:
        wiltshire = Area.objects.get(slug="wiltshire")
        assert (wiltshire.ons_code, wiltshire.dfe_code, wiltshire.region.slug) == (
            "E06000054",
            "865",
            "south-west",
        )
        assert Area.objects.get(slug="england").ons_code == "E92000001"
        assert Area.objects.get(slug="worcestershire").region.name == "West Midlands"
        assert Area.objects.get(dfe_code="938").region.ons_code == "E12000008"

    def test_comparators(self, demo) -> None:
        def comparators(slug: str) -> list[tuple[str, str, str]]:
            return [
                (c.kind, c.area.slug, c.label)
                for c in Comparator.objects.filter(authority__slug=slug).order_by("order")
            ]

        assert comparators("wiltshire") == [
            (ComparatorKind.NATION, "england", "England"),
            (
                ComparatorKind.NEIGHBOURS,
                "wiltshire-statistical-neighbours",
                "Statistical neighbours",
            ),
            (ComparatorKind.GOOD, "good-and-outstanding-authorities", "Good LAs"),
            (ComparatorKind.REGION, "south-west", "South West"),
        ]
        assert [c[2] for c in comparators("devon")] == ["England", "South West", "Good LAs"]
        assert [c[2] for c in comparators("worcestershire")] == ["England", "West Midlands"]
        sn = Comparator.objects.get(authority__slug="wiltshire", kind=ComparatorKind.NEIGHBOURS)
        assert sn.neighbour_set is not None
        assert sn.neighbour_set.name == "DfE statistical neighbours 2021"

    # --- Devon ------------------------------------------------------------------------------------

    def test_devon_cin_trend_ends_with_686_in_september_2021(self, demo) -> None:
        trend = list(
            Figure.objects.filter(area__slug="devon", indicator__code="CIN-PLANS")
            .overall()
            .filter(period__kind=PeriodKind.MONTH)
            .order_by("period__start")
            .values_list("period__start", "value")
        )

        assert len(trend) == 12
        assert trend[0] == (date(2020, 10, 1), 650)
        assert trend[-1] == (date(2021, 9, 1), 686)
        assert [int(value) for _start, value in trend] == [
            650, 643, 654, 614, 603, 618, 605, 617, 629, 578, 574, 686,
        ]  # fmt: skip

    def test_devon_breakdowns(self, demo) -> None:
        assert _value("devon", "CIN-VISITS", "2021-09") == 77
        visits = dict(
            Figure.objects.filter(area__slug="devon", indicator__code="CIN-VISITS")
            .exclude(breakdown=None)
            .values_list("breakdown__name", "value")
        )
        assert visits == {
            "South": 77,
            "North": 59,
            "Mid & East": 58,
            "Exeter": 82,
            "Disabled Children's Service": 67,
            "Social Workers in Schools": 74,
        }
        assert _figure("devon", "CIN-VISITS", "2021-09", "Exeter").breakdown.dimension == "locality"
        categories = dict(
            Figure.objects.filter(area__slug="devon", indicator__code="CPP-CAT").values_list(
                "breakdown__name", "value"
            )
        )
        assert categories == {"Neglect": 50, "Emotional abuse": 35, "Physical abuse": 12,
                              "Sexual abuse": 3}  # fmt: skip
        assert BreakdownCategory.objects.get(name="Neglect").dimension == "category of abuse"

    def test_devon_child_protection_and_care_leavers(self, demo) -> None:
        assert _value("devon", "ICPC-CPP", "2021-09") == 85
        assert _value("devon", "CPP-2ND-6M", "2021-09") == 22
        assert _value("good-and-outstanding-authorities", "CPP-2ND-6M", "2020/21") == 18
        assert _value("good-and-outstanding-authorities", "REF-REREF", "2020/21") == 19
        assert _value("devon", "CPP-2YR-OPEN", "2021-09") == 2
        assert _value("devon", "CL-PATHWAY-UTD", "2021-09") == 80
        assert _value("devon", "CIN-2YR", "2021-09") == 30
        assert _value("devon", "CIN-1-2YR", "2021-09") == 66
        dcs = _figure("devon", "CIN-DCS", "2021-09")
        assert (dcs.numerator, dcs.denominator) == (124, 686)
        assert round(dcs.value) == 18

    def test_devon_recruitment_table(self, demo) -> None:
        roles = [
            "Team Manager",
            "Assistant Team Manager",
            "Social Worker (Exp & ASYE)",
            "Family Practitioner",
            "Personal Adviser (Care Leavers)",
        ]
        expected = {
            "WF-ESTAB": (["32.00", "14.00", "197.01", "67.81", "33.81"], "348.63"),
            "WF-VACANCY": (["2.50", "1.15", "36.05", "14.27", "5.39"], "63.36"),
            "WF-SHORTFALL": (["7.8", "8.2", "18.3", "21.0", "15.9"], "18.2"),
            "WF-PERM": (["70.3", "84.6", "58.0", "91.6", "88.2"], "69.0"),
            "WF-AGENCY": (["40.6", "35.7", "36.5", "4.4", "5.9"], "27.2"),
        }
        for code, (values, total) in expected.items():
            for role, value in zip(roles, values, strict=True):
                figure = _figure("devon", code, "2021-09", role)
                assert figure.value == Decimal(value), (code, role)
                assert figure.breakdown.dimension == "role"
            assert _value("devon", code, "2021-09") == Decimal(total), code

    # --- Worcestershire ---------------------------------------------------------------------------

    def test_worcestershire_quarterly_kpis(self, demo) -> None:
        assert _value("worcestershire", "ASMT-45", "2017/18 Q1") == 66
        assert _value("worcestershire", "ASMT-45", "2017/18 Q4") == 85
        assert _value("worcestershire", "REF-COUNT", "2017/18 Q4") == 770
        estimate = _figure("worcestershire", "REF-COUNT", "2017/18 Q1")
        assert estimate.value == 1000
        assert estimate.is_estimated
        assert "approximately 1,000" in estimate.commentary
        assert _value("worcestershire", "CLA-ENTRY", "2017/18") == 269
        assert _value("worcestershire", "CLA-ENTRY", "2016/17") == 322
        assert _value("worcestershire", "CLA-LEAVE-12M", "2017/18") == 48
        assert _value("worcestershire", "CLA-LEAVE-12M", "2016/17") == 35
        assert _value("worcestershire", "CPP-RATE", "2017/18 Q4") == 36
        assert not Target.objects.exclude(authority__slug="wiltshire").exists()


# --- the command and its demo users -----------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_load_demo_with_users_creates_the_personas(db, settings) -> None:
    settings.DEBUG = True
    out = StringIO()

    call_command("load_demo", "--with-users", stdout=out)

    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    assert len(DEMO_PASSWORD) >= 12
    memberships = {
        (m.user.username, m.authority.slug, m.role)
        for m in Membership.objects.select_related("user", "authority")
    }
    assert memberships == {
        ("wiltshire.officer", "wiltshire", Role.OFFICER),
        ("wiltshire.manager", "wiltshire", Role.MANAGER),
        ("wiltshire.councillor", "wiltshire", Role.COUNCILLOR),
        ("devon.officer", "devon", Role.OFFICER),
        ("devon.manager", "devon", Role.MANAGER),
        ("worcestershire.officer", "worcestershire", Role.OFFICER),
    }
    for username in [m[0] for m in memberships] + ["admin"]:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert username in printed
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not admin.memberships.exists()
    assert not User.objects.filter(username="wiltshire.officer", is_superuser=True).exists()
    assert "Figures:" in printed
    # The demo packs, one per seed: Wiltshire's published for its councillor to read.
    assert "Pack: Wiltshire, Performance & Outcomes" in printed and "(published)" in printed
    published = Pack.objects.get(authority__slug="wiltshire")
    assert published.status == PackStatus.PUBLISHED
    introduction = published.sections.get(title="Introduction").frozen or {}
    assert introduction["narrative"].startswith("This report gives an overview")
    assert set(Pack.objects.values_list("authority__slug", "status")) == {
        ("wiltshire", PackStatus.PUBLISHED),
        ("devon", PackStatus.IN_REVIEW),
        ("worcestershire", PackStatus.DRAFT),
    }


def test_load_demo_with_users_twice_keeps_one_of_each(db, settings) -> None:
    settings.DEBUG = True
    call_command("load_demo", "--with-users", stdout=StringIO())
    counts = (User.objects.count(), Membership.objects.count(), Figure.objects.count())
    assert Pack.objects.count() == 3

    call_command("load_demo", "--with-users", stdout=StringIO())

    assert (User.objects.count(), Membership.objects.count(), Figure.objects.count()) == counts
    assert Pack.objects.count() == 3


def test_load_demo_with_users_is_refused_when_debug_is_off(db, settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force-demo-users"):
        call_command("load_demo", "--with-users", stdout=StringIO())

    assert not User.objects.exists()
    assert not Area.objects.exists()


def test_load_demo_with_users_can_be_forced_when_debug_is_off(db, settings) -> None:
    settings.DEBUG = False
    out = StringIO()

    call_command("load_demo", "--with-users", "--force-demo-users", stdout=out)

    assert User.objects.filter(username="wiltshire.councillor").exists()
    assert DEMO_PASSWORD in out.getvalue()


def test_load_demo_without_users_works_when_debug_is_off(db, settings) -> None:
    settings.DEBUG = False

    call_command("load_demo", stdout=StringIO())

    assert not User.objects.exists()
    assert Figure.objects.filter(area__slug="wiltshire").exists()


def test_the_loaded_demo_fixture_is_what_demo_load_writes(loaded_demo) -> None:
    """The `loaded_demo` fixture restores a recording of a load: loading over it finds every
    row as the demo data says it should be, and writes nothing."""
    before = _state()

    again = demo_load()

    assert _state() == before
    assert before["Figure"] == again.figures.unchanged > 250
    assert (again.figures.created, again.figures.updated) == (0, 0)
    assert (again.targets.created, again.targets.updated) == (0, 0)
    assert (again.areas.created, again.areas.updated) == (0, 0)
    assert not again.catalogue.changed


def test_the_loaded_catalogue_fixture_is_what_catalogue_load_writes(loaded_catalogue) -> None:
    result = catalogue_load()
    assert not result.changed
    assert result.indicators.unchanged == Indicator.objects.count() > 80
    assert result.themes.unchanged == Theme.objects.count()
