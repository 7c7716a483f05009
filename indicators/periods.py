"""Pure rules for reporting periods: bounds, labels and nesting. No ORM here.

Kinds (the values of `PeriodKind`): "month", "quarter" (financial-year quarter, Q1 = April to
June), "fy" (financial year, April to March), "ay" (academic year, September to August) and
"snapshot" (a single date, "at 31 March 2018").
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

MONTH = "month"
QUARTER = "quarter"
FINANCIAL_YEAR = "fy"
ACADEMIC_YEAR = "ay"
SNAPSHOT = "snapshot"


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def academic_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def quarter_start(day: date) -> date:
    fy = financial_year_start(day)
    months_in = (day.year - fy.year) * 12 + day.month - fy.month
    return add_months(fy, (months_in // 3) * 3)


def bounds(kind: str, day: date) -> tuple[date, date]:
    """The start and end of the period of `kind` that contains `day`."""
    if kind == MONTH:
        start = day.replace(day=1)
        return start, month_end(start)
    if kind == QUARTER:
        start = quarter_start(day)
        return start, add_months(start, 3) - timedelta(days=1)
    if kind == FINANCIAL_YEAR:
        start = financial_year_start(day)
        return start, date(start.year + 1, 3, 31)
    if kind == ACADEMIC_YEAR:
        start = academic_year_start(day)
        return start, date(start.year + 1, 8, 31)
    if kind == SNAPSHOT:
        return day, day
    raise ValueError(f"Unknown period kind: {kind!r}")


def _year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def quarter_number(start: date) -> int:
    return ((start.month - 4) % 12) // 3 + 1


def label(kind: str, start: date, end: date) -> str:
    """The label a committee report uses: "2017/18", "Q4 2017/18", "October 2021"..."""
    if kind == MONTH:
        return start.strftime("%B %Y")
    if kind == QUARTER:
        return f"Q{quarter_number(start)} {_year_label(financial_year_start(start).year)}"
    if kind == FINANCIAL_YEAR:
        return _year_label(start.year)
    if kind == ACADEMIC_YEAR:
        return f"AY {_year_label(start.year)}"
    if kind == SNAPSHOT:
        return f"at {end.day} {end.strftime('%B %Y')}"
    raise ValueError(f"Unknown period kind: {kind!r}")


def short_label(kind: str, start: date, end: date) -> str:
    """A compact label for chart axes and narrow table columns."""
    if kind == MONTH:
        return start.strftime("%b %Y")
    if kind == SNAPSHOT:
        return end.strftime("%d %b %Y")
    return label(kind, start, end)


def parse(text: str) -> tuple[str, date]:
    """Read a period as data files write it, returning its kind and start.

    "2017/18" (financial year), "AY 2016/17", "2017/18 Q4", "2021-09" (month),
    "2018-03-31" (snapshot date).
    """
    text = text.strip()
    try:
        if text.startswith("AY "):
            return ACADEMIC_YEAR, date(int(text[3:7]), 9, 1)
        if " Q" in text:
            year_part, quarter_part = text.split(" Q")
            quarter = int(quarter_part)
            if not 1 <= quarter <= 4:
                raise ValueError
            return QUARTER, add_months(date(int(year_part[:4]), 4, 1), (quarter - 1) * 3)
        if "/" in text:
            first, second = text.split("/")
            if (int(first) + 1) % 100 != int(second):
                raise ValueError
            return FINANCIAL_YEAR, date(int(first), 4, 1)
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 2:
            return MONTH, date(parts[0], parts[1], 1)
        if len(parts) == 3:
            return SNAPSHOT, date(parts[0], parts[1], parts[2])
    except ValueError:
        pass
    raise ValueError(
        f"Cannot read {text!r} as a period: use 2017/18, 2017/18 Q4, AY 2016/17, 2021-09 or "
        "2018-03-31."
    )


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s month to `end`'s month, inclusive."""
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def url_key(kind: str, start: date) -> str:
    """A period as it appears in a web address: 2021-09 (month), fy-2017-18-q4 (quarter),
    fy-2017-18 (financial year), ay-2016-17 (academic year), at-2018-03-31 (snapshot)."""
    if kind == MONTH:
        return start.strftime("%Y-%m")
    if kind == QUARTER:
        fy = financial_year_start(start).year
        return f"fy-{fy}-{(fy + 1) % 100:02d}-q{quarter_number(start)}"
    if kind == FINANCIAL_YEAR:
        return f"fy-{start.year}-{(start.year + 1) % 100:02d}"
    if kind == ACADEMIC_YEAR:
        return f"ay-{start.year}-{(start.year + 1) % 100:02d}"
    if kind == SNAPSHOT:
        return f"at-{start:%Y-%m-%d}"
    raise ValueError(f"Unknown period kind: {kind!r}")


def parse_url_key(key: str) -> tuple[str, date]:
    """The kind and start of a period from its web-address form (see `url_key`)."""
    prefix, _, rest = key.partition("-")
    try:
        if prefix == "at":
            return SNAPSHOT, date.fromisoformat(rest)
        if prefix in ("fy", "ay"):
            first, second, *quarter = rest.split("-")
            year = int(first)
            if len(first) == 4 and (year + 1) % 100 == int(second):
                if prefix == "ay" and not quarter:
                    return ACADEMIC_YEAR, date(year, 9, 1)
                if prefix == "fy" and not quarter:
                    return FINANCIAL_YEAR, date(year, 4, 1)
                if prefix == "fy" and quarter in (["q1"], ["q2"], ["q3"], ["q4"]):
                    number = int(quarter[0][1])
                    return QUARTER, add_months(date(year, 4, 1), (number - 1) * 3)
        elif len(prefix) == 4 and len(rest) == 2:
            return MONTH, date(int(prefix), int(rest), 1)
    except ValueError:
        pass
    raise ValueError(f"{key!r} is not a period address such as 2021-09 or fy-2017-18-q4.")
