"""Shared pieces of the SSDA903 rules 100-299: code and date checks and a child's episodes in
order with the episode before and after (kept once per return by `support.kept`). What every
part shares, the OC2 cohort among it, is in `support`."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from ...derive_903 import codes_for_year
from ..engine import CHILD, ReturnTables, dates
from .support import EPISODE_COLUMNS, given, kept


def codes(tables: ReturnTables, column: str) -> frozenset[str]:
    """The codes valid for a column in the return's collection year."""
    return codes_for_year(tables.collection_year)[column]


def not_a_date(column: str) -> pl.Expr:
    """Filled in, but not a date."""
    return given(column) & dates(column).is_null()


def code_not_in(column: str, valid: Iterable[str]) -> pl.Expr:
    """Filled in, but not one of the valid codes (a blank is left to the rules on blanks)."""
    return given(column) & ~pl.col(column).is_in(list(valid))


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

    return kept(tables, "a_episodes_in_order", build)
