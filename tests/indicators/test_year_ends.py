"""Year-end outturns on monthly and quarterly measures (issue 17): the pure rules of which
figures are shown and in what order (`indicators.year_ends`), without the database."""

from dataclasses import dataclass
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from indicators import periods
from indicators.year_ends import is_year_end, latest_year_end, shown_order, with_year_ends


@dataclass(frozen=True)
class P:
    kind: str
    start: date
    end: date


@dataclass(frozen=True)
class F:
    period: P
    name: str = ""


def quarter(year: int, number: int) -> F:
    month = 4 + 3 * (number - 1)
    start = date(year + (month > 12), (month - 1) % 12 + 1, 1)
    first, last = periods.bounds(periods.QUARTER, start)
    return F(P(periods.QUARTER, first, last), f"Q{number} {year}")


def year(start_year: int) -> F:
    first, last = periods.bounds(periods.FINANCIAL_YEAR, date(start_year, 4, 1))
    return F(P(periods.FINANCIAL_YEAR, first, last), f"{start_year} year end")


def test_a_financial_year_on_a_monthly_or_quarterly_measure_is_a_year_end():
    assert is_year_end("quarterly", periods.FINANCIAL_YEAR)
    assert is_year_end("monthly", periods.FINANCIAL_YEAR)
    assert not is_year_end("annual", periods.FINANCIAL_YEAR)
    assert not is_year_end("quarterly", periods.QUARTER)


def test_a_year_end_follows_its_last_quarter():
    quarters = [quarter(2016, n) for n in (1, 2, 3, 4)] + [quarter(2017, 1)]
    shown = with_year_ends("quarterly", quarters, [year(2016), year(2015), year(2017)])
    assert [figure.name for figure in shown] == [
        "Q1 2016",
        "Q2 2016",
        "Q3 2016",
        "Q4 2016",
        "2016 year end",
        "Q1 2017",
        # 2017/18 has begun within the window: its outturn, once there, is shown after it.
        "2017 year end",
    ]


def test_a_year_outside_the_window_is_left_out():
    shown = with_year_ends("quarterly", [quarter(2016, 3)], [year(2014), year(2016)])
    assert [figure.name for figure in shown] == ["Q3 2016", "2016 year end"]


def test_an_annual_measure_or_one_without_figures_of_its_own_is_as_given():
    years = [year(2015), year(2016)]
    assert with_year_ends("annual", years, [year(2017)]) == years
    assert with_year_ends("quarterly", [], years) == []


def test_the_latest_year_end_by_a_date():
    figures = [quarter(2016, 4), year(2015), year(2016), year(2017)]
    assert latest_year_end("quarterly", figures, ending_by=date(2017, 9, 30)) == year(2016)
    assert latest_year_end("quarterly", figures, ending_by=date(2016, 3, 30)) is None
    assert latest_year_end("annual", figures, ending_by=date(2019, 1, 1)) is None


years_st = st.integers(min_value=2005, max_value=2030)


@given(
    st.lists(st.tuples(years_st, st.integers(1, 4)), min_size=1, max_size=20, unique=True),
    st.lists(years_st, max_size=10, unique=True),
)
def test_every_quarter_is_kept_and_each_outturn_comes_after_its_quarters(quarters, outturns):
    native = [quarter(y, n) for y, n in quarters]
    shown = with_year_ends("quarterly", native, [year(y) for y in outturns])
    assert set(native) <= set(shown)
    assert shown == sorted(shown, key=shown_order)
    first = min(q.period.start for q in native)
    last = max(q.period.end for q in native)
    expected = {y for y in outturns if year(y).period.end >= first and year(y).period.start <= last}
    assert {f for f in shown if f.period.kind == periods.FINANCIAL_YEAR} == {
        year(y) for y in expected
    }
    for index, figure in enumerate(shown):
        if figure.period.kind == periods.FINANCIAL_YEAR:
            # None of the year's quarters comes after its outturn.
            assert all(
                later.period.end > figure.period.end
                for later in shown[index + 1 :]
                if later.period.kind == periods.QUARTER
            )
