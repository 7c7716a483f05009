"""Writing the record of a removal (`models.RemovalRecord`): the part every app that removes
an authority's records shares. Each app's services build the summary from its own records."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import access

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

    from .models import Area, RemovalRecord

R = TypeVar("R", bound="RemovalRecord")


def reason_given(reason: str) -> str:
    """The reason for a removal, without surrounding space; a blank one is refused on the
    form's `reason` field, before anything is removed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why you are removing it: the reason is kept with the removal."}
        )
    return reason


def removal_record(
    model: type[R],
    *,
    user: User | SystemActor,
    authority: Area,
    kind: str,
    summary: str,
    reason: str,
) -> R:
    """Write one removal of `model`'s kind: who (the person, and their name as it is now; the
    system is shown as such), when, what and why."""
    who = access.person(user)
    return model._default_manager.create(
        authority=authority,
        removed_at=timezone.now(),
        removed_by=who,
        removed_by_name=str(who)[:150] if who is not None else "",
        kind=kind,
        summary=summary[:400],
        reason=reason,
    )
