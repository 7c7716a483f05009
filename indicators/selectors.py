"""Reads for pages. Each takes the acting user and checks access through `accounts.access`.

The functions gather rows in a fixed, small number of queries (whatever the number of
indicators) and hand plain dataclasses to views and charts; calculations are delegated to the
pure modules (`rag`, `trend`, `metrics`, `formatting`, `periods`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.access import Permission

from . import metrics, periods, summaries
from .formatting import format_change, format_target, format_value
from .models import (
    Area,
    AreaKind,
    BreakdownCategory,
    ClubSharingChange,
    Comparator,
    ComparatorKind,
    Figure,
    FigureChange,
    FigureSource,
    Frequency,
    Indicator,
    Period,
    PeriodKind,
    StatisticalNeighbour,
    Target,
    TargetChange,
    Theme,
)
from .querysets import RELEASED
from .rag import (
    ComparisonResult,
    RagResult,
    Rating,
    TargetBand,
    rate_against_comparator,
    rate_against_target,
)
from .trend import Travel, direction_of_travel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser

# The period kinds an indicator's own figures are reported in, by its frequency.
NATIVE_KINDS: dict[str, tuple[str, ...]] = {
    Frequency.MONTHLY: (PeriodKind.MONTH,),
    Frequency.QUARTERLY: (PeriodKind.QUARTER,),
    Frequency.ANNUAL: (PeriodKind.FINANCIAL_YEAR, PeriodKind.ACADEMIC_YEAR, PeriodKind.SNAPSHOT),
}

# With no target a figure is rated against its first comparator that has a value. Within this
# many percentage points (percentages), or this share of the comparator's value (anything
# else), it counts as similar. A setting, since the guidance sets no threshold.
SIMILAR_WITHIN_POINTS = Decimal(2)
SIMILAR_WITHIN_SHARE = Decimal("0.05")

# How much history an indicator page shows by default: the seeds' packs show an 18-month
# trend for monthly measures and three years for annual ones.
TREND_WINDOW_MONTHS: dict[str, int] = {
    Frequency.MONTHLY: 18,
    Frequency.QUARTERLY: 36,
    Frequency.ANNUAL: 120,
}

# How far before a page's window a comparator's published figure is still read, to stand
# beside the window's first figures: national figures come out a year or so after the period.
COMPARATOR_LOOKBACK_MONTHS = 24


# --- access ---------------------------------------------------------------------------------


def authority_for(user: AnyUser, slug: str, permission: Permission) -> Area:
    """The authority named in a URL, if the user may `permission` there (else 403 / 404)."""
    try:
        authority = Area.objects.get(slug=slug, kind=AreaKind.AUTHORITY)
    except Area.DoesNotExist as missing:
        raise Http404("There is no authority at this address.") from missing
    access.require(user, permission, authority)
    return authority


# --- start page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StartEntry:
    authority: Area
    role_label: str
    can_view_figures: bool


def start_entries(user: AnyUser) -> list[StartEntry]:
    """The authorities the user works with, and what they may open in each."""
    if access.is_admin(user):
        return [
            StartEntry(authority, "Administrator", True)
            for authority in Area.objects.authorities().order_by("name")
        ]
    return [
        StartEntry(
            membership.authority,
            membership.get_role_display(),
            access.can(user, Permission.VIEW_FIGURES, membership.authority),
        )
        for membership in access.memberships_of(user)
    ]


# --- figures as the pages show them --------------------------------------------------------


@dataclass(frozen=True)
class ComparatorCell:
    label: str
    area_name: str
    value: Decimal | None
    text: str  # the formatted value, or "no figure"
    period_label: str  # the period the value is for, shown beside it
    period: Period | None  # the same period, for charts
    method: str  # "published", "computed" or "none"
    note: str  # e.g. "mean of 3 authorities" or "published"


@dataclass(frozen=True)
class FigureRow:
    period: Period
    value: Decimal | None
    text: str
    flags: tuple[str, ...]
    target_text: str
    rag: RagResult
    comparators: tuple[ComparatorCell, ...]
    # Without a target: better, similar or worse than the first comparator with a figure.
    comparison: ComparisonResult | None = None
    commentary: str = ""
    # The counts behind a ratio, and a suppressed figure's published code, for downloads.
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    suppression: str = ""

    @property
    def has_target(self) -> bool:
        return self.target_text != "no target"

    @property
    def comparators_with_values(self) -> tuple[ComparatorCell, ...]:
        return tuple(cell for cell in self.comparators if cell.value is not None)

    @property
    def rating_words(self) -> str:
        if self.rag.rating == Rating.NOT_RATED and self.comparison is not None:
            return self.comparison.words
        return self.rag.words


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    latest: FigureRow | None
    previous: FigureRow | None
    travel: Travel  # against the previous period
    travel_year: Travel | None  # against the same period a year before, when that differs
    travel_text: str = ""
    travel_year_text: str = ""
    # For a measure kept only by category (category of abuse, locality...): which categories.
    breakdown_dimensions: tuple[str, ...] = ()


@dataclass
class _Context:
    """Everything a summary needs, fetched up front in a handful of queries."""

    authority: Area
    comparators: list[Comparator]
    own: dict[int, list[Figure]] = field(default_factory=dict)  # indicator id -> by period end
    targets: dict[tuple[int, date], Target] = field(default_factory=dict)
    comparator_figures: dict[tuple[int, int], list[Figure]] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)  # comparator id -> area ids
    member_figures: dict[tuple[int, int, int], Figure] = field(default_factory=dict)


def _comparator_members(comparators: Sequence[Comparator]) -> dict[int, list[int]]:
    """The authorities whose figures a comparator's value is computed from, when unpublished."""
    members: dict[int, list[int]] = {}
    neighbour_sets = {c.neighbour_set_id for c in comparators if c.neighbour_set_id}
    neighbours: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in StatisticalNeighbour.objects.filter(neighbour_set_id__in=neighbour_sets).order_by(
        "rank"
    ):
        neighbours[(row.neighbour_set_id, row.authority_id)].append(row.neighbour_id)
    region_ids = [c.area_id for c in comparators if c.kind == ComparatorKind.REGION]
    region_members: dict[int, list[int]] = defaultdict(list)
    for area_id, region_id in Area.objects.filter(
        region_id__in=region_ids, kind=AreaKind.AUTHORITY
    ).values_list("id", "region_id"):
        region_members[region_id].append(area_id)
    group_ids = [c.area_id for c in comparators if c.kind in (ComparatorKind.GROUP,)]
    group_members: dict[int, list[int]] = defaultdict(list)
    for through in Area.members.through.objects.filter(from_area_id__in=group_ids):
        group_members[through.from_area_id].append(through.to_area_id)
    for comparator in comparators:
        if comparator.kind == ComparatorKind.NEIGHBOURS and comparator.neighbour_set_id:
            key = (comparator.neighbour_set_id, comparator.authority_id)
            members[comparator.id] = neighbours.get(key, [])
        elif comparator.kind == ComparatorKind.REGION:
            members[comparator.id] = region_members.get(comparator.area_id, [])
        elif comparator.kind == ComparatorKind.GROUP:
            members[comparator.id] = group_members.get(comparator.area_id, [])
        else:
            # England and Wales, and the good-authority average, are published aggregates:
            # a mean of the few authorities held here would mislead.
            members[comparator.id] = []
    return members


def _load_context(
    authority: Area, indicators: Iterable[Indicator], *, since: date | None = None
) -> _Context:
    """The figures, targets and comparators' figures of `indicators`: all of them, or with
    `since` only those of periods ending on or after it (a page's window), so that a page reads
    the same few rows however many years of history are held."""
    indicator_ids = [indicator.id for indicator in indicators]
    comparators = list(
        Comparator.objects.filter(authority=authority).select_related("area").order_by("order")
    )
    context = _Context(authority=authority, comparators=comparators)
    own = Figure.objects.overall().filter(area=authority, indicator_id__in=indicator_ids)
    targets = Target.objects.filter(authority=authority, indicator_id__in=indicator_ids)
    # Other areas' figures only through the one door: what this authority may see.
    visible = access.figures_visible_to(authority).overall()
    published = visible.filter(
        area_id__in=[c.area_id for c in comparators], indicator_id__in=indicator_ids
    )
    members = visible.filter(indicator_id__in=indicator_ids)
    if since is not None:
        own = own.filter(period__end__gte=since)
        targets = targets.filter(financial_year__end__gte=since)
        # A comparator's published figure stands beside later local figures (England's
        # 2016/17 figure beside this authority's 2017/18), so look back a little further.
        published = published.filter(
            period__end__gte=periods.add_months(since, -COMPARATOR_LOOKBACK_MONTHS)
        )
        members = members.filter(period__end__gte=since)
    for figure in own.select_related("period").order_by("period__end", "period__start"):
        context.own.setdefault(figure.indicator_id, []).append(figure)
    for target in targets.select_related("financial_year"):
        context.targets[(target.indicator_id, target.financial_year.start)] = target
    for figure in published.select_related("period").order_by("period__end"):
        context.comparator_figures.setdefault((figure.area_id, figure.indicator_id), []).append(
            figure
        )
    context.members = _comparator_members(comparators)
    member_ids = {area_id for ids in context.members.values() for area_id in ids}
    if member_ids:
        # Only the value is read from a member's figure (the mean of members' values).
        for figure in members.filter(area_id__in=member_ids).only(
            "area_id", "indicator_id", "period_id", "value"
        ):
            key = (figure.area_id, figure.indicator_id, figure.period_id)
            context.member_figures[key] = figure
    return context


def _flags(figure: Figure) -> tuple[str, ...]:
    flags = []
    if figure.is_provisional:
        flags.append("provisional")
    if figure.is_estimated:
        flags.append("estimated")
    if figure.is_revised:
        flags.append("revised")
    if figure.status != "approved":
        flags.append(figure.get_status_display().lower())
    return tuple(flags)


def _value_text(indicator: Indicator, figure: Figure | None) -> str:
    if figure is None:
        return "no figure"
    if figure.value is None:
        return f"suppressed ({figure.suppression})"
    return format_value(figure.value, indicator.unit, indicator.decimals)


def figure_text(figure: Figure) -> str:
    """A figure's value as pages show it ("87%", "suppressed (c)")."""
    return _value_text(figure.indicator, figure)


def _target_for(context: _Context, indicator: Indicator, period: Period) -> Target | None:
    """The target of the financial year in which the period ends."""
    year_start = periods.financial_year_start(period.end)
    return context.targets.get((indicator.id, year_start))


def _band(target: Target | None) -> TargetBand | None:
    if target is None:
        return None
    return TargetBand(target.lower, target.upper, target.tolerance)


def _comparator_cell(
    context: _Context, comparator: Comparator, indicator: Indicator, period: Period
) -> ComparatorCell:
    """The comparator's value beside a local figure: published for the same or latest earlier
    period; else the mean of member authorities' figures for the same period."""
    published = [
        figure
        for figure in context.comparator_figures.get((comparator.area_id, indicator.id), [])
        if figure.period.end <= period.end
    ]
    chosen = published[-1] if published else None
    member_values = [
        context.member_figures[key].value
        for area_id in context.members.get(comparator.id, [])
        # An authority is never its own comparator: a "regional mean" of itself alone would
        # flatter or damn it with its own number.
        if area_id != context.authority.id
        and (key := (area_id, indicator.id, period.id)) in context.member_figures
    ]
    result = metrics.comparator_value(
        chosen.value if chosen is not None else None, [] if chosen else member_values
    )
    if result.method == "published" and chosen is not None:
        return ComparatorCell(
            label=comparator.label,
            area_name=comparator.area.name,
            value=result.value,
            text=format_value(result.value, indicator.unit, indicator.decimals),
            period_label=chosen.period.label,
            period=chosen.period,
            method="published",
            note="published figure",
        )
    if result.method == "computed":
        return ComparatorCell(
            label=comparator.label,
            area_name=comparator.area.name,
            value=result.value,
            text=format_value(result.value, indicator.unit, indicator.decimals),
            period_label=period.label,
            period=period,
            method="computed",
            note=(
                f"mean of {result.members_used} "
                f"{'authority' if result.members_used == 1 else 'authorities'}' figures held here"
            ),
        )
    return ComparatorCell(
        label=comparator.label,
        area_name=comparator.area.name,
        value=None,
        text="no figure",
        period_label="",
        period=None,
        method="none",
        note="no published or computed figure",
    )


def _comparison(
    indicator: Indicator, value: Decimal | None, cells: Sequence[ComparatorCell]
) -> ComparisonResult | None:
    first = next((cell for cell in cells if cell.value is not None), None)
    if value is None or first is None or first.value is None:
        return None
    similar_within = (
        SIMILAR_WITHIN_POINTS
        if indicator.unit == "percent"
        else abs(first.value) * SIMILAR_WITHIN_SHARE
    )
    return rate_against_comparator(
        value,
        first.value,
        indicator.polarity,
        similar_within,
        comparator_name=f"{first.label} ({first.period_label})",
    )


def _row(context: _Context, indicator: Indicator, figure: Figure) -> FigureRow:
    target = _target_for(context, indicator, figure.period)
    cells = tuple(
        _comparator_cell(context, comparator, indicator, figure.period)
        for comparator in context.comparators
    )
    return FigureRow(
        period=figure.period,
        value=figure.value,
        text=_value_text(indicator, figure),
        flags=_flags(figure),
        target_text=(
            format_target(target.lower, target.upper, indicator.unit, indicator.decimals)
            if target
            else "no target"
        ),
        rag=rate_against_target(figure.value, _band(target), indicator.polarity),
        comparators=cells,
        comparison=None if target else _comparison(indicator, figure.value, cells),
        commentary=figure.commentary,
        numerator=figure.numerator,
        denominator=figure.denominator,
        suppression=figure.suppression,
    )


def _native(indicator: Indicator, figures: list[Figure]) -> list[Figure]:
    kinds = NATIVE_KINDS[indicator.frequency]
    native = [figure for figure in figures if figure.period.kind in kinds]
    return native or figures


def _year_before(figures: Sequence[Figure], current: Figure) -> Figure | None:
    start = current.period.start
    try:
        wanted = start.replace(year=start.year - 1)
    except ValueError:  # 29 February
        wanted = start.replace(year=start.year - 1, day=28)
    for figure in figures:
        if figure.period.kind == current.period.kind and figure.period.start == wanted:
            return figure
    return None


def _travel_text(indicator: Indicator, travel: Travel, earlier: Figure | None) -> str:
    """ "Worsening: down 3 percentage points from 90% (2016/17)"."""
    if earlier is None or travel.change is None:
        return travel.words
    change = format_change(travel.change, indicator.unit, indicator.decimals)
    was = _value_text(indicator, earlier)
    if change == "no change":
        return f"{travel.words}: the same as {earlier.period.label} ({was})"
    return f"{travel.words}: {change} from {was} ({earlier.period.label})"


def _summary(context: _Context, indicator: Indicator) -> IndicatorSummary:
    figures = _native(indicator, context.own.get(indicator.id, []))
    if not figures:
        travel = direction_of_travel(None, None, indicator.polarity)
        return IndicatorSummary(indicator, None, None, travel, None, travel.words)
    latest = figures[-1]
    previous = figures[-2] if len(figures) > 1 else None
    band = _band(_target_for(context, indicator, latest.period))
    travel = direction_of_travel(
        latest.value, previous.value if previous else None, indicator.polarity, band
    )
    year_before = _year_before(figures, latest)
    travel_year = None
    if year_before is not None and year_before is not previous:
        travel_year = direction_of_travel(latest.value, year_before.value, indicator.polarity, band)
    return IndicatorSummary(
        indicator=indicator,
        latest=_row(context, indicator, latest),
        previous=_row(context, indicator, previous) if previous else None,
        travel=travel,
        travel_year=travel_year,
        travel_text=_travel_text(indicator, travel, previous),
        travel_year_text=(_travel_text(indicator, travel_year, year_before) if travel_year else ""),
    )


@dataclass(frozen=True)
class BreakdownTable:
    dimension: str
    period: Period
    rows: list[tuple[str, str]]  # category name, formatted value
    values: list[Decimal | None]  # the same, as numbers, for the chart
    summary: str = ""  # the chart's one-sentence summary

    @property
    def slug(self) -> str:
        return "-".join(self.dimension.lower().split())

    @property
    def element_id(self) -> str:
        return f"breakdown-{self.slug}-data"


@dataclass(frozen=True)
class NeighbourBar:
    """One authority on the statistical-neighbour chart: the authority itself or a neighbour."""

    name: str
    value: Decimal | None
    text: str  # "22.6%", "suppressed (c)" or "no figure"
    is_own: bool
    position: int | None  # 1 = best (highest, for a measure without polarity); None: no value
    neighbour_rank: int | None  # the neighbour model's rank, 1 = most alike; None for itself
    closeness: str  # the model's closeness band ("Very close"), where the list has one


@dataclass(frozen=True)
class ReferenceLine:
    """A value drawn across the neighbour chart: the neighbours' mean, England's figure."""

    label: str
    value: Decimal
    text: str
    note: str


@dataclass(frozen=True)
class NeighbourComparison:
    set_name: str  # which publication of neighbours ("DfE statistical neighbours 2021")
    neighbour_count: int
    period: Period | None  # the latest period with neighbours' figures; None when none loaded
    bars: list[NeighbourBar]  # best first; the authority itself among them
    references: list[ReferenceLine]
    summary: str  # one sentence, for the chart
    message: str  # why there is no chart, when there is none

    @property
    def has_chart(self) -> bool:
        return self.period is not None and any(bar.value is not None for bar in self.bars)

    @property
    def has_closeness(self) -> bool:
        return any(bar.closeness for bar in self.bars)


@dataclass(frozen=True)
class IndicatorPage:
    authority: Area
    indicator: Indicator
    summary: IndicatorSummary
    rows: list[FigureRow]  # oldest first, within the trend window
    window_text: str
    # Only the comparators with a figure somewhere in the window, so the table has no column
    # of "no figure"; each row's `comparators` holds the same ones, in the same order.
    comparator_labels: list[str]
    breakdowns: list[BreakdownTable]
    targets: list[tuple[Period, Decimal | None, Decimal | None]]
    derived: list[FigureRow]  # quarters and years rolled up from the months, newest first
    history: list[HistoryRow]  # the latest changes to the authority's figures
    can_edit: bool
    trend_summary: str = ""  # the trend chart's one-sentence summary
    neighbours: NeighbourComparison | None = None

    @property
    def is_rated(self) -> bool:
        """Whether the rating column says anything: a measure without polarity is not rated."""
        return self.indicator.polarity != "none"

    @property
    def has_trend(self) -> bool:
        """A single figure is not a trend: it gets a table, not a chart."""
        return len(self.rows) > 1

    @property
    def file_name(self) -> str:
        """The download's name without its extension: "authority-a-ASMT-45"."""
        return f"{self.authority.slug}-{self.indicator.code}"


def _window_start(indicator: Indicator, latest_end: date) -> date:
    months = TREND_WINDOW_MONTHS[indicator.frequency]
    return periods.add_months(latest_end.replace(day=1), -(months - 1))


def _native_first(indicator: Indicator) -> Case:
    """1 for a figure of the period kind the indicator is reported in, else 0: for ordering,
    as `_native` prefers them."""
    return Case(
        When(period__kind__in=NATIVE_KINDS[indicator.frequency], then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _latest_end(authority: Area, indicator: Indicator) -> date | None:
    """The end of the authority's latest overall figure, of the indicator's own kind of period
    if it has any: where the page's trend window ends."""
    latest: date | None = (
        Figure.objects.overall()
        .filter(area=authority, indicator=indicator)
        .annotate(native=_native_first(indicator))
        .order_by("-native", "-period__end")
        .values_list("period__end", flat=True)
        .first()
    )
    return latest


def _breakdowns(authority: Area, indicator: Indicator, period: Period) -> list[BreakdownTable]:
    by_dimension: dict[str, list[Figure]] = defaultdict(list)
    for figure in (
        Figure.objects.filter(area=authority, indicator=indicator, period=period)
        .exclude(breakdown__isnull=True)
        .select_related("breakdown")
        .order_by("breakdown__dimension", "breakdown__order", "breakdown__name")
    ):
        if figure.breakdown is not None:  # always, given the filter; this narrows the type
            by_dimension[figure.breakdown.dimension].append(figure)
    tables = []
    for dimension, figures in by_dimension.items():
        names = [figure.breakdown.name if figure.breakdown else "" for figure in figures]
        values = [figure.value for figure in figures]
        tables.append(
            BreakdownTable(
                dimension=dimension,
                period=period,
                rows=[
                    (name, _value_text(indicator, figure))
                    for name, figure in zip(names, figures, strict=True)
                ],
                values=values,
                summary=summaries.breakdown_summary(
                    dimension,
                    period.label,
                    [summaries.Point(n, v) for n, v in zip(names, values, strict=True)],
                    indicator.unit,
                    indicator.decimals,
                ),
            )
        )
    return tables


def _plain_text(indicator: Indicator, found: tuple[Decimal | None, str] | None) -> str:
    """A value read without its figure, as `_value_text` writes a figure's."""
    if found is None:
        return "no figure"
    value, suppression = found
    if value is None:
        return f"suppressed ({suppression})"
    return format_value(value, indicator.unit, indicator.decimals)


def _neighbour_comparison(
    authority: Area, indicator: Indicator, comparators: Sequence[Comparator]
) -> NeighbourComparison:
    """The authority against each of its statistical neighbours, for the latest period for
    which neighbours' figures are loaded (of the indicator's own kind of period if any): three
    queries, whatever the history held."""
    comparator = next(
        (c for c in comparators if c.kind == ComparatorKind.NEIGHBOURS and c.neighbour_set_id),
        None,
    )
    if comparator is None:
        return NeighbourComparison(
            "", 0, None, [], [], "", f"No statistical neighbours are set for {authority.name}."
        )
    neighbours = list(
        StatisticalNeighbour.objects.filter(
            neighbour_set_id=comparator.neighbour_set_id, authority=authority
        )
        .select_related("neighbour", "neighbour_set")
        .order_by("rank")
    )
    if not neighbours:
        return NeighbourComparison(
            "", 0, None, [], [], "", f"No statistical neighbours are listed for {authority.name}."
        )
    set_name = neighbours[0].neighbour_set.name
    neighbour_ids = [row.neighbour_id for row in neighbours]
    visible = access.figures_visible_to(authority).overall()
    latest = (
        visible.filter(area_id__in=neighbour_ids, indicator=indicator, value__isnull=False)
        .annotate(native=_native_first(indicator))
        .order_by("-native", "-period__end", "period__start")
        .values_list("period_id", "period__kind", "period__start", "period__end")
        .first()
    )
    if latest is None:
        return NeighbourComparison(
            set_name,
            len(neighbours),
            None,
            [],
            [],
            "",
            f"No figures of {authority.name}’s statistical neighbours are loaded for this measure.",
        )
    period_id, kind, start, end = latest
    period = Period(pk=period_id, kind=kind, start=start, end=end)
    nations = [c for c in comparators if c.kind == ComparatorKind.NATION]
    found: dict[int, tuple[Decimal | None, str]] = {
        area_id: (value, suppression)
        for area_id, value, suppression in visible.filter(
            indicator=indicator,
            period_id=period_id,
            area_id__in=[authority.id, *neighbour_ids, *(c.area_id for c in nations)],
        ).values_list("area_id", "value", "suppression")
    }
    entries = [(authority.name, authority.id, True, None, "")] + [
        (row.neighbour.name, row.neighbour_id, False, row.rank, row.closeness) for row in neighbours
    ]
    values = [found[area_id][0] if area_id in found else None for _n, area_id, *_ in entries]
    bars = []
    position = 0
    for index in summaries.neighbour_order(values, indicator.polarity):
        name, area_id, is_own, rank, closeness = entries[index]
        if values[index] is not None:
            position += 1
        bars.append(
            NeighbourBar(
                name=name,
                value=values[index],
                text=_plain_text(indicator, found.get(area_id)),
                is_own=is_own,
                position=position if values[index] is not None else None,
                neighbour_rank=rank,
                closeness=closeness,
            )
        )
    neighbour_values = values[1:]
    references = []
    mean = metrics.mean_of_available(neighbour_values)
    if mean.value is not None:
        references.append(
            ReferenceLine(
                "Neighbours’ mean",
                mean.value,
                format_value(mean.value, indicator.unit, indicator.decimals),
                f"mean of {mean.count} "
                f"{'neighbour’s figure' if mean.count == 1 else 'neighbours’ figures'}",
            )
        )
    for nation in nations:
        value = found.get(nation.area_id, (None, ""))[0]
        if value is not None:
            references.append(
                ReferenceLine(
                    nation.label,
                    value,
                    format_value(value, indicator.unit, indicator.decimals),
                    "published figure",
                )
            )
    return NeighbourComparison(
        set_name=set_name,
        neighbour_count=len(neighbours),
        period=period,
        bars=bars,
        references=references,
        summary=summaries.neighbour_summary(
            authority.name,
            values[0],
            period.label,
            neighbour_values,
            indicator.unit,
            indicator.decimals,
        ),
        message="",
    )


def indicator_page(user: AnyUser, slug: str, code: str) -> IndicatorPage:
    """An indicator for one authority: its trend over the window with target and comparators,
    its neighbours, its breakdowns, derived figures and history. A fixed number of queries
    (about twenty), and only the window's figures are read, however much history is held."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    try:
        indicator = Indicator.objects.select_related("theme").get(code=code)
    except Indicator.DoesNotExist as missing:
        raise Http404("There is no indicator with this code.") from missing
    latest_end = _latest_end(authority, indicator)
    # A measure kept only by category has no overall figures, so nothing to read beside them.
    since = _window_start(indicator, latest_end) if latest_end is not None else date.max
    context = _load_context(authority, [indicator], since=since)
    summary = _summary(context, indicator)
    own = context.own.get(indicator.id, [])
    figures = _native(indicator, own)
    rows: list[FigureRow] = []
    window_text = "No figures have been entered yet."
    breakdowns: list[BreakdownTable] = []
    if figures:
        latest = figures[-1]
        shown = [figure for figure in figures if figure.period.end >= since]
        rows = [_row(context, indicator, figure) for figure in shown]
        window_text = (
            f"{len(shown)} figures from {shown[0].period.label} to {latest.period.label}"
            if len(shown) > 1
            else f"1 figure, for {latest.period.label}"
        )
        breakdowns = _breakdowns(authority, indicator, latest.period)
    else:
        # Some measures are kept only by category (say, category of abuse): show the latest.
        latest_by_category = (
            Figure.objects.filter(area=authority, indicator=indicator, breakdown__isnull=False)
            .select_related("period")
            .order_by("-period__end")
            .first()
        )
        if latest_by_category is not None:
            breakdowns = _breakdowns(authority, indicator, latest_by_category.period)
            window_text = (
                f"Figures are kept by category only, latest for {latest_by_category.period.label}"
            )
    shown_comparators = [
        index
        for index in range(len(context.comparators))
        if any(row.comparators[index].value is not None for row in rows)
    ]
    rows = [
        replace(row, comparators=tuple(row.comparators[index] for index in shown_comparators))
        for row in rows
    ]
    targets = sorted(
        (
            (target.financial_year, target.lower, target.upper)
            for target in context.targets.values()
        ),
        key=lambda item: item[0].start,
    )
    # Quarters and years rolled up from the months, within the window, newest first.
    rolled = sorted(
        (figure for figure in own if figure.source == FigureSource.ROLLED_UP),
        key=lambda figure: (-figure.period.end.toordinal(), figure.period.kind),
    )
    return IndicatorPage(
        authority=authority,
        indicator=indicator,
        summary=summary,
        rows=rows,
        window_text=window_text,
        comparator_labels=[context.comparators[index].label for index in shown_comparators],
        breakdowns=breakdowns,
        targets=targets,
        derived=[_row(context, indicator, figure) for figure in rolled],
        history=_history_rows(authority, indicator, HISTORY_ON_PAGE),
        can_edit=access.can(user, Permission.EDIT_FIGURES, authority),
        trend_summary=_trend_summary(authority, indicator, rows),
        neighbours=_neighbour_comparison(authority, indicator, context.comparators),
    )


def _trend_summary(authority: Area, indicator: Indicator, rows: Sequence[FigureRow]) -> str:
    if not rows:
        return ""
    latest = rows[-1]
    return summaries.trend_summary(
        authority.name,
        [summaries.Point(row.period.label, row.value) for row in rows],
        indicator.unit,
        indicator.decimals,
        target_text=latest.target_text,
        comparators=[
            (cell.label, cell.text, cell.period_label) for cell in latest.comparators_with_values
        ],
    )


# --- figures as a scrutiny pack shows them (issue 7) ----------------------------------------


@dataclass(frozen=True)
class ShownFigure:
    """A figure a pack shows, with what identifies it (for the revision check after
    publication): its id and version."""

    figure_id: int
    version: int
    row: FigureRow


@dataclass(frozen=True)
class PackIndicator:
    """One indicator as a pack shows it at the end of its reporting period: the same summary
    (rating, travel, comparators) the pages and dashboards show, each comparator's kind, and
    the figures behind it, oldest first."""

    summary: IndicatorSummary
    comparator_kinds: tuple[str, ...]  # the kind of each of summary.latest.comparators
    history: tuple[ShownFigure, ...]
    # For each comparator cell of the latest row whose value is a published figure: its id and
    # version, so a correction to England's figure is caught as well as one to the authority's.
    comparator_figures: tuple[tuple[int, int] | None, ...] = ()


def pack_indicators(
    authority: Area,
    indicators: Sequence[Indicator],
    *,
    as_at: date,
    since: date | None = None,
    history_points: int | None = None,
) -> list[PackIndicator]:
    """The indicators' summaries as they stood for periods ending on or before `as_at` (a
    pack reporting on September 2021 shows September 2021, whatever has been entered since).
    With `since`, only figures of periods ending on or after it are read (a pack's window);
    with `history_points`, only that many of the latest figures are shown in `history`.

    No access check: a pack's content is composed by its services and selectors, which check
    the acting user on the pack (`accounts.access`) first. The rules are those of `_summary`
    and `_row`; a few queries whatever the number of indicators."""
    context = _load_context(authority, indicators, since=since)
    for indicator_id, figures in context.own.items():
        context.own[indicator_id] = [f for f in figures if f.period.end <= as_at]
    result = []
    for indicator in indicators:
        summary = _summary(context, indicator)
        native = _native(indicator, context.own.get(indicator.id, []))
        shown = native[-history_points:] if history_points else native
        history = tuple(
            ShownFigure(figure.id, figure.version, _row(context, indicator, figure))
            for figure in shown
        )
        comparator_figures: list[tuple[int, int] | None] = []
        if summary.latest is not None:
            for comparator, cell in zip(
                context.comparators, summary.latest.comparators, strict=True
            ):
                found = None
                if cell.method == "published" and cell.period is not None:
                    found = next(
                        (
                            (figure.id, figure.version)
                            for figure in context.comparator_figures.get(
                                (comparator.area_id, indicator.id), []
                            )
                            if figure.period.id == cell.period.id
                        ),
                        None,
                    )
                comparator_figures.append(found)
        result.append(
            PackIndicator(
                summary=summary,
                comparator_kinds=tuple(c.kind for c in context.comparators),
                history=history,
                comparator_figures=tuple(comparator_figures),
            )
        )
    return result


# --- completeness and approval (issue 3) ---------------------------------------------------

HISTORY_ON_PAGE = 20  # changes shown on the indicator page; the export has them all


def period_for(key: str) -> Period:
    """The period named in a web address, or 404."""
    try:
        return Period.objects.from_url_key(key)
    except ValueError as wrong:
        raise Http404(str(wrong)) from wrong


# The states a due figure can be in, in the order the page lists them.
MISSING = "missing"
COMPLETENESS_STATES = (MISSING, "draft", "returned", "submitted", "approved")
STATE_LABELS = {
    MISSING: "Missing",
    "draft": "Draft",
    "returned": "Returned",
    "submitted": "Submitted",
    "approved": "Approved",
}


@dataclass(frozen=True)
class CompletenessRow:
    indicator: Indicator
    figure: Figure | None
    state: str
    text: str  # the formatted value, or "no figure"
    breakdown_count: int  # breakdown figures held for this period

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class CompletenessPage:
    authority: Area
    period: Period
    themes: list[tuple[Theme, list[CompletenessRow]]]
    counts: dict[str, int]
    can_edit: bool
    can_approve: bool
    # The benchmarking club (docs/0017): whether the authority shares, and how many of the
    # period's approved figures are released at their current version, or waiting to be.
    shares_with_club: bool = False
    released: int = 0
    releasable: int = 0

    @property
    def count_list(self) -> list[tuple[str, str, int]]:
        return [(state, STATE_LABELS[state], self.counts[state]) for state in COMPLETENESS_STATES]

    @property
    def due(self) -> int:
        return sum(self.counts.values())

    @property
    def submitted(self) -> list[Figure]:
        return [
            row.figure
            for _theme, rows in self.themes
            for row in rows
            if row.figure is not None and row.state == "submitted"
        ]


def completeness_page(user: AnyUser, slug: str, period_key: str) -> CompletenessPage:
    """Which due figures of a period are missing, draft, returned, submitted or approved: the
    officer's to-do list and the manager's approval queue."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    period = period_for(period_key)
    due = list(Indicator.objects.due_for(period))
    figures = list(Figure.objects.filter(area=authority, period=period, indicator__in=due))
    overall = {figure.indicator_id: figure for figure in figures if figure.breakdown_id is None}
    for figure in figures:
        # A measure kept only by category is as far along as its categories, which are
        # entered, submitted and approved together.
        overall.setdefault(figure.indicator_id, figure)
    breakdowns: dict[int, int] = defaultdict(int)
    for figure in figures:
        if figure.breakdown_id is not None:
            breakdowns[figure.indicator_id] += 1
    counts = dict.fromkeys(COMPLETENESS_STATES, 0)
    themes: dict[int, tuple[Theme, list[CompletenessRow]]] = {}
    for indicator in due:
        current = overall.get(indicator.id)
        state = current.status if current is not None else MISSING
        counts[state] += 1
        themes.setdefault(indicator.theme_id, (indicator.theme, []))[1].append(
            CompletenessRow(
                indicator=indicator,
                figure=current,
                state=state,
                text=(
                    "entered by category"
                    if current is not None and current.breakdown_id is not None
                    else _value_text(indicator, current)
                ),
                breakdown_count=breakdowns[indicator.id],
            )
        )
    # Every approved figure of the period, breakdowns and roll-ups included, is released
    # together (`figures_release`): count them all, not only the due measures' totals.
    club = Figure.objects.filter(area=authority, period=period, status="approved").aggregate(
        approved=Count("pk"), released=Count("pk", filter=RELEASED)
    )
    return CompletenessPage(
        authority=authority,
        period=period,
        themes=list(themes.values()),
        counts=counts,
        can_edit=access.can(user, Permission.EDIT_FIGURES, authority),
        can_approve=access.can(user, Permission.APPROVE_FIGURES, authority),
        shares_with_club=authority.shares_with_club,
        released=club["released"],
        releasable=club["approved"] - club["released"],
    )


@dataclass(frozen=True)
class ReviewPeriod:
    period: Period
    counts: dict[str, int]


def review_periods(user: AnyUser, slug: str, today: date) -> tuple[Area, list[ReviewPeriod]]:
    """Recent ended months and quarters, newest first, each with its completeness counts."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    wanted: list[tuple[str, date]] = []
    month = periods.add_months(today.replace(day=1), -1)
    for back in range(18):
        wanted.append((PeriodKind.MONTH, periods.add_months(month, -back)))
    quarter = periods.quarter_start(today)
    for back in range(1, 9):
        wanted.append((PeriodKind.QUARTER, periods.add_months(quarter, -3 * back)))
    found = {
        (period.kind, period.start): period
        for period in Period.objects.filter(
            kind__in=[PeriodKind.MONTH, PeriodKind.QUARTER],
            start__gte=min(start for _kind, start in wanted),
        )
    }
    due_counts = dict(
        Indicator.objects.filter(frequency__in=[Frequency.MONTHLY, Frequency.QUARTERLY])
        .values_list("frequency")
        .annotate(total=Count("id"))
        .values_list("frequency", "total")
    )
    states: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COMPLETENESS_STATES, 0))
    for period_id, status, total in (
        Figure.objects.filter(area=authority, breakdown__isnull=True, period__in=found.values())
        .filter(
            Q(period__kind=PeriodKind.MONTH, indicator__frequency=Frequency.MONTHLY)
            | Q(period__kind=PeriodKind.QUARTER, indicator__frequency=Frequency.QUARTERLY)
        )
        .values_list("period_id", "status")
        .annotate(total=Count("id"))
    ):
        states[period_id][status] = total
    result = []
    for kind, start in wanted:
        period = found.get((kind, start)) or Period(
            kind=kind, start=start, end=periods.bounds(kind, start)[1]
        )
        counts = dict(states[period.pk]) if period.pk else dict.fromkeys(COMPLETENESS_STATES, 0)
        frequency = Frequency.MONTHLY if kind == PeriodKind.MONTH else Frequency.QUARTERLY
        counts[MISSING] = due_counts.get(frequency, 0) - sum(counts.values())
        result.append(ReviewPeriod(period, counts))
    return authority, result


@dataclass(frozen=True)
class HistoryRow:
    change: FigureChange
    period_label: str
    breakdown: str
    old_text: str
    new_text: str


def _history_rows(authority: Area, indicator: Indicator, limit: int | None) -> list[HistoryRow]:
    changes = (
        FigureChange.objects.filter(figure__area=authority, figure__indicator=indicator)
        .select_related("figure__period", "figure__breakdown", "changed_by")
        .order_by("-changed_at", "-id")
    )
    if limit is not None:
        changes = changes[:limit]
    return [
        HistoryRow(
            change=change,
            period_label=change.figure.period.label,
            breakdown=change.figure.breakdown.name if change.figure.breakdown else "",
            old_text=(
                format_value(change.old_value, indicator.unit, indicator.decimals)
                if change.old_value is not None
                else "none"
            ),
            new_text=(
                format_value(change.new_value, indicator.unit, indicator.decimals)
                if change.new_value is not None
                else "none"
            ),
        )
        for change in changes
    ]


def figure_history(
    user: AnyUser, slug: str, code: str, limit: int | None = 50
) -> tuple[Area, Indicator, list[HistoryRow]]:
    """The audit trail of an authority's figures for one indicator, newest first."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    try:
        indicator = Indicator.objects.get(code=code)
    except Indicator.DoesNotExist as missing:
        raise Http404("There is no indicator with this code.") from missing
    return authority, indicator, _history_rows(authority, indicator, limit)


def derived_figures(authority: Area, indicator: Indicator) -> list[FigureRow]:
    """Quarters and years rolled up from an indicator's months, newest first."""
    context = _load_context(authority, [indicator])
    rolled = (
        Figure.objects.overall()
        .filter(area=authority, indicator=indicator, source=FigureSource.ROLLED_UP)
        .select_related("period")
        .order_by("-period__end", "period__kind")
    )
    return [_row(context, indicator, figure) for figure in rolled]


def approval_scope(user: AnyUser, slug: str, period_key: str) -> tuple[Area, Period]:
    """The authority and period of an approval action, if the user may approve there."""
    authority = authority_for(user, slug, Permission.APPROVE_FIGURES)
    return authority, period_for(period_key)


def figures_for_review(authority: Area, period: Period, ids: Iterable[int] | None) -> list[Figure]:
    """Submitted figures of the authority and period (those named by `ids`, or all), with
    their breakdown figures: approving a total approves the categories it was entered with."""
    figures = Figure.objects.filter(
        area=authority, period=period, status="submitted"
    ).select_related("indicator", "period")
    if ids is not None:
        chosen = Figure.objects.filter(area=authority, period=period, pk__in=list(ids))
        figures = figures.filter(indicator__in=chosen.values("indicator"))
    return list(figures.order_by("indicator__title", "breakdown_id"))


def figure_for_review(user: AnyUser, slug: str, period_key: str, figure_id: int) -> Figure:
    authority, period = approval_scope(user, slug, period_key)
    try:
        return Figure.objects.select_related("indicator", "period", "area").get(
            pk=figure_id, area=authority, period=period
        )
    except Figure.DoesNotExist as missing:
        raise Http404("There is no such figure for this authority and period.") from missing


@dataclass(frozen=True)
class TargetRow:
    indicator: Indicator
    target: Target | None
    text: str


@dataclass(frozen=True)
class TargetsPage:
    authority: Area
    year: Period
    years: list[Period]
    themes: list[tuple[Theme, list[TargetRow]]]
    can_edit: bool


def targets_page(user: AnyUser, slug: str, year_key: str | None, today: date) -> TargetsPage:
    """Every rated indicator with its target (or none) for one financial year."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    if year_key:
        year = period_for(year_key)
        if year.kind != PeriodKind.FINANCIAL_YEAR:
            raise Http404("Targets are set for financial years.")
    else:
        year = Period.objects.get_or_create_for(PeriodKind.FINANCIAL_YEAR, today)
    targets = {
        target.indicator_id: target
        for target in Target.objects.filter(authority=authority, financial_year=year)
    }
    themes: dict[int, tuple[Theme, list[TargetRow]]] = {}
    for indicator in (
        Indicator.objects.exclude(polarity="none")
        .select_related("theme")
        .order_by("theme__order", "theme__name", "order", "title")
    ):
        target = targets.get(indicator.id)
        text = (
            format_target(target.lower, target.upper, indicator.unit, indicator.decimals)
            if target
            else "no target"
        )
        themes.setdefault(indicator.theme_id, (indicator.theme, []))[1].append(
            TargetRow(indicator, target, text)
        )
    current = Period.objects.get_or_create_for(PeriodKind.FINANCIAL_YEAR, today)
    years = list(
        Period.objects.filter(
            Q(pk__in=Target.objects.filter(authority=authority).values("financial_year"))
            | Q(pk=current.pk)
            | Q(pk=year.pk)
        ).order_by("-start")
    )
    return TargetsPage(
        authority=authority,
        year=year,
        years=years,
        themes=list(themes.values()),
        can_edit=access.can(user, Permission.EDIT_FIGURES, authority),
    )


@dataclass(frozen=True)
class TargetEdit:
    authority: Area
    indicator: Indicator
    year: Period
    target: Target | None
    history: list[TargetChange]


def target_edit(user: AnyUser, slug: str, code: str, year_key: str) -> TargetEdit:
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    year = period_for(year_key)
    if year.kind != PeriodKind.FINANCIAL_YEAR:
        raise Http404("Targets are set for financial years.")
    try:
        indicator = Indicator.objects.select_related("theme").get(code=code)
    except Indicator.DoesNotExist as missing:
        raise Http404("There is no indicator with this code.") from missing
    target = Target.objects.filter(
        authority=authority, indicator=indicator, financial_year=year
    ).first()
    history = (
        list(target.changes.select_related("changed_by").order_by("-changed_at", "-id"))
        if target
        else []
    )
    return TargetEdit(authority, indicator, year, target, history)


# --- the entry page (issue 3, part 1) --------------------------------------------------------

# Months in each kind of period, to step back from one period to the one before.
MONTHS_IN_PERIOD: dict[str, int] = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.FINANCIAL_YEAR: 12,
    PeriodKind.ACADEMIC_YEAR: 12,
}
# Earlier values the range check looks at (see `entry_checks.RANGE_HISTORY`).
ENTRY_HISTORY = 12
ENTRY_STATE_LABELS = {
    "missing": "Not entered",
    "draft": "Draft",
    "returned": "Returned",
    "submitted": "Submitted",
    "approved": "Approved",
}


def _period_before(period: Period) -> Period:
    start = periods.add_months(period.start, -MONTHS_IN_PERIOD[period.kind])
    return Period(kind=period.kind, start=start, end=periods.bounds(period.kind, start)[1])


def period_not_ended_message(period: Period, today: date) -> str:
    """Why figures cannot be entered yet for a period that has not ended ("" if it has)."""
    if period.end <= today:
        return ""
    opens = period.end + timedelta(days=1)
    return (
        f"{period.label} has not ended yet: its figures can be entered from "
        f"{opens.day} {opens:%B %Y}."
    )


@dataclass(frozen=True)
class EntryBreakdown:
    category: BreakdownCategory
    figure: Figure | None

    @property
    def key(self) -> str:
        return f"b{self.category.pk}"


@dataclass(frozen=True)
class EntryRow:
    """One due indicator on the entry page, with what the officer needs beside it."""

    indicator: Indicator
    figure: Figure | None  # the period's overall figure, if one has been entered
    previous_period: Period
    previous: Figure | None  # the same indicator's figure for the period before
    history: tuple[Decimal, ...]  # up to 12 earlier values, oldest first
    target: TargetBand | None
    target_text: str
    breakdowns: tuple[tuple[str, tuple[EntryBreakdown, ...]], ...]  # by dimension

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def is_proportion(self) -> bool:
        """Entered as a numerator and a denominator (a percentage, a rate per 10,000)."""
        return self.indicator.ratio_kind == "proportion"

    @property
    def is_percent(self) -> bool:
        return self.indicator.unit == "percent"

    @property
    def state(self) -> str:
        return self.figure.status if self.figure is not None else "missing"

    @property
    def state_label(self) -> str:
        return ENTRY_STATE_LABELS[self.state]

    @property
    def version(self) -> int:
        """The version the form was opened at; 0 when there was no figure yet."""
        return self.figure.version if self.figure is not None else 0

    @property
    def previous_value(self) -> Decimal | None:
        return self.previous.value if self.previous is not None else None

    @property
    def previous_text(self) -> str:
        """e.g. "650 (August 2021)", or "no figure (August 2021)"."""
        return f"{_value_text(self.indicator, self.previous)} ({self.previous_period.label})"

    @property
    def all_breakdowns(self) -> list[EntryBreakdown]:
        return [item for _dimension, items in self.breakdowns for item in items]


@dataclass(frozen=True)
class EntryPage:
    authority: Area
    period: Period
    themes: list[tuple[Theme, list[EntryRow]]]
    not_ended: str  # why the period cannot be entered yet; empty when it can

    @property
    def not_ended_summary(self) -> list[dict[str, str]]:
        """The refusal of a period that has not ended, as an error summary's one item."""
        return [{"href": "#period-choice", "message": self.not_ended}]

    @property
    def rows(self) -> list[EntryRow]:
        return [row for _theme, rows in self.themes for row in rows]

    @property
    def entered(self) -> int:
        return sum(1 for row in self.rows if row.figure is not None)


def entry_page(user: AnyUser, slug: str, period_key: str, today: date | None = None) -> EntryPage:
    """Every indicator due for the period, by theme, with its current figure, last period's
    value, recent history, the year's target and its breakdown categories. Seven queries
    whatever the number of indicators."""
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    period = period_for(period_key)
    today = today or timezone.localdate()
    due = list(Indicator.objects.due_for(period))
    if period.kind not in MONTHS_IN_PERIOD or not due:
        raise Http404(f"No figures are entered for {period.label}: choose a month or a quarter.")
    before = _period_before(period)
    window_start = periods.add_months(period.start, -MONTHS_IN_PERIOD[period.kind] * ENTRY_HISTORY)
    current: dict[tuple[int, int | None], Figure] = {}
    earlier: dict[int, list[Figure]] = defaultdict(list)
    for figure in (
        Figure.objects.filter(area=authority, indicator__in=due)
        .filter(
            Q(period=period)
            | Q(
                breakdown__isnull=True,
                period__kind=period.kind,
                period__start__gte=window_start,
                period__start__lt=period.start,
            )
        )
        .select_related("period")
        .order_by("period__start")
    ):
        if figure.period_id == period.pk:
            current[(figure.indicator_id, figure.breakdown_id)] = figure
        else:
            earlier[figure.indicator_id].append(figure)
    year_start = periods.financial_year_start(period.end)
    targets = {
        target.indicator_id: target
        for target in Target.objects.filter(
            authority=authority,
            indicator__in=due,
            financial_year__kind=PeriodKind.FINANCIAL_YEAR,
            financial_year__start=year_start,
        )
    }
    dimensions = {dimension for indicator in due for dimension in indicator.dimensions}
    categories: dict[str, list[BreakdownCategory]] = defaultdict(list)
    for category in BreakdownCategory.objects.filter(
        Q(authority__isnull=True) | Q(authority=authority), dimension__in=dimensions
    ).order_by("dimension", "order", "name"):
        categories[category.dimension].append(category)
    themes: dict[int, tuple[Theme, list[EntryRow]]] = {}
    for indicator in due:
        history = earlier.get(indicator.id, [])
        previous = next((f for f in history if f.period.start == before.start), None)
        target = targets.get(indicator.id)
        row = EntryRow(
            indicator=indicator,
            figure=current.get((indicator.id, None)),
            previous_period=previous.period if previous is not None else before,
            previous=previous,
            history=tuple(f.value for f in history if f.value is not None)[-ENTRY_HISTORY:],
            target=_band(target),
            target_text=(
                format_target(target.lower, target.upper, indicator.unit, indicator.decimals)
                if target is not None
                else ""
            ),
            breakdowns=tuple(
                (
                    dimension,
                    tuple(
                        EntryBreakdown(category, current.get((indicator.id, category.pk)))
                        for category in categories.get(dimension, [])
                    ),
                )
                for dimension in indicator.dimensions
                if categories.get(dimension)
            ),
        )
        themes.setdefault(indicator.theme_id, (indicator.theme, []))[1].append(row)
    return EntryPage(
        authority=authority,
        period=period,
        themes=list(themes.values()),
        not_ended=period_not_ended_message(period, today),
    )


@dataclass(frozen=True)
class EntryChoice:
    authority: Area
    periods: list[ReviewPeriod]  # recent ended months, then quarters, newest first


def entry_periods(user: AnyUser, slug: str, today: date | None = None) -> EntryChoice:
    """The last 18 ended months and the last 8 ended quarters, newest first, each with how
    many of its due figures are missing, draft, returned, submitted and approved."""
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    _authority, recent = review_periods(user, slug, today or timezone.localdate())
    return EntryChoice(authority=authority, periods=recent)


# --- the benchmarking club (docs/0017) ------------------------------------------------------


@dataclass(frozen=True)
class ClubSharingPage:
    authority: Area
    shares: bool
    can_change: bool
    released: int  # the authority's figures other authorities may see now, through the club
    history: list[ClubSharingChange]


def club_sharing_page(user: AnyUser, slug: str) -> ClubSharingPage:
    """An authority's benchmarking-club setting: whether it shares, how many figures that
    makes visible to the other authorities, who changed it, when and why."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    return ClubSharingPage(
        authority=authority,
        shares=authority.shares_with_club,
        can_change=access.may_change_club_sharing(user, authority),
        released=(
            Figure.objects.filter(area=authority).released().count()
            if authority.shares_with_club
            else 0
        ),
        history=list(
            ClubSharingChange.objects.filter(authority=authority).select_related("changed_by")
        ),
    )


def club_scope(user: AnyUser, slug: str) -> Area:
    """The authority whose club setting or releases the user would change, if they may."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    access.require_club_sharing_changer(user, authority)
    return authority
