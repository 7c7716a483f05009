"""CIN census rules 8600 and above on a child's identifiers and disabilities, and the rule
set of the part loading as a whole. No database."""

from __future__ import annotations

from returns.dfe_rules.engine import ReturnTables, rule_set


def fails(code: str, tables: dict[str, str]) -> list[tuple[str, int]]:
    """The (table, row) pairs a rule of the 2025/26 CIN set finds in the tables."""
    rule = next(rule for rule in rule_set("cin", 2026).rules if rule.code == code)
    found = rule.check(ReturnTables.of(2026, tables))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


def test_8750_an_unborn_child_is_recorded_with_sex_u():
    children = (
        "CHILD,PERSONBIRTHDATE,EXPECTEDPERSONBIRTHDATE,SEX\n"
        "A,2025-05-01,2025-05-03,F\n"  # born: any sex
        "B,,2026-05-01,U\n"  # unborn, U: passes
        "C,,2026-05-01,F\n"  # unborn, F: fails
        "D,,2026-05-01,\n"  # unborn, no sex: fails
    )
    assert fails("8750", {"childidentifiers": children}) == [
        ("childidentifiers", 4),
        ("childidentifiers", 5),
    ]


def test_8790_none_with_another_disability_fails_the_childs_disabilities():
    disabilities = "CHILD,DISABILITY\nA,NONE\nB,NONE\nB,MOB\nC,MOB\nC,HAND\n"
    assert fails("8790", {"disabilities": disabilities}) == [
        ("disabilities", 3),
        ("disabilities", 4),
    ]


def test_8794_the_same_disability_twice_for_a_child_fails():
    disabilities = "CHILD,DISABILITY\nA,MOB\nA,HAND\nB,MOB\nB,mob\nC,MOB\n"
    assert fails("8794", {"disabilities": disabilities}) == [
        ("disabilities", 4),
        ("disabilities", 5),
    ]


def test_the_part_loads_and_runs_over_a_whole_return_without_a_rule_failing_to_run():
    rules = rule_set("cin", 2026)
    codes = {rule.code for rule in rules.rules}
    assert {"8600", "8720", "8750", "8839", "8875"} <= codes
    tables = ReturnTables.of(
        2026,
        {
            "childidentifiers": "CHILD,PERSONBIRTHDATE,SEX,UPN\nA,2015-01-01,F,A123456789012\n",
            "cindetails": "CHILD,CINDETAILSID,CINREFERRALDATE,REFERRALSOURCE,PRIMARYNEEDCODE,"
            "REFERRALNFA\nA,1,2025-06-01,1A,N1,false\n",
            "assessments": "CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE,"
            "ASSESSMENTAUTHORISATIONDATE,ASSESSMENTFACTORS\n"
            "A,1,2025-06-02,2025-07-01,2A\n",
        },
    )
    outcome = rules.run(tables)
    # Other parts' rules (codes below 8600) are theirs to test.
    assert not [code for code in outcome.not_checked if code >= "8600"]
    assert not [code for code in outcome.counts if code >= "8600"]


def test_8770q_a_child_over_5_in_a_further_action_case_needs_a_upn_or_a_reason():
    # Born on or before 31 March 2020: six years before the reference date.
    children = (
        "CHILD,PERSONBIRTHDATE,UPN,UPNUNKNOWN\n"
        "A,2020-03-31,,\n"  # old enough, no UPN or reason: fails
        "B,2020-03-31,,un5\n"  # a reason (any case): passes
        "C,2020-03-31,,UN1\n"  # "not of school age" is no reason at this age: fails
        "D,2020-04-01,,\n"  # too young
        "E,2015-01-01,,\n"  # only referrals with no further action
        "F,2015-01-01,A123456789012,\n"  # has a UPN
    )
    details = (
        "CHILD,CINDETAILSID,REFERRALNFA\n"
        "A,1,false\nB,1,0\nC,1,false\nD,1,false\nE,1,true\nF,1,false\n"
    )
    tables = {"childidentifiers": children, "cindetails": details}
    assert fails("8770Q", tables) == [("childidentifiers", 2), ("childidentifiers", 4)]
