"""The indicator page: one indicator for one authority, its trend over the window with
target and comparators, its breakdowns, derived figures and the latest changes (with the
whole audit trail of its figures, `figure_history`). The ratings come from `figure_context`,
the statistical-neighbour chart from `neighbours`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts import access
from accounts.access import Permission

from .. import periods, summaries, year_ends
from ..figure_context import (
    COMPARATOR_LOOKBACK_MONTHS,
    PERIOD_COLUMNS,
    RECORD_FIELDS,
    ComparatorSetup,
    FigureContext,
    FigureRecord,
    FigureRow,
    IndicatorSummary,
    ValueRecord,
    comparator_setup,
    figure_row,
    indicator_summary,
    native_figures,
    native_first,
    period_cache,
    value_text,
    window_start,
)
from ..formatting import exact_decimals, figure_decimals, format_value
from ..models import (
    Area,
    ComparatorKind,
    Figure,
    FigureChange,
    FigureSource,
    Indicator,
    IndicatorPairing,
    Period,
    Target,
)
from ..reference_cache import PAIRINGS, cached
from .neighbours import NeighbourComparison, chart_neighbours, neighbour_comparison
from .start import authority_and_permissions, authority_for

if TYPE_CHECKING:
    from .start import AnyUser


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
class PairedMeasure:
    """A measure the catalogue pairs with this one (`IndicatorPairing`, either way round):
    alike in name, defined differently, so named with the difference and never compared."""

    indicator: Indicator
    nations: str  # where the other measure applies: "England", "Wales", "England and Wales"
    difference: str


NATIONS_SHORT = {"both": "England and Wales", "england": "England", "wales": "Wales"}


def paired_measures(indicator: Indicator) -> list[PairedMeasure]:
    """The measures paired with `indicator`, in either direction, by code: from every pairing
    held (a few), one query when the reference cache does not hold them."""
    every = cached(
        PAIRINGS, lambda: list(IndicatorPairing.objects.select_related("first", "second"))
    )
    paired = [
        (pairing.second if pairing.first_id == indicator.pk else pairing.first, pairing)
        for pairing in every
        if indicator.pk in (pairing.first_id, pairing.second_id)
    ]
    return [
        PairedMeasure(other, NATIONS_SHORT.get(other.nations, other.nations), pairing.difference)
        for other, pairing in sorted(paired, key=lambda item: item[0].code)
    ]


@dataclass(frozen=True)
class IndicatorPage:
    authority: Area
    indicator: Indicator
    summary: IndicatorSummary
    # Oldest first, within the trend window; a monthly or quarterly measure's year-end
    # outturns after each year's last month or quarter (`year_ends`).
    rows: list[FigureRow]
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
    pairings: list[PairedMeasure] = field(default_factory=list)

    @property
    def applies_here(self) -> bool:
        """Whether the measure is due from the authority (issue 17): the page of one that is
        not says so rather than inviting figures for it."""
        return self.indicator.applies_in(self.authority.nation)

    @property
    def is_rated(self) -> bool:
        """Whether the rating column says anything: a measure without polarity is not rated."""
        return self.indicator.polarity != "none"

    @property
    def trend_rows(self) -> list[FigureRow]:
        """The rows of the measure's own periods, for its trend line: a year-end outturn sits
        in the table beside them, and on the chart as a point of its own."""
        return [row for row in self.rows if not row.is_year_end]

    @property
    def year_end_rows(self) -> list[FigureRow]:
        return [row for row in self.rows if row.is_year_end]

    @property
    def has_trend(self) -> bool:
        """A single figure is not a trend: it gets a table, not a chart."""
        return len(self.trend_rows) > 1

    @property
    def file_name(self) -> str:
        """The download's name without its extension: "authority-a-ASMT-45"."""
        return f"{self.authority.slug}-{self.indicator.code}"


@dataclass(frozen=True)
class _OwnFigures:
    """The authority's own figures of one indicator: every overall figure, oldest first, and
    the figures by category (locality, team, category of abuse...) of the latest period."""

    overall: list[Figure]
    by_category: list[tuple[str, int, str, Figure]]  # dimension, order, name, figure


def _own_figures(authority: Area, indicator: Indicator) -> _OwnFigures:
    """One query: every overall figure of the indicator (a few hundred at most, however long
    the history: where the window ends is worked out from them) and the breakdowns of the
    latest period, which is the latest overall figure's (of the indicator's own kind of period
    if it has any), or the latest by category for a measure kept only by category."""
    mine = Figure.objects.filter(area=authority, indicator=indicator)
    latest_overall = (
        mine.filter(breakdown__isnull=True)
        .annotate(native=native_first(indicator))
        .order_by("-native", "-period__end", "-period__start")
        .values("period_id")[:1]
    )
    latest_by_category = (
        mine.filter(breakdown__isnull=False)
        .order_by("-period__end", "-period__start")
        .values("period_id")[:1]
    )
    rows = mine.filter(
        Q(breakdown__isnull=True)
        | Q(period_id=Coalesce(Subquery(latest_overall), Subquery(latest_by_category)))
    ).values_list(
        *RECORD_FIELDS,
        *PERIOD_COLUMNS[1:],
        "breakdown__dimension",
        "breakdown__order",
        "breakdown__name",
    )
    period = period_cache()
    fields = len(RECORD_FIELDS)
    at = RECORD_FIELDS.index("period_id")
    overall: list[Figure] = []
    by_category: list[tuple[str, int, str, Figure]] = []
    for row in rows:
        # Each row holds the fields in RECORD_FIELDS' order, which mypy cannot see.
        record = FigureRecord(  # type: ignore[call-arg]
            *row[:fields], period(row[at], *row[fields : fields + 3])
        )
        figure = cast(Figure, record)
        if record.breakdown_id is None:
            overall.append(figure)
        else:
            dimension, order, name = row[fields + 3 :]
            by_category.append((dimension, order, name, figure))
    overall.sort(key=lambda figure: (figure.period.end, figure.period.start))
    by_category.sort(key=lambda item: item[:3])
    return _OwnFigures(overall, by_category)


def _breakdowns(indicator: Indicator, own: _OwnFigures) -> list[BreakdownTable]:
    by_dimension: dict[str, list[tuple[str, Figure]]] = defaultdict(list)
    for dimension, _order, name, figure in own.by_category:
        by_dimension[dimension].append((name, figure))
    tables = []
    for dimension, named in by_dimension.items():
        names = [name for name, _figure in named]
        values = [figure.value for _name, figure in named]
        period = named[0][1].period
        tables.append(
            BreakdownTable(
                dimension=dimension,
                period=period,
                rows=[(name, value_text(indicator, figure)) for name, figure in named],
                values=values,
                summary=summaries.breakdown_summary(
                    dimension,
                    period.label,
                    [summaries.Point(n, v) for n, v in zip(names, values, strict=True)],
                    indicator.unit,
                    max(
                        figure_decimals(indicator.decimals, figure.published_decimals)
                        for _name, figure in named
                    ),
                ),
            )
        )
    return tables


def _others(
    authority: Area,
    indicator: Indicator,
    setup: ComparatorSetup,
    chart_areas: set[int],
    since: date,
) -> list[ValueRecord]:
    """Other areas' figures of the indicator, through the one door (what the authority may
    see), in one query: every period's for the neighbour chart's areas (its latest period is
    wherever the neighbours' figures are), and for the comparators and their members those
    from a little before the window (a published figure stands beside later local ones)."""
    windowed = {c.area_id for c in setup.comparators} | setup.member_ids()
    look_back = (
        periods.add_months(since, -COMPARATOR_LOOKBACK_MONTHS) if since != date.max else since
    )
    rows = (
        access.figures_visible_to(authority)
        .overall()
        .filter(indicator=indicator)
        .filter(Q(area_id__in=chart_areas) | Q(area_id__in=windowed, period__end__gte=look_back))
        .values_list(
            "area_id", "value", "suppression", "source", "published_decimals", *PERIOD_COLUMNS
        )
    )
    period = period_cache()
    records = [
        ValueRecord(
            area_id,
            period_id,
            value,
            suppression,
            period(period_id, kind, start, end),
            source,
            decimals,
        )
        for area_id, value, suppression, source, decimals, period_id, kind, start, end in rows
    ]
    records.sort(key=lambda record: (record.period.end, record.period.start))
    return records


def _context(
    authority: Area,
    indicator: Indicator,
    setup: ComparatorSetup,
    own: list[Figure],
    others: list[ValueRecord],
    since: date,
) -> FigureContext:
    """The rules' context for the window: the same as `figure_context.load_context` reads
    (the window's own figures, its targets, the comparators' published figures from a little
    before it and their members' figures within it), from what the page has read."""
    context = FigureContext(
        authority=authority,
        comparators=setup.comparators,
        own={indicator.id: [figure for figure in own if figure.period.end >= since]},
        members=setup.members,
        good=setup.good,
    )
    if not context.own[indicator.id]:
        del context.own[indicator.id]
    for target in Target.objects.filter(
        authority=authority, indicator=indicator, financial_year__end__gte=since
    ).select_related("financial_year"):
        context.targets[(target.indicator_id, target.financial_year.start)] = target
    comparator_areas = {c.area_id for c in setup.comparators}
    member_ids = setup.member_ids()
    look_back = (
        periods.add_months(since, -COMPARATOR_LOOKBACK_MONTHS) if since != date.max else since
    )
    for record in others:
        figure = cast(Figure, record)
        if record.area_id in comparator_areas and record.period.end >= look_back:
            context.comparator_figures.setdefault((record.area_id, indicator.id), []).append(figure)
        if record.area_id in member_ids and record.period.end >= since:
            context.member_figures[(record.area_id, indicator.id, record.period_id)] = figure
            context.member_periods[record.period_id] = record.period
    return context


def indicator_page(user: AnyUser, slug: str, code: str) -> IndicatorPage:
    """An indicator for one authority: its trend over the window with target and comparators,
    its neighbours, its breakdowns, derived figures and history, and the measures paired with
    it. Nine queries whatever the history held (and the session's two): the authority and the
    user's membership, the indicator, the comparators with their members and neighbours, the
    authority's own figures, the window's targets, other areas' figures, the latest changes
    and the pairs; and one more, Ofsted's judgements, where a comparator is of good or
    outstanding authorities (`good_authorities`)."""
    authority, permissions = authority_and_permissions(user, slug, Permission.VIEW_FIGURES)
    try:
        indicator = Indicator.objects.select_related("theme").get(code=code)
    except Indicator.DoesNotExist as missing:
        raise Http404("There is no indicator with this code.") from missing
    setup = comparator_setup(authority)
    own = _own_figures(authority, indicator)
    native = native_figures(indicator, own.overall)
    # A measure kept only by category has no overall figures, so nothing to read beside them.
    since = window_start(indicator, native[-1].period.end) if native else date.max
    chart = chart_neighbours(setup)
    chart_areas = {neighbour.area_id for neighbour in chart[1]} | {
        c.area_id for c in setup.comparators if c.kind == ComparatorKind.NATION
    }
    others = _others(authority, indicator, setup, chart_areas, since)
    context = _context(authority, indicator, setup, own.overall, others, since)
    summary = indicator_summary(context, indicator)
    window = context.own.get(indicator.id, [])
    figures = native_figures(indicator, window)
    rows: list[FigureRow] = []
    window_text = "No figures have been entered yet."
    if figures:
        latest = figures[-1]
        shown = [figure for figure in figures if figure.period.end >= since]
        # A monthly or quarterly measure's reported year-end outturns, beside its months or
        # quarters (those rolled up from them are in `derived`).
        reported = [figure for figure in window if figure.source != FigureSource.ROLLED_UP]
        listed = year_ends.with_year_ends(indicator.frequency, shown, reported)
        rows = [figure_row(context, indicator, figure) for figure in listed]
        window_text = (
            f"{len(shown)} figures from {shown[0].period.label} to {latest.period.label}"
            if len(shown) > 1
            else f"1 figure, for {latest.period.label}"
        )
    elif own.by_category:
        # Some measures are kept only by category (say, category of abuse): show the latest.
        window_text = (
            f"Figures are kept by category only, latest for {own.by_category[0][3].period.label}"
        )
    breakdowns = _breakdowns(indicator, own)
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
        (figure for figure in window if figure.source == FigureSource.ROLLED_UP),
        key=lambda figure: (-figure.period.end.toordinal(), figure.period.kind),
    )
    by_area: dict[int, list[ValueRecord]] = defaultdict(list)
    for record in others:
        by_area[record.area_id].append(record)
    return IndicatorPage(
        authority=authority,
        indicator=indicator,
        summary=summary,
        rows=rows,
        window_text=window_text,
        comparator_labels=[context.comparators[index].label for index in shown_comparators],
        breakdowns=breakdowns,
        targets=targets,
        derived=[figure_row(context, indicator, figure) for figure in rolled],
        history=_history_rows(authority, indicator, HISTORY_ON_PAGE),
        can_edit=Permission.EDIT_FIGURES in permissions,
        trend_summary=_trend_summary(
            authority, indicator, [row for row in rows if not row.is_year_end]
        ),
        neighbours=neighbour_comparison(
            authority,
            indicator,
            setup,
            own=[cast(FigureRecord, figure) for figure in own.overall],
            others=by_area,
        ),
        pairings=paired_measures(indicator),
    )


def _trend_summary(authority: Area, indicator: Indicator, rows: Sequence[FigureRow]) -> str:
    if not rows:
        return ""
    latest = rows[-1]
    return summaries.trend_summary(
        authority.name,
        [summaries.Point(row.period.label, row.value) for row in rows],
        indicator.unit,
        max(row.decimals for row in rows),
        target_text=latest.target_text,
        # The chart's summary says which each comparator value is, as the table does.
        comparators=[
            (cell.label, cell.text, f"{cell.period_label}, {cell.note}")
            for cell in latest.comparators_with_values
        ],
    )


# --- the history of an authority's figures --------------------------------------------------

HISTORY_ON_PAGE = 20  # changes shown on the indicator page; the export has them all


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
            # Both sides at the stored precision: 19.0000 to 18.8000 reads "19.0% to 18.8%".
            period_label=periods.label_for_frequency(
                indicator.frequency,
                change.figure.period.kind,
                change.figure.period.start,
                change.figure.period.end,
            ),
            breakdown=change.figure.breakdown.name if change.figure.breakdown else "",
            old_text=(
                format_value(change.old_value, indicator.unit, decimals)
                if change.old_value is not None
                else "none"
            ),
            new_text=(
                format_value(change.new_value, indicator.unit, decimals)
                if change.new_value is not None
                else "none"
            ),
        )
        for change in changes
        for decimals in [exact_decimals(indicator.decimals, change.old_value, change.new_value)]
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
