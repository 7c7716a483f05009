"""Rules 100-299 on outcomes: OC2 (children looked after continuously for 12 months: health,
strengths and difficulties, convictions, substance misuse) and OC3 (care leavers)."""

from __future__ import annotations

import polars as pl

from ..engine import CHILD, ROW, ReturnTables, combined, dates, failing
from . import BOOK
from .support import (
    any_given,
    blank,
    day,
    given,
    looked_after_12_months,
    with_12_months_flag,
    years_after,
)
from .support_a import (
    code_not_in,
    codes,
)

OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
# The OC2 items of a child looked after for 12 months, each 0 or 1.
OC2_FLAGS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)
# Those every child looked after for 12 months has (191), and the rest (182).
OC2_ALWAYS = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")
OC2_OTHERS = ("CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
SDQ_REASONS = ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")
SDQ_MAXIMUM = 40
OC2_COLUMNS = ("DOB", "SDQ_SCORE", "SDQ_REASON", *OC2_FLAGS)


def _oc2(tables: ReturnTables) -> pl.DataFrame:
    return tables.table("oc2", *OC2_COLUMNS).with_columns(dates("DOB").alias("born"))


def _aged_at(years: int, when: pl.Expr) -> pl.Expr:
    """The child had turned `years` by `when`."""
    return years_after(pl.col("born"), years) <= when


# --- OC3 --------------------------------------------------------------------------------------


@BOOK.check
def in_touch_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """131: IN_TOUCH, when given, is a valid code."""
    oc3 = tables.table("oc3", "IN_TOUCH")
    return failing(oc3, "oc3", code_not_in("IN_TOUCH", codes(tables, "IN_TOUCH")))


@BOOK.check
def activity_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """132: ACTIV, when given, is a valid code."""
    oc3 = tables.table("oc3", "ACTIV")
    return failing(oc3, "oc3", code_not_in("ACTIV", codes(tables, "ACTIV")))


@BOOK.check
def accommodation_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """133: ACCOM, when given, is a valid code."""
    oc3 = tables.table("oc3", "ACCOM")
    return failing(oc3, "oc3", code_not_in("ACCOM", codes(tables, "ACCOM")))


@BOOK.check
def care_leaver_items_partly_given(tables: ReturnTables) -> pl.DataFrame:
    """153: IN_TOUCH, ACTIV and ACCOM are all given or all blank."""
    oc3 = tables.table("oc3", *OC3_ITEMS)
    all_three = pl.all_horizontal([given(c) for c in OC3_ITEMS])
    return failing(oc3, "oc3", any_given(*OC3_ITEMS) & ~all_three)


# --- OC2 --------------------------------------------------------------------------------------


@BOOK.check
def sdq1_for_child_of_sdq_age(tables: ReturnTables) -> pl.DataFrame:
    """157: a child looked after for 12 months, 4 or over on 1 April and 16 or under on 31
    March, with no SDQ score, does not have SDQ_REASON SDQ1 (under 4 or over 17)."""
    oc2 = with_12_months_flag(tables, _oc2(tables))
    wrong = (
        pl.col("cla12")
        & _aged_at(4, day(tables.year_start))
        & (years_after(pl.col("born"), 16) >= day(tables.year_end))
        & blank("SDQ_SCORE")
        & (pl.col("SDQ_REASON") == "SDQ1")
    )
    return failing(oc2, "oc2", wrong)


@BOOK.check
def intervention_offered_after_received(tables: ReturnTables) -> pl.DataFrame:
    """158: INTERVENTION_OFFERED is blank when INTERVENTION_RECEIVED is 1."""
    oc2 = _oc2(tables)
    return failing(
        oc2, "oc2", (pl.col("INTERVENTION_RECEIVED") == "1") & given("INTERVENTION_OFFERED")
    )


@BOOK.check
def intervention_offered_missing(tables: ReturnTables) -> pl.DataFrame:
    """159: INTERVENTION_OFFERED is given when SUBSTANCE_MISUSE is 1 and
    INTERVENTION_RECEIVED is 0."""
    oc2 = _oc2(tables)
    missing = (
        (pl.col("SUBSTANCE_MISUSE") == "1")
        & (pl.col("INTERVENTION_RECEIVED") == "0")
        & blank("INTERVENTION_OFFERED")
    )
    return failing(oc2, "oc2", missing)


@BOOK.check
def sdq_score_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """180: SDQ_SCORE, when given, is a whole number from 0 to 40."""
    oc2 = _oc2(tables)
    score = pl.col("SDQ_SCORE").str.strip_chars().cast(pl.Int64, strict=False)
    in_range = score.is_between(0, SDQ_MAXIMUM).fill_null(False)
    return failing(oc2, "oc2", given("SDQ_SCORE") & ~in_range)


@BOOK.check
def oc2_flags_not_0_or_1(tables: ReturnTables) -> pl.DataFrame:
    """181: each OC2 item given (CONVICTED ... INTERVENTION_OFFERED) is 0 or 1."""
    oc2 = _oc2(tables)
    wrong = pl.any_horizontal([code_not_in(c, ("0", "1")) for c in OC2_FLAGS])
    return failing(oc2, "oc2", wrong)


@BOOK.check
def oc2_items_partly_given(tables: ReturnTables) -> pl.DataFrame:
    """182: when any of CONVICTED, HEALTH_CHECK, INTERVENTION_RECEIVED, INTERVENTION_OFFERED is
    given, IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT and SUBSTANCE_MISUSE all are."""
    oc2 = _oc2(tables)
    some_missing = pl.any_horizontal([blank(c) for c in OC2_ALWAYS])
    return failing(oc2, "oc2", some_missing & any_given(*OC2_OTHERS))


@BOOK.check
def sdq_score_not_looked_after_12_months(tables: ReturnTables) -> pl.DataFrame:
    """185: no SDQ_SCORE for a child not looked after continuously for 12 months."""
    oc2 = with_12_months_flag(tables, _oc2(tables))
    return failing(oc2, "oc2", given("SDQ_SCORE") & ~pl.col("cla12"))


@BOOK.check
def sdq_missing_for_child_of_sdq_age(tables: ReturnTables) -> pl.DataFrame:
    """186: a child looked after for 12 months, 4 or over on 1 April and under 17 on 31
    March, has an SDQ_SCORE or an SDQ_REASON (the DfE's condition since 2022/23 accepts a
    reason for no score)."""
    oc2 = with_12_months_flag(tables, _oc2(tables))
    wrong = (
        pl.col("cla12")
        & _aged_at(4, day(tables.year_start))
        & ~_aged_at(17, day(tables.year_end))
        & blank("SDQ_SCORE")
        & blank("SDQ_REASON")
    )
    return failing(oc2, "oc2", wrong)


@BOOK.check
def adoption_or_care_leaver_for_looked_after_12_months(tables: ReturnTables) -> pl.DataFrame:
    """187: a child looked after continuously for 12 months has no AD1 or OC3 items."""
    cohort = looked_after_12_months(tables)
    ad1 = tables.table("ad1", *AD1_ITEMS).filter(any_given(*AD1_ITEMS))
    oc3 = tables.table("oc3", *OC3_ITEMS).filter(any_given(*OC3_ITEMS))
    return combined(
        failing(ad1.join(cohort, on=CHILD, how="semi"), "ad1"),
        failing(oc3.join(cohort, on=CHILD, how="semi"), "oc3"),
    )


@BOOK.check
def sdq_for_child_under_4(tables: ReturnTables) -> pl.DataFrame:
    """188: no SDQ_SCORE or SDQ_REASON for a child under 4 on 31 March."""
    oc2 = _oc2(tables)
    under_4 = ~_aged_at(4, day(tables.year_end))
    return failing(oc2, "oc2", under_4 & any_given("SDQ_SCORE", "SDQ_REASON"))


@BOOK.check
def sdq_for_child_17_or_over(tables: ReturnTables) -> pl.DataFrame:
    """189: no SDQ_SCORE or SDQ_REASON for a child 17 or over on 1 April."""
    oc2 = _oc2(tables)
    over_17 = _aged_at(17, day(tables.year_start))
    return failing(oc2, "oc2", over_17 & any_given("SDQ_SCORE", "SDQ_REASON"))


@BOOK.check
def oc2_items_not_looked_after_12_months(tables: ReturnTables) -> pl.DataFrame:
    """190: no OC2 item (CONVICTED ... INTERVENTION_OFFERED) for a child not looked after
    continuously for 12 months."""
    oc2 = with_12_months_flag(tables, _oc2(tables))
    return failing(oc2, "oc2", ~pl.col("cla12") & any_given(*OC2_FLAGS))


@BOOK.check
def oc2_items_missing_looked_after_12_months(tables: ReturnTables) -> pl.DataFrame:
    """191: a child looked after continuously for 12 months has IMMUNISATIONS, TEETH_CHECK,
    HEALTH_ASSESSMENT and SUBSTANCE_MISUSE."""
    oc2 = with_12_months_flag(tables, _oc2(tables))
    some_missing = pl.any_horizontal([blank(c) for c in OC2_ALWAYS])
    return failing(oc2, "oc2", pl.col("cla12") & some_missing)


@BOOK.check
def intervention_received_missing(tables: ReturnTables) -> pl.DataFrame:
    """192: INTERVENTION_RECEIVED is given when SUBSTANCE_MISUSE is 1."""
    oc2 = _oc2(tables)
    missing = (pl.col("SUBSTANCE_MISUSE") == "1") & blank("INTERVENTION_RECEIVED")
    return failing(oc2, "oc2", missing)


@BOOK.check
def intervention_without_substance_misuse(tables: ReturnTables) -> pl.DataFrame:
    """193: no INTERVENTION_RECEIVED or INTERVENTION_OFFERED when SUBSTANCE_MISUSE is 0 or
    blank."""
    oc2 = _oc2(tables)
    no_misuse = (pl.col("SUBSTANCE_MISUSE") == "0").fill_null(True)
    wrong = no_misuse & any_given("INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
    return failing(oc2, "oc2", wrong)


@BOOK.check
def sdq_reason_not_valid(tables: ReturnTables) -> pl.DataFrame:
    """196: SDQ_REASON, when given, is SDQ1-SDQ5."""
    oc2 = _oc2(tables)
    return failing(oc2, "oc2", code_not_in("SDQ_REASON", SDQ_REASONS))


@BOOK.check
def sdq_reason_with_score(tables: ReturnTables) -> pl.DataFrame:
    """197a: no SDQ_REASON when there is an SDQ_SCORE."""
    oc2 = _oc2(tables)
    return failing(oc2, "oc2", given("SDQ_SCORE") & given("SDQ_REASON"))


@BOOK.check
def sdq_missing_at_4_or_17(tables: ReturnTables) -> pl.DataFrame:
    """197B: a child looked after for 12 months who turned 4 or 17 during the year has an
    SDQ_SCORE or an SDQ_REASON."""
    oc2 = with_12_months_flag(tables, _oc2(tables))
    start, end = day(tables.year_start), day(tables.year_end)
    turned = years_after(pl.col("born"), 4).is_between(start, end) | years_after(
        pl.col("born"), 17
    ).is_between(start, end)
    wrong = pl.col("cla12") & turned & blank("SDQ_SCORE") & blank("SDQ_REASON")
    return failing(oc2, "oc2", wrong)


@BOOK.check
def sdq_reason_not_looked_after_12_months(tables: ReturnTables) -> pl.DataFrame:
    """198: no SDQ_REASON for a child not looked after continuously for 12 months."""
    oc2 = with_12_months_flag(tables, _oc2(tables))
    return failing(oc2, "oc2", given("SDQ_REASON") & ~pl.col("cla12"))


@BOOK.check
def care_leaver_with_oc2_items(tables: ReturnTables) -> pl.DataFrame:
    """215: a child with care leaver (OC3) items has no OC2 items (CONVICTED ...
    INTERVENTION_OFFERED); both rows fail."""
    oc3 = tables.table("oc3", *OC3_ITEMS).filter(any_given(*OC3_ITEMS))
    oc2 = _oc2(tables).filter(any_given(*OC2_FLAGS)).select(pl.col(ROW).alias("oc2_row"), CHILD)
    both = oc3.join(oc2, on=CHILD, how="inner")
    return combined(
        failing(both, "oc3"),
        failing(both.select(pl.col("oc2_row").alias(ROW), CHILD), "oc2"),
    )
