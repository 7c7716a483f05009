"""State changes for users and memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from . import access
from .models import Language, Membership, Role, User

if TYPE_CHECKING:
    from indicators.models import Area

    from .access import SystemActor


@transaction.atomic
def user_set(
    *,
    actor: User | SystemActor,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_admin: bool = False,
) -> User:
    """Create the user, or bring an existing one up to date (used by set-up commands). Only
    an administrator, or the system running a set-up command, may."""
    access.require_admin_actor(actor, doing="create or change user accounts")
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    # Admins use the Django admin for the catalogue, areas and users, so they are staff too.
    user.is_superuser = is_admin
    user.is_staff = is_admin
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def membership_set(
    *, actor: User | SystemActor, user: User, authority: Area, role: str
) -> Membership:
    """Give the user `role` in `authority`, replacing any role they held there. Only an
    administrator, or the system running a set-up command, may."""
    access.require_admin_actor(actor, doing="give users a role in an authority")
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}: use one of {', '.join(Role.values)}.")
    if not authority.is_authority:
        raise ValueError(f"{authority.name} is not a local authority.")
    membership, _created = Membership.objects.update_or_create(
        user=user, authority=authority, defaults={"role": role}
    )
    return membership


def user_language_set(*, user: User, language: str) -> User:
    """Remember `language` ("cy", "en-gb") as the user's own choice of the interface's
    language, which the middleware then applies whenever they are signed in. A user chooses
    only for themselves (the view passes `request.user`); a language not offered is refused."""
    if language not in Language.values:
        raise ValueError(f"Unknown language {language!r}: use one of {', '.join(Language.values)}.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
