"""A derived figure's data quality (issue 19): how many of the children it counts are touched
by a rule error that can change it, and which rules. Pure: no Django.

A rule error *can change* a figure when the fields the rule points at (its definition's
``fields``) meet the fields the figure is derived from (`figure_fields.csv`): a child whose
placement code fails a rule may be counted wrongly as fostered, but a wrong ethnicity code
does not move the foster-care percentage. Only errors count, not warnings (the DfE's queries
ask the council to confirm something unusual, not to correct it). The children are those the
figure counts (its numerator's and denominator's); their identifiers exist only while the
return is validated, and only the counts leave this module.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIGURE_FIELDS_CSV = Path(__file__).resolve().parent / "figure_fields.csv"


@dataclass(frozen=True)
class RuleTouch:
    """A rule that can change a figure, and how many of the children it counts the rule's
    errors touch."""

    code: str
    children: int


@dataclass(frozen=True)
class FigureQuality:
    counted: int  # children the figure counts
    affected: int  # of them, those touched by at least one error that can change it
    rules: tuple[RuleTouch, ...]  # most children first, then by code

    @property
    def share(self) -> float:
        """The share of the children counted that are affected (0 when none are counted)."""
        return self.affected / self.counted if self.counted else 0.0

    @property
    def is_clean(self) -> bool:
        return self.affected == 0


@cache
def figure_fields(return_name: str) -> dict[str, frozenset[str]]:
    """The fields each figure of a return is derived from, by figure code."""
    with FIGURE_FIELDS_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            row["figure"]: frozenset(row["fields"].split())
            for row in csv.DictReader(handle)
            if row["return"] == return_name
        }


def figure_quality(
    counted: Iterable[str],
    fields: frozenset[str],
    errors: Mapping[str, frozenset[str]],
    rule_fields: Mapping[str, frozenset[str]],
) -> FigureQuality:
    """The quality of a figure counting the children `counted`, derived from `fields`, given
    each error rule's failing children (`errors`: code -> children) and fields."""
    children = frozenset(counted)
    # Names compared without regard to case: the CIN rules name the census's elements
    # (CPPstartDate), the tables and `figure_fields.csv` their columns (CPPSTARTDATE).
    wanted = {name.upper() for name in fields}
    touches: list[RuleTouch] = []
    affected: set[str] = set()
    for code, failing in errors.items():
        if not {name.upper() for name in rule_fields.get(code, frozenset())} & wanted:
            continue
        touched = children & failing
        if touched:
            touches.append(RuleTouch(code, len(touched)))
            affected |= touched
    touches.sort(key=lambda touch: (-touch.children, touch.code))
    return FigureQuality(len(children), len(affected), tuple(touches))
