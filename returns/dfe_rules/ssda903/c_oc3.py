"""SSDA903 rules 500 and above on OC3 (care leavers' activity and accommodation) and on data
returned for children with no episodes this year, including checks against last year."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing, nothing
from . import BOOK
from .support import (
    SHORT_BREAKS,
    any_given,
    years_after,
)
from .support_c import (
    ADOPTED,
    CARE_LEAVER_FIELDS,
    children_with_episodes,
    episodes,
    failing_other,
    header,
    last_year_episodes,
    looked_after_in_year,
)


def _oc3(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("oc3", "DOB", *CARE_LEAVER_FIELDS).with_columns(
        dates("DOB").alias("DOB_D"), any_given(*CARE_LEAVER_FIELDS).alias("GIVEN")
    )


@BOOK.check
def care_leaver_information_for_child_who_died(tables: ReturnTables) -> pl.DataFrame:
    """1000: a child recorded as having died in care (REC E2, this year or last) has no care
    leaver information. Only this year's and last year's returns can be checked."""
    died = pl.concat(
        [
            episodes(tables).filter(pl.col("REC") == "E2").select(CHILD),
            last_year_episodes(tables).filter(pl.col("REC") == "E2").select(CHILD),
        ]
    )[CHILD].unique()
    frame = _oc3(tables)
    return failing(frame, "oc3", pl.col("GIVEN") & pl.col(CHILD).is_in(died.implode()))


@BOOK.check
def care_leaver_information_while_still_looked_after(tables: ReturnTables) -> pl.DataFrame:
    """1007: a young person aged 17 or 18 at 31 March who is still looked after (an episode
    with no DEC or REC) has no care leaver information."""
    still = episodes(tables).filter(pl.col("DEC").is_null() | pl.col("REC").is_null())
    frame = _oc3(tables).join(still.select(CHILD, ROW), on=CHILD, how="inner", suffix="_EP")
    aged_17_or_18 = (years_after("DOB_D", 17) <= tables.year_end) & (
        years_after("DOB_D", 19) > tables.year_end
    )
    frame = frame.filter(aged_17_or_18 & pl.col("GIVEN"))
    return combined(
        failing(frame, "oc3"),
        failing_other(frame, "episodes", f"{ROW}_EP"),
    )


@BOOK.check
def care_leaver_with_open_episode_last_year_and_none_this_year(
    tables: ReturnTables,
) -> pl.DataFrame:
    """1010: a care leaver whose last episode in last year's return was still open has
    episodes this year."""
    if not tables.has_previous("episodes") or not tables.has("episodes"):
        return nothing()
    open_last = last_year_episodes(tables).filter(pl.col("LAST") & pl.col("DEC").is_null())
    frame = _oc3(tables)
    mask = (
        pl.col("GIVEN")
        & pl.col(CHILD).is_in(open_last[CHILD].unique().implode())
        & ~pl.col(CHILD).is_in(children_with_episodes(tables).implode())
    )
    return failing(frame, "oc3", mask)


@BOOK.check
def care_leaver_information_after_transfer_to_another_la(tables: ReturnTables) -> pl.DataFrame:
    """1011: a child whose final episode ended with care transferred to another local
    authority (REC E3) has no care leaver information."""
    transferred = episodes(tables).filter(pl.col("LAST") & (pl.col("REC") == "E3"))[CHILD]
    frame = _oc3(tables)
    return failing(frame, "oc3", pl.col("GIVEN") & pl.col(CHILD).is_in(transferred.implode()))


@BOOK.check
def other_data_for_child_with_no_episodes(tables: ReturnTables) -> pl.DataFrame:
    """1012: a child with no episodes this year has no placed for adoption, missing, review,
    adoption, previous permanence or OC2 records."""
    if not tables.has("episodes"):
        return nothing()
    with_episodes = children_with_episodes(tables).implode()
    found = [
        failing(tables.table(name), name, ~pl.col(CHILD).is_in(with_episodes))
        for name in ("placedadoption", "missing", "reviews", "ad1", "prevperm", "oc2")
    ]
    return combined(*found)


@BOOK.check
def uasc_information_for_care_leaver(tables: ReturnTables) -> pl.DataFrame:
    """1014: a care leaver not looked after during the year (OC3 given) has no UASC record."""
    if not tables.has("episodes"):
        return nothing()
    leavers = _oc3(tables).filter(
        pl.col("GIVEN") & ~pl.col(CHILD).is_in(looked_after_in_year(tables).implode())
    )
    uasc = tables.table("uasc").join(leavers.select(CHILD, ROW), on=CHILD, suffix="_OC3")
    return combined(
        failing(uasc, "uasc"),
        failing_other(uasc, "oc3", f"{ROW}_OC3"),
    )


@BOOK.check
def care_leaver_around_17th_birthday_with_former_foster_carer(
    tables: ReturnTables,
) -> pl.DataFrame:
    """3001: a young person whose 17th birthday falls in the year is not recorded as living
    with former foster carers (ACCOM Z1, Z2)."""
    frame = _oc3(tables)
    seventeenth = years_after("DOB_D", 17)
    mask = pl.col("ACCOM").is_in(["Z1", "Z2"]) & seventeenth.is_between(
        tables.year_start, tables.year_end
    )
    return failing(frame, "oc3", mask)


@BOOK.check
def care_leaver_information_with_no_episodes_of_care(tables: ReturnTables) -> pl.DataFrame:
    """1002: a young person with care leaver information has episodes of care in this year's
    or last year's return. Only those two returns can be checked, so a child whose care ended
    earlier may be reported."""
    if not tables.has("episodes") or not tables.has_previous("episodes"):
        return nothing()
    ever = pl.concat([episodes(tables).select(CHILD), last_year_episodes(tables).select(CHILD)])[
        CHILD
    ].unique()
    frame = _oc3(tables)
    return failing(frame, "oc3", pl.col("GIVEN") & ~pl.col(CHILD).is_in(ever.implode()))


@BOOK.check
def care_leaver_information_for_17_or_18_leaving_care_after_birthday(
    tables: ReturnTables,
) -> pl.DataFrame:
    """1016: a young person aged 17 or 18 at 31 March who ceased to be looked after on or
    after their 17th birthday (an episode's DEC) has no care leaver information."""
    ended = episodes(tables).filter(pl.col("DEC_D").is_not_null()).select(CHILD, "DEC_D")
    frame = _oc3(tables).join(ended, on=CHILD, how="inner")
    aged_17_or_18 = (years_after("DOB_D", 17) <= tables.year_end) & (
        years_after("DOB_D", 19) > tables.year_end
    )
    left_after_17 = pl.col("DEC_D") >= years_after("DOB_D", 17)
    return failing(frame, "oc3", pl.col("GIVEN") & aged_17_or_18 & left_after_17)


@BOOK.check
def care_leaver_not_relevant_or_former_relevant(tables: ReturnTables) -> pl.DataFrame:
    """1001: a young person with care leaver information is a relevant or former relevant
    child: looked after (other than short breaks, V3/V4) for at least 13 weeks (91 days) since
    their 14th birthday, at least a day of it after their 16th, and not adopted at the end of
    their last episode. Only this year's and last year's returns can be counted, so young
    people aged 20 or over at 31 March are left out and one whose care was earlier may be
    reported; a young person with no episodes in either return is 1002's."""
    if not tables.has("episodes") or not tables.has_previous("episodes"):
        return nothing()
    columns = (CHILD, "LS", "REC", "DECOM_D", "DEC_D")
    both = (
        pl.concat([episodes(tables).select(columns), last_year_episodes(tables).select(columns)])
        .drop_nulls("DECOM_D")
        # The same episode in both returns: keep the version that has its end date.
        .sort([CHILD, "DECOM_D", pl.col("DEC_D").is_null()])
        .filter(
            ~(
                (pl.col(CHILD) == pl.col(CHILD).shift(1))
                & (pl.col("DECOM_D") == pl.col("DECOM_D").shift(1))
            ).fill_null(False)
        )
    )
    final = (pl.col(CHILD) != pl.col(CHILD).shift(-1)).fill_null(True)
    both = both.with_columns(
        pl.when(final & pl.col("DEC_D").is_null())
        .then(pl.lit(tables.year_end))
        .otherwise(pl.col("DEC_D"))
        .alias("UNTIL"),
        pl.when(final).then(pl.col("REC")).alias("FINAL_REC"),
    )
    born = header(tables).select(CHILD, "DOB_D").drop_nulls("DOB_D").unique(CHILD)
    counted = both.join(born, on=CHILD, how="inner").filter(
        ~pl.col("LS").is_in(SHORT_BREAKS) | pl.col("LS").is_null()
    )

    def days_since(birthday: int) -> pl.Expr:
        start = pl.max_horizontal("DECOM_D", years_after("DOB_D", birthday))
        return (pl.col("UNTIL") - start).dt.total_days().clip(lower_bound=0).fill_null(0)

    totals = counted.group_by(CHILD).agg(
        days_since(14).sum().alias("SINCE_14"), days_since(16).sum().alias("SINCE_16")
    )
    adopted = both.filter(pl.col("FINAL_REC").is_in(ADOPTED))[CHILD]
    under_20 = born.filter(years_after("DOB_D", 20) > tables.year_end)[CHILD]
    frame = (
        _oc3(tables)
        .join(totals, on=CHILD, how="left")
        .with_columns(pl.col("SINCE_14").fill_null(0), pl.col("SINCE_16").fill_null(0))
    )
    relevant = (pl.col("SINCE_14") >= 91) & (pl.col("SINCE_16") >= 1)
    with_episodes = pl.col(CHILD).is_in(both[CHILD].unique().implode())
    mask = (
        pl.col("GIVEN")
        & with_episodes
        & pl.col(CHILD).is_in(under_20.implode())
        & (pl.col(CHILD).is_in(adopted.implode()) | ~relevant)
    )
    return failing(frame, "oc3", mask)
