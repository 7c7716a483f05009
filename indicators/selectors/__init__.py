"""Reads for pages. Each page selector takes the acting user and checks access through
`accounts.access` (`start.authority_for`).

The functions gather rows in a fixed, small number of queries (whatever the number of
indicators) and hand plain dataclasses to views and charts; calculations are delegated to the
pure modules (`rag`, `trend`, `metrics`, `formatting`, `periods`), and the rating and
comparator rules the pages share with the dashboards and packs live in `figure_context`.

By concern:

- `start`: the authority and period named in a page's address; the start page.
- `indicator_page`: one indicator for one authority, and its figures' history.
- `neighbours`: the indicator page's statistical-neighbour chart.
- `packs`: figures as a scrutiny pack shows them.
- `review`: completeness, recent periods' counts and approval.
- `targets`: the targets pages.
- `entry`: the entry page and its choice of periods.
- `club`: the benchmarking club's sharing setting.
- `comparator_review`: the comparator figures awaiting an admin's approval.
- `year_ends`: a year's outturn of one measure for one area (`year_end_outturn`).

Callers import from the package (`from indicators import selectors`), which re-exports each
module's public names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..figure_context import ComparatorCell, FigureRow, IndicatorSummary, figure_text
from .club import ClubSharingPage, club_scope, club_sharing_page
from .comparator_review import comparator_figures_waiting
from .entry import (
    ENTRY_HISTORY,
    ENTRY_STATE_LABELS,
    MONTHS_IN_PERIOD,
    EntryBreakdown,
    EntryChoice,
    EntryPage,
    EntryRow,
    entry_page,
    entry_periods,
    period_not_ended_message,
)
from .indicator_page import (
    HISTORY_ON_PAGE,
    BreakdownTable,
    HistoryRow,
    IndicatorPage,
    figure_history,
    indicator_page,
)
from .neighbours import NeighbourBar, NeighbourComparison, ReferenceLine
from .packs import PackIndicator, ShownFigure, pack_indicators
from .review import (
    COMPLETENESS_STATES,
    MISSING,
    STATE_LABELS,
    CompletenessPage,
    CompletenessRow,
    ReviewPeriod,
    approval_scope,
    completeness_page,
    figure_for_review,
    figures_for_review,
    review_periods,
)
from .start import StartEntry, authority_and_permissions, authority_for, period_for, start_entries
from .targets import TargetEdit, TargetRow, TargetsPage, target_edit, targets_page
from .year_ends import year_end_outturn

if TYPE_CHECKING:
    from .start import AnyUser as AnyUser

__all__ = [
    "COMPLETENESS_STATES",
    "ENTRY_HISTORY",
    "ENTRY_STATE_LABELS",
    "HISTORY_ON_PAGE",
    "MISSING",
    "MONTHS_IN_PERIOD",
    "STATE_LABELS",
    "BreakdownTable",
    "ClubSharingPage",
    "ComparatorCell",
    "CompletenessPage",
    "CompletenessRow",
    "EntryBreakdown",
    "EntryChoice",
    "EntryPage",
    "EntryRow",
    "FigureRow",
    "HistoryRow",
    "IndicatorPage",
    "IndicatorSummary",
    "NeighbourBar",
    "NeighbourComparison",
    "PackIndicator",
    "ReferenceLine",
    "ReviewPeriod",
    "ShownFigure",
    "StartEntry",
    "TargetEdit",
    "TargetRow",
    "TargetsPage",
    "approval_scope",
    "authority_and_permissions",
    "authority_for",
    "club_scope",
    "club_sharing_page",
    "comparator_figures_waiting",
    "completeness_page",
    "entry_page",
    "entry_periods",
    "figure_for_review",
    "figure_history",
    "figure_text",
    "figures_for_review",
    "indicator_page",
    "pack_indicators",
    "period_for",
    "period_not_ended_message",
    "review_periods",
    "start_entries",
    "target_edit",
    "targets_page",
    "year_end_outturn",
]
