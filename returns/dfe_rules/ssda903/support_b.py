"""Shared frames for the SSDA903 rules 300-499 (the b_* modules), built once per return.

Most of these rules look at a child's episodes in order (the one before, the one after) or
at the child's age on an episode's dates. Parsing the dates and ordering the episodes is the
costly part, so each derived frame is built once per return (`support.kept`, under a key
prefixed ``b_``). What every part shares is in `support`.
"""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, dates
from .support import EPISODE_COLUMNS, day, kept

# The columns of an episode that describe the placement itself (not the legal status): an
# episode that changes none of these has not changed placement.
PLACEMENT_COLUMNS = ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER")
# Columns carried from the episode before and after (as PREV_x / NEXT_x) in `sequence`.
NEIGHBOUR_COLUMNS = ("RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER", "REC")


def header(tables: ReturnTables) -> pl.DataFrame:
    """The header with DOB as a date (``DOB_D``)."""

    def build() -> pl.DataFrame:
        frame = tables.table("header", "SEX", "DOB", "UPN", "MOTHER", "MC_DOB")
        return frame.with_columns(dates("DOB").alias("DOB_D"))

    return kept(tables, "b_header", build)


def episodes(tables: ReturnTables) -> pl.DataFrame:
    """Every episode, with DECOM and DEC as dates (``DECOM_D``, ``DEC_D``) and the child's
    date of birth from the header (``DOB_D``, null when the child has no header row)."""

    def build() -> pl.DataFrame:
        frame = tables.table("episodes", *EPISODE_COLUMNS).with_columns(
            dates("DECOM").alias("DECOM_D"), dates("DEC").alias("DEC_D")
        )
        births = header(tables).select(CHILD, "DOB_D").unique(CHILD, keep="first")
        return frame.join(births, on=CHILD, how="left")

    return kept(tables, "b_episodes", build)


def sequence(tables: ReturnTables) -> pl.DataFrame:
    """The episodes that have a start date, in order within each child (by DECOM, then by
    row for a tie), with the episode before's columns as ``PREV_x`` and the one after's as
    ``NEXT_x`` (null for a child's first or last episode), ``PREV_DEC_D``, ``NEXT_DECOM_D``,
    and ``FIRST`` / ``LAST`` flags. An episode without a readable start date cannot be placed
    in order; rule 141 reports it, so it is left out here."""

    def build() -> pl.DataFrame:
        ordered = (
            episodes(tables).filter(pl.col("DECOM_D").is_not_null()).sort(CHILD, "DECOM_D", ROW)
        )
        # The frame is sorted by child, so a plain shift gives the neighbouring row, which is
        # the same child's neighbouring episode wherever the child ids match (much faster
        # than a window per child).
        same_before = pl.col(CHILD).shift(1).eq_missing(pl.col(CHILD))
        same_after = pl.col(CHILD).shift(-1).eq_missing(pl.col(CHILD))
        same_two_before = pl.col(CHILD).shift(2).eq_missing(pl.col(CHILD))

        def before(column: str, by: int = 1) -> pl.Expr:
            same = same_before if by == 1 else same_two_before
            return pl.when(same).then(pl.col(column).shift(by))

        def after(column: str) -> pl.Expr:
            return pl.when(same_after).then(pl.col(column).shift(-1))

        return ordered.with_columns(
            *(before(c).alias(f"PREV_{c}") for c in NEIGHBOUR_COLUMNS),
            *(after(c).alias(f"NEXT_{c}") for c in NEIGHBOUR_COLUMNS),
            before("PLACE", 2).alias("PREV2_PLACE"),
            before("PL_POST", 2).alias("PREV2_PL_POST"),
            before("DEC_D").alias("PREV_DEC_D"),
            after("DECOM_D").alias("NEXT_DECOM_D"),
            (~same_before).alias("FIRST"),
            (~same_after).alias("LAST"),
        )

    return kept(tables, "b_sequence", build)


def same_placement() -> pl.Expr:
    """The episode's placement columns all equal the episode before's (a blank equals a
    blank)."""
    return pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"PREV_{c}")) for c in PLACEMENT_COLUMNS)


def end_or_year_end(tables: ReturnTables) -> pl.Expr:
    """An episode's end date, or the end of the collection year while it is still open."""
    return pl.coalesce(pl.col("DEC_D"), day(tables.year_end))


def legal_status_runs(tables: ReturnTables, status: str, most_days: int) -> pl.DataFrame:
    """Episodes under legal status `status` that belong to an unbroken run of such episodes
    (each starting the day the one before ended) lasting more than `most_days` days from the
    run's first start to its last end (an open episode counts to the end of the year)."""
    # Only this status's episodes are kept, then numbered into runs: a run breaks where the
    # episode before (the same child's, `sequence` gives null for a first episode) had
    # another status or did not end the day this one began. Counting breaks over the whole
    # frame numbers every child's runs apart, as each child's first episode is a break.
    frame = (
        sequence(tables)
        .filter(pl.col("LS") == status)
        .with_columns(
            end_or_year_end(tables).alias("_END"),
            (
                pl.col("PREV_LS").ne_missing(status)
                | pl.col("PREV_DEC_D").ne_missing(pl.col("DECOM_D"))
            )
            .cum_sum()
            .alias("_RUN"),
        )
    )
    length = (pl.col("_END").max() - pl.col("DECOM_D").min()).dt.total_days()
    return frame.filter(length.over("_RUN") > most_days)
