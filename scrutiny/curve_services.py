"""Every change to a Turning the Curve report: one keyword-only function per change, in a
transaction, the actor checked first (`accounts.access`), nothing written on a refusal.

Every save of a report keeps a `CurveVersion`: who saved it, when, and what it said (its
title, indicator, story, partners, what works and action plan), so that what a committee was
told can be read again after the report has moved on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access
from audits.models import Action
from indicators.models import Area, AreaKind, Indicator

from .models import (
    CurveAction,
    CurveActionStatus,
    CurveReport,
    CurveVersion,
    Pack,
    PackSection,
    PackStatus,
    SectionKind,
)

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


@dataclass(frozen=True)
class Partner:
    partner: str
    role: str


@dataclass(frozen=True)
class WhatWorks:
    what: str
    evidence: str


@dataclass(frozen=True)
class PlannedAction:
    what: str
    who: str = ""
    by_when: date | None = None
    status: str = CurveActionStatus.NOT_STARTED
    plan_action_id: int | None = None


def _person(user: User | SystemActor, *, doing: str) -> User:
    """Reports are people's work: every version is recorded against a person."""
    return access.require_person(user, doing=f"{doing} a Turning the Curve report")


def _partners(partners: Sequence[Partner]) -> list[dict[str, str]]:
    cleaned = []
    for number, item in enumerate(partners, start=1):
        if not item.partner.strip() or not item.role.strip():
            raise ValidationError(f"Partner {number} needs both a partner and their role.")
        cleaned.append({"partner": item.partner.strip(), "role": item.role.strip()})
    return cleaned


def _what_works(items: Sequence[WhatWorks]) -> list[dict[str, str]]:
    cleaned = []
    for number, item in enumerate(items, start=1):
        if not item.what.strip() or not item.evidence.strip():
            raise ValidationError(f"What works {number} needs both what works and its evidence.")
        cleaned.append({"what": item.what.strip(), "evidence": item.evidence.strip()})
    return cleaned


def _actions(authority: Area, actions: Sequence[PlannedAction]) -> list[CurveAction]:
    """The plan's actions, unsaved, each checked: a link only to an improvement-plan action of
    the same authority."""
    linked_ids = {a.plan_action_id for a in actions if a.plan_action_id is not None}
    linked = {
        action.pk: action
        for action in Action.objects.filter(pk__in=linked_ids, priority__plan__authority=authority)
    }
    built = []
    for number, item in enumerate(actions, start=1):
        if not item.what.strip():
            raise ValidationError(f"Action {number} needs to say what will be done.")
        if item.status not in CurveActionStatus.values:
            raise ValidationError(f"Action {number} has no status called {item.status!r}.")
        if item.plan_action_id is not None and item.plan_action_id not in linked:
            raise ValidationError(
                f"Action {number} is linked to an improvement-plan action that is not "
                f"{authority.name}'s."
            )
        built.append(
            CurveAction(
                order=number,
                what=item.what.strip(),
                who=item.who.strip(),
                by_when=item.by_when,
                status=item.status,
                plan_action=linked.get(item.plan_action_id) if item.plan_action_id else None,
            )
        )
    return built


def snapshot(report: CurveReport) -> dict[str, Any]:
    """What the report says, as a version keeps it."""
    return {
        "title": report.title,
        "indicator": {"code": report.indicator.code, "title": report.indicator.title},
        "story": report.story,
        "partners": list(report.partners),
        "what_works": list(report.what_works),
        "actions": [
            {
                "what": action.what,
                "who": action.who,
                "by_when": action.by_when.isoformat() if action.by_when else None,
                "status": action.get_status_display(),
                "plan_action": action.plan_action.text[:200] if action.plan_action else None,
            }
            for action in report.actions.select_related("plan_action").order_by("order")
        ],
    }


def _keep_version(report: CurveReport, who: User) -> CurveVersion:
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return CurveVersion.objects.create(
        report=report, number=last + 1, saved_by=who, content=snapshot(report)
    )


def _check_words(title: str, indicator: Indicator | None) -> None:
    if not title.strip():
        raise ValidationError("Give the report a title.")
    if indicator is None:
        raise ValidationError("Choose the indicator whose curve the report is to turn.")


@transaction.atomic
def report_create(
    *,
    user: User | SystemActor,
    authority: Area,
    indicator: Indicator,
    title: str,
    story: str = "",
    partners: Sequence[Partner] = (),
    what_works: Sequence[WhatWorks] = (),
    actions: Sequence[PlannedAction] = (),
) -> CurveReport:
    """A new report for the authority and indicator, with its first version."""
    who = _person(user, doing="write")
    access.require_curves_writer(who, authority)
    if authority.kind != AreaKind.AUTHORITY:
        raise ValidationError("A Turning the Curve report is written for a local authority.")
    _check_words(title, indicator)
    cleaned_partners = _partners(partners)
    cleaned_works = _what_works(what_works)
    built = _actions(authority, actions)
    report = CurveReport.objects.create(
        authority=authority,
        indicator=indicator,
        title=title.strip(),
        story=story,
        partners=cleaned_partners,
        what_works=cleaned_works,
    )
    for action in built:
        action.report = report
    CurveAction.objects.bulk_create(built)
    _keep_version(report, who)
    return report


@transaction.atomic
def report_edit(
    *,
    user: User | SystemActor,
    report: CurveReport,
    indicator: Indicator,
    title: str,
    story: str,
    partners: Sequence[Partner],
    what_works: Sequence[WhatWorks],
    actions: Sequence[PlannedAction],
) -> CurveReport:
    """Save the report as given (its action plan replaced by `actions`), keeping a version."""
    report = (
        CurveReport.objects.select_for_update()
        .select_related("authority", "indicator")
        .get(pk=report.pk)
    )
    who = _person(user, doing="edit")
    access.require_curves_writer(who, report.authority)
    _check_words(title, indicator)
    cleaned_partners = _partners(partners)
    cleaned_works = _what_works(what_works)
    built = _actions(report.authority, actions)
    report.indicator = indicator
    report.title = title.strip()
    report.story = story
    report.partners = cleaned_partners
    report.what_works = cleaned_works
    report.save()
    report.actions.all().delete()
    for action in built:
        action.report = report
    CurveAction.objects.bulk_create(built)
    _keep_version(report, who)
    return report


@transaction.atomic
def add_to_pack(
    *, user: User | SystemActor, report: CurveReport, pack: Pack, title: str = ""
) -> PackSection:
    """A Turning the Curve section showing the report, at the end of a draft pack of the same
    authority: for those who may both write the report and edit the pack."""
    pack = Pack.objects.select_for_update().select_related("authority").get(pk=pack.pk)
    who = _person(user, doing="add to a pack")
    access.require_curves_writer(who, report.authority)
    access.require_pack_editor(who, pack)
    if pack.authority_id != report.authority_id:
        raise ValidationError("A report can only go into a pack of its own authority.")
    if pack.status != PackStatus.DRAFT:
        raise ValidationError(
            f"This pack is {pack.get_status_display().lower()}: only a draft can be changed."
        )
    last = pack.sections.order_by("-order").values_list("order", flat=True).first() or 0
    return PackSection.objects.create(
        pack=pack,
        order=last + 1,
        kind=SectionKind.TURNING_THE_CURVE,
        title=title.strip() or f"Turning the Curve: {report.title}",
        curve=report,
    )
