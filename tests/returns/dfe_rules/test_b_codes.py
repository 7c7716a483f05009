"""SSDA903 rules on codes that contradict each other (b_codes): within an episode, between
episodes and the header, and in AD1, OC3 and the reviews, in the 2025/26 collection."""

from __future__ import annotations

import re

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set


def failures(
    code: str, tables: dict[str, str], previous: dict[str, str] | None = None
) -> list[tuple[str, int]]:
    """The (table, row) pairs the 2025/26 rule `code` reports for the tables."""
    rule = next(rule for rule in rule_set("ssda903", 2026).rules if rule.code == code)
    found = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(found.select("table", "row").rows())


EPISODES = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,HOME_POST,PL_POST\n"
HEADER = "CHILD,SEX,DOB,UPN,MOTHER\n"
OC3 = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"


def episodes(*rows: str) -> dict[str, str]:
    """Episodes (CHILD,DECOM,RNE,LS,PLACE,DEC,REC,HOME_POST,PL_POST), one a string."""
    return {"episodes": EPISODES + "".join(f"{row}\n" for row in rows)}


CASES = [
    # 378: placed with parents under a single section 20 period.
    ("378", episodes("A,01/05/2025,S,V2,P1,,,,", "B,01/05/2025,S,C2,P1,,,,"), [("episodes", 2)]),
    # 384: short break in a long-term foster placement.
    ("384", episodes("A,01/05/2025,S,V3,U4,,,,", "B,01/05/2025,S,V4,U2,,,,"), [("episodes", 2)]),
    # 390: adopted without a placement for adoption.
    (
        "390",
        episodes("A,01/05/2025,S,E1,U1,01/06/2025,E11,,", "B,01/05/2025,S,E1,A5,01/06/2025,E12,,"),
        [("episodes", 2)],
    ),
    # 398: postcodes given on a short break.
    (
        "398",
        episodes("A,01/05/2025,S,V3,U1,,,AB1 2CD,", "B,01/05/2025,S,C2,U1,,,AB1 2CD,EF3 4GH"),
        [("episodes", 2)],
    ),
    # 408: placement order placement without the order; a blank LS fails too.
    (
        "408",
        episodes("A,01/05/2025,S,C2,A5,,,,", "B,01/05/2025,S,E1,A6,,,,", "C,01/05/2025,S,,A6,,,,"),
        [("episodes", 2), ("episodes", 4)],
    ),
    # 451: still freed for adoption.
    (
        "451",
        episodes("A,01/05/2004,S,D1,A4,,,,", "B,01/05/2004,S,D1,A4,01/06/2025,E11,,"),
        [("episodes", 2)],
    ),
    # 393: a looked-after girl without MOTHER; a boy, and a girl only on short breaks, pass.
    (
        "393",
        {
            "header": HEADER
            + "A,F,01/01/2010,X,\nB,M,01/01/2010,X,\nC,F,01/01/2010,X,\nD,F,01/01/2010,X,0\n"
            # The former coding 2 is not read as a girl: 101 reports the code, not 393.
            + "E,2,01/01/2010,X,\n",
            **episodes(
                "A,01/05/2025,S,C2,U1,,,,",
                "B,01/05/2025,S,C2,U1,,,,",
                "C,01/05/2025,S,V3,U1,,,,",
                "D,01/05/2025,S,C2,U1,,,,",
                "E,01/05/2025,S,C2,U1,,,,",
            ),
        },
        [("header", 2)],
    ),
    # 442: UPN missing for a looked-after child (episode and header), not on short breaks.
    (
        "442",
        {
            "header": HEADER + "A,1,01/01/2010,,\nB,1,01/01/2010,,\nC,1,01/01/2010,UN1,\n",
            **episodes(
                "A,01/05/2025,S,C2,U1,,,,", "B,01/05/2025,S,V4,U1,,,,", "C,01/05/2025,S,C2,U1,,,,"
            ),
        },
        [("episodes", 2), ("header", 2)],
    ),
    # 399: only short breaks, yet MOTHER or a review is completed.
    (
        "399",
        {
            "header": HEADER + "A,F,01/01/2010,X,0\nB,F,01/01/2010,X,\nC,F,01/01/2010,X,1\n",
            "reviews": REVIEWS + "B,01/01/2010,01/06/2025,PN1\n",
            **episodes(
                "A,01/05/2025,S,V3,U1,,,,",
                "B,01/05/2025,S,V4,U1,,,,",
                "C,01/05/2025,S,V3,U1,02/05/2025,E13,,",
                "C,01/06/2025,S,C2,U1,,,,",
            ),
        },
        [("episodes", 2), ("episodes", 3), ("header", 2), ("reviews", 2)],
    ),
    # 333: DATE_INT missing or after DATE_MATCH.
    (
        "333",
        {
            "ad1": "CHILD,DATE_INT,DATE_MATCH\nA,01/06/2025,01/05/2025\nB,,01/05/2025\n"
            "C,01/05/2025,01/05/2025\nD,01/05/2025,\n"
        },
        [("ad1", 2), ("ad1", 3)],
    ),
    # 392B: both postcodes needed, except on short breaks and for (former) UASC children.
    (
        "392B",
        {
            "uasc": "CHILD,SEX,DOB,DUC\nC,M,01/01/2009,01/01/2027\n",
            **episodes(
                "A,01/05/2025,S,C2,U1,,,AB1 2CD,",
                "B,01/05/2025,S,V3,U1,,,,",
                "C,01/05/2025,S,C2,U1,,,,EF3 4GH",
                "D,01/05/2025,S,C2,U1,,,AB1 2CD,EF3 4GH",
            ),
        },
        [("episodes", 2)],
    ),
    # 303: DUC given but the header's UASC flag is not 1 (uasc and header rows reported).
    (
        "303",
        {
            "header": "CHILD,SEX,DOB,UASC\nA,M,01/01/2009,0\nB,M,01/01/2009,1\nC,M,01/01/2009,0\n",
            "uasc": "CHILD,SEX,DOB,DUC\nA,M,01/01/2009,01/01/2026\nB,M,01/01/2009,01/01/2026\n"
            "C,M,01/01/2009,\n",
        },
        [("header", 2), ("uasc", 2)],
    ),
    (
        "303",
        {
            "header": "CHILD,SEX,DOB\nA,M,01/01/2009\n",
            "uasc": "CHILD,SEX,DOB,DUC\nA,M,01/01/2009,01/01/2026\n",
        },
        [],
    ),
    # 331, 335: episodes ending in adoption against AD1 (both rows reported).
    (
        "331",
        {
            "ad1": "CHILD,DATE_MATCH,FOSTER_CARE\nA,02/05/2025,0\nB,01/05/2025,0\n",
            **episodes(
                "A,01/05/2025,S,E1,A4,01/06/2025,E11,,", "B,01/05/2025,S,E1,A4,01/06/2025,E12,,"
            ),
        },
        [("ad1", 2), ("episodes", 2)],
    ),
    (
        "335",
        {
            "ad1": "CHILD,DATE_MATCH,FOSTER_CARE\nA,01/05/2025,0\nB,01/05/2025,1\nC,01/05/2025,1\n",
            **episodes(
                "A,01/05/2025,S,E1,A5,01/06/2025,E11,,",
                "B,01/05/2025,S,E1,A6,01/06/2025,E12,,",
                "C,01/05/2025,S,E1,A3,01/06/2025,E12,,",
            ),
        },
        [("ad1", 2), ("ad1", 3), ("episodes", 2), ("episodes", 3)],
    ),
    # 334: DATE_INT before the start of the latest period of care (latest RNE S).
    (
        "334",
        {
            "ad1": "CHILD,DATE_INT\nA,01/05/2025\nB,01/05/2025\n",
            **episodes(
                "A,01/01/2024,S,C2,U1,01/02/2024,E3,,",
                "A,01/06/2025,S,E1,A4,,,,",
                "B,01/04/2025,S,E1,U1,01/06/2025,X1,,",
                "B,01/06/2025,P,E1,A4,,,,",
            ),
        },
        [("ad1", 2), ("episodes", 3)],
    ),
    # 344, 345: care leavers' activity against being in touch.
    (
        "344",
        {"oc3": OC3 + "A,01/01/2007,DIED,F1,\nB,01/01/2007,RHOM,,\nC,01/01/2007,NO,F1,B1\n"},
        [("oc3", 2)],
    ),
    (
        "345",
        {"oc3": OC3 + "A,01/01/2007,YES,F1,\nB,01/01/2007,YES,F1,B1\nC,01/01/2007,NO,,\n"},
        [("oc3", 2)],
    ),
    # 347: a foyer (ACCOM T1/T2) for a care leaver under 18 at the start of the year.
    (
        "347",
        {"oc3": OC3 + "A,02/04/2007,YES,F1,T1\nB,01/04/2007,YES,F1,T2\nC,02/04/2007,YES,F1,B1\n"},
        [("oc3", 2)],
    ),
    # 391: a care leaver under 17 at the year end.
    (
        "391",
        {"oc3": OC3 + "A,01/04/2009,NO,,\nB,31/03/2009,YES,F1,B1\nC,01/04/2009,,,\n"},
        [("oc3", 2)],
    ),
    # 440, 441: participation code against age at the review.
    (
        "440",
        {"reviews": REVIEWS + "A,01/06/2021,01/06/2025,PN0\nB,02/06/2021,01/06/2025,PN0\n"},
        [("reviews", 2)],
    ),
    (
        "441",
        {"reviews": REVIEWS + "A,02/06/2021,01/06/2025,PN1\nB,01/06/2021,01/06/2025,PN7\n"},
        [("reviews", 2)],
    ),
]


@pytest.mark.parametrize(("code", "tables", "expected"), CASES)
def test_each_code_rule_reports_exactly_the_rows_that_fail(code, tables, expected):
    assert failures(code, tables) == expected


def test_348_a_care_leaver_reported_dead_last_year_must_be_reported_dead_again():
    last_year = {"oc3": OC3 + "A,01/01/2006,DIED,,\nB,01/01/2006,DIED,,\nC,01/01/2006,NO,,\n"}
    this_year = {"oc3": OC3 + "A,01/01/2006,DIED,,\nB,01/01/2006,NO,,\nC,01/01/2006,YES,F1,B1\n"}
    assert failures("348", this_year, last_year) == [("oc3", 3)]
    assert failures("348", this_year) == []


def test_the_years_rules_load_and_run_together_over_a_whole_return():
    tables = ReturnTables.of(
        2026,
        {
            "header": HEADER + "A,F,01/01/2010,A123456789012,0\n",
            **episodes(
                "A,01/05/2025,S,C2,U1,01/06/2025,X1,AB1,CD2",
                "A,01/06/2025,P,C2,U2,,,AB1,CD3",
            ),
        },
    )
    outcome = rule_set("ssda903", 2026).run(tables)
    assert outcome.not_checked == {}
    # Only this part's rules (300-499) are asserted: a clean return fails none of them.
    assert [code for code in outcome.counts if _in_part_b(code)] == []
    assert len([rule for rule in outcome.rules if _in_part_b(rule.code)]) == 73  # with 444


def _in_part_b(code: str) -> bool:
    """Codes 300 to 499, with or without a letter (392B), not 3001."""
    number = re.match(r"\d+", code)
    return number is not None and len(number.group()) == 3 and 300 <= int(number.group()) < 500
