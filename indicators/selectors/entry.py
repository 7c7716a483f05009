"""The entry page (issue 3, part 1): every indicator due for a period with what an officer
needs beside it (last period's value, recent history, the year's target, its categories),
and the choice of recent periods to enter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.access import Permission

from .. import periods
from ..draft_removal import may_be_removed
from ..figure_context import target_band, value_text
from ..formatting import format_target
from ..models import Area, BreakdownCategory, Figure, Indicator, Period, PeriodKind, Target, Theme
from ..rag import TargetBand
from .review import ReviewPeriod, review_periods
from .start import authority_for, period_for

if TYPE_CHECKING:
    from .start import AnyUser

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
    def draft_removable(self) -> bool:
        """The officer may remove its figure, a draft saved by mistake (docs/0008)."""
        return self.figure is not None and may_be_removed(self.figure)

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
        return f"{value_text(self.indicator, self.previous)} ({self.previous_period.label})"

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
    # Only the measures that apply to the authority's nation: a Welsh authority is never asked
    # for the DfE's measures, nor an English one for the Welsh framework's (issue 17).
    due = list(Indicator.objects.due_for(period).applicable_to(authority))
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
            target=target_band(target),
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
