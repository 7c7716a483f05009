"""What the SSDA903 rules of every part share: the episode's columns, the codes several
parts name, small expressions over columns and dates, the cache that keeps a derived frame
for the rest of the run, and the OC2 cohort (children looked after continuously for 12
months at 31 March), which rules of both the 100s and the 500s read and must read alike.

Derived frames are kept on the `ReturnTables` they came from (the tables of one upload never
change once read), under a key the part's own support module names, so that the many rules
reading the episodes in order parse and sort them once per return."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import polars as pl

from ...derive_903 import REQUIRED_COLUMNS
from ..engine import CHILD, ReturnTables, dates

# An episode's columns, as the importer requires them (the child's id apart).
EPISODE_COLUMNS = tuple(name for name in REQUIRED_COLUMNS["episodes"] if name != CHILD)
# Temporary placements: holidays, respite, hospital, of three days or less (T0-T4).
TEMPORARY_PLACEMENTS = ("T0", "T1", "T2", "T3", "T4")
# Legal statuses of short breaks: not "looked after" for most counts.
SHORT_BREAKS = ("V3", "V4")
# SEX is M, F or U from 2024/25 (the former 1 and 2 fail rule 101, and are not read as a
# sex by the other rules: one mistake, one error).
FEMALE = ("F",)

Kept = TypeVar("Kept")
_STORE = "_ssda903_kept"


def kept(tables: ReturnTables, key: str, build: Callable[[], Kept]) -> Kept:
    """`build()` once per return: the rules share it rather than re-deriving it."""
    store: dict[str, Any] = tables.__dict__.setdefault(_STORE, {})
    if key not in store:
        store[key] = build()
    value: Kept = store[key]
    return value


def given(column: str) -> pl.Expr:
    return pl.col(column).is_not_null()


def blank(column: str) -> pl.Expr:
    return pl.col(column).is_null()


def any_given(*columns: str) -> pl.Expr:
    """Whether any of the columns holds a value."""
    return pl.any_horizontal([given(c) for c in columns])


def all_given(*columns: str) -> pl.Expr:
    """Whether every one of the columns holds a value."""
    return pl.all_horizontal([given(c) for c in columns])


def any_blank(*columns: str) -> pl.Expr:
    """Whether any of the columns is blank."""
    return pl.any_horizontal([blank(c) for c in columns])


def day(value: date) -> pl.Expr:
    return pl.lit(value, dtype=pl.Date)


def years_after(column: str | pl.Expr, years: int) -> pl.Expr:
    """The date `years` whole years after a date column, as a birthday (a 29 February
    birthday falls on 28 February)."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.offset_by(f"{years}y")


def looked_after_12_months(tables: ReturnTables) -> pl.DataFrame:
    """The children (one column, CHILD) looked after continuously for at least 12 months at
    31 March: a period of care, short breaks (LS V3, V4) aside, that began on or before 1
    April of the year and had not ended before 31 March (a period ending on 31 March itself
    counts, as the DfE's validator counts it). A period is a run of episodes each starting
    the day the one before it ceased."""

    def build() -> pl.DataFrame:
        care = (
            tables.table("episodes", "DECOM", "DEC", "LS")
            .filter(~pl.col("LS").is_in(SHORT_BREAKS) | blank("LS"))
            .with_columns(dates("DECOM").alias("start"), dates("DEC").alias("end"))
            .filter(pl.col("start").is_not_null())
            .sort([CHILD, "start"])
        )
        # A new period at each child's first episode and wherever an episode does not start
        # the day the one before it ceased; numbering the periods through the whole sorted
        # frame keeps each child's apart.
        continues = (pl.col(CHILD).shift(1) == pl.col(CHILD)) & (
            pl.col("end").shift(1) == pl.col("start")
        )
        periods = (
            care.with_columns((~continues.fill_null(False)).cum_sum().alias("period"))
            .group_by("period")
            .agg(
                pl.col(CHILD).first(),
                pl.col("start").min().alias("began"),
                pl.col("end").last().alias("ended"),
                pl.col("end").is_null().any().alias("open"),
            )
        )
        lasting = periods.filter(
            (pl.col("began") <= day(tables.year_start))
            & (pl.col("open") | (pl.col("ended") >= day(tables.year_end)))
        )
        return lasting.select(CHILD).unique()

    return kept(tables, "looked_after_12_months", build)


def with_12_months_flag(tables: ReturnTables, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with ``cla12``: whether its child is looked after continuously for 12 months."""
    cohort = looked_after_12_months(tables).with_columns(pl.lit(True).alias("cla12"))
    return frame.join(cohort, on=CHILD, how="left").with_columns(pl.col("cla12").fill_null(False))
