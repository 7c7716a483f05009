"""SSDA903 rules 301-460 on dates and ages (b_ages): for each rule, a return that passes
and one that fails, in the 2025/26 collection (1 April 2025 to 31 March 2026). Rows are
numbered as a finding names them: the header row is 1, the first child's row 2."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set


def failures(code: str, tables: dict[str, str]) -> list[tuple[str, int]]:
    """The (table, row) pairs the 2025/26 rule `code` reports for the tables."""
    rule = next(rule for rule in rule_set("ssda903", 2026).rules if rule.code == code)
    return sorted(rule.check(ReturnTables.of(2026, tables)).select("table", "row").rows())


HEADER = "CHILD,SEX,DOB,UPN,MOTHER\n"
EPISODES = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"


def episodes_of(dob: str, *rows: str) -> dict[str, str]:
    """One child, A, born on `dob`, with the episode rows given (DECOM,RNE,LS,PLACE,DEC,REC)."""
    return {
        "header": f"{HEADER}A,1,{dob},A123456789012,\n",
        "episodes": EPISODES + "".join(f"A,{row}\n" for row in rows),
    }


CASES = [
    # 301: born after the year ended.
    ("301", {"header": HEADER + "A,1,31/03/2026,X,\nB,2,01/04/2026,X,\n"}, [("header", 3)]),
    # 351: over 21 at the start of the year; a child 21 on 1 April 2025 passes.
    ("351", {"header": HEADER + "A,1,01/04/2004,X,\nB,2,31/03/2004,X,\n"}, [("header", 3)]),
    # 302: the first episode starts before birth (both rows reported); the later ones do not.
    (
        "302",
        episodes_of("10/05/2015", "09/05/2015,S,C2,U1,01/06/2015,X1", "01/06/2015,P,C2,U2,,"),
        [("episodes", 2), ("header", 2)],
    ),
    ("302", episodes_of("10/05/2015", "10/05/2015,S,C2,U1,,"), []),
    # 353, 354, 355, 356, 385: episode dates.
    ("353", episodes_of("01/01/1980", "13/10/1991,S,C2,U1,14/10/1991,E3"), [("episodes", 2)]),
    ("353", episodes_of("01/01/1980", "14/10/1991,S,C2,U1,15/10/1991,E3"), []),
    (
        "354",
        episodes_of("01/01/2015", "31/03/2026,S,C2,U1,,", "01/04/2026,S,C2,U1,,"),
        [("episodes", 3)],
    ),
    ("355", episodes_of("01/01/2015", "01/05/2025,S,C2,U1,01/05/2025,E3"), [("episodes", 2)]),
    ("355", episodes_of("01/01/2015", "01/05/2025,S,C2,U1,02/05/2025,E3"), []),
    ("356", episodes_of("01/01/2015", "01/05/2025,S,C2,U1,30/04/2025,E3"), [("episodes", 2)]),
    ("356", episodes_of("01/01/2015", "01/05/2025,S,C2,U1,,"), []),
    ("385", episodes_of("01/01/2015", "01/05/2025,S,C2,U1,01/04/2026,E3"), [("episodes", 2)]),
    ("385", episodes_of("01/01/2015", "01/05/2025,S,C2,U1,31/03/2026,E3"), []),
    # 445 / 446: freeing orders after, placement orders before, December 2005.
    (
        "445",
        episodes_of("01/01/2000", "01/01/2006,S,D1,A4,,", "31/12/2005,S,D1,A4,01/01/2006,X1"),
        [("episodes", 2)],
    ),
    (
        "446",
        episodes_of("01/01/2000", "30/11/2005,S,E1,A4,01/12/2005,X1", "01/12/2005,P,E1,A5,,"),
        [("episodes", 2)],
    ),
    # 352: started to be looked after on or after the 18th birthday.
    ("352", episodes_of("01/05/2007", "01/05/2025,S,V2,K2,,"), [("episodes", 2)]),
    ("352", episodes_of("01/05/2007", "30/04/2025,S,V2,K2,,"), []),
    # 358: youth justice status under 10 at DECOM (header reported too).
    ("358", episodes_of("02/05/2015", "01/05/2025,S,J1,R5,,"), [("episodes", 2), ("header", 2)]),
    ("358", episodes_of("01/05/2015", "01/05/2025,S,J2,R5,,"), []),
    # 359: open episode at 18+ must be V2 in K2.
    ("359", episodes_of("01/01/2007", "01/05/2024,S,C2,U1,,"), [("episodes", 2)]),
    ("359", episodes_of("01/01/2007", "01/05/2024,S,V2,K2,,"), []),
    ("359", episodes_of("01/01/2007", "01/05/2024,S,C2,U1,01/01/2025,E8"), []),
    # 370-374: too young at DECOM for the placement.
    ("370", episodes_of("02/05/2008", "01/05/2024,S,C2,P2,,"), [("episodes", 2)]),
    ("370", episodes_of("01/05/2008", "01/05/2024,S,C2,P2,,"), []),
    ("371", episodes_of("02/05/2009", "01/05/2025,S,C2,K3,,"), [("episodes", 2)]),
    ("371", episodes_of("01/05/2009", "01/05/2025,S,C2,K3,,"), []),
    ("371", episodes_of("02/05/2011", "01/05/2025,S,C2,H5,,"), []),
    ("372", episodes_of("02/05/2015", "01/05/2025,S,J1,R5,,"), [("episodes", 2)]),
    ("372", episodes_of("01/05/2015", "01/05/2025,S,J1,R5,,"), []),
    ("373", episodes_of("02/05/2021", "01/05/2025,S,C2,S1,,"), [("episodes", 2)]),
    ("373", episodes_of("01/05/2021", "01/05/2025,S,C2,S1,,"), []),
    ("374", episodes_of("02/05/2011", "01/05/2025,S,C2,P3,,"), [("episodes", 2)]),
    ("374", episodes_of("01/05/2011", "01/05/2025,S,C2,P3,,"), []),
    # 386, 407: adopted / special guardianship at 18 or over.
    ("386", episodes_of("01/06/2007", "01/05/2025,S,E1,A5,01/06/2025,E11"), [("episodes", 2)]),
    ("386", episodes_of("02/06/2007", "01/05/2025,S,E1,A5,01/06/2025,E12"), []),
    (
        "407",
        episodes_of("01/06/2007", "01/05/2025,S,C2,U1,01/06/2025,E45"),
        [("episodes", 2), ("header", 2)],
    ),
    ("407", episodes_of("02/06/2007", "01/05/2025,S,C2,U1,01/06/2025,E48"), []),
    # 387, 389, 460: ceased too young for the reason.
    ("387", episodes_of("02/06/2011", "01/05/2025,S,C2,U1,01/06/2025,E5"), [("episodes", 2)]),
    ("387", episodes_of("01/06/2011", "01/05/2025,S,C2,U1,01/06/2025,E6"), []),
    ("389", episodes_of("02/06/2009", "01/05/2025,S,C2,U1,01/06/2025,E7"), [("episodes", 2)]),
    ("389", episodes_of("01/06/2009", "01/05/2025,S,C2,U1,01/06/2025,E7"), []),
    ("460", episodes_of("02/06/2007", "01/05/2025,S,C2,U1,01/06/2025,E17"), [("episodes", 2)]),
    ("460", episodes_of("01/06/2007", "01/05/2025,S,C2,U1,01/06/2025,E17"), []),
    # 304: UASC status ceased after the 18th birthday.
    (
        "304",
        {"uasc": "CHILD,SEX,DOB,DUC\nA,1,01/06/2007,01/06/2025\nB,1,01/06/2007,02/06/2025\n"},
        [("uasc", 3)],
    ),
]


@pytest.mark.parametrize(("code", "tables", "expected"), CASES)
def test_each_rule_reports_exactly_the_rows_the_dfe_condition_fails(code, tables, expected):
    assert failures(code, tables) == expected


def test_a_rule_whose_tables_are_absent_finds_nothing():
    assert failures("302", {"header": HEADER + "A,1,01/01/2015,X,\n"}) == []
    assert failures("304", {}) == []


def test_every_rule_of_the_year_loads_with_its_function_and_severity():
    codes = {rule.code for rule in rule_set("ssda903", 2026).rules}
    assert {"301", "302", "357", "383", "434", "460"} <= codes
