"""SSDA903 rules 104, 165, 166 and 167: UASC end dates, mother status, reviews. No
database."""

from __future__ import annotations

from returns.dfe_rules.engine import ReturnTables, rule_set


def found(code: str, tables: dict[str, str]) -> list:
    """The (table, row) pairs the 2025/26 rule `code` fails."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    failed = rule.check(ReturnTables.of(2026, tables))
    return sorted(failed.select("table", "row").unique().rows())


def test_104_a_uasc_end_date_must_be_a_date_in_or_after_the_year():
    uasc = "CHILD,SEX,DOB,DUC\nA,1,01/01/2009,01/05/2025\nB,1,01/01/2009,\n"
    uasc += "C,1,01/01/2009,31/03/2025\nD,1,01/01/2009,01/13/2025\n"
    assert found("104", {"uasc": uasc}) == [("uasc", 4), ("uasc", 5)]


def test_165_mother_status_is_0_or_1_for_girls_and_given_for_girls_looked_after():
    header = (
        "CHILD,SEX,MOTHER\n"
        "A,F,0\n"  # a girl, not a mother
        "B,F,\n"  # a girl looked after in the year, mother status blank: fails
        "C,M,0\n"  # a boy with mother status: fails
        "D,F,2\n"  # not a valid code: fails
        "E,F,\n"  # short breaks only: not checked (rule 399's)
        "F,M,\n"
    )
    episodes = (
        "CHILD,DECOM,DEC,LS\nA,01/05/2025,,C2\nB,01/05/2024,,C2\nC,01/05/2025,,C2\n"
        "D,01/05/2025,,C2\nE,01/05/2025,03/05/2025,V3\nF,01/05/2025,,C2\n"
    )
    assert found("165", {"header": header, "episodes": episodes}) == [
        ("header", 3),
        ("header", 4),
        ("header", 5),
    ]


def test_166_a_review_date_must_be_a_date():
    reviews = "CHILD,REVIEW,REVIEW_CODE\nA,01/05/2025,PN1\nB,,\nC,35/05/2025,PN1\n"
    assert found("166", {"reviews": reviews}) == [("reviews", 3), ("reviews", 4)]


def test_167_a_review_has_a_valid_participation_code_and_a_blank_row_has_none():
    reviews = (
        "CHILD,REVIEW,REVIEW_CODE\nA,01/05/2025,PN0\nB,01/05/2025,\nC,01/05/2025,PN8\nD,,\nE,,PN1\n"
    )
    assert found("167", {"reviews": reviews}) == [
        ("reviews", 3),
        ("reviews", 4),
        ("reviews", 6),
    ]
