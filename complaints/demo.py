"""The demo's complaints, compliments and voice, from the Wiltshire 2017/18 annual report (seed
000). `complaints_demo_load` reads `demo_data/wiltshire.json` (its "notes" say which numbers
the seed states and which are made up to reproduce its totals), writes the records once and
derives their figures. Loading it again changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from indicators.models import Area
from indicators.periods import add_months

from . import metrics
from .models import (
    Complaint,
    Compliment,
    RedactionState,
    SurveyComment,
    SurveyQuestion,
    VoiceSurvey,
)
from .services import complaints_summaries_derive

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "wiltshire.json"


@dataclass(frozen=True)
class ComplaintsDemoResult:
    complaints: int = 0
    compliments: int = 0
    surveys: int = 0

    def lines(self) -> list[str]:
        return [
            f"Complaints: {self.complaints} created; compliments: {self.compliments} created; "
            f"surveys: {self.surveys} created."
        ]


def _complaints(authority: Area, spec: dict[str, Any], themes: list[str]) -> list[Complaint]:
    """Each quarter's complaints: received on the quarter's 3rd..., answered a week later
    (stage 1) or four weeks later (stage 2), outcomes dealt in the year's proportions."""
    outcomes = [o for o, n in spec["outcomes"].items() for _ in range(n)]
    # Spread each outcome through the year rather than all upheld ones first.
    outcomes = outcomes[::3] + outcomes[1::3] + outcomes[2::3]
    records: list[Complaint] = []
    year_start = date(spec["year"], 4, 1)
    for quarter, (count, stage_2) in enumerate(
        zip(spec["per_quarter"], spec["stage_2_per_quarter"], strict=True)
    ):
        start = add_months(year_start, 3 * quarter)
        for index in range(count):
            stage = metrics.STAGE_2 if index < stage_2 else metrics.STAGE_1
            received = start + timedelta(days=2 + index % 50)
            responded = received + timedelta(days=28 if stage == metrics.STAGE_2 else 9)
            number = len(records) + 1
            timing = metrics.timeliness(stage=stage, received=received, responded=responded)
            records.append(
                Complaint(
                    authority=authority,
                    reference=f"DEMO-{spec['year']}-{number:04d}",
                    stage=stage,
                    received=received,
                    responded=responded,
                    outcome=outcomes[number - 1],
                    team="Support and Safeguarding Service",
                    themes=[themes[number % len(themes)]],
                    working_days=timing.working_days,
                    within_timescale=timing.within_timescale,
                )
            )
    return records


@transaction.atomic
def complaints_demo_load() -> ComplaintsDemoResult:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    authority = Area.objects.filter(slug=data["authority"]).first()
    if (
        authority is None
        or Complaint.objects.filter(authority=authority, reference__startswith="DEMO-").exists()
    ):
        return ComplaintsDemoResult()
    now = timezone.now()
    complaints = [
        record
        for spec in data["complaint_years"]
        for record in _complaints(authority, spec, data["complaint_themes"])
    ]
    Complaint.objects.bulk_create(complaints)

    spec = data["compliments"]
    quotes = spec["quotes"]
    compliments = []
    for index in range(spec["total"]):
        quote = quotes[index] if index < len(quotes) else ""
        compliments.append(
            Compliment(
                authority=authority,
                received=date(spec["year"], 4, 3) + timedelta(days=(index * 359) // spec["total"]),
                themes=[spec["themes"][index % len(spec["themes"])]],
                # Already redacted in the seed: loaded as cleared.
                text=quote,
                redacted_text=quote,
                redaction_state=RedactionState.CLEARED,
                cleared_at=now,
            )
        )
    Compliment.objects.bulk_create(compliments)

    for survey_spec in data["surveys"]:
        survey = VoiceSurvey.objects.create(
            authority=authority,
            title=survey_spec["title"],
            audience=survey_spec["audience"],
            conducted_on=date.fromisoformat(survey_spec["conducted_on"]),
        )
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                survey=survey,
                text=q["text"],
                percent_positive=Decimal(q["percent_positive"]),
                measure=q.get("measure", ""),
                order=order,
            )
            for order, q in enumerate(survey_spec["questions"])
        )
        SurveyComment.objects.bulk_create(
            SurveyComment(
                survey=survey,
                text=text,
                redacted_text=text,
                redaction_state=RedactionState.CLEARED,
                cleared_at=now,
            )
            for text in survey_spec["comments"]
        )
    complaints_summaries_derive(authority=authority)
    return ComplaintsDemoResult(len(complaints), len(compliments), len(data["surveys"]))
