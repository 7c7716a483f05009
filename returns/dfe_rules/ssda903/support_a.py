"""Shared pieces of the SSDA903 rules 100-299: code and date checks, a child's episodes in
order with the episode before and after, and the children looked after continuously for 12
months at 31 March (the OC2 cohort).

Derived frames are kept on the `ReturnTables` they came from (under ``_a_cache``) so that the
many rules reading the episodes in order parse and sort them once per return."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import polars as pl

from ...derive_903 import codes_for_year
from ..engine import CHILD, ReturnTables, dates

# Temporary placements: holidays, respite, hospital, of three days or less (T0-T4).
TEMPORARY_PLACEMENTS = ("T0", "T1", "T2", "T3", "T4")
SHORT_BREAKS = ("V3", "V4")


def _cached(tables: ReturnTables, key: str, build: Callable[[], Any]) -> Any:
    """`build()` once per return: the rules share it rather than re-deriving it."""
    store: dict[str, Any] = tables.__dict__.setdefault("_a_cache", {})
    if key not in store:
        store[key] = build()
    return store[key]


def codes(tables: ReturnTables, column: str) -> frozenset[str]:
    """The codes valid for a column in the return's collection year."""
    return codes_for_year(tables.collection_year)[column]


def given(column: str) -> pl.Expr:
    return pl.col(column).is_not_null()


def blank(column: str) -> pl.Expr:
    return pl.col(column).is_null()


def not_a_date(column: str) -> pl.Expr:
    """Filled in, but not a date."""
    return given(column) & dates(column).is_null()


def code_not_in(column: str, valid: Iterable[str]) -> pl.Expr:
    """Filled in, but not one of the valid codes (a blank is left to the rules on blanks)."""
    return given(column) & ~pl.col(column).is_in(list(valid))


def any_given(columns: Iterable[str]) -> pl.Expr:
    return pl.any_horizontal([given(c) for c in columns])


def all_given(columns: Iterable[str]) -> pl.Expr:
    return pl.all_horizontal([given(c) for c in columns])


def birthday(born: pl.Expr, years: int) -> pl.Expr:
    """The date a child born on `born` turns `years` (29 February falls to 28 February)."""
    return born.dt.offset_by(f"{years}y")


def day(value: date) -> pl.Expr:
    return pl.lit(value, dtype=pl.Date)


EPISODE_COLUMNS = (
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)


def episodes_in_order(tables: ReturnTables) -> pl.DataFrame:
    """The episodes, each child's in order of start date, with ``start`` and ``end`` (DECOM
    and DEC as dates), ``is_last`` (no later episode for the child) and the previous and next
    episode's columns suffixed ``_PREV`` and ``_NEXT`` (null for the first and last)."""

    def build() -> pl.DataFrame:
        episodes = tables.table("episodes", *EPISODE_COLUMNS).with_columns(
            dates("DECOM").alias("start"), dates("DEC").alias("end")
        )
        ordered = episodes.sort([CHILD, "start", "end"], nulls_last=True)
        around = ["start", "end", "RNE", "PLACE", "REC", "REASON_PLACE_CHANGE", "LS"]
        # Sorted by child, so a plain shift is the child's own previous (next) episode
        # wherever the child is the same: far quicker than a window over each child.
        same_as_previous = pl.col(CHILD).shift(1) == pl.col(CHILD)
        same_as_next = pl.col(CHILD).shift(-1) == pl.col(CHILD)
        return ordered.with_columns(
            *(
                pl.when(same_as_previous).then(pl.col(c).shift(1)).alias(f"{c}_PREV")
                for c in around
            ),
            *(pl.when(same_as_next).then(pl.col(c).shift(-1)).alias(f"{c}_NEXT") for c in around),
            (~same_as_next).fill_null(True).alias("is_last"),
        )

    frame: pl.DataFrame = _cached(tables, "episodes_in_order", build)
    return frame


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

    frame: pl.DataFrame = _cached(tables, "looked_after_12_months", build)
    return frame


def with_12_months_flag(tables: ReturnTables, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with ``cla12``: whether its child is looked after continuously for 12 months."""
    cohort = looked_after_12_months(tables).with_columns(pl.lit(True).alias("cla12"))
    return frame.join(cohort, on=CHILD, how="left").with_columns(pl.col("cla12").fill_null(False))
