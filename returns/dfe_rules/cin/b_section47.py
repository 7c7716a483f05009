"""CIN census rules on the Section 47 module (an enquiry and its initial child protection
conference), codes 8600 and above."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ReturnTables, combined, failing
from . import BOOK
from .support import is_false, is_true
from .support_b import (
    cin_table,
    earliest_start_within,
    outside_census_year,
    reference_date,
    starting_during_another,
)

SATURDAY = 6  # polars numbers the days of the week from Monday = 1


@BOOK.check
def s47_start_missing_or_after_conference(tables: ReturnTables) -> pl.DataFrame:
    """8615: where DateOfInitialCPC is present, S47ActualStartDate is present and on or
    before it."""
    section47 = cin_table(tables, "section47")
    start, conference = pl.col("S47ACTUALSTARTDATE"), pl.col("DATEOFINITIALCPC")
    return failing(
        section47,
        "section47",
        conference.is_not_null() & (start.is_null() | (start > conference)),
    )


@BOOK.check
def conference_outside_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8715: where present, DateOfInitialCPC (Section 47 module) is within the census year."""
    section47 = cin_table(tables, "section47")
    return failing(section47, "section47", outside_census_year("DATEOFINITIALCPC", tables))


@BOOK.check
def open_s47_start_outside_census_year(tables: ReturnTables) -> pl.DataFrame:
    """8740: an enquiry with no DateOfInitialCPC and ICPCnotRequired false has an
    S47ActualStartDate within the census year."""
    section47 = cin_table(tables, "section47")
    return failing(
        section47,
        "section47",
        pl.col("DATEOFINITIALCPC").is_null()
        & is_false("ICPCNOTREQUIRED")
        & outside_census_year("S47ACTUALSTARTDATE", tables),
    )


@BOOK.check
def two_open_s47_enquiries(tables: ReturnTables) -> pl.DataFrame:
    """8839: within one CIN details group, at most one Section 47 enquiry has no
    DateOfInitialCPC without ICPCnotRequired being true (an enquiry still open)."""
    section47 = cin_table(tables, "section47")
    still_open = section47.filter(
        pl.col("DATEOFINITIALCPC").is_null() & ~is_true("ICPCNOTREQUIRED")
    )
    return failing(still_open, "section47", pl.len().over(CHILD, "CINDETAILSID") > 1)


@BOOK.check
def conference_on_a_weekend(tables: ReturnTables) -> pl.DataFrame:
    """8875: where present, DateOfInitialCPC (Section 47 module) is not a Saturday or
    Sunday."""
    section47 = cin_table(tables, "section47")
    weekday = pl.col("DATEOFINITIALCPC").dt.weekday()
    return failing(section47, "section47", (weekday >= SATURDAY).fill_null(False))


@BOOK.check
def conference_target_on_a_weekend(tables: ReturnTables) -> pl.DataFrame:
    """8870Q: where present, InitialCPCtarget is not a Saturday or Sunday."""
    section47 = cin_table(tables, "section47")
    weekday = pl.col("INITIALCPCTARGET").dt.weekday()
    return failing(section47, "section47", (weekday >= SATURDAY).fill_null(False))


@BOOK.check
def s47_starts_during_another(tables: ReturnTables) -> pl.DataFrame:
    """8890: within one CIN details group, no S47ActualStartDate falls on or between another
    enquiry's start and its DateOfInitialCPC, or (for an enquiry with no conference date and
    ICPCnotRequired not true) the reference date."""
    section47 = cin_table(tables, "section47")
    conference = pl.col("DATEOFINITIALCPC")
    ends = pl.coalesce(conference, reference_date(tables))
    counts = conference.is_not_null() | ~is_true("ICPCNOTREQUIRED")
    found = starting_during_another(
        section47, "S47ACTUALSTARTDATE", ends, counts, [CHILD, "CINDETAILSID"]
    )
    return failing(found, "section47")


@BOOK.check
def closed_episode_with_s47_not_completed(tables: ReturnTables) -> pl.DataFrame:
    """8868: where CINclosureDate is present, every Section 47 enquiry of the group has a
    DateOfInitialCPC or ICPCnotRequired true. (The open validator also fails an enquiry with
    both; the DfE's condition asks for one or the other, so only neither fails here.)"""
    keys = [CHILD, "CINDETAILSID"]
    closed = cin_table(tables, "cindetails").filter(pl.col("CINCLOSUREDATE").is_not_null())
    unfinished = (
        cin_table(tables, "section47")
        .filter(pl.col("DATEOFINITIALCPC").is_null() & ~is_true("ICPCNOTREQUIRED"))
        .join(closed.select(keys).unique(), on=keys, how="semi")
    )
    return combined(
        failing(unfinished, "section47"),
        failing(closed.join(unfinished.select(keys).unique(), on=keys, how="semi"), "cindetails"),
    )


# An initial child protection conference should be held within 15 working days of the
# enquiry's start.
CONFERENCE_WORKING_DAYS = 15


@BOOK.check
def s47_open_beyond_15_working_days(tables: ReturnTables) -> pl.DataFrame:
    """8675Q: an enquiry with no DateOfInitialCPC and ICPCnotRequired false did not start
    before the reference date minus 15 working days."""
    section47 = cin_table(tables, "section47")
    cutoff = earliest_start_within(tables.year_end, CONFERENCE_WORKING_DAYS)
    late = (
        pl.col("DATEOFINITIALCPC").is_null()
        & is_false("ICPCNOTREQUIRED")
        & (pl.col("S47ACTUALSTARTDATE") < cutoff).fill_null(False)
    )
    return failing(section47, "section47", late)
