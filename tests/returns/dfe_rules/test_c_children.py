"""SSDA903 rules 500 and above on OC2, motherhood (header), previous permanence and care
leavers (OC3): each rule's passing and failing cases from the DfE's rule text, as exact
(table, row) pairs; and the 12-month cohort those OC2 rules rely on."""

from __future__ import annotations

from returns.dfe_rules.engine import ReturnTables, rule_set
from returns.dfe_rules.ssda903.support import looked_after_12_months

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
OC2 = (
    "CHILD,DOB,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
    "SUBSTANCE_MISUSE\n"
)
HEADER = "CHILD,SEX,DOB,MOTHER,MC_DOB\n"
PREVPERM = "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\n"
OC3 = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"
LOOKED_AFTER_ALL_YEAR = "01/01/2024,S,C2,N1,U1,PR1,,"


def fails(code, tables, previous=None):
    """The rows the rule `code` of the 2025/26 set reports, as sorted (table, row) pairs."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    found = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


def table(columns, *rows):
    return columns + "\n".join(rows) + "\n"


def test_every_rule_of_this_part_loads_with_its_function_and_severity():
    rules = rule_set("ssda903", 2026).rules
    mine = [r for r in rules if r.check.__module__.rsplit(".", 1)[-1].startswith("c_")]
    assert len(mine) == 118  # with 582
    assert {"501", "503F", "579", "582", "632", "1014", "3001"} <= {rule.code for rule in mine}


def test_looked_after_12_months_needs_an_unbroken_run_from_1_april_to_31_march():
    episodes = table(
        EPISODES,
        "A,01/01/2024,S,C2,N1,U1,PR1,01/06/2025,X1",  # two episodes, no gap: in the cohort
        "A,01/06/2025,P,C2,N1,U2,PR1,,",
        "B,01/01/2024,S,C2,N1,U1,PR1,01/06/2025,E13",  # left care and came back: a gap
        "B,02/06/2025,S,C2,N1,U1,PR1,,",
        "C,02/04/2025,S,C2,N1,U1,PR1,,",  # started after 1 April
        "D,01/01/2024,S,V3,N1,U1,PR1,,",  # short breaks only
        "E,01/04/2025,S,C2,N1,U1,PR1,,",  # started on 1 April
    )
    tables = ReturnTables.of(2026, {"episodes": episodes})
    assert sorted(looked_after_12_months(tables)["CHILD"].to_list()) == ["A", "E"]


def _oc2_case(code, *rows):
    episodes = table(EPISODES, *(f"{child},{LOOKED_AFTER_ALL_YEAR}" for child in "AB"))
    return fails(code, {"episodes": episodes, "oc2": table(OC2, *rows)})


def test_542_no_conviction_information_under_ten():
    assert _oc2_case("542", "A,01/06/2016,0,,,,,", "B,31/03/2016,0,1,1,1,1,0") == [("oc2", 2)]


def test_543_conviction_information_at_ten_or_over_in_the_cohort():
    rows = (
        "A,31/03/2016,,,1,1,1,0",  # ten on 31 March, in the cohort: fails
        "B,01/06/2016,,,1,1,1,0",  # nine
        "C,01/01/2012,,,1,1,1,0",  # not looked after all year
    )
    assert _oc2_case("543", *rows) == [("oc2", 2)]


def test_544_convicted_needs_the_health_fields():
    assert _oc2_case("544", "A,01/01/2012,1,,1,,1,0", "B,01/01/2012,1,,1,1,1,0") == [("oc2", 2)]


def test_545_health_promotion_for_under_five_in_the_cohort():
    rows = ("A,01/06/2021,,,1,1,1,0", "B,31/03/2021,,,1,1,1,0", "C,01/06/2021,,,1,1,1,0")
    assert _oc2_case("545", *rows) == [("oc2", 2)]


def test_546_no_health_promotion_at_five_or_over():
    assert _oc2_case("546", "A,31/03/2021,,1,1,1,1,0", "B,01/06/2021,,1,1,1,1,0") == [("oc2", 2)]


def test_547_health_promotion_needs_the_health_fields():
    assert _oc2_case("547", "A,01/06/2021,,1,,1,1,0", "B,01/06/2021,,1,1,1,1,0") == [("oc2", 2)]


def test_607_a_girl_leaving_care_has_mother_status():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
        "B,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
        "C,01/04/2025,S,V3,N1,U1,PR1,01/08/2025,E13",
    )
    header = table(HEADER, "A,F,01/01/2010,,", "B,F,01/01/2010,0,", "C,F,01/01/2010,,")
    assert fails("607", {"episodes": episodes, "header": header}) == [
        ("episodes", 2),
        ("header", 2),
    ]


def test_611_a_mother_has_her_childs_date_of_birth():
    header = table(HEADER, "A,F,01/01/2008,1,", "B,F,01/01/2008,1,01/01/2025")
    assert fails("611", {"header": header}) == [("header", 2)]


def test_612_no_childs_date_of_birth_unless_a_mother():
    header = table(
        HEADER,
        "A,F,01/01/2008,0,01/01/2025",
        "B,F,01/01/2008,1,01/01/2025",
        "C,F,01/01/2008,,01/01/2025",  # the sex codes from 2024/25: M, F, U
    )
    assert fails("612", {"header": header}) == [("header", 2), ("header", 4)]


def test_620_a_mother_is_eleven_or_over():
    header = table(HEADER, "A,F,01/06/2014,1,01/01/2025", "B,F,01/01/2010,1,01/01/2025")
    assert fails("620", {"header": header}) == [("header", 2)]


def test_621_a_mother_is_older_than_her_child():
    header = table(HEADER, "A,F,01/01/2010,1,01/01/2009", "B,F,01/01/2010,1,01/01/2025")
    assert fails("621", {"header": header}) == [("header", 2)]


def test_624_childs_date_of_birth_matches_last_year():
    last = table(HEADER, "A,F,01/01/2008,1,01/01/2025", "B,F,01/01/2008,1,01/01/2025")
    this = table(
        HEADER,
        "A,F,01/01/2008,1,02/01/2025",
        "B,F,01/01/2008,1,01/01/2025",
        "C,F,01/01/2008,1,01/01/2025",
    )
    assert fails("624", {"header": this}, {"header": last}) == [("header", 2)]


def test_625_childs_date_of_birth_not_after_the_year_or_care_ending():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,C2,N1,U1,PR1,,",
        "B,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
        "C,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
    )
    header = table(
        HEADER,
        "A,F,01/01/2008,1,01/04/2026",  # after the year
        "B,F,01/01/2008,1,01/09/2025",  # after she left care
        "C,F,01/01/2008,1,01/05/2025",
    )
    assert fails("625", {"episodes": episodes, "header": header}) == [
        ("episodes", 2),
        ("episodes", 3),
        ("header", 2),
        ("header", 3),
    ]


def test_626_a_new_mother_had_her_child_this_year():
    last = table(HEADER, "A,F,01/01/2008,0,", "B,F,01/01/2008,0,")
    this = table(HEADER, "A,F,01/01/2008,1,01/01/2025", "B,F,01/01/2008,1,01/06/2025")
    assert fails("626", {"header": this}, {"header": last}) == [("header", 2)]


def test_628_no_mother_status_for_care_leavers_not_looked_after():
    episodes = table(EPISODES, "B,01/04/2025,S,C2,N1,U1,PR1,,")
    header = table(HEADER, "A,F,01/01/2006,1,", "B,F,01/01/2006,1,", "C,F,01/01/2006,,")
    oc3 = table(OC3, "A,01/01/2006,YES,F1,B1", "B,01/01/2006,YES,F1,B1", "C,01/01/2006,YES,F1,B1")
    assert fails("628", {"episodes": episodes, "header": header, "oc3": oc3}) == [("header", 2)]


def test_630_a_child_starting_care_has_previous_permanence_information():
    episodes = table(
        EPISODES,
        "A,01/05/2025,S,C2,N1,U1,PR1,,",  # no record
        "B,01/05/2025,S,C2,N1,U1,PR1,,",
        "C,01/05/2025,S,C2,N1,U1,PR1,,",  # an order with no local authority
        "D,01/05/2025,S,C2,N1,U1,PR1,,",  # no previous order
        "E,01/03/2025,S,C2,N1,U1,PR1,,",  # started last year
    )
    prevperm = table(PREVPERM, "B,,P1,800,01/01/2020", "C,,P1,,01/01/2020", "D,,Z1,,")
    assert fails("630", {"episodes": episodes, "prevperm": prevperm}) == [
        ("episodes", 2),
        ("episodes", 4),
    ]


def test_631_previous_permanence_is_a_valid_code():
    prevperm = table(PREVPERM, "A,,P5,800,01/01/2020", "B,,P1,800,01/01/2020")
    assert fails("631", {"prevperm": prevperm}) == [("prevperm", 2)]


def test_632_date_of_previous_order_is_valid_and_before_care_began():
    episodes = table(EPISODES, *(f"{c},01/05/2025,S,C2,N1,U1,PR1,," for c in "ABCD"))
    prevperm = table(
        PREVPERM,
        "A,,P1,800,01/06/2025",  # after care began
        "B,,P1,800,ZZ/03/2025",  # day unknown, March 2025
        "C,,P1,800,01/ZZ/2020",  # a known day in an unknown month is not a date
        "D,,Z1,,ZZ/ZZ/ZZZZ",
    )
    assert fails("632", {"episodes": episodes, "prevperm": prevperm}) == [
        ("episodes", 2),
        ("prevperm", 2),
        ("prevperm", 4),
    ]


def test_634_previous_permanence_only_for_a_child_starting_care_this_year():
    episodes = table(EPISODES, "A,01/03/2025,S,C2,N1,U1,PR1,,", "B,01/05/2025,S,C2,N1,U1,PR1,,")
    prevperm = table(PREVPERM, "A,,P1,800,01/01/2020", "B,,P1,800,01/01/2020")
    assert fails("634", {"episodes": episodes, "prevperm": prevperm}) == [
        ("episodes", 2),
        ("prevperm", 2),
    ]


def test_635_order_details_need_the_previous_permanence_option():
    prevperm = table(
        PREVPERM, "A,,,800,", "B,,,,01/01/2020", "C,,P1,800,01/01/2020", "D,,Z1,,", "E,,,,"
    )
    assert fails("635", {"prevperm": prevperm}) == [("prevperm", 2), ("prevperm", 3)]


def test_1000_no_care_leaver_information_for_a_child_who_died():
    this = table(
        EPISODES,
        "A,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E2",
        "C,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
    )
    last = table(EPISODES, "B,01/04/2024,S,C2,N1,U1,PR1,01/08/2024,E2")
    oc3 = table(OC3, "A,01/01/2006,DIED,,", "B,01/01/2006,DIED,,", "C,01/01/2006,YES,F1,B1")
    assert fails("1000", {"episodes": this, "oc3": oc3}, {"episodes": last}) == [
        ("oc3", 2),
        ("oc3", 3),
    ]


def test_1007_no_care_leaver_information_for_17_or_18_still_looked_after():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,C2,N1,U1,PR1,,",
        "B,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
        "C,01/04/2025,S,C2,N1,U1,PR1,,",
    )
    oc3 = table(OC3, "A,01/06/2008,YES,F1,B1", "B,01/06/2008,YES,F1,B1", "C,01/06/2009,YES,F1,B1")
    assert fails("1007", {"episodes": episodes, "oc3": oc3}) == [("episodes", 2), ("oc3", 2)]


def test_1010_care_leaver_open_last_year_has_episodes_this_year():
    last = table(
        EPISODES,
        "A,01/04/2024,S,C2,N1,U1,PR1,,",
        "B,01/04/2024,S,C2,N1,U1,PR1,,",
        "C,01/04/2024,S,C2,N1,U1,PR1,01/08/2024,E13",
    )
    this = table(EPISODES, "B,01/04/2024,S,C2,N1,U1,PR1,,")
    oc3 = table(OC3, *(f"{c},01/01/2006,YES,F1,B1" for c in "ABC"))
    assert fails("1010", {"episodes": this, "oc3": oc3}, {"episodes": last}) == [("oc3", 2)]


def test_1011_no_care_leaver_information_after_transfer_to_another_la():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E3",
        "B,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
    )
    oc3 = table(OC3, "A,01/01/2006,YES,F1,B1", "B,01/01/2006,YES,F1,B1")
    assert fails("1011", {"episodes": episodes, "oc3": oc3}) == [("oc3", 2)]


def test_1012_no_other_data_for_a_child_with_no_episodes():
    episodes = table(EPISODES, "A,01/04/2025,S,C2,N1,U1,PR1,,")
    missing = "CHILD,DOB,MISSING,MIS_START,MIS_END\nA,,M,01/05/2025,\nB,,M,01/05/2025,\n"
    oc2 = table(OC2, "B,01/01/2012,0,,1,1,1,0")
    assert fails("1012", {"episodes": episodes, "missing": missing, "oc2": oc2}) == [
        ("missing", 3),
        ("oc2", 2),
    ]


def test_1014_no_uasc_information_for_care_leavers():
    episodes = table(EPISODES, "B,01/04/2025,S,C2,N1,U1,PR1,,")
    oc3 = table(OC3, "A,01/01/2006,YES,F1,B1", "B,01/01/2006,YES,F1,B1")
    uasc = "CHILD,SEX,DOB,DUC\nA,1,01/01/2006,01/01/2024\nB,1,01/01/2006,01/01/2024\n"
    assert fails("1014", {"episodes": episodes, "oc3": oc3, "uasc": uasc}) == [
        ("oc3", 2),
        ("uasc", 2),
    ]


def test_3001_no_former_foster_carers_around_the_17th_birthday():
    oc3 = table(OC3, "A,01/06/2008,YES,F1,Z1", "B,01/06/2007,YES,F1,Z1")
    assert fails("3001", {"oc3": oc3}) == [("oc3", 2)]


def test_1002_care_leaver_information_needs_episodes_this_year_or_last():
    this = table(EPISODES, "A,01/04/2025,S,C2,N1,U1,PR1,01/05/2025,E13")
    last = table(EPISODES, "B,01/04/2024,S,C2,N1,U1,PR1,01/05/2024,E13")
    oc3 = table(OC3, *(f"{c},01/01/2006,YES,F1,B1" for c in "ABC"))
    assert fails("1002", {"episodes": this, "oc3": oc3}, {"episodes": last}) == [("oc3", 4)]
    assert fails("1002", {"episodes": this, "oc3": oc3}) == []


def test_1016_no_care_leaver_information_for_17_or_18_leaving_after_17th_birthday():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,C2,N1,U1,PR1,01/07/2025,E13",  # left after turning 17 on 01/06/2025
        "B,01/04/2025,S,C2,N1,U1,PR1,01/05/2025,E13",  # left before turning 17
    )
    oc3 = table(OC3, "A,01/06/2008,YES,F1,B1", "B,01/06/2008,YES,F1,B1")
    assert fails("1016", {"episodes": episodes, "oc3": oc3}) == [("oc3", 2)]


def test_1001_care_leaver_was_looked_after_13_weeks_since_14_and_a_day_since_16():
    header = table(HEADER, *(f"{c},M,01/01/2008,," for c in "ABCDE"))
    last = table(
        EPISODES,
        "A,01/01/2024,S,C2,N1,U1,PR1,01/06/2024,E13",  # 152 days after 14, 1 after 16
        "B,01/01/2024,S,C2,N1,U1,PR1,01/02/2024,E13",  # only 31 days: not relevant
        "C,01/01/2024,S,C2,N1,U1,PR1,01/06/2024,E13",
        "D,01/01/2024,S,C2,N1,U1,PR1,01/06/2024,E13",
    )
    this = table(
        EPISODES,
        "A,01/05/2025,S,C2,N1,U1,PR1,02/05/2025,E13",
        "B,01/05/2025,S,C2,N1,U1,PR1,02/05/2025,E13",
        "C,01/05/2025,S,C2,N1,A4,PR1,02/05/2025,E11",  # adopted at the end
        "D,01/05/2025,S,V3,N1,U1,PR1,02/05/2025,E13",  # short breaks do not count...
    )
    oc3 = table(OC3, *(f"{c},01/01/2008,YES,F1,B1" for c in "ABCDE"))
    tables = {"episodes": this, "header": header, "oc3": oc3}
    # ...but D's earlier care counts; E has no episodes at all (1002's).
    assert fails("1001", tables, {"episodes": last}) == [("oc3", 3), ("oc3", 4)]
