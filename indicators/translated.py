"""The words the rating, trend, formatting and period rules write, in the active language.

Those rules are pure and write English ("Red: below target", "Worsening", "12 days",
"Q1 2017/18"), and a published pack keeps them as it stood (`PackSection.frozen`), in English
whoever published it. They are translated here, when a page is drawn, so that one published
pack reads in English or in Welsh (docs/0026). A sentence with a name or a figure in it
("Better than England (2016/17)") is matched against its English pattern (the msgid), and
each part is translated by its own rule before the translated pattern is filled in. Words not
known here are shown as they are: data (an indicator's title, an officer's comment) is not
translated.

No ORM: tested without the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.dates import MONTHS
from django.utils.translation import get_language, gettext, gettext_noop, pgettext

# Words a page shows on their own that no rule below writes: the nations and comparator
# headings kept in pack content, and the rules' fixed phrases translated where they are shown.
KNOWN = (
    gettext_noop("England"),
    gettext_noop("Wales"),
    gettext_noop("Statistical neighbours"),
    gettext_noop("Region"),
    gettext_noop("National average"),
    gettext_noop("no figure"),
    gettext_noop("no target"),
    gettext_noop("no change"),
    gettext_noop("provisional"),
)

# As `periods.label` writes them (strftime's "%B" in the C locale the app runs in).
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_NUMBERS = {name: number for number, name in enumerate(ENGLISH_MONTHS, start=1)}
_MONTH = "(?P<month>" + "|".join(_MONTH_NUMBERS) + ")"


def _month(name: str) -> str:
    """An English month name (as strftime writes it) in the active language; Django's own
    catalogue has every month's name."""
    return str(MONTHS[_MONTH_NUMBERS[name]])


# Period labels as `indicators.periods.label` and `year_end_label` write them.
_PERIODS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"^Q(?P<quarter>[1-4]) (?P<year>\d{4}/\d{2})$"),
        lambda m: gettext("Q%(quarter)s %(year)s") % m.groupdict(),
    ),
    (
        re.compile(r"^(?P<year>\d{4}-\d{2}) year end$"),
        lambda m: gettext("%(year)s year end") % m.groupdict(),
    ),
    (
        re.compile(r"^AY (?P<year>\d{4}/\d{2})$"),
        lambda m: gettext("AY %(year)s") % m.groupdict(),
    ),
    (
        re.compile(rf"^at (?P<day>\d{{1,2}}) {_MONTH} (?P<year>\d{{4}})$"),
        lambda m: (
            gettext("at %(day)s %(month)s %(year)s")
            % {**m.groupdict(), "month": _month(m["month"])}
        ),
    ),
    (
        re.compile(rf"^{_MONTH} (?P<year>\d{{4}})$"),
        lambda m: (
            pgettext("month and year", "%(month)s %(year)s")
            % {"month": _month(m["month"]), "year": m["year"]}
        ),
    ),
)


def period_label(label: str) -> str:
    """A period's label ("Q1 2017/18", "June 2017", "2016-17 year end") in the active
    language; a financial year ("2017/18") reads the same in both."""
    for pattern, render in _PERIODS:
        match = pattern.match(label)
        if match:
            return render(match)
    return label


def _value(text: str) -> str:
    """A figure as `indicators.formatting` writes it: only its words are translated."""
    return sentence(text)


# Sentences with parts: the English pattern (the msgid, as the rules write it) and how each
# part is translated. Most specific first: the first pattern that matches is used.
_PART_RULES: dict[str, Callable[[str], str]] = {
    "comparator": lambda text: _comparator(text),
    "period": period_label,
    "was": _value,
    "value": _value,
    "change": lambda text: sentence(text),
    "travel": lambda text: sentence(text),
    "number": lambda text: text,
}
_SENTENCES = (
    gettext_noop("%(travel)s: the same as %(period)s (%(was)s)"),
    gettext_noop("%(travel)s: %(change)s from %(was)s (%(period)s)"),
    gettext_noop("Better than %(comparator)s"),
    gettext_noop("Similar to %(comparator)s"),
    gettext_noop("Worse than %(comparator)s"),
    gettext_noop("Not compared: no figure for %(comparator)s"),
    gettext_noop("up %(number)s percentage points"),
    gettext_noop("down %(number)s percentage points"),
    gettext_noop("up %(number)s percentage point"),
    gettext_noop("down %(number)s percentage point"),
    gettext_noop("up %(value)s"),
    gettext_noop("down %(value)s"),
    gettext_noop("at least %(value)s"),
    gettext_noop("at most %(value)s"),
    gettext_noop("%(number)s days"),
    gettext_noop("%(number)s day"),
)


def _pattern(msgid: str) -> re.Pattern[str]:
    pieces = re.split(r"%\((\w+)\)s", msgid)
    return re.compile(
        "^"
        + "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
            for index, piece in enumerate(pieces)
        )
        + "$"
    )


_COMPILED = tuple((msgid, _pattern(msgid)) for msgid in _SENTENCES)
# A number, and a figure, as `formatting` writes them: "up %(value)s" is "up 12 days" or
# "up £1,200", never "up to date".
_NUMBER = re.compile(r"^-?£?[\d,]+(\.\d+)?%?$")
_FIGURE = re.compile(r"^-?£?[\d,]+(\.\d+)?(%| days?)?$")
_SHAPES = {"number": _NUMBER, "value": _FIGURE}


def _comparator(text: str) -> str:
    """A comparator as the rules name it: "England", or "England (2016/17)" with the period
    its figure is for."""
    match = re.match(r"^(?P<name>.+) \((?P<period>[^()]+)\)$", text)
    if match:
        return f"{gettext(match['name'])} ({period_label(match['period'])})"
    return gettext(text)


def sentence(text: str) -> str:
    """Words written by the rating, trend and formatting rules (kept in English in a pack's
    content) in the active language; anything else as it is."""
    if not text:
        return text
    translated = gettext(text)
    # gettext writes every line break as "\n": that alone is no translation.
    if translated != text.replace("\r\n", "\n").replace("\r", "\n"):
        return translated
    for msgid, pattern in _COMPILED:
        match = pattern.match(text)
        if match is None:
            continue
        parts = match.groupdict()
        if any(not shape.match(parts[name]) for name, shape in _SHAPES.items() if name in parts):
            continue
        return gettext(msgid) % {name: _PART_RULES[name](part) for name, part in parts.items()}
    return text


def area_name(area: Any) -> str:
    """An area's name: its Welsh name (`Area.name_cy`) when the page is in Welsh and it has
    one (Wales and its 22 authorities ship with theirs), else its name."""
    welsh = getattr(area, "name_cy", "")
    if welsh and get_language() == "cy":
        return str(welsh)
    return str(getattr(area, "name", area))
