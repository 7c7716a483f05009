"""SSDA903 rules 300-499 on dates and ages: a child's date of birth against the collection
year, and the child's age when an episode started or ended."""

from __future__ import annotations

from datetime import date

import polars as pl

from ..engine import CHILD, ReturnTables, combined, dates, failing
from . import BOOK
from .support import (
    day,
    years_after,
)
from .support_b import (
    episodes,
    header,
    sequence,
)

# --- the header -------------------------------------------------------------------------------


@BOOK.check
def birth_after_year_end(tables: ReturnTables) -> pl.DataFrame:
    """301: DOB must be on or before the end of the collection year."""
    return failing(header(tables), "header", pl.col("DOB_D") > day(tables.year_end))


@BOOK.check
def over_21_at_year_start(tables: ReturnTables) -> pl.DataFrame:
    """351: the child must not be over 21 at the start of the collection year (their 21st
    birthday is on or after its first day)."""
    return failing(header(tables), "header", years_after("DOB_D", 21) < day(tables.year_start))


@BOOK.check
def first_episode_before_birth(tables: ReturnTables) -> pl.DataFrame:
    """302: the child's first episode must not start before their date of birth (episode
    and header both reported)."""
    first = sequence(tables).filter(pl.col("FIRST") & (pl.col("DECOM_D") < pl.col("DOB_D")))
    children = first.select(CHILD)
    rows = header(tables).join(children, on=CHILD, how="semi")
    return combined(failing(first, "episodes"), failing(rows, "header"))


# --- episodes: dates ----------------------------------------------------------------------------


@BOOK.check
def episode_before_october_1991(tables: ReturnTables) -> pl.DataFrame:
    """353: no episode may start before 14 October 1991 (the Children Act 1989 in force)."""
    return failing(episodes(tables), "episodes", pl.col("DECOM_D") < day(date(1991, 10, 14)))


@BOOK.check
def episode_starts_after_year_end(tables: ReturnTables) -> pl.DataFrame:
    """354: DECOM must be on or before the end of the collection year."""
    return failing(episodes(tables), "episodes", pl.col("DECOM_D") > day(tables.year_end))


@BOOK.check
def episode_under_a_day(tables: ReturnTables) -> pl.DataFrame:
    """355: an episode should not start and end on the same day."""
    return failing(episodes(tables), "episodes", pl.col("DECOM_D") == pl.col("DEC_D"))


@BOOK.check
def episode_ends_before_start(tables: ReturnTables) -> pl.DataFrame:
    """356: DEC, where given, must not be before DECOM."""
    return failing(episodes(tables), "episodes", pl.col("DEC_D") < pl.col("DECOM_D"))


@BOOK.check
def episode_ends_after_year_end(tables: ReturnTables) -> pl.DataFrame:
    """385: DEC must be on or before the end of the collection year."""
    return failing(episodes(tables), "episodes", pl.col("DEC_D") > day(tables.year_end))


@BOOK.check
def freeing_order_after_2005(tables: ReturnTables) -> pl.DataFrame:
    """445: LS D1 (freed for adoption) is not valid for an episode starting after 31 December
    2005 (freeing orders were replaced by placement orders)."""
    late = (pl.col("LS") == "D1") & (pl.col("DECOM_D") > day(date(2005, 12, 31)))
    return failing(episodes(tables), "episodes", late)


@BOOK.check
def placement_order_before_december_2005(tables: ReturnTables) -> pl.DataFrame:
    """446: LS E1 (placement order) is not valid for an episode starting before 1 December
    2005."""
    early = (pl.col("LS") == "E1") & (pl.col("DECOM_D") < day(date(2005, 12, 1)))
    return failing(episodes(tables), "episodes", early)


# --- episodes: the child's age ------------------------------------------------------------------


@BOOK.check
def started_care_aged_18(tables: ReturnTables) -> pl.DataFrame:
    """352: a child who started to be looked after (RNE S) must have been under 18 then."""
    late = (pl.col("RNE") == "S") & (pl.col("DECOM_D") >= years_after("DOB_D", 18))
    return failing(episodes(tables), "episodes", late)


@BOOK.check
def youth_justice_status_under_10(tables: ReturnTables) -> pl.DataFrame:
    """358: LS J1, J2 or J3 needs the child to have been 10 or over when the episode began
    (DOB at least 10 years before DECOM); episode and header reported."""
    young = pl.col("LS").is_in(["J1", "J2", "J3"]) & (years_after("DOB_D", 10) > pl.col("DECOM_D"))
    return _with_header(tables, episodes(tables).filter(young))


@BOOK.check
def looked_after_past_18_not_in_community_home(tables: ReturnTables) -> pl.DataFrame:
    """359: an episode still open at the year end for a child who was 18 before it ended
    must be under LS V2 (section 20(5)) in placement K2 (a children's home)."""
    adult = years_after("DOB_D", 18) < day(tables.year_end)
    allowed = (pl.col("LS") == "V2") & (pl.col("PLACE") == "K2")
    return failing(
        episodes(tables), "episodes", adult & pl.col("DEC").is_null() & ~allowed.fill_null(False)
    )


def _placed_too_young(tables: ReturnTables, place: str, years: int) -> pl.DataFrame:
    """Episodes in placement `place` that began before the child's birthday `years`."""
    young = (pl.col("PLACE") == place) & (pl.col("DECOM_D") < years_after("DOB_D", years))
    return failing(episodes(tables), "episodes", young)


@BOOK.check
def independent_living_under_16(tables: ReturnTables) -> pl.DataFrame:
    """370 (from 2023/24, when the age rose from 15 to 16): a child placed in independent
    living (P2) must be 16 or over at DECOM. P2 is withdrawn from 2025/26; episodes that began
    with it before then are still checked."""
    return _placed_too_young(tables, "P2", 16)


@BOOK.check
def supported_accommodation_under_16(tables: ReturnTables) -> pl.DataFrame:
    """371 (from 2024/25, when it moved from semi-independent living H5 at 14 to supported
    accommodation K3 at 16): a child placed in supported accommodation (K3) must be 16 or
    over at DECOM."""
    return _placed_too_young(tables, "K3", 16)


@BOOK.check
def youth_custody_under_10(tables: ReturnTables) -> pl.DataFrame:
    """372: a child placed in youth custody or prison (R5) must be 10 or over at DECOM."""
    return _placed_too_young(tables, "R5", 10)


@BOOK.check
def school_placement_under_4(tables: ReturnTables) -> pl.DataFrame:
    """373: a child placed in a school (S1) must be 4 or over at DECOM."""
    return _placed_too_young(tables, "S1", 4)


@BOOK.check
def residential_employment_under_14(tables: ReturnTables) -> pl.DataFrame:
    """374: a child placed in residential employment (P3) must be 14 or over at DECOM."""
    return _placed_too_young(tables, "P3", 14)


def _ceased_at_age(tables: ReturnTables, reasons: list[str], under: bool, years: int) -> pl.Expr:
    """REC is one of `reasons` and the episode ended before (`under`) or on/after the
    child's birthday `years`."""
    birthday = years_after("DOB_D", years)
    age_test = pl.col("DEC_D") < birthday if under else pl.col("DEC_D") >= birthday
    return pl.col("REC").is_in(reasons) & age_test


@BOOK.check
def adopted_aged_18(tables: ReturnTables) -> pl.DataFrame:
    """386: a child adopted (REC E11 or E12) must have been under 18 when the episode ended."""
    return failing(episodes(tables), "episodes", _ceased_at_age(tables, ["E11", "E12"], False, 18))


@BOOK.check
def independent_living_at_leaving_under_14(tables: ReturnTables) -> pl.DataFrame:
    """387: a child who moved into independent living (REC E5 or E6) must have been 14 or
    over when the episode ended."""
    return failing(episodes(tables), "episodes", _ceased_at_age(tables, ["E5", "E6"], True, 14))


@BOOK.check
def adult_social_care_under_16(tables: ReturnTables) -> pl.DataFrame:
    """389: a child transferred to adult social care (REC E7) must have been 16 or over when
    the episode ended."""
    return failing(episodes(tables), "episodes", _ceased_at_age(tables, ["E7"], True, 16))


@BOOK.check
def special_guardianship_aged_18(tables: ReturnTables) -> pl.DataFrame:
    """407: a child who left on a special guardianship order (REC E45-E48) must have been
    under 18 when the episode ended (DOB less than 18 years before DEC)."""
    reasons = ["E45", "E46", "E47", "E48"]
    return _with_header(tables, episodes(tables).filter(_ceased_at_age(tables, reasons, False, 18)))


@BOOK.check
def stayed_put_under_18(tables: ReturnTables) -> pl.DataFrame:
    """460: a child who stayed with their carers at 18 or over (REC E17) must have been 18
    or over when the episode ended."""
    return failing(episodes(tables), "episodes", _ceased_at_age(tables, ["E17"], True, 18))


# --- UASC -----------------------------------------------------------------------------------------


@BOOK.check
def uasc_ceased_after_18(tables: ReturnTables) -> pl.DataFrame:
    """304: the date UASC status ceased (DUC) must be on or before the child's 18th
    birthday."""
    uasc = tables.table("uasc", "DOB", "DUC").with_columns(
        dates("DOB").alias("DOB_D"), dates("DUC").alias("DUC_D")
    )
    return failing(uasc, "uasc", pl.col("DUC_D") > years_after("DOB_D", 18))


def _with_header(tables: ReturnTables, failed_episodes: pl.DataFrame) -> pl.DataFrame:
    """The failing episodes, and the header rows of their children."""
    rows = header(tables).join(failed_episodes.select(CHILD).unique(), on=CHILD, how="semi")
    return combined(failing(failed_episodes, "episodes"), failing(rows, "header"))
