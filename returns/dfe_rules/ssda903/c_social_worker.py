"""SSDA903 rules on social worker episodes (the swepisodes table, from 2023/24): who the social
worker was (SW_ID), when each episode began and ended (SW_DECOM, SW_DEC) and why it changed
(SW_REASON). Codes carry the DfE's stage: STG1 rules need only this table, STG2 rules compare."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, dates, failing, nothing
from . import BOOK
from .support_c import RESPITE, any_blank, episodes

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
    looked_after = pl.col("DEC").is_null() & (~pl.col("LS").is_in(RESPITE) | pl.col("LS").is_null())
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


@BOOK.check
def social_worker_episode_incomplete(tables: ReturnTables) -> pl.DataFrame:
    """SW03STG1: each social worker episode has SW_ID, SW_DECOM and SW_REASON."""
    frame = _sw_episodes(tables)
    return failing(frame, "swepisodes", any_blank("SW_ID", "SW_DECOM", "SW_REASON"))


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
