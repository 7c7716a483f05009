"""Rules 100-299 on the episodes table: its dates and codes, and how a child's episodes follow
one another."""

from __future__ import annotations

from datetime import date

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, dates, failing
from . import BOOK
from .support import (
    SHORT_BREAKS,
    TEMPORARY_PLACEMENTS,
    any_given,
    blank,
    day,
    given,
    years_after,
)
from .support_a import (
    code_not_in,
    codes,
    episodes_in_order,
    not_a_date,
)

# Placements with no placement provider: temporary placements and the "other placement"
# codes. The DfE's 2025/26 condition for 178 names T0-T3 and Z11-Z14; 213 names T0-T4 and
# Z11-Z14. Z1, withdrawn in 2025/26, counts with its successors for older episodes.
NO_PROVIDER_178 = ("T0", "T1", "T2", "T3", "Z1", "Z11", "Z12", "Z13", "Z14")
NO_PROVIDER_213 = (*TEMPORARY_PLACEMENTS, "Z1", "Z11", "Z12", "Z13", "Z14")
# Placements that Ofsted does not register, so have no URN (222, 2024/25 onwards; Z1 counts
# with its 2025/26 successors Z11-Z14 for older episodes).
NO_URN = ("P1", "P3", "R1", "R2", "R5", *TEMPORARY_PLACEMENTS, "Z1", "Z11", "Z12", "Z13", "Z14")
# The DfE's URN for a placement whose URN is not known: only for adoption and foster
# placements arranged through a regional adoption agency (242).
URN_NOT_KNOWN = "XXXXXXX"
ADOPTED = ("E11", "E12")
URN_NOT_KNOWN_PLACEMENTS = ("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")
CONTINUING_RNE = ("P", "B", "T", "U")


@BOOK.check
def episode_start_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """141: DECOM, when given, is a real date."""
    return failing(tables.table("episodes", "DECOM"), "episodes", not_a_date("DECOM"))


@BOOK.check
def previous_episode_not_ended(tables: ReturnTables) -> pl.DataFrame:
    """142: every episode but a child's latest has DEC and REC."""
    episodes = episodes_in_order(tables)
    open_before_another = (
        ~pl.col("is_last") & pl.col("start").is_not_null() & (blank("DEC") | blank("REC"))
    )
    return failing(episodes, "episodes", open_before_another)


@BOOK.check
def reason_for_new_episode_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """143: RNE, when given, is a valid code."""
    episodes = tables.table("episodes", "RNE")
    return failing(episodes, "episodes", code_not_in("RNE", codes(tables, "RNE")))


@BOOK.check
def legal_status_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """144: LS, when given, is a valid code."""
    episodes = tables.table("episodes", "LS")
    return failing(episodes, "episodes", code_not_in("LS", codes(tables, "LS")))


@BOOK.check
def category_of_need_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """145: CIN, when given, is a valid code."""
    episodes = tables.table("episodes", "CIN")
    return failing(episodes, "episodes", code_not_in("CIN", codes(tables, "CIN")))


@BOOK.check
def placement_type_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """146: PLACE, when given, is valid in the collection year (2025/26 withdrew H5, P2 and Z1
    and added Z11-Z14)."""
    episodes = tables.table("episodes", "PLACE")
    return failing(episodes, "episodes", code_not_in("PLACE", codes(tables, "PLACE")))


@BOOK.check
def episode_end_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """147: DEC, when given, is a real date."""
    return failing(tables.table("episodes", "DEC"), "episodes", not_a_date("DEC"))


@BOOK.check
def end_date_and_reason_not_both_given(tables: ReturnTables) -> pl.DataFrame:
    """148: DEC and REC are both given or both blank."""
    episodes = tables.table("episodes", "DEC", "REC")
    return failing(episodes, "episodes", given("DEC") != given("REC"))


@BOOK.check
def reason_episode_ceased_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """149: REC, when given, is a valid code."""
    episodes = tables.table("episodes", "REC")
    return failing(episodes, "episodes", code_not_in("REC", codes(tables, "REC")))


@BOOK.check
def placement_provider_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """178: PLACE_PROVIDER, when given, is a valid code, and is not given for a placement
    that has no provider (2025/26: T0-T3, Z11-Z14)."""
    episodes = tables.table("episodes", "PLACE", "PLACE_PROVIDER")
    wrong = code_not_in("PLACE_PROVIDER", codes(tables, "PLACE_PROVIDER")) | (
        given("PLACE_PROVIDER") & pl.col("PLACE").is_in(NO_PROVIDER_178)
    )
    return failing(episodes, "episodes", wrong)


@BOOK.check
def placement_provider_not_required(tables: ReturnTables) -> pl.DataFrame:
    """213: no PLACE_PROVIDER for a temporary placement (T0-T4) or an other placement
    (Z11-Z14, formerly Z1)."""
    episodes = tables.table("episodes", "PLACE", "PLACE_PROVIDER")
    not_required = pl.col("PLACE").is_in(NO_PROVIDER_213) & given("PLACE_PROVIDER")
    return failing(episodes, "episodes", not_required)


@BOOK.check
def placement_location_not_required(tables: ReturnTables) -> pl.DataFrame:
    """214: no PL_POST or URN for an episode of short breaks (LS V3 or V4)."""
    episodes = tables.table("episodes", "LS", "PL_POST", "URN")
    short_break = pl.col("LS").is_in(SHORT_BREAKS) & any_given("PL_POST", "URN")
    return failing(episodes, "episodes", short_break)


@BOOK.check
def adoption_with_foster_carers_wrong_reason(tables: ReturnTables) -> pl.DataFrame:
    """217: an episode from 1 April 2015 placed for adoption with current foster carers (A3,
    A5) has RNE S, T or U."""
    episodes = tables.table("episodes", "PLACE", "DECOM", "RNE")
    wrong = (
        pl.col("PLACE").is_in(("A3", "A5"))
        & (dates("DECOM") >= day(date(2015, 4, 1)))
        & ~pl.col("RNE").is_in(("S", "T", "U")).fill_null(False)
    )
    return failing(episodes, "episodes", wrong)


@BOOK.check
def urn_for_unregistered_placement(tables: ReturnTables) -> pl.DataFrame:
    """222: no URN (other than XXXXXXX, not known) for a placement Ofsted does not register
    (2024/25 onwards: P1, P3, R1, R2, R5, T0-T4 and the other placements Z1/Z11-Z14)."""
    episodes = tables.table("episodes", "PLACE", "URN")
    wrong = pl.col("PLACE").is_in(NO_URN) & given("URN") & (pl.col("URN") != URN_NOT_KNOWN)
    return failing(episodes, "episodes", wrong)


@BOOK.check
def reason_for_placement_change_missing(tables: ReturnTables) -> pl.DataFrame:
    """225: an episode ending X1 and followed by a change of placement (next RNE P, B, T or
    U), neither being a temporary placement, has a REASON_PLACE_CHANGE."""
    episodes = episodes_in_order(tables)
    missing = (
        (pl.col("REC") == "X1")
        & blank("REASON_PLACE_CHANGE")
        & ~pl.col("PLACE").is_in(TEMPORARY_PLACEMENTS).fill_null(False)
        & pl.col("RNE_NEXT").is_in(CONTINUING_RNE)
        & ~pl.col("PLACE_NEXT").is_in(TEMPORARY_PLACEMENTS).fill_null(False)
    )
    return failing(episodes, "episodes", missing)


@BOOK.check
def reason_for_placement_change_not_required(tables: ReturnTables) -> pl.DataFrame:
    """226: a temporary placement (T0-T4), and the episode before it, has no
    REASON_PLACE_CHANGE."""
    episodes = episodes_in_order(tables)
    not_required = pl.col("PLACE").is_in(TEMPORARY_PLACEMENTS) & (
        given("REASON_PLACE_CHANGE") | given("REASON_PLACE_CHANGE_PREV")
    )
    return failing(episodes, "episodes", not_required)


@BOOK.check
def reason_for_placement_change_while_open(tables: ReturnTables) -> pl.DataFrame:
    """233: an episode that has not ceased (no DEC) has no REASON_PLACE_CHANGE."""
    episodes = tables.table("episodes", "DEC", "REASON_PLACE_CHANGE")
    return failing(episodes, "episodes", blank("DEC") & given("REASON_PLACE_CHANGE"))


@BOOK.check
def custody_under_10(tables: ReturnTables) -> pl.DataFrame:
    """234: when an episode begins before the child's 10th birthday, the episode before it
    does not end with REASON_PLACE_CHANGE CUSTOD; that earlier episode fails."""
    episodes = episodes_in_order(tables)
    born = tables.table("header", "DOB").select(CHILD, dates("DOB").alias("born"))
    both = episodes.join(born.unique(CHILD, keep="first"), on=CHILD, how="inner")
    under_10 = pl.col("start_NEXT") < years_after(pl.col("born"), 10)
    return failing(both, "episodes", (pl.col("REASON_PLACE_CHANGE") == "CUSTOD") & under_10)


@BOOK.check
def urn_not_known_outside_adoption_agencies(tables: ReturnTables) -> pl.DataFrame:
    """242: URN XXXXXXX (not known) only for placements A3-A6 and U1-U6 (regional adoption
    agencies)."""
    episodes = tables.table("episodes", "URN", "PLACE")
    wrong = (pl.col("URN") == URN_NOT_KNOWN) & ~pl.col("PLACE").is_in(
        URN_NOT_KNOWN_PLACEMENTS
    ).fill_null(False)
    return failing(episodes, "episodes", wrong)


@BOOK.check
def episode_after_adoption(tables: ReturnTables) -> pl.DataFrame:
    """199: no episode follows one that ended in adoption (REC E11, E12), this year's or
    last year's (when the upload holds last year's episodes)."""
    columns = ("DECOM", "REC")
    this_year = tables.table("episodes", *columns).select(ROW, CHILD, *columns)
    last_year = (
        tables.last_year("episodes", *columns)
        .select(CHILD, *columns)
        .join(this_year, on=[CHILD, "DECOM"], how="anti")  # an episode in both is this year's
        .with_columns(pl.lit(None, dtype=pl.Int64).alias(ROW))
        .select(ROW, CHILD, *columns)
    )
    adopted = pl.col("REC").is_in(ADOPTED).fill_null(False)
    both = (
        pl.concat([this_year, last_year])
        .with_columns(dates("DECOM").alias("start"))
        .filter(pl.col("start").is_not_null())
        .sort(CHILD, "start")
        .with_columns(adopted.cast(pl.Int64).cum_sum().over(CHILD).alias("adoptions"))
    )
    # Every episode once the child has been adopted, but the adoption itself (the first).
    after = (pl.col("adoptions") > 0) & ~(adopted & (pl.col("adoptions") == 1))
    return failing(both.filter(pl.col(ROW).is_not_null()), "episodes", after)
