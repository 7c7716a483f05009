"""Rates per 10,000 children derived from a published count and the ONS population: the
arithmetic, the population year and the note that states both (docs/0011, "Rates from
population"). Pure: no database.

The rule is the DfE's own. Its file of children looked after pairs each reporting year with
the ONS estimate of the summer before the year ends: the year to 31 March 2025 is divided by
the mid-2024 estimate (England: 81,770 children ÷ 12,183,016 × 10,000 = 67.1, published as
67). A rate is only derived where a count and that year's estimate are both held; a suppressed
count gives a suppressed rate with the same code, and a missing estimate gives no rate: never
a rate of 0.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .metrics import rate_per_10k

# Figures are stored to 4 decimal places; pages show them at the measure's own decimals.
STORED_PLACES = Decimal("0.0001")
# Every derived rate's source note begins so: it is how a derived rate is told from a
# published one (both are published statistics), and only derived rates are ever replaced
# or removed by a refresh.
DERIVED_PREFIX = "Derived: "
POPULATION_WORDS = "children aged 0 to 17"
DEFINITION_COLUMNS = ("rate_code", "count_code", "population_code", "note")


def population_year(period_end: date) -> int:
    """The year of the ONS mid-year estimate a rate for a period ending on `period_end` is
    divided by: the calendar year before the one the period ends in (the year to 31 March
    2025 takes mid-2024), as the DfE's published rates do."""
    return period_end.year - 1


def estimate_year(population_period_end: date) -> int:
    """The year of the mid-year estimate a stored population figure holds. The ONS file's
    ``time_period`` N (mid-N) is read, like every published year, as a period ending in N."""
    return population_period_end.year


def stored_rate(count: Decimal, population: Decimal) -> Decimal | None:
    """count ÷ population × 10,000 (`metrics.rate_per_10k`) to the stored precision, half
    up, or None where no rate can be stated: no population, or a count below 0 or above the
    population (a count of children cannot exceed the children there are)."""
    if population <= 0 or count < 0 or count > population:
        return None
    return rate_per_10k(count, population).quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def whole(number: Decimal) -> str:
    """A count as a reader writes it: 402,400 (not 402400.0000)."""
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


@dataclass(frozen=True)
class DerivedRate:
    """The figure to hold: a value with its numerator (the count) and denominator (the
    population), or a suppression code; and the note that says where it came from."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    suppression: str
    note: str


def derive(
    *,
    count: Decimal | None,
    count_suppression: str,
    counted: str,
    population: Decimal | None,
    year: int,
) -> DerivedRate | None:
    """The rate for one area and period from its count (`counted` says what it counts,
    "referrals") and the population of mid-`year`; None where none is to be held."""
    if population is None or population <= 0:
        return None
    if count is None:
        code = count_suppression or "x"
        return DerivedRate(
            value=None,
            numerator=None,
            denominator=None,
            suppression=code,
            note=f"{DERIVED_PREFIX}the count of {counted} is suppressed ({code}), so is the rate",
        )
    rate = stored_rate(count, population)
    if rate is None:
        return None
    note = (
        f"{DERIVED_PREFIX}{whole(count)} {counted} ÷ {whole(population)} (ONS mid-{year} "
        f"estimate of {POPULATION_WORDS}) × 10,000"
    )
    return DerivedRate(
        value=rate, numerator=count, denominator=population, suppression="", note=note
    )


def is_derived(source_note: str) -> bool:
    return source_note.startswith(DERIVED_PREFIX)


@dataclass(frozen=True)
class RateDefinition:
    """One rate the catalogue derives: its code, the count's, the population's, and what the
    count counts, in the words the note uses ("children in need")."""

    rate_code: str
    count_code: str
    population_code: str
    counted: str


class DefinitionError(ValueError):
    """The definitions file was refused; the message lists every problem found."""


def read_definitions(text: str, *, file_name: str = "derived_rates.csv") -> list[RateDefinition]:
    """The rows of a definitions file, refusing it whole (naming every row at fault) for a
    wrong header, an empty cell, a repeated rate or a rate derived from itself."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or tuple(cell.strip() for cell in rows[0]) != DEFINITION_COLUMNS:
        raise DefinitionError(
            f"{file_name} was refused: the header must be: {','.join(DEFINITION_COLUMNS)}."
        )
    problems: list[str] = []
    found: list[RateDefinition] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if len(cells) != len(DEFINITION_COLUMNS) or not all(cells):
            problems.append(f"line {line}: every one of the 4 columns needs a value.")
            continue
        definition = RateDefinition(*cells)
        if definition.rate_code in seen:
            problems.append(
                f"line {line}: rate {definition.rate_code!r} is already derived on line "
                f"{seen[definition.rate_code]}."
            )
        elif definition.rate_code in (definition.count_code, definition.population_code):
            problems.append(f"line {line}: rate {definition.rate_code!r} is derived from itself.")
        else:
            seen[definition.rate_code] = line
            found.append(definition)
    if problems:
        lines = "\n".join(f"- {problem}" for problem in problems)
        raise DefinitionError(f"{file_name} was refused and nothing was written:\n{lines}")
    return found
