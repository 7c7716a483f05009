"""Building an authority's dashboard snapshots from its figures, targets and comparators.

A rebuild reads everything a dashboard shows in a fixed number of queries, works out every
tile with the same rules the other pages use (`figure_context.indicator_summary`: rating
against target or comparator, direction of travel, comparators with their periods), and
stores the result as JSON, one snapshot for the whole authority and one for each of its own
localities or teams. The page then reads one row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import access

from .. import locks
from ..figure_context import (
    FigureContext,
    IndicatorSummary,
    comparator_setup,
    indicator_summary,
    native_figures,
    target_band,
    target_for,
    value_text,
    window_start,
)
from ..models import (
    Area,
    BreakdownCategory,
    Dashboard,
    DashboardSnapshot,
    Figure,
    FigureStatus,
    Indicator,
    Period,
    Target,
)
from ..rag import Rating
from ..sparklines import sparkline
from ..trend import moves_worsening

# A measure needs attention when it is red, or when it has worsened this many periods running.
WORSENING_PERIODS = 3

# --- reading what a dashboard shows --------------------------------------------------------


@dataclass
class _Data:
    """Everything one authority's snapshots need, read up front."""

    context: FigureContext  # the authority-wide figures and all comparators
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
    light records shaped like figures, which `figure_context`'s rules read as figures."""
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
    setup = comparator_setup(authority)
    comparators = setup.comparators
    context = FigureContext(
        authority=authority, comparators=comparators, own=dict(overall), members=setup.members
    )
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
    context: FigureContext,
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
            native = native_figures(indicator, view.get(indicator.id, []))
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


def _rating(summary: IndicatorSummary) -> dict[str, str]:
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
    context: FigureContext, indicator: Indicator, figures: Sequence[Figure]
) -> tuple[dict[str, Any], int]:
    """The tile's sparkline over the trend window (18 months for a monthly measure), with its
    one-line summary, and how many periods running the measure has worsened."""
    if not figures:
        return {"segments": [], "last": None, "summary": ""}, 0
    start = window_start(indicator, figures[-1].period.end)
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
            f"{value_text(indicator, low)} ({low.period.label}), highest "
            f"{value_text(indicator, high)} ({high.period.label})"
        )
    bands = [target_band(target_for(context, indicator, f.period)) for f in shown]
    worsening = moves_worsening(values, indicator.polarity, bands)
    return {"segments": list(line.segments), "last": line.last, "summary": summary}, worsening


def _tile(
    context: FigureContext, indicator: Indicator, figures: Sequence[Figure]
) -> dict[str, Any]:
    summary = indicator_summary(context, indicator)
    native = native_figures(indicator, list(figures))
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
    data: _Data, context: FigureContext, figures: dict[int, list[Figure]], scope: str
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
