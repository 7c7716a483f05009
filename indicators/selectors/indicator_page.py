"""The indicator page: one indicator for one authority, its trend over the window with
target and comparators, its breakdowns, derived figures and the latest changes (with the
whole audit trail of its figures, `figure_history`). The ratings come from `figure_context`,
the statistical-neighbour chart from `neighbours`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.http import Http404

from accounts import access
from accounts.access import Permission

from .. import summaries
from ..figure_context import (
    FigureRow,
    IndicatorSummary,
    figure_row,
    indicator_summary,
    load_context,
    native_figures,
    native_first,
    value_text,
    window_start,
)
from ..formatting import format_value
from ..models import Area, Figure, FigureChange, FigureSource, Indicator, Period
from .neighbours import NeighbourComparison, neighbour_comparison
from .start import authority_for

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


def _latest_end(authority: Area, indicator: Indicator) -> date | None:
    """The end of the authority's latest overall figure, of the indicator's own kind of period
    if it has any: where the page's trend window ends."""
    latest: date | None = (
        Figure.objects.overall()
        .filter(area=authority, indicator=indicator)
        .annotate(native=native_first(indicator))
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
                    (name, value_text(indicator, figure))
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
    since = window_start(indicator, latest_end) if latest_end is not None else date.max
    context = load_context(authority, [indicator], since=since)
    summary = indicator_summary(context, indicator)
    own = context.own.get(indicator.id, [])
    figures = native_figures(indicator, own)
    rows: list[FigureRow] = []
    window_text = "No figures have been entered yet."
    breakdowns: list[BreakdownTable] = []
    if figures:
        latest = figures[-1]
        shown = [figure for figure in figures if figure.period.end >= since]
        rows = [figure_row(context, indicator, figure) for figure in shown]
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
        derived=[figure_row(context, indicator, figure) for figure in rolled],
        history=_history_rows(authority, indicator, HISTORY_ON_PAGE),
        can_edit=access.can(user, Permission.EDIT_FIGURES, authority),
        trend_summary=_trend_summary(authority, indicator, rows),
        neighbours=neighbour_comparison(authority, indicator, context.comparators),
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
