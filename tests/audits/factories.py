"""Factories for quality assurance records, and a small world of them for the access walk."""

from dataclasses import dataclass
from datetime import date

from accounts import access
from audits import services
from audits.models import (
    Action,
    AuditProgramme,
    CaseAudit,
    Finding,
    ImprovementPlan,
    Inspection,
    PracticeObservation,
    PracticeWeek,
    Priority,
)
from indicators.catalogue import catalogue_load
from indicators.models import Area, Indicator


def summary_indicators() -> tuple[Indicator, Indicator]:
    """AUDIT-GOOD and AUDIT-MODERATION as the shipped catalogue defines them."""
    if not Indicator.objects.filter(code="AUDIT-GOOD").exists():
        catalogue_load()
    return Indicator.objects.get(code="AUDIT-GOOD"), Indicator.objects.get(code="AUDIT-MODERATION")


def audit(
    authority: Area,
    reference: str,
    on: date,
    judgement: str = "good",
    moderated: str = "",
    **extra: object,
) -> CaseAudit:
    return services.case_audit_save(
        user=access.SYSTEM,
        authority=authority,
        case_reference=reference,
        audit_date=on,
        judgement=judgement,
        moderated_judgement=moderated,
        **extra,
    )


@dataclass
class QualityWorld:
    programme: AuditProgramme
    audit: CaseAudit
    inspection: Inspection
    plan: ImprovementPlan
    priority: Priority
    action: Action
    finding: Finding
    observation: PracticeObservation
    practice_week: PracticeWeek


def quality_world(authority: Area) -> QualityWorld:
    existing = AuditProgramme.objects.filter(authority=authority).first()
    if existing is not None:
        return QualityWorld(
            existing,
            CaseAudit.objects.get(authority=authority),
            Inspection.objects.get(authority=authority),
            ImprovementPlan.objects.get(authority=authority),
            Priority.objects.get(plan__authority=authority),
            Action.objects.get(priority__plan__authority=authority),
            Finding.objects.get(authority=authority),
            PracticeObservation.objects.get(authority=authority),
            PracticeWeek.objects.get(authority=authority),
        )
    programme = services.programme_save(
        user=access.SYSTEM,
        authority=authority,
        values={"name": "Children in need over 9 months", "kind": "thematic"},
    )
    case_audit = audit(authority, "CIN-0042", date(2017, 5, 3), programme=programme)
    inspection = services.inspection_save(
        user=access.SYSTEM,
        authority=authority,
        values={
            "body": "ofsted",
            "kind": "monitoring",
            "start": date(2017, 5, 1),
            "headlines": "Progress in some areas",
        },
    )
    plan = services.plan_save(
        user=access.SYSTEM, authority=authority, values={"name": "Improvement plan"}
    )
    priority = services.priority_save(user=access.SYSTEM, plan=plan, values={"title": "Workforce"})
    action = services.action_save(
        user=access.SYSTEM,
        priority=priority,
        values={"text": "Recruit social workers", "rag": "amber"},
    )
    finding = services.finding_save(
        user=access.SYSTEM,
        authority=authority,
        values={
            "kind": "strength",
            "text": "Plans are clear",
            "audit": case_audit,
            "recorded_on": date(2017, 5, 3),
        },
    )
    observation = services.observation_save(
        user=access.SYSTEM,
        authority=authority,
        values={
            "observed_on": date(2017, 6, 1),
            "setting": "Child protection conference",
            "went_well": "Families were heard",
        },
    )
    practice_week = services.practice_week_save(
        user=access.SYSTEM,
        authority=authority,
        values={
            "name": "Practice week",
            "start": date(2017, 6, 5),
            "end": date(2017, 6, 9),
            "headline_findings": "Visits are purposeful",
        },
    )
    return QualityWorld(
        programme,
        case_audit,
        inspection,
        plan,
        priority,
        action,
        finding,
        observation,
        practice_week,
    )
