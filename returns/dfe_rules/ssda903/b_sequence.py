"""SSDA903 rules 300-499 on the order of a child's episodes: how each begins given the one
before (RNE), how long legal statuses and temporary placements last, and short breaks."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from ..engine import CHILD, ReturnTables, failing
from . import BOOK
from .support import (
    SHORT_BREAKS,
    TEMPORARY_PLACEMENTS,
    day,
)
from .support_b import (
    end_or_year_end,
    episodes,
    legal_status_runs,
    same_placement,
    sequence,
)

# REC codes that end a period of care (every reason but X1, "a new episode begins").
LEFT_CARE = (
    "E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11", "E12", "E13", "E14",
    "E15", "E16", "E17", "E41", "E45", "E46", "E47", "E48",
)  # fmt: skip
CONTINUING = ("P", "L", "T", "U", "B")  # RNE codes of an episode that continues a period


def _after_another(tables: ReturnTables) -> pl.DataFrame:
    """Episodes that have an episode before them for the same child."""
    return sequence(tables).filter(~pl.col("FIRST"))


# --- how an episode begins ------------------------------------------------------------------


@BOOK.check
def first_episode_not_started_care(tables: ReturnTables) -> pl.DataFrame:
    """357: a child's first episode, where it began in the collection year, must have RNE S
    (an episode before it, from an earlier year, may be missing from the return)."""
    first = pl.col("FIRST") & (pl.col("DECOM_D") >= day(tables.year_start))
    return failing(sequence(tables), "episodes", first & pl.col("RNE").ne_missing("S"))


@BOOK.check
def started_care_same_day_previous_ended(tables: ReturnTables) -> pl.DataFrame:
    """431: an episode with RNE S (started to be looked after) must begin after the day the
    episode before it ended."""
    return failing(
        _after_another(tables),
        "episodes",
        (pl.col("RNE") == "S") & (pl.col("DECOM_D") <= pl.col("PREV_DEC_D")),
    )


@BOOK.check
def left_care_but_not_started_again(tables: ReturnTables) -> pl.DataFrame:
    """432: where the episode before ended with the child leaving care (REC other than X1),
    the next episode's RNE must be S."""
    return failing(
        _after_another(tables),
        "episodes",
        pl.col("PREV_REC").is_in(LEFT_CARE) & pl.col("RNE").ne_missing("S"),
    )


@BOOK.check
def continuation_not_on_same_day(tables: ReturnTables) -> pl.DataFrame:
    """433: an episode continuing a period of care (RNE P, L, T, U or B) must begin on the
    day the episode before it ended."""
    return failing(
        _after_another(tables),
        "episodes",
        pl.col("RNE").is_in(CONTINUING) & pl.col("PREV_DEC_D").ne_missing(pl.col("DECOM_D")),
    )


@BOOK.check
def legal_status_change_not_shown(tables: ReturnTables) -> pl.DataFrame:
    """434: RNE L (legal status changed, placement did not) needs LS to differ from the
    episode before and PLACE, PL_POST, URN and PLACE_PROVIDER to be the same."""
    wrong = pl.col("LS").eq_missing(pl.col("PREV_LS")) | ~same_placement()
    return failing(_after_another(tables), "episodes", (pl.col("RNE") == "L") & wrong)


@BOOK.check
def placement_change_not_shown(tables: ReturnTables) -> pl.DataFrame:
    """435: RNE P or T (placement changed, legal status did not) needs LS to be the same as
    the episode before and at least one of PLACE, PL_POST, URN, PLACE_PROVIDER to differ."""
    wrong = pl.col("LS").ne_missing(pl.col("PREV_LS")) | same_placement()
    return failing(_after_another(tables), "episodes", pl.col("RNE").is_in(["P", "T"]) & wrong)


@BOOK.check
def both_changes_not_shown(tables: ReturnTables) -> pl.DataFrame:
    """436: RNE U or B (placement and legal status both changed) needs LS to differ from the
    episode before and at least one of PLACE, PL_POST, URN, PLACE_PROVIDER to differ."""
    wrong = pl.col("LS").eq_missing(pl.col("PREV_LS")) | same_placement()
    return failing(_after_another(tables), "episodes", pl.col("RNE").is_in(["U", "B"]) & wrong)


# --- how an episode ends ----------------------------------------------------------------------


@BOOK.check
def new_episode_code_inconsistent(tables: ReturnTables) -> pl.DataFrame:
    """388: REC X1 (a new episode begins) must be followed by an episode starting the day
    this one ended; an episode followed by one starting the day it ended must have REC X1;
    and a child's last episode, if ended, must not have REC X1."""
    ended = pl.col("DEC_D").is_not_null()
    follows_on = pl.col("DEC_D") == pl.col("NEXT_DECOM_D")
    has_next = ~pl.col("LAST")
    x1 = pl.col("REC") == "X1"
    gap_after_x1 = has_next & ended & x1 & ~follows_on
    continued_without_x1 = has_next & ended & pl.col("REC").is_not_null() & ~x1 & follows_on
    x1_at_end = pl.col("LAST") & ended & x1
    return failing(sequence(tables), "episodes", gap_after_x1 | continued_without_x1 | x1_at_end)


@BOOK.check
def further_episodes_after_death_or_18(tables: ReturnTables) -> pl.DataFrame:
    """437: an episode that ended because the child died (E2) or because care ended at 18
    (E15) must be the child's last."""
    return failing(
        sequence(tables), "episodes", pl.col("REC").is_in(["E2", "E15"]) & ~pl.col("LAST")
    )


# --- legal statuses with a time limit ----------------------------------------------------------


@BOOK.check
def police_protection_over_72_hours(tables: ReturnTables) -> pl.DataFrame:
    """361: police protection (LS L1) must not last more than 3 days, across unbroken
    episodes."""
    return failing(legal_status_runs(tables, "L1", 3), "episodes")


@BOOK.check
def emergency_protection_over_21_days(tables: ReturnTables) -> pl.DataFrame:
    """362: an emergency protection order (LS L2) must not last more than 21 days, across
    unbroken episodes."""
    return failing(legal_status_runs(tables, "L2", 21), "episodes")


@BOOK.check
def child_assessment_order_over_7_days(tables: ReturnTables) -> pl.DataFrame:
    """363: a child assessment order (LS L3) must not last more than 7 days, across unbroken
    episodes."""
    return failing(legal_status_runs(tables, "L3", 7), "episodes")


@BOOK.check
def pace_detention_over_21_days(tables: ReturnTables) -> pl.DataFrame:
    """364: detention under PACE (LS J2) must not last more than 21 days, across unbroken
    episodes."""
    return failing(legal_status_runs(tables, "J2", 21), "episodes")


# --- short breaks (respite, LS V3 / V4) -----------------------------------------------------


@BOOK.check
def respite_break_over_17_days(tables: ReturnTables) -> pl.DataFrame:
    """365: a single short-term respite episode (LS V3) must not last more than 17 days (an
    open one counts to the end of the year)."""
    long = end_or_year_end(tables) > pl.col("DECOM_D") + timedelta(days=17)
    return failing(episodes(tables), "episodes", (pl.col("LS") == "V3") & long)


@BOOK.check
def respite_break_changes_placement(tables: ReturnTables) -> pl.DataFrame:
    """366: an episode under LS V3 must have RNE S (a placement cannot change during a
    short break)."""
    return failing(
        episodes(tables), "episodes", (pl.col("LS") == "V3") & pl.col("RNE").ne_missing("S")
    )


@BOOK.check
def respite_over_75_days_in_year(tables: ReturnTables) -> pl.DataFrame:
    """367: a child's short-term respite (LS V3) must not total more than 75 days in the
    collection year (each episode counted from its start or the year's start, whichever is
    later, to its end or the year's end, whichever is earlier)."""
    start = pl.max_horizontal(pl.col("DECOM_D"), day(tables.year_start))
    end = pl.min_horizontal(end_or_year_end(tables), day(tables.year_end))
    breaks = episodes(tables).filter((pl.col("LS") == "V3") & pl.col("DECOM_D").is_not_null())
    days = (end - start).dt.total_days().clip(lower_bound=0)
    return failing(breaks, "episodes", days.sum().over(CHILD) > 75)


@BOOK.check
def respite_under_both_short_break_statuses(tables: ReturnTables) -> pl.DataFrame:
    """426: a child on short breaks cannot be recorded under both V3 and V4 in the same year;
    every V3 and V4 episode of such a child is reported."""
    breaks = episodes(tables).filter(pl.col("LS").is_in(SHORT_BREAKS))
    both = pl.col("LS").n_unique().over(CHILD) > 1
    return failing(breaks, "episodes", both)


@BOOK.check
def respite_in_temporary_placement(tables: ReturnTables) -> pl.DataFrame:
    """382: a child on a short break (LS V3 or V4) cannot be in a temporary placement
    (T0-T4)."""
    mask = pl.col("LS").is_in(SHORT_BREAKS) & pl.col("PLACE").is_in(TEMPORARY_PLACEMENTS)
    return failing(episodes(tables), "episodes", mask)


# --- placements for adoption -----------------------------------------------------------------


@BOOK.check
def adoption_placement_not_after_fostering(tables: ReturnTables) -> pl.DataFrame:
    """336: a placement for adoption (A3 or A4) that follows another episode must follow a
    placement for adoption or with foster carers (A3-A6, U1-U6)."""
    before_ok = ("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")
    # A blank placement before counts as not fostering, as the DfE's condition reads.
    not_fostered = ~pl.col("PREV_PLACE").is_in(before_ok).fill_null(False)
    mask = pl.col("PLACE").is_in(["A3", "A4"]) & not_fostered
    return failing(_after_another(tables), "episodes", mask)


# --- temporary placements -------------------------------------------------------------------


def _temporary_too_long(tables: ReturnTables, place: str, most_days: int) -> pl.DataFrame:
    mask = (pl.col("PLACE") == place) & (
        pl.col("DEC_D") > pl.col("DECOM_D") + timedelta(days=most_days)
    )
    return failing(episodes(tables), "episodes", mask)


@BOOK.check
def hospital_placement_over_six_weeks(tables: ReturnTables) -> pl.DataFrame:
    """375: a temporary placement in hospital (T1) must not last more than 42 days."""
    return _temporary_too_long(tables, "T1", 42)


@BOOK.check
def carer_holiday_placement_over_three_weeks(tables: ReturnTables) -> pl.DataFrame:
    """376: a temporary placement for the foster carer's holiday (T3) must not last more
    than 21 days."""
    return _temporary_too_long(tables, "T3", 21)


@BOOK.check
def unspecified_temporary_placement_over_a_week(tables: ReturnTables) -> pl.DataFrame:
    """379: a temporary placement for an unspecified reason (T4) must not last more than 7
    days."""
    return _temporary_too_long(tables, "T4", 7)


@BOOK.check
def third_carer_holiday_placement_in_a_year(tables: ReturnTables) -> pl.DataFrame:
    """377: a child may have at most two carer-holiday placements (T3) in any 12 months:
    a T3 episode starting within a year of the start of the T3 episode two before it fails."""
    holidays = (
        sequence(tables)
        .filter(pl.col("PLACE") == "T3")
        .with_columns(pl.col("DECOM_D").shift(2).over(CHILD).alias("_TWO_BEFORE"))
    )
    within_a_year = pl.col("DECOM_D") < pl.col("_TWO_BEFORE").dt.offset_by("1y")
    return failing(holidays, "episodes", within_a_year)


@BOOK.check
def period_starts_with_temporary_placement(tables: ReturnTables) -> pl.DataFrame:
    """380: an episode in a temporary placement (T0-T4) must have RNE P or B (a period of
    care cannot start with one)."""
    not_a_move = ~pl.col("RNE").is_in(["P", "B"]).fill_null(False)
    return failing(
        episodes(tables), "episodes", pl.col("PLACE").is_in(TEMPORARY_PLACEMENTS) & not_a_move
    )


@BOOK.check
def period_ends_with_temporary_placement(tables: ReturnTables) -> pl.DataFrame:
    """381: an episode in a temporary placement (T0-T4) that has ended must have REC X1 (a
    period of care cannot end with one)."""
    mask = pl.col("PLACE").is_in(TEMPORARY_PLACEMENTS) & (pl.col("REC") != "X1")
    return failing(episodes(tables), "episodes", mask)


@BOOK.check
def no_return_after_temporary_placement(tables: ReturnTables) -> pl.DataFrame:
    """383 (2025/26): after a temporary placement (T0-T4) the next episode must have RNE P
    and the same PLACE and PL_POST as the episode before the temporary one. The 2025/26
    version adds PL_POST to the comparison."""
    after = sequence(tables).filter(
        pl.col("PREV_PLACE").is_in(TEMPORARY_PLACEMENTS) & pl.col("PREV2_PLACE").is_not_null()
    )
    wrong = (
        pl.col("RNE").ne_missing("P")
        | pl.col("PLACE").ne_missing(pl.col("PREV2_PLACE"))
        | pl.col("PL_POST").ne_missing(pl.col("PREV2_PL_POST"))
    )
    return failing(after, "episodes", wrong)
