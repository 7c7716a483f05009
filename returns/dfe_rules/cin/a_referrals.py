"""CIN rules on a referral's records (codes below 8600): dates against the referral date, the
initial conference, plans running at once, and activity on a referral that led nowhere."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing
from . import BOOK
from .support import REFERRAL, in_census_year, is_true, whole_return

# A referral closed with this reason ("case closed after assessment, no further action") has
# no section 47, plan or conference.
CLOSED_AFTER_ASSESSMENT = "RC8"


def _referrals(tables: ReturnTables, *columns: str) -> pl.DataFrame:
    """The referrals (cindetails) with the columns named, each prefixed ``REF_``, and the
    referral's row as ``_ref_row``, ready to join onto a referral's records."""
    return tables.table("cindetails", *columns).select(
        *REFERRAL,
        pl.col(ROW).alias("_ref_row"),
        *(pl.col(column).alias(f"REF_{column}") for column in columns),
    )


def _with_referral(tables: ReturnTables, table: str, *columns: str) -> pl.DataFrame:
    """A referral's records (rows of `table`) joined to their referral's columns."""
    records = tables.table(table, "CINDETAILSID")
    return records.join(_referrals(tables, *columns), on=REFERRAL, how="inner")


def _and_referral(joined: pl.DataFrame, table: str, mask: pl.Expr) -> pl.DataFrame:
    """The records failing `mask`, and their referrals' rows."""
    bad = joined.filter(mask)
    return combined(
        failing(bad, table),
        failing(bad.select(CHILD, pl.col("_ref_row").alias(ROW)), "cindetails"),
    )


def _before_referral(tables: ReturnTables, table: str, column: str) -> pl.DataFrame:
    joined = _with_referral(tables, table, "CINREFERRALDATE")
    return _and_referral(joined, table, dates(column) < dates("REF_CINREFERRALDATE"))


@BOOK.check
def assessment_before_referral(tables: ReturnTables) -> pl.DataFrame:
    """1103: an assessment's AssessmentActualStartDate is on or after its referral's
    CINreferralDate."""
    return _before_referral(tables, "assessments", "ASSESSMENTACTUALSTARTDATE")


@BOOK.check
def conference_before_referral(tables: ReturnTables) -> pl.DataFrame:
    """1104: a section 47's DateOfInitialCPC is on or after its referral's CINreferralDate."""
    return _before_referral(tables, "section47", "DATEOFINITIALCPC")


@BOOK.check
def plan_before_referral(tables: ReturnTables) -> pl.DataFrame:
    """1105: a child protection plan's CPPstartDate is on or after its referral's
    CINreferralDate."""
    return _before_referral(tables, "childprotectionplans", "CPPSTARTDATE")


@BOOK.check
def section47_before_referral(tables: ReturnTables) -> pl.DataFrame:
    """2889: a section 47's S47ActualStartDate is on or after its referral's
    CINreferralDate."""
    return _before_referral(tables, "section47", "S47ACTUALSTARTDATE")


@BOOK.check
def more_plans_than_conferences(tables: ReturnTables) -> pl.DataFrame:
    """2883: the plans starting in the year are no more than the initial conferences held in
    it (DateOfInitialCPC on referrals plus on section 47s). Checked over the whole return."""

    def held(table: str, column: str) -> int:
        frame = tables.table(table, column)
        return frame.filter(in_census_year(tables, dates(column))).height

    plans = held("childprotectionplans", "CPPSTARTDATE")
    conferences = held("cindetails", "DATEOFINITIALCPC") + held("section47", "DATEOFINITIALCPC")
    return whole_return(plans > conferences)


@BOOK.check
def conference_at_both_levels(tables: ReturnTables) -> pl.DataFrame:
    """2884: an initial conference is recorded once: no section 47's DateOfInitialCPC is the
    same date as a DateOfInitialCPC on one of the child's referrals (the DfE matches them
    within the child)."""
    s47 = tables.table("section47", "DATEOFINITIALCPC").with_columns(
        dates("DATEOFINITIALCPC").alias("_day")
    )
    referrals = (
        tables.table("cindetails", "DATEOFINITIALCPC")
        .select(CHILD, pl.col(ROW).alias("_ref_row"), dates("DATEOFINITIALCPC").alias("_day"))
        .drop_nulls()
    )
    both = s47.drop_nulls("_day").join(referrals, on=[CHILD, "_day"], how="inner")
    return _and_referral(both, "section47", pl.lit(True))


@BOOK.check
def plan_start_not_conference(tables: ReturnTables) -> pl.DataFrame:
    """2885: a plan starting in the year starts on the day of an initial conference of its
    referral: a section 47's DateOfInitialCPC, or the referral's own DateOfInitialCPC (where
    the conference is recorded there, with no section 47's)."""
    plans = tables.table("childprotectionplans", "CINDETAILSID", "CPPSTARTDATE").with_columns(
        dates("CPPSTARTDATE").alias("_start")
    )
    plans = plans.filter(in_census_year(tables, pl.col("_start")))
    s47_days = tables.table("section47", "CINDETAILSID", "DATEOFINITIALCPC").select(
        *REFERRAL, dates("DATEOFINITIALCPC").alias("_start")
    )
    referral_days = tables.table("cindetails", "DATEOFINITIALCPC").select(
        *REFERRAL, dates("DATEOFINITIALCPC").alias("_start")
    )
    conferences = pl.concat([s47_days, referral_days]).drop_nulls().unique()
    unmatched = plans.join(conferences, on=[*REFERRAL, "_start"], how="anti")
    return failing(unmatched, "childprotectionplans")


@BOOK.check
def activity_after_no_further_action(tables: ReturnTables) -> pl.DataFrame:
    """2990: a referral closed RC8 (after assessment, no further action) has no section 47,
    child protection plan, CIN plan dates or DateOfInitialCPC."""
    closed = tables.table("cindetails", "REASONFORCLOSURE", "DATEOFINITIALCPC").filter(
        pl.col("REASONFORCLOSURE").str.to_uppercase() == CLOSED_AFTER_ASSESSMENT
    )
    keys = closed.select(REFERRAL)
    found = [failing(closed, "cindetails", pl.col("DATEOFINITIALCPC").is_not_null())]
    for table in ("section47", "childprotectionplans", "cinplandates"):
        records = tables.table(table, "CINDETAILSID").join(keys, on=REFERRAL, how="semi")
        found.append(failing(records, table))
        with_records = closed.join(records.select(REFERRAL).unique(), on=REFERRAL, how="semi")
        found.append(failing(with_records, "cindetails"))
    return combined(*found)


@BOOK.check
def section47_without_assessment(tables: ReturnTables) -> pl.DataFrame:
    """2991Q: a referral with a section 47 has an assessment."""
    assessed = tables.table("assessments", "CINDETAILSID").select(REFERRAL).unique()
    s47 = tables.table("section47", "CINDETAILSID")
    return failing(s47.join(assessed, on=REFERRAL, how="anti"), "section47")


@BOOK.check
def cin_plan_after_no_further_action(tables: ReturnTables) -> pl.DataFrame:
    """4000: a referral marked ReferralNFA (no further action) has no CIN plan dates."""
    joined = _with_referral(tables, "cinplandates", "REFERRALNFA")
    return _and_referral(joined, "cinplandates", is_true("REF_REFERRALNFA"))


@BOOK.check
def cin_plan_during_protection_plan(tables: ReturnTables) -> pl.DataFrame:
    """4001: a referral with an open child protection plan (no CPPendDate) has no open CIN
    plan (no CINPlanEndDate)."""
    open_plans = tables.table("childprotectionplans", "CINDETAILSID", "CPPENDDATE").filter(
        pl.col("CPPENDDATE").is_null()
    )
    open_cin = tables.table("cinplandates", "CINDETAILSID", "CINPLANENDDATE").filter(
        pl.col("CINPLANENDDATE").is_null()
    )
    return combined(
        failing(open_plans.join(open_cin.select(REFERRAL), on=REFERRAL, how="semi"),
                "childprotectionplans"),
        failing(open_cin.join(open_plans.select(REFERRAL), on=REFERRAL, how="semi"),
                "cinplandates"),
    )  # fmt: skip


@BOOK.check
def review_during_cin_plan(tables: ReturnTables) -> pl.DataFrame:
    """4003: within a referral, no CPPreviewDate falls within a CIN plan (on or after its
    start, before its end, or while it is open), unless it is its plan's CPPendDate."""
    reviews = tables.table("reviews", "CINDETAILSID", "CPPID", "CPPREVIEWDATE").with_columns(
        dates("CPPREVIEWDATE").alias("_review")
    )
    ends = tables.table("childprotectionplans", "CINDETAILSID", "CPPID", "CPPENDDATE").select(
        *REFERRAL, "CPPID", dates("CPPENDDATE").alias("_plan_end")
    )
    cin_plans = tables.table(
        "cinplandates", "CINDETAILSID", "CINPLANSTARTDATE", "CINPLANENDDATE"
    ).select(
        *REFERRAL,
        pl.col(ROW).alias("_cin_row"),
        dates("CINPLANSTARTDATE").alias("_cin_start"),
        dates("CINPLANENDDATE").alias("_cin_end"),
    )
    joined = reviews.join(ends, on=[*REFERRAL, "CPPID"], how="left").join(
        cin_plans, on=REFERRAL, how="inner"
    )
    during = (
        (pl.col("_review") >= pl.col("_cin_start"))
        & ((pl.col("_review") < pl.col("_cin_end")) | pl.col("_cin_end").is_null())
        & (pl.col("_plan_end").is_null() | (pl.col("_review") != pl.col("_plan_end")))
    )
    bad = joined.filter(during)
    return combined(
        failing(bad, "reviews"),
        failing(bad.select(CHILD, pl.col("_cin_row").alias(ROW)), "cinplandates"),
    )


@BOOK.check
def more_than_one_open_cin_plan(tables: ReturnTables) -> pl.DataFrame:
    """4004: a referral has at most one CIN plan with no CINPlanEndDate (every open one
    fails where there are more)."""
    plans = tables.table("cinplandates", "CINDETAILSID", "CINPLANENDDATE").filter(
        pl.col("CINPLANENDDATE").is_null()
    )
    return failing(plans, "cinplandates", pl.len().over(REFERRAL) > 1)


def _after_death(tables: ReturnTables, column: str) -> pl.DataFrame:
    died = tables.table("childidentifiers", "PERSONDEATHDATE").select(
        CHILD, pl.col(ROW).alias("_child_row"), dates("PERSONDEATHDATE").alias("_death")
    )
    plans = tables.table("cinplandates", column).join(
        died.drop_nulls(["_death", CHILD]), on=CHILD, how="inner"
    )
    bad = plans.filter(dates(column) > pl.col("_death"))
    return combined(
        failing(bad, "cinplandates"),
        failing(bad.select(CHILD, pl.col("_child_row").alias(ROW)), "childidentifiers"),
    )


@BOOK.check
def cin_plan_starts_after_death(tables: ReturnTables) -> pl.DataFrame:
    """4008: where the child has a PersonDeathDate, no CINPlanStartDate is after it."""
    return _after_death(tables, "CINPLANSTARTDATE")


@BOOK.check
def cin_plan_ends_after_death(tables: ReturnTables) -> pl.DataFrame:
    """4009: where the child has a PersonDeathDate, no CINPlanEndDate is after it."""
    return _after_death(tables, "CINPLANENDDATE")
