"""The cells of a published file: numbers, suppression codes and years. Pure: no Django.
`returns.published` reads files with these; the rules are in its docstring."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from indicators import value_rules

SUPPRESSION_CODES = value_rules.SUPPRESSION_CODES
NOT_AVAILABLE = "x"  # what an empty cell means

# --- numbers ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")
NOT_A_NUMBER = "?"  # marker returned in place of a suppression code for a cell that is not a number

CellResult = tuple[Decimal | None, str]


def read_cell(cell: str) -> CellResult:
    """A published cell as (value, suppression): a number gives (Decimal, ""); a code gives
    (None, code); an empty cell gives (None, "x"); anything else (None, "?"): not a number."""
    text = cell.strip()
    if not text:
        return None, NOT_AVAILABLE
    lowered = text.casefold()
    if lowered in SUPPRESSION_CODES:
        return None, lowered
    if _NUMBER.fullmatch(text) is None:
        return None, NOT_A_NUMBER
    try:
        return Decimal(text.replace(",", "")), ""
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None, NOT_A_NUMBER


class CellReader:
    """read_cell with a cache: published values repeat a great deal."""

    __slots__ = ("cache",)

    def __init__(self) -> None:
        self.cache: dict[str, CellResult] = {}

    def __call__(self, cell: str) -> CellResult:
        found = self.cache.get(cell)
        if found is None:
            found = read_cell(cell)
            if len(self.cache) > 200_000:
                self.cache.clear()
            self.cache[cell] = found
        return found


# --- periods ----------------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})(?:[/-]?(\d{2}))?")


def period_start(text: str, kind: str) -> date:
    """The start of the period a published year means.

    ``2025`` is a reporting year ending in 2025 (to 31 March for "fy" and "snapshot", to 31
    August for "ay"); ``202425``, ``2024/25`` and ``2024-25`` name the year 2024/25 directly.
    "fy" starts 1 April, "ay" 1 September, and "snapshot" is the 31 March that ends the
    financial year. Raises ValueError for anything else.
    """
    match = _YEAR.fullmatch(text.strip())
    if match is None:
        raise ValueError(text)
    first = int(match.group(1))
    if match.group(2) is None:
        start_year = first - 1
    else:
        if (first + 1) % 100 != int(match.group(2)):
            raise ValueError(text)
        start_year = first
    if start_year < 1900:
        raise ValueError(text)
    if kind == "fy":
        return date(start_year, 4, 1)
    if kind == "ay":
        return date(start_year, 9, 1)
    if kind == "snapshot":
        return date(start_year + 1, 3, 31)
    raise ValueError(kind)
