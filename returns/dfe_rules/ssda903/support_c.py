"""Derived frames shared by the SSDA903 rules numbered 500 and above: each table with its dates
read once, a child's episodes in order with the previous episode's columns, periods of care, and
"looked after in the year". Each is built once per return (`support.kept`, under a key prefixed
``c_``), since many rules read the same columns. What every part shares, the OC2 cohort among
it, is in `support`.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, dates, failing
from .support import EPISODE_COLUMNS, kept, years_after

ADOPTED = ("E11", "E12")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
CARE_LEAVER_FIELDS = ("IN_TOUCH", "ACTIV", "ACCOM")
ADOPTION_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


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
    return kept(
        tables,
        "c_episodes",
        lambda: _with_episode_order(tables.table("episodes", *EPISODE_COLUMNS)),
    )


def last_year_episodes(tables: ReturnTables) -> pl.DataFrame:
    """Last year's episodes in order, as `episodes` gives this year's."""
    return kept(
        tables,
        "c_episodes_last",
        lambda: _with_episode_order(tables.last_year("episodes", *EPISODE_COLUMNS)),
    )


def header(tables: ReturnTables) -> pl.DataFrame:
    """The header, with DOB and MC_DOB as dates (DOB_D, MC_DOB_D)."""
    return kept(
        tables,
        "c_header",
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

    return kept(tables, "c_looked_after_in_year", build)[CHILD]


def age_at_least(dob: str, years: int, on: date) -> pl.Expr:
    """Whether a child born on the date column `dob` had reached `years` on the day `on`."""
    return years_after(dob, years) <= on


def failing_other(frame: pl.DataFrame, table: str, row_column: str) -> pl.DataFrame:
    """The rows of a second table in a join (their row numbers in `row_column`) as failures
    in that table."""
    return failing(frame.with_columns(pl.col(row_column).alias(ROW)), table)
