"""CIN rules on CIN plans (codes 4010-4017): their dates, and CIN plans and child protection
plans that overlap."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing
from . import BOOK
from .support import REFERRAL, in_census_year


def _plans(tables: ReturnTables) -> pl.DataFrame:
    """The CIN plans with their dates read (``_start``, ``_end``)."""
    return tables.table(
        "cinplandates", "CINDETAILSID", "CINPLANSTARTDATE", "CINPLANENDDATE"
    ).with_columns(dates("CINPLANSTARTDATE").alias("_start"), dates("CINPLANENDDATE").alias("_end"))


@BOOK.check
def cin_plan_start_missing_or_late(tables: ReturnTables) -> pl.DataFrame:
    """4010: a CIN plan has a CINPlanStartDate, on or before the reference date (31 March)."""
    plans = _plans(tables)
    return failing(
        plans, "cinplandates", pl.col("_start").is_null() | (pl.col("_start") > tables.year_end)
    )


@BOOK.check
def cin_plan_ends_before_it_starts(tables: ReturnTables) -> pl.DataFrame:
    """4011: where present, CINPlanEndDate is on or after CINPlanStartDate."""
    return failing(_plans(tables), "cinplandates", pl.col("_end") < pl.col("_start"))


@BOOK.check
def cin_plan_starts_and_ends_same_day(tables: ReturnTables) -> pl.DataFrame:
    """4012Q: a CIN plan does not start and end on the same day."""
    return failing(_plans(tables), "cinplandates", pl.col("_end") == pl.col("_start"))


@BOOK.check
def cin_plan_end_outside_year(tables: ReturnTables) -> pl.DataFrame:
    """4013: where present, CINPlanEndDate falls within the census year (1 April to 31
    March, inclusive)."""
    plans = _plans(tables)
    return failing(
        plans,
        "cinplandates",
        pl.col("_end").is_not_null() & ~in_census_year(tables, pl.col("_end")),
    )


@BOOK.check
def cin_plans_overlap(tables: ReturnTables) -> pl.DataFrame:
    """4014: no CIN plan of a child starts within another of its CIN plans (from that one's
    start to its end, or to the reference date while it is open). The later-starting plan
    fails; two starting the same day both fail."""
    plans = _plans(tables).with_row_index("_plan").drop_nulls("_start")
    others = plans.select(
        CHILD, "_plan", pl.col("_start").alias("_other_start"), pl.col("_end").alias("_other_end")
    )
    pairs = plans.join(others, on=CHILD, how="inner", suffix="_other").filter(
        pl.col("_plan") != pl.col("_plan_other")
    )
    inside = (pl.col("_start") >= pl.col("_other_start")) & (
        pl.col("_start") <= pl.col("_other_end").fill_null(tables.year_end)
    )
    return failing(pairs, "cinplandates", inside)


@BOOK.check
def cin_plan_before_referral(tables: ReturnTables) -> pl.DataFrame:
    """4015: where present, a CIN plan's CINPlanStartDate is on or after its referral's
    CINreferralDate."""
    referrals = tables.table("cindetails", "CINREFERRALDATE").select(
        *REFERRAL, pl.col(ROW).alias("_ref_row"), dates("CINREFERRALDATE").alias("_referred")
    )
    joined = _plans(tables).join(referrals, on=REFERRAL, how="inner")
    bad = joined.filter(pl.col("_start") < pl.col("_referred"))
    return combined(
        failing(bad, "cinplandates"),
        failing(bad.select(CHILD, pl.col("_ref_row").alias(ROW)), "cindetails"),
    )


def _plans_against_protection(tables: ReturnTables) -> pl.DataFrame:
    """Every pair of a child's CIN plan and child protection plan, with both rows kept."""
    protection = tables.table("childprotectionplans", "CPPSTARTDATE", "CPPENDDATE").select(
        CHILD,
        pl.col(ROW).alias("_cpp_row"),
        dates("CPPSTARTDATE").alias("_cpp_start"),
        dates("CPPENDDATE").alias("_cpp_end"),
    )
    return _plans(tables).join(protection, on=CHILD, how="inner")


def _both(bad: pl.DataFrame) -> pl.DataFrame:
    return combined(
        failing(bad, "cinplandates"),
        failing(bad.select(CHILD, pl.col("_cpp_row").alias(ROW)), "childprotectionplans"),
    )


@BOOK.check
def cin_plan_starts_during_protection_plan(tables: ReturnTables) -> pl.DataFrame:
    """4016: no CIN plan starts within a child protection plan of the child (on or after its
    start and before its end, or up to the reference date while it is open); starting on
    the day the protection plan ends is allowed."""
    pairs = _plans_against_protection(tables)
    inside = (pl.col("_start") >= pl.col("_cpp_start")) & (
        (pl.col("_start") < pl.col("_cpp_end"))
        | (pl.col("_cpp_end").is_null() & (pl.col("_start") <= tables.year_end))
    )
    return _both(pairs.filter(inside))


@BOOK.check
def protection_plan_starts_during_cin_plan(tables: ReturnTables) -> pl.DataFrame:
    """4017: no child protection plan starts within a CIN plan of the child (on or after its
    start and before its end, or up to the reference date while it is open); starting on
    the day the CIN plan ends is allowed."""
    pairs = _plans_against_protection(tables)
    inside = (pl.col("_cpp_start") >= pl.col("_start")) & (
        (pl.col("_cpp_start") < pl.col("_end"))
        | (pl.col("_end").is_null() & (pl.col("_cpp_start") <= tables.year_end))
    )
    return _both(pairs.filter(inside))
