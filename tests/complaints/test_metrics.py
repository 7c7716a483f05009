"""Pure metrics, without the database: timescales, quarterly summaries, survey % positive."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from complaints import metrics
from complaints.metrics import ComplaintFacts, QuestionFacts
from indicators.periods import quarter_start
from indicators.working_days import working_days_between

TODAY = date(2030, 1, 1)
days = st.dates(min_value=date(2015, 4, 1), max_value=date(2019, 3, 31))


def test_statutory_timescales_by_stage() -> None:
    monday = date(2024, 6, 3)
    assert metrics.timeliness(stage="1", received=monday, responded=date(2024, 6, 17)) == (
        metrics.Timeliness(10, True)
    )
    assert metrics.timeliness(stage="1", received=monday, responded=date(2024, 6, 18)) == (
        metrics.Timeliness(11, False)
    )
    extended = metrics.timeliness(
        stage="1", received=monday, responded=date(2024, 6, 18), extended=True
    )
    assert extended.within_timescale is True
    assert metrics.timescale_for("2", extended=False) == 25
    assert metrics.timescale_for("2", extended=True) == 65
    assert metrics.timescale_for("3", extended=True) == 30
    assert metrics.timeliness(stage="ombudsman", received=monday, responded=monday) == (
        metrics.Timeliness(0, None)
    )
    assert metrics.timeliness(stage="1", received=monday, responded=None) == (
        metrics.Timeliness(None, None)
    )


def test_working_days_skip_bank_holidays() -> None:
    # Received Thursday 20 December 2018: Christmas, Boxing Day and New Year's Day do not count.
    result = metrics.timeliness(stage="1", received=date(2018, 12, 20), responded=date(2019, 1, 7))
    assert result.working_days == 9


complaint = st.builds(
    lambda stage, received, gap, outcome, answered, extended: ComplaintFacts(
        stage,
        received,
        received + timedelta(days=gap) if answered else None,
        outcome if answered else "",
        metrics.timeliness(
            stage=stage,
            received=received,
            responded=received + timedelta(days=gap) if answered else None,
            extended=extended,
        ).within_timescale,
    ),
    st.sampled_from(metrics.STAGES),
    days,
    st.integers(0, 90),
    st.sampled_from(metrics.OUTCOMES),
    st.booleans(),
    st.booleans(),
)


@given(st.lists(complaint, max_size=40))
def test_summaries_count_every_complaint_once(complaints: list[ComplaintFacts]) -> None:
    result = metrics.summarise(
        complaints=complaints, compliment_dates=[], questions=[], today=TODAY
    )
    received = sum(
        derived.value or 0
        for (code, _start), derived in result.items()
        if code in metrics.RECEIVED_CODES.values()
    )
    assert received == len(complaints)
    concluded = sum(v.value or 0 for (code, _s), v in result.items() if code == metrics.CONCLUDED)
    expected = [
        c
        for c in complaints
        if c.responded
        and c.stage in ("1", "2")
        and c.outcome in ("upheld", "partially_upheld", "not_upheld")
    ]
    assert concluded == len(expected)
    for (code, start), derived in result.items():
        if code == metrics.UPHELD_PERCENT:
            assert derived.denominator == result[(metrics.CONCLUDED, start)].value
            assert derived.numerator is not None and derived.denominator is not None
            assert derived.numerator <= derived.denominator
        if code == metrics.TIMELY_PERCENT:
            assert derived.denominator and derived.denominator > 0
    # Every quarter of a year with a complaint has its counts, so a year rolls up from four.
    starts = {start for (code, start) in result if code == metrics.CONCLUDED}
    assert len(starts) % 4 == 0


@given(st.lists(complaint, min_size=1, max_size=40))
def test_withdrawn_complaints_never_count_as_concluded_or_timed(
    complaints: list[ComplaintFacts],
) -> None:
    withdrawn = [
        ComplaintFacts(c.stage, c.received, c.responded, "withdrawn", c.within_timescale)
        for c in complaints
        if c.responded
    ]
    result = metrics.summarise(complaints=withdrawn, compliment_dates=[], questions=[], today=TODAY)
    assert all(
        derived.value == 0 for (code, _s), derived in result.items() if code == metrics.CONCLUDED
    )
    assert not any(code in (metrics.UPHELD_PERCENT, metrics.TIMELY_PERCENT) for code, _ in result)


def test_unfinished_quarters_get_no_figure() -> None:
    facts = [ComplaintFacts("1", date(2024, 5, 1), None, "", None)]
    result = metrics.summarise(
        complaints=facts, compliment_dates=[], questions=[], today=date(2024, 8, 1)
    )
    assert {start for _code, start in result} == {date(2024, 4, 1)}


@given(st.lists(days, max_size=60))
def test_compliments_per_quarter_add_up(dates: list[date]) -> None:
    result = metrics.summarise(complaints=[], compliment_dates=dates, questions=[], today=TODAY)
    assert sum(v.value or 0 for v in result.values()) == len(dates)
    for (code, start), derived in result.items():
        assert code == metrics.COMPLIMENTS
        assert derived.value == sum(quarter_start(d) == start for d in dates)


percent = st.decimals(min_value=0, max_value=100, places=1)


@given(st.lists(st.tuples(percent, st.integers(1, 500)), min_size=1, max_size=8))
def test_survey_positive_is_respondent_weighted(answers: list[tuple[Decimal, int]]) -> None:
    questions = [QuestionFacts(date(2017, 11, 30), p, n) for p, n in answers]
    derived = metrics.survey_positive(questions)
    assert derived is not None and derived.denominator == sum(n for _p, n in answers)
    assert derived.numerator is not None and 0 <= derived.numerator <= derived.denominator
    weighted = sum((p * n for p, n in answers), Decimal(0)) / sum(n for _p, n in answers)
    value = derived.numerator * 100 / derived.denominator
    assert abs(value - weighted) <= Decimal(100) * len(answers) / derived.denominator


def test_survey_positive_without_respondents_is_the_plain_mean() -> None:
    questions = [QuestionFacts(date(2017, 11, 30), Decimal(p), None) for p in ("89", "93")]
    assert metrics.survey_positive(questions) == metrics.Derived(value=Decimal("91.0"))


def test_quarter_rows_and_outcomes_by_year() -> None:
    facts = [
        ComplaintFacts("1", date(2017, 4, 3), date(2017, 4, 12), "upheld", True),
        ComplaintFacts("2", date(2017, 4, 3), date(2017, 5, 12), "not_upheld", False),
        ComplaintFacts("1", date(2017, 10, 3), None, "", None),
    ]
    rows = metrics.quarter_rows(facts)
    assert [row.label for row in rows] == ["Q1 2017/18", "Q2 2017/18", "Q3 2017/18"]
    assert rows[0].received == {"1": 1, "2": 1, "3": 0, "ombudsman": 0}
    assert rows[0].upheld_percent == 50 and rows[0].timely_percent == 50
    assert rows[1].total_received == 0
    [year] = metrics.outcomes_by_year(facts)
    assert year.label == "2017/18" and year.concluded == 2


def test_theme_counts() -> None:
    assert metrics.theme_counts([["A", "B"], ["B"], [" B ", ""]]) == [("B", 3), ("A", 1)]
    assert working_days_between(date(2024, 6, 3), date(2024, 6, 3)) == 0
