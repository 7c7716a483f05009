"""SSDA903 rules 500 and above on adoption: the adopters (AD1), the decisions that a child should
be placed for adoption (placedadoption) and how both agree with the episodes and last year."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing, nothing
from . import BOOK
from .support import (
    any_blank,
    any_given,
)
from .support_c import (
    ADOPTED,
    ADOPTION_FIELDS,
    PLACED_FOR_ADOPTION,
    ceased_care,
    episodes,
    failing_other,
    in_year,
)

COUPLES = ("MM", "FF", "MF")
SAME_SEX_COUPLES = ("MM", "FF")
SINGLE = ("M1", "F1")


def _ad1(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("ad1", *ADOPTION_FIELDS).with_columns(dates("DATE_INT").alias("INT_D"))


def _placed(tables: ReturnTables) -> pl.DataFrame:
    return tables.table(
        "placedadoption", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"
    ).with_columns(
        dates("DATE_PLACED").alias("PLACED_D"), dates("DATE_PLACED_CEASED").alias("CEASED_D")
    )


def _last_years_placed(tables: ReturnTables) -> pl.DataFrame:
    return tables.last_year(
        "placedadoption", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"
    ).with_columns(dates("DATE_PLACED").alias("PLACED_D"))


def _adopters_sex_not(tables: ReturnTables, status: str, allowed: tuple[str, ...]) -> pl.DataFrame:
    frame = tables.table("ad1", "LS_ADOPTR", "SEX_ADOPTR")
    mask = (pl.col("LS_ADOPTR") == status) & ~pl.col("SEX_ADOPTR").is_in(allowed).fill_null(False)
    return failing(frame, "ad1", mask)


@BOOK.check
def two_adopters_recorded_as_single(tables: ReturnTables) -> pl.DataFrame:
    """511: where NB_ADOPTR is 2, SEX_ADOPTR is a couple (MM, FF or MF), not M1 or F1."""
    frame = tables.table("ad1", "NB_ADOPTR", "SEX_ADOPTR")
    return failing(frame, "ad1", (pl.col("NB_ADOPTR") == "2") & pl.col("SEX_ADOPTR").is_in(SINGLE))


@BOOK.check
def single_adopter_recorded_as_couple(tables: ReturnTables) -> pl.DataFrame:
    """514: where LS_ADOPTR is L0 (single adopter), SEX_ADOPTR is M1 or F1."""
    return _adopters_sex_not(tables, "L0", SINGLE)


@BOOK.check
def unmarried_different_sex_couple_not_mf(tables: ReturnTables) -> pl.DataFrame:
    """517: where LS_ADOPTR is L3, SEX_ADOPTR is MF."""
    return _adopters_sex_not(tables, "L3", ("MF",))


@BOOK.check
def unmarried_same_sex_couple_not_same_sex(tables: ReturnTables) -> pl.DataFrame:
    """518: where LS_ADOPTR is L4, SEX_ADOPTR is MM or FF."""
    return _adopters_sex_not(tables, "L4", SAME_SEX_COUPLES)


@BOOK.check
def civil_partners_not_a_couple(tables: ReturnTables) -> pl.DataFrame:
    """519: where LS_ADOPTR is L2 (civil partnership), SEX_ADOPTR is a couple."""
    return _adopters_sex_not(tables, "L2", COUPLES)


@BOOK.check
def married_different_sex_couple_not_mf(tables: ReturnTables) -> pl.DataFrame:
    """520: where LS_ADOPTR is L11 (married, different sex), SEX_ADOPTR is MF."""
    return _adopters_sex_not(tables, "L11", ("MF",))


@BOOK.check
def married_same_sex_couple_not_same_sex(tables: ReturnTables) -> pl.DataFrame:
    """524: where LS_ADOPTR is L12 (married, same sex), SEX_ADOPTR is MM or FF."""
    return _adopters_sex_not(tables, "L12", SAME_SEX_COUPLES)


@BOOK.check
def best_interest_decision_after_placed_for_adoption(tables: ReturnTables) -> pl.DataFrame:
    """521: DATE_INT is on or before the start of every episode placing the child for
    adoption (PLACE A3 to A6)."""
    placed = episodes(tables).filter(pl.col("PLACE").is_in(PLACED_FOR_ADOPTION))
    frame = placed.join(_ad1(tables), on=CHILD, how="inner", suffix="_AD1")
    frame = frame.filter(pl.col("INT_D") > pl.col("DECOM_D"))
    return combined(failing(frame, "episodes"), failing_other(frame, "ad1", f"{ROW}_AD1"))


@BOOK.check
def placement_decision_ceased_before_it_was_made(tables: ReturnTables) -> pl.DataFrame:
    """522: DATE_PLACED is on or before DATE_PLACED_CEASED."""
    frame = _placed(tables)
    return failing(frame, "placedadoption", pl.col("CEASED_D") < pl.col("PLACED_D"))


@BOOK.check
def placement_decision_differs_from_best_interest_decision(tables: ReturnTables) -> pl.DataFrame:
    """523: DATE_PLACED is the same date as DATE_INT, where both are given."""
    frame = _placed(tables).join(_ad1(tables), on=CHILD, how="inner", suffix="_AD1")
    frame = frame.filter(pl.col("PLACED_D") != pl.col("INT_D"))
    return combined(
        failing(frame, "placedadoption"),
        failing_other(frame, "ad1", f"{ROW}_AD1"),
    )


@BOOK.check
def adopted_after_placement_decision_reversed(tables: ReturnTables) -> pl.DataFrame:
    """525: a child whose decision to be placed for adoption was reversed (DATE_PLACED_CEASED)
    has none of the adoption fields completed."""
    frame = _placed(tables).join(_ad1(tables), on=CHILD, how="inner", suffix="_AD1")
    frame = frame.filter(pl.col("DATE_PLACED_CEASED").is_not_null() & any_given(*ADOPTION_FIELDS))
    return combined(
        failing(frame, "placedadoption"),
        failing_other(frame, "ad1", f"{ROW}_AD1"),
    )


@BOOK.check
def placed_for_adoption_without_decision(tables: ReturnTables) -> pl.DataFrame:
    """551: a child placed for adoption (PLACE A3 to A6) has a DATE_PLACED."""
    if not tables.has("placedadoption"):
        return nothing()
    decided = _placed(tables).filter(pl.col("DATE_PLACED").is_not_null())[CHILD].unique()
    frame = episodes(tables)
    mask = pl.col("PLACE").is_in(PLACED_FOR_ADOPTION) & ~pl.col(CHILD).is_in(decided.implode())
    return failing(frame, "episodes", mask)


@BOOK.check
def placement_decision_after_placed_for_adoption(tables: ReturnTables) -> pl.DataFrame:
    """552: the latest DATE_PLACED is on or before the start of the child's first placement
    for adoption (PLACE A3 to A6)."""
    first_placed = (
        episodes(tables)
        .filter(pl.col("PLACE").is_in(PLACED_FOR_ADOPTION) & pl.col("DECOM_D").is_not_null())
        .group_by(CHILD)
        .agg(pl.all().sort_by("DECOM_D").first())
    )
    latest_decision = (
        _placed(tables)
        .filter(pl.col("PLACED_D").is_not_null())
        .group_by(CHILD)
        .agg(pl.all().sort_by("PLACED_D").last())
    )
    frame = first_placed.join(latest_decision, on=CHILD, how="inner", suffix="_PA")
    frame = frame.filter(pl.col("DECOM_D") < pl.col("PLACED_D"))
    return combined(
        failing(frame, "episodes"),
        failing_other(frame, "placedadoption", f"{ROW}_PA"),
    )


def _order_without_decision(tables: ReturnTables, legal_status: str) -> pl.DataFrame:
    """553/555: every episode under the order has a placedadoption record for the child, and
    none of them is marked ceased while an episode under the order is still open."""
    if not tables.has("placedadoption"):
        return nothing()
    placed = _placed(tables)
    frame = episodes(tables).filter(pl.col("LS") == legal_status)
    no_record = frame.filter(~pl.col(CHILD).is_in(placed[CHILD].unique().implode()))
    open_children = frame.filter(pl.col("DEC").is_null())[CHILD].unique()
    ceased = placed.filter(
        pl.col(CHILD).is_in(open_children.implode())
        & any_given("DATE_PLACED_CEASED", "REASON_PLACED_CEASED")
    )
    return combined(failing(no_record, "episodes"), failing(ceased, "placedadoption"))


@BOOK.check
def placement_order_without_decision(tables: ReturnTables) -> pl.DataFrame:
    """553: a child under a placement order (LS E1) has a decision that they should be placed
    for adoption, not marked ceased while the order's episode is open."""
    return _order_without_decision(tables, "E1")


@BOOK.check
def freeing_order_without_decision(tables: ReturnTables) -> pl.DataFrame:
    """555: a child under a freeing order (LS D1) has a decision that they should be placed
    for adoption, not marked ceased while the order's episode is open."""
    return _order_without_decision(tables, "D1")


@BOOK.check
def placement_decision_after_freeing_order(tables: ReturnTables) -> pl.DataFrame:
    """556: DATE_PLACED is on or before the start of each freeing order episode (LS D1)."""
    frame = (
        episodes(tables)
        .filter(pl.col("LS") == "D1")
        .join(_placed(tables).select(CHILD, "PLACED_D"), on=CHILD, how="inner")
    )
    return failing(frame, "episodes", pl.col("PLACED_D") > pl.col("DECOM_D"))


@BOOK.check
def left_care_not_adopted_without_decision_ceased(tables: ReturnTables) -> pl.DataFrame:
    """557: a child placed for adoption (PLACE A3-A6) or under a placement order (LS E1) who
    left care other than by adoption has DATE_PLACED_CEASED and REASON_PLACED_CEASED (freeing
    orders, D1, are no longer part of the condition from 2024/25)."""
    if not tables.has("placedadoption"):
        return nothing()
    left = episodes(tables).filter(
        (pl.col("PLACE").is_in(PLACED_FOR_ADOPTION) | (pl.col("LS") == "E1"))
        & ceased_care()
        & ~pl.col("REC").is_in(ADOPTED)
    )
    frame = left.join(_placed(tables), on=CHILD, how="left", suffix="_PA")
    frame = frame.filter(any_blank("DATE_PLACED_CEASED", "REASON_PLACED_CEASED"))
    with_record = frame.filter(pl.col(f"{ROW}_PA").is_not_null())
    return combined(
        failing(frame, "episodes"),
        failing_other(with_record, "placedadoption", f"{ROW}_PA"),
    )


@BOOK.check
def adopted_with_decision_ceased(tables: ReturnTables) -> pl.DataFrame:
    """558: an adopted child (REC E11, E12) has no DATE_PLACED_CEASED."""
    ceased = _placed(tables).filter(pl.col("DATE_PLACED_CEASED").is_not_null())[CHILD].unique()
    frame = episodes(tables)
    mask = pl.col("REC").is_in(ADOPTED) & pl.col(CHILD).is_in(ceased.implode())
    return failing(frame, "episodes", mask)


@BOOK.check
def earlier_placement_decision_not_in_last_years_return(tables: ReturnTables) -> pl.DataFrame:
    """559: a DATE_PLACED before this year was recorded in last year's return."""
    if not tables.has_previous("placedadoption"):
        return nothing()
    recorded = _last_years_placed(tables).filter(pl.col("DATE_PLACED").is_not_null())
    frame = _placed(tables)
    mask = (pl.col("PLACED_D") < tables.year_start) & ~pl.col(CHILD).is_in(
        recorded[CHILD].unique().implode()
    )
    return failing(frame, "placedadoption", mask)


@BOOK.check
def open_placement_decision_date_changed(tables: ReturnTables) -> pl.DataFrame:
    """560: where last year's decision was open (DATE_PLACED given, not ceased), this year's
    DATE_PLACED is the same."""
    if not tables.has_previous("placedadoption"):
        return nothing()
    last = _last_years_placed(tables).filter(
        pl.col("DATE_PLACED").is_not_null() & pl.col("DATE_PLACED_CEASED").is_null()
    )
    frame = _placed(tables).join(last.select(CHILD, "PLACED_D"), on=CHILD, suffix="_LAST")
    return failing(frame, "placedadoption", pl.col("PLACED_D").ne_missing(pl.col("PLACED_D_LAST")))


@BOOK.check
def ceased_placement_decision_reported_again(tables: ReturnTables) -> pl.DataFrame:
    """561: where this year's DATE_PLACED is last year's, last year's decision had not
    ceased (no DATE_PLACED_CEASED or REASON_PLACED_CEASED)."""
    if not tables.has_previous("placedadoption"):
        return nothing()
    last = _last_years_placed(tables).filter(
        any_given("DATE_PLACED_CEASED", "REASON_PLACED_CEASED")
    )
    frame = _placed(tables).join(last.select(CHILD, "PLACED_D"), on=CHILD, suffix="_LAST")
    return failing(frame, "placedadoption", pl.col("PLACED_D") == pl.col("PLACED_D_LAST"))


@BOOK.check
def ceased_decision_without_decision_date(tables: ReturnTables) -> pl.DataFrame:
    """563: where REASON_PLACED_CEASED and DATE_PLACED_CEASED are given, so is DATE_PLACED."""
    frame = _placed(tables)
    mask = (
        pl.col("REASON_PLACED_CEASED").is_not_null()
        & pl.col("DATE_PLACED_CEASED").is_not_null()
        & pl.col("DATE_PLACED").is_null()
    )
    return failing(frame, "placedadoption", mask)


@BOOK.check
def placement_decisions_overlap(tables: ReturnTables) -> pl.DataFrame:
    """579: a new decision that the child should be placed for adoption starts only after the
    previous one has ceased, and not before its DATE_PLACED_CEASED."""
    frame = _placed(tables).sort([CHILD, "PLACED_D", ROW], nulls_last=True)
    frame = frame.with_columns(
        pl.col("CEASED_D").shift(1).over(CHILD).alias("PREV_CEASED"),
        (pl.int_range(pl.len()).over(CHILD) > 0).alias("LATER"),
    )
    mask = pl.col("LATER") & (
        pl.col("PREV_CEASED").is_null() | (pl.col("PLACED_D") < pl.col("PREV_CEASED"))
    )
    return failing(frame, "placedadoption", mask)


def _adoptions_in_year(tables: ReturnTables) -> pl.DataFrame:
    return episodes(tables).filter(pl.col("REC").is_in(ADOPTED) & in_year("DEC_D", tables))


@BOOK.check
def adopted_without_adoption_details(tables: ReturnTables) -> pl.DataFrame:
    """601: a child adopted during the year (REC E11, E12 with DEC in the year) has every
    adoption field completed (AD1)."""
    if not tables.has("ad1"):
        return nothing()
    frame = _adoptions_in_year(tables).join(_ad1(tables), on=CHILD, how="left", suffix="_AD1")
    frame = frame.filter(any_blank(*ADOPTION_FIELDS))
    with_record = frame.filter(pl.col(f"{ROW}_AD1").is_not_null())
    return combined(
        failing(frame, "episodes"),
        failing_other(with_record, "ad1", f"{ROW}_AD1"),
    )


@BOOK.check
def adoption_details_without_adoption(tables: ReturnTables) -> pl.DataFrame:
    """602: a child with adoption details (AD1) was adopted during the year (REC E11, E12
    with DEC in the year)."""
    adopted = _adoptions_in_year(tables)[CHILD].unique()
    frame = _ad1(tables)
    mask = any_given(*ADOPTION_FIELDS) & ~pl.col(CHILD).is_in(adopted.implode())
    return failing(frame, "ad1", mask)


@BOOK.check
def placement_decision_before_care_began(tables: ReturnTables) -> pl.DataFrame:
    """1003: DATE_PLACED is not before the start of the child's first episode with RNE S."""
    first_start = (
        episodes(tables)
        .filter((pl.col("RNE") == "S") & pl.col("DECOM_D").is_not_null())
        .group_by(CHILD)
        .agg(pl.all().sort_by("DECOM_D").first())
    )
    frame = first_start.join(_placed(tables), on=CHILD, how="inner", suffix="_PA")
    frame = frame.filter(pl.col("PLACED_D") < pl.col("DECOM_D"))
    return combined(
        failing(frame, "episodes"),
        failing_other(frame, "placedadoption", f"{ROW}_PA"),
    )


@BOOK.check
def adopted_the_day_matched(tables: ReturnTables) -> pl.DataFrame:
    """582 (a query): a child who ceased to be looked after by adoption (REC E11, E12) was
    not adopted on the day recorded for being matched with the adopters (AD1 DATE_MATCH):
    matching comes first in almost every case. The adoption episode and the AD1 row are
    reported."""
    matched = _ad1(tables).select(
        CHILD, pl.col(ROW).alias(f"{ROW}_AD1"), dates("DATE_MATCH").alias("MATCH_D")
    )
    frame = (
        episodes(tables)
        .filter(pl.col("REC").is_in(ADOPTED))
        .join(matched, on=CHILD, how="inner")
        .filter(pl.col("DEC_D") == pl.col("MATCH_D"))
    )
    return combined(failing(frame, "episodes"), failing_other(frame, "ad1", f"{ROW}_AD1"))
