"""SSDA903 rules 100-299 on OC2 (children looked after for 12 months) and OC3 (care
leavers), and who counts as looked after continuously for 12 months. No database."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set
from returns.dfe_rules.ssda903.support import looked_after_12_months

# 2025/26: the year 1 April 2025 to 31 March 2026. L, M and R are looked after continuously
# for 12 months at 31 March; N started in the year, Q left before 31 March, S has only short
# breaks.
EPISODES = (
    "CHILD,DECOM,DEC,LS,REC\n"
    "L,01/01/2024,,C2,\n"
    "N,01/06/2025,,C2,\n"
    "M,01/01/2024,31/03/2026,C2,E3\n"
    "Q,01/01/2024,01/03/2026,C2,E3\n"
    "R,01/01/2024,01/02/2025,C2,X1\n"
    "R,01/02/2025,,J1,\n"
    "S,01/01/2024,,V3,\n"
)
OC2_HEAD = (
    "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
    "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
)
AGED_10 = "01/01/2015"
AGED_2 = "01/06/2023"
AGED_17 = "01/01/2008"
COMPLETE = "0,,1,1,1,0,,"  # CONVICTED ... INTERVENTION_OFFERED of a child with no misuse
NONE = ",,,,,,,"


def found(code: str, tables: dict[str, str]) -> list:
    """The (table, row) pairs the 2025/26 rule `code` fails."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    failed = rule.check(ReturnTables.of(2026, tables))
    return sorted(failed.select("table", "row").unique().rows())


def oc2(*rows: tuple[str, str, str, str, str]) -> str:
    """OC2 rows of (child, DOB, SDQ score, SDQ reason, the eight 0/1 items)."""
    return OC2_HEAD + "".join(",".join(row) + "\n" for row in rows)


def test_looked_after_12_months_is_a_period_from_1_april_unbroken_to_31_march():
    tables = ReturnTables.of(2026, {"episodes": EPISODES})
    assert sorted(looked_after_12_months(tables)["CHILD"].to_list()) == ["L", "M", "R"]


OC2_CASES = [
    # code, OC2 rows, failing rows (the first data row is row 2)
    (
        "157",
        [
            ("L", AGED_10, "", "SDQ1", COMPLETE),
            ("L", AGED_10, "", "SDQ2", COMPLETE),
            ("N", AGED_10, "", "SDQ1", NONE),
            ("L", AGED_17, "", "SDQ1", COMPLETE),
        ],
        [2],
    ),
    (
        "158",
        [("L", AGED_10, "5", "", "0,,1,1,1,1,1,1"), ("L", AGED_10, "5", "", "0,,1,1,1,1,1,")],
        [2],
    ),
    (
        "159",
        [("L", AGED_10, "5", "", "0,,1,1,1,1,0,"), ("L", AGED_10, "5", "", "0,,1,1,1,1,0,1")],
        [2],
    ),
    (
        "180",
        [
            ("L", AGED_10, "41", "", COMPLETE),
            ("L", AGED_10, "ab", "", COMPLETE),
            ("L", AGED_10, "40", "", COMPLETE),
            ("L", AGED_10, "0", "", COMPLETE),
        ],
        [2, 3],
    ),
    ("181", [("L", AGED_10, "5", "", "0,,1,2,1,0,,"), ("L", AGED_10, "5", "", COMPLETE)], [2]),
    (
        "182",
        [
            ("L", AGED_10, "5", "", "1,,,1,1,0,,"),
            ("N", AGED_10, "", "", NONE),
            ("L", AGED_10, "5", "", COMPLETE),
        ],
        [2],
    ),
    ("185", [("N", AGED_10, "5", "", NONE), ("L", AGED_10, "5", "", COMPLETE)], [2]),
    (
        "186",
        [
            ("L", AGED_10, "", "", COMPLETE),
            ("L", AGED_10, "", "SDQ2", COMPLETE),
            ("L", AGED_2, "", "", COMPLETE),
            ("N", AGED_10, "", "", NONE),
        ],
        [2],
    ),
    ("188", [("L", AGED_2, "5", "", COMPLETE), ("L", AGED_10, "5", "", COMPLETE)], [2]),
    ("189", [("L", AGED_17, "", "SDQ1", COMPLETE), ("L", AGED_10, "", "SDQ1", COMPLETE)], [2]),
    (
        "190",
        [
            ("N", AGED_10, "", "", COMPLETE),
            ("L", AGED_10, "5", "", COMPLETE),
            ("N", AGED_10, "", "", NONE),
        ],
        [2],
    ),
    ("191", [("L", AGED_10, "5", "", "0,,,1,1,0,,"), ("L", AGED_10, "5", "", COMPLETE)], [2]),
    (
        "192",
        [("L", AGED_10, "5", "", "0,,1,1,1,1,,"), ("L", AGED_10, "5", "", "0,,1,1,1,1,1,")],
        [2],
    ),
    (
        "193",
        [
            ("L", AGED_10, "5", "", "0,,1,1,1,0,,1"),
            ("L", AGED_10, "5", "", "0,,1,1,1,,1,"),
            ("L", AGED_10, "5", "", "0,,1,1,1,1,1,"),
        ],
        [2, 3],
    ),
    ("196", [("L", AGED_10, "", "SDQ6", COMPLETE), ("L", AGED_10, "", "SDQ5", COMPLETE)], [2]),
    ("197a", [("L", AGED_10, "5", "SDQ2", COMPLETE), ("L", AGED_10, "5", "", COMPLETE)], [2]),
    (
        "197B",
        [
            ("L", "01/06/2021", "", "", COMPLETE),  # turned 4 in the year, nothing: fails
            ("L", "01/06/2008", "", "", COMPLETE),  # turned 17 in the year, nothing: fails
            ("L", "01/06/2021", "", "SDQ1", COMPLETE),
            ("L", AGED_10, "", "", COMPLETE),  # neither 4 nor 17 this year (rule 186's)
            ("N", "01/06/2021", "", "", NONE),  # not looked after 12 months
        ],
        [2, 3],
    ),
    ("198", [("N", AGED_10, "", "SDQ2", NONE), ("L", AGED_10, "", "SDQ2", COMPLETE)], [2]),
]


@pytest.mark.parametrize(("code", "rows", "failing"), OC2_CASES, ids=[c[0] for c in OC2_CASES])
def test_oc2_rule_fails_exactly_the_rows_the_dfe_condition_fails(code, rows, failing):
    tables = {"episodes": EPISODES, "oc2": oc2(*rows)}
    assert found(code, tables) == [("oc2", row) for row in failing]


OC3_CASES = [
    ("131", ["A,YES,F1,B1", "B,MAYBE,F1,B1", "C,,,"], [3]),
    ("132", ["A,YES,F1,B1", "B,YES,F3,B1"], [3]),
    ("133", ["A,YES,F1,B1", "B,YES,F1,Z3", "C,NO,0,0"], [3]),
    ("153", ["A,YES,F1,B1", "B,YES,,", "C,,,", "D,,F1,"], [3, 5]),
]


@pytest.mark.parametrize(("code", "rows", "failing"), OC3_CASES, ids=[c[0] for c in OC3_CASES])
def test_oc3_rule_fails_exactly_the_rows_the_dfe_condition_fails(code, rows, failing):
    oc3 = "CHILD,IN_TOUCH,ACTIV,ACCOM\n" + "\n".join(rows) + "\n"
    assert found(code, {"oc3": oc3}) == [("oc3", row) for row in failing]


def test_187_a_child_looked_after_12_months_has_no_adoption_or_care_leaver_data():
    tables = {
        "episodes": EPISODES,
        "ad1": "CHILD,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
        "L,01/05/2025,01/06/2025,0,2,MF,L11\nN,01/05/2025,01/06/2025,0,2,MF,L11\n",
        "oc3": "CHILD,IN_TOUCH,ACTIV,ACCOM\nN,YES,F1,B1\nR,YES,F1,B1\nM,,,\n",
    }
    assert found("187", tables) == [("ad1", 2), ("oc3", 3)]


def test_215_care_leaver_data_and_12_month_data_fail_together():
    tables = {
        "oc3": "CHILD,IN_TOUCH,ACTIV,ACCOM\nA,YES,F1,B1\nB,YES,F1,B1\n",
        "oc2": oc2(("B", AGED_17, "", "", NONE), ("A", AGED_17, "", "", COMPLETE)),
    }
    assert found("215", tables) == [("oc2", 3), ("oc3", 2)]
