"""CIN rules 4010-4017 on CIN plans: a passing and a failing case for each, as the DfE's
rule text describes them. No database. Rows of the CSV tables are numbered from 2.

The collection year is 2025/26: 1 April 2025 to 31 March 2026 (the reference date).
"""

from __future__ import annotations

from returns.dfe_rules.cin import a_cin_plans as rules
from returns.dfe_rules.engine import ReturnTables


def found(check, **tables: str) -> list[tuple[str, int]]:
    frame = check(ReturnTables.of(2026, tables))
    return sorted(zip(frame["table"].to_list(), frame["row"].to_list(), strict=True))


def plans(*rows: str) -> str:
    return "CHILD,CINDETAILSID,CINPLANSTARTDATE,CINPLANENDDATE\n" + "\n".join(rows)


def test_4010_a_cin_plan_starts_on_or_before_the_reference_date():
    table = plans("A1,1,2026-03-31,", "A1,2,2026-04-01,", "B2,1,,2025-06-01", "C3,1,2019-01-30,")
    assert found(rules.cin_plan_start_missing_or_late, cinplandates=table) == [
        ("cinplandates", 3),
        ("cinplandates", 4),
    ]


def test_4011_and_4012q_a_cin_plan_ends_after_it_starts():
    table = plans("A1,1,2025-05-26,2025-05-25", "B2,1,2025-05-26,2025-05-26", "C3,1,2025-05-26,")
    assert found(rules.cin_plan_ends_before_it_starts, cinplandates=table) == [("cinplandates", 2)]
    assert found(rules.cin_plan_starts_and_ends_same_day, cinplandates=table) == [
        ("cinplandates", 3)
    ]


def test_4013_a_cin_plan_ends_within_the_census_year():
    table = plans(
        "A1,1,2024-05-01,2025-03-31", "A1,2,2025-04-01,2025-04-01", "B2,1,2025-05-01,2026-04-01"
    )
    assert found(rules.cin_plan_end_outside_year, cinplandates=table) == [
        ("cinplandates", 2),
        ("cinplandates", 4),
    ]


def test_4014_a_childs_cin_plans_do_not_overlap():
    table = plans(
        "A1,1,2025-05-26,2025-10-26",
        "A1,2,2025-08-26,2025-12-26",  # starts inside A1's first
        "B2,1,2025-05-26,2025-10-25",
        "B2,2,2025-10-26,2025-12-26",  # starts the day after B2's first ends
        "C3,1,2025-05-26,",
        "C3,2,2025-08-26,2025-10-26",  # starts inside C3's open plan
        "D4,1,2025-06-01,",
        "E5,1,2025-06-01,",  # another child's plan
    )
    assert found(rules.cin_plans_overlap, cinplandates=table) == [
        ("cinplandates", 3),
        ("cinplandates", 7),
    ]


def test_4015_a_cin_plan_starts_on_or_after_its_referral():
    referrals = "CHILD,CINDETAILSID,CINREFERRALDATE\nA1,1,2025-05-01\nA1,2,2025-09-01"
    table = plans("A1,1,2025-05-01,", "A1,2,2025-08-31,", "B2,1,2025-01-01,")
    assert found(rules.cin_plan_before_referral, cindetails=referrals, cinplandates=table) == [
        ("cindetails", 3),
        ("cinplandates", 3),
    ]


PROTECTION = """CHILD,CINDETAILSID,CPPID,CPPSTARTDATE,CPPENDDATE
A1,1,1,2025-05-26,2025-05-30
A1,1,2,2025-06-26,
B2,1,1,2025-10-26,2025-12-10"""


def test_4016_no_cin_plan_starts_during_a_protection_plan():
    table = plans(
        "A1,1,2025-04-04,2025-05-26",  # before A1's first protection plan
        "A1,1,2025-05-28,",  # during it
        "A1,1,2025-05-30,",  # the day it ends
        "A1,1,2025-07-30,",  # during the open second one
        "B2,1,2025-10-26,",  # the day B2's starts
        "C3,1,2025-10-26,",  # no protection plan
    )
    assert found(
        rules.cin_plan_starts_during_protection_plan,
        childprotectionplans=PROTECTION,
        cinplandates=table,
    ) == [
        ("childprotectionplans", 2),
        ("childprotectionplans", 3),
        ("childprotectionplans", 4),
        ("cinplandates", 3),
        ("cinplandates", 5),
        ("cinplandates", 6),
    ]


def test_4017_no_protection_plan_starts_during_a_cin_plan():
    table = plans(
        "A1,1,2025-05-01,2025-05-26",  # ends the day A1's first protection plan starts
        "A1,1,2025-06-01,",  # open when A1's second starts
        "B2,1,2025-11-01,2025-12-01",  # B2's protection plan started before it
    )
    assert found(
        rules.protection_plan_starts_during_cin_plan,
        childprotectionplans=PROTECTION,
        cinplandates=table,
    ) == [("childprotectionplans", 3), ("cinplandates", 3)]
