"""Derived frames shared by the SSDA903 rules numbered 500 and above: each table with its dates
read once, a child's episodes in order with the previous episode's columns, periods of care, and
"looked after continuously for 12 months at 31 March". Each is built once per return and kept on
the `ReturnTables` (under ``_c_derived``), since many rules read the same columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, dates, failing

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
# SEX was 1 (male) or 2 (female) until 2023/24; from 2024/25 it is M, F or U (unknown).
FEMALE = ("F", "2")
RESPITE = ("V3", "V4")  # legal statuses of short breaks: not "looked after" for most counts
ADOPTED = ("E11", "E12")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
CARE_LEAVER_FIELDS = ("IN_TOUCH", "ACTIV", "ACCOM")
ADOPTION_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


def _derived(tables: ReturnTables, key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    store: dict[str, Any] = tables.__dict__.setdefault("_c_derived", {})
    if key not in store:
        store[key] = build()
    frame: pl.DataFrame = store[key]
    return frame


def years_after(column: str | pl.Expr, years: int) -> pl.Expr:
    """The date `years` after a date column (a 29 February birthday falls on 28 February)."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.offset_by(f"{years}y")


def any_given(*columns: str) -> pl.Expr:
    """Whether any of the columns holds a value."""
    return pl.any_horizontal([pl.col(c).is_not_null() for c in columns])


def any_blank(*columns: str) -> pl.Expr:
    """Whether any of the columns is blank."""
    return pl.any_horizontal([pl.col(c).is_null() for c in columns])


def ceased_care(rec: str = "REC") -> pl.Expr:
    """The episode ended the period of care: a reason given, and not X1 (a new episode began)."""
    return pl.col(rec).is_not_null() & (pl.col(rec) != "X1")


def _with_episode_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Episodes sorted by child and start, each with the previous episode's columns (PREV_*,
    null for a child's first) and the period of care it belongs to: a period runs on while each
    episode ends with X1 on the day the next begins."""
    frame = frame.with_columns(dates("DECOM").alias("DECOM_D"), dates("DEC").alias("DEC_D")).sort(
        [CHILD, "DECOM_D", ROW], nulls_last=True
    )
    # Sorted by child, so shifting the whole frame is quicker than shifting within each child;
    # a shifted value from another child is masked out.
    first = (pl.col(CHILD) != pl.col(CHILD).shift(1)).fill_null(True)
    last = (pl.col(CHILD) != pl.col(CHILD).shift(-1)).fill_null(True)
    frame = frame.with_columns(first.alias("FIRST"), last.alias("LAST"))
    frame = frame.with_columns(
        *(
            pl.when(~pl.col("FIRST")).then(pl.col(c).shift(1)).alias(f"PREV_{c}")
            for c in ("DEC_D", "REC")
        ),
    )
    continues = (
        ~pl.col("FIRST")
        & (pl.col("PREV_REC") == "X1")
        & (pl.col("PREV_DEC_D") == pl.col("DECOM_D"))
    ).fill_null(False)
    return frame.with_columns((~continues).cast(pl.Int64).cum_sum().alias("PERIOD")).with_columns(
        pl.col("DECOM_D").first().over("PERIOD").alias("PERIOD_START"),
    )


def episodes(tables: ReturnTables) -> pl.DataFrame:
    """This year's episodes in order (see `_with_episode_order`)."""
    return _derived(
        tables,
        "episodes",
        lambda: _with_episode_order(tables.table("episodes", *EPISODE_COLUMNS)),
    )


def last_year_episodes(tables: ReturnTables) -> pl.DataFrame:
    """Last year's episodes in order, as `episodes` gives this year's."""
    return _derived(
        tables,
        "episodes_last",
        lambda: _with_episode_order(tables.last_year("episodes", *EPISODE_COLUMNS)),
    )


def header(tables: ReturnTables) -> pl.DataFrame:
    """The header, with DOB and MC_DOB as dates (DOB_D, MC_DOB_D)."""
    return _derived(
        tables,
        "header",
        lambda: tables.table("header", "SEX", "DOB", "MOTHER", "MC_DOB").with_columns(
            dates("DOB").alias("DOB_D"), dates("MC_DOB").alias("MC_DOB_D")
        ),
    )


def in_year(column: str, tables: ReturnTables) -> pl.Expr:
    """The date falls within the collection year."""
    return pl.col(column).is_between(tables.year_start, tables.year_end)


def children_with_episodes(tables: ReturnTables) -> pl.Series:
    """Every child with an episode in this year's return."""
    return episodes(tables)[CHILD].unique()


def looked_after_in_year(tables: ReturnTables) -> pl.Series:
    """The children with an episode open at some time during the collection year."""

    def build() -> pl.DataFrame:
        return (
            episodes(tables)
            .filter(
                (pl.col("DECOM_D") <= tables.year_end)
                & (pl.col("DEC_D").is_null() | (pl.col("DEC_D") >= tables.year_start))
            )
            .select(CHILD)
            .unique()
        )

    return _derived(tables, "looked_after_in_year", build)[CHILD]


def continuously_looked_after(tables: ReturnTables) -> pl.Series:
    """The children looked after continuously for at least 12 months at 31 March: a run of
    episodes other than short breaks (V3, V4), each starting the day the last ended, that
    began on or before 1 April and was still open at 31 March (the DfE's OC2 cohort)."""

    def build() -> pl.DataFrame:
        frame = (
            episodes(tables)
            .filter(~pl.col("LS").is_in(RESPITE) | pl.col("LS").is_null())
            .filter(pl.col("DECOM_D").is_not_null())
        )  # still in order of child and start, as `episodes` gives them
        # A gap between one episode's end and the next one's start ends the run.
        joined = (pl.col("DECOM_D") == pl.col("DEC_D").shift(1).over(CHILD)) & pl.col(
            CHILD
        ).is_not_null()
        frame = frame.with_columns((~joined.fill_null(False)).cast(pl.Int64).cum_sum().alias("RUN"))
        runs = frame.group_by(CHILD, "RUN").agg(
            pl.col("DECOM_D").min().alias("START"),
            pl.col("DEC_D").is_null().any().alias("OPEN"),
            pl.col("DEC_D").max().alias("END"),
        )
        still_looked_after = pl.col("OPEN") | (pl.col("END") > tables.year_end)
        return (
            runs.filter((pl.col("START") <= tables.year_start) & still_looked_after)
            .select(CHILD)
            .unique()
        )

    return _derived(tables, "continuously_looked_after", build)[CHILD]


def age_at_least(dob: str, years: int, on: date) -> pl.Expr:
    """Whether a child born on the date column `dob` had reached `years` on the day `on`."""
    return years_after(dob, years) <= on


def failing_other(frame: pl.DataFrame, table: str, row_column: str) -> pl.DataFrame:
    """The rows of a second table in a join (their row numbers in `row_column`) as failures
    in that table."""
    return failing(frame.with_columns(pl.col(row_column).alias(ROW)), table)
