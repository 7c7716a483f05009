"""Every change to a scrutiny pack: one keyword-only function per change, in a transaction.

Workflow: draft -> in review -> approved -> published, with in review -> draft when a reviewer
returns it. Only a draft's sections change. Each step is recorded as a `PackEvent` (who, when,
from, to, comment). Publishing stores each section's content as it stood (`frozen`), with every
figure's id and version, and the pack never reads live figures again (see `selectors`).

Who may do what is `accounts.access`, asked again by every service with the acting user before
it writes anything (the views ask first), so that no other caller can skip a rule; a step out
of order is a ValidationError that says what the pack's status is and what would be needed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import access
from indicators.models import Area, AreaKind, Figure, Indicator, Period, Theme

from . import blueprints, exempt, rules
from .content import pack_content
from .models import (
    LAID_OUT_KINDS,
    LISTED_KINDS,
    Pack,
    PackEvent,
    PackSection,
    PackStatus,
    SectionKind,
    SectionLayout,
    TemplateKind,
)
from .question_selectors import with_matters_arising

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

logger = logging.getLogger(__name__)


def _person(user: User | SystemActor, *, doing: str) -> User:
    """The person acting on a pack. Packs are people's work: every step is recorded against
    a person, approval takes a second person, and publishing freezes the content as the
    publisher may read it. So the system is refused, and so is a missing user, before the
    pack rules are asked."""
    return access.require_person(user, doing=f"{doing} a scrutiny pack")


def _locked(pack: Pack) -> Pack:
    """The pack's row, locked until commit, so two reviewers cannot both move it."""
    return Pack.objects.select_for_update().select_related("authority", "period").get(pk=pack.pk)


def _record(pack: Pack, user: User, from_status: str, to_status: str, comment: str = "") -> None:
    PackEvent.objects.create(
        pack=pack, from_status=from_status, to_status=to_status, by=user, comment=comment
    )


def _require_draft(pack: Pack) -> None:
    if pack.status != PackStatus.DRAFT:
        raise ValidationError(
            f"This pack is {pack.get_status_display().lower()}: only a draft can be changed. "
            "A reviewer can return a pack in review to draft."
        )


def _move(pack: Pack, user: User, *, expected: str, to: str, doing: str, comment: str) -> Pack:
    if pack.status != expected:
        raise ValidationError(
            f"This pack is {pack.get_status_display().lower()}, so it cannot be {doing}: only a "
            f"pack that is {PackStatus(expected).label.lower()} can."
        )
    from_status = pack.status
    pack.status = to
    if to == PackStatus.PUBLISHED:
        pack.published_at = timezone.now()
    pack.save(update_fields=["status", "published_at"])
    _record(pack, user, from_status, to, comment)
    return pack


# --- composition ---------------------------------------------------------------------------


def _template_refusal(template: str, authority: Area, period: Period) -> str:
    """Why `template` cannot make a pack for `authority` on `period`, or "" if it can."""
    if template not in TemplateKind.values:
        return f"There is no pack template called {template!r}."
    name = TemplateKind(template).label
    if template not in blueprints.templates_for(authority.nation):
        return (
            f"The {name} template is for authorities in "
            f"{' and '.join(n.title() for n in blueprints.TEMPLATE_NATIONS[template])}: "
            f"choose another template for {authority.name}."
        )
    kinds = blueprints.TEMPLATE_PERIOD_KINDS.get(template)
    if kinds is not None and period.kind not in kinds:
        return (
            f"A {name} reports on a quarter (Q2 for the half year), "
            f"not {period.label}: choose a quarter."
        )
    return ""


# A section a blueprint makes, and the indicators it is to list (an indicator set's choice).
Planned = tuple[PackSection, list[Indicator]]


def _planned(spec: blueprints.Spec, authority: Area, period: Period) -> list[Planned]:
    """The sections one blueprint entry makes for `authority`'s pack on `period`: the
    catalogue's themes, the groups of its nation's framework, or the themes of its local
    measures (those it has a figure for by the period's end), as the entry asks."""
    if isinstance(spec, blueprints.EveryTheme):
        return [
            (PackSection(kind=spec.kind, title=theme.name, theme=theme), [])
            for theme in Theme.objects.order_by("order", "name")
        ]
    if isinstance(spec, blueprints.EveryFrameworkGroup):
        if authority.nation != spec.nation:
            return []
        groups: dict[str, list[Indicator]] = {}
        for indicator in Indicator.objects.applicable_to(authority).filter(
            nations=spec.nation, source=spec.source
        ):
            groups.setdefault(indicator.framework_group, []).append(indicator)
        return [
            (
                PackSection(kind=spec.kind, title=group or "National measures", layout=spec.layout),
                groups[group],
            )
            for group in sorted(groups, key=blueprints.group_order)
        ]
    if isinstance(spec, blueprints.EveryLocalTheme):
        local = Indicator.objects.applicable_to(authority).filter(nations=spec.nations)
        with_figures = set(
            Figure.objects.overall()
            .filter(area=authority, indicator__in=local, period__end__lte=period.end)
            .values_list("indicator__theme_id", flat=True)
        )
        themes: dict[int, list[Indicator]] = {}
        for indicator in local.select_related("theme"):
            if indicator.theme_id in with_figures:
                themes.setdefault(indicator.theme_id, []).append(indicator)
        return [
            (
                PackSection(
                    kind=spec.kind,
                    title=spec.title.format(theme=indicators[0].theme.name),
                    layout=spec.layout,
                ),
                indicators,
            )
            for indicators in themes.values()
        ]
    return [(PackSection(kind=spec.kind, title=spec.title, narrative=spec.narrative), [])]


@transaction.atomic
def pack_create(
    *,
    user: User | SystemActor,
    authority: Area,
    title: str,
    committee: str,
    meeting_date: date,
    period: Period,
    template: str,
) -> Pack:
    """A new draft pack with the template's default sections (see `blueprints`)."""
    who = _person(user, doing="prepare")
    access.require_pack_composer(who, authority)
    if authority.kind != AreaKind.AUTHORITY:
        raise ValidationError("A pack is prepared for a local authority.")
    if refusal := _template_refusal(template, authority, period):
        raise ValidationError(refusal)
    if not title.strip() or not committee.strip():
        raise ValidationError("Give the pack a title and the committee it is for.")
    pack = Pack.objects.create(
        authority=authority,
        title=title.strip(),
        committee=committee.strip(),
        meeting_date=meeting_date,
        period=period,
        template=template,
        created_by=who,
    )
    planned = [
        section
        for spec in blueprints.BLUEPRINTS[template]
        for section in _planned(spec, authority, period)
    ]
    chosen = {id(section): indicators for section, indicators in planned}
    sections = with_matters_arising(pack, [section for section, _ in planned])
    for order, section in enumerate(sections, start=1):
        section.pack = pack
        section.order = order
    PackSection.objects.bulk_create(sections)
    for section in sections:
        if chosen.get(id(section)):
            section.indicators.set(chosen[id(section)])
    _record(pack, who, "", PackStatus.DRAFT, f"Created from the {template} template")
    return pack


def _check_section(kind: str, theme: Theme | None) -> None:
    if kind not in SectionKind.values:
        raise ValidationError(f"There is no kind of section called {kind!r}.")
    if kind == SectionKind.THEME_PAGE and theme is None:
        raise ValidationError("Choose the theme this page shows.")


def _layout(kind: str, layout: str) -> str:
    if layout not in SectionLayout.values:
        raise ValidationError(f"There is no layout called {layout!r}.")
    if kind not in LAID_OUT_KINDS and layout != SectionLayout.CARDS:
        raise ValidationError("Only a theme page or an indicator set chooses a layout.")
    return layout


def _listed(kind: str, indicators: Sequence[Indicator | int]) -> list[Indicator]:
    """The indicators a section of this kind is to list, each found in the catalogue (by
    itself or its id); a refusal names any id that is not an indicator, before anything is
    written. Only an indicator set and the appendix list indicators."""
    if not indicators:
        return []
    if kind not in LISTED_KINDS:
        raise ValidationError("Only an indicator set or an appendix data set lists indicators.")
    ids: list[int] = []
    for item in indicators:
        pk = item.pk if isinstance(item, Indicator) else item
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValidationError(f"{pk!r} is not an indicator: nothing was saved.")
        if pk not in ids:
            ids.append(pk)
    found = Indicator.objects.in_bulk(ids)
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            f"There is no indicator with the id {', '.join(missing)}: nothing was saved."
        )
    return [found[pk] for pk in ids]


@transaction.atomic
def section_add(
    *,
    user: User | SystemActor,
    pack: Pack,
    kind: str,
    title: str = "",
    narrative: str = "",
    theme: Theme | None = None,
    indicators: Sequence[Indicator | int] = (),
) -> PackSection:
    """A new section at the end of a draft pack."""
    pack = _locked(pack)
    access.require_pack_editor(_person(user, doing="edit"), pack)
    _require_draft(pack)
    _check_section(kind, theme)
    if kind == SectionKind.TURNING_THE_CURVE:  # it needs its report: curve_services.add_to_pack
        raise ValidationError("Add a Turning the Curve report to a pack from the report's page.")
    listed = _listed(kind, indicators)
    last = pack.sections.order_by("-order").values_list("order", flat=True).first() or 0
    section = PackSection.objects.create(
        pack=pack,
        order=last + 1,
        kind=kind,
        title=title.strip() or (theme.name if theme else blueprints.DEFAULT_TITLES[kind]),
        narrative=narrative,
        theme=theme,
    )
    if listed:
        section.indicators.set(listed)
    return section


@transaction.atomic
def section_remove(*, user: User | SystemActor, section: PackSection) -> None:
    """Remove a section of a draft; those after it move up, so the order stays 1, 2, 3..."""
    pack = _locked(section.pack)
    access.require_pack_editor(_person(user, doing="edit"), pack)
    _require_draft(pack)
    order = PackSection.objects.get(pk=section.pk, pack=pack).order
    PackSection.objects.filter(pk=section.pk).delete()
    PackSection.objects.filter(pack=pack, order__gt=order).update(order=F("order") - 1)


@transaction.atomic
def section_move(*, user: User | SystemActor, section: PackSection, direction: str) -> PackSection:
    """Swap a section with the one above ("up") or below ("down")."""
    pack = _locked(section.pack)
    access.require_pack_editor(_person(user, doing="edit"), pack)
    _require_draft(pack)
    if direction not in ("up", "down"):
        raise ValidationError("A section moves up or down.")
    section = PackSection.objects.get(pk=section.pk, pack=pack)
    other_order = section.order - 1 if direction == "up" else section.order + 1
    other = PackSection.objects.filter(pack=pack, order=other_order).first()
    if other is None:
        where = "first" if direction == "up" else "last"
        raise ValidationError(f"“{section.title}” is already the {where} section.")
    # The unique (pack, order) constraint is deferred to commit, so a plain swap holds.
    other.order, section.order = section.order, other.order
    other.save(update_fields=["order"])
    section.save(update_fields=["order"])
    return section


@transaction.atomic
def section_edit(
    *,
    user: User | SystemActor,
    section: PackSection,
    title: str | None = None,
    narrative: str | None = None,
    theme: Theme | None = None,
    indicators: Sequence[Indicator | int] | None = None,
    exempt_paragraph: int | None = None,
    layout: str | None = None,
) -> PackSection:
    """Change a draft section's title, narrative (markdown, stored as written and sanitised
    when rendered), theme, indicators or layout. Arguments left as None are left alone.

    `layout` (a `SectionLayout`) is how a theme page or indicator set shows its indicators;
    an unknown layout, or a layout for another kind of section, is refused.

    `indicators` (indicators or their ids) replaces an indicator set's or the appendix's
    chosen indicators; an empty list clears them, so the section shows every indicator with a
    figure by the pack's period end (`content._indicators_of`). An id that is not an indicator,
    or indicators for another kind of section, is refused and nothing is written.

    `exempt_paragraph` marks the section exempt under that paragraph (1-7) of Schedule 12A, or
    0 to mark it not exempt (`exempt.py`)."""
    pack = _locked(section.pack)
    access.require_pack_editor(_person(user, doing="edit"), pack)
    _require_draft(pack)
    section = PackSection.objects.get(pk=section.pk, pack=pack)
    if title is not None:
        if not title.strip():
            raise ValidationError("A section needs a title.")
        section.title = title.strip()
    if narrative is not None:
        section.narrative = narrative
    if theme is not None:
        section.theme = theme
    if exempt_paragraph is not None:
        section.exempt_paragraph = exempt.check_paragraph(exempt_paragraph or None)
    _check_section(section.kind, section.theme)
    if layout is not None:
        section.layout = _layout(section.kind, layout)
    listed = None if indicators is None else _listed(section.kind, indicators)
    section.save()
    if listed is not None:
        section.indicators.set(listed)
    return section


# --- workflow --------------------------------------------------------------------------------


@transaction.atomic
def pack_submit(*, user: User | SystemActor, pack: Pack, comment: str = "") -> Pack:
    """Draft -> in review: the composer asks for review. Refused while an indicator the pack
    shows is red or worsening with no commentary, unless the template's rule is off
    (`rules.missing_commentary`)."""
    pack = _locked(pack)
    who = _person(user, doing="submit")
    access.require_pack_editor(who, pack)
    if not pack.sections.exists():
        raise ValidationError("A pack with no sections cannot be submitted for review.")
    # Commentary where it matters: red or worsening indicators need it (docs/0023).
    if pack.status == PackStatus.DRAFT and (missing := rules.missing_commentary(pack, user=who)):
        raise ValidationError(rules.refusal(missing), code="missing_commentary")
    return _move(
        pack,
        who,
        expected=PackStatus.DRAFT,
        to=PackStatus.IN_REVIEW,
        doing="submitted for review",
        comment=comment,
    )


@transaction.atomic
def pack_return(*, user: User | SystemActor, pack: Pack, comment: str) -> Pack:
    """In review -> draft, with the reviewer's reasons (required: the composer must know)."""
    pack = _locked(pack)
    who = _person(user, doing="review")
    access.require_pack_reviewer(who, pack)
    if not comment.strip():
        raise ValidationError("Say what needs to change before returning the pack.")
    return _move(
        pack,
        who,
        expected=PackStatus.IN_REVIEW,
        to=PackStatus.DRAFT,
        doing="returned to draft",
        comment=comment.strip(),
    )


@transaction.atomic
def pack_approve(*, user: User | SystemActor, pack: Pack, comment: str = "") -> Pack:
    """In review -> approved, by a manager (or admin) who did not create the pack."""
    pack = _locked(pack)
    who = _person(user, doing="approve")
    access.require_pack_reviewer(who, pack)
    return _move(
        pack,
        who,
        expected=PackStatus.IN_REVIEW,
        to=PackStatus.APPROVED,
        doing="approved",
        comment=comment,
    )


@transaction.atomic
def pack_publish(*, user: User | SystemActor, pack: Pack, comment: str = "") -> Pack:
    """Approved -> published: each section's content is frozen as it stands now."""
    pack = _locked(pack)
    who = _person(user, doing="publish")
    access.require_pack_publisher(who, pack)
    if pack.status != PackStatus.APPROVED:
        raise ValidationError(
            f"This pack is {pack.get_status_display().lower()}, so it cannot be published: "
            "only an approved pack can."
        )
    sections = list(pack.sections.order_by("order"))
    contents = pack_content(pack, user=who)
    for section, content in zip(sections, contents, strict=True):
        section.frozen = content
    PackSection.objects.bulk_update(sections, ["frozen"])
    return _move(
        pack,
        who,
        expected=PackStatus.APPROVED,
        to=PackStatus.PUBLISHED,
        doing="published",
        comment=comment,
    )


# --- deletion (docs/0023) --------------------------------------------------------------------


@transaction.atomic
def pack_delete(*, user: User | SystemActor, pack: Pack) -> None:
    """Delete a draft pack with its sections and history. A pack that has gone for review
    (in review, approved) or been published is kept: it is on the record."""
    pack = _locked(pack)
    who = _person(user, doing="delete")
    access.require_pack_deleter(who, pack)
    if pack.status != PackStatus.DRAFT:
        raise ValidationError(
            f"This pack is {pack.get_status_display().lower()}: only a draft can be deleted. "
            + (
                "A published pack stays on the record."
                if pack.status == PackStatus.PUBLISHED
                else "A reviewer can return it to draft first."
            )
        )
    # Its events go with it: the log keeps who deleted which pack.
    logger.info(
        "Scrutiny pack %s (%r, %s) deleted by %s", pack.pk, pack.title, pack.authority.slug, who
    )
    pack.delete()
