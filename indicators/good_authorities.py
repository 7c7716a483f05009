"""The "good or outstanding authorities" comparator's members, from Ofsted's judgements
(issue 18): as at a day, the authorities whose latest judgement published on or before it was
good or outstanding. Not a hand-kept list: an authority joins the day its good report is
published and leaves the day a worse one is.

Two reads: `good_or_outstanding_as_at(day)`, one query in SQL for one day; and
`good_authorities()`, every authority's judgements in one query, kept as a timeline
(`GoodAuthorities`) that answers for any number of days without another query: a page, a pack
or a dashboard rebuild asks for many periods' ends at once. Both read the same rule, and run
on SQLite and PostgreSQL alike (a window function, no DISTINCT ON).

Kept beside `figure_context` rather than in `selectors`, since `figure_context.comparator_setup`
reads it and `selectors` imports `figure_context` (no import circles, docs/code-map.md).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from .inspection_models import GOOD_OR_BETTER, InspectionJudgement
from .reference_cache import GOOD_AUTHORITIES, cached


def _newest_first() -> Window:
    # Of two judgements published the same day, the later inspection; then the later row.
    return Window(
        RowNumber(),
        partition_by=[F("authority_id")],
        order_by=[F("published_on").desc(), F("inspected_on").desc(), F("pk").desc()],
    )


def good_or_outstanding_as_at(day: date) -> frozenset[int]:
    """The ids of the authorities whose latest judgement published on or before `day` was good
    or outstanding. One query."""
    # Each authority's latest judgement, then its grade: a condition on the grade in the same
    # filter would be applied before the ranking (Django keeps only conditions on the window
    # outside), and find an authority's latest good judgement rather than its latest.
    good = {grade.value for grade in GOOD_OR_BETTER}
    return frozenset(
        authority_id
        for authority_id, overall in InspectionJudgement.objects.filter(published_on__lte=day)
        .annotate(newest=_newest_first())
        .filter(newest=1)
        .values_list("authority_id", "overall")
        if overall in good
    )


@dataclass(frozen=True)
class GoodAuthorities:
    """Every authority's judgements in the order they were published, as (day published,
    good or better), so the members as at any day are found without the database.
    `held` is False when no judgement is held at all: then a comparator keeps its hand-kept
    group, and says so."""

    # authority id -> ((published on, good or better), ...), oldest first
    timeline: dict[int, tuple[tuple[date, bool], ...]] = field(default_factory=dict)
    # Each day's answer, worked out once: a page asks for the same few period ends for every
    # row and comparator it draws.
    answers: dict[date, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def held(self) -> bool:
        return bool(self.timeline)

    def as_at(self, day: date) -> frozenset[int]:
        """The authorities whose latest judgement published on or before `day` was good or
        outstanding."""
        known = self.answers.get(day)
        if known is not None:
            return known
        members = set()
        for authority_id, judgements in self.timeline.items():
            # The judgements published on or before the day are those before this index.
            upto = bisect_right(judgements, (day, True))
            if upto and judgements[upto - 1][1]:
                members.add(authority_id)
        self.answers[day] = frozenset(members)
        return self.answers[day]

    def by_day(self, days: Iterable[date]) -> dict[date, frozenset[int]]:
        return {day: self.as_at(day) for day in set(days)}

    def ever_good(self) -> frozenset[int]:
        """Every authority good or outstanding at some time: whose figures a mean may read."""
        return frozenset(
            authority_id
            for authority_id, judgements in self.timeline.items()
            if any(good for _day, good in judgements)
        )


def timeline_of(
    judgements: Iterable[tuple[int, date, date, int, str]],
) -> GoodAuthorities:
    """The timeline from judgements as (authority id, published on, inspected on, id,
    overall grade), in any order. Of two published the same day the later inspection counts,
    as in `good_or_outstanding_as_at`: only the last of a day is kept."""
    ordered = sorted(judgements, key=lambda row: (row[0], row[1], row[2], row[3]))
    timeline: dict[int, list[tuple[date, bool]]] = {}
    good = {grade.value for grade in GOOD_OR_BETTER}
    for authority_id, published_on, _inspected_on, _pk, overall in ordered:
        days = timeline.setdefault(authority_id, [])
        if days and days[-1][0] == published_on:
            days.pop()
        days.append((published_on, overall in good))
    return GoodAuthorities({key: tuple(days) for key, days in timeline.items()})


def good_authorities() -> GoodAuthorities:
    """Every judgement held, as a timeline: one query (a few rows an authority) when the
    cache does not hold it (`reference_cache`)."""
    return cached(
        GOOD_AUTHORITIES,
        lambda: timeline_of(
            InspectionJudgement.objects.values_list(
                "authority_id", "published_on", "inspected_on", "pk", "overall"
            )
        ),
    )
