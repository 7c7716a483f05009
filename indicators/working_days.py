"""Working days in England, for assessment and conference timeliness. Pure: no Django.

A working day is a Monday to Friday that is not an England and Wales bank holiday (the
`holidays` package's "GB" calendar for the "ENG" subdivision, which includes substitute days
such as "Boxing Day (observed)" and one-off days such as the 2022 state funeral).

Counting convention (the DfE's, used for the 45-day assessment and 15-day ICPC measures): the
start day does not count; every working day after it, up to and including the end day, does.
So an assessment started on a Monday and authorised the same Monday took 0 working days, and
one authorised on the Tuesday took 1. A weekend or bank holiday start day changes nothing,
because the start day never counts; a weekend or bank holiday end day adds nothing.
"""

from __future__ import annotations

import bisect
import datetime
from functools import lru_cache

import holidays

COUNTRY = "GB"
SUBDIVISION = "ENG"  # England and Wales share their bank holidays; Scotland and NI do not.


@lru_cache(maxsize=512)
def bank_holidays_on_weekdays(year: int) -> tuple[datetime.date, ...]:
    """The year's England and Wales bank holidays that fall Monday to Friday, sorted.

    Cached per year: building a year's calendar is the slow part, and a census asks for the
    same few years many thousand times. A holiday on a Saturday or Sunday is left out, since
    the weekend is not counted anyway (its substitute weekday is listed separately).
    """
    calendar = holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=year)
    return tuple(sorted(day for day in calendar if day.year == year and day.weekday() < 5))


def is_working_day(day: datetime.date) -> bool:
    if day.weekday() >= 5:
        return False
    holidays_that_year = bank_holidays_on_weekdays(day.year)
    index = bisect.bisect_left(holidays_that_year, day)
    return not (index < len(holidays_that_year) and holidays_that_year[index] == day)


def _weekdays_to(day: datetime.date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) up to and including `day`."""
    ordinal = day.toordinal()  # ordinal 1 is Monday 1 January 0001
    full_weeks, remainder = divmod(ordinal, 7)
    return full_weeks * 5 + min(remainder, 5)


def _weekday_holidays_after_up_to(start: datetime.date, end: datetime.date) -> int:
    """Bank holidays on weekdays in the half-open range (start, end]; start <= end."""
    count = 0
    for year in range(start.year, end.year + 1):
        days = bank_holidays_on_weekdays(year)
        low = bisect.bisect_right(days, start) if year == start.year else 0
        high = bisect.bisect_right(days, end) if year == end.year else len(days)
        count += max(high - low, 0)
    return count


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (the DfE convention above).

    Never negative when end >= start. When end is before start the answer is the negative of
    the count the other way round, so a date entered back to front shows as a negative
    duration rather than raising; callers that validate dates report that case themselves.
    """
    if end < start:
        return -working_days_between(end, start)
    weekdays = _weekdays_to(end) - _weekdays_to(start)
    return weekdays - _weekday_holidays_after_up_to(start, end)
