"""State changes for quality assurance records. Each is one keyword-only function that runs in
a transaction, checks that the acting user may record the authority's quality assurance (views
check first; the service checks again, so that no new caller can skip the rule), and validates
before it writes. Every removal leaves an entry on the record of removals (`Removal`): who,
when, what (`removals.py`) and why.

Every write to case audits re-derives the affected quarters' summary figures (% good or
better, moderation agreement) through `indicators.services.figure_set`, so that targets, RAG,
trends, dashboards and packs apply to them as to any figure (see `audit_summaries_derive`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts import access
from accounts.access import Permission, SystemActor
from indicators import services as figure_services
from indicators.models import (
    Area,
    AreaKind,
    BreakdownCategory,
    ChangeChannel,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
)
from indicators.periods import bounds, quarter_start
from indicators.removals import reason_given, removal_record

from . import metrics, removals
from .logs import AuditRecord, LogFinding
from .models import (
    Action,
    ActionUpdate,
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
    RemovalKind,
)

if TYPE_CHECKING:
    from accounts.models import User


# The summary indicators derived from case audits, and how each quarter's parts are counted.
GOOD_OR_BETTER_CODE = "AUDIT-GOOD"
MODERATION_CODE = "AUDIT-MODERATION"
DERIVED_REASON = "Derived from case audits"
TEAM_DIMENSIONS = ("team", "locality", "service")

M = TypeVar("M", bound=models.Model)

# What a rolled-back import's removal says when the import machinery gives no other reason.
LOG_ROLLBACK_REASON = "The import that added them was rolled back."


def _require_recorder(user: User | SystemActor, *authorities: Area) -> None:
    """The acting user may record quality assurance in each authority given: the one the
    service was asked to write to and, for a record passed in, the record's own authority."""
    for authority in dict.fromkeys(authorities):
        access.require_actor(
            user,
            Permission.EDIT_FIGURES,
            authority,
            doing=f"record {authority.name}'s audits, inspections or improvement plans",
        )


def _record_removal(
    *, user: User | SystemActor, authority: Area, kind: RemovalKind, summary: str, reason: str
) -> Removal:
    return removal_record(
        Removal, user=user, authority=authority, kind=kind, summary=summary, reason=reason
    )


def _require_authority(authority: Area) -> None:
    if authority.kind != AreaKind.AUTHORITY:
        raise ValidationError(f"{authority.name} is not a local authority.")


def _same_authority(authority: Area, *owned: Any) -> None:
    """Refuse a programme, team or theme of another authority (a forged form, a bad import)."""
    for thing in owned:
        if thing is not None and getattr(thing, "authority_id", authority.pk) != authority.pk:
            raise ValidationError(f"{thing} does not belong to {authority.name}.")


def _save(instance: M, values: Mapping[str, Any]) -> M:
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


# --- summaries as figures -------------------------------------------------------------------


def _quarter_figure(
    *, authority: Area, indicator: Indicator, quarter: Period, ratio: metrics.Ratio
) -> Figure | None:
    """Write, update or remove one derived figure. A figure typed in or imported for the same
    quarter (results from before this system) is left as it is."""
    existing = Figure.objects.filter(
        area=authority, indicator=indicator, period=quarter, breakdown__isnull=True
    ).first()
    if existing is not None and existing.source != FigureSource.RECORDS:
        return None
    if not ratio.denominator:
        if existing is not None:
            # Its audits have gone (deleted, moved to another quarter, an import rolled back).
            figure_services.figures_from_records_remove(
                user=access.SYSTEM, figures=[existing], reason="Its case audits were removed"
            )
        return None
    return figure_services.figure_set(
        user=access.SYSTEM,
        area=authority,
        indicator=indicator,
        period=quarter,
        numerator=Decimal(ratio.numerator),
        denominator=Decimal(ratio.denominator),
        source=FigureSource.RECORDS,
        source_note=f"{ratio.denominator} case audits",
        status=FigureStatus.APPROVED,
        channel=ChangeChannel.DERIVED,
        reason=DERIVED_REASON,
    )


@transaction.atomic
def audit_summaries_derive(
    *, authority: Area, quarters: Iterable[date] | None = None
) -> list[Figure]:
    """Re-derive the summary figures of the quarters containing `quarters` (any day of each),
    or of every quarter that has audits or a derived figure. Idempotent: unchanged figures are
    not written again. A quarter still under way gets its figures once it has ended (figures
    describe finished periods), when the next write or the nightly run derives it."""
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in=[GOOD_OR_BETTER_CODE, MODERATION_CODE])
    }
    if not indicators:
        return []
    audits = CaseAudit.objects.filter(authority=authority)
    if quarters is None:
        wanted = {quarter_start(d) for d in audits.values_list("audit_date", flat=True)}
        wanted |= set(
            Figure.objects.filter(
                area=authority,
                indicator__in=indicators.values(),
                source=FigureSource.RECORDS,
                period__kind=PeriodKind.QUARTER,
            ).values_list("period__start", flat=True)
        )
    else:
        wanted = {quarter_start(d) for d in quarters}
    today = timezone.localdate()
    written: list[Figure] = []
    for start in sorted(wanted):
        _start, end = bounds(PeriodKind.QUARTER, start)
        if end > today:
            continue
        results = [
            metrics.AuditResult(*row)
            for row in audits.filter(audit_date__range=(start, end)).values_list(
                "audit_date", "judgement", "moderated_judgement"
            )
        ]
        period = Period.objects.get_or_create_for(PeriodKind.QUARTER, start)
        for code, ratio in (
            (GOOD_OR_BETTER_CODE, metrics.good_or_better(results)),
            (MODERATION_CODE, metrics.moderation_agreement(results)),
        ):
            if code in indicators:
                figure = _quarter_figure(
                    authority=authority, indicator=indicators[code], quarter=period, ratio=ratio
                )
                if figure is not None:
                    written.append(figure)
    return written


# --- case audits ----------------------------------------------------------------------------


def _learning_themes(authority: Area, names: Iterable[str]) -> list[LearningTheme]:
    themes = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        theme, _created = LearningTheme.objects.get_or_create(authority=authority, name=name[:120])
        themes.append(theme)
    return themes


@transaction.atomic
def learning_theme_add(*, user: User | SystemActor, authority: Area, name: str) -> LearningTheme:
    _require_recorder(user, authority)
    _require_authority(authority)
    if not name.strip():
        raise ValidationError("Give the theme a name.")
    return _learning_themes(authority, [name])[0]


@transaction.atomic
def case_audit_save(
    *,
    user: User | SystemActor,
    authority: Area,
    audit: CaseAudit | None = None,
    case_reference: str,
    audit_date: date,
    judgement: str,
    programme: AuditProgramme | None = None,
    team: BreakdownCategory | None = None,
    auditor: str = "",
    moderated_judgement: str = "",
    moderator: str = "",
    themes: Sequence[LearningTheme] = (),
) -> CaseAudit:
    """Record a case audit, or change one, and re-derive the quarters it was and is in."""
    _require_recorder(user, *([audit.authority] if audit is not None else []), authority)
    _require_authority(authority)
    _same_authority(authority, programme, team, *themes)
    if team is not None and team.dimension not in TEAM_DIMENSIONS:
        raise ValidationError(f"{team.name} is not a team, locality or service.")
    if audit is not None and audit.authority_id != authority.pk:
        raise ValidationError("This audit belongs to another authority.")
    if audit_date > timezone.localdate():
        raise ValidationError("The audit date is in the future.")
    old_date = audit.audit_date if audit is not None else None
    audit = _save(
        audit or CaseAudit(authority=authority),
        {
            "case_reference": case_reference.strip().upper(),
            "audit_date": audit_date,
            "judgement": judgement,
            "programme": programme,
            "team": team,
            "auditor": auditor.strip(),
            "moderated_judgement": moderated_judgement,
            "moderator": moderator.strip(),
            "updated_by": access.person(user),
        },
    )
    audit.themes.set(themes)
    audit_summaries_derive(
        authority=authority, quarters=[d for d in (old_date, audit_date) if d is not None]
    )
    return audit


@transaction.atomic
def case_audit_delete(
    *, user: User | SystemActor, authority: Area, audit: CaseAudit, reason: str
) -> Removal:
    """Remove a case audit (and the findings recorded from it), say so on the record of
    removals, and re-derive its quarter's summary figures: the figure is updated, or removed if
    no judged audit is left."""
    _require_recorder(user, audit.authority, authority)
    _same_authority(authority, audit)
    reason = reason_given(reason)
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.CASE_AUDIT,
        summary=removals.case_audit(audit, findings=audit.findings.count()),
        reason=reason,
    )
    audit_date = audit.audit_date
    audit.delete()
    audit_summaries_derive(authority=authority, quarters=[audit_date])
    return removal


# --- the audit-results log import -----------------------------------------------------------


def audit_log_check(*, authority: Area, records: Sequence[AuditRecord]) -> list[LogFinding]:
    """What `audit_log_commit` would refuse, found against the database without writing: a
    programme or team the authority does not have, an audit already recorded."""
    findings: list[LogFinding] = []
    programmes = set(
        AuditProgramme.objects.filter(authority=authority).values_list("name", flat=True)
    )
    teams = set(
        BreakdownCategory.objects.filter(
            authority=authority, dimension__in=TEAM_DIMENSIONS
        ).values_list("name", flat=True)
    )
    existing = set(
        CaseAudit.objects.filter(
            authority=authority, case_reference__in=[r.case_reference for r in records]
        ).values_list("case_reference", "audit_date")
    )
    for record in records:
        if record.programme and record.programme not in programmes:
            findings.append(
                (
                    record.row,
                    "Programme",
                    f"{authority.name} has no audit programme called '{record.programme}': add "
                    "it first, or correct the name.",
                    "error",
                )
            )
        if record.team and record.team not in teams:
            findings.append(
                (
                    record.row,
                    "Team",
                    f"{authority.name} has no team, locality or service called '{record.team}'.",
                    "error",
                )
            )
        if (record.case_reference, record.audit_date) in existing:
            findings.append(
                (
                    record.row,
                    "Case reference",
                    f"{record.case_reference}'s audit of {record.audit_date:%-d %B %Y} is "
                    "already recorded.",
                    "error",
                )
            )
    return findings


def audit_log_commit(
    *, user: User | SystemActor, authority: Area, records: Sequence[AuditRecord]
) -> list[int]:
    """Write every record of a checked log, then re-derive the summaries of the quarters they
    fall in. Runs inside the caller's transaction (the import batch's commit): a refusal
    raises ValidationError and the caller's rollback leaves nothing written."""
    _require_recorder(user, authority)
    _require_authority(authority)
    with transaction.atomic():
        problems = audit_log_check(authority=authority, records=records)
        if problems:
            raise ValidationError([f"Row {row}: {message}" for row, _c, message, _s in problems])
        programmes = {p.name: p for p in AuditProgramme.objects.filter(authority=authority)}
        teams = {
            t.name: t
            for t in BreakdownCategory.objects.filter(
                authority=authority, dimension__in=TEAM_DIMENSIONS
            )
        }
        themes = {
            t.name: t for t in _learning_themes(authority, [n for r in records for n in r.themes])
        }
        audits = CaseAudit.objects.bulk_create(
            [
                CaseAudit(
                    authority=authority,
                    case_reference=record.case_reference,
                    audit_date=record.audit_date,
                    judgement=record.judgement,
                    moderated_judgement=record.moderated_judgement,
                    moderator=record.moderator,
                    programme=programmes.get(record.programme),
                    team=teams.get(record.team),
                    auditor=record.auditor,
                    updated_by=access.person(user),
                )
                for record in records
            ]
        )
        links = [
            CaseAudit.themes.through(caseaudit_id=audit.pk, learningtheme_id=themes[name].pk)
            for audit, record in zip(audits, records, strict=True)
            for name in record.themes
        ]
        CaseAudit.themes.through.objects.bulk_create(links)
        audit_summaries_derive(authority=authority, quarters=[r.audit_date for r in records])
        return [audit.pk for audit in audits]


def audit_log_rollback(
    *,
    user: User | SystemActor,
    authority: Area,
    audit_ids: Sequence[int],
    reason: str = LOG_ROLLBACK_REASON,
    file_name: str = "",
) -> None:
    """Remove the audits a log import wrote, and re-derive their quarters. The record of
    removals gets one entry for the batch (how many audits, from which file, of which dates),
    not one per audit; none when the batch's audits had all been removed already."""
    _require_recorder(user, authority)
    reason = reason_given(reason)
    with transaction.atomic():
        audits = CaseAudit.objects.filter(authority=authority, pk__in=audit_ids)
        dates = list(audits.values_list("audit_date", flat=True))
        if dates:
            _record_removal(
                user=user,
                authority=authority,
                kind=RemovalKind.AUDIT_LOG,
                summary=removals.audit_log(
                    dates,
                    findings=Finding.objects.filter(audit__in=audits).count(),
                    file_name=file_name,
                ),
                reason=reason,
            )
        # Their findings go with them (a finding belongs to its audit).
        audits.delete()
        audit_summaries_derive(authority=authority, quarters=dates)


# --- programmes, findings, observations, practice weeks -------------------------------------


@transaction.atomic
def programme_save(
    *,
    user: User | SystemActor,
    authority: Area,
    values: Mapping[str, Any],
    programme: AuditProgramme | None = None,
) -> AuditProgramme:
    _require_recorder(user, *([programme.authority] if programme is not None else []), authority)
    _require_authority(authority)
    if programme is not None:
        _same_authority(authority, programme)
    return _save(programme or AuditProgramme(authority=authority), values)


@transaction.atomic
def finding_save(
    *,
    user: User | SystemActor,
    authority: Area,
    values: Mapping[str, Any],
    themes: Sequence[LearningTheme] = (),
    finding: Finding | None = None,
) -> Finding:
    _require_recorder(user, *([finding.authority] if finding is not None else []), authority)
    _require_authority(authority)
    _same_authority(authority, finding, values.get("audit"), values.get("programme"), *themes)
    if values.get("audit") is None and values.get("programme") is None:
        raise ValidationError("Say which audit or which programme this finding comes from.")
    saved = _save(finding or Finding(authority=authority), values)
    saved.themes.set(themes)
    return saved


@transaction.atomic
def observation_save(
    *,
    user: User | SystemActor,
    authority: Area,
    values: Mapping[str, Any],
    observation: PracticeObservation | None = None,
) -> PracticeObservation:
    _require_recorder(
        user, *([observation.authority] if observation is not None else []), authority
    )
    _require_authority(authority)
    _same_authority(authority, observation)
    return _save(observation or PracticeObservation(authority=authority), values)


@transaction.atomic
def practice_week_save(
    *,
    user: User | SystemActor,
    authority: Area,
    values: Mapping[str, Any],
    week: PracticeWeek | None = None,
) -> PracticeWeek:
    _require_recorder(user, *([week.authority] if week is not None else []), authority)
    _require_authority(authority)
    _same_authority(authority, week)
    return _save(week or PracticeWeek(authority=authority), values)


@transaction.atomic
def finding_delete(
    *, user: User | SystemActor, authority: Area, finding: Finding, reason: str
) -> Removal:
    _require_recorder(user, finding.authority, authority)
    _same_authority(authority, finding)
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.FINDING,
        summary=removals.finding(finding),
        reason=reason_given(reason),
    )
    finding.delete()
    return removal


@transaction.atomic
def observation_delete(
    *, user: User | SystemActor, authority: Area, observation: PracticeObservation, reason: str
) -> Removal:
    _require_recorder(user, observation.authority, authority)
    _same_authority(authority, observation)
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.OBSERVATION,
        summary=removals.observation(observation),
        reason=reason_given(reason),
    )
    observation.delete()
    return removal


@transaction.atomic
def practice_week_delete(
    *, user: User | SystemActor, authority: Area, week: PracticeWeek, reason: str
) -> Removal:
    _require_recorder(user, week.authority, authority)
    _same_authority(authority, week)
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.PRACTICE_WEEK,
        summary=removals.practice_week(week),
        reason=reason_given(reason),
    )
    week.delete()
    return removal


# --- inspections and improvement plans ------------------------------------------------------


@transaction.atomic
def inspection_save(
    *,
    user: User | SystemActor,
    authority: Area,
    values: Mapping[str, Any],
    inspection: Inspection | None = None,
) -> Inspection:
    _require_recorder(user, *([inspection.authority] if inspection is not None else []), authority)
    _require_authority(authority)
    _same_authority(authority, inspection)
    return _save(inspection or Inspection(authority=authority), values)


@transaction.atomic
def inspection_delete(
    *, user: User | SystemActor, authority: Area, inspection: Inspection, reason: str
) -> Removal:
    _require_recorder(user, inspection.authority, authority)
    _same_authority(authority, inspection)
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.INSPECTION,
        summary=removals.inspection(inspection),
        reason=reason_given(reason),
    )
    inspection.delete()
    return removal


@transaction.atomic
def plan_save(
    *,
    user: User | SystemActor,
    authority: Area,
    values: Mapping[str, Any],
    plan: ImprovementPlan | None = None,
) -> ImprovementPlan:
    _require_recorder(user, *([plan.authority] if plan is not None else []), authority)
    _require_authority(authority)
    _same_authority(authority, plan)
    return _save(plan or ImprovementPlan(authority=authority), values)


@transaction.atomic
def priority_save(
    *,
    user: User | SystemActor,
    plan: ImprovementPlan,
    values: Mapping[str, Any],
    priority: Priority | None = None,
) -> Priority:
    # A priority belongs to its plan's authority (and a changed one to its own plan's).
    _require_recorder(
        user, *([priority.plan.authority] if priority is not None else []), plan.authority
    )
    if priority is not None and priority.plan_id != plan.pk:
        raise ValidationError("This priority belongs to another plan.")
    return _save(priority or Priority(plan=plan), values)


@transaction.atomic
def action_save(
    *,
    user: User | SystemActor,
    priority: Priority,
    values: Mapping[str, Any],
    action: Action | None = None,
) -> Action:
    _require_recorder(
        user,
        *([action.priority.plan.authority] if action is not None else []),
        priority.plan.authority,
    )
    if action is not None and action.priority_id != priority.pk:
        raise ValidationError("This action belongs to another priority.")
    return _save(action or Action(priority=priority), values)


@transaction.atomic
def action_delete(
    *, user: User | SystemActor, authority: Area, action: Action, reason: str
) -> Removal:
    """Remove an action of one of the authority's plans, with its progress updates."""
    plan = action.priority.plan
    _require_recorder(user, plan.authority, authority)
    _same_authority(authority, plan)
    removal = _record_removal(
        user=user,
        authority=authority,
        kind=RemovalKind.ACTION,
        summary=removals.action(action, updates=action.updates.count()),
        reason=reason_given(reason),
    )
    action.delete()
    return removal


@transaction.atomic
def action_update_add(
    *,
    user: User | SystemActor,
    action: Action,
    written_on: date,
    note: str,
    rag: str,
    completed: bool,
) -> ActionUpdate:
    """A progress note on an action; the action takes the note's RAG status (and is marked
    complete) as its current state."""
    _require_recorder(user, action.priority.plan.authority)
    if written_on > timezone.localdate():
        raise ValidationError("The update's date is in the future.")
    update = _save(
        ActionUpdate(action=action),
        {
            "written_on": written_on,
            "note": note.strip(),
            "rag": rag,
            "written_by": access.person(user),
        },
    )
    latest = action.updates.order_by("-written_on", "-id").first()
    if latest is not None and latest.pk == update.pk:
        _save(action, {"rag": rag, "completed": completed or action.completed})
    return update
