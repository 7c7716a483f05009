"""SSDA903 rules on social worker episodes (the swepisodes table, from 2023/24): who the social
worker was (SW_ID), when each episode began and ended (SW_DECOM, SW_DEC) and why it changed
(SW_REASON). Codes carry the DfE's stage: STG1 rules need only this table, STG2 rules compare."""

from __future__ import annotations

from datetime import date

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, dates, failing, nothing
from . import BOOK
from .support import (
    SHORT_BREAKS,
    any_blank,
)
from .support_c import (
    episodes,
)

SW_COLUMNS = ("SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")


def _sw_episodes(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("swepisodes", *SW_COLUMNS).with_columns(
        dates("SW_DECOM").alias("SW_DECOM_D"), dates("SW_DEC").alias("SW_DEC_D")
    )


@BOOK.check
def looked_after_at_31_march_without_social_worker(tables: ReturnTables) -> pl.DataFrame:
    """SW01STG1: a child looked after at 31 March (an episode with no DEC, LS not V3 or V4)
    has a social worker episode with SW_ID and SW_DECOM; the open episode is reported."""
    if not tables.has("swepisodes"):
        return nothing()
    recorded = (
        _sw_episodes(tables)
        .filter(pl.col("SW_ID").is_not_null() & pl.col("SW_DECOM").is_not_null())[CHILD]
        .unique()
    )
    frame = episodes(tables)
    looked_after = pl.col("DEC").is_null() & (
        ~pl.col("LS").is_in(SHORT_BREAKS) | pl.col("LS").is_null()
    )
    return failing(frame, "episodes", looked_after & ~pl.col(CHILD).is_in(recorded.implode()))


@BOOK.check
def social_worker_id_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """SW02STG1: SW_ID, where given, begins SW or XX and has at least four characters (a blank
    SW_ID is SW03STG1's)."""
    frame = _sw_episodes(tables)
    given = pl.col("SW_ID").is_not_null()
    well_formed = pl.col("SW_ID").str.slice(0, 2).is_in(["SW", "XX"]) & (
        pl.col("SW_ID").str.len_chars() >= 4
    )
    return failing(frame, "swepisodes", given & ~well_formed)


# Social worker episodes were first collected for 2023/24: one that began before then needs
# only who and when; a later one also says why the social worker changed.
SW_COLLECTED_FROM = date(2023, 4, 1)


@BOOK.check
def social_worker_episode_before_collection_incomplete(tables: ReturnTables) -> pl.DataFrame:
    """SW01aSTG1: every social worker episode has SW_DECOM, and one that began before 1 April
    2023 has SW_ID (2024/25 split the former SW03STG1 into SW01a and SW01b)."""
    frame = _sw_episodes(tables)
    earlier = pl.col("SW_DECOM_D") < SW_COLLECTED_FROM
    mask = pl.col("SW_DECOM").is_null() | (earlier & pl.col("SW_ID").is_null())
    return failing(frame, "swepisodes", mask)


@BOOK.check
def social_worker_episode_since_collection_incomplete(tables: ReturnTables) -> pl.DataFrame:
    """SW01bSTG1: every social worker episode has SW_DECOM, and one that began on or after
    1 April 2023 has SW_ID and SW_REASON."""
    frame = _sw_episodes(tables)
    since = pl.col("SW_DECOM_D") >= SW_COLLECTED_FROM
    mask = pl.col("SW_DECOM").is_null() | (since & any_blank("SW_ID", "SW_REASON"))
    return failing(frame, "swepisodes", mask)


@BOOK.check
def social_worker_episode_start_not_a_date(tables: ReturnTables) -> pl.DataFrame:
    """SW04STG1: SW_DECOM is given and is a valid date."""
    frame = _sw_episodes(tables)
    return failing(frame, "swepisodes", pl.col("SW_DECOM_D").is_null())


@BOOK.check
def social_worker_episode_after_year(tables: ReturnTables) -> pl.DataFrame:
    """SW06STG2: SW_DECOM is not after the end of the collection year."""
    frame = _sw_episodes(tables)
    return failing(frame, "swepisodes", pl.col("SW_DECOM_D") > tables.year_end)


SW_REASONS = (
    "MANAGE",
    "FCONTA",
    "LEFTRL",
    "ORGRST",
    "TSPROC",
    "ABSENC",
    "CHCHAN",
    "PCCHAN",
    "SWDIED",
    "OTHERS",
)
FIRST_CONTACT = "FCONTA"


def _in_order(tables: ReturnTables) -> pl.DataFrame:
    """Social worker episodes by child and start, with the previous episode's end (PREV_DEC)
    and whether each is the child's latest."""
    frame = _sw_episodes(tables).sort([CHILD, "SW_DECOM_D", "SW_DEC_D"], nulls_last=True)
    same_child = (pl.col(CHILD) == pl.col(CHILD).shift(1)).fill_null(False)
    next_same_child = (pl.col(CHILD) == pl.col(CHILD).shift(-1)).fill_null(False)
    return frame.with_columns(
        pl.when(same_child).then(pl.col("SW_DEC_D").shift(1)).alias("PREV_DEC"),
        same_child.alias("HAS_PREVIOUS"),
        (~next_same_child).alias("LATEST"),
    )


@BOOK.check
def social_worker_episode_end_outside_reporting_period(tables: ReturnTables) -> pl.DataFrame:
    """SW07STG2: SW_DEC, where given, is on or after the start of the social worker reporting
    period (a year before the collection year began) and on or before the end of the year."""
    frame = _sw_episodes(tables)
    period_start = tables.year_start.replace(year=tables.year_start.year - 1)
    outside = (pl.col("SW_DEC_D") < period_start) | (pl.col("SW_DEC_D") > tables.year_end)
    return failing(frame, "swepisodes", outside)


@BOOK.check
def social_worker_episode_not_ended_before_next(tables: ReturnTables) -> pl.DataFrame:
    """SW08STG2: every social worker episode but a child's latest has an SW_DEC."""
    frame = _in_order(tables)
    mask = ~pl.col("LATEST") & pl.col("SW_DEC").is_null() & pl.col("SW_DECOM_D").is_not_null()
    return failing(frame, "swepisodes", mask)


@BOOK.check
def social_worker_episode_not_near_previous_end(tables: ReturnTables) -> pl.DataFrame:
    """SW10aSTG2: a new social worker episode other than first contact (SW_REASON not FCONTA)
    starts within 7 days either side of the previous episode's SW_DEC, where there is one."""
    frame = _in_order(tables)
    apart = (pl.col("SW_DECOM_D") - pl.col("PREV_DEC")).dt.total_days().abs() > 7
    mask = pl.col("SW_REASON").ne_missing(FIRST_CONTACT) & apart
    return failing(frame, "swepisodes", mask)


@BOOK.check
def first_contact_before_previous_episode_ended(tables: ReturnTables) -> pl.DataFrame:
    """SW10bSTG2: a social worker episode with SW_REASON FCONTA (first contact) starts after
    the previous episode's SW_DEC."""
    frame = _in_order(tables)
    mask = (pl.col("SW_REASON") == FIRST_CONTACT) & (pl.col("SW_DECOM_D") <= pl.col("PREV_DEC"))
    return failing(frame, "swepisodes", mask)


@BOOK.check
def social_worker_change_reason_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """SW13STG1: SW_REASON is one of the reasons for a change of social worker; it may be
    blank only on the child's first episode of the year (the one open on 1 April, or else the
    first to begin in the year)."""
    frame = _sw_episodes(tables).sort([CHILD, "SW_DECOM_D"], nulls_last=True)
    start = tables.year_start
    open_at_start = (pl.col("SW_DECOM_D") < start) & (
        pl.col("SW_DEC_D").is_null() | (pl.col("SW_DEC_D") >= start)
    )
    began_in_year = pl.col("SW_DECOM_D") >= start
    last_open = (
        frame.filter(pl.col("SW_DECOM_D") < start)
        .group_by(CHILD)
        .agg(pl.all().sort_by("SW_DECOM_D").last())
    )
    candidates = pl.concat(
        [
            last_open.filter(open_at_start).select(CHILD, "SW_DECOM_D", ROW),
            frame.filter(began_in_year).select(CHILD, "SW_DECOM_D", ROW),
        ]
    )
    first_rows = candidates.sort("SW_DECOM_D").group_by(CHILD).agg(pl.col(ROW).first())[ROW]
    not_valid = ~pl.col("SW_REASON").is_in(SW_REASONS).fill_null(False)
    blank_allowed = pl.col("SW_REASON").is_null() & pl.col(ROW).is_in(first_rows.implode())
    return failing(frame, "swepisodes", not_valid & ~blank_allowed)


@BOOK.check
def social_worker_episode_ended_with_none_after(tables: ReturnTables) -> pl.DataFrame:
    """SW11STG2: a social worker episode that ended before 31 March is followed by another of
    the child's social worker episodes."""
    frame = _in_order(tables)
    mask = (pl.col("SW_DEC_D") < tables.year_end) & pl.col("LATEST")
    return failing(frame, "swepisodes", mask)


@BOOK.check
def social_worker_episode_ends_before_it_starts(tables: ReturnTables) -> pl.DataFrame:
    """SW18STG2: SW_DEC, where given, is after SW_DECOM."""
    frame = _sw_episodes(tables)
    return failing(frame, "swepisodes", pl.col("SW_DEC_D") <= pl.col("SW_DECOM_D"))


@BOOK.check
def social_worker_episodes_start_same_day(tables: ReturnTables) -> pl.DataFrame:
    """SW19STG2: a child's social worker episodes start on different dates; each after the
    first starting on a date is reported."""
    frame = _sw_episodes(tables).sort(ROW)
    repeated = pl.int_range(pl.len()).over(CHILD, "SW_DECOM") > 0
    return failing(frame, "swepisodes", pl.col("SW_DECOM").is_not_null() & repeated)


def _first_against_last_years_open(tables: ReturnTables, column: str) -> pl.DataFrame:
    """SW16b/c: where last year's return ended with the child's social worker episode open (no
    SW_DEC), this year's first social worker episode has the same `column`."""
    if not tables.has_previous("swepisodes"):
        return nothing()
    last = (
        tables.last_year("swepisodes", *SW_COLUMNS)
        .with_columns(dates("SW_DECOM").alias("SW_DECOM_D"))
        .group_by(CHILD)
        .agg(pl.all().sort_by("SW_DECOM_D").last())
        .filter(pl.col("SW_DEC").is_null())
        .select(CHILD, pl.col(column).alias("LAST_VALUE"))
    )
    first = _in_order(tables).filter(~pl.col("HAS_PREVIOUS"))
    frame = first.join(last, on=CHILD, how="inner")
    if column == "SW_DECOM":
        differs = pl.col("SW_DECOM_D").ne_missing(dates("LAST_VALUE"))
    else:
        differs = pl.col(column).ne_missing(pl.col("LAST_VALUE"))
    return failing(frame, "swepisodes", differs)


@BOOK.check
def first_social_worker_episode_start_differs(tables: ReturnTables) -> pl.DataFrame:
    """SW16bSTG2: this year's first social worker episode starts when last year's open one
    did."""
    return _first_against_last_years_open(tables, "SW_DECOM")


@BOOK.check
def first_social_worker_episode_reason_differs(tables: ReturnTables) -> pl.DataFrame:
    """SW16cSTG2: this year's first social worker episode has the SW_REASON of last year's
    open one."""
    return _first_against_last_years_open(tables, "SW_REASON")
