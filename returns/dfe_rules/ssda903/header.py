"""Rules on the header table: one row per child, their characteristics."""

from __future__ import annotations

from datetime import date

import polars as pl

from ..engine import CHILD, ReturnTables, combined, dates, failing
from . import BOOK
from .support import (
    day,
    given,
    years_after,
)
from .support_a import (
    not_a_date,
)

# The child's reported sex: M, F or U (unknown), since 2024/25 (1 and 2 before).
SEX_CODES = ("M", "F", "U")
MALE = "M"


@BOOK.check
def sex_code_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """101: SEX is M, F or U (a blank fails). The DfE replaced the codes 1 and 2 with M, F
    and U from 2024/25."""
    header = tables.table("header", "SEX")
    return failing(header, "header", ~pl.col("SEX").is_in(SEX_CODES).fill_null(False))


@BOOK.check
def sex_reported_unknown(tables: ReturnTables) -> pl.DataFrame:
    """232: SEX is not U (unknown). A lower-case u is not a code of the year: 101 reports it,
    as it reports a lower-case m or f (one mistake, one finding)."""
    header = tables.table("header", "SEX")
    return failing(header, "header", pl.col("SEX") == "U")


@BOOK.check
def young_uasc(tables: ReturnTables) -> pl.DataFrame:
    """231: a child whose UASC_STATUS is 1 was born more than 11 years before 31 March (a
    header without UASC_STATUS is not checked)."""
    header = tables.table("header", "DOB", "UASC_STATUS")
    under_11 = years_after(dates("DOB"), 11) > day(tables.year_end)
    return failing(header, "header", (pl.col("UASC_STATUS") == "1") & under_11)


@BOOK.check
def date_of_birth_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """102: DOB is a real date."""
    header = tables.table("header", "DOB")
    return failing(header, "header", dates("DOB").is_null())


ETHNIC_CODES = (
    "WBRI",
    "WIRI",
    "WOTH",
    "WIRT",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
)
# A UPN: a check letter (not I, O or S), then 12 digits, or 11 digits and a letter; or one of
# the codes for an unknown UPN, UN1 to UN5.
UPN_PATTERN = r"^([A-HJ-NP-RT-Z](\d{12}|\d{11}[A-Z])|UN[1-5])$"


@BOOK.check
def ethnicity_code_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """103: ETHNIC is one of the DfE's ethnicity codes (a blank fails)."""
    header = tables.table("header", "ETHNIC")
    return failing(header, "header", ~pl.col("ETHNIC").is_in(ETHNIC_CODES).fill_null(False))


@BOOK.check
def upn_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """168: a UPN given is a valid UPN or one of UN1-UN5."""
    header = tables.table("header", "UPN")
    return failing(header, "header", given("UPN") & ~pl.col("UPN").str.contains(UPN_PATTERN))


@BOOK.check
def mothers_child_birth_date_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """171: MC_DOB, when given, is a real date."""
    header = tables.table("header", "MC_DOB")
    return failing(header, "header", not_a_date("MC_DOB"))


@BOOK.check
def male_with_mothers_child_birth_date(tables: ReturnTables) -> pl.DataFrame:
    """174: a male child (SEX M) has no MC_DOB."""
    header = tables.table("header", "SEX", "MC_DOB")
    return failing(header, "header", (pl.col("SEX") == MALE) & given("MC_DOB"))


@BOOK.check
def school_age_with_upn_un1(tables: ReturnTables) -> pl.DataFrame:
    """209: UPN is not UN1 when the child was 4 or over on 31 August of the year before the
    collection year began (31/08/2024 for 2025/26)."""
    header = tables.table("header", "DOB", "UPN")
    reference = day(date(tables.year_start.year - 1, 8, 31))
    school_age = years_after(dates("DOB"), 4) <= reference
    return failing(header, "header", (pl.col("UPN") == "UN1") & school_age)


@BOOK.check
def looked_after_a_week_with_upn_un4(tables: ReturnTables) -> pl.DataFrame:
    """210: a child whose UPN is UN4 has no episode starting on or after 24 March of the
    collection year (UN4: the child arrived too recently for a UPN to be found)."""
    header = tables.table("header", "UPN").filter(pl.col("UPN") == "UN4")
    late = day(date(tables.collection_year, 3, 24))
    episodes = tables.table("episodes", "DECOM").filter(dates("DECOM") >= late)
    both = episodes.join(header, on=CHILD, how="inner", suffix="_header")
    return combined(
        failing(both, "episodes"),
        failing(both.select(pl.col("_row_header").alias("_row"), CHILD), "header"),
    )


UNKNOWN_UPNS = ("UN1", "UN2", "UN3", "UN4", "UN5")


@BOOK.check
def upn_repeated(tables: ReturnTables) -> pl.DataFrame:
    """444 (new in 2025/26): a UPN other than an unknown code (UN1-UN5) belongs to one child
    of the return; every header row sharing one fails (compared ignoring case, as 208
    compares a UPN with last year's)."""
    header = tables.table("header", "UPN").with_columns(
        pl.col("UPN").str.to_uppercase().alias("_upn")
    )
    known = pl.col("_upn").is_not_null() & ~pl.col("_upn").is_in(UNKNOWN_UPNS)
    return failing(header, "header", known & (pl.len().over("_upn") > 1))
