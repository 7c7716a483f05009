"""The benchmarking club (docs/0017): an authority's sharing setting and who may change it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts import access
from accounts.access import Permission

from ..models import Area, ClubSharingChange, Figure
from .start import authority_for

if TYPE_CHECKING:
    from .start import AnyUser


@dataclass(frozen=True)
class ClubSharingPage:
    authority: Area
    shares: bool
    can_change: bool
    released: int  # the authority's figures other authorities may see now, through the club
    history: list[ClubSharingChange]


def club_sharing_page(user: AnyUser, slug: str) -> ClubSharingPage:
    """An authority's benchmarking-club setting: whether it shares, how many figures that
    makes visible to the other authorities, who changed it, when and why."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    return ClubSharingPage(
        authority=authority,
        shares=authority.shares_with_club,
        can_change=access.may_change_club_sharing(user, authority),
        released=(
            Figure.objects.filter(area=authority).released().count()
            if authority.shares_with_club
            else 0
        ),
        history=list(
            ClubSharingChange.objects.filter(authority=authority).select_related("changed_by")
        ),
    )


def club_scope(user: AnyUser, slug: str) -> Area:
    """The authority whose club setting or releases the user would change, if they may."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    access.require_club_sharing_changer(user, authority)
    return authority
