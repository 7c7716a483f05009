"""Pure calculations on case audit results: no ORM, no request. Quarters are financial-year
quarters (Q1 = April to June), identified by their first day.

The judgement that counts is the moderated one where an audit was moderated (moderation exists
to correct the auditor), else the auditor's own. An audit with no judgement at all counts as
audited but is left out of every percentage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from indicators.periods import quarter_start

JUDGEMENTS = ("outstanding", "good", "requires_improvement", "inadequate")
GOOD_OR_BETTER = frozenset({"outstanding", "good"})


@dataclass(frozen=True)
class AuditResult:
    audit_date: date
    judgement: str = ""
    moderated_judgement: str = ""

    @property
    def final_judgement(self) -> str:
        return self.moderated_judgement or self.judgement


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if not self.denominator else 100 * self.numerator / self.denominator


@dataclass(frozen=True)
class QuarterResults:
    quarter: date  # the quarter's first day
    counts: dict[str, int]  # judgement -> audits, in JUDGEMENTS order; every judgement present
    not_judged: int
    good_or_better: Ratio
    moderation: Ratio  # agreed / moderated

    @property
    def audited(self) -> int:
        return sum(self.counts.values()) + self.not_judged


def good_or_better(results: Iterable[AuditResult]) -> Ratio:
    judged = [r.final_judgement for r in results if r.final_judgement]
    return Ratio(sum(1 for j in judged if j in GOOD_OR_BETTER), len(judged))


def moderation_agreement(results: Iterable[AuditResult]) -> Ratio:
    """Of the moderated audits, those whose moderator agreed with the auditor's judgement."""
    moderated = [r for r in results if r.moderated_judgement and r.judgement]
    agreed = sum(1 for r in moderated if r.moderated_judgement == r.judgement)
    return Ratio(agreed, len(moderated))


def judgement_counts(results: Iterable[AuditResult]) -> tuple[dict[str, int], int]:
    """Audits by final judgement (every judgement present, best first), and those without."""
    counts = dict.fromkeys(JUDGEMENTS, 0)
    not_judged = 0
    for result in results:
        if result.final_judgement in counts:
            counts[result.final_judgement] += 1
        else:
            not_judged += 1
    return counts, not_judged


def by_quarter(results: Iterable[AuditResult]) -> list[QuarterResults]:
    """The results of each quarter that has at least one audit, oldest first."""
    grouped: dict[date, list[AuditResult]] = {}
    for result in results:
        grouped.setdefault(quarter_start(result.audit_date), []).append(result)
    quarters = []
    for quarter in sorted(grouped):
        in_quarter = grouped[quarter]
        counts, not_judged = judgement_counts(in_quarter)
        quarters.append(
            QuarterResults(
                quarter=quarter,
                counts=counts,
                not_judged=not_judged,
                good_or_better=good_or_better(in_quarter),
                moderation=moderation_agreement(in_quarter),
            )
        )
    return quarters


def theme_counts(themes_per_record: Iterable[Sequence[str]]) -> list[tuple[str, int]]:
    """How many records carry each learning theme, most first, then by name. A theme named
    twice on one record counts once."""
    counter: Counter[str] = Counter()
    for themes in themes_per_record:
        counter.update(set(themes))
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))
