"""The benchmarking club (docs/0017): an authority's setting to share its figures, and the
release of its approved figures, each at the version approved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access
from accounts.access import SystemActor

from .. import dashboards
from ..models import (
    Area,
    ChangeChannel,
    ClubSharingChange,
    Figure,
    FigureChange,
    FigureStatus,
    Period,
)
from .figure_writes import change_row, figure_snapshot

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def club_sharing_set(
    *, user: User | SystemActor, authority: Area, shares: bool, reason: str
) -> Area:
    """Turn an authority's benchmarking-club setting on or off, with the reason, on the record.
    While it is on, the figures the authority has approved and released are visible to the
    other authorities of the installation; turned off, none of them is, from the next read.
    Only its managers and admins may (`access.may_change_club_sharing`)."""
    access.require_club_sharing_changer(user, authority)
    if not authority.is_authority:
        raise ValidationError("Only a local authority shares its figures with the club.")
    if not reason.strip():
        raise ValidationError("Say why the setting is changing, for the record.")
    locked: Area = Area.objects.select_for_update().get(pk=authority.pk)
    if locked.shares_with_club == shares:
        raise ValidationError(
            f"{authority.name} already {'shares' if shares else 'does not share'} its "
            "approved figures with the club: nothing was changed."
        )
    locked.shares_with_club = shares
    locked.save(update_fields=["shares_with_club"])
    ClubSharingChange.objects.create(
        authority=locked, changed_by=access.person(user), shares=shares, reason=reason.strip()[:255]
    )
    # Other authorities' comparator means, neighbour charts and benchmarking change with it.
    dashboards.dashboards_changed(area_ids=[locked.pk])
    return locked


@dataclass(frozen=True)
class ReleaseResult:
    released: int  # approved figures released now
    already: int  # approved figures already released at their current version
    not_approved: int  # figures of the period that are not approved, so not released


@transaction.atomic
def figures_release(*, user: User | SystemActor, authority: Area, period: Period) -> ReleaseResult:
    """Release an authority's approved figures for a period to the benchmarking club: each
    at the version approved now, so a later correction is not shared until it is approved and
    released again. Needs the club setting on; only managers and admins may."""
    access.require_club_sharing_changer(user, authority)
    if not Area.objects.filter(pk=authority.pk, shares_with_club=True).exists():
        raise ValidationError(
            f"{authority.name} does not share its figures with the benchmarking club: turn "
            "sharing on first (its Benchmarking club page), then release the approved figures."
        )
    figures = list(
        Figure.objects.select_for_update().filter(area=authority, period=period).order_by("pk")
    )
    approved = [figure for figure in figures if figure.status == FigureStatus.APPROVED]
    to_release = [figure for figure in approved if figure.released_version != figure.version]
    who = access.person(user)
    for figure in to_release:
        figure.released_version = figure.version
    Figure.objects.bulk_update(to_release, ["released_version"])
    FigureChange.objects.bulk_create(
        change_row(
            figure,
            user=who,
            channel=ChangeChannel.FORM,
            before=figure_snapshot(figure),
            reason="Released to the benchmarking club",
        )
        for figure in to_release
    )
    if to_release:
        dashboards.dashboards_changed(area_ids=[authority.pk])
    return ReleaseResult(
        released=len(to_release),
        already=len(approved) - len(to_release),
        not_approved=len(figures) - len(approved),
    )
