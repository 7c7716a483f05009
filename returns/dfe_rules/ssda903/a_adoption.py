"""Rules 100-299 on adoption: the AD1 table (children adopted in the year) and the
placedadoption table (decisions that a child should, or should no longer, be placed for
adoption)."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing
from . import BOOK
from .support import (
    SHORT_BREAKS,
    all_given,
    any_given,
    day,
    given,
)
from .support_a import (
    code_not_in,
    not_a_date,
)

AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
FOSTER_CARE_CODES = ("0", "1")
NUMBER_OF_ADOPTERS = ("1", "2")
SEX_OF_ADOPTERS = ("M1", "F1", "MM", "FF", "MF")
LEGAL_STATUS_OF_ADOPTERS = ("L0", "L11", "L12", "L2", "L3", "L4")
REASONS_PLACED_CEASED = ("RD1", "RD2", "RD3", "RD4")


def _rows_of(frame: pl.DataFrame, row: str) -> pl.DataFrame:
    """A join's rows as another table's rows: its ``row`` column as ``_row``."""
    return frame.select(pl.col(row).alias(ROW), CHILD)


@BOOK.check
def date_should_be_placed_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """112: DATE_INT, when given, is a real date."""
    return failing(tables.table("ad1", "DATE_INT"), "ad1", not_a_date("DATE_INT"))


@BOOK.check
def date_matched_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """113: DATE_MATCH, when given, is a real date."""
    return failing(tables.table("ad1", "DATE_MATCH"), "ad1", not_a_date("DATE_MATCH"))


@BOOK.check
def former_carers_status_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """114: FOSTER_CARE, when given, is 0 or 1."""
    ad1 = tables.table("ad1", "FOSTER_CARE")
    return failing(ad1, "ad1", code_not_in("FOSTER_CARE", FOSTER_CARE_CODES))


@BOOK.check
def date_placed_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """115: DATE_PLACED, when given, is a real date."""
    placed = tables.table("placedadoption", "DATE_PLACED")
    return failing(placed, "placedadoption", not_a_date("DATE_PLACED"))


@BOOK.check
def date_placed_ceased_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """116: DATE_PLACED_CEASED, when given, is a real date."""
    placed = tables.table("placedadoption", "DATE_PLACED_CEASED")
    return failing(placed, "placedadoption", not_a_date("DATE_PLACED_CEASED"))


@BOOK.check
def adoption_decision_after_year_or_care(tables: ReturnTables) -> pl.DataFrame:
    """117: DATE_PLACED and DATE_PLACED_CEASED are not after 31 March, nor after the DEC of
    the child's latest episode whose REC is not X1."""
    placed = tables.table("placedadoption", "DATE_PLACED", "DATE_PLACED_CEASED").with_columns(
        dates("DATE_PLACED").alias("placed"), dates("DATE_PLACED_CEASED").alias("ceased")
    )
    latest = (
        tables.table("episodes", "DECOM", "DEC", "REC")
        .with_columns(dates("DECOM").alias("start"), dates("DEC").alias("end"))
        .filter(pl.col("start").is_not_null() & (pl.col("REC") != "X1").fill_null(True))
        .sort(CHILD, "start")
        .group_by(CHILD, maintain_order=True)
        .last()
        .select(CHILD, pl.col(ROW).alias("episode_row"), "end")
    )
    both = placed.join(latest, on=CHILD, how="left")
    year_end = day(tables.year_end)
    late = pl.lit(False)
    for decision in ("placed", "ceased"):
        late = late | (pl.col(decision) > year_end).fill_null(False)
        late = late | (pl.col(decision) > pl.col("end")).fill_null(False)
    wrong = both.filter(late)
    return combined(
        failing(wrong, "placedadoption"),
        failing(
            _rows_of(wrong.filter(pl.col("episode_row").is_not_null()), "episode_row"), "episodes"
        ),
    )


@BOOK.check
def adoption_decision_reversed_too_early(tables: ReturnTables) -> pl.DataFrame:
    """118: DATE_PLACED_CEASED, when given, is not before 1 April of the year, nor before the
    DECOM of the child's earliest episode other than short breaks (LS V3, V4)."""
    placed = tables.table("placedadoption", "DATE_PLACED_CEASED").with_columns(
        dates("DATE_PLACED_CEASED").alias("ceased")
    )
    earliest = (
        tables.table("episodes", "DECOM", "LS")
        .with_columns(dates("DECOM").alias("start"))
        .filter(pl.col("start").is_not_null() & ~pl.col("LS").is_in(SHORT_BREAKS).fill_null(False))
        .sort(CHILD, "start")
        .group_by(CHILD, maintain_order=True)
        .first()
        .select(CHILD, pl.col(ROW).alias("episode_row"), "start")
    )
    both = placed.join(earliest, on=CHILD, how="left")
    early = (pl.col("ceased") < day(tables.year_start)) | (
        pl.col("ceased") < pl.col("start")
    ).fill_null(False)
    wrong = both.filter(early.fill_null(False))
    return combined(
        failing(wrong, "placedadoption"),
        failing(
            _rows_of(wrong.filter(pl.col("episode_row").is_not_null()), "episode_row"), "episodes"
        ),
    )


@BOOK.check
def reversal_date_and_reason_not_both_given(tables: ReturnTables) -> pl.DataFrame:
    """119: DATE_PLACED_CEASED and REASON_PLACED_CEASED are both given or both blank."""
    placed = tables.table("placedadoption", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")
    return failing(
        placed, "placedadoption", given("DATE_PLACED_CEASED") != given("REASON_PLACED_CEASED")
    )


@BOOK.check
def reason_placed_ceased_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """120: REASON_PLACED_CEASED, when given, is RD1-RD4."""
    placed = tables.table("placedadoption", "REASON_PLACED_CEASED")
    return failing(
        placed, "placedadoption", code_not_in("REASON_PLACED_CEASED", REASONS_PLACED_CEASED)
    )


@BOOK.check
def adoption_data_for_care_leaver(tables: ReturnTables) -> pl.DataFrame:
    """134: a child with care leaver (OC3) information has no adoption (AD1) information."""
    ad1 = tables.table("ad1", *AD1_ITEMS).filter(any_given(*AD1_ITEMS))
    leavers = tables.table("oc3", *OC3_ITEMS).filter(any_given(*OC3_ITEMS)).select(CHILD).unique()
    return failing(ad1.join(leavers, on=CHILD, how="semi"), "ad1")


@BOOK.check
def adoption_items_partly_given(tables: ReturnTables) -> pl.DataFrame:
    """151: the AD1 items (DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR,
    LS_ADOPTR) are all given or all blank."""
    ad1 = tables.table("ad1", *AD1_ITEMS)
    return failing(ad1, "ad1", any_given(*AD1_ITEMS) & ~all_given(*AD1_ITEMS))


@BOOK.check
def number_of_adopters_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """175: NB_ADOPTR, when given, is 1 or 2."""
    ad1 = tables.table("ad1", "NB_ADOPTR")
    return failing(ad1, "ad1", code_not_in("NB_ADOPTR", NUMBER_OF_ADOPTERS))


@BOOK.check
def sex_of_adopters_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """176: SEX_ADOPTR, when given, is M1, F1, MM, FF or MF."""
    ad1 = tables.table("ad1", "SEX_ADOPTR")
    return failing(ad1, "ad1", code_not_in("SEX_ADOPTR", SEX_OF_ADOPTERS))


@BOOK.check
def legal_status_of_adopters_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """177: LS_ADOPTR, when given, is L0, L11, L12, L2, L3 or L4."""
    ad1 = tables.table("ad1", "LS_ADOPTR")
    return failing(ad1, "ad1", code_not_in("LS_ADOPTR", LEGAL_STATUS_OF_ADOPTERS))


@BOOK.check
def adoption_decision_before_birth(tables: ReturnTables) -> pl.DataFrame:
    """184: DATE_PLACED is not before the child's DOB."""
    placed = tables.table("placedadoption", "DATE_PLACED")
    born = tables.table("header", "DOB").select(CHILD, dates("DOB").alias("born"))
    both = placed.join(born, on=CHILD, how="inner")
    return failing(both, "placedadoption", dates("DATE_PLACED") < pl.col("born"))
