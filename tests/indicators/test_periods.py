import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import periods
from indicators.periods import (
    ACADEMIC_YEAR,
    FINANCIAL_YEAR,
    MONTH,
    QUARTER,
    SNAPSHOT,
    bounds,
    label,
    months_between,
    parse,
    short_label,
)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
NESTING_KINDS = (MONTH, QUARTER, FINANCIAL_YEAR, ACADEMIC_YEAR)


def label_of(kind: str, day: date) -> str:
    return label(kind, *bounds(kind, day))


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (FINANCIAL_YEAR, date(2017, 4, 1), "2017/18"),
        (FINANCIAL_YEAR, date(2018, 3, 31), "2017/18"),
        (FINANCIAL_YEAR, date(1999, 6, 1), "1999/00"),
        (QUARTER, date(2017, 4, 1), "Q1 2017/18"),
        (QUARTER, date(2017, 6, 30), "Q1 2017/18"),
        (QUARTER, date(2017, 7, 1), "Q2 2017/18"),
        (QUARTER, date(2017, 12, 31), "Q3 2017/18"),
        (QUARTER, date(2018, 1, 1), "Q4 2017/18"),
        (QUARTER, date(2018, 3, 31), "Q4 2017/18"),
        (ACADEMIC_YEAR, date(2016, 9, 1), "AY 2016/17"),
        (ACADEMIC_YEAR, date(2017, 8, 31), "AY 2016/17"),
        (MONTH, date(2021, 9, 15), "September 2021"),
        (SNAPSHOT, date(2018, 3, 31), "at 31 March 2018"),
        (SNAPSHOT, date(2018, 4, 1), "at 1 April 2018"),
    ],
)
def test_labels(kind: str, day: date, expected: str) -> None:
    assert label_of(kind, day) == expected


def test_short_labels() -> None:
    assert short_label(MONTH, *bounds(MONTH, date(2021, 9, 1))) == "Sep 2021"
    assert short_label(QUARTER, *bounds(QUARTER, date(2018, 2, 1))) == "Q4 2017/18"


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        (MONTH, date(2020, 2, 10), date(2020, 2, 1), date(2020, 2, 29)),
        (MONTH, date(2021, 2, 10), date(2021, 2, 1), date(2021, 2, 28)),
        (QUARTER, date(2017, 5, 5), date(2017, 4, 1), date(2017, 6, 30)),
        (QUARTER, date(2018, 2, 5), date(2018, 1, 1), date(2018, 3, 31)),
        (QUARTER, date(2017, 11, 5), date(2017, 10, 1), date(2017, 12, 31)),
        (FINANCIAL_YEAR, date(2018, 3, 31), date(2017, 4, 1), date(2018, 3, 31)),
        (FINANCIAL_YEAR, date(2018, 4, 1), date(2018, 4, 1), date(2019, 3, 31)),
        (ACADEMIC_YEAR, date(2017, 8, 31), date(2016, 9, 1), date(2017, 8, 31)),
        (ACADEMIC_YEAR, date(2017, 9, 1), date(2017, 9, 1), date(2018, 8, 31)),
        (SNAPSHOT, date(2018, 3, 31), date(2018, 3, 31), date(2018, 3, 31)),
    ],
)
def test_bounds(kind: str, day: date, start: date, end: date) -> None:
    assert bounds(kind, day) == (start, end)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown period kind"):
        bounds("fortnight", date(2020, 1, 1))
    with pytest.raises(ValueError, match="Unknown period kind"):
        label("fortnight", date(2020, 1, 1), date(2020, 1, 14))


@pytest.mark.parametrize(
    ("text", "kind", "start", "expected_label"),
    [
        ("2017/18", FINANCIAL_YEAR, date(2017, 4, 1), "2017/18"),
        ("1999/00", FINANCIAL_YEAR, date(1999, 4, 1), "1999/00"),
        (" AY 2016/17 ", ACADEMIC_YEAR, date(2016, 9, 1), "AY 2016/17"),
        ("2017/18 Q1", QUARTER, date(2017, 4, 1), "Q1 2017/18"),
        ("2017/18 Q4", QUARTER, date(2018, 1, 1), "Q4 2017/18"),
        ("2021-09", MONTH, date(2021, 9, 1), "September 2021"),
        ("2018-03-31", SNAPSHOT, date(2018, 3, 31), "at 31 March 2018"),
    ],
)
def test_parse(text: str, kind: str, start: date, expected_label: str) -> None:
    assert parse(text) == (kind, start)
    assert label_of(kind, start) == expected_label


@pytest.mark.parametrize(
    "text", ["", "2017", "2017/19", "2017/18 Q5", "2017/18 Q0", "2021-13", "2018-02-30", "AY x"]
)
def test_parse_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="Cannot read"):
        parse(text)


def test_months_between() -> None:
    assert months_between(date(2017, 11, 15), date(2018, 2, 1)) == [
        date(2017, 11, 1),
        date(2017, 12, 1),
        date(2018, 1, 1),
        date(2018, 2, 1),
    ]


# Properties.


@given(day=days, kind=st.sampled_from((*NESTING_KINDS, SNAPSHOT)))
def test_every_date_is_inside_its_period(day: date, kind: str) -> None:
    start, end = bounds(kind, day)
    assert start <= day <= end
    assert bounds(kind, start) == (start, end)
    assert bounds(kind, end) == (start, end)


@given(day=days)
def test_period_lengths(day: date) -> None:
    month_start, month_end = bounds(MONTH, day)
    assert 28 <= (month_end - month_start).days + 1 <= 31
    assert len(months_between(*bounds(QUARTER, day))) == 3
    assert len(months_between(*bounds(FINANCIAL_YEAR, day))) == 12
    assert len(months_between(*bounds(ACADEMIC_YEAR, day))) == 12


@given(day=days)
def test_a_quarters_months_nest_inside_it_and_its_financial_year(day: date) -> None:
    q_start, q_end = bounds(QUARTER, day)
    fy_start, fy_end = bounds(FINANCIAL_YEAR, day)
    assert fy_start <= q_start <= q_end <= fy_end
    months = months_between(q_start, q_end)
    assert months[0] == q_start
    assert periods.month_end(months[-1]) == q_end
    for month in months:
        m_start, m_end = bounds(MONTH, month)
        assert q_start <= m_start <= m_end <= q_end
        assert bounds(QUARTER, m_start) == (q_start, q_end)
    assert label_of(QUARTER, day).endswith(label_of(FINANCIAL_YEAR, day))


@given(day=days)
def test_the_four_quarters_tile_the_financial_year(day: date) -> None:
    fy_start, fy_end = bounds(FINANCIAL_YEAR, day)
    quarters = [bounds(QUARTER, periods.add_months(fy_start, 3 * n)) for n in range(4)]
    assert quarters[0][0] == fy_start
    assert quarters[-1][1] == fy_end
    for (_, end), (next_start, _) in itertools.pairwise(quarters):
        assert (next_start - end).days == 1
    assert [label(QUARTER, *q)[:2] for q in quarters] == ["Q1", "Q2", "Q3", "Q4"]


@given(day=days)
def test_labels_round_trip_through_parse(day: date) -> None:
    fy_start, _ = bounds(FINANCIAL_YEAR, day)
    assert parse(label_of(FINANCIAL_YEAR, day)) == (FINANCIAL_YEAR, fy_start)
    ay_start, _ = bounds(ACADEMIC_YEAR, day)
    assert parse(label_of(ACADEMIC_YEAR, day)) == (ACADEMIC_YEAR, ay_start)
    q_start, _q_end = bounds(QUARTER, day)
    number = periods.quarter_number(q_start)
    assert parse(f"{label_of(FINANCIAL_YEAR, day)} Q{number}") == (QUARTER, q_start)
    assert parse(f"{day.year}-{day.month:02d}") == (MONTH, day.replace(day=1))
    assert parse(day.isoformat()) == (SNAPSHOT, day)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_period_round_trips_through_its_web_address(day: date) -> None:
    from indicators.periods import parse_url_key, url_key

    for kind in (MONTH, QUARTER, FINANCIAL_YEAR, ACADEMIC_YEAR, SNAPSHOT):
        start, _end = bounds(kind, day)
        assert parse_url_key(url_key(kind, start)) == (kind, start)


@pytest.mark.parametrize("key", ["2021-13", "fy-2017-19", "fy-2017-18-q5", "ay-2016", "x", ""])
def test_a_wrong_web_address_period_is_refused(key: str) -> None:
    from indicators.periods import parse_url_key

    with pytest.raises(ValueError, match="is not a period address"):
        parse_url_key(key)


ALL_KINDS = [MONTH, QUARTER, FINANCIAL_YEAR, ACADEMIC_YEAR, SNAPSHOT]


@given(day=days, kind=st.sampled_from(ALL_KINDS))
def test_every_label_the_product_prints_reads_back_as_its_period(day: date, kind: str) -> None:
    start, end = bounds(kind, day)
    assert parse(label(kind, start, end)) == (kind, start)
    assert parse(periods.short_label(kind, start, end)) == (kind, start)
    # As people retype it: another case, extra spaces.
    assert parse(f"  {label(kind, start, end).upper()} ") == (kind, start)


@given(day=days)
def test_quarters_read_in_either_order_and_with_either_year_mark(day: date) -> None:
    start, _end = bounds(QUARTER, day)
    number = periods.quarter_number(start)
    first = periods.financial_year_start(start).year
    for year in (f"{first}/{(first + 1) % 100:02d}", f"{first}-{(first + 1) % 100:02d}"):
        assert parse(f"Q{number} {year}") == (QUARTER, start)
        assert parse(f"{year} Q{number}") == (QUARTER, start)


@pytest.mark.parametrize(
    ("text", "kind", "start"),
    [
        ("Q1 2017/18", QUARTER, date(2017, 4, 1)),
        ("Q1 2017-18", QUARTER, date(2017, 4, 1)),
        ("2017-18 Q1", QUARTER, date(2017, 4, 1)),
        ("q3 2017/18", QUARTER, date(2017, 10, 1)),
        ("2017-18", FINANCIAL_YEAR, date(2017, 4, 1)),
        ("2017/2018", FINANCIAL_YEAR, date(2017, 4, 1)),
        ("2016-17 year end", FINANCIAL_YEAR, date(2016, 4, 1)),
        ("AY 2016-17", ACADEMIC_YEAR, date(2016, 9, 1)),
        ("April 2017", MONTH, date(2017, 4, 1)),
        ("Apr 2017", MONTH, date(2017, 4, 1)),
        ("Sept 2017", MONTH, date(2017, 9, 1)),
        # As data files write months; the financial year is written 2011/12.
        ("2011-12", MONTH, date(2011, 12, 1)),
        ("at 31 March 2018", SNAPSHOT, date(2018, 3, 31)),
        ("31 Mar 2018", SNAPSHOT, date(2018, 3, 31)),
    ],
)
def test_parse_reads_the_labels_people_type(text: str, kind: str, start: date) -> None:
    assert parse(text) == (kind, start)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "it is empty"),
        ("Q5 2017/18", "four quarters"),
        ("2017/19", "2017 is followed by 18, not 19"),
        ("Smarch 2017", "'smarch' is not a month"),
        ("31 April 2018", "does not exist"),
        ("next year", ""),
        ("2021-13", "13 is not a month (01 to 12), and a year starting in 2021 is written 2021/22"),
    ],
)
def test_parse_says_why_it_refuses(text: str, why: str) -> None:
    with pytest.raises(ValueError, match="Cannot read") as refusal:
        parse(text)
    assert why in str(refusal.value)
    assert "Q1 2017/18" in str(refusal.value)  # and shows a label that would do


@pytest.mark.parametrize(
    ("text", "kind", "start"),
    [
        ("Q1 2017/18", QUARTER, date(2017, 4, 1)),
        ("2017/18 Q1", QUARTER, date(2017, 4, 1)),
        ("Apr 2017", MONTH, date(2017, 4, 1)),
        ("2017-18", FINANCIAL_YEAR, date(2017, 4, 1)),
        ("fy-2017-18-q1", QUARTER, date(2017, 4, 1)),
    ],
)
def test_a_spreadsheets_period_cell_reads_the_products_labels(
    text: str, kind: str, start: date
) -> None:
    from returns.sheet_cells import as_period

    assert as_period(text) == (kind, start)


@given(day=days, frequency=st.sampled_from(["monthly", "quarterly", "annual"]))
def test_a_years_outturn_on_a_quarterly_measure_says_year_end_and_reads_back(
    day: date, frequency: str
) -> None:
    # Issue 17: an annual figure on a quarterly (or monthly) measure is its year-end outturn,
    # labelled as Welsh half-year reports label it; the label reads back as that year.
    start, end = bounds(FINANCIAL_YEAR, day)
    text = periods.label_for_frequency(frequency, FINANCIAL_YEAR, start, end)
    if frequency == "annual":
        assert text == label(FINANCIAL_YEAR, start, end)
    else:
        assert text == f"{start.year}-{(start.year + 1) % 100:02d} year end"
    assert parse(text) == (FINANCIAL_YEAR, start)


@given(day=days, kind=st.sampled_from([MONTH, QUARTER, ACADEMIC_YEAR, SNAPSHOT]))
def test_only_a_financial_year_is_a_year_end(day: date, kind: str) -> None:
    start, end = bounds(kind, day)
    assert periods.label_for_frequency("quarterly", kind, start, end) == label(kind, start, end)


def test_the_year_end_of_2016_17() -> None:
    assert periods.year_end_label(date(2016, 4, 1)) == "2016-17 year end"
    assert periods.year_end_label(date(2017, 3, 31)) == "2016-17 year end"
    assert periods.year_end_label(date(1999, 6, 1)) == "1999-00 year end"
