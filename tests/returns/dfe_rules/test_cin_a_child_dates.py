"""CIN rules 8520-8585: the child's dates of birth and death, disabilities and the
no-further-action flag; a passing and a failing case for each, as the DfE's rule text
describes them. No database. Rows of the CSV tables are numbered from 2.

The collection year is 2025/26: 1 April 2025 to 31 March 2026 (the reference date).
"""

from __future__ import annotations

from returns.dfe_rules.cin import a_child_dates as rules
from returns.dfe_rules.engine import ReturnTables


def found(check, **tables: str) -> list[tuple[str, int]]:
    frame = check(ReturnTables.of(2026, tables))
    return sorted(zip(frame["table"].to_list(), frame["row"].to_list(), strict=True))


CHILDREN = "CHILD,PERSONBIRTHDATE,EXPECTEDPERSONBIRTHDATE,PERSONDEATHDATE"


def children(*rows: str) -> str:
    return CHILDREN + "\n" + "\n".join(rows)


def test_8520_born_on_or_before_the_reference_date():
    table = children("A1,2026-03-31,,", "B2,2026-04-01,,", "C3,,2026-05-01,")
    assert found(rules.birth_after_census_year, childidentifiers=table) == [("childidentifiers", 3)]


def test_8525_a_date_of_birth_or_an_expected_one_but_not_both():
    table = children("A1,2015-01-01,,", "B2,,2026-05-01,", "C3,2015-01-01,2026-05-01,", "D4,,,x")
    assert found(rules.birth_or_expected_birth, childidentifiers=table) == [
        ("childidentifiers", 4),
        ("childidentifiers", 5),
    ]


def test_8530q_an_expected_birth_falls_from_march_to_december():
    table = children(
        "A1,,2026-03-01,",
        "B2,,2026-12-31,",
        "C3,,2026-02-28,",
        "D4,,2027-01-01,",
        "E5,2015-01-01,,",
    )
    assert found(rules.expected_birth_out_of_range, childidentifiers=table) == [
        ("childidentifiers", 4),
        ("childidentifiers", 5),
    ]


def test_8535q_a_child_dies_on_or_after_birth():
    table = children(
        "A1,2015-05-26,,2015-05-26", "B2,2015-05-26,,2015-05-25", "C3,,2026-05-01,2025-05-01"
    )
    assert found(rules.death_before_birth, childidentifiers=table) == [("childidentifiers", 3)]


def test_8545q_a_death_falls_within_the_census_year():
    table = children("A1,2015-01-01,,2025-04-01", "B2,2015-01-01,,2025-03-31", "C3,2015-01-01,,")
    assert found(rules.death_outside_census_year, childidentifiers=table) == [
        ("childidentifiers", 3)
    ]


def test_8540_a_born_child_with_a_referral_taken_further_has_valid_disabilities():
    table = children(
        "A1,2015-01-01,,",
        "B2,2015-01-01,,",
        "C3,2015-01-01,,",
        "D4,,2026-05-01,",
        "E5,2015-01-01,,",
    )
    referrals = "CHILD,CINDETAILSID,REFERRALNFA\nA1,1,false\nB2,1,0\nC3,1,0\nD4,1,false\nE5,1,true"
    disabilities = "CHILD,DISABILITY\nA1,MOB\nA1,notreal\nC3,NONE"
    # A1 has an invalid code; B2 none at all; D4 is unborn and E5's referral went no further.
    assert found(
        rules.disability_missing_or_invalid,
        childidentifiers=table,
        cindetails=referrals,
        disabilities=disabilities,
    ) == [("childidentifiers", 3), ("disabilities", 3)]


def test_8555_no_referral_after_the_childs_death():
    table = children("A1,2015-01-01,,2025-06-01", "B2,2015-01-01,,")
    referrals = (
        "CHILD,CINDETAILSID,CINREFERRALDATE\nA1,1,2025-06-01\nA1,2,2025-06-02\nB2,1,2025-07-01"
    )
    assert found(rules.referred_after_death, childidentifiers=table, cindetails=referrals) == [
        ("childidentifiers", 2),
        ("cindetails", 3),
    ]


def test_8565_no_activity_after_a_referral_closes():
    referrals = """CHILD,CINDETAILSID,CINCLOSUREDATE,DATEOFINITIALCPC
A1,1,2025-05-26,2025-05-26
A1,2,2025-05-26,2025-05-27
A1,3,,
B2,1,2025-05-26,"""
    assessments = """CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE,ASSESSMENTAUTHORISATIONDATE
A1,1,2025-05-20,2025-05-27
A1,3,2025-06-01,"""
    s47 = "CHILD,CINDETAILSID,S47ACTUALSTARTDATE,DATEOFINITIALCPC\nA1,1,2025-05-26,2025-05-26"
    plans = "CHILD,CINDETAILSID,CPPID,CPPSTARTDATE,CPPENDDATE\nB2,1,1,2025-05-01,2025-05-27"
    cin_plans = "CHILD,CINDETAILSID,CINPLANSTARTDATE,CINPLANENDDATE\nB2,1,2025-04-01,2025-05-26"
    # A1's first: an assessment authorised after it closed; A1's second: its own conference
    # after; A1's third is open; B2's: a protection plan ending after it closed.
    assert found(
        rules.activity_after_closure,
        cindetails=referrals,
        assessments=assessments,
        section47=s47,
        childprotectionplans=plans,
        cinplandates=cin_plans,
    ) == [
        ("assessments", 2),
        ("childprotectionplans", 2),
        ("cindetails", 2),
        ("cindetails", 3),
        ("cindetails", 5),
    ]


def test_8568_the_no_further_action_flag_is_a_boolean():
    referrals = "CHILD,CINDETAILSID,REFERRALNFA\nA1,1,true\nA1,2,0\nB2,1,2\nB2,2,\nC3,1,Woof"
    assert found(rules.no_further_action_flag_invalid, cindetails=referrals) == [
        ("cindetails", 4),
        ("cindetails", 5),
        ("cindetails", 6),
    ]


def test_8569_an_old_referral_is_not_no_further_action():
    # 1 April 2025 is a Tuesday: the working day before it is Monday 31 March.
    referrals = """CHILD,CINDETAILSID,CINREFERRALDATE,REFERRALNFA
A1,1,2025-03-28,true
B2,1,2025-03-31,true
C3,1,2025-03-28,false
D4,1,2024-10-26,1"""
    assert found(rules.old_referral_flagged_no_further_action, cindetails=referrals) == [
        ("cindetails", 2),
        ("cindetails", 5),
    ]


def test_8585q_a_child_closed_as_died_has_a_date_of_death():
    table = children("A1,2015-01-01,,2025-06-01", "B2,2015-01-01,,", "C3,2015-01-01,,")
    referrals = "CHILD,CINDETAILSID,REASONFORCLOSURE\nA1,1,RC2\nB2,1,RC2\nC3,1,RC1"
    assert found(
        rules.closed_as_died_without_death_date, childidentifiers=table, cindetails=referrals
    ) == [
        ("childidentifiers", 3),
        ("cindetails", 3),
    ]
