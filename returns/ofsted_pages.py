"""The page of Ofsted judgements (issue 18, docs/0027): every authority's latest judgement as
at a date, and how many authorities hold each grade.

"Latest as at a date" is the judgement published most recently on or before it (a judgement
counts from its publication, as the "good or outstanding authorities" comparator counts it).
An authority that had given way to others by the date (Northamptonshire from April 2021, in
the lineage of areas) is left out; before then it is listed with its judgement.

Officers' and managers' working page, and admins': Ofsted's judgements are published, but the
page is not one a councillor reads (and so is not translated, docs/0026).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import F

from accounts import access
from accounts.models import User
from indicators.inspection_models import Grade, InspectionJudgement
from indicators.lineage_models import AreaSuccession


class Dated(Protocol):
    @property
    def authority_id(self) -> int: ...

    @property
    def published_on(self) -> date: ...

    @property
    def inspected_on(self) -> date: ...


J = TypeVar("J", bound=Dated)


def latest_by_authority(judgements: Iterable[J], on: date) -> dict[int, J]:
    """Each authority's judgement published most recently on or before `on` (of two published
    the same day, the later inspection). Pure."""
    latest: dict[int, J] = {}
    for judgement in judgements:
        if judgement.published_on > on:
            continue
        held = latest.get(judgement.authority_id)
        if held is None or (judgement.published_on, judgement.inspected_on) > (
            held.published_on,
            held.inspected_on,
        ):
            latest[judgement.authority_id] = judgement
    return latest


@dataclass(frozen=True)
class GradeCount:
    grade: str
    label: str
    count: int


@dataclass(frozen=True)
class JudgementsPage:
    on: date
    judgements: list[InspectionJudgement]
    counts: list[GradeCount]
    left_out: list[str]  # authorities that no longer existed on the date

    @property
    def total(self) -> int:
        return len(self.judgements)


def judgements_page(user: User | AnonymousUser, on: date) -> JudgementsPage:
    if not access.may_read_inspection_judgements(user):
        raise PermissionDenied(
            "Ofsted's judgements are listed for the officers and managers of an authority, and "
            "for administrators. Ask your administrator if you need them."
        )
    ceased = {
        succession.predecessor_id: succession.predecessor.name
        for succession in AreaSuccession.objects.filter(took_effect__lte=on)
        .exclude(predecessor=F("successor"))
        .select_related("predecessor")
    }
    candidates = InspectionJudgement.objects.filter(published_on__lte=on).select_related(
        "authority"
    )
    latest = latest_by_authority(candidates, on)
    shown = sorted(
        (j for j in latest.values() if j.authority_id not in ceased),
        key=lambda j: j.authority.name,
    )
    counts = [
        GradeCount(grade.value, grade.label, sum(1 for j in shown if j.overall == grade.value))
        for grade in Grade
    ]
    left_out = sorted(ceased[a] for a in latest if a in ceased)
    return JudgementsPage(on=on, judgements=shown, counts=counts, left_out=left_out)
