"""CIN census rules on the Assessments module, codes 8600 and above."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, combined, failing
from . import BOOK
from .support_b import (
    ASSESSMENT_FACTORS,
    cin_table,
    earliest_start_within,
    factors,
    outside_census_year,
    reference_date,
    starting_during_another,
)


@BOOK.check
def assessment_start_after_end(tables: ReturnTables) -> pl.DataFrame:
    """8608: where present, AssessmentAuthorisationDate is on or after
    AssessmentActualStartDate."""
    assessments = cin_table(tables, "assessments")
    later = pl.col("ASSESSMENTACTUALSTARTDATE") > pl.col("ASSESSMENTAUTHORISATIONDATE")
    return failing(assessments, "assessments", later.fill_null(False))


@BOOK.check
def factors_for_assessment_not_completed(tables: ReturnTables) -> pl.DataFrame:
    """8614: where AssessmentAuthorisationDate is missing, AssessmentFactors is missing too."""
    assessments = cin_table(tables, "assessments")
    return failing(
        assessments,
        "assessments",
        pl.col("ASSESSMENTAUTHORISATIONDATE").is_null() & pl.col("ASSESSMENTFACTORS").is_not_null(),
    )


@BOOK.check
def assessment_end_outside_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8696: where present, AssessmentAuthorisationDate is within the census year."""
    assessments = cin_table(tables, "assessments")
    return failing(
        assessments, "assessments", outside_census_year("ASSESSMENTAUTHORISATIONDATE", tables)
    )


@BOOK.check
def open_assessment_start_outside_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8736: an assessment with no AssessmentAuthorisationDate has an
    AssessmentActualStartDate within the census year (a missing start date fails too: it is
    not "on or between" the census dates)."""
    assessments = cin_table(tables, "assessments")
    start = pl.col("ASSESSMENTACTUALSTARTDATE")
    return failing(
        assessments,
        "assessments",
        pl.col("ASSESSMENTAUTHORISATIONDATE").is_null()
        & (start.is_null() | outside_census_year("ASSESSMENTACTUALSTARTDATE", tables)),
    )


@BOOK.check
def two_open_assessments(tables: ReturnTables) -> pl.DataFrame:
    """8896: within one CIN details group, at most one assessment has no
    AssessmentAuthorisationDate (an assessment still open)."""
    assessments = cin_table(tables, "assessments")
    still_open = assessments.filter(pl.col("ASSESSMENTAUTHORISATIONDATE").is_null())
    return failing(still_open, "assessments", pl.len().over(CHILD, "CINDETAILSID") > 1)


@BOOK.check
def factors_missing_from_completed_assessment(tables: ReturnTables) -> pl.DataFrame:
    """8897Q: an assessment authorised on or after the start of the census year has one or
    more AssessmentFactors, each a code of the census's factors."""
    assessments = cin_table(tables, "assessments")
    completed = (pl.col("ASSESSMENTAUTHORISATIONDATE") >= tables.year_start).fill_null(False)
    valid = factors().list.eval(pl.element().is_in(list(ASSESSMENT_FACTORS))).list.all()
    missing = factors().list.len().fill_null(0) == 0
    return failing(assessments, "assessments", completed & (missing | ~valid.fill_null(True)))


@BOOK.check
def factor_code_repeated(tables: ReturnTables) -> pl.DataFrame:
    """8898: an assessment has no AssessmentFactors code more than once."""
    assessments = cin_table(tables, "assessments")
    codes = factors()
    return failing(
        assessments, "assessments", (codes.list.len() > codes.list.n_unique()).fill_null(False)
    )


@BOOK.check
def disability_without_disability_factor(tables: ReturnTables) -> pl.DataFrame:
    """8899Q: a child with a Disability other than NONE whose assessment was authorised on or
    after the start of the census year has factor 5A or 6A (the child's learning or physical
    disability) at that assessment."""
    disabled = cin_table(tables, "disabilities").filter(
        pl.col("DISABILITY").is_not_null() & (pl.col("DISABILITY").str.to_uppercase() != "NONE")
    )
    has_factor = factors().list.set_intersection(["5A", "6A"]).list.len() > 0
    assessments = cin_table(tables, "assessments").filter(
        (pl.col("ASSESSMENTAUTHORISATIONDATE") >= tables.year_start).fill_null(False)
        & ~has_factor.fill_null(False)
    )
    flagged = assessments.join(disabled.select(CHILD).unique(), on=CHILD, how="semi")
    return combined(
        failing(flagged, "assessments"),
        failing(
            disabled.join(flagged.select(CHILD).unique(), on=CHILD, how="semi"), "disabilities"
        ),
    )


@BOOK.check
def no_factors_but_not_closed_after_assessment(tables: ReturnTables) -> pl.DataFrame:
    """8873Q: where a CIN details group has only one assessment and its AssessmentFactors
    include 21 (no factors identified), the group's ReasonForClosure is RC8 or RC9."""
    keys = [CHILD, "CINDETAILSID"]
    assessments = cin_table(tables, "assessments")
    only = assessments.filter(pl.len().over(keys) == 1).filter(
        factors().list.contains("21").fill_null(False)
    )
    details = cin_table(tables, "cindetails").filter(
        ~pl.col("REASONFORCLOSURE").is_in(["RC8", "RC9"]).fill_null(False)
    )
    flagged = only.join(details.select(keys).unique(), on=keys, how="semi")
    return combined(
        failing(flagged, "assessments"),
        failing(details.join(flagged.select(keys).unique(), on=keys, how="semi"), "cindetails"),
    )


@BOOK.check
def assessment_starts_during_another(tables: ReturnTables) -> pl.DataFrame:
    """8863Q: within one CIN details group, no AssessmentActualStartDate falls on or between
    another assessment's start and its AssessmentAuthorisationDate (the reference date where
    that assessment is not authorised)."""
    assessments = cin_table(tables, "assessments")
    ends = pl.coalesce(pl.col("ASSESSMENTAUTHORISATIONDATE"), reference_date(tables))
    found = starting_during_another(
        assessments, "ASSESSMENTACTUALSTARTDATE", ends, pl.lit(True), [CHILD, "CINDETAILSID"]
    )
    return failing(found, "assessments")


@BOOK.check
def no_factors_with_other_factors(tables: ReturnTables) -> pl.DataFrame:
    """8869: an assessment whose AssessmentFactors include 21 (no factors identified) has no
    other factor."""
    codes = factors()
    assessments = cin_table(tables, "assessments")
    mixed = codes.list.contains("21") & (codes.list.n_unique() > 1)
    return failing(assessments, "assessments", mixed.fill_null(False))


# An assessment should be completed within 45 working days of its start.
ASSESSMENT_WORKING_DAYS = 45


@BOOK.check
def assessment_open_beyond_45_working_days(tables: ReturnTables) -> pl.DataFrame:
    """8670Q: an assessment with no AssessmentAuthorisationDate did not start before the
    reference date minus 45 working days."""
    assessments = cin_table(tables, "assessments")
    cutoff = earliest_start_within(tables.year_end, ASSESSMENT_WORKING_DAYS)
    late = pl.col("ASSESSMENTAUTHORISATIONDATE").is_null() & (
        pl.col("ASSESSMENTACTUALSTARTDATE") < cutoff
    ).fill_null(False)
    return failing(assessments, "assessments", late)


@BOOK.check
def factor_19a_used(tables: ReturnTables) -> pl.DataFrame:
    """8950Q: AssessmentFactors does not include 19A (19B or 19C should be used instead)."""
    assessments = cin_table(tables, "assessments")
    return failing(assessments, "assessments", factors().list.contains("19A").fill_null(False))


@BOOK.check
def factor_18a_used(tables: ReturnTables) -> pl.DataFrame:
    """8945Q: AssessmentFactors does not include 18A (18B or 18C should be used instead)."""
    assessments = cin_table(tables, "assessments")
    return failing(assessments, "assessments", factors().list.contains("18A").fill_null(False))


@BOOK.check
def factor_8a_used(tables: ReturnTables) -> pl.DataFrame:
    """8617: AssessmentFactors does not include 8A, which is no longer a code."""
    assessments = cin_table(tables, "assessments")
    return failing(assessments, "assessments", factors().list.contains("8A").fill_null(False))
