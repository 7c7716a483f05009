"""CIN census rules on the Assessments module, codes 8600 and above."""

from __future__ import annotations

import polars as pl

from ..engine import ReturnTables, failing
from . import BOOK
from .support_b import cin_table, outside_census_year


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
