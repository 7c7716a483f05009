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
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts import access

from .. import locks
from ..figure_context import (
    NATIVE_KINDS,
    RECORD_FIELDS,
    FigureContext,
    FigureRecord,
    FigureRow,
    IndicatorSummary,
    ValueRecord,
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
    Indicator,
    Period,
    Target,
)
from ..rag import Rating, TargetBand
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
class _TargetRecord:
    """What the rules read of a target (the model's field names), without a model instance."""

    lower: Decimal | None
    upper: Decimal | None
    tolerance: Decimal
    financial_year: Period


@dataclass(slots=True)
class _MemberValue:
    """A member authority's value and its published precision, all a computed comparator
    (a neighbours' mean) reads."""

    value: Decimal | None
    published_decimals: int | None


@dataclass(frozen=True)
class _Held:
    """What the authority holds of one measure, overall or for one category: from one
    aggregate query over all its figures, before any figure is read."""

    latest: dict[str, date]  # kind of period -> the latest end
    count: dict[str, int]  # kind of period -> how many figures


_Key = tuple[int, int | None]  # a measure, and a category or None for the whole authority


def _held(authority: Area) -> tuple[dict[_Key, _Held], dict[int | None, datetime]]:
    """For each measure and category (None: overall) the authority has figures of, the latest
    end and number of its figures of each kind of period; and the latest change to its
    figures, overall and by category (a snapshot's "figures as at")."""
    held: dict[_Key, _Held] = {}
    changed: dict[int | None, datetime] = {}
    for indicator_id, breakdown_id, kind, latest, count, updated in (
        # Only the measures that apply to the authority's nation (issue 17): a figure kept
        # for another nation's measure (entered before the catalogue said so) is no tile. Nor
        # is one of the measures published for every authority only to compare (issue 18):
        # they are read on the indicator pages and the benchmarking grid.
        Figure.objects.filter(
            area=authority,
            indicator__in=Indicator.objects.applicable_to(authority).filter(
                benchmarking_only=False
            ),
        )
        .values("indicator_id", "breakdown_id", "period__kind")
        .annotate(latest=Max("period__end"), count=Count("id"), updated=Max("updated_at"))
        .values_list("indicator_id", "breakdown_id", "period__kind", "latest", "count", "updated")
    ):
        entry = held.setdefault((indicator_id, breakdown_id), _Held({}, {}))
        entry.latest[kind] = latest
        entry.count[kind] = count
        if breakdown_id not in changed or updated > changed[breakdown_id]:
            changed[breakdown_id] = updated
    return held, changed


def _shown_kinds(indicator: Indicator, held: _Held) -> set[str]:
    """The kinds of period a tile reads (`native_figures`): the measure's own if held, else
    every kind held."""
    native = set(NATIVE_KINDS[indicator.frequency]) & set(held.latest)
    return native or set(held.latest)


def _window_starts(indicators: dict[int, Indicator], held: dict[_Key, _Held]) -> dict[int, date]:
    """For each measure, the earliest start of the trend windows its tiles show (the whole
    authority's and each category's): a tile reads nothing older, but for the figure before
    its latest (`_read_own` reads that apart when it is older)."""
    starts: dict[int, date] = {}
    for (indicator_id, _category), entry in held.items():
        indicator = indicators[indicator_id]
        latest = max(entry.latest[kind] for kind in _shown_kinds(indicator, entry))
        start = window_start(indicator, latest)
        starts[indicator_id] = min(start, starts.get(indicator_id, start))
    return starts


def _records(rows: Any, periods: dict[int, Period]) -> list[Figure]:
    """Light figure records with their period attached from `periods` (read once): each row
    holds RECORD_FIELDS in order, which mypy cannot see."""
    at = RECORD_FIELDS.index("period_id")
    return cast(
        list[Figure],
        [FigureRecord(*row, periods[row[at]]) for row in rows],  # type: ignore[call-arg]
    )


def _read_own(
    authority: Area,
    indicators: dict[int, Indicator],
    held: dict[_Key, _Held],
    periods: dict[int, Period],
) -> list[Figure]:
    """The authority's own figures that its tiles show: those of each measure's trend windows
    (a fraction of an eight-year history), and the whole history of the rare measure whose
    figure before its latest is older than the window (a gap in the series). Oldest first."""
    by_start: dict[date, list[int]] = defaultdict(list)
    for indicator_id, start in _window_starts(indicators, held).items():
        by_start[start].append(indicator_id)
    mine = Figure.objects.filter(area=authority)
    windows = Q()
    for start, indicator_ids in by_start.items():
        windows |= Q(indicator_id__in=indicator_ids, period__end__gte=start)
    figures = _records(mine.filter(windows).values_list(*RECORD_FIELDS), periods) if windows else []
    read: dict[_Key, list[Figure]] = defaultdict(list)
    for figure in figures:
        read[(figure.indicator_id, figure.breakdown_id)].append(figure)
    gaps = Q()
    for key, entry in held.items():
        kinds = _shown_kinds(indicators[key[0]], entry)
        shown = sum(1 for figure in read.get(key, ()) if figure.period.kind in kinds)
        if shown < 2 <= sum(entry.count[kind] for kind in kinds):
            gaps |= Q(indicator_id=key[0], breakdown_id=key[1])
    if gaps:
        whole = _records(mine.filter(gaps).values_list(*RECORD_FIELDS), periods)
        again = {(figure.indicator_id, figure.breakdown_id) for figure in whole}
        figures = [f for f in figures if (f.indicator_id, f.breakdown_id) not in again] + whole
    figures.sort(key=lambda figure: (figure.period.end, figure.period.start))
    return figures


def _read(authority: Area, periods: dict[int, Period]) -> _Data:
    held, figures_changed = _held(authority)
    indicator_ids = {indicator_id for indicator_id, _category in held}
    indicators = list(
        Indicator.objects.filter(pk__in=indicator_ids)
        .select_related("theme")
        .order_by("theme__order", "theme__name", "order", "title")
    )
    own = _read_own(authority, {i.pk: i for i in indicators}, held, periods)
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
    setup = comparator_setup(authority)
    context = FigureContext(
        authority=authority,
        comparators=setup.comparators,
        own=dict(overall),
        members=setup.members,
        good=setup.good,
    )
    targets_changed = None
    for indicator_id, year_id, lower, upper, tolerance, updated_at in Target.objects.filter(
        authority=authority, indicator_id__in=indicator_ids
    ).values_list("indicator_id", "financial_year_id", "lower", "upper", "tolerance", "updated_at"):
        year = periods[year_id]
        context.targets[(indicator_id, year.start)] = cast(
            Target, _TargetRecord(lower, upper, tolerance, year)
        )
        if targets_changed is None or updated_at > targets_changed:
            targets_changed = updated_at
    views = [overall, *by_category.values()]
    _read_comparator_figures(context, indicators, views, periods)
    _read_member_figures(context, _shown_periods(indicators, views), periods)
    return _Data(
        context,
        indicators,
        by_category,
        categories,
        {key: sorted(dimensions) for key, dimensions in only_by_category.items()},
        targets_changed,
        figures_changed,
    )


def _shown_periods(
    indicators: Sequence[Indicator], views: Sequence[dict[int, list[Figure]]]
) -> set[int]:
    """The periods whose comparator values a tile shows: each view's latest figure of each
    measure and the one before."""
    wanted: set[int] = set()
    for view in views:
        for indicator in indicators:
            native = native_figures(indicator, view.get(indicator.id, []))
            wanted.update(figure.period_id for figure in native[-2:])
    return wanted


def _read_comparator_figures(
    context: FigureContext,
    indicators: Sequence[Indicator],
    views: Sequence[dict[int, list[Figure]]],
    periods: dict[int, Period],
) -> None:
    """The comparators' own figures (published, or entered for England, a region, a group)
    that a tile can show beside a figure, the latest up to each period shown: not eight years
    of them. Those of the periods from the earliest shown on, and, for a comparator and
    measure with none up to the earliest period its tiles show, the latest before (England's
    2023/24 figure beside this authority's March 2025)."""
    shown_ends: dict[int, list[date]] = defaultdict(list)  # indicator -> periods shown
    for view in views:
        for indicator in indicators:
            native = native_figures(indicator, view.get(indicator.id, []))
            shown_ends[indicator.id].extend(figure.period.end for figure in native[-2:])
    if not shown_ends:
        return
    earliest = min(min(ends) for ends in shown_ends.values())
    # A snapshot is built without a user: it is the authority's view, through the same door
    # as its pages (another authority's unreleased figures never reach it).
    visible = (
        access.figures_visible_to(context.authority)
        .overall()
        .filter(
            area_id__in=[c.area_id for c in context.comparators],
            indicator_id__in=list(shown_ends),
        )
    )
    columns = (
        "area_id",
        "indicator_id",
        "period_id",
        "value",
        "suppression",
        "source",
        "published_decimals",
    )
    recent = [pk for pk, period in periods.items() if period.end >= earliest]
    rows = list(visible.filter(period_id__in=recent).values_list(*columns))
    found: dict[tuple[int, int], date] = {}  # the earliest end read, by area and measure
    for area_id, indicator_id, period_id, *_value in rows:
        end = periods[period_id].end
        found[(area_id, indicator_id)] = min(end, found.get((area_id, indicator_id), end))
    lacking = [
        (area_id, indicator_id)
        for area_id in {c.area_id for c in context.comparators}
        for indicator_id, ends in shown_ends.items()
        if found.get((area_id, indicator_id), date.max) > min(ends)
    ]
    if lacking:
        newest = Window(
            RowNumber(),
            partition_by=[F("area_id"), F("indicator_id")],
            order_by=[F("period__end").desc(), F("period__start").desc()],
        )
        wanted = set(lacking)
        rows += [
            row
            for row in visible.filter(
                area_id__in={area_id for area_id, _i in lacking},
                indicator_id__in={indicator_id for _a, indicator_id in lacking},
                period__end__lt=earliest,
            )
            .annotate(newest=newest)
            .filter(newest=1)
            .values_list(*columns)
            if (row[0], row[1]) in wanted
        ]
    for area_id, indicator_id, period_id, value, suppression, source, decimals in rows:
        record = ValueRecord(
            area_id, period_id, value, suppression, periods[period_id], source, decimals
        )
        context.comparator_figures.setdefault((area_id, indicator_id), []).append(
            cast(Figure, record)
        )
    for figures in context.comparator_figures.values():
        figures.sort(key=lambda figure: (figure.period.end, figure.period.start))


def _read_member_figures(
    context: FigureContext, shown: set[int], periods: dict[int, Period]
) -> None:
    """The member authorities' figures a computed comparator (the mean of the neighbours held
    here, say) needs: only for the periods a tile shows, the latest and the one before, so a
    rebuild reads a few hundred of them rather than every neighbour's whole history."""
    member_ids = {area_id for ids in context.members.values() for area_id in ids}
    if context.good is not None and shown:
        # The good or outstanding authorities as at the periods shown, not every authority
        # ever judged good: a rebuild reads only the figures a mean can take.
        ends = {periods[pk].end for pk in shown}
        for members in context.good.by_day(ends).values():
            member_ids |= members
    if not member_ids or not shown:
        return
    for area_id, indicator_id, period_id, value, decimals in (
        access.figures_visible_to(context.authority)
        .overall()
        # Every measure of theirs: with a list of measures too, PostgreSQL combined two
        # indexes rather than take the area and period one (55 ms, not 14).
        .filter(area_id__in=member_ids, period_id__in=shown)
        .values_list("area_id", "indicator_id", "period_id", "value", "published_decimals")
    ):
        context.member_figures[(area_id, indicator_id, period_id)] = cast(
            Figure, _MemberValue(value, decimals)
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
    # One band a target (a year), not one a figure.
    bands_of: dict[int, TargetBand | None] = {}
    bands = []
    for figure in shown:
        target = target_for(context, indicator, figure.period)
        key = id(target)
        if key not in bands_of:
            bands_of[key] = target_band(target)
        bands.append(bands_of[key])
    worsening = moves_worsening(values, indicator.polarity, bands)
    return {"segments": list(line.segments), "last": line.last, "summary": summary}, worsening


def _latest(row: FigureRow) -> dict[str, Any]:
    """The tile's latest figure; with its data quality as a return's rules left it (issue 19),
    the full sentence and the tile's few words, only when one is held for this version (most
    figures have none, and a snapshot stays as small as it was)."""
    latest: dict[str, Any] = {
        "text": row.text,
        "period": row.period.label,
        "flags": list(row.flags),
    }
    if row.quality:
        latest["quality"] = row.quality
        latest["quality_short"] = row.quality_short
    return latest


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
        "latest": None if latest is None else _latest(latest),
        "target": latest.target_text if latest is not None else "no target",
        "rating": rating,
        "travel": {"direction": summary.travel.direction, "text": summary.travel_text},
        "travel_year": summary.travel_year_text,
        "comparators": [
            {
                "label": cell.label,
                "text": cell.text,
                "period": cell.period_label,
                "note": cell.note,
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
        # One row a statement: PostgreSQL's bulk insert sends the rows as arrays, and psycopg
        # escaped every quote of 100 kB of JSON by regular expression into them (15 ms).
        DashboardSnapshot.objects.bulk_create(
            (
                DashboardSnapshot(
                    dashboard=dashboard,
                    category=view.category,
                    built_at=started,
                    data_as_at=view.data_as_at,
                    content=view.content,
                )
                for view in views
            ),
            batch_size=1,
        )
        Dashboard.objects.filter(pk=dashboard.pk).update(built_at=started)
        dashboard.built_at = started
    return dashboard
