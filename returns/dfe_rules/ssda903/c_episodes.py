"""SSDA903 rules 500 and above on the episodes table: the order of a child's episodes, placement
providers against placement types, and this year's first episode against last year's last."""

from __future__ import annotations

import polars as pl

from ...derive_903 import codes_for_year
from ..engine import CHILD, ReturnTables, failing, nothing
from . import BOOK
from .support_c import (
    episodes,
    last_year_episodes,
)

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
# Placements with no provider: temporary placements and "other placements" (Z1 until 2024/25,
# split into Z11 to Z14 from 2025/26).
OTHER_PLACEMENTS_FROM_2026 = ("Z11", "Z12", "Z13", "Z14")
NO_PROVIDER = (*TEMPORARY, "Z1", *OTHER_PLACEMENTS_FROM_2026)


@BOOK.check
def episode_starts_before_previous_ended(tables: ReturnTables) -> pl.DataFrame:
    """501: a child's episode must not start before the end date of their previous episode."""
    frame = episodes(tables)
    return failing(frame, "episodes", pl.col("DECOM_D") < pl.col("PREV_DEC_D"))


def _first_this_year_against_last_years_last(tables: ReturnTables) -> pl.DataFrame:
    """Each child's first episode this year beside last year's last episode (suffix _LAST)."""
    last = last_year_episodes(tables).filter(pl.col("LAST"))
    first = episodes(tables).filter(pl.col("FIRST"))
    return first.join(last, on=CHILD, how="inner", suffix="_LAST")


@BOOK.check
def first_episode_does_not_match_open_episode(tables: ReturnTables) -> pl.DataFrame:
    """502: where last year's return ended with an open episode, this year's first episode
    starts on the day that episode started."""
    if not tables.has_previous("episodes"):
        return nothing()
    frame = _first_this_year_against_last_years_last(tables)
    open_last_year = pl.col("DEC_LAST").is_null()
    return failing(
        frame, "episodes", open_last_year & pl.col("DECOM_D").ne_missing(pl.col("DECOM_D_LAST"))
    )


def _carried_over_field_differs(tables: ReturnTables, column: str) -> pl.DataFrame:
    """503A-F: where last year's final episode was open (no DEC), this year's first episode
    has the same `column` (a blank against a code counts as different)."""
    if not tables.has_previous("episodes"):
        return nothing()
    frame = _first_this_year_against_last_years_last(tables)
    open_last_year = pl.col("DEC_LAST").is_null()
    differs = pl.col(column).ne_missing(pl.col(f"{column}_LAST"))
    if column == "PLACE":
        # 2025/26 split "other placements" Z1 into Z11 to Z14: a child in Z1 at the end of
        # last year may now be in any of them.
        differs = differs & ~(
            (pl.col("PLACE_LAST") == "Z1") & pl.col("PLACE").is_in(OTHER_PLACEMENTS_FROM_2026)
        )
    return failing(frame, "episodes", open_last_year & differs)


@BOOK.check
def carried_over_reason_for_new_episode_differs(tables: ReturnTables) -> pl.DataFrame:
    """503A: the first episode's RNE matches the open episode at the end of last year."""
    return _carried_over_field_differs(tables, "RNE")


@BOOK.check
def carried_over_legal_status_differs(tables: ReturnTables) -> pl.DataFrame:
    """503B: the first episode's LS matches the open episode at the end of last year."""
    return _carried_over_field_differs(tables, "LS")


@BOOK.check
def carried_over_category_of_need_differs(tables: ReturnTables) -> pl.DataFrame:
    """503C: the first episode's CIN matches the open episode at the end of last year."""
    return _carried_over_field_differs(tables, "CIN")


@BOOK.check
def carried_over_placement_type_differs(tables: ReturnTables) -> pl.DataFrame:
    """503D: the first episode's PLACE matches the open episode at the end of last year (from
    2025/26 a Z1 placement may continue as Z11 to Z14)."""
    return _carried_over_field_differs(tables, "PLACE")


@BOOK.check
def carried_over_placement_provider_differs(tables: ReturnTables) -> pl.DataFrame:
    """503E: the first episode's PLACE_PROVIDER matches the open episode at the end of last
    year."""
    return _carried_over_field_differs(tables, "PLACE_PROVIDER")


@BOOK.check
def carried_over_urn_differs(tables: ReturnTables) -> pl.DataFrame:
    """503F: the first episode's URN matches the open episode at the end of last year."""
    return _carried_over_field_differs(tables, "URN")


@BOOK.check
def category_of_need_changed_within_period(tables: ReturnTables) -> pl.DataFrame:
    """504: an episode's CIN is the one recorded at the start of its period of care (the DfE
    compares with the period's first episode, not only with the one before)."""
    frame = episodes(tables)
    first_cin = pl.col("CIN").first().over("PERIOD")
    return failing(frame, "episodes", pl.col("CIN").ne_missing(first_cin))


@BOOK.check
def special_guardianship_with_former_foster_carer_not_in_foster_placement(
    tables: ReturnTables,
) -> pl.DataFrame:
    """516: an episode ending E45 or E46 (special guardianship to former foster carers) has a
    foster placement, U1 to U6."""
    frame = tables.table("episodes", "REC", "PLACE")
    foster = ("U1", "U2", "U3", "U4", "U5", "U6")
    mask = pl.col("REC").is_in(["E45", "E46"]) & ~pl.col("PLACE").is_in(foster).fill_null(False)
    return failing(frame, "episodes", mask)


@BOOK.check
def placement_provider_missing(tables: ReturnTables) -> pl.DataFrame:
    """526: PLACE_PROVIDER is given for every placement other than temporary and "other"
    placements (T0-T4, Z1; Z11-Z14 from 2025/26, which replace Z1)."""
    frame = tables.table("episodes", "PLACE", "PLACE_PROVIDER")
    mask = pl.col("PLACE").is_not_null() & ~pl.col("PLACE").is_in(NO_PROVIDER)
    return failing(frame, "episodes", mask & pl.col("PLACE_PROVIDER").is_null())


def _provider_cannot_run(
    tables: ReturnTables, provider: str, places: tuple[str, ...]
) -> pl.DataFrame:
    frame = tables.table("episodes", "PLACE", "PLACE_PROVIDER")
    mask = (pl.col("PLACE_PROVIDER") == provider) & pl.col("PLACE").is_in(places)
    return failing(frame, "episodes", mask)


@BOOK.check
def own_provision_with_parents_or_custody(tables: ReturnTables) -> pl.DataFrame:
    """527: provider PR1 (own provision) is not recorded with placements P1, R2 or R5."""
    return _provider_cannot_run(tables, "PR1", ("P1", "R2", "R5"))


@BOOK.check
def other_la_provision_with_parents_or_custody(tables: ReturnTables) -> pl.DataFrame:
    """528: provider PR2 (another LA) is not recorded with placements P1, R2 or R5."""
    return _provider_cannot_run(tables, "PR2", ("P1", "R2", "R5"))


@BOOK.check
def other_public_provision_with_family_placement(tables: ReturnTables) -> pl.DataFrame:
    """529: provider PR3 (other public provision) is not recorded with P1, A3-A6, K1, K2 or
    U1-U6."""
    places = ("A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6")
    return _provider_cannot_run(tables, "PR3", places)


@BOOK.check
def private_provision_with_parents(tables: ReturnTables) -> pl.DataFrame:
    """530: provider PR4 (private provision) is not recorded with placement P1."""
    return _provider_cannot_run(tables, "PR4", ("P1",))


@BOOK.check
def voluntary_provision_with_parents(tables: ReturnTables) -> pl.DataFrame:
    """531: provider PR5 (voluntary provision) is not recorded with placement P1."""
    return _provider_cannot_run(tables, "PR5", ("P1",))


@BOOK.check
def parents_provider_with_other_placement(tables: ReturnTables) -> pl.DataFrame:
    """550: provider PR0 (parents or person with parental responsibility) only with P1."""
    frame = tables.table("episodes", "PLACE", "PLACE_PROVIDER")
    mask = (pl.col("PLACE_PROVIDER") == "PR0") & pl.col("PLACE").ne_missing("P1")
    return failing(frame, "episodes", mask)


@BOOK.check
def continuing_episode_missing_from_last_year(tables: ReturnTables) -> pl.DataFrame:
    """562: a child's first episode starting before this year is the last episode of last
    year's return (same start date)."""
    if not tables.has_previous("episodes"):
        return nothing()
    first = episodes(tables).filter(pl.col("FIRST") & (pl.col("DECOM_D") < tables.year_start))
    last = last_year_episodes(tables).filter(pl.col("LAST")).select(CHILD, "DECOM_D")
    frame = first.join(last, on=CHILD, how="left", suffix="_LAST")
    return failing(frame, "episodes", pl.col("DECOM_D").ne_missing(pl.col("DECOM_D_LAST")))


@BOOK.check
def reason_for_placement_change_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """1009: REASON_PLACE_CHANGE, where given, is one of the year's codes."""
    frame = tables.table("episodes", "REASON_PLACE_CHANGE")
    valid = sorted(codes_for_year(tables.collection_year)["REASON_PLACE_CHANGE"])
    mask = pl.col("REASON_PLACE_CHANGE").is_not_null() & ~pl.col("REASON_PLACE_CHANGE").is_in(valid)
    return failing(frame, "episodes", mask)
