"""Dashboard snapshots: what they say (worked out by hand), that a rebuild is idempotent and
atomic, that writes queue one rebuild after commit, and what the dashboard page shows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts import access
from indicators import dashboards, services
from indicators.models import (
    AreaKind,
    BreakdownCategory,
    ComparatorKind,
    Dashboard,
    DashboardSnapshot,
    NeighbourSet,
    PeriodKind,
    StatisticalNeighbour,
)
from tests import factories

pytestmark = pytest.mark.django_db


def month(number: int, year: int = 2021):
    return factories.period(PeriodKind.MONTH, date(year, number, 1))


@pytest.fixture
def north(db):
    """Northshire: visits to children in care (higher is better, a target band of 85-95%),
    caseloads (lower is better, no target), England's figure and two neighbours' figures."""
    england = factories.AreaFactory(name="England", slug="england", kind=AreaKind.NATION)
    north = factories.AreaFactory(name="Northshire", slug="northshire")
    near = factories.AreaFactory(name="Nearshire", slug="nearshire")
    far = factories.AreaFactory(name="Farshire", slug="farshire")
    neighbours = factories.AreaFactory(
        name="Northshire's neighbours", slug="north-sn", kind=AreaKind.GROUP
    )
    theme = factories.ThemeFactory(name="Children in care", slug="in-care")
    visits = factories.IndicatorFactory(
        code="VISITS", title="% visits on time", theme=theme, frequency="monthly", roll_up="none"
    )
    caseload = factories.IndicatorFactory(
        code="CASELOAD",
        title="Average caseload",
        theme=factories.ThemeFactory(name="Workforce", slug="workforce"),
        unit="count",
        polarity="lower",
        frequency="monthly",
        roll_up="none",
    )
    for number, value in zip(range(4, 10), ("90", "88", "85", "86", "84", "82"), strict=True):
        factories.figure(north, visits, month(number), value)
    for number, value in zip(range(6, 10), ("15", "16", "17", "18"), strict=True):
        factories.figure(north, caseload, month(number), value)
    factories.target(north, visits, factories.financial_year(2021), "85", "95")
    factories.comparator(north, england, ComparatorKind.NATION, "England", 1)
    factories.figure(england, visits, factories.financial_year(2020), "88")
    sn = NeighbourSet.objects.create(name="Bench 2021", published_on=date(2021, 1, 1))
    for rank, area in enumerate((near, far), start=1):
        StatisticalNeighbour.objects.create(
            neighbour_set=sn, authority=north, neighbour=area, rank=rank
        )
    north.comparators.create(
        kind=ComparatorKind.NEIGHBOURS, area=neighbours, neighbour_set=sn, label="SN", order=2
    )
    # The neighbours' monthly figures reach Northshire through the benchmarking club.
    factories.club_figure(near, visits, month(9), "80")
    factories.club_figure(far, visits, month(9), "90")
    return north


def tiles(snapshot: DashboardSnapshot) -> dict[str, dict]:
    return {tile["code"]: tile for theme in snapshot.content["themes"] for tile in theme["tiles"]}


def whole(authority) -> DashboardSnapshot:
    return DashboardSnapshot.objects.get(dashboard_id=authority.pk, category=None)


def test_the_snapshot_shows_each_measure_as_worked_out_by_hand(north) -> None:
    dashboards.dashboard_rebuild(authority=north)
    visits = tiles(whole(north))["VISITS"]
    assert visits["latest"] == {"text": "82%", "period": "September 2021", "flags": []}
    assert visits["target"] == "85–95%"
    # 82% is more than the tolerance (2 points) below the band's lower bound (85%).
    assert visits["rating"]["code"] == "red"
    assert visits["travel"] == {
        "direction": "worsening",
        "text": "Worsening: down 2 percentage points from 84% (August 2021)",
    }
    assert visits["comparators"] == [
        {"label": "England", "text": "88%", "period": "2020/21", "note": "entered"},
        # The neighbours' mean for September: (80 + 90) / 2.
        {
            "label": "SN",
            "text": "85%",
            "period": "September 2021",
            "note": "mean of 2 neighbours",
        },
    ]
    assert visits["sparkline"]["summary"] == (
        "April 2021 to September 2021: lowest 82% (September 2021), highest 90% (April 2021)"
    )
    assert len(visits["sparkline"]["segments"]) == 1
    # 85 -> 86 was better, so the run of worse months is 86 -> 84 -> 82: two.
    assert visits["worsening"] == 2
    assert visits["attention"] == visits["rating"]["words"]


def test_a_measure_worse_three_periods_running_needs_attention(north) -> None:
    dashboards.dashboard_rebuild(authority=north)
    snapshot = whole(north)
    caseload = tiles(snapshot)["CASELOAD"]
    assert caseload["worsening"] == 3  # 15, 16, 17, 18: lower is better
    assert caseload["rating"]["code"] != "red"
    assert caseload["attention"] == "Worse in each of the last 3 periods"
    assert [item["code"] for item in snapshot.content["attention"]] == ["VISITS", "CASELOAD"]


def test_a_tile_compares_with_the_figure_before_however_long_ago(north) -> None:
    """A rebuild reads only the trend window of each measure, but a series with a gap is
    still compared with its figure before the latest, and its sparkline shows the window."""
    gappy = factories.IndicatorFactory(code="GAPPY", frequency="monthly", roll_up="none")
    factories.figure(north, gappy, month(1, 2019), "50")
    factories.figure(north, gappy, month(9), "60")

    dashboards.dashboard_rebuild(authority=north)

    tile = tiles(whole(north))["GAPPY"]
    assert tile["latest"]["period"] == "September 2021"
    assert tile["travel"]["text"].endswith("from 50% (January 2019)")
    assert len(tile["sparkline"]["segments"]) == 1 and tile["sparkline"]["summary"] == ""


def test_each_locality_gets_a_snapshot_and_shared_categories_do_not(north) -> None:
    locality = BreakdownCategory.objects.create(dimension="locality", name="North", authority=north)
    abuse = BreakdownCategory.objects.create(dimension="category of abuse", name="Neglect")
    visits = factories.IndicatorFactory(code="VISITS")  # the one already there
    factories.figure(north, visits, month(9), "75", breakdown=locality)
    plans = factories.IndicatorFactory(
        code="CPP-CAT", title="Plans by category", unit="count", roll_up="sum"
    )
    factories.figure(north, plans, factories.financial_year(2021), "40", breakdown=abuse)

    dashboards.dashboard_rebuild(authority=north)

    assert DashboardSnapshot.objects.filter(dashboard_id=north.pk).count() == 2
    local = DashboardSnapshot.objects.get(dashboard_id=north.pk, category=locality)
    assert local.content["scope"] == "Locality: North"
    tile = tiles(local)["VISITS"]
    assert tile["latest"]["text"] == "75%"
    assert tile["target"] == "85–95%"  # the authority's target applies to each locality
    assert set(tiles(local)) == {"VISITS"}
    overall = whole(north)
    assert overall.content["scopes"] == [{"id": locality.pk, "label": "Locality: North"}]
    assert tiles(overall)["CPP-CAT"]["only_by"] == ["category of abuse"]


def test_rebuilding_again_gives_the_same_snapshot(north) -> None:
    first = dashboards.dashboard_rebuild(authority=north)
    content = whole(north).content
    second = dashboards.dashboard_rebuild(authority=north)
    assert whole(north).content == content
    assert DashboardSnapshot.objects.count() == 1
    assert first.built_at is not None and second.built_at is not None
    assert second.built_at > first.built_at


def test_a_rebuild_that_fails_leaves_the_old_snapshot(north, monkeypatch) -> None:
    dashboards.dashboard_rebuild(authority=north)
    before = whole(north)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(DashboardSnapshot.objects, "bulk_create", broken)
    factories.figure(north, factories.IndicatorFactory(code="NEW"), month(9), "1")
    with pytest.raises(RuntimeError):
        dashboards.dashboard_rebuild(authority=north)
    after = whole(north)
    assert (after.pk, after.content, after.built_at) == (before.pk, before.content, before.built_at)


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    from indicators.tasks import rebuild_dashboard

    sent: list[int] = []
    monkeypatch.setattr(
        rebuild_dashboard, "apply_async", lambda args, countdown: sent.append(args[0])
    )
    return sent


def test_writes_in_one_transaction_queue_one_rebuild_after_commit(
    north, queued, django_capture_on_commit_callbacks
) -> None:
    visits = north.figures.get(period=month(9), indicator__code="VISITS").indicator
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for number, value in ((7, "87"), (8, "85"), (9, "83")):
            services.figure_set(
                user=access.SYSTEM,
                area=north,
                indicator=visits,
                period=month(number),
                value=Decimal(value),
                reason="corrected",
                correction_reason="typed wrongly",
            )
        assert queued == []  # nothing before the commit
    assert queued == [north.pk]
    assert Dashboard.objects.get(pk=north.pk).is_stale

    # Another write while that rebuild is still queued adds nothing to the queue.
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_set(
            user=access.SYSTEM,
            area=north,
            indicator=visits,
            period=month(6),
            value=Decimal(80),
            reason="x",
            correction_reason="typed wrongly",
        )
    assert queued == [north.pk]


def test_a_write_rolled_back_queues_nothing(
    north, queued, django_capture_on_commit_callbacks
) -> None:
    visits = north.figures.filter(indicator__code="VISITS").first().indicator
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.figure_set(
            user=access.SYSTEM,
            area=north,
            indicator=visits,
            period=month(6),
            value=Decimal(1),
            reason="x",
            correction_reason="typed wrongly",
        )
        raise RuntimeError("refused")
    assert callbacks == [] and queued == []
    assert not Dashboard.objects.filter(pk=north.pk, changed_at__isnull=False).exists()

    # The next transaction that commits still queues its rebuild.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.figure_set(
            user=access.SYSTEM,
            area=north,
            indicator=visits,
            period=month(6),
            value=Decimal(2),
            reason="x",
            correction_reason="typed wrongly",
        )
    assert queued == [north.pk]


def test_a_figure_elsewhere_touches_the_dashboards_that_compare_with_it(north) -> None:
    england = north.comparators.get(label="England").area
    near = north.comparators.get(label="SN").neighbour_set.neighbours.first().neighbour
    other = factories.AreaFactory(name="Otherton", slug="otherton")
    assert dashboards.authorities_affected([england.pk]) == {north.pk}
    # A neighbour's own dashboard, and the dashboards that count it as a neighbour.
    assert dashboards.authorities_affected([near.pk]) == {near.pk, north.pk}
    assert dashboards.authorities_affected([other.pk]) == {other.pk}


def test_the_page_reads_the_snapshot_says_how_current_it_is_and_filters(
    north, django_assert_max_num_queries
) -> None:
    from accounts.models import Role

    manager = factories.UserFactory(username="manager")
    factories.MembershipFactory(user=manager, authority=north, role=Role.MANAGER)
    client = Client()
    client.force_login(manager)
    dashboards.dashboard_rebuild(authority=north)
    with django_assert_max_num_queries(10):
        body = client.get("/a/northshire/").content.decode()
    assert "Figures as at" in body and "dashboard rebuilt at" in body
    assert 'data-testid="stale"' not in body
    assert 'data-indicator="VISITS"' in body and 'data-indicator="CASELOAD"' in body

    workforce = client.get("/a/northshire/?theme=workforce").content.decode()
    assert 'data-indicator="CASELOAD"' in workforce
    assert 'data-indicator="VISITS"' not in workforce

    Dashboard.objects.filter(pk=north.pk).update(changed_at=timezone.now())
    assert 'data-testid="stale"' in client.get("/a/northshire/").content.decode()
    assert client.get("/a/northshire/?theme=nothing").status_code == 404
    assert client.get("/a/northshire/?scope=12345").status_code == 404
    assert client.get("/a/northshire/?scope=north").status_code == 404


def test_a_dashboard_never_built_is_built_when_first_opened(north) -> None:
    from accounts.models import Role

    officer = factories.UserFactory(username="officer")
    factories.MembershipFactory(user=officer, authority=north, role=Role.OFFICER)
    client = Client()
    client.force_login(officer)
    assert not DashboardSnapshot.objects.exists()
    body = client.get("/a/northshire/").content.decode()
    assert 'data-indicator="VISITS"' in body
    assert Dashboard.objects.get(pk=north.pk).built_at is not None


def test_an_admin_rebuilds_every_dashboard_and_sees_how_far_it_has_got(
    north, personas, eager_tasks, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.force_login(personas.admin)
    page = client.get("/dashboards/").content.decode()
    assert 'data-authority="northshire"' in page and "never" in page
    assert 'data-testid="rebuild-progress"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboards/rebuild/")
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    count = north.__class__.objects.filter(kind=AreaKind.AUTHORITY).count()
    assert f"Rebuilding {count} dashboards." in body
    # Tasks run in-process here, so the rebuild is done by the time the page is shown.
    assert 'data-testid="rebuild-done"' in body
    assert f"{count} of {count} dashboards rebuilt" in body
    assert client.get("/dashboards/progress/").json() == {
        "working": False,
        "percent": 100,
        "note": f"{count} of {count} dashboards rebuilt",
    }
    assert Dashboard.objects.get(pk=north.pk).built_at is not None


def test_progress_counts_the_dashboards_built_since_the_rebuild_was_asked_for(north) -> None:
    from django.core.cache import cache

    others = [factories.AreaFactory(name=f"Other {n}", slug=f"other-{n}") for n in range(3)]
    cache.set(dashboards.ALL_REBUILD_KEY, {"started": timezone.now().isoformat(), "total": 4})
    assert dashboards.rebuild_progress().as_json() == {
        "working": True,
        "percent": 0,
        "note": "0 of 4 dashboards rebuilt",
    }
    dashboards.dashboard_rebuild(authority=north)
    dashboards.dashboard_rebuild(authority=others[0])
    progress = dashboards.rebuild_progress()
    assert (progress.working, progress.percent, progress.done) == (True, 50, 2)


def test_only_an_admin_may_rebuild(north, personas, queued) -> None:
    client = Client()
    client.force_login(personas.manager_a)
    assert client.post("/dashboards/rebuild/").status_code == 403
    assert client.post("/dashboards/rebuild/", {"authority": "northshire"}).status_code == 403
    assert queued == []
    client.force_login(personas.admin)
    assert client.post("/dashboards/rebuild/", {"authority": "nowhere"}).status_code == 404
