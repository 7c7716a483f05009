"""Dashboards: snapshots of each authority's position, built from its figures, targets and
comparators, and read by the dashboard page.

- `snapshots`: reading what a dashboard shows and building its snapshots
  (`dashboard_rebuild`), with the rating rules every page shares (`figure_context`).
- `rebuilds`: which dashboards a write touches (`authorities_affected`), marking them stale
  and queueing their rebuilds after the write commits (`dashboards_changed`), and the
  progress of a rebuild of them all.
- `pages`: the dashboard page and the admins' page of every dashboard.

Callers import from the package (`from indicators import dashboards`), which re-exports each
module's public names.
"""

from .pages import (
    DashboardPage,
    RebuildsPage,
    UnknownFilter,
    dashboard_page,
    dashboards_rebuild_request,
    rebuilds_page,
)
from .rebuilds import (
    ALL_REBUILD_KEY,
    COALESCE_SECONDS,
    RebuildProgress,
    authorities_affected,
    dashboards_changed,
    queued_key,
    rebuild_all_queue,
    rebuild_progress,
    request_rebuilds,
)
from .snapshots import WORSENING_PERIODS, dashboard_rebuild

__all__ = [
    "ALL_REBUILD_KEY",
    "COALESCE_SECONDS",
    "WORSENING_PERIODS",
    "DashboardPage",
    "RebuildProgress",
    "RebuildsPage",
    "UnknownFilter",
    "authorities_affected",
    "dashboard_page",
    "dashboard_rebuild",
    "dashboards_changed",
    "dashboards_rebuild_request",
    "queued_key",
    "rebuild_all_queue",
    "rebuild_progress",
    "rebuilds_page",
    "request_rebuilds",
]
