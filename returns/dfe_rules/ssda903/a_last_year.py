"""Rules 100-299 comparing a child's header with last year's return: what cannot change from
one year to the next (sex, date of birth, ethnicity, UPN, having been a mother). A child not in
last year's header, or a return uploaded without last year's, is not compared."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, dates, failing
from . import BOOK

UNKNOWN_UPN_LATER = ("UN2", "UN3", "UN4", "UN5")
UNKNOWN_UPN = ("UN1", *UNKNOWN_UPN_LATER)


def _with_last_year(tables: ReturnTables, column: str) -> pl.DataFrame:
    """This year's header rows of children also in last year's, with last year's `column` as
    ``LAST``."""
    header = tables.table("header", column)
    last = (
        tables.last_year("header", column)
        .select(CHILD, pl.col(column).alias("LAST"))
        .unique(CHILD, keep="first")
    )
    return header.join(last, on=CHILD, how="inner")


@BOOK.check
def sex_differs_from_last_year(tables: ReturnTables) -> pl.DataFrame:
    """202: SEX is the same as last year's."""
    both = _with_last_year(tables, "SEX")
    return failing(both, "header", pl.col("SEX").ne_missing(pl.col("LAST")))


@BOOK.check
def date_of_birth_differs_from_last_year(tables: ReturnTables) -> pl.DataFrame:
    """203: DOB is the same date as last year's."""
    both = _with_last_year(tables, "DOB")
    return failing(both, "header", dates("DOB").ne_missing(dates("LAST")))


@BOOK.check
def ethnicity_differs_from_last_year(tables: ReturnTables) -> pl.DataFrame:
    """204: ETHNIC is the same as last year's (ignoring case)."""
    both = _with_last_year(tables, "ETHNIC")
    differs = pl.col("ETHNIC").str.to_uppercase().ne_missing(pl.col("LAST").str.to_uppercase())
    return failing(both, "header", differs)


@BOOK.check
def mother_status_differs_from_last_year(tables: ReturnTables) -> pl.DataFrame:
    """207: a child recorded last year as a mother (MOTHER 1) is still recorded as one."""
    both = _with_last_year(tables, "MOTHER")
    no_longer = (pl.col("LAST") == "1") & pl.col("MOTHER").ne_missing(pl.lit("1"))
    return failing(both, "header", no_longer)


@BOOK.check
def upn_differs_from_last_year(tables: ReturnTables) -> pl.DataFrame:
    """208: UPN is the same as last year's (ignoring case), except that an unknown UPN may
    become known, a blank or UN1 may become UN2-UN5, and a blank may become UN1."""
    both = _with_last_year(tables, "UPN").with_columns(
        pl.col("UPN").str.to_uppercase().alias("now"), pl.col("LAST").str.to_uppercase()
    )
    now, last = pl.col("now"), pl.col("LAST")
    was_unknown = last.is_in(UNKNOWN_UPN).fill_null(True)
    now_known = now.is_not_null() & ~now.is_in(UNKNOWN_UPN)
    allowed = (
        (was_unknown & now_known)
        | ((last.is_null() | (last == "UN1")) & now.is_in(UNKNOWN_UPN_LATER)).fill_null(False)
        | (last.is_null() & (now == "UN1")).fill_null(False)
    )
    return failing(both, "header", now.ne_missing(last) & ~allowed)
