"""What the record of removals says about a removed quality assurance record.

A removed record is gone (nothing is soft-deleted): its entry on the record of removals is all
that is left of it, and the authority's managers read it. So each summary says which record it
was without saying what it said: the case reference (a pseudonymous code, never a name: see
`models.CASE_REFERENCE_PATTERN`), dates, judgements and other choices, the team (one of the
authority's own categories), counts, and the titles the authority gives its own work (an audit
programme, a practice week, an improvement plan and its priorities). Words written about a
case, a family or a worker (a finding, what an observation saw, an action, a week's headlines,
the names of auditors, moderators, observers and owners) never go into a summary.

Plain functions of records already read: the services pass in the counts they know.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .models import Action, CaseAudit, Finding, Inspection, PracticeObservation, PracticeWeek


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def case_audit(audit: CaseAudit, *, findings: int) -> str:
    """ "Case audit CIN-0042, Family support team, judged good, audited 3 May 2017"."""
    parts = [f"Case audit {audit.case_reference}"]
    if audit.team is not None:
        parts.append(audit.team.name)
    if audit.judgement:
        parts.append(f"judged {audit.get_judgement_display().lower()}")
    else:
        parts.append("no overall judgement")
    if audit.moderated_judgement:
        parts.append(f"moderated {audit.get_moderated_judgement_display().lower()}")
    parts.append(f"audited {_day(audit.audit_date)}")
    if findings:
        parts.append(f"with its {_count(findings, 'finding')}")
    return ", ".join(parts)


def finding(record: Finding) -> str:
    """ "Finding (strength) recorded 3 May 2017, from case audit CIN-0042"."""
    text = f"Finding ({record.get_kind_display().lower()}) recorded {_day(record.recorded_on)}"
    if record.audit is not None:
        return f"{text}, from case audit {record.audit.case_reference}"
    if record.programme is not None:
        return f"{text}, from the programme “{record.programme.name}”"
    return text


def observation(record: PracticeObservation) -> str:
    return f"Practice observation of {_day(record.observed_on)}"


def practice_week(record: PracticeWeek) -> str:
    return f"Practice week “{record.name}”, {_day(record.start)} to {_day(record.end)}"


def inspection(record: Inspection) -> str:
    """ "Ofsted monitoring visit of 1 May 2017, no overall judgement"."""
    text = f"{record.get_body_display()} {record.get_kind_display().lower()}"
    if record.framework:
        text += f" ({record.framework})"
    text += f" of {_day(record.start)}"
    if record.judgement:
        return f"{text}, judged {record.get_judgement_display().lower()}"
    return f"{text}, no overall judgement"


def action(record: Action, *, updates: int) -> str:
    """ "Action of the priority “Workforce” in the plan “Improvement plan”, due 1 June 2018"."""
    priority = record.priority
    parts = [f"Action of the priority “{priority.title}” in the plan “{priority.plan.name}”"]
    if record.due is not None:
        parts.append(f"due {_day(record.due)}")
    if record.rag:
        parts.append(f"rated {record.get_rag_display().lower()}")
    if record.completed:
        parts.append("complete")
    if updates:
        parts.append(f"with its {_count(updates, 'progress update')}")
    return ", ".join(parts)


def audit_log(audit_dates: Sequence[date], *, findings: int, file_name: str) -> str:
    """One entry for a rolled-back import: how many audits, from which log, of which dates."""
    source = f"a case audit results log ({file_name})" if file_name else "a case audit results log"
    text = (
        f"{_count(len(audit_dates), 'case audit')} imported from {source}, audited "
        f"{_day(min(audit_dates))} to {_day(max(audit_dates))}"
    )
    if findings:
        text += f", with their {_count(findings, 'finding')}"
    return text
