"""CIN census rules on the CIN details module (a referral and the episode it opens), codes
8600 and above."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from ..engine import CHILD, ReturnTables, combined, failing
from . import BOOK
from .support import is_false, is_true
from .support_b import (
    cin_table,
    outside_census_year,
    reference_date,
    starting_during_another,
)

PRIMARY_NEED_CODES = ("N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
REASONS_FOR_CLOSURE = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
REFERRAL_SOURCES = (
    *("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4"),
    *("5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"),
)
# Referrals before this date were made before the census recorded their source.
REFERRAL_SOURCE_FROM = date(2013, 4, 1)
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


@BOOK.check
def closure_date_without_reason(tables: ReturnTables) -> pl.DataFrame:
    """8805: where CINclosureDate is present, ReasonForClosure is present too."""
    details = cin_table(tables, "cindetails")
    return failing(
        details,
        "cindetails",
        pl.col("CINCLOSUREDATE").is_not_null() & pl.col("REASONFORCLOSURE").is_null(),
    )


@BOOK.check
def referral_source_missing_or_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """8866: a referral on or after 1 April 2013 has a ReferralSource of the census's code
    set."""
    details = cin_table(tables, "cindetails")
    source = pl.col("REFERRALSOURCE")
    recent = (pl.col("CINREFERRALDATE") >= REFERRAL_SOURCE_FROM).fill_null(False)
    return failing(
        details, "cindetails", recent & (source.is_null() | ~source.is_in(REFERRAL_SOURCES))
    )


@BOOK.check
def closed_after_assessment_without_assessment(tables: ReturnTables) -> pl.DataFrame:
    """8825Q: a CIN details group whose ReasonForClosure is RC8 or RC9 (closed after
    assessment) has at least one Assessments module."""
    details = cin_table(tables, "cindetails")
    assessments = cin_table(tables, "assessments")
    keys = [CHILD, "CINDETAILSID"]
    closed = details.filter(pl.col("REASONFORCLOSURE").is_in(["RC8", "RC9"]))
    return failing(
        closed.join(assessments.select(keys).unique(), on=keys, how="anti"), "cindetails"
    )


@BOOK.check
def activity_on_referral_with_no_further_action(tables: ReturnTables) -> pl.DataFrame:
    """8831: a CIN details group with ReferralNFA true has no assessment dates, no Section 47
    start date and no DateOfInitialCPC (in the CIN details or a Section 47 module)."""
    keys = [CHILD, "CINDETAILSID"]
    no_action = cin_table(tables, "cindetails").filter(is_true("REFERRALNFA"))
    groups = no_action.select(keys).unique()
    assessments = cin_table(tables, "assessments").join(groups, on=keys, how="semi")
    section47 = cin_table(tables, "section47").join(groups, on=keys, how="semi")
    assessed = assessments.filter(
        pl.col("ASSESSMENTACTUALSTARTDATE").is_not_null()
        | pl.col("ASSESSMENTAUTHORISATIONDATE").is_not_null()
    )
    enquired = section47.filter(
        pl.col("S47ACTUALSTARTDATE").is_not_null() | pl.col("DATEOFINITIALCPC").is_not_null()
    )
    active = pl.concat([assessed.select(keys), enquired.select(keys)]).unique()
    flagged_details = no_action.filter(pl.col("DATEOFINITIALCPC").is_not_null()).vstack(
        no_action.join(active, on=keys, how="semi")
    )
    return combined(
        failing(flagged_details, "cindetails"),
        failing(assessed, "assessments"),
        failing(enquired, "section47"),
    )


@BOOK.check
def child_over_25(tables: ReturnTables) -> pl.DataFrame:
    """8775Q: a child born more than 25 years before the reference date has no CIN episode
    open (no CINclosureDate) or closed after their 25th birthday."""
    cutoff = tables.year_end.replace(year=tables.year_end.year - 25)
    children = cin_table(tables, "childidentifiers").filter(pl.col("PERSONBIRTHDATE") < cutoff)
    births = children.select(CHILD, "PERSONBIRTHDATE", pl.col("_row").alias("_child_row"))
    closure = pl.col("CINCLOSUREDATE")
    found = (
        cin_table(tables, "cindetails")
        .join(births, on=CHILD, how="inner")
        .filter(closure.is_null() | (closure > pl.col("PERSONBIRTHDATE").dt.offset_by("25y")))
    )
    return combined(
        failing(found.with_columns(pl.col("_child_row").alias("_row")), "childidentifiers"),
        failing(found, "cindetails"),
    )


@BOOK.check
def more_than_one_open_episode(tables: ReturnTables) -> pl.DataFrame:
    """8815: a child has at most one CIN details module with no CINclosureDate and
    ReferralNFA false (referrals with no further action may stay open)."""
    details = cin_table(tables, "cindetails")
    still_open = details.filter(pl.col("CINCLOSUREDATE").is_null() & is_false("REFERRALNFA"))
    return failing(still_open, "cindetails", pl.len().over(CHILD) > 1)


@BOOK.check
def episodes_overlap(tables: ReturnTables) -> pl.DataFrame:
    """8820: no CINreferralDate falls on or after another of the child's referrals and before
    its CINclosureDate (or, for an episode still open that went on to further action, before
    the reference date); an episode may start on the day another closes."""
    details = cin_table(tables, "cindetails")
    closure = pl.col("CINCLOSUREDATE")
    ends = pl.coalesce(closure, reference_date(tables))
    counts = closure.is_not_null() | is_false("REFERRALNFA")
    found = starting_during_another(
        details, "CINREFERRALDATE", ends, counts, [CHILD], may_start_on_end=True
    )
    return failing(found, "cindetails")


@BOOK.check
def closed_episode_with_assessment_not_completed(tables: ReturnTables) -> pl.DataFrame:
    """8867: where CINclosureDate is present, every assessment of the group has an
    AssessmentAuthorisationDate."""
    keys = [CHILD, "CINDETAILSID"]
    closed = cin_table(tables, "cindetails").filter(pl.col("CINCLOSUREDATE").is_not_null())
    unfinished = (
        cin_table(tables, "assessments")
        .filter(pl.col("ASSESSMENTAUTHORISATIONDATE").is_null())
        .join(closed.select(keys).unique(), on=keys, how="semi")
    )
    return combined(
        failing(closed.join(unfinished.select(keys).unique(), on=keys, how="semi"), "cindetails"),
        failing(unfinished, "assessments"),
    )


@BOOK.check
def open_episode_not_the_latest(tables: ReturnTables) -> pl.DataFrame:
    """8816: a CIN details module with no CINclosureDate and ReferralNFA false has the child's
    latest CINreferralDate (no other episode of the child was referred later)."""
    details = cin_table(tables, "cindetails")
    latest = pl.col("CINREFERRALDATE").max().over(CHILD)
    open_not_latest = (
        pl.col("CINCLOSUREDATE").is_null()
        & is_false("REFERRALNFA")
        & (pl.col("CINREFERRALDATE") < latest).fill_null(False)
    )
    return failing(details, "cindetails", open_not_latest)
