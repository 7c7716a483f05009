"""The glossary of a pack: the abbreviations its text uses, with what they stand for.

Pure: `used_in` reads strings and the glossary table shipped beside this module
(`glossary.csv`, drawn from DOMAIN.md and the seeds). An abbreviation counts where it stands as
a word of its own, in the case the table gives (so "CIN plans" and "(SN 80%)" count; "cinema",
"snow" and "Cp" do not), and a plural "s" is allowed ("ICPCs", "CPPs").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("glossary.csv")


@dataclass(frozen=True, order=True)
class Term:
    abbreviation: str
    expansion: str


@cache
def terms() -> tuple[Term, ...]:
    with TABLE.open(newline="", encoding="utf-8") as handle:
        return tuple(
            Term(row["abbreviation"].strip(), row["expansion"].strip())
            for row in csv.DictReader(handle)
        )


def _pattern(abbreviation: str) -> re.Pattern[str]:
    # Not inside a longer word or code ("CIN-PLANS", "A1B"), and not "CP" within "CPP".
    return re.compile(rf"(?<![\w-]){re.escape(abbreviation)}s?(?![\w-])")


@cache
def _patterns() -> tuple[tuple[Term, re.Pattern[str]], ...]:
    return tuple((term, _pattern(term.abbreviation)) for term in terms())


def used_in(texts: Iterable[str], table: Iterable[Term] | None = None) -> list[Term]:
    """The terms of `table` (the shipped glossary by default) that appear in `texts`, in
    alphabetical order of abbreviation, each once."""
    pairs = (
        _patterns()
        if table is None
        else tuple((term, _pattern(term.abbreviation)) for term in table)
    )
    # Each text once: a pack repeats its period labels and values hundreds of times.
    joined = "\n".join(dict.fromkeys(texts))
    found = {term for term, pattern in pairs if pattern.search(joined)}
    return sorted(found, key=lambda term: (term.abbreviation.lower(), term.abbreviation))
