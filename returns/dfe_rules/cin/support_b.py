"""What the CIN census rules coded 8600 and above share: each table of the census read once
with its dates parsed and an assessment's factors split (kept on the `ReturnTables` for the
run, so sixty rules do not parse the same column sixty times), the census year, records
starting while another is still open, and working days. The census's way of writing yes and
no, shared with the rules below 8600, is in `support`."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from indicators.working_days import is_working_day

from ..engine import ROW, ReturnTables, dates
from .tables import COLUMNS

# Every column the rules read, by table, is the layout the CIN reader gives (`tables.COLUMNS`);
# the dates among them are parsed.
DATE_COLUMNS = frozenset(
    {
        "PERSONBIRTHDATE",
        "EXPECTEDPERSONBIRTHDATE",
        "PERSONDEATHDATE",
        "CINREFERRALDATE",
        "CINCLOSUREDATE",
        "DATEOFINITIALCPC",
        "ASSESSMENTACTUALSTARTDATE",
        "ASSESSMENTINTERNALREVIEWDATE",
        "ASSESSMENTAUTHORISATIONDATE",
        "CINPLANSTARTDATE",
        "CINPLANENDDATE",
        "S47ACTUALSTARTDATE",
        "INITIALCPCTARGET",
        "CPPSTARTDATE",
        "CPPENDDATE",
        "CPPREVIEWDATE",
    }
)
_CACHE = "_b_tables"


def cin_table(tables: ReturnTables, name: str) -> pl.DataFrame:
    """A census table with all its columns present (null where the return has none), its
    date columns as dates (null where empty or not a date), read once per run."""
    store: dict[str, pl.DataFrame] = tables.__dict__.setdefault(_CACHE, {})
    if name not in store:
        columns = COLUMNS[name]
        frame = tables.table(name, *columns)
        frame = frame.with_columns(
            dates(column).alias(column) for column in columns if column in DATE_COLUMNS
        )
        if name == "assessments":
            frame = frame.with_columns(_split_factors().alias(FACTORS))
        store[name] = frame
    return store[name]


def reference_date(tables: ReturnTables) -> pl.Expr:
    """The census reference date: 31 March of the collection year."""
    return pl.lit(tables.year_end, dtype=pl.Date)


def outside_census_year(column: str, tables: ReturnTables) -> pl.Expr:
    """A date before the census year began or after its reference date (false when null)."""
    start: date = tables.year_start
    end: date = tables.year_end
    day = pl.col(column)
    return (day.is_not_null() & ((day < start) | (day > end))).fill_null(False)


# The census's codes for factors identified at the end of an assessment.
ASSESSMENT_FACTORS = frozenset(
    {
        *(f"{n}{letter}" for n in range(1, 7) for letter in "ABC"),
        "7A",
        *(f"8{letter}" for letter in "BCDEF"),
        *(f"{n}A" for n in range(9, 18)),
        *(f"{n}{letter}" for n in (18, 19) for letter in "ABC"),
        "20",
        "21",
        "22A",
        "23A",
        "24A",
    }
)


FACTORS = "_factors"  # the assessments table's factors as a list, split once per run


def factors() -> pl.Expr:
    """An assessment's factors as a list of codes (read from `cin_table`'s assessments)."""
    return pl.col(FACTORS)


def _split_factors() -> pl.Expr:
    """The factors the reader joins with commas, as a list of upper-case codes."""
    return (
        pl.col("ASSESSMENTFACTORS")
        .str.split(",")
        .list.eval(pl.element().str.strip_chars().str.to_uppercase())
        .list.eval(pl.element().filter(pl.element() != ""))
    )


def starting_during_another(
    frame: pl.DataFrame,
    start: str,
    ends: pl.Expr,
    counts: pl.Expr,
    keys: list[str],
    *,
    may_start_on_end: bool = False,
) -> pl.DataFrame:
    """The rows of `frame` whose `start` falls on or between the start of another row of the
    same group (`keys`) and that row's end (`ends`, an expression over the other row): the
    other rows considered are those for which `counts` holds. Where `may_start_on_end`, a row
    may start on the day the other ends."""
    starts = frame.filter(pl.col(start).is_not_null())
    others = starts.filter(counts).select(
        *keys,
        pl.col(ROW).alias("_other_record"),
        pl.col(start).alias("_other_start"),
        ends.alias("_other_end"),
    )
    day = pl.col(start)
    before_end = day < pl.col("_other_end") if may_start_on_end else day <= pl.col("_other_end")
    return (
        starts.join(others, on=keys, how="inner")
        .filter(
            (pl.col(ROW) != pl.col("_other_record"))
            & (day >= pl.col("_other_start"))
            & before_end.fill_null(False)
        )
        .unique(ROW, maintain_order=True)
    )


def earliest_start_within(day: date, count: int) -> date:
    """The earliest day from which `day` is at most `count` working days (England) on, the
    start day not counting (the DfE's convention): the (count + 1)th working day counting
    back from `day`. A start before it is more than `count` working days before `day`."""
    found = 0
    while True:
        if is_working_day(day):
            found += 1
            if found == count + 1:
                return day
        day -= timedelta(days=1)
