"""SSDA903 rules 700 to 709 on deprivation of liberty orders (DoLOs, collected from 2025/26):
each order's start and end (DOLO_START, DOLO_END), against the year, the child's birth, the
episodes and last year's return."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing, nothing
from . import BOOK
from .support_c import (
    ceased_care,
    episodes,
    failing_other,
    header,
)

# The DfE's file is "DoLo"; a council's export may spell it out.
DOLO_TABLES = ("dolo", "deprivationofliberty", "dol")
# Placements where a deprivation of liberty is expected: secure children's homes (K2) and
# the 2025/26 "other placements" for children deprived of their liberty (Z12, Z13).
DOLO_PLACEMENTS = ("K2", "Z12", "Z13")


def _name(tables: ReturnTables) -> str:
    return next((name for name in DOLO_TABLES if tables.has(name)), DOLO_TABLES[0])


def _dolo(tables: ReturnTables) -> pl.DataFrame:
    return tables.table(_name(tables), "DOB", "DOLO_START", "DOLO_END").with_columns(
        dates("DOLO_START").alias("START_D"),
        dates("DOLO_END").alias("END_D"),
        dates("DOB").alias("DOB_D"),
    )


@BOOK.check
def dolo_start_not_a_date(tables: ReturnTables) -> pl.DataFrame:
    """700: DOLO_START is given and is a valid date."""
    return failing(_dolo(tables), _name(tables), pl.col("START_D").is_null())


@BOOK.check
def dolo_end_not_a_date(tables: ReturnTables) -> pl.DataFrame:
    """701: DOLO_END, where given, is a valid date."""
    mask = pl.col("DOLO_END").is_not_null() & pl.col("END_D").is_null()
    return failing(_dolo(tables), _name(tables), mask)


@BOOK.check
def dolo_ended_before_it_started(tables: ReturnTables) -> pl.DataFrame:
    """702: DOLO_END is not before DOLO_START."""
    return failing(_dolo(tables), _name(tables), pl.col("END_D") < pl.col("START_D"))


@BOOK.check
def dolo_started_after_year_end(tables: ReturnTables) -> pl.DataFrame:
    """703: DOLO_START is not after the end of the collection year."""
    return failing(_dolo(tables), _name(tables), pl.col("START_D") > tables.year_end)


@BOOK.check
def dolo_ended_outside_year(tables: ReturnTables) -> pl.DataFrame:
    """704: DOLO_END, where given, falls within the collection year."""
    outside = (pl.col("END_D") < tables.year_start) | (pl.col("END_D") > tables.year_end)
    return failing(_dolo(tables), _name(tables), outside)


@BOOK.check
def dolos_overlap(tables: ReturnTables) -> pl.DataFrame:
    """705: a child's DoLO starts only after the previous one has ended, and not before its
    DOLO_END."""
    frame = _dolo(tables).sort([CHILD, "START_D", ROW], nulls_last=True)
    same_child = (pl.col(CHILD) == pl.col(CHILD).shift(1)).fill_null(False)
    frame = frame.with_columns(
        pl.when(same_child).then(pl.col("END_D").shift(1)).alias("PREV_END"),
        same_child.alias("LATER"),
    )
    mask = pl.col("LATER") & (
        pl.col("PREV_END").is_null() | (pl.col("START_D") < pl.col("PREV_END"))
    )
    return failing(frame, _name(tables), mask)


@BOOK.check
def open_dolo_not_carried_over(tables: ReturnTables) -> pl.DataFrame:
    """706: a DoLO open at the end of last year's return appears this year with the same
    DOLO_START. The child's first DoLO this year is reported, or their header where this
    year's return has none."""
    last_name = next((n for n in DOLO_TABLES if tables.has_previous(n)), None)
    if last_name is None:
        return nothing()
    open_last = (
        tables.last_year(last_name, "DOLO_START", "DOLO_END")
        .filter(pl.col("DOLO_END").is_null())
        .select(CHILD, dates("DOLO_START").alias("START_LAST"))
        .drop_nulls("START_LAST")
    )
    this = _dolo(tables)
    carried = open_last.join(
        this.select(CHILD, pl.col("START_D").alias("START_LAST")),
        on=[CHILD, "START_LAST"],
        how="semi",
    )
    missing = open_last.join(carried, on=[CHILD, "START_LAST"], how="anti")[CHILD].unique()
    first = this.sort([CHILD, "START_D", ROW], nulls_last=True).filter(
        pl.int_range(pl.len()).over(CHILD) == 0
    )
    return combined(
        failing(first, _name(tables), pl.col(CHILD).is_in(missing.implode())),
        failing(
            header(tables),
            "header",
            pl.col(CHILD).is_in(missing.implode()) & ~pl.col(CHILD).is_in(this[CHILD].implode()),
        ),
    )


@BOOK.check
def left_care_with_open_dolo(tables: ReturnTables) -> pl.DataFrame:
    """707: where a child ceased to be looked after, each DoLO that began in that period of
    care has a DOLO_END on or before the date care ended (DEC)."""
    ceased = episodes(tables).filter(ceased_care()).select(CHILD, ROW, "PERIOD_START", "DEC_D")
    frame = _dolo(tables).join(ceased, on=CHILD, how="inner", suffix="_EP")
    began_in_period = (pl.col("START_D") >= pl.col("PERIOD_START")) & (
        pl.col("START_D") <= pl.col("DEC_D")
    )
    not_ended = pl.col("END_D").is_null() | (pl.col("END_D") > pl.col("DEC_D"))
    frame = frame.filter(began_in_period & not_ended)
    return combined(failing(frame, _name(tables)), failing_other(frame, "episodes", f"{ROW}_EP"))


@BOOK.check
def dolo_before_birth(tables: ReturnTables) -> pl.DataFrame:
    """708: DOLO_START is after the child's date of birth."""
    return failing(_dolo(tables), _name(tables), pl.col("START_D") <= pl.col("DOB_D"))


@BOOK.check
def dolo_in_unexpected_placement(tables: ReturnTables) -> pl.DataFrame:
    """709: every episode overlapping a DoLO (both dates given) has placement K2, Z12 or Z13;
    an open episode runs to the end of the year."""
    placed = episodes(tables).select(
        CHILD,
        "PLACE",
        "DECOM_D",
        pl.col("DEC_D").fill_null(tables.year_end).alias("UNTIL"),
    )
    frame = (
        _dolo(tables)
        .filter(pl.col("START_D").is_not_null() & pl.col("END_D").is_not_null())
        .join(placed, on=CHILD, how="inner")
    )
    overlaps = (pl.col("START_D") <= pl.col("UNTIL")) & (pl.col("END_D") >= pl.col("DECOM_D"))
    unexpected = ~pl.col("PLACE").is_in(DOLO_PLACEMENTS).fill_null(False)
    return failing(frame, _name(tables), overlaps & unexpected)
