"""Reads for the quality assurance pages, always taking the acting user. Access is decided by
`accounts.access`; a page reads a fixed number of queries whatever the number of audits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
from django.http import Http404

from accounts import access
from indicators.formatting import format_target
from indicators.models import Area, AreaKind, BreakdownCategory, Indicator, PeriodKind, Target
from indicators.periods import bounds, financial_year_start, label

from . import metrics
from .models import (
    Action,
    AuditProgramme,
    CaseAudit,
    Finding,
    ImprovementPlan,
    Inspection,
    LearningTheme,
    PracticeObservation,
    PracticeWeek,
    Priority,
    Removal,
)
from .services import GOOD_OR_BETTER_CODE, TEAM_DIMENSIONS

if TYPE_CHECKING:
    from accounts.models import User

    AnyUser = User | AnonymousUser

M = TypeVar("M")

RECENT_FINDINGS = 20
RECENT_AUDITS = 25
REMOVALS_PER_PAGE = 50


def _authority(slug: str) -> Area:
    try:
        return Area.objects.get(slug=slug, kind=AreaKind.AUTHORITY)
    except Area.DoesNotExist as missing:
        raise Http404("There is no authority at this address.") from missing


def reader_authority(user: AnyUser, slug: str) -> Area:
    authority = _authority(slug)
    access.require_quality_assurance_reader(user, authority)
    return authority


def recorder_authority(user: AnyUser, slug: str) -> Area:
    authority = _authority(slug)
    access.require_quality_assurance_recorder(user, authority)
    return authority


@dataclass(frozen=True)
class QuarterRow:
    results: metrics.QuarterResults
    label: str
    target: Decimal | None  # the lower bound of the year's AUDIT-GOOD target
    target_text: str

    @property
    def good_percent(self) -> float | None:
        return self.results.good_or_better.percent

    @property
    def moderation_percent(self) -> float | None:
        return self.results.moderation.percent


@dataclass(frozen=True)
class QualityPage:
    authority: Area
    can_edit: bool
    quarters: list[QuarterRow]
    audited: int
    good_or_better: metrics.Ratio
    moderation: metrics.Ratio
    themes: list[tuple[str, int]]
    programmes: list[AuditProgramme]
    recent_audits: list[CaseAudit]
    findings: list[Finding]
    observations: list[PracticeObservation]
    practice_weeks: list[PracticeWeek]
    inspections: list[Inspection]
    plans: list[ImprovementPlan]

    @property
    def judged_quarters(self) -> list[QuarterRow]:
        return [q for q in self.quarters if q.results.good_or_better.denominator]


def _targets(authority: Area) -> dict[date, Target]:
    """The authority's AUDIT-GOOD targets by the first day of their financial year."""
    indicator = Indicator.objects.filter(code=GOOD_OR_BETTER_CODE).first()
    if indicator is None:
        return {}
    return {
        t.financial_year.start: t
        for t in Target.objects.filter(authority=authority, indicator=indicator).select_related(
            "financial_year", "indicator"
        )
    }


def quality_page(user: AnyUser, slug: str) -> QualityPage:
    authority = reader_authority(user, slug)
    audits = CaseAudit.objects.filter(authority=authority)
    results = [
        metrics.AuditResult(*row)
        for row in audits.values_list("audit_date", "judgement", "moderated_judgement")
    ]
    targets = _targets(authority)
    quarters = []
    for quarter in metrics.by_quarter(results):
        start, end = bounds(PeriodKind.QUARTER, quarter.quarter)
        target = targets.get(financial_year_start(start))
        quarters.append(
            QuarterRow(
                results=quarter,
                label=label(PeriodKind.QUARTER, start, end),
                target=target.lower if target else None,
                target_text=(
                    format_target(
                        target.lower,
                        target.upper,
                        target.indicator.unit,
                        target.indicator.decimals,
                    )
                    if target
                    else ""
                ),
            )
        )
    theme_rows = list(
        CaseAudit.themes.through.objects.filter(caseaudit__authority=authority).values_list(
            "caseaudit_id", "learningtheme__name"
        )
    )
    finding_theme_rows = list(
        Finding.themes.through.objects.filter(finding__authority=authority).values_list(
            "finding_id", "learningtheme__name"
        )
    )
    by_record: dict[tuple[str, int], list[str]] = {}
    for record_id, name in theme_rows:
        by_record.setdefault(("audit", record_id), []).append(name)
    for record_id, name in finding_theme_rows:
        by_record.setdefault(("finding", record_id), []).append(name)
    return QualityPage(
        authority=authority,
        can_edit=access.may_record_quality_assurance(user, authority),
        quarters=quarters,
        audited=len(results),
        good_or_better=metrics.good_or_better(results),
        moderation=metrics.moderation_agreement(results),
        themes=metrics.theme_counts(by_record.values()),
        programmes=list(
            AuditProgramme.objects.filter(authority=authority).annotate(audit_count=Count("audits"))
        ),
        recent_audits=list(
            audits.select_related("programme", "team").order_by("-audit_date", "case_reference")[
                :RECENT_AUDITS
            ]
        ),
        findings=list(
            Finding.objects.filter(authority=authority)
            .select_related("programme", "audit")
            .prefetch_related("themes")
            .order_by("-recorded_on", "order", "id")[:RECENT_FINDINGS]
        ),
        observations=list(PracticeObservation.objects.filter(authority=authority)),
        practice_weeks=list(PracticeWeek.objects.filter(authority=authority)),
        inspections=list(Inspection.objects.filter(authority=authority).order_by("start")),
        plans=list(
            ImprovementPlan.objects.filter(authority=authority).prefetch_related(
                Prefetch(
                    "priorities",
                    queryset=Priority.objects.prefetch_related(
                        Prefetch("actions", queryset=Action.objects.prefetch_related("updates"))
                    ),
                )
            )
        ),
    )


# --- the forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormChoices:
    """What an authority's forms may choose from: its own programmes, teams, themes."""

    programmes: Any
    teams: Any
    themes: Any
    audits: Any


def form_choices(authority: Area) -> FormChoices:
    return FormChoices(
        programmes=AuditProgramme.objects.filter(authority=authority),
        teams=BreakdownCategory.objects.filter(authority=authority, dimension__in=TEAM_DIMENSIONS),
        themes=LearningTheme.objects.filter(authority=authority),
        audits=CaseAudit.objects.filter(authority=authority),
    )


def owned(user: AnyUser, slug: str, model: type[Any], pk: int) -> tuple[Area, Any]:
    """One record of the authority named in the address, for a user who may record there."""
    authority = recorder_authority(user, slug)
    lookups = {
        Priority: "plan__authority",
        Action: "priority__plan__authority",
    }
    try:
        record = model.objects.get(**{"pk": pk, lookups.get(model, "authority"): authority})
    except model.DoesNotExist as missing:
        raise Http404("There is no such record for this authority.") from missing
    return authority, record


# --- removing a record ----------------------------------------------------------------------


@dataclass(frozen=True)
class RemovalToConfirm:
    """What a confirmation page says before a record is removed: what it is, and what else
    goes or changes with it."""

    authority: Area
    record: Any
    noun: str  # "case audit"
    details: list[tuple[str, str]]
    consequences: list[str]

    @property
    def title(self) -> str:
        return f"Remove this {self.noun}"


def _day(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "–"


def _case_audit_removal(audit: CaseAudit) -> tuple[list[tuple[str, str]], list[str]]:
    start, end = bounds(PeriodKind.QUARTER, audit.audit_date)
    findings = audit.findings.count()
    consequences = []
    if findings:
        consequences.append(
            f"The {findings} finding{'s' if findings != 1 else ''} recorded from this audit "
            f"{'are' if findings != 1 else 'is'} removed with it."
        )
    consequences.append(
        f"The quarter’s summary figures for {label(PeriodKind.QUARTER, start, end)} (case audits "
        "good or better, moderation agreement) are worked out again; if no judged audit is "
        "left in the quarter, its figure is removed."
    )
    details = [
        ("Case reference", audit.case_reference),
        ("Audit date", _day(audit.audit_date)),
        ("Overall judgement", audit.get_judgement_display() or "No overall judgement"),
        ("Programme", str(audit.programme) if audit.programme else "–"),
    ]
    return details, consequences


def _action_removal(action: Action) -> tuple[list[tuple[str, str]], list[str]]:
    updates = action.updates.count()
    consequences = (
        [
            f"Its {updates} progress update{'s' if updates != 1 else ''} "
            f"{'are' if updates != 1 else 'is'} removed with it."
        ]
        if updates
        else []
    )
    details = [
        ("Action", action.text),
        ("Priority", action.priority.title),
        ("Improvement plan", action.priority.plan.name),
        ("Owner", action.owner or "–"),
        ("Due", _day(action.due)),
    ]
    return details, consequences


def _describe(record: Any) -> tuple[str, list[tuple[str, str]], list[str]]:
    if isinstance(record, CaseAudit):
        return "case audit", *_case_audit_removal(record)
    if isinstance(record, Finding):
        source = record.audit or record.programme
        return (
            "finding",
            [
                ("Kind of finding", record.get_kind_display()),
                ("Finding", record.text),
                ("From", str(source) if source else "–"),
            ],
            ["It is no longer counted in the learning themes."],
        )
    if isinstance(record, PracticeObservation):
        return (
            "practice observation",
            [
                ("What was observed", record.setting),
                ("Date observed", _day(record.observed_on)),
                ("Observed by", record.observed_by or "–"),
            ],
            [],
        )
    if isinstance(record, PracticeWeek):
        return (
            "practice week",
            [("Name", record.name), ("Dates", f"{_day(record.start)} to {_day(record.end)}")],
            [],
        )
    if isinstance(record, Inspection):
        return (
            "inspection or visit",
            [
                ("Inspection or visit", str(record)),
                ("Date", _day(record.start)),
                ("Overall judgement", record.get_judgement_display() or "–"),
            ],
            ["It leaves the inspection timeline."],
        )
    if isinstance(record, Action):
        return "action", *_action_removal(record)
    raise TypeError(f"{type(record).__name__} records are not removed from these pages.")


def removal(user: AnyUser, slug: str, model: type[Any], pk: int) -> RemovalToConfirm:
    """A record of the authority named in the address, described for its confirmation page,
    for a user who may record there."""
    authority, record = owned(user, slug, model, pk)
    noun, details, consequences = _describe(record)
    return RemovalToConfirm(
        authority=authority,
        record=record,
        noun=noun,
        details=details,
        consequences=consequences,
    )


# --- the record of removals -----------------------------------------------------------------


@dataclass(frozen=True)
class RemovalsPage:
    authority: Area
    removals: Page[Removal]


def removals_page(user: AnyUser, slug: str, page_number: str | None) -> RemovalsPage:
    """The authority's removals, newest first, a page at a time (one query for the count and
    one for the page: the removed-by name is kept on the row, so no join is needed)."""
    authority = _authority(slug)
    access.require_removals_reader(user, authority, records="quality assurance records")
    removals = Removal.objects.filter(authority=authority).order_by("-removed_at", "-id")
    return RemovalsPage(
        authority=authority,
        removals=Paginator(removals, REMOVALS_PER_PAGE).get_page(page_number),
    )
