"""Reads of Turning the Curve reports, each taking the acting user (the rules are
`accounts.access`), and a report's content as a plain JSON-able dict: the one shape its own
page shows live and a pack section freezes at publication (`content.section_content`).

The baseline is the indicator's figures for the authority (the same rows a pack shows, with
each figure's id and version, so that a published pack notes a later correction) and the
forecast if nothing changes (`forecast.py`). Councillors see only approved figures on a
report's own page, as they never see figures still being entered or checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone

from accounts import access
from audits.models import Action
from indicators import periods
from indicators.models import Area, AreaKind, Figure, FigureStatus, Indicator, Unit
from indicators.selectors import pack_indicators

from . import forecast
from .markdown import render
from .models import CurveReport, CurveVersion, Pack, PackSection, PackStatus

# The baseline shows this many of the latest periods (as a pack's theme page does).
BASELINE_POINTS = 18
# The period that follows one of each kind, in months (a snapshot has no next period).
_MONTHS_ON = {
    periods.MONTH: 1,
    periods.QUARTER: 3,
    periods.FINANCIAL_YEAR: 12,
    periods.ACADEMIC_YEAR: 12,
}


def valid_range(unit: str) -> forecast.ValidRange:
    """What the measure can be: a percentage 0-100; a count, rate, duration, score or sum of
    money never below zero."""
    if unit == Unit.PERCENT:
        return forecast.PERCENTAGE
    return forecast.NOT_NEGATIVE


def _next_labels(kind: str, start: date, count: int) -> list[str]:
    """The labels of the `count` periods after the one of `kind` starting on `start`."""
    step = _MONTHS_ON.get(kind)
    if step is None:
        return [f"Forecast {ahead}" for ahead in range(1, count + 1)]
    labels = []
    for ahead in range(1, count + 1):
        next_start, next_end = periods.bounds(kind, periods.add_months(start, step * ahead))
        labels.append(periods.label(kind, next_start, next_end))
    return labels


def _figure_text(value: Decimal, unit: str) -> str:
    return f"{value}%" if unit == Unit.PERCENT else f"{value:,}"


def baseline(
    authority: Area, indicator: Indicator, *, as_at: date, approved_only: bool
) -> dict[str, Any]:
    """The indicator's figures for the authority for periods ending by `as_at` (the latest
    `BASELINE_POINTS`), and the forecast if nothing changes."""
    item = pack_indicators(authority, [indicator], as_at=as_at, history_points=BASELINE_POINTS)[0]
    shown = list(item.history)
    if approved_only:
        approved = set(
            Figure.objects.filter(
                pk__in=[s.figure_id for s in shown], status=FigureStatus.APPROVED
            ).values_list("pk", flat=True)
        )
        shown = [s for s in shown if s.figure_id in approved]
    history = [
        {
            "figure_id": s.figure_id,
            "version": s.version,
            "period": s.row.period.label,
            "value": None if s.row.value is None else str(s.row.value),
            "text": s.row.text,
            "flags": list(s.row.flags),
            "provisional": "provisional" in s.row.flags,
        }
        for s in shown
    ]
    projected = forecast.forecast([s.row.value for s in shown], valid=valid_range(indicator.unit))
    points: list[dict[str, Any]] = []
    if projected is not None:
        last = shown[-1].row.period
        labels = _next_labels(last.kind, last.start, len(projected.values))
        points = [
            {"period": label, "value": str(value), "text": _figure_text(value, indicator.unit)}
            for label, value in zip(labels, projected.values, strict=True)
        ]
    return {
        "history": history,
        "forecast": points,
        "rule": forecast.rule_text(),
        "no_forecast": ""
        if points
        else (
            f"There is no forecast: it needs at least {forecast.MIN_POINTS} figures in the last "
            f"{forecast.WINDOW} periods."
        ),
    }


def _plan_action(action: Action | None) -> dict[str, Any] | None:
    if action is None:
        return None
    return {
        "id": action.pk,
        "text": action.text,
        "plan": action.priority.plan.name,
        "priority": action.priority.title,
        "owner": action.owner,
        "due": action.due.isoformat() if action.due else None,
        "rag": action.get_rag_display() if action.rag else "",
        "completed": action.completed,
    }


def report_content(report: CurveReport, *, as_at: date, approved_only: bool) -> dict[str, Any]:
    """Everything a report shows, as a dict: live on its page and in a draft pack, frozen in
    a published pack."""
    indicator = report.indicator
    actions = report.actions.select_related("plan_action__priority__plan").order_by("order")
    return {
        "report_id": report.pk,
        "title": report.title,
        "indicator": {
            "code": indicator.code,
            "title": indicator.title,
            "definition": indicator.definition,
            "unit": indicator.unit,
            "polarity": indicator.get_polarity_display(),
        },
        "baseline": baseline(report.authority, indicator, as_at=as_at, approved_only=approved_only),
        "story": report.story,
        "story_html": render(report.story),
        "partners": list(report.partners),
        "what_works": list(report.what_works),
        "actions": [
            {
                "what": action.what,
                "who": action.who,
                "by_when": action.by_when.isoformat() if action.by_when else None,
                "by_when_text": f"{action.by_when:%-d %B %Y}" if action.by_when else "",
                "status": action.get_status_display(),
                "plan_action": _plan_action(action.plan_action),
            }
            for action in actions
        ],
    }


def section_content(section: PackSection) -> dict[str, Any]:
    """A Turning the Curve section of a pack: its report as it stood at the end of the pack's
    reporting period (figures) and now (words and plan), frozen with the pack."""
    if section.curve is None:
        return {}
    pack = section.pack
    return report_content(section.curve, as_at=pack.period.end, approved_only=False)


# --- pages -----------------------------------------------------------------------------------


def _authority(slug: str) -> Area:
    try:
        return Area.objects.get(slug=slug, kind=AreaKind.AUTHORITY)
    except Area.DoesNotExist as missing:
        raise Http404("There is no authority at this address.") from missing


def reader_authority(user: Any, slug: str) -> Area:
    authority = _authority(slug)
    access.require_curves_reader(user, authority)
    return authority


def writer_authority(user: Any, slug: str) -> Area:
    authority = _authority(slug)
    access.require_curves_writer(user, authority)
    return authority


def _report_of(authority: Area, report_id: int) -> CurveReport:
    try:
        return CurveReport.objects.select_related("authority", "indicator").get(
            pk=report_id, authority=authority
        )
    except CurveReport.DoesNotExist as missing:
        raise Http404("There is no such Turning the Curve report.") from missing


def report_to_read(user: Any, slug: str, report_id: int) -> CurveReport:
    return _report_of(reader_authority(user, slug), report_id)


def report_to_edit(user: Any, slug: str, report_id: int) -> CurveReport:
    return _report_of(writer_authority(user, slug), report_id)


@dataclass(frozen=True)
class ReportList:
    authority: Area
    reports: list[CurveReport]
    can_write: bool


def report_list(user: Any, slug: str) -> ReportList:
    authority = reader_authority(user, slug)
    return ReportList(
        authority=authority,
        reports=list(
            CurveReport.objects.filter(authority=authority)
            .select_related("indicator")
            .order_by("title", "id")
        ),
        can_write=access.may_write_curves(user, authority),
    )


@dataclass(frozen=True)
class ReportPage:
    report: CurveReport
    content: dict[str, Any]
    can_write: bool
    approved_only: bool
    # The authority's draft packs the report can be added to (for those who may add it).
    draft_packs: list[Pack]
    version: CurveVersion | None


def report_page(user: Any, slug: str, report_id: int) -> ReportPage:
    """A report's own page: its baseline as the figures stand today (approved ones only for a
    reader who does not follow the authority's figures), its words and its plan."""
    report = report_to_read(user, slug, report_id)
    approved_only = not access.may_follow_packs(user, report.authority)
    can_write = access.may_write_curves(user, report.authority)
    can_add = can_write and access.may_compose_packs(user, report.authority)
    return ReportPage(
        report=report,
        content=report_content(report, as_at=timezone.localdate(), approved_only=approved_only),
        can_write=can_write,
        approved_only=approved_only,
        draft_packs=list(
            Pack.objects.filter(authority=report.authority, status=PackStatus.DRAFT)
            .select_related("period")
            .order_by("-meeting_date", "title")
        )
        if can_add
        else [],
        version=report.versions.select_related("saved_by").order_by("-number").first(),
    )


@dataclass(frozen=True)
class HistoryPage:
    report: CurveReport
    versions: list[CurveVersion]


def history_page(user: Any, slug: str, report_id: int) -> HistoryPage:
    """Every saved version of a report, newest first: who saved it, when, and what it said."""
    report = report_to_read(user, slug, report_id)
    return HistoryPage(
        report=report,
        versions=list(report.versions.select_related("saved_by").order_by("-number")),
    )


def plan_actions(authority: Area) -> list[Action]:
    """The improvement-plan actions of the authority a report's action can be linked to."""
    return list(
        Action.objects.filter(priority__plan__authority=authority)
        .select_related("priority__plan")
        .order_by("priority__plan__name", "priority__order", "order", "id")
    )
