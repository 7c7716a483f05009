"""The period grid's rows, as pure functions (scrutiny.grid): the quarters or months of the year
so far, which figure is last year's outturn and how it is headed, the national column's
heading (issue 17, Welsh half-year report)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from indicators import periods
from scrutiny import grid, layouts

Q1, Q2, Q3, Q4 = (
    ("quarter", date(2017, 4, 1), date(2017, 6, 30)),
    ("quarter", date(2017, 7, 1), date(2017, 9, 30)),
    ("quarter", date(2017, 10, 1), date(2017, 12, 31)),
    ("quarter", date(2018, 1, 1), date(2018, 3, 31)),
)
LAST_Q3 = ("quarter", date(2016, 10, 1), date(2016, 12, 31))
LAST_Q4 = ("quarter", date(2017, 1, 1), date(2017, 3, 31))
LAST_YEAR = ("fy", date(2016, 4, 1), date(2017, 3, 31))
YEAR_BEFORE = ("fy", date(2015, 4, 1), date(2016, 3, 31))
HALF_YEAR = date(2017, 9, 30)


def test_a_half_year_grid_has_a_row_for_q1_and_q2_labelled_as_the_product_labels_them() -> None:
    rows = grid.periods_so_far("quarterly", HALF_YEAR)
    assert [row.label for row in rows] == ["Q1 2017/18", "Q2 2017/18"]
    assert [(row.kind, row.start, row.end) for row in rows] == [Q1, Q2]


def test_a_monthly_grid_has_a_row_per_month_and_an_annual_one_none() -> None:
    assert [row.label for row in grid.periods_so_far("monthly", date(2017, 6, 30))] == [
        "April 2017",
        "May 2017",
        "June 2017",
    ]
    assert grid.periods_so_far("annual", HALF_YEAR) == []


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_the_quarters_so_far_run_from_april_to_the_last_quarter_ended(day: date) -> None:
    rows = grid.periods_so_far("quarterly", day)
    year = periods.financial_year_start(day)
    # Every quarter of the financial year that has ended by the day, in order, without gaps.
    assert len(rows) == sum(
        1 for n in range(4) if periods.add_months(year, 3 * n + 3) <= day + timedelta(days=1)
    )
    for number, row in enumerate(rows, start=1):
        assert row.label == f"Q{number} {periods.label('fy', year, year)}"
        assert row.end <= day
        assert periods.parse(row.label) == ("quarter", row.start)


def outturn(native, year_ends=(), measure_type="ytd", roll_up="latest", frequency="quarterly"):
    return grid.outturn(
        frequency=frequency,
        measure_type=measure_type,
        roll_up=roll_up,
        period_end=HALF_YEAR,
        year_ends=list(year_ends),
        native=list(native),
    )


def test_last_years_stored_year_figure_is_the_year_end_outturn() -> None:
    found = outturn([LAST_Q3, LAST_Q4, Q1, Q2], year_ends=[YEAR_BEFORE, LAST_YEAR])
    assert found == (grid.STORED, 1)
    assert grid.outturn_heading(grid.STORED, LAST_YEAR) == "2016-17 year end"


def test_without_a_year_figure_a_cumulative_measures_q4_is_the_year_end() -> None:
    # Year to date, or rolled up as the latest: the last quarter's figure is the year's.
    assert outturn([LAST_Q3, LAST_Q4, Q1], year_ends=[YEAR_BEFORE]) == (grid.DERIVED, 1)
    assert outturn([LAST_Q4], measure_type="events") == (grid.DERIVED, 0)
    assert grid.outturn_heading(grid.DERIVED, LAST_Q4) == "2016-17 year end"


def test_a_count_of_events_or_a_missing_q4_is_not_passed_off_as_the_year() -> None:
    # Events summed or as a ratio: Q4 alone is not the year's outturn.
    found = outturn([LAST_Q3, LAST_Q4], measure_type="events", roll_up="sum")
    assert found == (grid.LAST_FIGURE, 1)
    assert grid.outturn_heading(grid.LAST_FIGURE, LAST_Q4) == "Last year: Q4 2016/17"
    # Q4 never came: the last figure there is, under its own period.
    assert outturn([LAST_Q3, Q1]) == (grid.LAST_FIGURE, 0)
    assert grid.outturn_heading(grid.LAST_FIGURE, LAST_Q3) == "Last year: Q3 2016/17"
    assert outturn([Q1, Q2]) is None


def test_an_annual_measures_last_year_is_its_own_year() -> None:
    found = outturn([YEAR_BEFORE, LAST_YEAR], frequency="annual", measure_type="events")
    assert found == (grid.LAST_FIGURE, 1)
    assert grid.outturn_heading(grid.LAST_FIGURE, LAST_YEAR) == "Last year: 2016/17"


def test_a_figure_ending_in_the_year_is_in_it() -> None:
    assert grid.in_year(Q2, HALF_YEAR) and not grid.in_year(Q3, HALF_YEAR)
    assert not grid.in_year(LAST_Q4, HALF_YEAR)
    # An academic year ending in August belongs to the year it ends in.
    assert grid.in_year(("ay", date(2016, 9, 1), date(2017, 8, 31)), HALF_YEAR)


def test_the_national_column_names_the_authoritys_nations_average() -> None:
    assert grid.national_heading("Wales") == "Welsh average"
    assert grid.national_heading("England") == "England average"
    # A pack frozen before its content named the nation.
    assert grid.national_heading("") == "National average"
    wales_row = {"target": "no target", "national": {"value": "71.2"}, "commentary": ""}
    section = layouts.period_grid([{"grid": {"rows": [wales_row], "previous": None}}], "Wales")
    assert section["national"] and section["national_heading"] == "Welsh average"


def test_a_quarter_with_no_figure_spans_the_columns_of_the_grid() -> None:
    missing = {"period": "Q1 2017/18", "heading": "Q1 2017/18", "missing": True}
    filled = {"target": "90%", "national": {"value": "70"}, "commentary": "Better"}
    section = layouts.period_grid([{"grid": {"rows": [missing, filled], "previous": None}}])
    # Figure, target, rating, national, comment: what the missing quarter's words span.
    assert section["span"] == 5
