"""CIN rules below 8600 on a referral's records: a passing and a failing case for each, as
the DfE's rule text describes them. No database.

Tables are CSV text with rows numbered from 2 (the header line is 1). A referral is the
child (CHILD) and its CINDETAILSID, as `cin.tables` gives them.
"""

from __future__ import annotations

from returns.dfe_rules.cin import a_referrals as rules
from returns.dfe_rules.engine import ReturnTables


def found(check, **tables: str) -> list[tuple[str, int]]:
    frame = check(ReturnTables.of(2026, tables))
    return sorted(zip(frame["table"].to_list(), frame["row"].to_list(), strict=True))


# Three referrals: A1's first and second, and B2's.
REFERRALS = """CHILD,CINDETAILSID,CINREFERRALDATE,REASONFORCLOSURE,DATEOFINITIALCPC,REFERRALNFA
A1,1,2025-05-01,,,false
A1,2,2025-09-01,RC8,,true
B2,1,2025-06-10,RC8,2025-06-20,1"""


def test_1103_an_assessment_starts_on_or_after_its_referral():
    assessments = """CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE
A1,1,2025-05-01
A1,2,2025-08-31
B2,1,
A1,3,2020-01-01"""
    # A1's second assessment starts the day before its referral; a missing date, or a
    # referral the file does not have, is not compared.
    assert found(
        rules.assessment_before_referral, cindetails=REFERRALS, assessments=assessments
    ) == [
        ("assessments", 3),
        ("cindetails", 3),
    ]


def test_1104_and_2889_a_section_47_and_its_conference_follow_the_referral():
    s47 = """CHILD,CINDETAILSID,S47ACTUALSTARTDATE,DATEOFINITIALCPC
A1,1,2025-05-02,2025-04-30
B2,1,2025-06-01,2025-06-20"""
    assert found(rules.conference_before_referral, cindetails=REFERRALS, section47=s47) == [
        ("cindetails", 2),
        ("section47", 2),
    ]
    assert found(rules.section47_before_referral, cindetails=REFERRALS, section47=s47) == [
        ("cindetails", 4),
        ("section47", 3),
    ]


def test_1105_a_plan_starts_on_or_after_its_referral():
    plans = """CHILD,CINDETAILSID,CPPID,CPPSTARTDATE
A1,1,1,2025-05-20
A1,2,1,01/08/2025"""
    assert found(rules.plan_before_referral, cindetails=REFERRALS, childprotectionplans=plans) == [
        ("childprotectionplans", 3),
        ("cindetails", 3),
    ]


def test_2883_no_more_plans_start_than_conferences_are_held():
    plans = "CHILD,CINDETAILSID,CPPSTARTDATE\nA1,1,2025-05-20\nB2,1,2025-06-20\nC3,1,2024-06-20"
    one_s47 = "CHILD,CINDETAILSID,DATEOFINITIALCPC\nA1,1,2025-05-20"
    # Two plans start in the year; B2's conference is on its referral, A1's on a section 47.
    assert (
        found(
            rules.more_plans_than_conferences,
            cindetails=REFERRALS,
            childprotectionplans=plans,
            section47=one_s47,
        )
        == []
    )
    no_s47 = "CHILD,CINDETAILSID,DATEOFINITIALCPC\nA1,1,2024-05-20"
    assert found(
        rules.more_plans_than_conferences,
        cindetails=REFERRALS,
        childprotectionplans=plans,
        section47=no_s47,
    ) == [("header", 0)]


def test_2884_a_conference_is_recorded_once():
    s47 = """CHILD,CINDETAILSID,DATEOFINITIALCPC
B2,1,2025-06-20
B2,2,2025-07-20
A1,1,2025-06-20"""
    # B2's section 47 repeats the conference on its referral; A1's date is B2's, not A1's.
    assert found(rules.conference_at_both_levels, cindetails=REFERRALS, section47=s47) == [
        ("cindetails", 4),
        ("section47", 2),
    ]


def test_2885_a_plan_starts_on_the_day_of_its_referrals_conference():
    s47 = "CHILD,CINDETAILSID,DATEOFINITIALCPC\nA1,1,2025-05-20\nA1,1,"
    plans = """CHILD,CINDETAILSID,CPPID,CPPSTARTDATE
A1,1,1,2025-05-20
A1,1,2,2025-07-01
B2,1,1,2025-06-20
B2,1,2,2025-06-21
A1,2,1,2025-05-20
A1,1,3,2024-07-01"""
    # A1's first plan matches its section 47, B2's first its referral's conference; A1's
    # second referral has no conference; a plan starting before the year is not checked.
    assert found(
        rules.plan_start_not_conference,
        cindetails=REFERRALS,
        section47=s47,
        childprotectionplans=plans,
    ) == [
        ("childprotectionplans", 3),
        ("childprotectionplans", 5),
        ("childprotectionplans", 6),
    ]


def test_2990_no_activity_on_a_referral_closed_after_assessment():
    s47 = "CHILD,CINDETAILSID,S47ACTUALSTARTDATE\nA1,1,2025-05-02\nA1,2,2025-09-02"
    plans = "CHILD,CINDETAILSID,CINPLANSTARTDATE\nA1,1,2025-05-10"
    # A1's second referral (RC8) has a section 47; B2's (RC8) a conference date; A1's first
    # is not closed RC8.
    assert found(
        rules.activity_after_no_further_action,
        cindetails=REFERRALS,
        section47=s47,
        cinplandates=plans,
    ) == [
        ("cindetails", 3),
        ("cindetails", 4),
        ("section47", 3),
    ]


def test_2991q_a_section_47_has_an_assessment_on_its_referral():
    s47 = "CHILD,CINDETAILSID,S47ACTUALSTARTDATE\nA1,1,2025-05-02\nA1,2,2025-09-02"
    assessments = "CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE\nA1,1,2025-05-02\nB2,2,2025-05-02"
    assert found(rules.section47_without_assessment, section47=s47, assessments=assessments) == [
        ("section47", 3)
    ]


def test_4000_no_cin_plan_on_a_referral_with_no_further_action():
    plans = "CHILD,CINDETAILSID,CINPLANSTARTDATE\nA1,1,2025-05-10\nA1,2,2025-09-10\nB2,1,2025-07-01"
    assert found(
        rules.cin_plan_after_no_further_action, cindetails=REFERRALS, cinplandates=plans
    ) == [
        ("cindetails", 3),
        ("cindetails", 4),
        ("cinplandates", 3),
        ("cinplandates", 4),
    ]


def test_4001_an_open_cin_plan_and_an_open_protection_plan_do_not_run_together():
    plans = (
        "CHILD,CINDETAILSID,CPPID,CPPSTARTDATE,CPPENDDATE\nA1,1,1,2025-06-01,\nB2,1,1,2025-06-20,"
    )
    cin_plans = """CHILD,CINDETAILSID,CINPLANSTARTDATE,CINPLANENDDATE
A1,1,2025-05-10,2025-06-01
A1,1,2025-08-10,
B2,2,2025-07-01,"""
    assert found(
        rules.cin_plan_during_protection_plan, childprotectionplans=plans, cinplandates=cin_plans
    ) == [
        ("childprotectionplans", 2),
        ("cinplandates", 3),
    ]


def test_4003_no_protection_plan_review_while_a_cin_plan_is_open():
    plans = "CHILD,CINDETAILSID,CPPID,CPPSTARTDATE,CPPENDDATE\nA1,1,1,2025-06-01,2025-10-01"
    cin_plans = """CHILD,CINDETAILSID,CINPLANSTARTDATE,CINPLANENDDATE
A1,1,2025-05-10,2025-06-01
A1,1,2025-09-01,"""
    reviews = """CHILD,CINDETAILSID,CPPID,CPPREVIEWDATE
A1,1,1,2025-05-20
A1,1,1,2025-06-01
A1,1,1,2025-08-01
A1,1,1,2025-09-15
A1,1,1,2025-10-01"""
    # In the first CIN plan (20 May), in the open second one (15 September); not on the
    # first's end day, not between them, not on the protection plan's own end day.
    assert found(
        rules.review_during_cin_plan,
        childprotectionplans=plans,
        cinplandates=cin_plans,
        reviews=reviews,
    ) == [
        ("cinplandates", 2),
        ("cinplandates", 3),
        ("reviews", 2),
        ("reviews", 5),
    ]


def test_4004_a_referral_has_at_most_one_open_cin_plan():
    cin_plans = """CHILD,CINDETAILSID,CINPLANSTARTDATE,CINPLANENDDATE
A1,1,2025-05-10,
A1,1,2025-06-10,
A1,1,2025-04-10,2025-05-01
A1,2,2025-09-10,
B2,1,2025-07-10,"""
    assert found(rules.more_than_one_open_cin_plan, cinplandates=cin_plans) == [
        ("cinplandates", 2),
        ("cinplandates", 3),
    ]


def test_4008_and_4009_no_cin_plan_starts_or_ends_after_the_childs_death():
    children = "CHILD,PERSONDEATHDATE\nA1,2025-08-01\nB2,"
    cin_plans = """CHILD,CINDETAILSID,CINPLANSTARTDATE,CINPLANENDDATE
A1,1,2025-05-10,2025-08-01
A1,1,2025-08-02,2025-08-03
B2,1,2025-07-10,2025-09-10"""
    assert found(
        rules.cin_plan_starts_after_death, childidentifiers=children, cinplandates=cin_plans
    ) == [
        ("childidentifiers", 2),
        ("cinplandates", 3),
    ]
    assert found(
        rules.cin_plan_ends_after_death, childidentifiers=children, cinplandates=cin_plans
    ) == [
        ("childidentifiers", 2),
        ("cinplandates", 3),
    ]
