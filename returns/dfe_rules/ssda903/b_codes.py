"""SSDA903 rules 300-499 on codes that contradict each other: within an episode, between an
episode and the child's header, and in the adoption (AD1), care leaver (OC3) and review
tables."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing, nothing
from . import BOOK
from .support import (
    FEMALE,
    SHORT_BREAKS,
    years_after,
)
from .support_b import (
    episodes,
    header,
)

PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")

# --- within an episode ------------------------------------------------------------------------


@BOOK.check
def placed_with_parents_under_single_section_20(tables: ReturnTables) -> pl.DataFrame:
    """378: a child placed with parents (PLACE P1) cannot be under a single period of
    section 20 accommodation (LS V2)."""
    mask = (pl.col("PLACE") == "P1") & (pl.col("LS") == "V2")
    return failing(episodes(tables), "episodes", mask)


@BOOK.check
def respite_in_long_term_foster_placement(tables: ReturnTables) -> pl.DataFrame:
    """384: a child on a short break (LS V3 or V4) cannot be in a long-term foster placement
    (PLACE U1 or U4)."""
    mask = pl.col("LS").is_in(SHORT_BREAKS) & pl.col("PLACE").is_in(["U1", "U4"])
    return failing(episodes(tables), "episodes", mask)


@BOOK.check
def adopted_without_adoption_placement(tables: ReturnTables) -> pl.DataFrame:
    """390: an episode ending in adoption (REC E11 or E12) must be a placement for adoption
    (PLACE A3, A4, A5 or A6)."""
    elsewhere = ~pl.col("PLACE").is_in(PLACED_FOR_ADOPTION).fill_null(False)
    return failing(episodes(tables), "episodes", pl.col("REC").is_in(["E11", "E12"]) & elsewhere)


@BOOK.check
def respite_with_postcodes(tables: ReturnTables) -> pl.DataFrame:
    """398: an episode under LS V3 or V4 must not give HOME_POST or PL_POST (no distance is
    reported for short breaks)."""
    given = pl.col("HOME_POST").is_not_null() | pl.col("PL_POST").is_not_null()
    return failing(episodes(tables), "episodes", pl.col("LS").is_in(SHORT_BREAKS) & given)


@BOOK.check
def placement_order_placement_without_order(tables: ReturnTables) -> pl.DataFrame:
    """408: a placement for adoption with a placement order (PLACE A5 or A6) needs LS E1."""
    mask = pl.col("PLACE").is_in(["A5", "A6"]) & pl.col("LS").ne_missing("E1")
    return failing(episodes(tables), "episodes", mask)


@BOOK.check
def still_freed_for_adoption(tables: ReturnTables) -> pl.DataFrame:
    """451: an open episode (no DEC, no REC) must not be under a freeing order (LS D1)."""
    mask = (pl.col("LS") == "D1") & pl.col("DEC").is_null() & pl.col("REC").is_null()
    return failing(episodes(tables), "episodes", mask)


# --- episodes against the header -----------------------------------------------------------


def _looked_after_children(tables: ReturnTables) -> pl.DataFrame:
    """Children with an episode under a legal status other than a short break (V3, V4)."""
    return (
        episodes(tables)
        .filter(~pl.col("LS").is_in(SHORT_BREAKS).fill_null(False))
        .select(CHILD)
        .unique()
    )


@BOOK.check
def mother_not_given(tables: ReturnTables) -> pl.DataFrame:
    """393: a girl (SEX F) looked after other than on short breaks must have MOTHER
    completed. The former coding 2 is not read as a girl: rule 101 reports it."""
    girl = pl.col("SEX").is_in(FEMALE)
    girls = header(tables).filter(girl & pl.col("MOTHER").is_null())
    return failing(girls.join(_looked_after_children(tables), on=CHILD, how="semi"), "header")


@BOOK.check
def upn_not_given(tables: ReturnTables) -> pl.DataFrame:
    """442: a child with any episode under a legal status other than V3 or V4 must have a
    UPN (or an unknown-UPN code); the episodes and the header row are reported."""
    missing = header(tables).filter(pl.col("UPN").is_null())
    with_upn = header(tables).filter(pl.col("UPN").is_not_null()).select(CHILD)
    looked_after = episodes(tables).filter(~pl.col("LS").is_in(SHORT_BREAKS).fill_null(False))
    # A child with no header row has no UPN either.
    failed = looked_after.join(with_upn, on=CHILD, how="anti")
    rows = missing.join(failed.select(CHILD).unique(), on=CHILD, how="semi")
    return combined(failing(failed, "episodes"), failing(rows, "header"))


@BOOK.check
def respite_only_with_mother_or_reviews(tables: ReturnTables) -> pl.DataFrame:
    """399: a child whose every episode is a short break (LS V3 or V4) must not have MOTHER,
    REVIEW or REVIEW_CODE completed; episodes, header and review rows are reported."""
    all_breaks = (
        episodes(tables)
        .group_by(CHILD)
        .agg(pl.col("LS").is_in(SHORT_BREAKS).fill_null(False).all().alias("_ALL"))
        .filter(pl.col("_ALL"))
        .select(CHILD)
    )
    mothers = header(tables).filter(pl.col("MOTHER").is_not_null())
    reviews = tables.table("reviews", "REVIEW", "REVIEW_CODE").filter(
        pl.col("REVIEW").is_not_null() | pl.col("REVIEW_CODE").is_not_null()
    )
    children = (
        pl.concat([mothers.select(CHILD), reviews.select(CHILD)])
        .unique()
        .join(all_breaks, on=CHILD, how="semi")
    )
    return combined(
        failing(episodes(tables).join(children, on=CHILD, how="semi"), "episodes"),
        failing(mothers.join(children, on=CHILD, how="semi"), "header"),
        failing(reviews.join(children, on=CHILD, how="semi"), "reviews"),
    )


@BOOK.check
def no_postcodes_recorded(tables: ReturnTables) -> pl.DataFrame:
    """392B: an episode under a legal status other than V3 or V4 must give both HOME_POST
    and PL_POST, unless the child is or was an unaccompanied asylum-seeking child (in this
    or last year's UASC table, or a header UASC flag of 1), whose home postcode is unknown."""
    children = [
        frame.select(CHILD)
        for frame in (
            tables.table("uasc"),
            tables.last_year("uasc"),
            tables.table("header", "UASC").filter(pl.col("UASC") == "1"),
            tables.last_year("header", "UASC").filter(pl.col("UASC") == "1"),
        )
    ]
    asylum_seekers = pl.concat(children).unique()
    missing = pl.col("HOME_POST").is_null() | pl.col("PL_POST").is_null()
    looked_after = ~pl.col("LS").is_in(SHORT_BREAKS).fill_null(False)
    rows = episodes(tables).join(asylum_seekers, on=CHILD, how="anti")
    return failing(rows, "episodes", looked_after & missing)


@BOOK.check
def uasc_ceased_but_not_uasc(tables: ReturnTables) -> pl.DataFrame:
    """303: where the date UASC status ceased (DUC) is given, the header's UASC flag must be
    1. Only checked when the header has a UASC column (the CSV header has had none since the
    UASC table replaced it; some XML returns still carry it)."""
    if "UASC" not in tables.table("header").columns:
        return nothing()
    ceased = tables.table("uasc", "DUC").filter(pl.col("DUC").is_not_null())
    flags = tables.table("header", "UASC").select(CHILD, ROW, "UASC")
    joined = ceased.join(flags, on=CHILD, how="inner", suffix="_HEADER")
    failed = joined.filter(pl.col("UASC").ne_missing("1"))
    header_rows = failed.select(CHILD, pl.col(f"{ROW}_HEADER").alias(ROW))
    return combined(failing(failed, "uasc"), failing(header_rows, "header"))


# --- adoption, care leavers and reviews ---------------------------------------------------


def _adoptions(tables: ReturnTables) -> pl.DataFrame:
    """Episodes that ended in adoption (REC E11 or E12), each with its child's AD1 row
    (columns of AD1 suffixed ``_AD1``, its row number ``_row_AD1``)."""
    ad1 = tables.table("ad1", "DATE_MATCH", "FOSTER_CARE").with_columns(
        dates("DATE_MATCH").alias("_MATCH")
    )
    adopted = episodes(tables).filter(pl.col("REC").is_in(["E11", "E12"]))
    return adopted.join(ad1, on=CHILD, how="inner", suffix="_AD1")


def _both(joined: pl.DataFrame, mask: pl.Expr, other: str) -> pl.DataFrame:
    """The failing episodes of a join with another table, and that table's failing rows."""
    failed = joined.filter(mask)
    theirs = failed.select(CHILD, pl.col(f"{ROW}_{other.upper()}").alias(ROW))
    return combined(failing(failed, "episodes"), failing(theirs, other))


@BOOK.check
def matched_after_placed_for_adoption(tables: ReturnTables) -> pl.DataFrame:
    """331: DATE_MATCH must be on or before the DECOM of an episode ending in adoption
    (REC E11 or E12); the episode and the AD1 row are reported."""
    return _both(_adoptions(tables), pl.col("_MATCH") > pl.col("DECOM_D"), "ad1")


@BOOK.check
def foster_carer_flag_contradicts_placement(tables: ReturnTables) -> pl.DataFrame:
    """335: for an episode ending in adoption (REC E11 or E12), FOSTER_CARE 0 (not adopted
    by the current foster carer) contradicts a placement with the current foster carer (A3,
    A5) and FOSTER_CARE 1 contradicts a placement with other adopters (A4, A6). The DfE's
    message still names the placement codes A1 and A2 withdrawn in 2013; the check uses the
    codes of today."""
    foster = pl.col("FOSTER_CARE")
    mask = (pl.col("PLACE").is_in(["A3", "A5"]) & (foster == "0")) | (
        pl.col("PLACE").is_in(["A4", "A6"]) & (foster == "1")
    )
    return _both(_adoptions(tables), mask, "ad1")


@BOOK.check
def should_be_placed_before_latest_period(tables: ReturnTables) -> pl.DataFrame:
    """334: DATE_INT must not be before the DECOM of the child's latest episode with RNE S
    (the start of the latest period of care); the episode and the AD1 row are reported."""
    latest_start = (
        episodes(tables)
        .filter((pl.col("RNE") == "S") & pl.col("DECOM_D").is_not_null())
        .sort("DECOM_D", ROW)
        .unique(CHILD, keep="last")
    )
    ad1 = tables.table("ad1", "DATE_INT").with_columns(dates("DATE_INT").alias("_INT"))
    joined = latest_start.join(ad1, on=CHILD, how="inner", suffix="_AD1")
    return _both(joined, pl.col("_INT") < pl.col("DECOM_D"), "ad1")


@BOOK.check
def should_be_placed_after_matching(tables: ReturnTables) -> pl.DataFrame:
    """333: where DATE_MATCH is given, DATE_INT must be given and be on or before it."""
    ad1 = tables.table("ad1", "DATE_INT", "DATE_MATCH").with_columns(
        dates("DATE_INT").alias("_INT"), dates("DATE_MATCH").alias("_MATCH")
    )
    matched = pl.col("DATE_MATCH").is_not_null()
    wrong = pl.col("DATE_INT").is_null() | (pl.col("_INT") > pl.col("_MATCH"))
    return failing(ad1, "ad1", matched & wrong)


def _care_leavers(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("oc3", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")


@BOOK.check
def died_or_home_with_activity(tables: ReturnTables) -> pl.DataFrame:
    """344: where IN_TOUCH is DIED or RHOM, ACTIV and ACCOM must not be completed."""
    given = pl.col("ACTIV").is_not_null() | pl.col("ACCOM").is_not_null()
    mask = pl.col("IN_TOUCH").is_in(["DIED", "RHOM"]) & given
    return failing(_care_leavers(tables), "oc3", mask)


@BOOK.check
def in_touch_without_activity(tables: ReturnTables) -> pl.DataFrame:
    """345: where IN_TOUCH is YES, ACTIV and ACCOM must both be completed."""
    missing = pl.col("ACTIV").is_null() | pl.col("ACCOM").is_null()
    return failing(_care_leavers(tables), "oc3", (pl.col("IN_TOUCH") == "YES") & missing)


@BOOK.check
def foyer_under_18(tables: ReturnTables) -> pl.DataFrame:
    """347 (from 2023/24): a care leaver accommodated in a foyer (ACCOM T1 or T2, "T" and
    whether suitable) must have been 18 or over at the start of the collection year."""
    leavers = _care_leavers(tables).with_columns(dates("DOB").alias("_DOB"))
    young = years_after("_DOB", 18) > pl.lit(tables.year_start, dtype=pl.Date)
    return failing(leavers, "oc3", pl.col("ACCOM").str.starts_with("T") & young)


@BOOK.check
def care_leaver_died_last_year(tables: ReturnTables) -> pl.DataFrame:
    """348 (from 2025/26): a care leaver reported last year as having died (IN_TOUCH DIED)
    must be reported as DIED again."""
    died = tables.last_year("oc3", "IN_TOUCH").filter(pl.col("IN_TOUCH") == "DIED")
    this_year = _care_leavers(tables).join(died.select(CHILD).unique(), on=CHILD, how="semi")
    return failing(this_year, "oc3", pl.col("IN_TOUCH").ne_missing("DIED"))


@BOOK.check
def care_leaver_under_17(tables: ReturnTables) -> pl.DataFrame:
    """391: IN_TOUCH, ACTIV and ACCOM must not be completed for a young person under 17 at
    the end of the collection year."""
    given = pl.any_horizontal(pl.col(c).is_not_null() for c in ("IN_TOUCH", "ACTIV", "ACCOM"))
    young = years_after("_DOB", 17) > pl.lit(tables.year_end, dtype=pl.Date)
    leavers = _care_leavers(tables).with_columns(dates("DOB").alias("_DOB"))
    return failing(leavers, "oc3", young & given)


def _reviews(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("reviews", "DOB", "REVIEW", "REVIEW_CODE").with_columns(
        dates("DOB").alias("_DOB"), dates("REVIEW").alias("_REVIEW")
    )


@BOOK.check
def under_4_participation_but_aged_4(tables: ReturnTables) -> pl.DataFrame:
    """440: REVIEW_CODE PN0 (child under 4) needs the review to be before the child's 4th
    birthday."""
    mask = (pl.col("REVIEW_CODE") == "PN0") & (pl.col("_REVIEW") >= years_after("_DOB", 4))
    return failing(_reviews(tables), "reviews", mask)


@BOOK.check
def participation_code_but_under_4(tables: ReturnTables) -> pl.DataFrame:
    """441: REVIEW_CODE PN1-PN7 (child 4 or over) needs the review to be on or after the
    child's 4th birthday."""
    codes = [f"PN{n}" for n in range(1, 8)]
    mask = pl.col("REVIEW_CODE").is_in(codes) & (pl.col("_REVIEW") < years_after("_DOB", 4))
    return failing(_reviews(tables), "reviews", mask)
