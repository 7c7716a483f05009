"""Pure calculations for complaints, compliments and surveys: no ORM, no request.

Timescales (Children Act 1989 Representations Procedure (England) Regulations 2006, SI
2006/1738, and the DfES guidance "Getting the Best from Complaints", 2006; see
docs/0014-complaints-and-voice.md): stage 1 within 10 working days, extendable to 20; stage 2
within 25 working days, extendable to 65; stage 3 review panel within 30 working days of the
request. The ombudsman sets its own pace, so an ombudsman complaint has no statutory timescale.
Working days are counted as the DfE counts them (indicators/working_days.py): the day received
does not count; every working day after it up to and including the day of the response does.

Summaries per financial-year quarter (each becomes a figure in the catalogue):
- received, by stage: complaints received in the quarter;
- concluded (CMP-CONCLUDED): stage 1 and 2 complaints answered in the quarter with an outcome
  of upheld, partially upheld or not upheld (withdrawn ones are not counted);
- upheld (CMP-UPHELD): of those, the upheld or partially upheld;
- in timescale (CMP-TIMELY): stage 1, 2 and 3 complaints answered in the quarter, withdrawn
  ones excluded, that were answered within the timescale for their stage;
- compliments received in the quarter;
- survey % positive (VOICE-*): the surveys that closed in the quarter, weighted by respondents
  across the questions when every question says how many answered it, otherwise the plain mean
  of the questions' percentages (and the figure then has no numerator or denominator).
Counts are written for every quarter of a financial year that has any record, zero included,
so that a year's total rolls up from four quarters; a percentage only where it has a base.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from indicators.periods import (
    QUARTER,
    add_months,
    bounds,
    financial_year_start,
    quarter_number,
    quarter_start,
)
from indicators.working_days import working_days_between

STAGE_1, STAGE_2, STAGE_3, OMBUDSMAN = "1", "2", "3", "ombudsman"
STAGES = (STAGE_1, STAGE_2, STAGE_3, OMBUDSMAN)
UPHELD, PARTIALLY_UPHELD, NOT_UPHELD, WITHDRAWN = (
    "upheld",
    "partially_upheld",
    "not_upheld",
    "withdrawn",
)
OUTCOMES = (UPHELD, PARTIALLY_UPHELD, NOT_UPHELD, WITHDRAWN)

# Working days: (the timescale, the most it may be extended to).
STATUTORY_TIMESCALES: dict[str, tuple[int, int]] = {
    STAGE_1: (10, 20),
    STAGE_2: (25, 65),
    STAGE_3: (30, 30),
}

# The catalogue codes the summaries are written to.
RECEIVED_CODES = {
    STAGE_1: "CMP-RECEIVED-1",
    STAGE_2: "CMP-RECEIVED-2",
    STAGE_3: "CMP-RECEIVED-3",
    OMBUDSMAN: "CMP-RECEIVED-OMB",
}
CONCLUDED = "CMP-CONCLUDED"
UPHELD_PERCENT = "CMP-UPHELD"
TIMELY_PERCENT = "CMP-TIMELY"
COMPLIMENTS = "COMPLIMENTS"
VOICE_SATISFIED = "VOICE-SATISFIED"
VOICE_SAFE = "VOICE-SAFE"
VOICE_POSITIVE = "VOICE-POSITIVE"
MEASURE_CODES = {"satisfied": VOICE_SATISFIED, "safe": VOICE_SAFE}
COMPLAINT_CODES = (*RECEIVED_CODES.values(), CONCLUDED, UPHELD_PERCENT, TIMELY_PERCENT)
DERIVED_CODES = (*COMPLAINT_CODES, COMPLIMENTS, VOICE_SATISFIED, VOICE_SAFE, VOICE_POSITIVE)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Timeliness:
    working_days: int | None
    within_timescale: bool | None


def timescale_for(stage: str, *, extended: bool) -> int | None:
    """The working days allowed for an answer at this stage, or None (the ombudsman)."""
    limits = STATUTORY_TIMESCALES.get(stage)
    if limits is None:
        return None
    return limits[1] if extended else limits[0]


def timeliness(
    *,
    stage: str,
    received: date,
    responded: date | None,
    extended: bool = False,
    count_days: Callable[[date, date], int] = working_days_between,
) -> Timeliness:
    """Working days taken and whether that was within the stage's timescale; unknown (None)
    until answered, and for the ombudsman."""
    if responded is None:
        return Timeliness(None, None)
    days = count_days(received, responded)
    limit = timescale_for(stage, extended=extended)
    return Timeliness(days, None if limit is None else days <= limit)


@dataclass(frozen=True)
class ComplaintFacts:
    stage: str
    received: date
    responded: date | None
    outcome: str
    within_timescale: bool | None


@dataclass(frozen=True)
class QuestionFacts:
    conducted_on: date
    percent_positive: Decimal
    respondents: int | None
    measure: str = ""


@dataclass(frozen=True)
class Derived:
    """One figure to write: a count (value) or a percentage (numerator and denominator, or a
    value where there are no counts to give)."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def year_label(start: date) -> str:
    """2017/18, as the packs write a financial year."""
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def quarter_label(start: date) -> str:
    """Q1 2017/18."""
    return f"Q{quarter_number(start)} {year_label(financial_year_start(start))}"


def quarters_of_year(year_start: date) -> list[date]:
    return [add_months(year_start, 3 * index) for index in range(4)]


def _quarter_end(start: date) -> date:
    return bounds(QUARTER, start)[1]


def _is_concluded(facts: ComplaintFacts) -> bool:
    return (
        facts.responded is not None
        and facts.stage in (STAGE_1, STAGE_2)
        and facts.outcome in (UPHELD, PARTIALLY_UPHELD, NOT_UPHELD)
    )


def _percent(numerator: int, denominator: int) -> Derived | None:
    if denominator <= 0:
        return None
    return Derived(numerator=Decimal(numerator), denominator=Decimal(denominator))


def survey_positive(questions: Sequence[QuestionFacts]) -> Derived | None:
    """% positive across questions: respondent-weighted when every question gives its
    respondents (numerator = positive answers, each rounded half up), else the plain mean."""
    if not questions:
        return None
    if all(q.respondents for q in questions):
        positive = sum(
            (q.percent_positive * Decimal(q.respondents or 0) / HUNDRED).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            for q in questions
        )
        total = sum(q.respondents or 0 for q in questions)
        return Derived(numerator=Decimal(positive), denominator=Decimal(total))
    mean = sum((q.percent_positive for q in questions), Decimal(0)) / len(questions)
    return Derived(value=mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def summarise(
    *,
    complaints: Iterable[ComplaintFacts],
    compliment_dates: Iterable[date],
    questions: Iterable[QuestionFacts],
    today: date,
) -> dict[tuple[str, date], Derived]:
    """Every derived figure by (catalogue code, quarter start), for quarters that have ended."""
    complaints = list(complaints)
    compliment_dates = list(compliment_dates)
    questions = list(questions)
    result: dict[tuple[str, date], Derived] = {}

    complaint_years = {financial_year_start(c.received) for c in complaints} | {
        financial_year_start(c.responded) for c in complaints if c.responded
    }
    for year in complaint_years:
        for start in quarters_of_year(year):
            if _quarter_end(start) >= today:
                continue
            received = Counter(c.stage for c in complaints if quarter_start(c.received) == start)
            for stage, code in RECEIVED_CODES.items():
                result[(code, start)] = Derived(value=Decimal(received[stage]))
            answered = [
                c for c in complaints if c.responded and quarter_start(c.responded) == start
            ]
            concluded = [c for c in answered if _is_concluded(c)]
            result[(CONCLUDED, start)] = Derived(value=Decimal(len(concluded)))
            upheld = _percent(
                sum(c.outcome in (UPHELD, PARTIALLY_UPHELD) for c in concluded), len(concluded)
            )
            if upheld:
                result[(UPHELD_PERCENT, start)] = upheld
            timed = [
                c for c in answered if c.outcome != WITHDRAWN and c.within_timescale is not None
            ]
            timely = _percent(sum(bool(c.within_timescale) for c in timed), len(timed))
            if timely:
                result[(TIMELY_PERCENT, start)] = timely

    for year in {financial_year_start(day) for day in compliment_dates}:
        for start in quarters_of_year(year):
            if _quarter_end(start) < today:
                count = sum(quarter_start(day) == start for day in compliment_dates)
                result[(COMPLIMENTS, start)] = Derived(value=Decimal(count))

    by_quarter: dict[date, list[QuestionFacts]] = {}
    for question in questions:
        by_quarter.setdefault(quarter_start(question.conducted_on), []).append(question)
    for start, asked in by_quarter.items():
        if _quarter_end(start) >= today:
            continue
        for measure, code in MEASURE_CODES.items():
            derived = survey_positive([q for q in asked if q.measure == measure])
            if derived:
                result[(code, start)] = derived
        overall = survey_positive(asked)
        if overall:
            result[(VOICE_POSITIVE, start)] = overall
    return result


# --- what the page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterRow:
    start: date
    received: dict[str, int]
    concluded: int
    upheld: int
    answered_with_timescale: int
    in_timescale: int

    @property
    def label(self) -> str:
        return quarter_label(self.start)

    @property
    def total_received(self) -> int:
        return sum(self.received.values())

    @property
    def upheld_percent(self) -> Decimal | None:
        return _share(self.upheld, self.concluded)

    @property
    def timely_percent(self) -> Decimal | None:
        return _share(self.in_timescale, self.answered_with_timescale)


def _share(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP)


def quarter_rows(complaints: Sequence[ComplaintFacts]) -> list[QuarterRow]:
    """One row per quarter from the first complaint's to the last's, gaps included."""
    days = [c.received for c in complaints] + [c.responded for c in complaints if c.responded]
    if not days:
        return []
    start, last = quarter_start(min(days)), quarter_start(max(days))
    rows: list[QuarterRow] = []
    while start <= last:
        received = Counter(c.stage for c in complaints if quarter_start(c.received) == start)
        answered = [c for c in complaints if c.responded and quarter_start(c.responded) == start]
        concluded = [c for c in answered if _is_concluded(c)]
        timed = [c for c in answered if c.outcome != WITHDRAWN and c.within_timescale is not None]
        rows.append(
            QuarterRow(
                start=start,
                received={stage: received[stage] for stage in STAGES},
                concluded=len(concluded),
                upheld=sum(c.outcome in (UPHELD, PARTIALLY_UPHELD) for c in concluded),
                answered_with_timescale=len(timed),
                in_timescale=sum(bool(c.within_timescale) for c in timed),
            )
        )
        start = add_months(start, 3)
    return rows


@dataclass(frozen=True)
class YearOutcomes:
    year_start: date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return year_label(self.year_start)

    @property
    def concluded(self) -> int:
        return sum(self.counts.get(o, 0) for o in (UPHELD, PARTIALLY_UPHELD, NOT_UPHELD))


def outcomes_by_year(complaints: Sequence[ComplaintFacts]) -> list[YearOutcomes]:
    """Stage 1 and 2 outcomes by the financial year they were answered in, oldest first."""
    years: dict[date, Counter[str]] = {}
    for c in complaints:
        if c.responded and c.stage in (STAGE_1, STAGE_2) and c.outcome:
            years.setdefault(financial_year_start(c.responded), Counter())[c.outcome] += 1
    return [
        YearOutcomes(year, {o: counts[o] for o in OUTCOMES})
        for year, counts in sorted(years.items())
    ]


def theme_counts(themes: Iterable[Sequence[str]]) -> list[tuple[str, int]]:
    """How many records carry each theme, most common first, then alphabetical."""
    counts: Counter[str] = Counter()
    for record_themes in themes:
        counts.update({theme.strip() for theme in record_themes if theme.strip()})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
