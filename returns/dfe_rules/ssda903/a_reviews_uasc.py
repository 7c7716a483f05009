"""Rules 100-299 on the reviews table (dates of reviews, how the child took part), the uasc
table (unaccompanied asylum-seeking children) and the header's mother status."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, dates, failing
from . import BOOK
from .support import (
    SHORT_BREAKS,
    blank,
    day,
    given,
)

PARTICIPATION_CODES = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")


@BOOK.check
def review_date_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """166: REVIEW is a real date (a blank fails)."""
    reviews = tables.table("reviews", "REVIEW")
    return failing(reviews, "reviews", dates("REVIEW").is_null())


@BOOK.check
def participation_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """167: a review (REVIEW given) has a valid REVIEW_CODE; a row with no REVIEW has no
    REVIEW_CODE either."""
    reviews = tables.table("reviews", "REVIEW", "REVIEW_CODE")
    valid_code = pl.col("REVIEW_CODE").is_in(PARTICIPATION_CODES).fill_null(False)
    right = (given("REVIEW") & valid_code) | (blank("REVIEW") & blank("REVIEW_CODE"))
    return failing(reviews, "reviews", ~right)


@BOOK.check
def uasc_ceased_date_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """104: DUC, when given, is a real date not before 1 April of the collection year."""
    uasc = tables.table("uasc", "DUC")
    ceased = dates("DUC")
    wrong = (given("DUC") & ceased.is_null()) | (ceased < day(tables.year_start)).fill_null(False)
    return failing(uasc, "uasc", wrong)


@BOOK.check
def mother_status_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """165: for a child with episodes other than short breaks (LS V3, V4), MOTHER, when
    given, is 0 or 1 and the child is not male (SEX M), and a girl (SEX F) looked after during
    the year has MOTHER. (The DfE's case of a care leaver with no episode this year is rule
    628's.)"""
    header = tables.table("header", "SEX", "MOTHER")
    episodes = tables.table("episodes", "DECOM", "DEC", "LS").filter(
        ~pl.col("LS").is_in(SHORT_BREAKS).fill_null(False)
    )
    start, end = day(tables.year_start), day(tables.year_end)
    during_year = ((dates("DECOM") <= end) & (dates("DEC").fill_null(end) >= start)).fill_null(
        False
    )
    looked_after = episodes.group_by(CHILD).agg(during_year.any().alias("in_year"))
    children = header.join(looked_after, on=CHILD, how="inner")
    wrong = (
        (given("MOTHER") & ~pl.col("MOTHER").is_in(("0", "1")))
        | (given("MOTHER") & (pl.col("SEX") == "M"))
        | (blank("MOTHER") & (pl.col("SEX") == "F") & pl.col("in_year"))
    ).fill_null(False)
    return failing(children, "header", wrong)
