"""Reads of scrutiny packs, each taking the acting user (the rules are `accounts.access`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts import access
from indicators.models import Figure
from indicators.selectors import figure_text

from . import revisions
from .content import pack_content
from .models import Pack, PackStatus


def packs_for(user: Any, *, status: str | None = None) -> QuerySet[Pack]:
    """The packs the user may read: councillors their authority's published packs; officers
    and managers those and their authority's unpublished ones; admins all. Newest meeting first."""
    packs = access.readable_packs(
        user, Pack.objects.select_related("authority", "period").order_by("-meeting_date", "title")
    )
    return packs.filter(status=status) if status else packs


def _pack(pack_id: int) -> Pack:
    try:
        return Pack.objects.select_related("authority", "period").get(pk=pack_id)
    except Pack.DoesNotExist as missing:
        raise Http404("There is no such pack.") from missing


def pack_for_reading(user: Any, pack_id: int) -> Pack:
    pack = _pack(pack_id)
    access.require_pack_reader(user, pack)
    return pack


def pack_for_editing(user: Any, pack_id: int) -> Pack:
    pack = _pack(pack_id)
    access.require_pack_editor(user, pack)
    return pack


def _live(figure_ids: set[int]) -> dict[int, revisions.LiveFigure]:
    figures = Figure.objects.filter(pk__in=figure_ids).select_related("indicator")
    return {
        figure.pk: revisions.LiveFigure(
            figure_id=figure.pk,
            version=figure.version,
            text=figure_text(figure),
            value=None if figure.value is None else str(figure.value),
            updated_at=figure.updated_at,
        )
        for figure in figures
    }


def published_content(pack: Pack) -> list[dict[str, Any]]:
    """A published pack's sections as frozen, each figure since revised carrying a note with
    its new value and when (`revisions.annotate`). One query for the live figures, whatever
    the pack's size. The caller has checked the reader (`pack_for_reading`)."""
    if pack.status != PackStatus.PUBLISHED:
        raise ValueError("Only a published pack has frozen content.")
    frozen = [section.frozen or {} for section in pack.sections.order_by("order")]
    ids = {
        figure["figure_id"] for content in frozen for figure in revisions.frozen_figures(content)
    }
    live = _live(ids)
    return [revisions.annotate(content, live) for content in frozen]


def pack_content_for(user: Any, pack: Pack) -> list[dict[str, Any]]:
    """What a reader sees: a published pack's frozen content (with revision notes), or an
    unpublished pack's live content (a preview for those who compose or review it)."""
    access.require_pack_reader(user, pack)
    if pack.status == PackStatus.PUBLISHED:
        return published_content(pack)
    return pack_content(pack, user=user)
