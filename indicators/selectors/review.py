"""Completeness and approval (issue 3): which due figures of a period are missing, draft,
returned, submitted or approved, recent periods with their counts, and the figures a manager
reviews."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.http import Http404

from accounts import access
from accounts.access import Permission

from .. import periods
from ..figure_context import value_text
from ..models import Area, Figure, Frequency, Indicator, Period, PeriodKind, Theme
from ..querysets import RELEASED
from .start import authority_for, period_for

if TYPE_CHECKING:
    from .start import AnyUser

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
    due = list(Indicator.objects.due_for(period).applicable_to(authority))
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
                    else value_text(indicator, current)
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
        Indicator.objects.applicable_to(authority)
        .filter(frequency__in=[Frequency.MONTHLY, Frequency.QUARTERLY])
        .values_list("frequency")
        .annotate(total=Count("id"))
        .values_list("frequency", "total")
    )
    states: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COMPLETENESS_STATES, 0))
    for period_id, status, total in (
        Figure.objects.filter(area=authority, breakdown__isnull=True, period__in=found.values())
        .filter(indicator__in=Indicator.objects.applicable_to(authority))
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


def approval_scope(user: AnyUser, slug: str, period_key: str) -> tuple[Area, Period]:
    """The authority and period of an approval action, if the user may approve there."""
    authority = authority_for(user, slug, Permission.APPROVE_FIGURES)
    return authority, period_for(period_key)


def figures_for_review(authority: Area, period: Period, ids: Iterable[int] | None) -> list[Figure]:
    """Submitted figures of the authority and period (those named by `ids`, or all), with
    their breakdown figures: approving a total approves the categories it was entered with.
    Only the measures that apply in the authority's nation, as the queue lists them (issue 17):
    a figure kept for another nation's measure is not approved with the rest."""
    figures = Figure.objects.filter(
        area=authority,
        period=period,
        status="submitted",
        indicator__in=Indicator.objects.applicable_to(authority),
    ).select_related("indicator", "period")
    if ids is not None:
        chosen = Figure.objects.filter(area=authority, period=period, pk__in=list(ids))
        figures = figures.filter(indicator__in=chosen.values("indicator"))
    return list(figures.order_by("indicator__title", "breakdown_id"))


def figure_for_review(user: AnyUser, slug: str, period_key: str, figure_id: int) -> Figure:
    authority, period = approval_scope(user, slug, period_key)
    try:
        figure: Figure = Figure.objects.select_related("indicator", "period", "area").get(
            pk=figure_id, area=authority, period=period
        )
    except Figure.DoesNotExist as missing:
        raise Http404("There is no such figure for this authority and period.") from missing
    return figure
