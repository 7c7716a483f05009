"""CIN census rules on the Child Protection Plans module, codes 8600 and above."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, combined, failing
from . import BOOK
from .support import is_true
from .support_b import (
    cin_table,
    outside_census_year,
    reference_date,
    starting_during_another,
)


@BOOK.check
def plan_start_missing_or_after_census(tables: ReturnTables) -> pl.DataFrame:
    """8720: CPPstartDate is present and on or before the reference date."""
    plans = cin_table(tables, "childprotectionplans")
    start = pl.col("CPPSTARTDATE")
    return failing(
        plans, "childprotectionplans", start.is_null() | (start > reference_date(tables))
    )


@BOOK.check
def previous_plans_missing(tables: ReturnTables) -> pl.DataFrame:
    """8730: every plan has NumberOfPreviousCPP, a whole number of zero or more."""
    plans = cin_table(tables, "childprotectionplans")
    number = pl.col("NUMBEROFPREVIOUSCPP").cast(pl.Int64, strict=False)
    return failing(plans, "childprotectionplans", number.is_null() | (number < 0))


@BOOK.check
def plan_for_referral_with_no_further_action(tables: ReturnTables) -> pl.DataFrame:
    """8832: a CIN details group with ReferralNFA true has no Child Protection Plan."""
    no_action = cin_table(tables, "cindetails").filter(is_true("REFERRALNFA"))
    plans = cin_table(tables, "childprotectionplans")
    keys = [CHILD, "CINDETAILSID"]
    flagged_plans = plans.join(no_action.select(keys).unique(), on=keys, how="semi")
    flagged_details = no_action.join(flagged_plans.select(keys).unique(), on=keys, how="semi")
    return combined(
        failing(flagged_plans, "childprotectionplans"), failing(flagged_details, "cindetails")
    )


@BOOK.check
def plan_starts_and_ends_same_day(tables: ReturnTables) -> pl.DataFrame:
    """8840: a plan does not start and end on the same day."""
    plans = cin_table(tables, "childprotectionplans")
    same = pl.col("CPPSTARTDATE") == pl.col("CPPENDDATE")
    return failing(plans, "childprotectionplans", same.fill_null(False))


@BOOK.check
def plan_end_outside_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8930: where present, CPPendDate is within the census year."""
    plans = cin_table(tables, "childprotectionplans")
    return failing(plans, "childprotectionplans", outside_census_year("CPPENDDATE", tables))


@BOOK.check
def two_open_plans(tables: ReturnTables) -> pl.DataFrame:
    """8935: a child has at most one plan with no CPPendDate."""
    plans = cin_table(tables, "childprotectionplans")
    still_open = plans.filter(pl.col("CPPENDDATE").is_null())
    return failing(still_open, "childprotectionplans", pl.len().over(CHILD) > 1)


@BOOK.check
def plan_end_before_start(tables: ReturnTables) -> pl.DataFrame:
    """8925: where present, CPPendDate is on or after CPPstartDate."""
    plans = cin_table(tables, "childprotectionplans")
    earlier = pl.col("CPPENDDATE") < pl.col("CPPSTARTDATE")
    return failing(plans, "childprotectionplans", earlier.fill_null(False))


@BOOK.check
def plans_overlap(tables: ReturnTables) -> pl.DataFrame:
    """8940: no plan's CPPstartDate falls on or between another plan's start and its
    CPPendDate (the reference date where that plan has not ended), across all the child's
    plans."""
    plans = cin_table(tables, "childprotectionplans")
    ends = pl.coalesce(pl.col("CPPENDDATE"), reference_date(tables))
    found = starting_during_another(plans, "CPPSTARTDATE", ends, pl.lit(True), [CHILD])
    return failing(found, "childprotectionplans")


def _plans_after_death(
    tables: ReturnTables, column: str, *, missing_fails: bool = False
) -> pl.DataFrame:
    """The plans whose `column` date is after the child's PersonDeathDate (or, where
    `missing_fails`, absent for a child who has died), with the child's identifiers row."""
    deaths = cin_table(tables, "childidentifiers").filter(pl.col("PERSONDEATHDATE").is_not_null())
    found = (
        cin_table(tables, "childprotectionplans")
        .join(
            deaths.select(CHILD, "PERSONDEATHDATE", pl.col("_row").alias("_child_row")),
            on=CHILD,
            how="inner",
        )
        .filter(
            (pl.col(column) > pl.col("PERSONDEATHDATE")).fill_null(False)
            | (pl.col(column).is_null() & missing_fails)
        )
    )
    return combined(
        failing(found, "childprotectionplans"),
        failing(found.with_columns(pl.col("_child_row").alias("_row")), "childidentifiers"),
    )


@BOOK.check
def plan_starts_after_death(tables: ReturnTables) -> pl.DataFrame:
    """8915: where PersonDeathDate is present, no plan starts after it."""
    return _plans_after_death(tables, "CPPSTARTDATE")


@BOOK.check
def plan_ends_after_death(tables: ReturnTables) -> pl.DataFrame:
    """8920: where PersonDeathDate is present, every plan's CPPendDate is on or before it (a
    plan left open, with no end date, fails: it cannot be on or before the death)."""
    return _plans_after_death(tables, "CPPENDDATE", missing_fails=True)


@BOOK.check
def review_on_or_before_plan_start(tables: ReturnTables) -> pl.DataFrame:
    """8841: no CPPreviewDate of a plan is on or before the plan's CPPstartDate."""
    keys = [CHILD, "CINDETAILSID", "CPPID"]
    plans = cin_table(tables, "childprotectionplans").filter(pl.col("CPPSTARTDATE").is_not_null())
    found = (
        cin_table(tables, "reviews")
        .join(
            plans.select(*keys, "CPPSTARTDATE", pl.col("_row").alias("_plan_row")),
            on=keys,
            how="inner",
        )
        .filter((pl.col("CPPREVIEWDATE") <= pl.col("CPPSTARTDATE")).fill_null(False))
    )
    return combined(
        failing(found, "reviews"),
        failing(found.with_columns(pl.col("_plan_row").alias("_row")), "childprotectionplans"),
    )


@BOOK.check
def review_date_missing(tables: ReturnTables) -> pl.DataFrame:
    """8842Q: every Reviews record has a CPPreviewDate."""
    reviews = cin_table(tables, "reviews")
    return failing(reviews, "reviews", pl.col("CPPREVIEWDATE").is_null())


ABUSE_CATEGORIES = ("NEG", "PHY", "SAB", "EMO", "MUL")  # the census's Category of Abuse codes


@BOOK.check
def initial_category_missing_or_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """8905: every plan has an InitialCategoryOfAbuse of the census's code set."""
    plans = cin_table(tables, "childprotectionplans")
    category = pl.col("INITIALCATEGORYOFABUSE")
    return failing(
        plans, "childprotectionplans", ~category.is_in(ABUSE_CATEGORIES).fill_null(False)
    )


@BOOK.check
def latest_category_missing_or_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """8910: every plan has a LatestCategoryOfAbuse of the census's code set."""
    plans = cin_table(tables, "childprotectionplans")
    category = pl.col("LATESTCATEGORYOFABUSE")
    return failing(
        plans, "childprotectionplans", ~category.is_in(ABUSE_CATEGORIES).fill_null(False)
    )
