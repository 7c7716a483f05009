"""Factories for quality assurance records, and a small world of them for the access walk."""

from dataclasses import dataclass
from datetime import date

from audits import services
from audits.models import (
    Action,
    AuditProgramme,
    CaseAudit,
    ImprovementPlan,
    Inspection,
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
        user=None,
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
        )
    programme = services.programme_save(
        user=None,
        authority=authority,
        values={"name": "Children in need over 9 months", "kind": "thematic"},
    )
    case_audit = audit(authority, "CIN-0042", date(2017, 5, 3), programme=programme)
    inspection = services.inspection_save(
        user=None,
        authority=authority,
        values={
            "body": "ofsted",
            "kind": "monitoring",
            "start": date(2017, 5, 1),
            "headlines": "Progress in some areas",
        },
    )
    plan = services.plan_save(user=None, authority=authority, values={"name": "Improvement plan"})
    priority = services.priority_save(user=None, plan=plan, values={"title": "Workforce"})
    action = services.action_save(
        user=None, priority=priority, values={"text": "Recruit social workers", "rag": "amber"}
    )
    return QualityWorld(programme, case_audit, inspection, plan, priority, action)
