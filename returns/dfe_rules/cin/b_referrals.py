"""CIN census rules on the CIN details module (a referral and the episode it opens), codes
8600 and above."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from ..engine import CHILD, ReturnTables, combined, failing
from . import BOOK
from .support_b import cin_table, is_false, outside_census_year, reference_date

PRIMARY_NEED_CODES = ("N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
REASONS_FOR_CLOSURE = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
# A referral may be made up to 40 weeks before the child is born.
REFERRAL_BEFORE_BIRTH = timedelta(days=280)


@BOOK.check
def referral_date_missing_or_after_census(tables: ReturnTables) -> pl.DataFrame:
    """8600: CINreferralDate is present and on or before the reference date."""
    details = cin_table(tables, "cindetails")
    referral = pl.col("CINREFERRALDATE")
    return failing(details, "cindetails", referral.is_null() | (referral > reference_date(tables)))


@BOOK.check
def referral_long_before_birth(tables: ReturnTables) -> pl.DataFrame:
    """8606: CINreferralDate is not more than 280 days before PersonBirthDate or
    ExpectedPersonBirthDate."""
    details = cin_table(tables, "cindetails")
    children = cin_table(tables, "childidentifiers")
    births = children.select(
        CHILD,
        pl.col("_row").alias("_child_row"),
        "PERSONBIRTHDATE",
        "EXPECTEDPERSONBIRTHDATE",
    )
    referral = pl.col("CINREFERRALDATE")
    too_early = pl.any_horizontal(
        (referral < pl.col(column) - REFERRAL_BEFORE_BIRTH).fill_null(False)
        for column in ("PERSONBIRTHDATE", "EXPECTEDPERSONBIRTHDATE")
    )
    found = details.join(births, on=CHILD, how="inner").filter(too_early)
    return combined(
        failing(found, "cindetails"),
        failing(found.with_columns(pl.col("_child_row").alias("_row")), "childidentifiers"),
    )


@BOOK.check
def primary_need_missing_for_further_action(tables: ReturnTables) -> pl.DataFrame:
    """8610: where ReferralNFA is false, PrimaryNeedCode is present."""
    details = cin_table(tables, "cindetails")
    return failing(
        details, "cindetails", is_false("REFERRALNFA") & pl.col("PRIMARYNEEDCODE").is_null()
    )


@BOOK.check
def closure_date_outside_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8620: where present, CINclosureDate is within the census year."""
    details = cin_table(tables, "cindetails")
    return failing(details, "cindetails", outside_census_year("CINCLOSUREDATE", tables))


@BOOK.check
def closure_before_referral(tables: ReturnTables) -> pl.DataFrame:
    """8630: where present, CINclosureDate is on or after CINreferralDate."""
    details = cin_table(tables, "cindetails")
    before = pl.col("CINCLOSUREDATE") < pl.col("CINREFERRALDATE")
    return failing(details, "cindetails", before.fill_null(False))


@BOOK.check
def reason_for_closure_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """8640: where present, ReasonForClosure is a code of the census's Reason for Closure
    table (RC1 to RC9)."""
    details = cin_table(tables, "cindetails")
    reason = pl.col("REASONFORCLOSURE")
    return failing(details, "cindetails", reason.is_not_null() & ~reason.is_in(REASONS_FOR_CLOSURE))


@BOOK.check
def primary_need_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """8650: where present, PrimaryNeedCode is a code of the census's Primary Need table
    (N0 to N9)."""
    details = cin_table(tables, "cindetails")
    need = pl.col("PRIMARYNEEDCODE")
    return failing(details, "cindetails", need.is_not_null() & ~need.is_in(PRIMARY_NEED_CODES))


@BOOK.check
def reason_for_closure_without_closure_date(tables: ReturnTables) -> pl.DataFrame:
    """8810: where ReasonForClosure is present, CINclosureDate is present too."""
    details = cin_table(tables, "cindetails")
    return failing(
        details,
        "cindetails",
        pl.col("REASONFORCLOSURE").is_not_null() & pl.col("CINCLOSUREDATE").is_null(),
    )


@BOOK.check
def upn_unknown_no_further_action_but_further_action(tables: ReturnTables) -> pl.DataFrame:
    """8772: a child whose UPNunknown is UN7 (referral with no further action) has no CIN
    details with ReferralNFA false."""
    children = cin_table(tables, "childidentifiers").filter(pl.col("UPNUNKNOWN") == "UN7")
    further = cin_table(tables, "cindetails").filter(is_false("REFERRALNFA"))
    flagged = children.join(further.select(CHILD).unique(), on=CHILD, how="semi")
    return combined(
        failing(flagged, "childidentifiers"),
        failing(further.join(flagged.select(CHILD), on=CHILD, how="semi"), "cindetails"),
    )
