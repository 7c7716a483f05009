"""The scorecard a pack opens with: every indicator it shows, in one table, exceptions first.

Pure: content dicts in, dicts out, no ORM, so the ordering and the key are tested without the
database. Councils' guidance asks that a committee's attention goes first to what needs it:
measures rated red, then those getting worse, then the rest, each group in the pack's own
order. Colour is never the only signal: every rating is in words, every symbol is in the key.
Its words are translated as the page is drawn (gettext: the reading view's language, docs/0026);
the key's English is marked with gettext_noop where it is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.utils.translation import gettext, gettext_noop

from indicators.models import ComparatorKind
from indicators.rag import Rating
from indicators.trend import Direction

# Ratings as GOV.UK tags (the same colours as the indicator pages' `rag_tag`).
RATING_CSS: dict[str, str] = {
    Rating.GREEN: "govuk-tag--green",
    Rating.AMBER: "govuk-tag--yellow",
    Rating.RED: "govuk-tag--red",
    Rating.NOT_RATED: "govuk-tag--grey",
}
RATING_KEY: dict[str, tuple[str, str]] = {
    Rating.RED: (
        gettext_noop("Red"),
        gettext_noop("off target, by more than the tolerance allowed"),
    ),
    Rating.AMBER: (
        gettext_noop("Amber"),
        gettext_noop("just off target, within the tolerance allowed"),
    ),
    Rating.GREEN: (gettext_noop("Green"), gettext_noop("on target or better")),
    Rating.NOT_RATED: (
        gettext_noop("Grey"),
        gettext_noop(
            "no target set: the words say how the figure compares with %(nation)s or its "
            "neighbours where it can be compared"
        ),
    ),
}

# Direction of travel, as the indicator pages and dashboards mark it.
TRAVEL_SYMBOLS: dict[str, str] = {
    Direction.IMPROVING: "▲",
    Direction.WORSENING: "▼",
    Direction.UP: "↑",
    Direction.DOWN: "↓",
    Direction.NO_CHANGE: "=",
    Direction.NOT_KNOWN: "–",
}
TRAVEL_KEY: dict[str, str] = {
    Direction.IMPROVING: gettext_noop("improving since the previous period"),
    Direction.WORSENING: gettext_noop("worsening since the previous period"),
    Direction.UP: gettext_noop(
        "up since the previous period (neither better nor worse for this measure)"
    ),
    Direction.DOWN: gettext_noop(
        "down since the previous period (neither better nor worse for this measure)"
    ),
    Direction.NO_CHANGE: gettext_noop("no change since the previous period"),
    Direction.NOT_KNOWN: gettext_noop("not known: no earlier figure to compare with"),
}

# The comparators a scorecard shows, in this order, with their column headings. The national
# column is headed with the authority's own nation ("England", "Wales": `national_heading`),
# never "England or Wales" (issue 17).
MAIN_COMPARATORS: tuple[tuple[str, str], ...] = (
    (ComparatorKind.NATION, ""),
    (ComparatorKind.NEIGHBOURS, gettext_noop("Statistical neighbours")),
    (ComparatorKind.REGION, gettext_noop("Region")),
)
# The national column's heading in a pack frozen before its content named the nation.
NATIONAL_FALLBACK = gettext_noop("National average")


def national_heading(nation: str) -> str:
    """The national comparator's column heading: the authority's nation, by name, in the
    active language ("Wales", "Cymru")."""
    return gettext(nation or NATIONAL_FALLBACK)


def comparator_headings(nation: str) -> list[str]:
    """`MAIN_COMPARATORS`' headings, the national one naming `nation`."""
    return [
        gettext(heading) if heading else national_heading(nation)
        for _kind, heading in MAIN_COMPARATORS
    ]


RED_FIRST, WORSENING_NEXT, THE_REST = 0, 1, 2

Row = TypeVar("Row", bound=Mapping[str, Any])


def exception_rank(rag: str, direction: str) -> int:
    """0 for a measure rated red, 1 for one getting worse (and not red), 2 for the rest."""
    if rag == Rating.RED:
        return RED_FIRST
    if direction == Direction.WORSENING:
        return WORSENING_NEXT
    return THE_REST


def exceptions_first(rows: Iterable[Row]) -> list[Row]:
    """The rows, red first, then worsening, then the rest; each group in the order given
    (a stable sort), so that the pack's own order of themes still reads within each."""
    return sorted(rows, key=lambda row: exception_rank(row["rag"], row["direction"]))


def exception_label(rank: int) -> str:
    labels = {RED_FIRST: gettext_noop("Rated red"), WORSENING_NEXT: gettext_noop("Worsening")}
    return gettext(labels[rank]) if rank in labels else ""


def scorecard_key(rows: Sequence[Mapping[str, Any]], nation: str = "") -> list[dict[str, str]]:
    """What each colour and symbol the rows use means, in a fixed order (ratings, then
    direction of travel); only those used, so the key never explains what is not there.
    `nation` is the authority's ("England", "Wales"): the grey rating compares with it."""
    national = gettext(nation) if nation else gettext("the national average")
    ratings = {row["rag"] or Rating.NOT_RATED for row in rows}
    directions = {row["direction"] or Direction.NOT_KNOWN for row in rows}
    key = [
        {
            "symbol": "",
            "css": RATING_CSS[rating],
            "label": gettext(RATING_KEY[rating][0]),
            "words": gettext(RATING_KEY[rating][1]) % {"nation": national},
        }
        for rating in (Rating.RED, Rating.AMBER, Rating.GREEN, Rating.NOT_RATED)
        if rating in ratings
    ]
    key += [
        {
            "symbol": TRAVEL_SYMBOLS[direction],
            "css": "",
            "label": TRAVEL_SYMBOLS[direction],
            "words": gettext(TRAVEL_KEY[direction]),
        }
        for direction in TRAVEL_SYMBOLS
        if direction in directions
    ]
    return key


def rating_css(rag: str) -> str:
    return RATING_CSS.get(rag or Rating.NOT_RATED, RATING_CSS[Rating.NOT_RATED])


def travel_symbol(direction: str) -> str:
    return TRAVEL_SYMBOLS.get(direction or Direction.NOT_KNOWN, TRAVEL_SYMBOLS[Direction.NOT_KNOWN])
