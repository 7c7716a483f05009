"""Removing a draft figure saved by mistake (docs/0008, "Removing a draft figure").

A figure only its enterer has seen can go: one still a draft, never approved (a revised figure
was approved once, and its correction is on record), and typed or imported by the authority
rather than derived. What it held and its audit trail are kept in a `FigureRemoval`, since its
own audit rows go with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access

from .. import dashboards
from ..draft_removal import figure_subject, why_not_removable
from ..formatting import format_value
from ..models import Figure, RollUp
from ..removal_models import FigureRemoval, FigureRemovalKind
from ..removals import reason_given, removal_record
from .figure_writes import StaleFigureError, roll_ups_queue

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


def _history(figure: Figure) -> list[dict[str, Any]]:
    """The figure's audit trail, oldest first, as `FigureRemoval.history` keeps it."""
    return [
        {
            "changed_at": change.changed_at.isoformat(),
            "changed_by": str(change.changed_by) if change.changed_by else "The system",
            "channel": change.channel,
            "old_value": None if change.old_value is None else str(change.old_value),
            "new_value": None if change.new_value is None else str(change.new_value),
            "old_status": change.old_status,
            "new_status": change.new_status,
            "reason": change.reason,
        }
        for change in figure.changes.select_related("changed_by").order_by("changed_at", "id")
    ]


@transaction.atomic
def figure_draft_remove(
    *, user: User | SystemActor, figure: Figure, expected_version: int, reason: str
) -> FigureRemoval:
    """Remove a draft figure saved by mistake, keeping a `FigureRemoval` of who, when, why,
    what it held and its audit trail, and queue what a save queues: the roll-up of its quarter
    and year, and the rebuild of the dashboards that show it.

    Refused with PermissionDenied (nothing written) unless `user` may enter the area's figures
    (`access.require_figures_writer`: the authority's officers, admins); with ValidationError
    if the figure may not be removed (`why_not_removable`), if it changed after the page was
    shown (`expected_version`: StaleFigureError) or if no reason is given."""
    access.require_figures_writer(user, figure.area)
    reason = reason_given(reason)
    current = (
        Figure.objects.select_for_update(of=("self",))
        .select_related("area", "indicator", "period", "breakdown")
        .filter(pk=figure.pk)
        .first()
    )
    if current is None:
        raise ValidationError(f"{figure_subject(figure)} has already been removed.")
    if current.version != expected_version:
        raise StaleFigureError(current)
    refusal = why_not_removable(current)
    if refusal:
        raise ValidationError(refusal)
    indicator = current.indicator
    held = (
        format_value(current.value, indicator.unit, indicator.decimals)
        if current.value is not None
        else f"suppressed ({current.suppression})"
    )
    removal = removal_record(
        FigureRemoval,
        user=user,
        authority=current.area,
        kind=FigureRemovalKind.DRAFT,
        summary=f"{figure_subject(current)}: {held} (draft, version {current.version})",
        reason=reason,
    )
    removal.indicator = indicator
    removal.period = current.period
    removal.breakdown = current.breakdown
    removal.value = current.value
    removal.suppression = current.suppression
    removal.version = current.version
    removal.history = _history(current)
    removal.save()
    current.delete()  # with its audit rows (FigureChange), now kept in `removal.history`
    dashboards.dashboards_changed(area_ids=[current.area_id])
    if current.breakdown_id is None and indicator.roll_up != RollUp.NONE:
        roll_ups_queue(area=current.area, indicator_ids=[indicator.id], period=current.period)
    return removal
