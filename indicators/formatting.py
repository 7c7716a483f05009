"""Pure formatting of figures, targets and changes as a committee report writes them.

Units: "percent", "rate_10k", "count", "days", "average", "score", "fte", "currency".
"""

from __future__ import annotations

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
