"""Reads of scrutiny packs, each taking the acting user (the rules are `accounts.access`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from accounts import access
from indicators.models import Area, AreaKind, Figure, Indicator, Theme
from indicators.selectors import figure_text

from . import public, revisions
from .content import pack_content
from .models import LISTED_KINDS, Pack, PackEvent, PackSection, PackStatus


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


def _live(frozen: dict[int, int]) -> dict[int, revisions.LiveFigure]:
    """The figures now, by id, for frozen {figure id: version}. The versions are read for all
    (one light query); the text and value only for those that have moved on, which are few."""
    versions = dict(Figure.objects.filter(pk__in=frozen).values_list("pk", "version"))
    moved = [pk for pk, version in versions.items() if version > frozen[pk]]
    figures = {
        figure.pk: figure
        for figure in Figure.objects.filter(pk__in=moved).select_related("indicator")
    }
    return {
        pk: (
            revisions.LiveFigure(
                figure_id=pk,
                version=figure.version,
                text=figure_text(figure),
                value=None if figure.value is None else str(figure.value),
                updated_at=figure.updated_at,
            )
            if (figure := figures.get(pk)) is not None
            # Unchanged since publication: only the version matters.
            else revisions.LiveFigure(pk, version, text="", value=None, updated_at=None)
        )
        for pk, version in versions.items()
    }


def _published(pack: Pack) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """A published pack's content with its revision notes, and which figures (id, version now)
    have moved on since publication: all a reader can see change in a published pack."""
    if pack.status != PackStatus.PUBLISHED:
        raise ValueError("Only a published pack has frozen content.")
    frozen = [section.frozen or {} for section in pack.sections.order_by("order")]
    figures = [figure for content in frozen for figure in revisions.frozen_figures(content)]
    # A figure shown twice (a trend point and the appendix) was frozen at one version.
    shown = {figure["figure_id"]: int(figure.get("version") or 0) for figure in figures}
    live = _live(shown)
    revised = revisions.revised_figures(shown, live)
    # Usually nothing has been corrected since: the frozen content is shown as it is.
    if not revised:
        return frozen, revised
    return [revisions.annotate(content, live) for content in frozen], revised


def published_content(pack: Pack) -> list[dict[str, Any]]:
    """A published pack's sections as frozen, each figure since revised carrying a note with
    its new value and when (`revisions.annotate`). Two queries for the live figures, whatever
    the pack's size. The caller has checked the reader (`pack_for_reading`)."""
    return _published(pack)[0]


def pack_content_for(user: Any, pack: Pack) -> list[dict[str, Any]]:
    """What a reader sees: a published pack's frozen content (with revision notes), or an
    unpublished pack's live content (a preview for those who compose or review it)."""
    access.require_pack_reader(user, pack)
    if pack.status == PackStatus.PUBLISHED:
        return published_content(pack)
    return pack_content(pack, user=user)


# --- pages ---------------------------------------------------------------------------------


def _authority(slug: str) -> Area:
    try:
        return Area.objects.get(slug=slug, kind=AreaKind.AUTHORITY)
    except Area.DoesNotExist as missing:
        raise Http404("There is no authority at this address.") from missing


@dataclass(frozen=True)
class PackList:
    authority: Area
    packs: list[Pack]
    can_compose: bool
    can_keep_questions: bool = False  # the committee questions and actions (docs/0022)


def pack_list(user: Any, slug: str) -> PackList:
    """An authority's packs as the user may see them: councillors the published ones, those
    who compose or approve every one. 403 for anyone who may not read its packs at all."""
    authority = _authority(slug)
    access.require_packs_reader(user, authority)
    return PackList(
        authority=authority,
        packs=list(packs_for(user).filter(authority=authority)),
        can_compose=access.may_compose_packs(user, authority),
        can_keep_questions=access.may_keep_committee_questions(user, authority),
    )


def composer_authority(user: Any, slug: str) -> Area:
    """The authority a new pack is for, if the user may prepare its packs (else 403/404)."""
    authority = _authority(slug)
    access.require_pack_composer(user, authority)
    return authority


def _pack_of(slug: str, pack_id: int) -> Pack:
    pack = _pack(pack_id)
    if pack.authority.slug != slug:
        raise Http404("There is no such pack.")
    return pack


def pack_to_read(user: Any, slug: str, pack_id: int) -> Pack:
    pack = _pack_of(slug, pack_id)
    access.require_pack_reader(user, pack)
    return pack


def pack_to_follow(user: Any, slug: str, pack_id: int) -> Pack:
    """A pack for its composing page or a workflow step: those who compose or approve."""
    pack = _pack_of(slug, pack_id)
    access.require_pack_follower(user, pack)
    return pack


def pack_to_edit(user: Any, slug: str, pack_id: int) -> Pack:
    """A pack whose sections the user may change (its authority's composers)."""
    pack = _pack_of(slug, pack_id)
    access.require_pack_editor(user, pack)
    return pack


def pack_to_delete(user: Any, slug: str, pack_id: int) -> Pack:
    """A pack the user may delete (its authority's officers and managers; drafts only, which
    is the service's rule)."""
    pack = _pack_of(slug, pack_id)
    access.require_pack_deleter(user, pack)
    return pack


def pack_to_review(user: Any, slug: str, pack_id: int) -> Pack:
    """A pack the user may return or approve (a manager who did not create it)."""
    pack = _pack_of(slug, pack_id)
    access.require_pack_reviewer(user, pack)
    return pack


def section_to_edit(user: Any, slug: str, pack_id: int, section_id: int) -> PackSection:
    pack = _pack_of(slug, pack_id)
    access.require_pack_editor(user, pack)
    try:
        section = pack.sections.select_related("theme").get(pk=section_id)
    except PackSection.DoesNotExist as missing:
        raise Http404("There is no such section in this pack.") from missing
    section.pack = pack
    return section


def _with_figures(pack: Pack) -> set[int]:
    """The indicators the pack's authority has a figure for by the end of its period: what an
    indicator set or appendix with none chosen shows (the rule of `content._indicators_of`)."""
    return set(
        Figure.objects.overall()
        .filter(area_id=pack.authority_id, period__end__lte=pack.period.end)
        .values_list("indicator_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class IndicatorChoice:
    pk: int
    code: str
    title: str
    has_figure: bool


@dataclass(frozen=True)
class ThemeChoices:
    theme: Theme
    indicators: list[IndicatorChoice]


@dataclass(frozen=True)
class SectionPage:
    section: PackSection
    # For an indicator set or the appendix: the catalogue by theme, which have a figure, and
    # which are chosen now; empty for other kinds.
    choices: list[ThemeChoices]
    chosen: list[int]
    with_figures: int

    @property
    def lists_indicators(self) -> bool:
        return self.section.kind in LISTED_KINDS

    @property
    def offered(self) -> list[int]:
        """The indicators that may be chosen: those listed."""
        return [choice.pk for group in self.choices for choice in group.indicators]


def section_page(user: Any, slug: str, pack_id: int, section_id: int) -> SectionPage:
    """The section edit page: the section and, for one that lists indicators, the catalogue to
    choose from, grouped by theme, each saying whether the authority has a figure for it by
    the end of the pack's period."""
    section = section_to_edit(user, slug, pack_id, section_id)
    if section.kind not in LISTED_KINDS:
        return SectionPage(section=section, choices=[], chosen=[], with_figures=0)
    with_figures = _with_figures(section.pack)
    chosen = list(section.indicators.values_list("pk", flat=True))
    # Only the measures that apply in the authority's nation (issue 17: a Welsh authority is
    # not offered England's). One chosen before the catalogue said so is not offered either:
    # the pack never shows it, so saving the page lets it go.
    offered = Indicator.objects.applicable_to(section.pack.authority)
    groups: dict[int, ThemeChoices] = {}
    for indicator in offered.select_related("theme").order_by(
        "theme__order", "theme__name", "order", "title"
    ):
        group = groups.setdefault(
            indicator.theme_id, ThemeChoices(theme=indicator.theme, indicators=[])
        )
        group.indicators.append(
            IndicatorChoice(
                pk=indicator.pk,
                code=indicator.code,
                title=indicator.title,
                has_figure=indicator.pk in with_figures,
            )
        )
    return SectionPage(
        section=section,
        choices=list(groups.values()),
        chosen=chosen,
        with_figures=len(with_figures),
    )


@dataclass(frozen=True)
class ComposePage:
    pack: Pack
    sections: Sequence[PackSection]
    events: list[PackEvent]
    can_edit: bool
    can_review: bool
    can_publish: bool
    themes: list[Theme]
    # How many indicators an indicator set or appendix with none chosen shows.
    with_figures: int

    @property
    def is_draft(self) -> bool:
        return self.pack.status == PackStatus.DRAFT

    @property
    def may_submit(self) -> bool:
        return self.can_edit and self.pack.status == PackStatus.DRAFT

    @property
    def may_review(self) -> bool:
        return self.can_review and self.pack.status == PackStatus.IN_REVIEW

    @property
    def may_publish(self) -> bool:
        return self.can_publish and self.pack.status == PackStatus.APPROVED


def compose_page(user: Any, slug: str, pack_id: int) -> ComposePage:
    pack = pack_to_follow(user, slug, pack_id)
    # Each section with `chosen`: how many indicators it lists (an indicator set, the appendix).
    sections = list(
        pack.sections.select_related("theme").annotate(chosen=Count("indicators")).order_by("order")
    )
    listing = any(section.kind in LISTED_KINDS for section in sections)
    return ComposePage(
        pack=pack,
        sections=sections,
        events=list(pack.events.select_related("by").order_by("at", "id")),
        can_edit=access.may_edit_pack(user, pack),
        can_review=access.may_review_pack(user, pack),
        can_publish=access.may_publish_pack(user, pack),
        themes=list(Theme.objects.order_by("order", "name")),
        with_figures=len(_with_figures(pack)) if listing else 0,
    )


# Raise when _pack_body.html (or what it includes) changes, so that cached pack bodies and PDFs
# made with the old layout are not served.
LAYOUT_VERSION = 9  # 9: figures' data quality (issue 19)


@dataclass(frozen=True)
class ReadingPage:
    pack: Pack
    sections: list[dict[str, Any]]
    is_published: bool
    # A published pack's content is frozen: what can change is which figures were revised
    # since (id, version now), so that, not the whole content, goes into its digest.
    revised: tuple[tuple[int, int], ...] | None = None
    # The public version's token (docs/0023): its body leaves sections out and links to the
    # public PDF, so it is cached apart from the councillors' body.
    public_token: str = ""

    def digest(self) -> str:
        """A digest of everything the pack's body shows (its details and status, and its
        content: for a published pack, its publication and revisions since; for a draft, the
        live content) and of the layout: the key under which its rendered body and its PDF
        are cached. The same content gives the same key; any change a reader could see gives
        a new one."""
        pack = self.pack
        shown = {
            "layout": LAYOUT_VERSION,
            "pack": [
                pack.pk,
                pack.title,
                pack.committee,
                pack.meeting_date.isoformat(),
                pack.period.label,
                pack.authority.name,
                pack.authority.slug,
                pack.status,
                pack.published_at.isoformat() if pack.published_at else None,
            ],
            "content": self.revised if self.is_published else self.sections,
            "public": self.public_token,
        }
        encoded = json.dumps(shown, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def reading_page(user: Any, slug: str, pack_id: int) -> ReadingPage:
    """The councillors' view: a published pack's frozen content with its revision notes, or
    (for those who prepare or review it) a draft's live content."""
    pack = pack_to_read(user, slug, pack_id)
    if pack.status == PackStatus.PUBLISHED:
        sections, revised = _published(pack)
        return ReadingPage(pack=pack, sections=sections, is_published=True, revised=tuple(revised))
    return ReadingPage(pack=pack, sections=pack_content(pack, user=user), is_published=False)


def public_reading_page(slug: str, token: str) -> ReadingPage:
    """The public version of a published pack (no sign-in: docs/0023), by its token: the
    frozen content with its revision notes, less what may not be published
    (`public.public_sections`). 404 for a token that opens nothing (wrong, switched off, or
    another authority's address)."""
    if not token:
        raise Http404("There is no such pack.")
    pack = (
        Pack.objects.select_related("authority", "period")
        .filter(public_token=token, status=PackStatus.PUBLISHED, authority__slug=slug)
        .first()
    )
    if pack is None:
        raise Http404("There is no such pack.")
    sections, revised = _published(pack)
    return ReadingPage(
        pack=pack,
        sections=public.public_sections(sections),
        is_published=True,
        revised=tuple(revised),
        public_token=token,
    )
