"""SSDA903 rules 100-299 on episodes: each rule finds exactly the rows the DfE's condition
fails, and passes the rows it allows. No database."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set

HEAD = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,PL_POST,URN\n"


def found(code: str, tables: dict[str, str], previous: dict[str, str] | None = None) -> list:
    """The (table, row) pairs the 2025/26 rule `code` fails."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    failed = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(failed.select("table", "row").unique().rows())


def episodes(*rows: str) -> dict[str, str]:
    return {"episodes": HEAD + "\n".join(rows) + "\n"}


CASES = [
    # code, episodes rows, failing rows (the first data row is row 2)
    ("141", ["A,01/05/2025,S,C2,N1,U1,PR1,,,,,", "B,31/04/2025,S,C2,N1,U1,PR1,,,,,"], [3]),
    (
        "142",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,,,,,",  # open, then another episode: fails
            "A,01/06/2025,P,C2,N1,U2,PR1,,,,,",  # the latest may be open
            "B,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,CARPL,,",
            "B,01/06/2025,P,C2,N1,U2,PR1,,,,,",
        ],
        [2],
    ),
    ("143", ["A,01/05/2025,S,C2,N1,U1,PR1,,,,,", "B,01/05/2025,X,C2,N1,U1,PR1,,,,,"], [3]),
    ("144", ["A,01/05/2025,S,C2,N1,U1,PR1,,,,,", "B,01/05/2025,S,C9,N1,U1,PR1,,,,,"], [3]),
    ("145", ["A,01/05/2025,S,C2,N8,U1,PR1,,,,,", "B,01/05/2025,S,C2,N9,U1,PR1,,,,,"], [3]),
    # 2025/26 withdrew Z1 (now Z11-Z14) and H5
    (
        "146",
        [
            "A,01/05/2025,S,C2,N1,Z11,,,,,,",
            "B,01/05/2025,S,C2,N1,Z1,,,,,,",
            "C,01/05/2025,S,C2,N1,H5,PR1,,,,,",
        ],
        [3, 4],
    ),
    (
        "147",
        ["A,01/05/2025,S,C2,N1,U1,PR1,,,,,", "B,01/05/2025,S,C2,N1,U1,PR1,2025-06-01x,E3,,,"],
        [3],
    ),
    (
        "148",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,E3,,,",
            "B,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,,,,",
            "C,01/05/2025,S,C2,N1,U1,PR1,,E3,,,",
            "D,01/05/2025,S,C2,N1,U1,PR1,,,,,",
        ],
        [3, 4],
    ),
    (
        "149",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,E4A,,,",
            "B,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,E1,,,",
        ],
        [3],
    ),
    (
        "178",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,,,,,",
            "B,01/05/2025,S,C2,N1,U1,PR9,,,,,",
            "C,01/05/2025,S,C2,N1,Z12,PR2,,,,,",
            "D,01/05/2025,S,C2,N1,T4,,,,,,",
        ],
        [3, 4],
    ),
    (
        "213",
        [
            "A,01/05/2025,S,C2,N1,T0,,,,,,",
            "B,01/05/2025,S,C2,N1,T4,PR1,,,,,",
            "C,01/05/2025,S,C2,N1,Z14,PR1,,,,,",
            "D,01/05/2025,S,C2,N1,U1,PR1,,,,,",
        ],
        [3, 4],
    ),
    (
        "214",
        [
            "A,01/05/2025,S,V3,N1,U1,PR1,,,,,",
            "B,01/05/2025,S,V4,N1,U1,PR1,,,,SC123456",
            "C,01/05/2025,S,C2,N1,U1,PR1,,,,AB1 2CD,SC123456",
        ],
        [3],
    ),
    (
        "217",
        [
            "A,01/05/2025,T,E1,N1,A3,PR1,,,,,",
            "B,01/05/2025,P,E1,N1,A5,PR1,,,,,",
            "C,01/05/2014,P,E1,N1,A3,PR1,,,,,",
            "D,01/05/2025,P,E1,N1,A4,PR1,,,,,",
        ],
        [3],
    ),
    (
        "222",
        [
            "A,01/05/2025,S,C2,N1,P1,PR1,,,,,XXXXXXX",  # URN not known: allowed
            "B,01/05/2025,S,C2,N1,R1,PR1,,,,,SC123456",  # R1 has no URN: fails
            "C,01/05/2025,S,C2,N1,K2,PR1,,,,,SC123456",
            "D,01/05/2025,S,C2,N1,Z13,,,,,,SC123456",  # fails
        ],
        [3, 5],
    ),
    (
        "225",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,,,",  # moves on with no reason: fails
            "A,01/06/2025,P,C2,N1,U2,PR1,,,,,",
            "B,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,CARPL,,",
            "B,01/06/2025,P,C2,N1,U2,PR1,,,,,",
            "C,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,,,",  # legal status change only
            "C,01/06/2025,L,C1,N1,U1,PR1,,,,,",
            "D,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,,,",  # into a temporary placement
            "D,01/06/2025,T,C2,N1,T1,,,,,,",
        ],
        [2],
    ),
    (
        "226",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,CARPL,,",  # reason before a T placement
            "A,01/06/2025,T,C2,N1,T2,,,,,,",
            "B,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,,,",
            "B,01/06/2025,T,C2,N1,T3,,08/06/2025,X1,,,",
            "B,08/06/2025,P,C2,N1,U1,PR1,,,,,",
            "C,01/05/2025,S,C2,N1,T0,,,,OTHER,,",  # reason on the T placement itself
        ],
        [3, 7],
    ),
    (
        "233",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,,,CARPL,,",
            "B,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,E3,CARPL,,",
            "C,01/05/2025,S,C2,N1,U1,PR1,,,,,",
        ],
        [2],
    ),
    (
        "242",
        [
            "A,01/05/2025,S,C2,N1,U1,PR1,,,,,XXXXXXX",
            "B,01/05/2025,S,C2,N1,K2,PR1,,,,,XXXXXXX",
            "C,01/05/2025,S,C2,N1,K2,PR1,,,,,SC123456",
        ],
        [3],
    ),
]


@pytest.mark.parametrize(("code", "rows", "failing"), CASES, ids=[case[0] for case in CASES])
def test_episode_rule_fails_exactly_the_rows_the_dfe_condition_fails(code, rows, failing):
    assert found(code, episodes(*rows)) == [("episodes", row) for row in failing]


def test_a_return_without_episodes_finds_nothing():
    assert all(found(code, {"header": "CHILD,SEX\nA,1\n"}) == [] for code, _, _ in CASES)


def test_234_a_child_under_10_cannot_leave_a_placement_for_custody():
    tables = episodes(
        "A,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,CUSTOD,,",  # 9 at the change: fails
        "A,01/06/2025,P,C2,N1,R5,PR1,,,,,",
        "B,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,CUSTOD,,",  # 10 by the change
        "B,01/06/2025,P,C2,N1,R5,PR1,,,,,",
    )
    tables["header"] = "CHILD,DOB\nA,02/06/2015\nB,01/06/2015\n"
    assert found("234", tables) == [("episodes", 2)]


def test_199_no_episode_follows_an_adoption_this_year_or_last():
    this_year = episodes(
        "A,01/05/2025,S,C2,N1,A3,PR1,01/06/2025,E11,,,",  # the adoption itself
        "A,01/09/2025,S,C2,N1,U1,PR1,,,,,",  # after it: fails
        "B,01/05/2025,S,C2,N1,U1,PR1,,,,,",  # adopted last year: fails
        "C,01/05/2025,S,C2,N1,U1,PR1,,,,,",
    )
    last_year = {
        "episodes": "CHILD,DECOM,DEC,REC\nB,01/01/2024,01/03/2024,E12\nC,01/01/2024,01/03/2024,E3\n"
    }
    assert found("199", this_year, last_year) == [("episodes", 3), ("episodes", 4)]
    assert found("199", this_year) == [("episodes", 3)]
