"""SSDA903 rules 500 and above on OC2: the outcomes of children looked after continuously for
12 months at 31 March (convictions, health checks), by the child's age at 31 March."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, dates, failing
from . import BOOK
from .support import (
    any_blank,
    looked_after_12_months,
)
from .support_c import (
    age_at_least,
)

HEALTH_FIELDS = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")


def _oc2(tables: ReturnTables) -> pl.DataFrame:
    """OC2 with DOB as a date and whether the child is in the 12-month cohort (CLA)."""
    cohort = looked_after_12_months(tables)[CHILD]
    return tables.table("oc2", "DOB", "CONVICTED", "HEALTH_CHECK", *HEALTH_FIELDS).with_columns(
        dates("DOB").alias("DOB_D"),
        pl.col(CHILD).is_in(cohort.implode()).alias("CLA"),
    )


def _aged(years: int, tables: ReturnTables) -> pl.Expr:
    return age_at_least("DOB_D", years, tables.year_end)


@BOOK.check
def conviction_recorded_for_under_ten(tables: ReturnTables) -> pl.DataFrame:
    """542: a child aged under 10 at 31 March has no CONVICTED."""
    frame = _oc2(tables)
    return failing(frame, "oc2", ~_aged(10, tables) & pl.col("CONVICTED").is_not_null())


@BOOK.check
def conviction_missing_for_ten_or_over(tables: ReturnTables) -> pl.DataFrame:
    """543: a child aged 10 or over at 31 March, looked after continuously for 12 months, has
    CONVICTED."""
    frame = _oc2(tables)
    mask = _aged(10, tables) & pl.col("CLA") & pl.col("CONVICTED").is_null()
    return failing(frame, "oc2", mask)


@BOOK.check
def convicted_without_health_fields(tables: ReturnTables) -> pl.DataFrame:
    """544: a child with CONVICTED 1 has IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT and
    SUBSTANCE_MISUSE completed."""
    frame = _oc2(tables)
    return failing(frame, "oc2", (pl.col("CONVICTED") == "1") & any_blank(*HEALTH_FIELDS))


@BOOK.check
def health_promotion_missing_for_under_five(tables: ReturnTables) -> pl.DataFrame:
    """545: a child aged under 5 at 31 March, looked after continuously for 12 months, has
    HEALTH_CHECK."""
    frame = _oc2(tables)
    mask = ~_aged(5, tables) & pl.col("CLA") & pl.col("HEALTH_CHECK").is_null()
    return failing(frame, "oc2", mask)


@BOOK.check
def health_promotion_recorded_for_five_or_over(tables: ReturnTables) -> pl.DataFrame:
    """546: a child aged 5 or over at 31 March, looked after continuously for 12 months, has no
    HEALTH_CHECK."""
    frame = _oc2(tables)
    mask = _aged(5, tables) & pl.col("CLA") & pl.col("HEALTH_CHECK").is_not_null()
    return failing(frame, "oc2", mask)


@BOOK.check
def health_promotion_without_health_fields(tables: ReturnTables) -> pl.DataFrame:
    """547: a child with HEALTH_CHECK 1 has IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT and
    SUBSTANCE_MISUSE completed."""
    frame = _oc2(tables)
    return failing(frame, "oc2", (pl.col("HEALTH_CHECK") == "1") & any_blank(*HEALTH_FIELDS))
