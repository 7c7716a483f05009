"""SSDA903 rules 500 and above on the header: whether a child is a mother and the date of birth
of her first child, against the episodes and last year's header."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing, nothing
from . import BOOK
from .support import (
    FEMALE,
    SHORT_BREAKS,
    any_given,
    years_after,
)
from .support_c import (
    CARE_LEAVER_FIELDS,
    ceased_care,
    children_with_episodes,
    episodes,
    failing_other,
    header,
    in_year,
)


@BOOK.check
def left_care_without_mother_status(tables: ReturnTables) -> pl.DataFrame:
    """607: a girl who ceased to be looked after in the year (DEC in the year, REC not X1, LS
    not V3 or V4) has MOTHER completed."""
    ceased = episodes(tables).filter(
        ceased_care()
        & in_year("DEC_D", tables)
        & (~pl.col("LS").is_in(SHORT_BREAKS) | pl.col("LS").is_null())
    )
    frame = ceased.join(header(tables), on=CHILD, how="inner", suffix="_HDR")
    frame = frame.filter(pl.col("SEX").is_in(FEMALE) & pl.col("MOTHER").is_null())
    return combined(
        failing(frame, "episodes"),
        failing_other(frame, "header", f"{ROW}_HDR"),
    )


@BOOK.check
def mother_without_childs_date_of_birth(tables: ReturnTables) -> pl.DataFrame:
    """611: where MOTHER is 1, MC_DOB is given."""
    frame = header(tables)
    return failing(frame, "header", (pl.col("MOTHER") == "1") & pl.col("MC_DOB").is_null())


@BOOK.check
def childs_date_of_birth_without_mother(tables: ReturnTables) -> pl.DataFrame:
    """612: a girl whose MOTHER is 0 or blank has no MC_DOB."""
    frame = header(tables)
    not_mother = (pl.col("MOTHER") == "0") | pl.col("MOTHER").is_null()
    mask = pl.col("SEX").is_in(FEMALE) & not_mother & pl.col("MC_DOB").is_not_null()
    return failing(frame, "header", mask)


@BOOK.check
def mother_under_eleven(tables: ReturnTables) -> pl.DataFrame:
    """620: a child recorded as a mother (MOTHER 1) was 11 or over at the start of the year."""
    frame = header(tables)
    mask = (pl.col("MOTHER") == "1") & (years_after("DOB_D", 11) > tables.year_start)
    return failing(frame, "header", mask)


@BOOK.check
def mother_younger_than_her_child(tables: ReturnTables) -> pl.DataFrame:
    """621: MC_DOB, where given, is after the mother's own DOB."""
    frame = header(tables)
    return failing(frame, "header", pl.col("MC_DOB_D") <= pl.col("DOB_D"))


@BOOK.check
def childs_date_of_birth_changed(tables: ReturnTables) -> pl.DataFrame:
    """624: where last year's header gave MC_DOB, this year's MC_DOB is the same."""
    if not tables.has_previous("header"):
        return nothing()
    last = (
        tables.last_year("header", "MC_DOB")
        .filter(pl.col("MC_DOB").is_not_null())
        .select(CHILD, pl.col("MC_DOB").alias("MC_DOB_LAST"))
    )
    frame = header(tables).join(last, on=CHILD, how="inner")
    same = (pl.col("MC_DOB_D") == dates("MC_DOB_LAST")).fill_null(False) | (
        pl.col("MC_DOB") == pl.col("MC_DOB_LAST")
    ).fill_null(False)
    return failing(frame, "header", ~same)


@BOOK.check
def childs_date_of_birth_after_year_or_care_ended(tables: ReturnTables) -> pl.DataFrame:
    """625: MC_DOB is not after the end of the year, nor after the DEC of the child's latest
    episode."""
    latest = episodes(tables).filter(pl.col("LAST")).select(CHILD, ROW, "DEC_D")
    frame = header(tables).join(latest, on=CHILD, how="left", suffix="_EP")
    frame = frame.filter(
        (pl.col("MC_DOB_D") > tables.year_end) | (pl.col("MC_DOB_D") > pl.col("DEC_D"))
    )
    with_episode = frame.filter(pl.col(f"{ROW}_EP").is_not_null())
    return combined(
        failing(frame, "header"),
        failing_other(with_episode, "episodes", f"{ROW}_EP"),
    )


@BOOK.check
def mother_status_contradicts_last_year(tables: ReturnTables) -> pl.DataFrame:
    """626: a child recorded as a mother this year but not last year (MOTHER 0) has an MC_DOB
    within this year, not before it."""
    if not tables.has_previous("header"):
        return nothing()
    last = tables.last_year("header", "MOTHER").select(CHILD, pl.col("MOTHER").alias("MOTHER_LAST"))
    frame = header(tables).join(last, on=CHILD, how="inner")
    mask = (
        (pl.col("MOTHER") == "1")
        & (pl.col("MOTHER_LAST") == "0")
        & (pl.col("MC_DOB_D") < tables.year_start)
    )
    return failing(frame, "header", mask)


@BOOK.check
def mother_status_for_care_leaver_not_looked_after(tables: ReturnTables) -> pl.DataFrame:
    """628: a care leaver with no episode this year (OC3 given) has no MOTHER."""
    if not tables.has("episodes"):
        return nothing()
    leavers = tables.table("oc3", *CARE_LEAVER_FIELDS).filter(any_given(*CARE_LEAVER_FIELDS))
    frame = header(tables)
    mask = (
        pl.col("MOTHER").is_not_null()
        & pl.col(CHILD).is_in(leavers[CHILD].unique().implode())
        & ~pl.col(CHILD).is_in(children_with_episodes(tables).implode())
    )
    return failing(frame, "header", mask)
