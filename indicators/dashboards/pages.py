"""The dashboard page, which reads one snapshot, and the admins' page of every dashboard,
from which they can rebuild them all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.safestring import SafeString

from accounts import access
from accounts.access import Permission

from ..models import Area, Dashboard, DashboardSnapshot
from ..queue import task_queue_on_commit
from ..selectors import authority_and_permissions
from . import tiles
from .rebuilds import REBUILD_TASK, RebuildProgress, rebuild_all_queue, rebuild_progress
from .snapshots import dashboard_rebuild

# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPage:
    authority: Area
    dashboard: Dashboard
    snapshot: DashboardSnapshot
    themes: list[dict[str, Any]]  # as built, narrowed to the theme asked for
    attention: list[dict[str, Any]]
    theme_choices: list[tuple[str, str]]  # slug, name
    scope_choices: list[tuple[int, str]]  # category id, "Locality: North"
    theme: str  # the theme asked for, or ""
    scope: int | None  # the locality or team asked for, or None for the whole authority
    can_edit: bool

    @property
    def is_stale(self) -> bool:
        return self.dashboard.is_stale

    @property
    def attention_links(self) -> list[tuple[str, str, str]]:
        """The measures needing attention: each one's page, title and why."""
        href = tiles.indicator_hrefs(self.authority.slug)
        return [(href(item["code"]), item["title"], item["reason"]) for item in self.attention]

    @property
    def themes_html(self) -> SafeString:
        """The themes' headings and tiles, written in Python (`tiles`): the template language
        took most of the page's time over eighty tiles."""
        return tiles.themes_html(self.authority.slug, self.themes)


class UnknownFilter(Exception):
    """A theme or a locality or team the dashboard does not have."""


def dashboard_page(user: Any, slug: str, *, theme: str = "", scope: str = "") -> DashboardPage:
    """The authority's dashboard as last built, for the whole authority or one locality or team
    (`scope`, a category id), narrowed to one theme if asked. A handful of queries whatever
    the data size: the page reads one snapshot. A dashboard never built (a new authority) is
    built here first."""
    authority, permissions = authority_and_permissions(user, slug, Permission.VIEW_FIGURES)
    category_id: int | None = None
    if scope:
        if not scope.isdigit():
            raise UnknownFilter("There is no such locality or team.")
        category_id = int(scope)
    snapshot = _snapshot(authority, category_id)
    if snapshot is None and category_id is None:
        dashboard_rebuild(authority=authority)
        snapshot = _snapshot(authority, None)
    if snapshot is None:
        raise UnknownFilter("There is no dashboard for that locality or team.")
    content = snapshot.content
    themes = content["themes"]
    theme_choices = [(item["slug"], item["name"]) for item in themes]
    if theme and theme not in dict(theme_choices):
        raise UnknownFilter("This dashboard has no such theme.")
    return DashboardPage(
        authority=authority,
        dashboard=snapshot.dashboard,
        snapshot=snapshot,
        themes=[item for item in themes if not theme or item["slug"] == theme],
        attention=[item for item in content["attention"] if not theme or item["theme"] == theme],
        theme_choices=theme_choices,
        scope_choices=[(item["id"], item["label"]) for item in content.get("scopes", [])],
        theme=theme,
        scope=category_id,
        can_edit=Permission.EDIT_FIGURES in permissions,
    )


def _snapshot(authority: Area, category_id: int | None) -> DashboardSnapshot | None:
    return (
        DashboardSnapshot.objects.select_related("dashboard")
        .filter(dashboard_id=authority.pk, category_id=category_id)
        .first()
    )


# --- the admins' page: every dashboard, and rebuilding them all ----------------------------


@dataclass(frozen=True)
class RebuildsPage:
    dashboards: list[tuple[Area, Dashboard | None]]  # every authority, with its dashboard
    progress: RebuildProgress


def rebuilds_page(user: Any) -> RebuildsPage:
    """Every authority's dashboard with when it was built and whether a rebuild is due, and
    how far the latest rebuild of them all has got. Admins only."""
    access.require_admin(user)
    built = {dashboard.pk: dashboard for dashboard in Dashboard.objects.all()}
    return RebuildsPage(
        [(area, built.get(area.pk)) for area in Area.objects.authorities().order_by("name")],
        rebuild_progress(),
    )


def dashboards_rebuild_request(*, user: Any, authority_slug: str = "") -> int:
    """An admin asks for every dashboard (or one authority's) to be rebuilt now: the rebuilds
    are queued once the request commits. Says how many were asked for."""
    access.require_admin(user)
    if authority_slug:
        authority = Area.objects.authorities().filter(slug=authority_slug).first()
        if authority is None:
            raise UnknownFilter("There is no such authority.")
        task_queue_on_commit(REBUILD_TASK, authority.pk)
        return 1
    transaction.on_commit(rebuild_all_queue)
    return Area.objects.authorities().count()
