"""Running a collection year's DfE validation rules over a return's tables. Pure: no Django.

`rule_set(return_name, year)` reads that year's rule definitions (CSV, see the package's
docstring) and binds each to its function; `RuleSet.run(tables)` runs them all and gives a
`RuleOutcome`: how many rows fail each rule, which children each touches (for the figures'
data quality: in memory only, never kept), and the failing rows themselves (for the error
report, which is built while the uploaded file exists and never stored).

A rule function is given a `ReturnTables` and gives back the rows that fail, as a frame made
by `failing` (columns ``table``, ``row`` and ``CHILD``). A rule that points at rows of two
tables (an episode and its child's header) gives both, with `combined`. A function that
raises is reported as a rule that could not be checked, never as a crash of the import.
"""

from __future__ import annotations

import csv
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

RULES_DIR = Path(__file__).resolve().parent
ROW = "_row"  # each row's number in its table, the header being row 1 (as findings count)
CHILD = "CHILD"
FAILURE_COLUMNS = ("table", "row", CHILD)
ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)
# A table as CSV text (or bytes), or as its rows with the header row first.
Table = str | bytes | Iterable[Sequence[str]]

Check = Callable[["ReturnTables"], pl.DataFrame]


# --- the tables ------------------------------------------------------------------------------


def table_key(name: str) -> str:
    """A table's name as the rules use it: lower case, letters and digits only, no ".csv"
    ("Episodes.csv" and "EPISODES" are "episodes")."""
    base = name.rsplit("/", 1)[-1].lower().removesuffix(".csv")
    return "".join(character for character in base if character.isalnum())


def frame_of(table: Table) -> pl.DataFrame:
    """A table as a frame of text: every column a string, surrounding spaces removed, an
    empty cell null, and each row's number in ``_row`` (the first data row is 2)."""
    if isinstance(table, bytes):
        table = table.decode("utf-8-sig", errors="replace")
    if isinstance(table, str):
        rows: list[list[str]] = list(csv.reader(table.lstrip("\ufeff").splitlines()))
    else:
        rows = [list(row) for row in table]
    if not rows:
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)})
    header = [name.strip().upper() for name in rows[0]]
    width = len(header)
    body = [(list(row) + [""] * width)[:width] for row in rows[1:] if any(c.strip() for c in row)]
    frame = pl.DataFrame(
        {name: [row[i] for row in body] for i, name in enumerate(header) if name},
        schema={name: pl.String for name in header if name},
    )
    frame = frame.with_columns(
        pl.col(name).str.strip_chars().replace("", None) for name in frame.columns
    )
    return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))


@dataclass
class ReturnTables:
    """One return's tables as frames (`frame_of`), by `table_key`, and last year's where the
    upload holds them (for the rules that compare with the previous return)."""

    collection_year: int  # 2026 is the 2025/26 collection: the year to 31 March 2026
    tables: dict[str, pl.DataFrame]
    previous: dict[str, pl.DataFrame] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        collection_year: int,
        tables: Mapping[str, Table],
        previous: Mapping[str, Table] | None = None,
    ) -> ReturnTables:
        return cls(
            collection_year,
            {table_key(name): frame_of(table) for name, table in tables.items()},
            {table_key(name): frame_of(table) for name, table in (previous or {}).items()},
        )

    @property
    def year_start(self) -> date:
        return date(self.collection_year - 1, 4, 1)

    @property
    def year_end(self) -> date:
        return date(self.collection_year, 3, 31)

    def has(self, name: str) -> bool:
        return name in self.tables

    def has_previous(self, name: str) -> bool:
        return name in self.previous

    def table(self, name: str, *columns: str) -> pl.DataFrame:
        """The table, with every column named present (null where the return has no such
        column); an empty frame of those columns when it has no such table."""
        return _with_columns(self.tables.get(name), columns)

    def last_year(self, name: str, *columns: str) -> pl.DataFrame:
        """Last year's table, as `table` gives this year's."""
        return _with_columns(self.previous.get(name), columns)


def _with_columns(frame: pl.DataFrame | None, columns: Sequence[str]) -> pl.DataFrame:
    if frame is None:
        empty = {c: pl.Series([], dtype=pl.String) for c in {CHILD, *columns}}
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64), **empty})
    missing = [c for c in columns if c not in frame.columns]
    if CHILD not in frame.columns and CHILD not in missing:
        missing.append(CHILD)
    return frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)


# --- what rule functions use ----------------------------------------------------------------


def dates(column: str) -> pl.Expr:
    """A column of dates as the return writes them (dd/mm/yyyy in the CSV tables,
    yyyy-mm-dd in the XML); null where empty or not a date."""
    text = pl.col(column)
    return pl.coalesce(
        text.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    )


def failing(frame: pl.DataFrame, table: str, mask: pl.Expr | None = None) -> pl.DataFrame:
    """The rows of `frame` (a table of the return, or a join keeping its ``_row``) for which
    `mask` holds, as a rule's failures in `table`."""
    rows = frame if mask is None else frame.filter(mask)
    child = pl.col(CHILD) if CHILD in rows.columns else pl.lit(None, dtype=pl.String)
    return rows.select(
        pl.lit(table).alias("table"), pl.col(ROW).cast(pl.Int64).alias("row"), child.alias(CHILD)
    )


def combined(*frames: pl.DataFrame) -> pl.DataFrame:
    """Failures in more than one table, as one frame (each row once)."""
    return pl.concat([nothing(), *frames], how="vertical").unique(maintain_order=True)


def nothing() -> pl.DataFrame:
    """No failures (a rule whose tables are not in the return)."""
    return pl.DataFrame(
        {"table": [], "row": [], CHILD: []},
        schema={"table": pl.String, "row": pl.Int64, CHILD: pl.String},
    )


# --- rule books and rule sets ---------------------------------------------------------------


class RuleBook:
    """The rule functions of one return ("ssda903", "cin"), by name: a module of rules
    registers each with ``@BOOK.check``."""

    def __init__(self, return_name: str) -> None:
        self.return_name = return_name
        self.functions: dict[str, Check] = {}

    def check(self, function: Check) -> Check:
        if function.__name__ in self.functions:  # pragma: no cover - a mistake in a module
            raise ValueError(f"Two {self.return_name} rules are named {function.__name__}.")
        self.functions[function.__name__] = function
        return function


@dataclass(frozen=True)
class Rule:
    """One rule of a collection year: the DfE's code and message, the fields it points at,
    its severity (an error, or a warning the DfE calls a query) and its function."""

    code: str
    message: str
    fields: tuple[str, ...]
    severity: str
    check: Check


@dataclass
class RuleOutcome:
    """What a rule set found in one return."""

    rule_set: str  # "SSDA903 2025/26"
    rules: list[Rule]
    counts: dict[str, int]  # rule code -> failing rows (only rules that failed)
    children: dict[str, frozenset[str]]  # rule code -> children touched: in memory only
    failures: pl.DataFrame  # code, table, row, CHILD: every failing row, for the error report
    not_checked: dict[str, str]  # rule code -> why it could not be checked

    @property
    def error_count(self) -> int:
        return sum(n for code, n in self.counts.items() if self.rule(code).severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(n for code, n in self.counts.items() if self.rule(code).severity == WARNING)

    def rule(self, code: str) -> Rule:
        return next(rule for rule in self.rules if rule.code == code)


@dataclass(frozen=True)
class RuleSet:
    return_name: str
    collection_year: int
    rules: tuple[Rule, ...]

    @property
    def label(self) -> str:
        return f"{self.return_name.upper()} {year_label(self.collection_year)}"

    def run(self, tables: ReturnTables) -> RuleOutcome:
        counts: dict[str, int] = {}
        children: dict[str, frozenset[str]] = {}
        found: list[pl.DataFrame] = []
        not_checked: dict[str, str] = {}
        for rule in self.rules:
            try:
                failed = rule.check(tables)
            except Exception as error:
                not_checked[rule.code] = f"{type(error).__name__}: {error}"[:200]
                continue
            if failed.is_empty():
                continue
            failed = failed.select(FAILURE_COLUMNS).unique(maintain_order=True)
            counts[rule.code] = failed.height
            children[rule.code] = frozenset(failed[CHILD].drop_nulls().to_list())
            found.append(failed.with_columns(pl.lit(rule.code).alias("code")))
        failures = (
            pl.concat(found, how="vertical").select("code", *FAILURE_COLUMNS)
            if found
            else nothing().with_columns(pl.lit(None, dtype=pl.String).alias("code"))
        )
        return RuleOutcome(self.label, list(self.rules), counts, children, failures, not_checked)


def year_label(year: int) -> str:
    """The DfE's name for a collection year: 2026 is "2025/26"."""
    return f"{year - 1}/{year % 100:02d}"


def years_held(return_name: str) -> list[int]:
    """The collection years whose rules are held for a return, oldest first."""
    folder = RULES_DIR / return_name
    return sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


@cache
def _book(return_name: str) -> RuleBook:
    """Every rule function of a return: the modules of its package, imported once."""
    package = importlib.import_module(f"{__package__}.{return_name}")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    book = getattr(package, "BOOK", None)
    if not isinstance(book, RuleBook):  # pragma: no cover - a mistake in the package
        raise TypeError(f"{package.__name__} has no BOOK.")
    return book


@cache
def rule_set(return_name: str, collection_year: int) -> RuleSet:
    """The rules of the collection year, or of the nearest year held (a year not yet held is
    checked by the latest set before it). Refused (ValueError) when a definition names a
    function that does not exist, or a severity that is neither error nor warning."""
    held = years_held(return_name)
    if not held:
        raise ValueError(f"No {return_name} rules are held.")
    earlier = [year for year in held if year <= collection_year]
    year = earlier[-1] if earlier else held[0]
    book = _book(return_name)
    rules: list[Rule] = []
    for path in sorted((RULES_DIR / return_name / str(year)).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                where = f"{path.name} row {number}"
                function = book.functions.get(row["function"].strip())
                if function is None:
                    raise ValueError(f"{where}: no rule function {row['function']!r}.")
                severity = row["severity"].strip()
                if severity not in SEVERITIES:
                    raise ValueError(f"{where}: severity {severity!r} is not error or warning.")
                rules.append(
                    Rule(
                        code=row["code"].strip(),
                        message=row["message"].strip(),
                        fields=tuple(row["fields"].split()),
                        severity=severity,
                        check=function,
                    )
                )
    codes = [rule.code for rule in rules]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ValueError(f"{return_name} {year}: rules defined twice: {', '.join(repeated)}.")
    return RuleSet(return_name, year, tuple(rules))
