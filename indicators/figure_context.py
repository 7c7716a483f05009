"""The figures, targets and comparators loaded for one authority, and the rules that turn
them into what every page shows of an indicator: its rows (value text, flags, target,
rating against the target band or, without one, against the first comparator with a
figure), its comparators (for each period the newest value: a figure stored for the
comparator's own area, or the mean of its members' visible figures; docs/0005), and its
summary (latest figure and direction of travel).

One module for these rules, read by the indicator pages (`selectors`), the scrutiny packs
(`selectors.pack_indicators`) and the dashboards (`dashboards.snapshots`), so that a tile, a
page and a pack never disagree. `load_context` reads what the rules need in a handful of
queries; everything after it reads only the loaded `FigureContext`, so the rules can be
exercised on a context built by hand. Other areas' figures come only through
`accounts.access.figures_visible_to`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, FilteredRelation, IntegerField, Q, Value, When

from accounts import access

from . import metrics, periods, population_rates, year_ends
from .formatting import (
    figure_decimals,
    format_change,
    format_target,
    format_value,
    mean_decimals,
)
from .good_authorities import GoodAuthorities, good_authorities
from .models import (
    Area,
    AreaKind,
    Comparator,
    ComparatorKind,
    Figure,
    FigureSource,
    FigureStatus,
    Frequency,
    Indicator,
    Period,
    PeriodKind,
    SuppressionCode,
    Target,
)
from .quality_words import figure_quality_short, figure_quality_text
from .rag import (
    ComparisonResult,
    RagResult,
    Rating,
    TargetBand,
    compared,
    rate_against_comparator,
    rate_against_target,
)
from .trend import Travel, direction_of_travel

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


# --- what the pages show of a figure -------------------------------------------------------


@dataclass(frozen=True)
class ComparatorCell:
    """A comparator's value beside one local figure."""

    label: str
    area_name: str
    value: Decimal | None
    text: str  # the formatted value, or "no figure"
    period_label: str  # the period the value is for, shown beside it
    period: Period | None  # the same period, for charts
    # "published" (a figure stored for the comparator's own area, published or entered),
    # "computed" (a mean of its members' figures) or "none"
    method: str
    # Which it is, in words: "published", "entered", "mean of 9 of 10 neighbours"
    note: str


@dataclass(frozen=True)
class FigureRow:
    """One figure as the pages show it: its text, flags, target and rating, comparators."""

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
    # The period as shown beside this measure: a financial year's figure on a monthly or
    # quarterly measure is its year-end outturn ("2016-17 year end", `year_ends`).
    period_label: str = ""
    is_year_end: bool = False
    # The decimals the value is shown to: as published, else the measure's own.
    decimals: int = 0
    # A rate derived from the population: how, and which year's estimate (population_rates).
    derived_note: str = ""
    # A figure derived from a statutory return: its data quality in words, and in the few
    # words a tile or a table's cell has room for (quality_words).
    quality: str = ""
    quality_short: str = ""

    @property
    def has_target(self) -> bool:
        return self.target_text != "no target"

    @property
    def comparators_with_values(self) -> tuple[ComparatorCell, ...]:
        return tuple(cell for cell in self.comparators if cell.value is not None)

    @property
    def rating_words(self) -> str:
        """The rating against the target; without one, how the figure compares with its first
        comparator; where it cannot be compared either, the rating's own words ("No target
        set"), not the reason it was not compared."""
        if self.rag.rating == Rating.NOT_RATED and compared(self.comparison):
            return self.comparison.words
        return self.rag.words


@dataclass(frozen=True)
class IndicatorSummary:
    """An indicator's latest figure and the one before, and its direction of travel."""

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
class FigureContext:
    """Everything a summary needs, fetched up front in a handful of queries (`load_context`),
    or built by hand (the dashboards read their own light records into one)."""

    authority: Area
    comparators: list[Comparator]
    own: dict[int, list[Figure]] = field(default_factory=dict)  # indicator id -> by period end
    targets: dict[tuple[int, date], Target] = field(default_factory=dict)
    comparator_figures: dict[tuple[int, int], list[Figure]] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)  # comparator id -> area ids
    member_figures: dict[tuple[int, int, int], Figure] = field(default_factory=dict)
    # The periods of members' figures, by id: an annual measure's in-year figure is compared
    # with the members' latest year (`comparison_kinds`); a context without them compares it
    # with published years only.
    member_periods: dict[int, Period] = field(default_factory=dict)
    # Ofsted's judgements, for a comparator of good or outstanding authorities: its members
    # as at each period (`comparator_members`); None when the authority has no such comparator.
    good: GoodAuthorities | None = None


# --- reading the context -------------------------------------------------------------------


@dataclass(slots=True)
class FigureRecord:
    """What the rules read of a figure (the model's field names), without a model instance:
    a dashboard rebuild reads thousands of figures and a page hundreds, and building model
    instances for them took most of the time. `figure_records` reads them."""

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
    published_decimals: int | None
    source: str
    source_note: str
    status: str
    suppression: str
    value: Decimal | None
    # The figure's version and its data quality as a return's rules left it (FigureQuality:
    # null when none is held), read in the same query (quality_words.figure_quality_text).
    version: int
    quality__version: int | None
    quality__rule_set: str | None
    quality__counted: int | None
    quality__affected: int | None
    quality__rules: list[dict[str, Any]] | None
    period: Period

    def get_status_display(self) -> str:
        return str(FigureStatus(self.status).label)


RECORD_FIELDS = [name for name in FigureRecord.__slots__ if name != "period"]


@dataclass(slots=True)
class ValueRecord:
    """Another area's figure as a comparator or a mean of members reads it: its value (or
    suppression code) and period."""

    area_id: int
    period_id: int
    value: Decimal | None
    suppression: str
    period: Period
    # Read for a comparator's own figures: whether published or entered, and to what precision.
    source: str = ""
    published_decimals: int | None = None


def period_cache() -> Callable[[int, str, date, date], Period]:
    """A period by its id and columns, made once however many figures name it: pages read a
    figure's period with it rather than as a model instance per figure."""
    made: dict[int, Period] = {}

    def period(period_id: int, kind: str, start: date, end: date) -> Period:
        found = made.get(period_id)
        if found is None:
            found = made[period_id] = Period(id=period_id, kind=kind, start=start, end=end)
        return found

    return period


PERIOD_COLUMNS = ("period_id", "period__kind", "period__start", "period__end")


@dataclass(frozen=True)
class ListedNeighbour:
    """One of an authority's statistical neighbours, as its neighbour set lists it."""

    area_id: int
    name: str
    rank: int
    closeness: str
    set_name: str


@dataclass(frozen=True)
class ComparatorSetup:
    """What an authority is compared with: its comparators in order (each with its area), the
    member authorities each one's value is computed from when nothing is published for it,
    and its statistical neighbours as each neighbour set lists them."""

    comparators: list[Comparator]
    members: dict[int, list[int]]  # comparator id -> member authority ids
    neighbours: dict[int, list[ListedNeighbour]]  # neighbour set id -> in rank order
    # Ofsted's judgements, read only when a comparator is of good or outstanding authorities.
    good: GoodAuthorities | None = None

    def member_ids(self) -> set[int]:
        """Every authority whose figures a mean may read: each comparator's members, and
        every authority good or outstanding at some time."""
        ids = {area_id for members in self.members.values() for area_id in members}
        if self.good is not None:
            ids |= self.good.ever_good()
        return ids


_COMPARATOR_FIELDS = [field.attname for field in Comparator._meta.concrete_fields]
_AREA_FIELDS = [field.attname for field in Area._meta.concrete_fields]


def comparator_setup(authority: Area) -> ComparatorSetup:
    """The authority's comparators with their areas, members and neighbour lists, in one
    query: each comparator joined to the neighbours its neighbour set lists for the authority,
    the authorities of its region, or the members of its group, as its kind asks. A
    comparator is on as many rows as it has members (a group's members can multiply its
    neighbours' rows; both are a few dozen at most)."""
    columns = [
        *_COMPARATOR_FIELDS,
        *(f"area__{name}" for name in _AREA_FIELDS),
        "listed__neighbour_id",
        "listed__neighbour__name",
        "listed__rank",
        "listed__closeness",
        "neighbour_set__name",
        "in_region__id",
        "in_group__id",
    ]
    rows = (
        Comparator.objects.filter(authority=authority)
        .annotate(
            listed=FilteredRelation(
                "neighbour_set__neighbours",
                condition=Q(neighbour_set__neighbours__authority=authority)
                & Q(kind=ComparatorKind.NEIGHBOURS),
            ),
            in_region=FilteredRelation(
                "area__authorities",
                condition=Q(area__authorities__kind=AreaKind.AUTHORITY)
                & Q(kind=ComparatorKind.REGION),
            ),
            # A good-authority comparator's hand-kept group, for when no judgement is held.
            in_group=FilteredRelation(
                "area__members",
                condition=Q(kind__in=[ComparatorKind.GROUP, ComparatorKind.GOOD]),
            ),
        )
        .order_by("order", "pk", "listed__rank")
        .values_list(*columns)
    )
    comparators: dict[int, Comparator] = {}
    members: dict[int, list[int]] = {}
    neighbours: dict[int, list[ListedNeighbour]] = {}
    split = len(_COMPARATOR_FIELDS)
    after_area = split + len(_AREA_FIELDS)
    for row in rows:
        comparator = comparators.get(row[0])
        if comparator is None:
            comparator = Comparator(**dict(zip(_COMPARATOR_FIELDS, row[:split], strict=True)))
            comparator.area = Area(**dict(zip(_AREA_FIELDS, row[split:after_area], strict=True)))
            comparators[comparator.pk] = comparator
            members[comparator.pk] = []
        neighbour_id, name, rank, closeness, set_name, region_member, group_member = row[
            after_area:
        ]
        # England and Wales are published aggregates with no members: a mean of the few
        # authorities held here would mislead.
        member = neighbour_id or region_member or group_member
        if member is not None and member not in members[comparator.pk]:
            members[comparator.pk].append(member)
        if neighbour_id is not None and comparator.neighbour_set_id is not None:
            listed = neighbours.setdefault(comparator.neighbour_set_id, [])
            if all(entry.area_id != neighbour_id for entry in listed):
                listed.append(ListedNeighbour(neighbour_id, name, rank, closeness, set_name))
    good = (
        good_authorities()
        if any(c.kind == ComparatorKind.GOOD for c in comparators.values())
        else None
    )
    return ComparatorSetup(list(comparators.values()), members, neighbours, good)


def load_context(
    authority: Area, indicators: Iterable[Indicator], *, since: date | None = None
) -> FigureContext:
    """The authority's figures, targets and comparators' figures of `indicators`: all of them,
    or with `since` only those of periods ending on or after it (a page's window), so that a
    page reads the same few rows however many years of history are held. Other areas'
    figures are only those `accounts.access.figures_visible_to` lets the authority see."""
    indicator_ids = [indicator.id for indicator in indicators]
    setup = comparator_setup(authority)
    comparators = setup.comparators
    context = FigureContext(
        authority=authority, comparators=comparators, members=setup.members, good=setup.good
    )
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
    for figure in own.select_related("period", "quality").order_by("period__end", "period__start"):
        context.own.setdefault(figure.indicator_id, []).append(figure)
    for target in targets.select_related("financial_year"):
        context.targets[(target.indicator_id, target.financial_year.start)] = target
    for figure in published.select_related("period").order_by("period__end"):
        context.comparator_figures.setdefault((figure.area_id, figure.indicator_id), []).append(
            figure
        )
    member_ids = setup.member_ids()
    if member_ids:
        # Only the value and its precision are read from a member's figure (for the mean).
        for figure in members.filter(area_id__in=member_ids).only(
            "area_id", "indicator_id", "period_id", "value", "published_decimals"
        ):
            key = (figure.area_id, figure.indicator_id, figure.period_id)
            context.member_figures[key] = figure
        period_ids = {period_id for _, _, period_id in context.member_figures}
        context.member_periods = Period.objects.in_bulk(period_ids)
    return context


# --- the rules --------------------------------------------------------------------------------


def figure_flags(
    is_provisional: bool, is_estimated: bool, status: str, is_revised: bool = False
) -> tuple[str, ...]:
    """The words a figure carries beside its value: provisional, estimated, revised, and its
    status unless approved (the pages, the benchmarking page and the grid alike)."""
    flags = []
    if is_provisional:
        flags.append("provisional")
    if is_estimated:
        flags.append("estimated")
    if is_revised:
        flags.append("revised")
    if status != FigureStatus.APPROVED:
        flags.append(FigureStatus(status).label.lower())
    return tuple(flags)


def _flags(figure: Figure) -> tuple[str, ...]:
    return figure_flags(
        figure.is_provisional, figure.is_estimated, figure.status, figure.is_revised
    )


def value_text(indicator: Indicator, figure: Figure | None) -> str:
    """A figure's value as pages show it, in the indicator's unit ("87%", "suppressed (c)"),
    or "no figure"."""
    if figure is None:
        return "no figure"
    if figure.value is None:
        return f"suppressed ({figure.suppression})"
    decimals = figure_decimals(indicator.decimals, figure.published_decimals)
    return format_value(figure.value, indicator.unit, decimals)


def figure_text(figure: Figure) -> str:
    """A figure's value as pages show it ("87%", "suppressed (c)")."""
    return value_text(figure.indicator, figure)


def target_for(context: FigureContext, indicator: Indicator, period: Period) -> Target | None:
    """The target of the financial year in which the period ends."""
    year_start = periods.financial_year_start(period.end)
    return context.targets.get((indicator.id, year_start))


def target_band(target: Target | None) -> TargetBand | None:
    """The band a figure is rated against (`rag.rate_against_target`), if there is a target."""
    if target is None:
        return None
    return TargetBand(target.lower, target.upper, target.tolerance)


def comparison_kinds(indicator: Indicator) -> tuple[str, ...] | None:
    """The period kinds a measure's comparators are read at: an annual measure is compared at
    a year (its latest, or the comparators' latest before it), never at the quarter or month
    of an in-year figure (issue 16: a quarterly pack compared an annual measure with its
    neighbours' Q4 figures); any other measure at any kind (None)."""
    if indicator.frequency == Frequency.ANNUAL:
        return NATIVE_KINDS[Frequency.ANNUAL]
    return None


@dataclass(frozen=True)
class ComparatorMembers:
    """The authorities a comparator's mean is taken over as at a day, and how the page names
    them ("neighbours", "good or outstanding authorities (Ofsted judgements as at ...)")."""

    ids: tuple[int, ...]
    one: str  # the name of one member
    many: str  # of several


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def comparator_members(
    context: FigureContext, comparator: Comparator, day: date
) -> ComparatorMembers:
    """A comparator's members as at `day`: a neighbour set's neighbours, a region's
    authorities, a group's members; for the good or outstanding authorities, those whose
    latest Ofsted judgement published by then was good or outstanding, or, with no judgement
    held at all, the hand-kept group (and the words say which)."""
    listed = tuple(context.members.get(comparator.id, []))
    if comparator.kind == ComparatorKind.GOOD:
        if context.good is not None and context.good.held:
            as_at = f"(Ofsted judgements as at {_long_date(day)})"
            return ComparatorMembers(
                tuple(sorted(context.good.as_at(day))),
                f"good or outstanding authority {as_at}",
                f"good or outstanding authorities {as_at}",
            )
        return ComparatorMembers(
            listed,
            "authority of the hand-kept group (no Ofsted judgements are held)",
            "authorities of the hand-kept group (no Ofsted judgements are held)",
        )
    if comparator.kind == ComparatorKind.NEIGHBOURS:
        return ComparatorMembers(listed, "neighbour", "neighbours")
    if comparator.kind == ComparatorKind.REGION:
        return ComparatorMembers(listed, "authority of the region", "authorities of the region")
    return ComparatorMembers(listed, "authority of the group", "authorities of the group")


def _members_period(
    context: FigureContext, comparator: Comparator, indicator: Indicator, period: Period
) -> Period | None:
    """The period a mean of members is taken for: the figure's own; for an annual measure's
    in-year figure, the latest year ending by then that a member has a figure for."""
    kinds = comparison_kinds(indicator)
    if kinds is None or period.kind in kinds:
        return period
    members = set(comparator_members(context, comparator, period.end).ids)
    years = [
        found
        for area_id, indicator_id, period_id in context.member_figures
        if indicator_id == indicator.id
        and area_id in members
        and (found := context.member_periods.get(period_id)) is not None
        and found.kind in kinds
        and found.end <= period.end
    ]
    return max(years, key=lambda year: (year.end, year.start)) if years else None


def _mean_note(used: int, members: ComparatorMembers, of: int) -> str:
    """ "mean of 9 of 10 neighbours"; "mean of 61 good or outstanding authorities (...)"."""
    if used == of:
        return f"mean of {used} {members.one if used == 1 else members.many}"
    return f"mean of {used} of {of} {members.one if of == 1 else members.many}"


def _comparator_cell(
    context: FigureContext, comparator: Comparator, indicator: Indicator, period: Period
) -> ComparatorCell:
    """The comparator's value beside a local figure, the newest there is: a figure stored for
    the comparator's own area (published, or entered) for the same period; else the mean of
    its members' figures for that period; else the latest stored figure before it (England's
    2016/17 figure beside a 2017/18 one not yet published). A stored figure is never carried
    forward over a newer mean (issue 18: an entered 22% for 2016/17 stood beside every later
    year although the neighbours' figures gave a mean for each). An annual measure is
    compared at years only (`comparison_kinds`)."""
    kinds = comparison_kinds(indicator)
    held = [
        figure
        for figure in context.comparator_figures.get((comparator.area_id, indicator.id), [])
        if figure.period.end <= period.end and (kinds is None or figure.period.kind in kinds)
    ]

    # The latest; of two ending on the same day (Wales's Q4 and its year, both to 31 March),
    # the one of the figure's own kind, so a year-end outturn stands beside the nation's year
    # and a quarter beside its quarter.
    def latest(figures: list[Figure]) -> Figure | None:
        return max(
            figures,
            key=lambda figure: (figure.period.end, figure.period.kind == period.kind),
            default=None,
        )

    chosen = latest([figure for figure in held if figure.value is not None])
    # A figure published without a value (Wales's ".." for a quarter) is the news for its
    # period: an older value is not carried past it.
    newest = latest(held)
    if newest is not None and newest.value is None:
        chosen = None
    at = _members_period(context, comparator, indicator, period)
    inputs: list[Figure] = []
    members = None
    others: list[int] = []
    # A mean is taken only for a period later than the latest stored figure: at the same
    # period the stored figure wins.
    if at is not None and (chosen is None or at.end > chosen.period.end):
        members = comparator_members(context, comparator, at.end)
        # An authority is never its own comparator: a "regional mean" of itself alone would
        # flatter or damn it with its own number.
        others = [area_id for area_id in members.ids if area_id != context.authority.id]
        inputs = [
            found
            for area_id in others
            if (found := context.member_figures.get((area_id, indicator.id, at.id))) is not None
        ]
    mean = metrics.mean_of_available([figure.value for figure in inputs])
    if mean.value is not None and at is not None and members is not None:
        decimals = mean_decimals(
            indicator.decimals, [figure.published_decimals for figure in inputs]
        )
        return ComparatorCell(
            label=comparator.label,
            area_name=comparator.area.name,
            value=mean.value,
            text=format_value(mean.value, indicator.unit, decimals),
            period_label=at.label,
            period=at,
            method=metrics.COMPUTED,
            note=_mean_note(mean.count, members, len(others)),
        )
    if chosen is not None and chosen.value is not None:
        decimals = figure_decimals(indicator.decimals, chosen.published_decimals)
        return ComparatorCell(
            label=comparator.label,
            area_name=comparator.area.name,
            value=chosen.value,
            text=format_value(chosen.value, indicator.unit, decimals),
            period_label=chosen.period.label,
            period=chosen.period,
            method=metrics.PUBLISHED,
            note=("published" if chosen.source == FigureSource.PUBLISHED else "entered"),
        )
    return ComparatorCell(
        label=comparator.label,
        area_name=comparator.area.name,
        value=None,
        text="no figure",
        period_label="",
        period=None,
        method=metrics.NO_METHOD,
        note=(
            f"not published for {newest.period.label} "
            f"({SuppressionCode(newest.suppression).label.lower()})"
            if newest is not None and newest.suppression
            else "no published or computed figure"
        ),
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


def figure_row(context: FigureContext, indicator: Indicator, figure: Figure) -> FigureRow:
    """The figure rated against its year's target band, or without a target against the first
    comparator with a value, beside every comparator's value for its period."""
    target = target_for(context, indicator, figure.period)
    cells = tuple(
        _comparator_cell(context, comparator, indicator, figure.period)
        for comparator in context.comparators
    )
    return FigureRow(
        period=figure.period,
        value=figure.value,
        text=value_text(indicator, figure),
        flags=_flags(figure),
        target_text=(
            format_target(target.lower, target.upper, indicator.unit, indicator.decimals)
            if target
            else "no target"
        ),
        rag=rate_against_target(figure.value, target_band(target), indicator.polarity),
        comparators=cells,
        comparison=None if target else _comparison(indicator, figure.value, cells),
        commentary=figure.commentary,
        numerator=figure.numerator,
        denominator=figure.denominator,
        suppression=figure.suppression,
        period_label=periods.label_for_frequency(
            indicator.frequency, figure.period.kind, figure.period.start, figure.period.end
        ),
        is_year_end=year_ends.is_year_end(indicator.frequency, figure.period.kind),
        decimals=figure_decimals(indicator.decimals, figure.published_decimals),
        derived_note=figure.source_note if population_rates.is_derived(figure.source_note) else "",
        quality=figure_quality_text(figure),
        quality_short=figure_quality_short(figure),
    )


def native_figures(indicator: Indicator, figures: list[Figure]) -> list[Figure]:
    """The figures of the period kind the indicator is reported in (months for a monthly
    measure, not the quarters rolled up from them); all of them if there are none such."""
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


def _travel_text(
    indicator: Indicator, travel: Travel, latest: Figure, earlier: Figure | None
) -> str:
    """ "Worsening: down 3 percentage points from 90% (2016/17)"."""
    if earlier is None or travel.change is None:
        return travel.words
    # As precisely as the figures are shown: 19.1% to 18.8% is a change, not "no change".
    decimals = max(
        figure_decimals(indicator.decimals, figure.published_decimals)
        for figure in (earlier, latest)
    )
    change = format_change(travel.change, indicator.unit, decimals)
    was = value_text(indicator, earlier)
    if change == "no change":
        return f"{travel.words}: the same as {earlier.period.label} ({was})"
    return f"{travel.words}: {change} from {was} ({earlier.period.label})"


def indicator_summary(context: FigureContext, indicator: Indicator) -> IndicatorSummary:
    """The indicator's latest native figure and the one before, rated, with the direction of
    travel against the previous period and against the same period a year before."""
    figures = native_figures(indicator, context.own.get(indicator.id, []))
    if not figures:
        travel = direction_of_travel(None, None, indicator.polarity)
        return IndicatorSummary(indicator, None, None, travel, None, travel.words)
    latest = figures[-1]
    previous = figures[-2] if len(figures) > 1 else None
    band = target_band(target_for(context, indicator, latest.period))
    travel = direction_of_travel(
        latest.value, previous.value if previous else None, indicator.polarity, band
    )
    year_before = _year_before(figures, latest)
    travel_year = None
    if year_before is not None and year_before is not previous:
        travel_year = direction_of_travel(latest.value, year_before.value, indicator.polarity, band)
    return IndicatorSummary(
        indicator=indicator,
        latest=figure_row(context, indicator, latest),
        previous=figure_row(context, indicator, previous) if previous else None,
        travel=travel,
        travel_year=travel_year,
        travel_text=_travel_text(indicator, travel, latest, previous),
        travel_year_text=(
            _travel_text(indicator, travel_year, latest, year_before) if travel_year else ""
        ),
    )


def window_start(indicator: Indicator, latest_end: date) -> date:
    """The first day of the trend window ending with the period that ends on `latest_end`:
    18 months for a monthly measure (`TREND_WINDOW_MONTHS`)."""
    months = TREND_WINDOW_MONTHS[indicator.frequency]
    return periods.add_months(latest_end.replace(day=1), -(months - 1))


def native_first(indicator: Indicator) -> Case:
    """1 for a figure of the period kind the indicator is reported in, else 0: for ordering a
    query's figures as `native_figures` prefers them."""
    return Case(
        When(period__kind__in=NATIVE_KINDS[indicator.frequency], then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
