"""CIN census rules on the Child Protection Plans module, codes 8600 and above."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, combined, failing
from . import BOOK
from .support_b import cin_table, is_true, reference_date


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
