"""SSDA903 rules 500 and above on the missing table: periods a child was missing or away from
placement without authorisation, their dates, and how they sit with the episodes."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing, nothing
from . import BOOK
from .support_c import (
    ceased_care,
    episodes,
    failing_other,
)

MISSING_TYPES = ("M", "A")  # missing; away from placement without authorisation


def _missing(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("missing", "DOB", "MISSING", "MIS_START", "MIS_END").with_columns(
        dates("MIS_START").alias("START_D"),
        dates("MIS_END").alias("END_D"),
        dates("DOB").alias("DOB_D"),
    )


@BOOK.check
def missing_without_start_date(tables: ReturnTables) -> pl.DataFrame:
    """564: where MISSING is M or A, MIS_START is given."""
    frame = _missing(tables)
    mask = pl.col("MISSING").str.to_uppercase().is_in(MISSING_TYPES) & pl.col("MIS_START").is_null()
    return failing(frame, "missing", mask)


@BOOK.check
def missing_start_without_type(tables: ReturnTables) -> pl.DataFrame:
    """565: where MIS_START is given, so is MISSING."""
    frame = _missing(tables)
    mask = pl.col("MIS_START").is_not_null() & pl.col("MISSING").is_null()
    return failing(frame, "missing", mask)


@BOOK.check
def missing_end_without_type(tables: ReturnTables) -> pl.DataFrame:
    """566: where MIS_END is given, so is MISSING."""
    frame = _missing(tables)
    mask = pl.col("MIS_END").is_not_null() & pl.col("MISSING").is_null()
    return failing(frame, "missing", mask)


@BOOK.check
def missing_ended_before_it_started(tables: ReturnTables) -> pl.DataFrame:
    """567: MIS_END is not before MIS_START."""
    frame = _missing(tables)
    return failing(frame, "missing", pl.col("END_D") < pl.col("START_D"))


@BOOK.check
def missing_started_after_year_end(tables: ReturnTables) -> pl.DataFrame:
    """570: MIS_START is not after the end of the collection year."""
    frame = _missing(tables)
    return failing(frame, "missing", pl.col("START_D") > tables.year_end)


@BOOK.check
def missing_ended_outside_year(tables: ReturnTables) -> pl.DataFrame:
    """571: MIS_END, where given, falls within the collection year."""
    frame = _missing(tables)
    outside = (pl.col("END_D") < tables.year_start) | (pl.col("END_D") > tables.year_end)
    return failing(frame, "missing", outside)


@BOOK.check
def missing_periods_overlap(tables: ReturnTables) -> pl.DataFrame:
    """574: a child's missing period starts only after the previous one has ended, and not
    before its MIS_END."""
    frame = _missing(tables).sort([CHILD, "START_D", ROW], nulls_last=True)
    frame = frame.with_columns(
        pl.col("END_D").shift(1).over(CHILD).alias("PREV_END"),
        (pl.int_range(pl.len()).over(CHILD) > 0).alias("LATER"),
    )
    mask = pl.col("LATER") & (
        pl.col("PREV_END").is_null() | (pl.col("START_D") < pl.col("PREV_END"))
    )
    return failing(frame, "missing", mask)


@BOOK.check
def missing_open_after_placement_ended(tables: ReturnTables) -> pl.DataFrame:
    """575: a missing period that started during an episode which has ended has a MIS_END."""
    ended = episodes(tables).filter(pl.col("DEC_D").is_not_null()).select(CHILD, "DECOM_D", "DEC_D")
    frame = _missing(tables).join(ended, on=CHILD, how="inner")
    mask = (
        pl.col("START_D").is_between(pl.col("DECOM_D"), pl.col("DEC_D"))
        & pl.col("MIS_END").is_null()
    )
    return failing(frame, "missing", mask)


@BOOK.check
def open_missing_period_not_carried_over(tables: ReturnTables) -> pl.DataFrame:
    """576: a missing period open at the end of last year's return is this year's child's
    first missing period (same MIS_START)."""
    if not tables.has_previous("missing"):
        return nothing()
    open_last = (
        tables.last_year("missing", "MIS_START", "MIS_END")
        .filter(pl.col("MIS_END").is_null())
        .select(CHILD, dates("MIS_START").alias("START_LAST"))
        .drop_nulls("START_LAST")
    )
    first = (
        _missing(tables)
        .sort([CHILD, "START_D", ROW], nulls_last=True)
        .filter(pl.int_range(pl.len()).over(CHILD) == 0)
    )
    frame = first.join(open_last, on=CHILD, how="inner")
    return failing(frame, "missing", pl.col("START_D").ne_missing(pl.col("START_LAST")))


@BOOK.check
def left_care_while_missing(tables: ReturnTables) -> pl.DataFrame:
    """577: where a child ceased to be looked after, each missing period that began in that
    period of care has a MIS_END on or before the date care ended (DEC)."""
    ceased = episodes(tables).filter(ceased_care()).select(CHILD, ROW, "PERIOD_START", "DEC_D")
    frame = _missing(tables).join(ceased, on=CHILD, how="inner", suffix="_EP")
    began_in_period = (pl.col("START_D") >= pl.col("PERIOD_START")) & (
        pl.col("START_D") <= pl.col("DEC_D")
    )
    not_ended = pl.col("END_D").is_null() | (pl.col("END_D") > pl.col("DEC_D"))
    frame = frame.filter(began_in_period & not_ended)
    return combined(
        failing(frame, "missing"),
        failing_other(frame, "episodes", f"{ROW}_EP"),
    )


@BOOK.check
def missing_started_after_care_ended(tables: ReturnTables) -> pl.DataFrame:
    """578: a missing period starts within one of the child's periods of care (on or after its
    first DECOM, and not after the DEC that ended it), not after they ceased to be looked
    after. Children with no episodes are not checked."""
    periods = (
        episodes(tables)
        .filter(pl.col("DECOM_D").is_not_null())
        .group_by(CHILD, "PERIOD")
        .agg(
            pl.col("DECOM_D").min().alias("PERIOD_START"),
            pl.col("DEC_D").sort_by("DECOM_D").last().alias("PERIOD_END"),
        )
    )
    within = (
        _missing(tables)
        .filter(pl.col("START_D").is_not_null())
        .join(periods, on=CHILD, how="inner")
        .filter(
            (pl.col("START_D") >= pl.col("PERIOD_START"))
            & (pl.col("PERIOD_END").is_null() | (pl.col("START_D") <= pl.col("PERIOD_END")))
        )[ROW]
    )
    frame = _missing(tables)
    mask = (
        pl.col("START_D").is_not_null()
        & pl.col(CHILD).is_in(periods[CHILD].unique().implode())
        & ~pl.col(ROW).is_in(within.implode())
    )
    return failing(frame, "missing", mask)


@BOOK.check
def missing_before_birth(tables: ReturnTables) -> pl.DataFrame:
    """586: MIS_START is after the child's date of birth."""
    frame = _missing(tables)
    return failing(frame, "missing", pl.col("START_D") <= pl.col("DOB_D"))


@BOOK.check
def missing_start_not_a_date(tables: ReturnTables) -> pl.DataFrame:
    """1004: MIS_START is given and is a valid date."""
    frame = _missing(tables)
    return failing(frame, "missing", pl.col("START_D").is_null())


@BOOK.check
def missing_end_not_a_date(tables: ReturnTables) -> pl.DataFrame:
    """1005: MIS_END, where given, is a valid date."""
    frame = _missing(tables)
    return failing(frame, "missing", pl.col("MIS_END").is_not_null() & pl.col("END_D").is_null())


@BOOK.check
def missing_type_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """1006: MISSING, where given, is M (missing) or A (away without authorisation)."""
    frame = _missing(tables)
    mask = pl.col("MISSING").is_not_null() & ~pl.col("MISSING").is_in(MISSING_TYPES)
    return failing(frame, "missing", mask)


@BOOK.check
def missing_when_care_ended_at_18_not_e8(tables: ReturnTables) -> pl.DataFrame:
    """580: where a child's missing period ended on their 18th birthday, the day an episode
    ceased, that episode's REC is E8 (they were missing when they ceased to be looked after)."""
    ended_at_18 = (
        _missing(tables)
        .filter(pl.col("END_D") == pl.col("DOB_D").dt.offset_by("18y"))
        .select(CHILD, "END_D")
    )
    frame = episodes(tables).join(ended_at_18, on=CHILD, how="inner")
    mask = (pl.col("DEC_D") == pl.col("END_D")) & pl.col("REC").ne_missing("E8")
    return failing(frame, "episodes", mask)
