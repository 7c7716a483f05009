"""CIN census rules 8600 and above on the CIN details module: for each, a referral the DfE's
rule accepts and one it refuses, as small tables of the 2025/26 census (year to 31 March
2026). No database."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set


def fails(code: str, tables: dict[str, str]) -> list[tuple[str, int]]:
    """The (table, row) pairs a rule of the 2025/26 CIN set finds in the tables."""
    rule = next(rule for rule in rule_set("cin", 2026).rules if rule.code == code)
    found = rule.check(ReturnTables.of(2026, tables))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


DETAILS = (
    "CHILD,CINDETAILSID,CINREFERRALDATE,CINCLOSUREDATE,REASONFORCLOSURE,PRIMARYNEEDCODE,"
    "REFERRALNFA\n"
)


def test_every_rule_of_this_part_loads_with_its_function_and_severity():
    codes = {rule.code: rule.severity for rule in rule_set("cin", 2026).rules}
    for code in ("8600", "8606", "8610", "8620", "8630", "8640", "8650", "8772", "8810"):
        assert codes[code] == "error"


@pytest.mark.parametrize(
    ("code", "rows", "expected"),
    [
        # 8600: referral date present and on or before 31 March 2026.
        (
            "8600",
            ["A,1,2026-03-31,,,N1,false", "B,1,,,,N1,false", "C,1,2026-04-01,,,N1,false"],
            [3, 4],
        ),
        # 8610: a referral going on to further action (NFA false or 0) needs a primary need.
        (
            "8610",
            ["A,1,2025-05-01,,,N1,false", "B,1,2025-05-01,,,,0", "C,1,2025-05-01,,,,true"],
            [3],
        ),
        # 8620: a closure date, where present, is within 1 April 2025 to 31 March 2026.
        (
            "8620",
            [
                "A,1,2025-01-01,2025-04-01,RC1,N1,false",
                "B,1,2025-01-01,2025-03-31,RC1,N1,false",
                "C,1,2025-01-01,,,N1,false",
                "D,1,2025-01-01,2026-04-01,RC1,N1,false",
            ],
            [3, 5],
        ),
        # 8630: closure on or after referral.
        (
            "8630",
            ["A,1,2025-06-01,2025-06-01,RC1,N1,false", "B,1,2025-06-01,2025-05-31,RC1,N1,false"],
            [3],
        ),
        # 8640: a reason for closure, where present, is RC1 to RC9.
        (
            "8640",
            [
                "A,1,2025-06-01,2025-07-01,RC9,N1,false",
                "B,1,2025-06-01,2025-07-01,RC10,N1,false",
                "C,1,2025-06-01,,,N1,false",
            ],
            [3],
        ),
        # 8650: a primary need code, where present, is N0 to N9.
        (
            "8650",
            ["A,1,2025-06-01,,,N0,true", "B,1,2025-06-01,,,N10,false", "C,1,2025-06-01,,,,true"],
            [3],
        ),
        # 8810: a reason for closure needs a closure date.
        (
            "8810",
            [
                "A,1,2025-06-01,2025-07-01,RC1,N1,false",
                "B,1,2025-06-01,,RC1,N1,false",
                "C,1,2025-06-01,,,N1,false",
            ],
            [3],
        ),
    ],
)
def test_rules_on_one_cin_details_row(code, rows, expected):
    table = DETAILS + "\n".join(rows) + "\n"
    assert fails(code, {"cindetails": table}) == [("cindetails", row) for row in expected]


def test_8606_a_referral_more_than_40_weeks_before_birth_or_expected_birth_fails():
    children = (
        "CHILD,PERSONBIRTHDATE,EXPECTEDPERSONBIRTHDATE\n"
        "A,2025-12-31,\n"  # referral 280 days before birth: passes
        "B,2026-01-01,\n"  # 281 days before birth: fails
        "C,,2026-01-01\n"  # 281 days before the expected birth: fails
    )
    details = DETAILS + (
        "A,1,2025-03-26,,,N1,false\n"
        "B,1,2025-03-26,,,N1,false\n"
        "B,2,2025-12-01,,,N1,false\n"
        "C,1,2025-03-26,,,N1,false\n"
    )
    assert fails("8606", {"childidentifiers": children, "cindetails": details}) == [
        ("childidentifiers", 3),
        ("childidentifiers", 4),
        ("cindetails", 3),
        ("cindetails", 5),
    ]


def test_8772_upn_unknown_un7_with_a_referral_going_on_to_further_action_fails():
    children = "CHILD,UPNUNKNOWN\nA,UN7\nB,UN7\nC,UN1\n"
    details = DETAILS + (
        "A,1,2025-06-01,,,N0,true\n"  # A: only referrals with no further action: passes
        "B,1,2025-06-01,,,N0,true\n"
        "B,2,2025-07-01,,,N1,false\n"  # B: one referral went on to further action
        "C,1,2025-07-01,,,N1,false\n"  # C: not UN7
    )
    assert fails("8772", {"childidentifiers": children, "cindetails": details}) == [
        ("childidentifiers", 3),
        ("cindetails", 4),
    ]


def test_rules_find_nothing_when_the_return_has_no_cin_details():
    assert fails("8600", {"childidentifiers": "CHILD,UPN\nA,X\n"}) == []


@pytest.mark.parametrize(
    ("code", "rows", "expected"),
    [
        # 8805: a closure date needs a reason for closure.
        (
            "8805",
            ["A,1,2025-06-01,2025-07-01,RC1,N1,false", "B,1,2025-06-01,2025-07-01,,N1,false"],
            [3],
        ),
    ],
)
def test_8805_closure_date_without_reason(code, rows, expected):
    table = DETAILS + "\n".join(rows) + "\n"
    assert fails(code, {"cindetails": table}) == [("cindetails", row) for row in expected]


def test_8866_a_referral_since_april_2013_needs_a_valid_source():
    details = (
        "CHILD,CINDETAILSID,CINREFERRALDATE,REFERRALSOURCE\n"
        "A,1,2025-06-01,5D\n"  # valid
        "B,1,2025-06-01,1Z\n"  # not a code
        "C,1,2025-06-01,\n"  # missing
        "D,1,2013-03-31,\n"  # before sources were collected
    )
    assert fails("8866", {"cindetails": details}) == [("cindetails", 3), ("cindetails", 4)]


def test_8825q_closed_after_assessment_needs_an_assessment_in_the_episode():
    details = DETAILS + (
        "A,1,2025-06-01,2025-07-01,RC8,N1,false\n"  # assessed: passes
        "A,2,2025-06-01,2025-07-01,RC9,N1,false\n"  # no assessment in episode 2: fails
        "B,1,2025-06-01,2025-07-01,RC1,N1,false\n"  # other reason: not checked
    )
    assessments = "CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE\nA,1,2025-06-02\nB,1,2025-06-02\n"
    assert fails("8825Q", {"cindetails": details, "assessments": assessments}) == [
        ("cindetails", 3)
    ]


def test_8831_activity_on_a_referral_with_no_further_action_fails_where_it_is_recorded():
    details = (
        "CHILD,CINDETAILSID,REFERRALNFA,DATEOFINITIALCPC\n"
        "A,1,true,\n"  # assessed though no further action
        "B,1,1,\n"  # Section 47 enquiry though no further action
        "C,1,true,2025-06-10\n"  # conference though no further action
        "D,1,true,\n"  # nothing recorded: passes
        "E,1,false,2025-06-10\n"  # further action: anything may be recorded
    )
    assessments = (
        "CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE,ASSESSMENTAUTHORISATIONDATE\n"
        "A,1,,2025-06-05\n"
        "E,1,2025-06-01,\n"
    )
    section47 = "CHILD,CINDETAILSID,S47ACTUALSTARTDATE,DATEOFINITIALCPC\nB,1,2025-06-01,\nD,1,,\n"
    tables = {"cindetails": details, "assessments": assessments, "section47": section47}
    assert fails("8831", tables) == [
        ("assessments", 2),
        ("cindetails", 2),
        ("cindetails", 3),
        ("cindetails", 4),
        ("section47", 2),
    ]


def test_8775q_a_child_over_25_with_an_episode_open_past_their_25th_birthday():
    # 25 years before the reference date is 31 March 2001.
    children = "CHILD,PERSONBIRTHDATE\nA,2001-03-30\nB,2001-03-31\nC,2000-01-01\n"
    details = DETAILS + (
        "A,1,2025-06-01,,,N1,false\n"  # A over 25, episode open: fails
        "B,1,2025-06-01,,,N1,false\n"  # B 25 today, not over: passes
        "C,1,2024-06-01,2024-12-31,RC1,N1,false\n"  # closed before the 25th birthday
        "C,2,2025-06-01,2025-07-01,RC1,N1,false\n"  # closed after it: fails
    )
    assert fails("8775Q", {"childidentifiers": children, "cindetails": details}) == [
        ("childidentifiers", 2),
        ("childidentifiers", 4),
        ("cindetails", 2),
        ("cindetails", 5),
    ]


def test_8815_two_open_episodes_that_went_on_to_further_action_fail():
    details = DETAILS + (
        "A,1,2025-05-26,,,N0,true\n"  # A: open but no further action
        "A,2,2025-08-26,,,N1,0\n"  # A: the only open further-action episode: passes
        "B,1,2025-05-26,,,N1,false\n"  # B: two open further-action episodes
        "B,2,2025-08-26,,,N1,0\n"
        "C,1,2025-05-26,2025-06-26,RC1,N1,false\n"  # C: one closed, one open
        "C,2,2025-08-26,,,N1,false\n"
    )
    assert fails("8815", {"cindetails": details}) == [("cindetails", 4), ("cindetails", 5)]


def test_8820_episodes_of_a_child_that_overlap():
    details = DETAILS + (
        "A,1,2025-05-26,2025-10-26,RC1,N0,true\n"
        "A,2,2025-08-26,,,N1,0\n"  # referred while episode 1 was open: fails
        "B,1,2025-05-26,2025-10-25,RC1,N1,false\n"
        "B,2,2025-10-25,2025-12-26,RC1,N1,false\n"  # starts the day the first closed: passes
        "C,1,2025-09-26,,,N0,true\n"  # open, no further action: not ongoing
        "C,2,2025-10-26,,,N1,false\n"
        "D,1,2025-09-26,,,N1,false\n"  # open with further action: ongoing
        "D,2,2025-10-26,2025-11-26,RC1,N1,false\n"  # fails
    )
    assert fails("8820", {"cindetails": details}) == [("cindetails", 3), ("cindetails", 9)]


def test_8867_a_closed_episode_with_an_assessment_not_authorised():
    details = DETAILS + (
        "A,1,2025-05-26,2025-10-26,RC1,N1,false\n"
        "A,2,2025-05-26,2025-10-26,RC1,N1,false\n"
        "B,1,2025-05-26,,,N1,false\n"
    )
    assessments = (
        "CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE,ASSESSMENTAUTHORISATIONDATE\n"
        "A,1,2025-05-27,\n"  # closed episode, assessment open: fails
        "A,2,2025-05-27,2025-06-01\n"  # authorised: passes
        "B,1,2025-05-27,\n"  # episode still open
    )
    tables = {"cindetails": details, "assessments": assessments}
    assert fails("8867", tables) == [("assessments", 2), ("cindetails", 2)]


def test_8816_an_open_further_action_episode_that_is_not_the_latest():
    details = DETAILS + (
        "A,1,2025-05-26,,,N1,false\n"  # open, but A was referred again later: fails
        "A,2,2025-08-26,2025-09-26,RC1,N1,false\n"
        "B,1,2025-05-26,2025-06-26,RC1,N1,false\n"
        "B,2,2025-08-26,,,N1,false\n"  # open and the latest: passes
        "C,1,2025-05-26,,,N0,true\n"  # open, no further action: not checked
        "C,2,2025-08-26,2025-09-26,RC1,N1,false\n"
    )
    assert fails("8816", {"cindetails": details}) == [("cindetails", 2)]
