"""The public version of a published pack: no sign-in, a link with an unguessable token
(docs/0023).

An authority's managers (and admins) switch it on for a published pack, and off again; each
switch is a `PublicVersionEvent`. Switching on makes a new token (`secrets.token_urlsafe`, 256
bits), so a link switched off stays dead even if the version is switched on again. The token
is stored as it is, not hashed: managers need to see the link again to send it on, and it opens
nothing a person with the database could not read anyway.

What the public version shows is the published pack's frozen content, less what may not be
published (`public_sections`, pure): exempt sections (Schedule 12A), case-level quality
assurance (the audits' findings about individual cases: only the aggregate figures are kept),
and anything of the voice section but its counts and cleared, redacted quotes and comments
(which are all the pack ever holds: `content._voice`). Its glossary lists only the terms the
sections it shows use.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from accounts import access

from . import glossary
from .exempt import is_exempt
from .models import Pack, PackStatus, PublicVersionEvent

if TYPE_CHECKING:
    from datetime import datetime

    from accounts.access import SystemActor
    from accounts.models import User

TOKEN_BYTES = 32
# The aggregate figures of the quality assurance section: counts and percentages, never what
# an audit found about a case. A key added to `content._quality_assurance` stays out of the
# public version until it is added here.
PUBLIC_QUALITY_KEYS = ("audited", "good_or_better", "moderation_agreed", "quarters", "themes")
PUBLIC_VOICE_KEYS = (
    "complaints_by_quarter",
    "outcomes_by_year",
    "compliments",
    "compliment_themes",
    "complaint_themes",
    "surveys",
    "quotes",  # cleared and redacted only (`complaints.selectors.cleared_quotes`)
    "comments",  # likewise (`cleared_comments`)
)


def public_sections(contents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sections of a published pack that its public version shows, filtered: no exempt
    section, the quality assurance section's aggregate figures only, the voice section's
    counts and cleared words only."""
    shown = []
    for content in contents:
        if is_exempt(content):
            continue
        section = dict(content)
        if "quality" in section:
            section["quality"] = {
                key: value
                for key, value in section["quality"].items()
                if key in PUBLIC_QUALITY_KEYS
            }
        if "voice" in section:
            section["voice"] = {
                key: value for key, value in section["voice"].items() if key in PUBLIC_VOICE_KEYS
            }
        shown.append(section)
    if len(shown) < len(contents):
        _narrow_glossary(shown)
    return shown


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "narrative_html":
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _narrow_glossary(shown: list[dict[str, Any]]) -> None:
    """Without the exempt sections, the glossary lists only the terms the sections shown use:
    an abbreviation only an exempt section used could say something of it."""
    texts = [text for s in shown if s.get("kind") != "glossary" for text in _strings(s)]
    for section in shown:
        if section.get("kind") != "glossary" or not section.get("terms"):
            continue
        table = [glossary.Term(t["abbreviation"], t["expansion"]) for t in section["terms"]]
        used = {term.abbreviation for term in glossary.used_in(texts, table)}
        section["terms"] = [t for t in section["terms"] if t["abbreviation"] in used]


def _locked(pack: Pack) -> Pack:
    return Pack.objects.select_for_update().select_related("authority").get(pk=pack.pk)


@transaction.atomic
def public_version_on(*, user: User | SystemActor, pack: Pack) -> Pack:
    """Open a public version of a published pack, at a new link. Already on: left as it is."""
    who = access.require_person(user, doing="make a public version of a scrutiny pack")
    pack = _locked(pack)
    access.require_pack_sharer(who, pack)
    if pack.status != PackStatus.PUBLISHED:
        raise ValidationError(
            f"This pack is {pack.get_status_display().lower()}: only a published pack can "
            "have a public version."
        )
    if pack.public_token:
        return pack
    pack.public_token = secrets.token_urlsafe(TOKEN_BYTES)
    pack.public_since = timezone.now()
    pack.public_by = who
    pack.save(update_fields=["public_token", "public_since", "public_by"])
    PublicVersionEvent.objects.create(pack=pack, switched_on=True, by=who)
    return pack


@transaction.atomic
def public_version_off(*, user: User | SystemActor, pack: Pack) -> Pack:
    """Close the public version: its link opens nothing from now on. Already off: left so."""
    who = access.require_person(user, doing="switch off a public version of a scrutiny pack")
    pack = _locked(pack)
    access.require_pack_sharer(who, pack)
    if not pack.public_token:
        return pack
    pack.public_token = ""
    pack.public_since = None
    pack.public_by = None
    pack.save(update_fields=["public_token", "public_since", "public_by"])
    PublicVersionEvent.objects.create(pack=pack, switched_on=False, by=who)
    return pack


@dataclass(frozen=True)
class PublicVersionBlock:
    """The pack page's "Public version" block, for whoever may follow the pack."""

    is_published: bool
    may_switch: bool
    path: str  # the public version's address, or "" while it is off
    since: datetime | None
    by: str
    events: list[PublicVersionEvent]

    @property
    def is_on(self) -> bool:
        return bool(self.path)


def version_block(user: Any, pack: Pack) -> PublicVersionBlock:
    """The block's content. The caller has checked that the user may follow the pack."""
    path = (
        reverse("scrutiny:public_read", args=[pack.authority.slug, pack.public_token])
        if pack.public_token
        else ""
    )
    return PublicVersionBlock(
        is_published=pack.status == PackStatus.PUBLISHED,
        may_switch=access.may_share_pack_publicly(user, pack),
        path=path,
        since=pack.public_since,
        by=str(pack.public_by) if pack.public_by_id else "",
        events=list(pack.public_events.select_related("by").order_by("at", "id")),
    )


def public_headers(response: HttpResponse) -> HttpResponse:
    """A public version's response: anyone may read it, but every request asks again (a
    version switched off must stop being served at once, by proxies too), and search engines
    are asked not to index the link. Signed-in readers still get `private, no-store` from
    `PrivatePagesMiddleware`, which replaces `public`."""
    patch_cache_control(response, public=True, no_cache=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
