"""Which nation an area belongs to, read from its ONS (GSS) code.

An ONS code says its nation by its first letter: E for England (E92000001 is England itself,
E06000054 Wiltshire), W for Wales (W92000004, W06000015 Cardiff), S for Scotland and N for
Northern Ireland. The product holds English and Welsh areas only (`indicators.models.Nation`).
Every place that creates or changes an area (the areas spreadsheet, the published-data import,
the demo data) asks `nation_for_area`, so a Welsh code is never stored as an English area
because a column was left empty (issue 17). Pure: no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

# The nations the product holds, by the first letter of their codes: the values of
# `indicators.models.Nation` (a test keeps the two in step).
HELD = {"E": "england", "W": "wales"}
HELD_NAMES = {"england": "England", "wales": "Wales"}
# Nations whose codes are well formed but whose areas the product does not hold.
NOT_HELD = {"S": "Scotland", "N": "Northern Ireland"}


@dataclass(frozen=True)
class NationCheck:
    """The nation to store (`nation`), or why the row must be refused (`problem`)."""

    nation: str = ""
    problem: str = ""


def nation_of_code(code: str) -> str:
    """The held nation an ONS code belongs to ("england", "wales"), or "" when it says none
    the product holds (no code, Scotland, Northern Ireland, a UK-wide K code, ...)."""
    text = code.strip().upper()
    return HELD.get(text[:1], "") if text else ""


def stated_nation(text: str) -> str:
    """A nation as a sheet may write it ("wales", "Wales", " WALES "), as the stored value;
    "" when empty; returned unchanged (stripped) when it is no held nation, so that the
    model's own choices check names it with the allowed values."""
    cleaned = text.strip()
    return cleaned.lower() if cleaned.lower() in HELD_NAMES else cleaned


def nation_for_area(code: str, stated: str, *, default: str = "england") -> NationCheck:
    """The nation of an area with ONS code `code` whose source stated `stated` (either may be
    empty). The code decides when it names a held nation; a stated nation that contradicts it
    is refused rather than either being believed; a Scottish or Northern Irish code is refused;
    with neither a telling code nor a stated nation, `default` (England, as the model's).
    """
    text = code.strip().upper()
    said = stated_nation(stated)
    first = text[:1]
    if first in NOT_HELD:
        return NationCheck(
            problem=(
                f"{text} is an ONS code for {NOT_HELD[first]}: the product holds areas in "
                "England and Wales only."
            )
        )
    derived = HELD.get(first, "") if text else ""
    if derived and said and said != derived:
        said_name = HELD_NAMES.get(said, repr(said))
        return NationCheck(
            problem=(
                f"The nation is {said_name} but the ONS code {text} is a code for "
                f"{HELD_NAMES[derived]} (codes starting {first} are): correct the nation or "
                "the code, or leave the nation empty to take it from the code."
            )
        )
    return NationCheck(nation=derived or said or default)
