"""SSDA903 rules 100-299 on adoption (AD1, placedadoption): each fails exactly the rows the
DfE's condition fails. No database."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set

AD1 = "CHILD,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
PLACED = "CHILD,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
COMPLETE = "01/05/2025,01/06/2025,0,2,MF,L11"


def found(code: str, tables: dict[str, str]) -> list:
    """The (table, row) pairs the 2025/26 rule `code` fails."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    failed = rule.check(ReturnTables.of(2026, tables))
    return sorted(failed.select("table", "row").unique().rows())


def table(head: str, *rows: str) -> str:
    return head + "\n".join(rows) + "\n"


AD1_CASES = [
    # code, AD1 rows, failing rows (the first data row is row 2)
    ("112", [f"A,{COMPLETE}", "B,32/05/2025,01/06/2025,0,2,MF,L11"], [3]),
    ("113", [f"A,{COMPLETE}", "B,01/05/2025,1 June 2025,0,2,MF,L11"], [3]),
    ("114", [f"A,{COMPLETE}", "B,01/05/2025,01/06/2025,2,2,MF,L11", "C,,,,,,"], [3]),
    (
        "151",
        [f"A,{COMPLETE}", "B,,,,,,", "C,01/05/2025,01/06/2025,0,2,MF,", "D,,,1,,,"],
        [4, 5],
    ),
    ("175", [f"A,{COMPLETE}", "B,01/05/2025,01/06/2025,0,3,MF,L11"], [3]),
    ("176", [f"A,{COMPLETE}", "B,01/05/2025,01/06/2025,0,2,XY,L11"], [3]),
    ("177", [f"A,{COMPLETE}", "B,01/05/2025,01/06/2025,0,2,MF,L1"], [3]),
]


@pytest.mark.parametrize(("code", "rows", "failing"), AD1_CASES, ids=[c[0] for c in AD1_CASES])
def test_ad1_rule_fails_exactly_the_rows_the_dfe_condition_fails(code, rows, failing):
    assert found(code, {"ad1": table(AD1, *rows)}) == [("ad1", row) for row in failing]


PLACED_CASES = [
    # code, placedadoption rows, failing rows
    ("115", ["A,01/05/2025,,", "B,2025-13-01,,"], [3]),
    ("116", ["A,01/05/2025,01/06/2025,RD1", "B,01/05/2025,01-06-2025,RD1"], [3]),
    (
        "119",
        ["A,01/05/2025,01/06/2025,RD1", "B,01/05/2025,01/06/2025,", "C,01/05/2025,,RD2"],
        [3, 4],
    ),
    ("120", ["A,01/05/2025,01/06/2025,RD4", "B,01/05/2025,01/06/2025,RD5"], [3]),
]


@pytest.mark.parametrize(
    ("code", "rows", "failing"), PLACED_CASES, ids=[c[0] for c in PLACED_CASES]
)
def test_placed_for_adoption_rule_fails_exactly_the_rows_the_dfe_condition_fails(
    code, rows, failing
):
    found_rows = found(code, {"placedadoption": table(PLACED, *rows)})
    assert found_rows == [("placedadoption", row) for row in failing]


def test_117_a_decision_after_the_year_or_after_care_ended_fails_with_the_episode():
    tables = {
        "placedadoption": table(
            PLACED,
            "A,01/05/2025,,",  # within care and the year
            "B,01/04/2026,,",  # after 31 March
            "C,01/05/2025,01/09/2025,RD1",  # reversed after care ended (REC E3)
        ),
        "episodes": "CHILD,DECOM,DEC,REC\nA,01/04/2025,,\nB,01/04/2025,,\n"
        "C,01/04/2025,01/06/2025,X1\nC,01/06/2025,01/08/2025,E3\n",
    }
    assert found("117", tables) == [
        ("episodes", 3),
        ("episodes", 5),
        ("placedadoption", 3),
        ("placedadoption", 4),
    ]


def test_118_a_reversal_before_the_year_or_before_care_began_fails():
    tables = {
        "placedadoption": table(
            PLACED,
            "A,01/05/2024,01/05/2025,RD1",  # reversed in the year, in care
            "B,01/05/2024,01/03/2025,RD1",  # before 1 April 2025
            "C,01/05/2025,01/06/2025,RD1",  # before care began (short break aside)
        ),
        "episodes": "CHILD,DECOM,LS\nA,01/01/2024,C2\nB,01/01/2024,C2\n"
        "C,01/05/2025,V3\nC,01/07/2025,C2\n",
    }
    assert found("118", tables) == [
        ("episodes", 3),
        ("episodes", 5),
        ("placedadoption", 3),
        ("placedadoption", 4),
    ]


def test_134_adoption_data_fails_for_a_child_with_care_leaver_data():
    tables = {
        "ad1": table(AD1, f"A,{COMPLETE}", f"B,{COMPLETE}"),
        "oc3": "CHILD,IN_TOUCH,ACTIV,ACCOM\nA,YES,F1,B1\nB,,,\n",
    }
    assert found("134", tables) == [("ad1", 2)]


def test_184_a_decision_before_the_child_was_born_fails():
    tables = {
        "placedadoption": table(PLACED, "A,01/05/2025,,", "B,01/05/2025,,"),
        "header": "CHILD,DOB\nA,01/01/2025\nB,02/05/2025\n",
    }
    assert found("184", tables) == [("placedadoption", 3)]
