"""Pure rules for reporting periods: bounds, labels and nesting. No ORM here.

Kinds (the values of `PeriodKind`): "month", "quarter" (financial-year quarter, Q1 = April to
June), "fy" (financial year, April to March), "ay" (academic year, September to August) and
"snapshot" (a single date, "at 31 March 2018").
"""

from __future__ import annotations

import calendar
import re
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


def year_end_label(start: date) -> str:
    """How a year's outturn on a quarterly or monthly measure is labelled: "2016-17 year end",
    the words Welsh and English half-year reports use (issue 17)."""
    year = financial_year_start(start).year
    return f"{year}-{(year + 1) % 100:02d} year end"


# The frequencies whose financial-year figure is a year-end outturn, not a period of its own.
SHORTER_THAN_A_YEAR = ("monthly", "quarterly")


def is_year_end(frequency: str, kind: str) -> bool:
    """Whether a figure of period `kind` on a measure of `frequency` ("monthly", "quarterly",
    "annual") is a year-end outturn: a financial year's figure on a shorter measure."""
    return kind == FINANCIAL_YEAR and frequency in SHORTER_THAN_A_YEAR


def label_for_frequency(frequency: str, kind: str, start: date, end: date) -> str:
    """A period's label beside a measure of `frequency` ("monthly", "quarterly", "annual"):
    a financial year's figure on a monthly or quarterly measure is its year-end outturn and
    says so; every other figure keeps its period's own label."""
    if is_year_end(frequency, kind):
        return year_end_label(start)
    return label(kind, start, end)


def short_label(kind: str, start: date, end: date) -> str:
    """A compact label for chart axes and narrow table columns."""
    if kind == MONTH:
        return start.strftime("%b %Y")
    if kind == SNAPSHOT:
        return end.strftime("%d %b %Y")
    return label(kind, start, end)


# How people and files write a period. Every label `label` and `short_label` print reads back
# (Q1 2017/18 and 2017/18 Q1, 2017-18, April 2017 and Apr 2017, at 31 March 2018...), so a
# label copied from a page or a pack can be typed into a form or a spreadsheet as it is.
_YEARS = r"(?P<first>\d{4})\s*[/-]\s*(?P<second>\d{2}|\d{4})"
_FINANCIAL_YEAR_TEXT = re.compile(rf"(?:fy\s*)?{_YEARS}(?:\s+year[\s-]end)?")
_ACADEMIC_YEAR_TEXT = re.compile(rf"ay\s*{_YEARS}")
_QUARTER_FIRST_TEXT = re.compile(rf"q(?P<quarter>\d+)\s*(?:fy\s*)?{_YEARS}")
_QUARTER_LAST_TEXT = re.compile(rf"(?:fy\s*)?{_YEARS}\s*q(?P<quarter>\d+)")
_ISO_MONTH_TEXT = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
_ISO_DAY_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAMED_MONTH_TEXT = re.compile(r"(?P<month>[a-z]+)\.?\s+(?P<year>\d{4})")
_NAMED_DAY_TEXT = re.compile(r"(?:at\s+)?(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?\s+(?P<year>\d{4})")

PARSE_HINT = (
    "use a label such as 2017/18, 2017-18, Q1 2017/18, 2017/18 Q1, AY 2016/17, April 2017, "
    "Apr 2017, 2021-09, at 31 March 2018 or 2018-03-31"
)


def _refused(text: str, why: str = "") -> ValueError:
    because = f": {why}" if why else ""
    return ValueError(f"Cannot read {text!r} as a period{because}; {PARSE_HINT}.")


def _year_start(text: str, first: str, second: str) -> int:
    """The first year of "2017/18" or "2017/2018", refusing pairs that are not one year
    running into the next."""
    year = int(first)
    follows = (year + 1) % 100 if len(second) == 2 else year + 1
    if int(second) != follows:
        raise _refused(text, f"{first} is followed by {(year + 1) % 100:02d}, not {second}")
    return year


def _month_number(text: str, name: str) -> int:
    """1 to 12 for a month's name or its start ("Apr", "Sept", "September")."""
    if len(name) >= 3:
        for number in range(1, 13):
            if calendar.month_name[number].lower().startswith(name):
                return number
    raise _refused(text, f"{name!r} is not a month")


def _quarter(text: str, written: str, first_year: int) -> tuple[str, date]:
    number = int(written)
    if not 1 <= number <= 4:
        raise _refused(text, "a year has four quarters, Q1 (April to June) to Q4")
    return QUARTER, add_months(date(first_year, 4, 1), (number - 1) * 3)


def parse(text: str) -> tuple[str, date]:
    """Read a period as people and files write it, returning its kind and start.

    Reads every label this product prints (see `label` and `short_label`) and the forms data
    files use: "2017/18" and "2017-18" (financial year), "AY 2016/17", "Q1 2017/18" and
    "2017/18 Q1", "April 2017" and "Apr 2017" or "2021-09" (month), "at 31 March 2018" and
    "2018-03-31" (snapshot). "2011-12" is December 2011, as data files write months; the
    financial year is written 2011/12. Raises ValueError saying what is wrong otherwise.
    """
    cleaned = " ".join(text.split()).lower()
    if not cleaned:
        raise _refused(text, "it is empty")
    try:
        if _ISO_DAY_TEXT.fullmatch(cleaned):
            return SNAPSHOT, date.fromisoformat(cleaned)
        if found := _ISO_MONTH_TEXT.fullmatch(cleaned):
            month = int(found["month"])
            if 1 <= month <= 12:
                return MONTH, date(int(found["year"]), month, 1)
            year = int(found["year"])
            if (year + 1) % 100 != month:
                raise _refused(
                    text,
                    f"{found['month']} is not a month (01 to 12), and a year starting in "
                    f"{year} is written {_year_label(year)}",
                )
        if found := _FINANCIAL_YEAR_TEXT.fullmatch(cleaned):
            return FINANCIAL_YEAR, date(_year_start(text, found["first"], found["second"]), 4, 1)
        if found := _ACADEMIC_YEAR_TEXT.fullmatch(cleaned):
            return ACADEMIC_YEAR, date(_year_start(text, found["first"], found["second"]), 9, 1)
        if found := _QUARTER_FIRST_TEXT.fullmatch(cleaned) or _QUARTER_LAST_TEXT.fullmatch(cleaned):
            first_year = _year_start(text, found["first"], found["second"])
            return _quarter(text, found["quarter"], first_year)
        if found := _NAMED_MONTH_TEXT.fullmatch(cleaned):
            return MONTH, date(int(found["year"]), _month_number(text, found["month"]), 1)
        if found := _NAMED_DAY_TEXT.fullmatch(cleaned):
            month = _month_number(text, found["month"])
            return SNAPSHOT, date(int(found["year"]), month, int(found["day"]))
    except ValueError as problem:
        if str(problem).startswith("Cannot read"):
            raise
        # date() refusing a day or month that does not exist (2018-02-30, 31 April 2018)
        raise _refused(text, "that day or month does not exist") from None
    raise _refused(text)


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
