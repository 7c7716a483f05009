"""Which column of which published file feeds which indicator: the `Mapping`, and the mappings
file it is read from (``returns/mappings/dfe_published.csv``, see the README there). Pure: no
Django. Admins edit the mappings as data (`PublishedMapping`); `published.parse_published`
reads a file with them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

PERIOD_KINDS = ("fy", "ay", "snapshot")

# Columns every file has, with the other names they have had. A mapping's own aliases add to
# these (they may name any column the mapping reads, these included).
STANDARD_ALIASES: dict[str, tuple[str, ...]] = {
    "time_period": ("year",),
    "geographic_level": ("level",),
    "country_code": (),
    "country_name": (),
    "region_code": (),
    "region_name": (),
    "old_la_code": ("la_code", "la_number"),
    "new_la_code": ("la_code_ons",),
    "la_name": (),
}

MAPPING_FIELDS = (
    "name",
    "indicator_code",
    "file_hint",
    "value_column",
    "numerator_column",
    "denominator_column",
    "filters",
    "period_column",
    "period_kind",
    "aliases",
    "decimals",
)
# The most decimal places a mapping may give (Figure.value holds four).
MAX_DECIMALS = 4


@dataclass(frozen=True)
class Mapping:
    """Which column (and, in a long file, which rows) of a published file feeds an indicator.

    ``filters`` maps a column to the value a row must hold there (compared ignoring case and
    repeated spaces); ``aliases`` maps a column to the other names it has had in earlier
    publications. Both are left out of the hash, so a mapping can still go in a set.
    """

    name: str
    indicator_code: str
    value_column: str
    file_hint: str = ""
    numerator_column: str = ""
    denominator_column: str = ""
    filters: dict[str, str] = field(default_factory=dict, hash=False)
    period_column: str = "time_period"
    period_kind: str = "fy"
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    # The places the publication gives its figures to (19.1: 1); None: those of each cell.
    decimals: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("A mapping needs a name.")
        if not self.indicator_code.strip():
            raise ValueError(f"Mapping {self.name!r} needs an indicator code.")
        if not self.value_column.strip():
            raise ValueError(f"Mapping {self.name!r} needs a value column.")
        if bool(self.numerator_column) != bool(self.denominator_column):
            raise ValueError(
                f"Mapping {self.name!r}: give both a numerator and a denominator column, "
                "or neither."
            )
        if self.period_kind not in PERIOD_KINDS:
            raise ValueError(
                f"Mapping {self.name!r}: period kind {self.period_kind!r} is not one of "
                f"{', '.join(PERIOD_KINDS)}."
            )
        if self.decimals is not None and not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(
                f"Mapping {self.name!r}: decimals must be a whole number from 0 to "
                f"{MAX_DECIMALS}, or empty to take them from each cell."
            )

    def names_for(self, column: str) -> tuple[str, ...]:
        """The column's own name first, then its aliases (the mapping's, then the standard)."""
        return (
            column,
            *self.aliases.get(column, ()),
            *STANDARD_ALIASES.get(column, ()),
        )

    def decimals_of(self, value: Decimal | None) -> int | None:
        """The places a figure is published to: the mapping's, or those of the cell's text
        (a value read from "19.1" keeps its exponent: 1; "21": 0); None for a suppressed
        figure of a mapping that gives none."""
        if self.decimals is not None:
            return self.decimals
        if value is None:
            return None
        exponent = value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0

    def columns_read(self) -> list[tuple[str, str]]:
        """Every column the mapping reads but its value column, as (role, column)."""
        roles = [("period", self.period_column)]
        roles += [("filter", column) for column in self.filters]
        if self.numerator_column:
            roles += [("numerator", self.numerator_column)]
            roles += [("denominator", self.denominator_column)]
        return roles

    def missing_columns(self, has: Callable[[tuple[str, ...]], bool]) -> list[tuple[str, str]]:
        """The columns (role, column) it reads that a header lacks, by `has` (given a column's
        names, whether the header has one of them)."""
        return [
            (role, column)
            for role, column in self.columns_read()
            if not has(self.names_for(column))
        ]

    def partly_found_message(self, has: Callable[[tuple[str, ...]], bool]) -> str:
        """Why a file with this mapping's value column is not read with it."""
        missing = "; ".join(f"{role} column {column}" for role, column in self.missing_columns(has))
        return (
            f"The file has the column {self.value_column} that the mapping {self.name} "
            f"({self.indicator_code}) reads, but not its {missing}. If the file names them "
            "differently, add its names to the mapping's aliases (column=other name); if it "
            "is a different layout, it needs a mapping of its own."
        )

    def applies_to_file(self, file_name: str) -> bool:
        return self.file_hint.casefold() in file_name.casefold()

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Mapping:
        """A mapping from the text fields of a mappings file row (or an admin model's fields)."""
        text = {key: (row.get(key) or "").strip() for key in MAPPING_FIELDS}
        return cls(
            name=text["name"],
            indicator_code=text["indicator_code"],
            file_hint=text["file_hint"],
            value_column=text["value_column"],
            numerator_column=text["numerator_column"],
            denominator_column=text["denominator_column"],
            filters=parse_filters(text["filters"]),
            period_column=text["period_column"] or "time_period",
            period_kind=text["period_kind"] or "fy",
            aliases=parse_aliases(text["aliases"]),
            decimals=parse_decimals(text["decimals"], text["name"]),
        )

    def as_row(self) -> dict[str, str]:
        """The mapping as the text fields of a mappings file row (the inverse of from_row)."""
        return {
            "name": self.name,
            "indicator_code": self.indicator_code,
            "file_hint": self.file_hint,
            "value_column": self.value_column,
            "numerator_column": self.numerator_column,
            "denominator_column": self.denominator_column,
            "filters": "; ".join(f"{column}={value}" for column, value in self.filters.items()),
            "period_column": self.period_column,
            "period_kind": self.period_kind,
            "aliases": "; ".join(
                f"{column}={'|'.join(names)}" for column, names in self.aliases.items()
            ),
            "decimals": "" if self.decimals is None else str(self.decimals),
        }


def _pairs(text: str, what: str) -> Iterator[tuple[str, str]]:
    for part in text.split(";"):
        if not part.strip():
            continue
        column, equals, value = part.partition("=")
        if not equals or not column.strip() or not value.strip():
            raise ValueError(f"Cannot read {part.strip()!r} in {what}: write column=value.")
        yield column.strip(), value.strip()


def parse_decimals(text: str, name: str) -> int | None:
    """A mapping's decimals cell: empty (None: each cell's own) or a whole number."""
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(
            f"Mapping {name!r}: decimals {text!r} is not a whole number such as 1 (or empty)."
        )
    return int(text)


def no_figures_message(*, compiled_names: list[str]) -> str:
    """The error for a file read with mappings that gives no figure at all."""
    return (
        f"The file gives no figures: it fits {', '.join(compiled_names)}, but none of its rows "
        "is a National, Regional or Local authority row that those mappings' filters select "
        "(see the warnings). Nothing would be imported, so it cannot be committed: check the "
        "file, or the mappings' filters."
    )


def parse_filters(text: str) -> dict[str, str]:
    """``"cla_group=CLA on 31 March; placement_stability=Total children"`` as a dict."""
    return dict(_pairs(text, "filters"))


def parse_aliases(text: str) -> dict[str, tuple[str, ...]]:
    """``"rereferral_percent=Re_referrals_percent|rereferrals_pct"`` as a dict of tuples."""
    return {
        column: tuple(name.strip() for name in names.split("|") if name.strip())
        for column, names in _pairs(text, "aliases")
    }


def load_mappings(path: str | Path) -> list[Mapping]:
    """The mappings in a CSV file whose columns are ``MAPPING_FIELDS``.

    Raises ValueError naming the line of a row that cannot be read, or a repeated name.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [
            name
            for name in ("name", "indicator_code", "value_column")
            if name not in (reader.fieldnames or [])
        ]
        if missing:
            raise ValueError(f"{path}: the mappings file has no column {', '.join(missing)}.")
        mappings: list[Mapping] = []
        seen: set[str] = set()
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            try:
                mapping = Mapping.from_row(row)
            except ValueError as error:
                raise ValueError(f"{path}, line {reader.line_num}: {error}") from error
            if mapping.name in seen:
                raise ValueError(f"{path}, line {reader.line_num}: {mapping.name!r} is repeated.")
            seen.add(mapping.name)
            mappings.append(mapping)
    return mappings


SHIPPED_MAPPINGS = Path(__file__).resolve().parent / "mappings" / "dfe_published.csv"


def mappings_for_file(mappings: Iterable[Mapping], file_name: str) -> list[Mapping]:
    """The mappings whose file hint is part of the file's name (ignoring case)."""
    return [mapping for mapping in mappings if mapping.applies_to_file(file_name)]
