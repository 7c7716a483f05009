"""Dashboards: snapshots of each authority's position, built from its figures, targets and
comparators, and read by the dashboard page.

A rebuild reads everything a dashboard shows in a fixed number of queries, works out every
tile with the same rules the other pages use (`selectors._summary`: rating against target or
comparator, direction of travel, comparators with their periods), and stores the result as
JSON, one snapshot for the whole authority and one for each of its own localities or teams.
The page then reads one row. Writes that change what a dashboard shows call
`dashboards_changed` inside their transaction; after commit that marks the dashboards stale and
queues one rebuild per authority, however many writes there were (see `request_rebuilds`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts import access

from . import locks, selectors
from .models import (
    Area,
    AreaKind,
    BreakdownCategory,
    Comparator,
    ComparatorKind,
    Dashboard,
    DashboardSnapshot,
    Figure,
    FigureStatus,
    Indicator,
    Period,
    StatisticalNeighbour,
    Target,
)
from .rag import Rating
from .sparklines import sparkline
from .trend import moves_worsening

# A measure needs attention when it is red, or when it has worsened this many periods running.
WORSENING_PERIODS = 3
# How long a queued rebuild waits for more writes to the same authority, so that a burst of
# saves (an entry form, an import) costs one rebuild.
COALESCE_SECONDS = 2

# --- reading what a dashboard shows --------------------------------------------------------


@dataclass
class _Data:
    """Everything one authority's snapshots need, read up front."""

    context: selectors._Context  # the authority-wide figures and all comparators
    indicators: list[Indicator]
    by_category: dict[int, dict[int, list[Figure]]]  # category -> indicator -> figures
    categories: list[BreakdownCategory]  # the authority's own localities, teams, services
    # Measures kept only by category (category of abuse...): indicator -> dimensions.
    only_by_category: dict[int, list[str]]
    targets_changed: datetime | None
    # The latest change to the authority's figures: overall (key None) and by category.
    figures_changed: dict[int | None, datetime]


@dataclass(slots=True)
class _Figure:
    """What the dashboard's rules read of a figure (the same names as the model's fields),
    without a model instance: a rebuild reads some 30,000 figures, and building model
    instances for them took two thirds of its time."""

    area_id: int
    breakdown_id: int | None
    commentary: str
    indicator_id: int
    is_estimated: bool
    is_provisional: bool
    is_revised: bool
    numerator: Decimal | None
    denominator: Decimal | None
    period_id: int
    status: str
    suppression: str
    value: Decimal | None
    period: Period

    def get_status_display(self) -> str:
        return str(FigureStatus(self.status).label)


_FIGURE_FIELDS = [field.name for field in fields(_Figure) if field.name != "period"]


@dataclass(slots=True)
class _MemberValue:
    """A member authority's value, all a computed comparator (a neighbours' mean) reads."""

    value: Decimal | None


def _figures(queryset: Any, periods: dict[int, Period]) -> list[Figure]:
    """Figures with their period attached from `periods` (read once), oldest first. They are
    light records shaped like figures, which the selectors' rules read as figures."""
    at = _FIGURE_FIELDS.index("period_id")
    # Each row holds the fields in _FIGURE_FIELDS' order, which mypy cannot see.
    figures = [
        _Figure(*row, periods[row[at]])  # type: ignore[call-arg]
        for row in queryset.values_list(*_FIGURE_FIELDS)
    ]
    figures.sort(key=lambda figure: (figure.period.end, figure.period.start))
    return cast(list[Figure], figures)


def _read(authority: Area, periods: dict[int, Period]) -> _Data:
    own = _figures(Figure.objects.filter(area=authority), periods)
    overall: dict[int, list[Figure]] = defaultdict(list)
    by_category: dict[int, dict[int, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for figure in own:
        if figure.breakdown_id is None:
            overall[figure.indicator_id].append(figure)
        else:
            by_category[figure.breakdown_id][figure.indicator_id].append(figure)
    all_categories = list(
        BreakdownCategory.objects.filter(pk__in=list(by_category)).order_by(
            "dimension", "order", "name"
        )
    )
    categories = [category for category in all_categories if category.authority_id == authority.pk]
    only_by_category: dict[int, set[str]] = defaultdict(set)
    for category in all_categories:
        for indicator_id in by_category[category.pk]:
            if indicator_id not in overall:
                only_by_category[indicator_id].add(category.dimension)
    indicator_ids = {figure.indicator_id for figure in own}
    indicators = list(
        Indicator.objects.filter(pk__in=indicator_ids)
        .select_related("theme")
        .order_by("theme__order", "theme__name", "order", "title")
    )
    comparators = list(
        Comparator.objects.filter(authority=authority).select_related("area").order_by("order")
    )
    context = selectors._Context(authority=authority, comparators=comparators, own=dict(overall))
    targets_changed = None
    for target in Target.objects.filter(authority=authority, indicator_id__in=indicator_ids):
        target.financial_year = periods[target.financial_year_id]
        context.targets[(target.indicator_id, target.financial_year.start)] = target
        if targets_changed is None or target.updated_at > targets_changed:
            targets_changed = target.updated_at
    # A snapshot is built without a user: it is the authority's view, through the same door
    # as its pages (another authority's unreleased figures never reach it).
    for figure in _figures(
        access.figures_visible_to(authority)
        .overall()
        .filter(area_id__in=[c.area_id for c in comparators], indicator_id__in=indicator_ids),
        periods,
    ):
        context.comparator_figures.setdefault((figure.area_id, figure.indicator_id), []).append(
            figure
        )
    context.members = selectors._comparator_members(comparators)
    _read_member_figures(context, indicators, [overall, *by_category.values()])
    return _Data(
        context,
        indicators,
        by_category,
        categories,
        {key: sorted(dimensions) for key, dimensions in only_by_category.items()},
        targets_changed,
        dict(
            Figure.objects.filter(area=authority)
            .values("breakdown_id")
            .annotate(latest=Max("updated_at"))
            .values_list("breakdown_id", "latest")
        ),
    )


def _read_member_figures(
    context: selectors._Context,
    indicators: Sequence[Indicator],
    views: Sequence[dict[int, list[Figure]]],
) -> None:
    """The member authorities' figures a computed comparator (the mean of the neighbours held
    here, say) needs: only for the periods a tile shows, the latest and the one before, so a
    rebuild reads a few hundred of them rather than every neighbour's whole history."""
    member_ids = {area_id for ids in context.members.values() for area_id in ids}
    wanted: set[int] = set()
    for view in views:
        for indicator in indicators:
            native = selectors._native(indicator, view.get(indicator.id, []))
            wanted.update(figure.period_id for figure in native[-2:])
    if not member_ids or not wanted:
        return
    for area_id, indicator_id, period_id, value in (
        access.figures_visible_to(context.authority)
        .overall()
        .filter(
            area_id__in=member_ids,
            indicator_id__in=[indicator.id for indicator in indicators],
            period_id__in=wanted,
        )
        .values_list("area_id", "indicator_id", "period_id", "value")
    ):
        context.member_figures[(area_id, indicator_id, period_id)] = cast(
            Figure, _MemberValue(value)
        )


# --- building the tiles --------------------------------------------------------------------


def _rating(summary: selectors.IndicatorSummary) -> dict[str, str]:
    latest = summary.latest
    if latest is None:
        return {"kind": "rag", "code": Rating.NOT_RATED, "words": "Not rated: no figure"}
    if latest.rag.rating == Rating.NOT_RATED and latest.comparison is not None:
        return {
            "kind": "comparison",
            "code": latest.comparison.comparison,
            "words": latest.comparison.words,
        }
    return {"kind": "rag", "code": latest.rag.rating, "words": latest.rag.words}


def _trend_line(
    context: selectors._Context, indicator: Indicator, figures: Sequence[Figure]
) -> tuple[dict[str, Any], int]:
    """The tile's sparkline over the trend window (18 months for a monthly measure), with its
    one-line summary, and how many periods running the measure has worsened."""
    if not figures:
        return {"segments": [], "last": None, "summary": ""}, 0
    start = selectors._window_start(indicator, figures[-1].period.end)
    shown = [figure for figure in figures if figure.period.start >= start]
    values = [figure.value for figure in shown]
    line = sparkline([None if value is None else float(value) for value in values])
    known = [figure for figure in shown if figure.value is not None]
    summary = ""
    if len(known) > 1:
        low = min(known, key=lambda figure: figure.value)  # type: ignore[arg-type, return-value]
        high = max(known, key=lambda figure: figure.value)  # type: ignore[arg-type, return-value]
        summary = (
            f"{shown[0].period.label} to {shown[-1].period.label}: lowest "
            f"{_text(indicator, low)} ({low.period.label}), highest {_text(indicator, high)} "
            f"({high.period.label})"
        )
    bands = [selectors._band(selectors._target_for(context, indicator, f.period)) for f in shown]
    worsening = moves_worsening(values, indicator.polarity, bands)
    return {"segments": list(line.segments), "last": line.last, "summary": summary}, worsening


def _text(indicator: Indicator, figure: Figure) -> str:
    return selectors._value_text(indicator, figure)


def _tile(
    context: selectors._Context, indicator: Indicator, figures: Sequence[Figure]
) -> dict[str, Any]:
    summary = selectors._summary(context, indicator)
    native = selectors._native(indicator, list(figures))
    line, worsening = _trend_line(context, indicator, native)
    latest = summary.latest
    rating = _rating(summary)
    attention = ""
    if rating["code"] == Rating.RED:
        attention = rating["words"]
    elif worsening >= WORSENING_PERIODS:
        attention = f"Worse in each of the last {worsening} periods"
    return {
        "code": indicator.code,
        "title": indicator.title,
        "latest": None
        if latest is None
        else {"text": latest.text, "period": latest.period.label, "flags": list(latest.flags)},
        "target": latest.target_text if latest is not None else "no target",
        "rating": rating,
        "travel": {"direction": summary.travel.direction, "text": summary.travel_text},
        "travel_year": summary.travel_year_text,
        "comparators": [
            {
                "label": cell.label,
                "text": cell.text,
                "period": cell.period_label,
                "note": cell.note if cell.method == "computed" else "",
            }
            for cell in (latest.comparators_with_values if latest is not None else ())
        ],
        "sparkline": line,
        "worsening": worsening,
        "attention": attention,
        "only_by": [],
    }


def _content(
    data: _Data, context: selectors._Context, figures: dict[int, list[Figure]], scope: str
) -> dict[str, Any]:
    themes: dict[int, dict[str, Any]] = {}
    attention = []
    whole_authority = figures is data.context.own
    for indicator in data.indicators:
        if indicator.id in figures:
            tile = _tile(context, indicator, figures[indicator.id])
        elif whole_authority and indicator.id in data.only_by_category:
            tile = _tile(context, indicator, [])
            tile["only_by"] = data.only_by_category[indicator.id]
        else:
            continue
        theme = themes.setdefault(
            indicator.theme_id,
            {"slug": indicator.theme.slug, "name": indicator.theme.name, "tiles": []},
        )
        theme["tiles"].append(tile)
        if tile["attention"]:
            attention.append(
                {
                    "code": indicator.code,
                    "title": indicator.title,
                    "theme": indicator.theme.slug,
                    "reason": tile["attention"],
                }
            )
    return {
        "scope": scope,
        "themes": list(themes.values()),
        "attention": attention,
        "comparator_labels": [comparator.label for comparator in context.comparators],
    }


def _latest_change(data: _Data, category: BreakdownCategory | None) -> datetime | None:
    """When the figures or targets a snapshot shows last changed: its "figures as at"."""
    times = [data.figures_changed.get(category.pk if category else None), data.targets_changed]
    return max((time for time in times if time is not None), default=None)


@dataclass(frozen=True)
class _View:
    category: BreakdownCategory | None
    content: dict[str, Any]
    data_as_at: datetime | None


def _views(data: _Data) -> list[_View]:
    """The whole authority's snapshot, then one per locality, team or service."""
    context = data.context
    views = [
        _View(
            None,
            _content(data, context, context.own, "the whole authority"),
            _latest_change(data, None),
        )
    ]
    for category in data.categories:
        own = dict(data.by_category[category.pk])
        scope = f"{category.dimension.capitalize()}: {category.name}"
        views.append(
            _View(
                category,
                _content(data, replace(context, own=own), own, scope),
                _latest_change(data, category),
            )
        )
    # Every snapshot lists the others, so the page's filter reads nothing more.
    scopes = [
        {"id": view.category.pk, "label": view.content["scope"]}
        for view in views[1:]
        if view.category is not None
    ]
    for view in views:
        view.content["scopes"] = scopes
    return views


# --- the service ---------------------------------------------------------------------------


def dashboard_rebuild(*, authority: Area, periods: dict[int, Period] | None = None) -> Dashboard:
    """Build every snapshot of the authority's dashboard and swap them in, in one transaction:
    a reader sees the old snapshots or the new ones. Idempotent; two rebuilds of the same
    authority at once take turns (a lock held to the end of the transaction), so the later
    one reads what the earlier one did not. `periods` (every period, by id) can be passed in
    when rebuilding many authorities."""
    with transaction.atomic():
        locks.hold_until_commit(f"dashboard:{authority.pk}")
        dashboard, _created = Dashboard.objects.get_or_create(authority=authority)
        started = timezone.now()
        if periods is None:
            periods = {period.pk: period for period in Period.objects.all()}
        views = _views(_read(authority, periods))
        DashboardSnapshot.objects.filter(dashboard=dashboard).delete()
        DashboardSnapshot.objects.bulk_create(
            DashboardSnapshot(
                dashboard=dashboard,
                category=view.category,
                built_at=started,
                data_as_at=view.data_as_at,
                content=view.content,
            )
            for view in views
        )
        Dashboard.objects.filter(pk=dashboard.pk).update(built_at=started)
        dashboard.built_at = started
    return dashboard


# --- which dashboards a write touches, and queueing their rebuilds -------------------------


def authorities_affected(area_ids: Iterable[int]) -> set[int]:
    """The authorities whose dashboards show figures of these areas: the authorities among
    them, and every authority that has one of them (England, a region, a group) as a
    comparator or that computes a comparator from them (its neighbours, its region's
    authorities, a group's members)."""
    area_ids = set(area_ids)
    if not area_ids:
        return set()
    affected: set[int] = set()
    regions: set[int] = set()
    for area_id, region_id in Area.objects.filter(
        pk__in=area_ids, kind=AreaKind.AUTHORITY
    ).values_list("id", "region_id"):
        affected.add(area_id)
        if region_id is not None:
            regions.add(region_id)
    changed_authorities = set(affected)
    groups = set(
        Area.members.through.objects.filter(to_area_id__in=changed_authorities).values_list(
            "from_area_id", flat=True
        )
    )
    affected.update(
        Comparator.objects.filter(
            Q(area_id__in=area_ids)
            | Q(area_id__in=regions, kind=ComparatorKind.REGION)
            | Q(area_id__in=groups, kind=ComparatorKind.GROUP)
        ).values_list("authority_id", flat=True)
    )
    affected.update(
        StatisticalNeighbour.objects.filter(neighbour_id__in=changed_authorities).values_list(
            "authority_id", flat=True
        )
    )
    return affected


def dashboards_changed(*, area_ids: Iterable[int] = (), authority_ids: Iterable[int] = ()) -> None:
    """Say, inside a write's transaction, that figures of these areas (or these authorities'
    targets or comparators) changed. After the transaction commits, once for however many
    calls it made, the dashboards that show them are marked stale and their rebuilds
    queued. Nothing happens if the transaction rolls back."""
    if not connection.in_atomic_block:
        request_rebuilds(authorities_affected(area_ids) | set(authority_ids))
        return
    pending: _Pending | None = getattr(connection, "_csc_dashboards_pending", None)
    if pending is None or not pending.waiting():
        pending = _Pending()
        connection._csc_dashboards_pending = pending  # type: ignore[attr-defined]
        transaction.on_commit(pending.run)
    pending.areas.update(area_ids)
    pending.authorities.update(authority_ids)


class _Pending:
    """What one transaction has changed so far, sent on once it commits."""

    def __init__(self) -> None:
        self.areas: set[int] = set()
        self.authorities: set[int] = set()

    def waiting(self) -> bool:
        """Whether this transaction's commit will still run this: not once it has run, nor
        once a rollback has dropped it (Django drops a rolled-back savepoint's callbacks)."""
        # Each entry is (savepoint ids, callback, robust); django-stubs knows only two.
        return any(entry[1] == self.run for entry in connection.run_on_commit)

    def run(self) -> None:
        request_rebuilds(authorities_affected(self.areas) | self.authorities)


def request_rebuilds(authority_ids: Iterable[int]) -> None:
    """Mark these authorities' dashboards stale and queue a rebuild of each, unless one is
    already queued and not yet started: that one will read this change too."""
    from .tasks import rebuild_dashboard

    authority_ids = sorted(set(authority_ids))
    if not authority_ids:
        return
    now = timezone.now()
    existing = set(
        Dashboard.objects.filter(pk__in=authority_ids).values_list("authority_id", flat=True)
    )
    Dashboard.objects.bulk_create(
        [Dashboard(authority_id=pk) for pk in authority_ids if pk not in existing],
        ignore_conflicts=True,
    )
    Dashboard.objects.filter(pk__in=authority_ids).update(changed_at=now)
    for authority_id in authority_ids:
        # cache.add is atomic: only the first write in a burst queues the rebuild. The task
        # clears the mark when it starts, so a write during a rebuild queues the next one.
        if cache.add(queued_key(authority_id), True, timeout=COALESCE_SECONDS * 30):
            rebuild_dashboard.apply_async((authority_id,), countdown=COALESCE_SECONDS)


def queued_key(authority_id: int) -> str:
    return f"dashboard-rebuild-queued:{authority_id}"


def rebuild_all_queue() -> int:
    """Queue a rebuild of every authority's dashboard, one task each; says how many."""
    from .tasks import rebuild_dashboard

    authority_ids = list(Area.objects.authorities().order_by("pk").values_list("pk", flat=True))
    started = timezone.now()
    cache.set(ALL_REBUILD_KEY, {"started": started.isoformat(), "total": len(authority_ids)}, None)
    for authority_id in authority_ids:
        rebuild_dashboard.delay(authority_id)
    return len(authority_ids)


ALL_REBUILD_KEY = "dashboards-rebuild-all"


@dataclass(frozen=True)
class RebuildProgress:
    """How far the latest rebuild of every dashboard has got: dashboards built since it was
    asked for, out of all of them. Read from the dashboards themselves, so it survives a
    reload and counts the work of every worker."""

    working: bool
    done: int
    total: int
    started: datetime | None

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @property
    def note(self) -> str:
        return f"{self.done} of {self.total} dashboards rebuilt"

    def as_json(self) -> dict[str, Any]:
        """What the page's script polls for (the shape an import's progress has too)."""
        return {"working": self.working, "percent": self.percent, "note": self.note}


def rebuild_progress() -> RebuildProgress:
    asked = cache.get(ALL_REBUILD_KEY)
    if not asked:
        return RebuildProgress(False, 0, 0, None)
    started = datetime.fromisoformat(asked["started"])
    done = Dashboard.objects.filter(built_at__gte=started).count()
    total = asked["total"]
    return RebuildProgress(done < total, min(done, total), total, started)


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPage:
    authority: Area
    dashboard: Dashboard
    snapshot: DashboardSnapshot
    themes: list[dict[str, Any]]  # as built, narrowed to the theme asked for
    attention: list[dict[str, Any]]
    theme_choices: list[tuple[str, str]]  # slug, name
    scope_choices: list[tuple[int, str]]  # category id, "Locality: North"
    theme: str  # the theme asked for, or ""
    scope: int | None  # the locality or team asked for, or None for the whole authority
    can_edit: bool

    @property
    def is_stale(self) -> bool:
        return self.dashboard.is_stale


class UnknownFilter(Exception):
    """A theme or a locality or team the dashboard does not have."""


def dashboard_page(user: Any, slug: str, *, theme: str = "", scope: str = "") -> DashboardPage:
    """The authority's dashboard as last built, for the whole authority or one locality or team
    (`scope`, a category id), narrowed to one theme if asked. A handful of queries whatever
    the data size: the page reads one snapshot. A dashboard never built (a new authority) is
    built here first."""
    from accounts import access
    from accounts.access import Permission

    authority = selectors.authority_for(user, slug, Permission.VIEW_FIGURES)
    category_id: int | None = None
    if scope:
        if not scope.isdigit():
            raise UnknownFilter("There is no such locality or team.")
        category_id = int(scope)
    snapshot = _snapshot(authority, category_id)
    if snapshot is None and category_id is None:
        dashboard_rebuild(authority=authority)
        snapshot = _snapshot(authority, None)
    if snapshot is None:
        raise UnknownFilter("There is no dashboard for that locality or team.")
    content = snapshot.content
    themes = content["themes"]
    theme_choices = [(item["slug"], item["name"]) for item in themes]
    if theme and theme not in dict(theme_choices):
        raise UnknownFilter("This dashboard has no such theme.")
    return DashboardPage(
        authority=authority,
        dashboard=snapshot.dashboard,
        snapshot=snapshot,
        themes=[item for item in themes if not theme or item["slug"] == theme],
        attention=[item for item in content["attention"] if not theme or item["theme"] == theme],
        theme_choices=theme_choices,
        scope_choices=[(item["id"], item["label"]) for item in content.get("scopes", [])],
        theme=theme,
        scope=category_id,
        can_edit=access.can(user, Permission.EDIT_FIGURES, authority),
    )


def _snapshot(authority: Area, category_id: int | None) -> DashboardSnapshot | None:
    return (
        DashboardSnapshot.objects.select_related("dashboard")
        .filter(dashboard_id=authority.pk, category_id=category_id)
        .first()
    )


# --- the admins' page: every dashboard, and rebuilding them all ----------------------------


@dataclass(frozen=True)
class RebuildsPage:
    dashboards: list[tuple[Area, Dashboard | None]]  # every authority, with its dashboard
    progress: RebuildProgress


def rebuilds_page(user: Any) -> RebuildsPage:
    """Every authority's dashboard with when it was built and whether a rebuild is due, and
    how far the latest rebuild of them all has got. Admins only."""
    from accounts import access

    access.require_admin(user)
    built = {dashboard.pk: dashboard for dashboard in Dashboard.objects.all()}
    return RebuildsPage(
        [(area, built.get(area.pk)) for area in Area.objects.authorities().order_by("name")],
        rebuild_progress(),
    )


def dashboards_rebuild_request(*, user: Any, authority_slug: str = "") -> int:
    """An admin asks for every dashboard (or one authority's) to be rebuilt now: the rebuilds
    are queued once the request commits. Says how many were asked for."""
    from accounts import access

    from .tasks import rebuild_dashboard

    access.require_admin(user)
    if authority_slug:
        authority = Area.objects.authorities().filter(slug=authority_slug).first()
        if authority is None:
            raise UnknownFilter("There is no such authority.")
        transaction.on_commit(lambda: rebuild_dashboard.delay(authority.pk))
        return 1
    transaction.on_commit(rebuild_all_queue)
    return Area.objects.authorities().count()
