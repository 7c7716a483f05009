"""Where every page starts: the authority and the period named in its web address (checked
through `accounts.access`: 403 or 404 otherwise), and the start page's list of the
authorities a user works with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext

from accounts import access
from accounts.access import Permission

from ..models import Area, AreaKind, Period

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser

# --- the authority and period a page is about -----------------------------------------------


def authority_for(user: AnyUser, slug: str, permission: Permission) -> Area:
    """The authority named in a URL, if the user may `permission` there (else 403 / 404)."""
    return authority_and_permissions(user, slug, permission)[0]


def authority_and_permissions(
    user: AnyUser, slug: str, permission: Permission
) -> tuple[Area, frozenset[Permission]]:
    """The authority named in a URL, if the user may `permission` there (else 403 / 404), and
    everything else the user may do there: two queries, for a page that asks more."""
    try:
        authority = Area.objects.get(slug=slug, kind=AreaKind.AUTHORITY)
    except Area.DoesNotExist as missing:
        raise Http404("There is no authority at this address.") from missing
    return authority, access.require(user, permission, authority)


def period_for(key: str) -> Period:
    """The period named in a web address, or 404."""
    try:
        return Period.objects.from_url_key(key)
    except ValueError as wrong:
        raise Http404(str(wrong)) from wrong


# --- start page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StartEntry:
    authority: Area
    role_label: str
    can_view_figures: bool


def start_entries(user: AnyUser) -> list[StartEntry]:
    """The authorities the user works with, and what they may open in each."""
    if access.is_admin(user):
        return [
            StartEntry(authority, gettext("Administrator"), True)
            for authority in Area.objects.authorities().order_by("name")
        ]
    return [
        StartEntry(
            membership.authority,
            membership.get_role_display(),
            access.can(user, Permission.VIEW_FIGURES, membership.authority),
        )
        for membership in access.memberships_of(user)
    ]
