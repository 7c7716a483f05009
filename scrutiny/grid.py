"""The period grid's rows: which periods of the year so far it shows, and which figure is last
year's outturn, and how each is headed. Pure: periods as (kind, start, end), no ORM.

Welsh half-year reports (and many English ones) show each national measure quarter by quarter
for the year so far, beside last year's year-end outturn, the Welsh average and a comment
(issue 17). A quarter with no figure keeps its row, saying so, so that a missing Q1 is seen
rather than hidden. Last year's outturn is, in this order:

1. the financial year's own figure on a monthly or quarterly measure (entered, imported or
   rolled up from its parts), headed "2016-17 year end";
2. for a measure whose last period's figure is the year's (year to date, a snapshot, a rolling
   twelve months, or rolled up as the latest), last year's final quarter or month, when there
   is one, also headed "2016-17 year end" (derived: it is the year's figure);
3. otherwise the last figure before the year, headed with its own period ("Last year: Q3
   2016/17"), since it is not the year's outturn and must not read as one. An annual
   measure's last year is its own year ("Last year: 2016/17").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_noop

from indicators import periods

MONTHLY, QUARTERLY, ANNUAL = "monthly", "quarterly", "annual"
# The measure types whose last period's figure is the whole year's: a year-to-date count or
# percentage, a snapshot at the period's end, a rolling twelve months.
YEAR_IN_LAST_PERIOD = ("ytd", "snapshot", "rolling_12")
LATEST = "latest"

STORED, DERIVED, LAST_FIGURE = "stored", "derived", "last figure"

# A period as the grid reads it: its kind, first and last day.
Span = tuple[str, date, date]


@dataclass(frozen=True)
class GridPeriod:
    kind: str
    start: date
    end: date
    label: str


def periods_so_far(frequency: str, period_end: date) -> list[GridPeriod]:
    """Every month (monthly) or quarter (quarterly) of the financial year up to the one ending
    on or before `period_end`, each labelled as the product labels it ("Q1 2017/18"). None for
    an annual measure: its year has one figure, shown when there is one."""
    kind = {MONTHLY: periods.MONTH, QUARTERLY: periods.QUARTER}.get(frequency)
    if kind is None:
        return []
    step = 1 if kind == periods.MONTH else 3
    found: list[GridPeriod] = []
    start = periods.financial_year_start(period_end)
    while True:
        end = periods.add_months(start, step) - timedelta(days=1)
        if end > period_end:
            return found
        found.append(GridPeriod(kind, start, end, periods.label(kind, start, end)))
        start = periods.add_months(start, step)


def in_year(span: Span, period_end: date) -> bool:
    """Whether a figure's period ends in the financial year of `period_end`, by then."""
    return periods.financial_year_start(period_end) <= span[2] <= period_end


def last_year_start(period_end: date) -> date:
    year = periods.financial_year_start(period_end)
    return year.replace(year=year.year - 1)


def outturn(
    *,
    frequency: str,
    measure_type: str,
    roll_up: str,
    period_end: date,
    year_ends: Sequence[Span],
    native: Sequence[Span],
) -> tuple[str, int] | None:
    """Which figure is last year's outturn, and how it was found (`STORED`, `DERIVED`,
    `LAST_FIGURE`): an index into `year_ends` (the measure's financial-year figures) for
    `STORED`, else into `native` (its own periods' figures, oldest first); None when there is
    no figure before the year."""
    year_start = periods.financial_year_start(period_end)
    wanted = last_year_start(period_end)
    for index, (kind, start, _end) in enumerate(year_ends):
        if periods.is_year_end(frequency, kind) and start == wanted:
            return STORED, index
    before = [index for index, span in enumerate(native) if span[2] < year_start]
    if not before:
        return None
    last = before[-1]
    year_in_last = measure_type in YEAR_IN_LAST_PERIOD or roll_up == LATEST
    last_day = year_start - timedelta(days=1)
    if frequency != ANNUAL and year_in_last and native[last][2] == last_day:
        return DERIVED, last
    return LAST_FIGURE, last


def outturn_heading(how: str, span: Span) -> str:
    """The heading of the outturn's row: "2016-17 year end" for the year's figure, stored or
    derived; "Last year: " and the figure's own period otherwise."""
    kind, start, end = span
    if how in (STORED, DERIVED):
        return periods.year_end_label(start if how == STORED else end)
    return f"Last year: {periods.label(kind, start, end)}"


# The period grid's national column, headed with the authority's nation's average as its
# committees call it; a pack frozen before its content named the nation keeps the old words.
# Marked for translation, and translated where the grid is drawn (its heading is stored).
NATIONAL_AVERAGES = {
    "Wales": gettext_noop("Welsh average"),
    "England": gettext_noop("England average"),
}
NATIONAL_FALLBACK = gettext_noop("National average")


def national_heading(nation: str) -> str:
    return NATIONAL_AVERAGES.get(nation, NATIONAL_FALLBACK)
