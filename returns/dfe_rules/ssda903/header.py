"""Rules on the header table: one row per child, their characteristics."""

from __future__ import annotations

import polars as pl

from ..engine import ReturnTables, dates, failing
from . import BOOK


@BOOK.check
def sex_code_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """101: SEX is 1 (male) or 2 (female)."""
    header = tables.table("header", "SEX")
    return failing(header, "header", ~pl.col("SEX").is_in(["1", "2"]) | pl.col("SEX").is_null())


@BOOK.check
def date_of_birth_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """102: DOB is a real date."""
    header = tables.table("header", "DOB")
    return failing(header, "header", dates("DOB").is_null())
