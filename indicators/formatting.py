"""Pure formatting of figures, targets and changes as a committee report writes them.

Units: "percent", "rate_10k", "count", "days", "average", "score", "fte", "currency".
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

UNITS = ("percent", "rate_10k", "count", "days", "average", "score", "fte", "currency")
NO_FIGURE = "no figure"
EN_DASH = "\u2013"


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round as published statistics do: 2.5 becomes 3, not the banker's 2."""
    if decimals < 0:
        raise ValueError(f"decimals cannot be negative ({decimals}).")
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}: use one of {', '.join(UNITS)}.")


def _number(value: Decimal, decimals: int) -> str:
    rounded = round_half_up(value, decimals)
    # A value that rounds to zero must not print as "-0".
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,f}"


def _with_unit(number: str, unit: str) -> str:
    if unit == "percent":
        return f"{number}%"
    if unit == "days":
        return f"{number} {'day' if number == '1' else 'days'}"
    if unit == "currency":
        return f"-£{number[1:]}" if number.startswith("-") else f"£{number}"
    return number


def format_value(value: Decimal | None, unit: str, decimals: int) -> str:
    _check_unit(unit)
    if value is None:
        # A dash is read out as nothing or as "en dash" by screen readers: say it in words.
        return NO_FIGURE
    return _with_unit(_number(value, decimals), unit)


def figure_decimals(indicator_decimals: int, published_decimals: int | None) -> int:
    """The decimals a figure is shown to: as published (Wiltshire's re-referrals at 19.1%,
    whatever the measure's own 0 decimals), else the measure's own."""
    return indicator_decimals if published_decimals is None else published_decimals


def mean_decimals(indicator_decimals: int, input_decimals: Iterable[int | None]) -> int:
    """A mean of figures is shown at least as precisely as the most precise of them: a mean
    of figures published to one decimal is not rounded to a whole number."""
    return max([indicator_decimals, *(found for found in input_decimals if found is not None)])


def exact_decimals(indicator_decimals: int, *values: Decimal | None) -> int:
    """The fewest decimals, at least the measure's own, that show each value exactly: a
    correction from 19.0000 to 18.8000 reads "19.0% to 18.8%", not "19% to 19%"."""
    needed = indicator_decimals
    for value in values:
        if value is not None and value.is_finite():
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int):
                needed = max(needed, -exponent)
    return needed


def format_target(lower: Decimal | None, upper: Decimal | None, unit: str, decimals: int) -> str:
    _check_unit(unit)
    if lower is None and upper is None:
        return "no target"
    if lower is None:
        return f"at most {format_value(upper, unit, decimals)}"
    if upper is None or lower == upper:
        prefix = "at least " if upper is None else ""
        return f"{prefix}{format_value(lower, unit, decimals)}"
    # A trailing unit ("90-95%", "20-30 days") covers both ends; a currency sign does not.
    first = format_value(lower, unit, decimals) if unit == "currency" else _number(lower, decimals)
    return f"{first}{EN_DASH}{format_value(upper, unit, decimals)}"


def format_change(change: Decimal, unit: str, decimals: int) -> str:
    _check_unit(unit)
    number = _number(abs(change), decimals)
    if round_half_up(change, decimals) == 0:
        return "no change"
    direction = "up" if change > 0 else "down"
    if unit == "percent":
        # A change between two percentages is in percentage points, not per cent.
        points = "percentage point" if number == "1" else "percentage points"
        return f"{direction} {number} {points}"
    return f"{direction} {_with_unit(number, unit)}"


# A spreadsheet treats a cell that begins with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Free text for an exported spreadsheet: a leading apostrophe keeps a cell that looks
    like a formula as text. (django-import-export's own escaping only strips a leading "=",
    which leaves "+", "-" and "@" formulae live.)"""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
