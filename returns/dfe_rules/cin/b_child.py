"""CIN census rules on the child's identifiers and disabilities, codes 8600 and above."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, failing
from . import BOOK
from .support import is_false
from .support_b import (
    cin_table,
)

# The reasons a school-age child may have no UPN (UN1, "not of school age", does not apply).
UPN_UNKNOWN_SCHOOL_AGE = ("UN2", "UN3", "UN4", "UN5", "UN6", "UN7")


@BOOK.check
def unborn_child_sex_not_u(tables: ReturnTables) -> pl.DataFrame:
    """8750: a child with ExpectedPersonBirthDate and no PersonBirthDate (unborn) has Sex U.
    Since 2024/25 the census records Sex (M, F, U) where it recorded GenderCurrent."""
    children = cin_table(tables, "childidentifiers")
    unborn = pl.col("PERSONBIRTHDATE").is_null() & pl.col("EXPECTEDPERSONBIRTHDATE").is_not_null()
    return failing(children, "childidentifiers", unborn & (pl.col("SEX") != "U").fill_null(True))


@BOOK.check
def disability_none_and_other_values(tables: ReturnTables) -> pl.DataFrame:
    """8790: a child with a Disability of NONE has no other Disability value."""
    disabilities = cin_table(tables, "disabilities")
    none = pl.col("DISABILITY").str.to_uppercase() == "NONE"
    mixed = none.any().over(CHILD) & (~none).any().over(CHILD)
    return failing(disabilities, "disabilities", mixed.fill_null(False))


@BOOK.check
def disability_code_repeated(tables: ReturnTables) -> pl.DataFrame:
    """8794: no Disability value appears more than once for a child."""
    disabilities = cin_table(tables, "disabilities").with_columns(
        pl.col("DISABILITY").str.to_uppercase().alias("_code")
    )
    repeated = pl.col("_code").is_not_null() & (pl.len().over(CHILD, "_code") > 1)
    return failing(disabilities, "disabilities", repeated)


@BOOK.check
def upn_expected_for_child_over_5(tables: ReturnTables) -> pl.DataFrame:
    """8770Q: a child with a referral going on to further action (ReferralNFA false) born more
    than 6 years before the reference date has a UPN or a UPNunknown reason of UN2 to UN7."""
    cutoff = tables.year_end.replace(year=tables.year_end.year - 6)
    further = cin_table(tables, "cindetails").filter(is_false("REFERRALNFA")).select(CHILD)
    children = cin_table(tables, "childidentifiers").join(further.unique(), on=CHILD, how="semi")
    reason = pl.col("UPNUNKNOWN").str.to_uppercase()
    missing = (
        (pl.col("PERSONBIRTHDATE") <= cutoff).fill_null(False)
        & pl.col("UPN").is_null()
        & ~reason.is_in(UPN_UNKNOWN_SCHOOL_AGE).fill_null(False)
    )
    return failing(children, "childidentifiers", missing)
