"""Demo quality assurance records from the seed committee reports (see demo_data/README.md).

`audits_demo_load` reads `demo_data/quality.json` and writes through the services, as the
application itself (`access.SYSTEM`: a set-up command, not a person's change). It is
idempotent: each record is found by its natural key (programme name, case reference and date,
finding text, inspection date and kind, plan name, priority title, action text) and written
only if it is missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts import access
from indicators.models import Area

from . import services
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
)

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "quality.json"


@dataclass
class QualityDemoResult:
    created: int = 0
    unchanged: int = 0

    def line(self) -> str:
        return f"Quality assurance records: {self.created} created, {self.unchanged} unchanged."


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _themes(authority: Area, names: list[str]) -> list[LearningTheme]:
    return [
        LearningTheme.objects.get_or_create(authority=authority, name=name)[0] for name in names
    ]


class _Loader:
    def __init__(self) -> None:
        self.result = QualityDemoResult()

    def _count(self, created: bool) -> None:
        if created:
            self.result.created += 1
        else:
            self.result.unchanged += 1

    def authority(self, authority: Area, data: dict[str, Any]) -> None:
        for item in data.get("programmes", []):
            self.programme(authority, item)
        for item in data.get("observations", []):
            exists = PracticeObservation.objects.filter(
                authority=authority, setting=item["setting"]
            ).exists()
            if not exists:
                services.observation_save(
                    user=access.SYSTEM,
                    authority=authority,
                    values={
                        "observed_on": _day(item["observed_on"]),
                        "observed_by": item["observed_by"],
                        "setting": item["setting"],
                        "went_well": item["went_well"],
                        "to_improve": item["to_improve"],
                    },
                )
            self._count(not exists)
        for item in data.get("practice_weeks", []):
            exists = PracticeWeek.objects.filter(authority=authority, name=item["name"]).exists()
            if not exists:
                services.practice_week_save(
                    user=access.SYSTEM,
                    authority=authority,
                    values={
                        "name": item["name"],
                        "start": _day(item["start"]),
                        "end": _day(item["end"]),
                        "focus": item["focus"],
                        "headline_findings": item["headline_findings"],
                        "quick_wins": item["quick_wins"],
                    },
                )
            self._count(not exists)
        for item in data.get("inspections", []):
            values = {k: item[k] for k in ("body", "framework", "kind", "focus", "headlines")}
            values["start"] = _day(item["start"])
            exists = Inspection.objects.filter(
                authority=authority, start=values["start"], kind=item["kind"]
            ).exists()
            if not exists:
                services.inspection_save(user=access.SYSTEM, authority=authority, values=values)
            self._count(not exists)
        for item in data.get("plans", []):
            self.plan(authority, item)

    def programme(self, authority: Area, item: dict[str, Any]) -> None:
        programme = AuditProgramme.objects.filter(authority=authority, name=item["name"]).first()
        self._count(programme is None)
        if programme is None:
            programme = services.programme_save(
                user=access.SYSTEM,
                authority=authority,
                values={
                    "name": item["name"],
                    "theme": item["theme"],
                    "kind": item["kind"],
                    "start": _day(item["start"]),
                    "end": _day(item["end"]),
                    "description": item["description"],
                },
            )
        batch = item.get("case_audits")
        if batch:
            on = date.fromisoformat(batch["date"])
            themes = _themes(authority, batch["themes"])
            for number in range(batch["first"], batch["first"] + batch["count"]):
                reference = f"{batch['prefix']}{number:04d}"
                exists = CaseAudit.objects.filter(
                    authority=authority, case_reference=reference, audit_date=on
                ).exists()
                if not exists:
                    # The seed gives no judgements: each audit is recorded without one.
                    services.case_audit_save(
                        user=access.SYSTEM,
                        authority=authority,
                        case_reference=reference,
                        audit_date=on,
                        judgement="",
                        programme=programme,
                        themes=themes,
                    )
                self._count(not exists)
        for order, (kind, text, theme_names) in enumerate(item["findings"]):
            exists = Finding.objects.filter(
                authority=authority, programme=programme, text=text
            ).exists()
            if not exists:
                services.finding_save(
                    user=access.SYSTEM,
                    authority=authority,
                    values={
                        "programme": programme,
                        "kind": kind,
                        "text": text,
                        "recorded_on": _day(item["recorded_on"]),
                        "order": order,
                    },
                    themes=_themes(authority, theme_names),
                )
            self._count(not exists)

    def plan(self, authority: Area, item: dict[str, Any]) -> None:
        plan = ImprovementPlan.objects.filter(authority=authority, name=item["name"]).first()
        self._count(plan is None)
        if plan is None:
            plan = services.plan_save(
                user=access.SYSTEM,
                authority=authority,
                values={
                    "name": item["name"],
                    "start": _day(item["start"]),
                    "end": _day(item["end"]),
                },
            )
        for order, entry in enumerate(item["priorities"], start=1):
            priority = Priority.objects.filter(plan=plan, title=entry["title"]).first()
            self._count(priority is None)
            if priority is None:
                priority = services.priority_save(
                    user=access.SYSTEM, plan=plan, values={"title": entry["title"], "order": order}
                )
            for action_order, action in enumerate(entry["actions"], start=1):
                exists = Action.objects.filter(priority=priority, text=action["text"]).exists()
                if not exists:
                    services.action_save(
                        user=access.SYSTEM,
                        priority=priority,
                        values={"text": action["text"], "order": action_order},
                    )
                self._count(not exists)


@transaction.atomic
def audits_demo_load() -> QualityDemoResult:
    """Load the demo records for the authorities the indicator demo has loaded."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    loader = _Loader()
    for slug, records in data.items():
        authority = Area.objects.filter(slug=slug).first()
        if authority is not None:
            loader.authority(authority, records)
    return loader.result
