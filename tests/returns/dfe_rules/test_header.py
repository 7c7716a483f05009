"""SSDA903 rules on the header (101-210) and those comparing it with last year's (202-208):
each fails exactly the rows the DfE's condition fails. No database."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set

HEAD = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def found(code: str, tables: dict[str, str], previous: dict[str, str] | None = None) -> list:
    """The (table, row) pairs the 2025/26 rule `code` fails."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    failed = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(failed.select("table", "row").unique().rows())


def header(*rows: str) -> str:
    return HEAD + "\n".join(rows) + "\n"


CASES = [
    # code, header rows, failing rows (the first data row is row 2)
    # 2024/25 replaced the codes 1 and 2 with M, F and U
    (
        "101",
        [
            "A,M,01/02/2015,WBRI,,,",
            "B,1,01/02/2015,WBRI,,,",
            "C,,01/02/2015,WBRI,,,",
            "D,F,01/02/2015,WBRI,,,",
            "E,U,01/02/2015,WBRI,,,",
            "F,m,01/02/2015,WBRI,,,",
        ],
        [3, 4, 7],
    ),
    # 232: sex unknown (a lower-case u is 101's, not also 232's)
    ("232", ["A,M,01/02/2015,WBRI,,,", "B,U,01/02/2015,WBRI,,,", "C,u,01/02/2015,WBRI,,,"], [3]),
    ("102", ["A,M,01/02/2015,WBRI,,,", "B,M,30/02/2015,WBRI,,,", "C,M,,WBRI,,,"], [3, 4]),
    # 444: a known UPN given to two children (both fail); unknown codes may repeat
    (
        "444",
        [
            "A,M,01/02/2015,WBRI,A123456789012,,",
            "B,F,01/02/2015,WBRI,a123456789012,,",
            "C,F,01/02/2015,WBRI,UN2,,",
            "D,F,01/02/2015,WBRI,UN2,,",
            "E,F,01/02/2015,WBRI,B123456789012,,",
            "F,F,01/02/2015,WBRI,,,",
            "G,F,01/02/2015,WBRI,,,",
        ],
        [2, 3],
    ),
    ("103", ["A,M,01/02/2015,WBRI,,,", "B,M,01/02/2015,WXYZ,,,", "C,M,01/02/2015,,,,"], [3, 4]),
    (
        "168",
        [
            "A,M,01/02/2015,WBRI,A123456789012,,",
            "B,M,01/02/2015,WBRI,B12345678901C,,",
            "C,M,01/02/2015,WBRI,UN3,,",
            "D,M,01/02/2015,WBRI,,,",
            "E,M,01/02/2015,WBRI,I123456789012,,",
            "F,M,01/02/2015,WBRI,UN6,,",
            "G,M,01/02/2015,WBRI,A12345,,",
        ],
        [6, 7, 8],
    ),
    ("171", ["A,F,01/02/2008,WBRI,,1,01/02/2025", "B,F,01/02/2008,WBRI,,1,2025/02/31"], [3]),
    ("174", ["A,F,01/02/2008,WBRI,,1,01/02/2025", "B,M,01/02/2008,WBRI,,,01/02/2025"], [3]),
    # 2025/26: UN1 is wrong for a child 4 or over on 31 August 2024
    (
        "209",
        ["A,M,31/08/2020,WBRI,UN1,,", "B,M,01/09/2020,WBRI,UN1,,", "C,M,01/01/2015,WBRI,UN2,,"],
        [2],
    ),
]


@pytest.mark.parametrize(("code", "rows", "failing"), CASES, ids=[case[0] for case in CASES])
def test_header_rule_fails_exactly_the_rows_the_dfe_condition_fails(code, rows, failing):
    assert found(code, {"header": header(*rows)}) == [("header", row) for row in failing]


def test_231_a_uasc_child_under_11_on_31_march_is_queried_when_the_header_says_uasc():
    with_status = "CHILD,DOB,UASC_STATUS\nA,01/04/2015,1\nB,31/03/2015,1\nC,01/04/2015,0\n"
    assert found("231", {"header": with_status}) == [("header", 2)]
    assert found("231", {"header": header("A,M,01/04/2015,WBRI,UN2,,")}) == []


def test_210_un4_fails_for_a_child_whose_episode_starts_in_the_last_week_of_march():
    tables = {
        "header": header("A,M,01/02/2015,WBRI,UN4,,", "B,M,01/02/2015,WBRI,UN4,,"),
        "episodes": "CHILD,DECOM\nA,24/03/2026\nB,23/03/2026\nB,01/04/2025\n",
    }
    assert found("210", tables) == [("episodes", 2), ("header", 2)]


LAST_YEAR = header(
    "A,M,01/02/2015,WBRI,A123456789012,,",
    "B,F,01/02/2010,WIRI,UN1,1,01/01/2024",
    "C,F,01/02/2010,WIRI,,0,",
    "D,M,01/02/2015,WBRI,UN2,,",
)

LAST_YEAR_CASES = [
    # code, this year's header rows, failing rows
    ("202", ["A,F,01/02/2015,WBRI,A123456789012,,", "B,F,01/02/2010,WIRI,UN1,1,01/01/2024"], [2]),
    ("203", ["A,M,2015-02-01,WBRI,A123456789012,,", "B,F,02/02/2010,WIRI,UN1,1,01/01/2024"], [3]),
    ("204", ["A,M,01/02/2015,wbri,A123456789012,,", "B,F,01/02/2010,WBRI,UN1,1,01/01/2024"], [3]),
    (
        "207",
        [
            "B,F,01/02/2010,WIRI,UN1,0,",
            "C,F,01/02/2010,WIRI,,1,01/03/2025",
            "X,F,01/02/2010,WIRI,,,",
        ],
        [2],
    ),
    (
        "208",
        [
            "A,M,01/02/2015,WBRI,B123456789012,,",  # a known UPN changed: fails
            "B,F,01/02/2010,WIRI,UN3,1,01/01/2024",  # UN1 to UN2-UN5 is allowed
            "C,F,01/02/2010,WIRI,C123456789012,0,",  # blank to known is allowed
            "D,M,01/02/2015,WBRI,UN1,,",  # UN2 back to UN1: fails
        ],
        [2, 5],
    ),
]


@pytest.mark.parametrize(
    ("code", "rows", "failing"), LAST_YEAR_CASES, ids=[case[0] for case in LAST_YEAR_CASES]
)
def test_a_child_in_last_years_return_keeps_what_cannot_change(code, rows, failing):
    found_rows = found(code, {"header": header(*rows)}, {"header": LAST_YEAR})
    assert found_rows == [("header", row) for row in failing]


def test_without_last_years_return_nothing_is_compared():
    rows = header("A,F,01/02/2016,MOTH,B123456789012,,")
    assert all(found(code, {"header": rows}) == [] for code, _, _ in LAST_YEAR_CASES)


def test_the_2025_26_rules_all_load_with_their_functions_and_severities():
    rules = {rule.code: rule for rule in rule_set("ssda903", 2026).rules}
    mine = {"101", "102", "103", "141", "142", "165", "186", "208", "226"}
    assert mine <= set(rules)
    assert rules["146"].message == "Placement type code is not a valid code."
    assert rules["225"].fields == ("REASON_PLACE_CHANGE",)
    assert {rule.severity for rule in rules.values()} <= {"error", "warning"}


def test_the_queries_of_each_return_are_warnings_and_the_rest_errors():
    """The DfE's queries ask the authority to check, not to correct: in the CIN census each
    code ending Q; in the SSDA903 sex unknown (232), a young UASC child's date of birth (231,
    "we expect ... please check") and adoption on the day of matching (582, "in most
    circumstances we expect")."""
    for name, queries in (("ssda903", {"231", "232", "582"}), ("cin", None)):
        rules = rule_set(name, 2026).rules
        warned = {rule.code for rule in rules if rule.severity == "warning"}
        expected = queries if queries is not None else {r.code for r in rules if r.code[-1] == "Q"}
        assert warned == expected
    assert len(expected) >= 10  # the CIN census has a dozen or more queries
