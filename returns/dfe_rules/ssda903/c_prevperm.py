"""SSDA903 rules 500 and above on prevperm: the permanence order (adoption, special
guardianship, child arrangements) a child had before starting to be looked after."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, failing, nothing
from . import BOOK
from .support import (
    any_blank,
)
from .support_c import (
    episodes,
    failing_other,
)

PREVIOUS_PERMANENCE = ("P1", "P2", "P3", "P4", "Z1")
# DATE_PERM: dd/mm/yyyy, where an unknown day, or day and month, or the whole date is ZZ.
_DATE_PERM = r"^(\d{2}|ZZ)/(\d{2}|ZZ)/(\d{4}|ZZZZ)$"


def _prevperm(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("prevperm", "PREV_PERM", "LA_PERM", "DATE_PERM")


def _latest_possible_date_perm() -> pl.Expr:
    """The latest day DATE_PERM can mean (the month's or year's last day where the day, or the
    day and month, are ZZ); null where it is not a valid date or partial date, or all ZZ."""
    parts = pl.col("DATE_PERM").str.extract_groups(_DATE_PERM)
    day, month, year = (parts.struct.field(str(n)) for n in (1, 2, 3))
    shape_ok = ~((day != "ZZ") & (month == "ZZ")) & (year != "ZZZZ")
    first = pl.concat_str(
        pl.when(day == "ZZ").then(pl.lit("01")).otherwise(day),
        pl.when(month == "ZZ").then(pl.lit("01")).otherwise(month),
        year,
        separator="/",
    ).str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    latest = (
        pl.when(month == "ZZ")
        .then(first.dt.offset_by("1y").dt.offset_by("-1d"))
        .when(day == "ZZ")
        .then(first.dt.month_end())
        .otherwise(first)
    )
    return pl.when(shape_ok).then(latest)


@BOOK.check
def previous_permanence_not_returned(tables: ReturnTables) -> pl.DataFrame:
    """630: a child who started to be looked after this year (RNE S, DECOM in the year) has a
    prevperm record with PREV_PERM, and LA_PERM and DATE_PERM unless PREV_PERM is Z1."""
    if not tables.has("prevperm"):
        return nothing()
    started = episodes(tables).filter(
        (pl.col("RNE") == "S") & (pl.col("DECOM_D") >= tables.year_start)
    )
    frame = started.join(_prevperm(tables), on=CHILD, how="left", suffix="_PP")
    mask = (
        pl.col(f"{ROW}_PP").is_null()
        | pl.col("PREV_PERM").is_null()
        | ((pl.col("PREV_PERM") != "Z1") & any_blank("LA_PERM", "DATE_PERM"))
    )
    return failing(frame, "episodes", mask)


@BOOK.check
def previous_permanence_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """631: PREV_PERM, where given, is P1, P2, P3, P4 or Z1."""
    frame = _prevperm(tables)
    mask = pl.col("PREV_PERM").is_not_null() & ~pl.col("PREV_PERM").is_in(PREVIOUS_PERMANENCE)
    return failing(frame, "prevperm", mask)


@BOOK.check
def previous_permanence_date_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """632: DATE_PERM, where given, is a date (dd/mm/yyyy, the day, the day and month, or all
    of it ZZ where unknown) before the start of the child's first episode."""
    first = episodes(tables).filter(pl.col("FIRST")).select(CHILD, ROW, "DECOM_D")
    frame = (
        _prevperm(tables)
        .filter(pl.col("DATE_PERM").is_not_null())
        .with_columns(_latest_possible_date_perm().alias("PERM_D"))
        .join(first, on=CHILD, how="left", suffix="_EP")
    )
    unknown = pl.col("DATE_PERM") == "ZZ/ZZ/ZZZZ"
    not_valid = pl.col("PERM_D").is_null() & ~unknown
    too_late = (pl.col("PERM_D") >= pl.col("DECOM_D")).fill_null(False)
    frame = frame.filter(not_valid | too_late)
    with_episode = frame.filter(too_late & pl.col(f"{ROW}_EP").is_not_null())
    return combined(
        failing(frame, "prevperm"),
        failing_other(with_episode, "episodes", f"{ROW}_EP"),
    )


@BOOK.check
def previous_permanence_for_child_not_starting_care(tables: ReturnTables) -> pl.DataFrame:
    """634: previous permanence entries are only for children with an episode starting this
    year (their latest DECOM on or after the start of the year); the child's episodes are
    reported with the entry."""
    frame = episodes(tables).with_columns(pl.col("DECOM_D").max().over(CHILD).alias("LATEST_DECOM"))
    frame = frame.join(_prevperm(tables), on=CHILD, how="inner", suffix="_PP")
    frame = frame.filter(any_entry() & (pl.col("LATEST_DECOM") < tables.year_start))
    return combined(failing(frame, "episodes"), failing_other(frame, "prevperm", f"{ROW}_PP"))


def any_entry() -> pl.Expr:
    return pl.any_horizontal(
        [pl.col(c).is_not_null() for c in ("PREV_PERM", "LA_PERM", "DATE_PERM")]
    )


@BOOK.check
def previous_permanence_details_with_no_order(tables: ReturnTables) -> pl.DataFrame:
    """635: where LA_PERM or DATE_PERM is given, so is PREV_PERM (the DfE's condition tests a
    blank PREV_PERM, though its message speaks of Z1)."""
    frame = _prevperm(tables)
    details = pl.col("LA_PERM").is_not_null() | pl.col("DATE_PERM").is_not_null()
    return failing(frame, "prevperm", details & pl.col("PREV_PERM").is_null())
