"""CIN rules 8520-8585 (below 8600): the child's dates of birth and death against the census
year and the child's records, disability codes, and the no-further-action flag."""

from __future__ import annotations

import datetime

import polars as pl

from indicators.working_days import is_working_day

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing
from . import BOOK
from .support import REFERRAL, in_census_year

# The census's disability codes.
DISABILITIES = (
    "NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA",
)  # fmt: skip
# ReferralNFA is an xs:boolean: these four spellings only.
BOOLEANS = ("true", "false", "1", "0")
NO = ("false", "0")
# A referral closed with this reason: the child died.
DIED = "RC2"


def _identifiers(tables: ReturnTables, *columns: str) -> pl.DataFrame:
    return tables.table("childidentifiers", *columns)


@BOOK.check
def birth_after_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8520: where present, PersonBirthDate is on or before the reference date."""
    children = _identifiers(tables, "PERSONBIRTHDATE")
    return failing(children, "childidentifiers", dates("PERSONBIRTHDATE") > tables.year_end)


@BOOK.check
def birth_or_expected_birth(tables: ReturnTables) -> pl.DataFrame:
    """8525: a child has either a PersonBirthDate or an ExpectedPersonBirthDate, not both
    and not neither."""
    children = _identifiers(tables, "PERSONBIRTHDATE", "EXPECTEDPERSONBIRTHDATE")
    born = pl.col("PERSONBIRTHDATE").is_not_null()
    expected = pl.col("EXPECTEDPERSONBIRTHDATE").is_not_null()
    return failing(children, "childidentifiers", born == expected)


@BOOK.check
def expected_birth_out_of_range(tables: ReturnTables) -> pl.DataFrame:
    """8530Q: where present, ExpectedPersonBirthDate is between 30 days before the
    reference date and 9 months after it (inclusive: 1 March to 31 December)."""
    earliest = tables.year_end - datetime.timedelta(days=30)
    latest = datetime.date(tables.year_end.year, 12, 31)  # 31 March + 9 months
    children = _identifiers(tables, "EXPECTEDPERSONBIRTHDATE")
    expected = dates("EXPECTEDPERSONBIRTHDATE")
    return failing(children, "childidentifiers", ~expected.is_between(earliest, latest))


@BOOK.check
def death_before_birth(tables: ReturnTables) -> pl.DataFrame:
    """8535Q: where both are present, PersonDeathDate is on or after PersonBirthDate."""
    children = _identifiers(tables, "PERSONBIRTHDATE", "PERSONDEATHDATE")
    return failing(
        children, "childidentifiers", dates("PERSONDEATHDATE") < dates("PERSONBIRTHDATE")
    )


@BOOK.check
def disability_missing_or_invalid(tables: ReturnTables) -> pl.DataFrame:
    """8540: a child with a PersonBirthDate and at least one referral whose ReferralNFA is
    false (0) has one or more Disability codes, every one valid. A missing code points at
    the child; an invalid one at the code."""
    referred = (
        tables.table("cindetails", "REFERRALNFA")
        .filter(pl.col("REFERRALNFA").is_in(NO))
        .select(CHILD)
        .unique()
    )
    children = (
        _identifiers(tables, "PERSONBIRTHDATE")
        .filter(pl.col("PERSONBIRTHDATE").is_not_null())
        .join(referred, on=CHILD, how="semi")
    )
    codes = tables.table("disabilities", "DISABILITY")
    recorded = codes.filter(pl.col("DISABILITY").is_not_null()).select(CHILD).unique()
    invalid = codes.join(children.select(CHILD), on=CHILD, how="semi").filter(
        ~pl.col("DISABILITY").is_in(DISABILITIES).fill_null(False)
    )
    return combined(
        failing(children.join(recorded, on=CHILD, how="anti"), "childidentifiers"),
        failing(invalid, "disabilities"),
    )


@BOOK.check
def death_outside_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8545Q: where present, PersonDeathDate is within the census year."""
    children = _identifiers(tables, "PERSONDEATHDATE")
    death = dates("PERSONDEATHDATE")
    return failing(
        children, "childidentifiers", death.is_not_null() & ~in_census_year(tables, death)
    )


def _deaths(tables: ReturnTables) -> pl.DataFrame:
    return (
        _identifiers(tables, "PERSONDEATHDATE")
        .select(CHILD, pl.col(ROW).alias("_child_row"), dates("PERSONDEATHDATE").alias("_death"))
        .drop_nulls([CHILD, "_death"])
    )


@BOOK.check
def referred_after_death(tables: ReturnTables) -> pl.DataFrame:
    """8555: where the child has a PersonDeathDate, every CINreferralDate is on or before
    it."""
    referrals = tables.table("cindetails", "CINREFERRALDATE").join(
        _deaths(tables), on=CHILD, how="inner"
    )
    bad = referrals.filter(dates("CINREFERRALDATE") > pl.col("_death"))
    return combined(
        failing(bad, "cindetails"),
        failing(bad.select(CHILD, pl.col("_child_row").alias(ROW)), "childidentifiers"),
    )


# The dates a closed referral's records must not pass: each table and its date columns.
_ACTIVITY = {
    "assessments": ("ASSESSMENTACTUALSTARTDATE", "ASSESSMENTAUTHORISATIONDATE"),
    "section47": ("S47ACTUALSTARTDATE", "DATEOFINITIALCPC"),
    "childprotectionplans": ("CPPENDDATE",),
    "cinplandates": ("CINPLANSTARTDATE", "CINPLANENDDATE"),
}


@BOOK.check
def activity_after_closure(tables: ReturnTables) -> pl.DataFrame:
    """8565: where a referral has a CINclosureDate, it is on or after every date present of
    its assessments (start, authorisation), section 47s (start, initial conference), child
    protection plans (end), CIN plans (start, end) and its own DateOfInitialCPC."""
    closed = (
        tables.table("cindetails", "CINCLOSUREDATE", "DATEOFINITIALCPC")
        .with_columns(dates("CINCLOSUREDATE").alias("_closed"))
        .filter(pl.col("_closed").is_not_null())
    )
    found = [failing(closed, "cindetails", dates("DATEOFINITIALCPC") > pl.col("_closed"))]
    closures = closed.select(*REFERRAL, pl.col(ROW).alias("_ref_row"), "_closed")
    for table, columns in _ACTIVITY.items():
        records = tables.table(table, "CINDETAILSID", *columns).join(closures, on=REFERRAL)
        after = pl.any_horizontal(dates(column) > pl.col("_closed") for column in columns)
        bad = records.filter(after.fill_null(False))
        found.append(failing(bad, table))
        found.append(failing(bad.select(CHILD, pl.col("_ref_row").alias(ROW)), "cindetails"))
    return combined(*found)


@BOOK.check
def no_further_action_flag_invalid(tables: ReturnTables) -> pl.DataFrame:
    """8568: every referral has a ReferralNFA of true, false, 1 or 0."""
    referrals = tables.table("cindetails", "REFERRALNFA")
    return failing(referrals, "cindetails", ~pl.col("REFERRALNFA").is_in(BOOLEANS).fill_null(False))


def _working_day_before(day: datetime.date) -> datetime.date:
    """The last working day (England's bank holidays apart) before `day`."""
    previous = day - datetime.timedelta(days=1)
    while not is_working_day(previous):
        previous -= datetime.timedelta(days=1)
    return previous


@BOOK.check
def old_referral_flagged_no_further_action(tables: ReturnTables) -> pl.DataFrame:
    """8569: a referral dated before the working day before the census year starts (31
    March 2025 for 2025/26) has ReferralNFA false (0)."""
    cutoff = _working_day_before(tables.year_start)
    referrals = tables.table("cindetails", "CINREFERRALDATE", "REFERRALNFA")
    old = dates("CINREFERRALDATE") < cutoff
    return failing(referrals, "cindetails", old & ~pl.col("REFERRALNFA").is_in(NO).fill_null(False))


@BOOK.check
def closed_as_died_without_death_date(tables: ReturnTables) -> pl.DataFrame:
    """8585Q: a child with a referral closed RC2 (died) has a PersonDeathDate."""
    died = tables.table("cindetails", "REASONFORCLOSURE").filter(
        pl.col("REASONFORCLOSURE").str.to_uppercase() == DIED
    )
    no_date = _identifiers(tables, "PERSONDEATHDATE").filter(dates("PERSONDEATHDATE").is_null())
    return combined(
        failing(died.join(no_date.select(CHILD), on=CHILD, how="semi"), "cindetails"),
        failing(no_date.join(died.select(CHILD), on=CHILD, how="semi"), "childidentifiers"),
    )
