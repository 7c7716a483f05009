"""SSDA903 rules 500 and above on adoption (AD1, placed for adoption): each rule's passing and
failing cases from the DfE's rule text, as exact (table, row) pairs."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
AD1 = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
PLACED = "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
# A complete AD1 row's fields after the child id (DOB, dates, carers, number, sexes, status).
ADOPTERS = "01/01/2020,01/05/2025,01/06/2025,0,2,MF,L11"


def fails(code, tables, previous=None):
    """The rows the rule `code` of the 2025/26 set reports, as sorted (table, row) pairs."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    found = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


def table(columns, *rows):
    return columns + "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("code", "failing_row", "passing_row"),
    [
        ("511", ",,,,2,M1,L0", ",,,,2,MF,L3"),
        ("514", ",,,,1,MF,L0", ",,,,1,F1,L0"),
        ("517", ",,,,2,FF,L3", ",,,,2,MF,L3"),
        ("518", ",,,,2,MF,L4", ",,,,2,FF,L4"),
        ("519", ",,,,1,F1,L2", ",,,,2,MM,L2"),
        ("520", ",,,,2,MM,L11", ",,,,2,MF,L11"),
        ("524", ",,,,2,MF,L12", ",,,,2,MM,L12"),
    ],
)
def test_adopters_sexes_agree_with_their_number_and_legal_status(code, failing_row, passing_row):
    ad1 = table(AD1, f"A,{failing_row}", f"B,{passing_row}")
    assert fails(code, {"ad1": ad1}) == [("ad1", 2)]


def test_521_best_interest_decision_is_on_or_before_placement_for_adoption():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,E1,N1,A4,PR1,,",
        "B,01/04/2025,S,E1,N1,A4,PR1,,",
    )
    ad1 = table(
        AD1,
        "A,01/01/2020,01/05/2025,,,,,",  # decided after the placement began: fails
        "B,01/01/2020,01/04/2025,,,,,",  # decided the same day: passes
    )
    assert fails("521", {"episodes": episodes, "ad1": ad1}) == [("ad1", 2), ("episodes", 2)]


def test_522_a_decision_cannot_cease_before_it_was_made():
    placed = table(PLACED, "A,,01/05/2025,01/04/2025,RD1", "B,,01/05/2025,01/05/2025,RD1")
    assert fails("522", {"placedadoption": placed}) == [("placedadoption", 2)]


def test_523_decision_to_place_is_the_best_interest_decision_date():
    placed = table(PLACED, "A,,01/05/2025,,", "B,,01/05/2025,,")
    ad1 = table(AD1, "A,,02/05/2025,,,,,", "B,,01/05/2025,,,,,")
    assert fails("523", {"placedadoption": placed, "ad1": ad1}) == [
        ("ad1", 2),
        ("placedadoption", 2),
    ]


def test_525_a_reversed_decision_means_no_adoption_details():
    placed = table(PLACED, "A,,01/05/2025,01/07/2025,RD1", "B,,01/05/2025,,")
    ad1 = table(AD1, f"A,{ADOPTERS}", f"B,{ADOPTERS}")
    assert fails("525", {"placedadoption": placed, "ad1": ad1}) == [
        ("ad1", 2),
        ("placedadoption", 2),
    ]


def test_551_placed_for_adoption_needs_a_decision_date():
    episodes = table(EPISODES, "A,01/04/2025,S,E1,N1,A3,PR1,,", "B,01/04/2025,S,E1,N1,A3,PR1,,")
    placed = table(PLACED, "B,,01/03/2025,,")
    assert fails("551", {"episodes": episodes, "placedadoption": placed}) == [("episodes", 2)]


def test_552_latest_decision_is_on_or_before_first_placement_for_adoption():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,E1,N1,A3,PR1,,",
        "B,01/04/2025,S,E1,N1,A3,PR1,,",
    )
    placed = table(PLACED, "A,,01/05/2025,,", "B,,01/03/2025,,")
    assert fails("552", {"episodes": episodes, "placedadoption": placed}) == [
        ("episodes", 2),
        ("placedadoption", 2),
    ]


@pytest.mark.parametrize(("code", "order"), [("553", "E1"), ("555", "D1")])
def test_orders_need_a_decision_to_place_not_ceased_while_open(code, order):
    episodes = table(
        EPISODES,
        f"A,01/04/2025,S,{order},N1,U1,PR1,,",  # no decision recorded at all
        f"B,01/04/2025,S,{order},N1,U1,PR1,,",  # decision ceased while the order is open
        f"C,01/04/2025,S,{order},N1,U1,PR1,,",  # decision open: passes
    )
    placed = table(PLACED, "B,,01/03/2025,01/05/2025,RD1", "C,,01/03/2025,,")
    assert fails(code, {"episodes": episodes, "placedadoption": placed}) == [
        ("episodes", 2),
        ("placedadoption", 2),
    ]


def test_556_decision_is_on_or_before_the_freeing_order():
    episodes = table(EPISODES, "A,01/04/2025,S,D1,N1,U1,PR1,,", "B,01/04/2025,S,D1,N1,U1,PR1,,")
    placed = table(PLACED, "A,,01/05/2025,,", "B,,01/04/2025,,")
    assert fails("556", {"episodes": episodes, "placedadoption": placed}) == [("episodes", 2)]


def test_557_left_care_not_adopted_needs_the_decision_ceased():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,E1,N1,A4,PR1,01/06/2025,E13",  # decision still open: fails
        "B,01/04/2025,S,E1,N1,A4,PR1,01/06/2025,E13",  # decision ceased: passes
        "C,01/04/2025,S,E1,N1,A4,PR1,01/06/2025,E11",  # adopted: passes
        "D,01/04/2025,S,D1,N1,U1,PR1,01/06/2025,E13",  # freeing orders left out from 2024/25
    )
    placed = table(
        PLACED,
        "A,,01/03/2025,,",
        "B,,01/03/2025,01/06/2025,RD1",
        "C,,01/03/2025,,",
        "D,,01/03/2025,,",
    )
    assert fails("557", {"episodes": episodes, "placedadoption": placed}) == [
        ("episodes", 2),
        ("placedadoption", 2),
    ]


def test_558_an_adopted_child_has_no_ceased_decision():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,E1,N1,A4,PR1,01/06/2025,E11",
        "B,01/04/2025,S,E1,N1,A4,PR1,01/06/2025,E12",
    )
    placed = table(PLACED, "A,,01/03/2025,01/05/2025,RD1", "B,,01/03/2025,,")
    assert fails("558", {"episodes": episodes, "placedadoption": placed}) == [("episodes", 2)]


def test_559_a_decision_before_this_year_was_in_last_years_return():
    last = table(PLACED, "B,,01/03/2025,,")
    this = table(PLACED, "A,,01/03/2025,,", "B,,01/03/2025,,", "C,,01/05/2025,,")
    assert fails("559", {"placedadoption": this}, {"placedadoption": last}) == [
        ("placedadoption", 2)
    ]
    assert fails("559", {"placedadoption": this}) == []


def test_560_an_open_decision_keeps_its_date():
    last = table(PLACED, "A,,01/03/2025,,", "B,,01/03/2025,,", "C,,01/03/2025,01/03/2025,RD1")
    this = table(PLACED, "A,,02/03/2025,,", "B,,01/03/2025,,", "C,,01/05/2025,,")
    assert fails("560", {"placedadoption": this}, {"placedadoption": last}) == [
        ("placedadoption", 2)
    ]


def test_561_a_decision_that_ceased_last_year_is_not_reported_again():
    last = table(PLACED, "A,,01/03/2025,01/03/2025,RD1", "B,,01/03/2025,,")
    this = table(PLACED, "A,,01/03/2025,,", "B,,01/03/2025,,")
    assert fails("561", {"placedadoption": this}, {"placedadoption": last}) == [
        ("placedadoption", 2)
    ]


def test_563_a_ceased_decision_has_its_decision_date():
    placed = table(PLACED, "A,,,01/05/2025,RD1", "B,,01/04/2025,01/05/2025,RD1")
    assert fails("563", {"placedadoption": placed}) == [("placedadoption", 2)]


def test_579_decisions_do_not_overlap():
    placed = table(
        PLACED,
        "A,,01/04/2025,,",
        "A,,01/06/2025,,",  # the earlier decision is still open
        "B,,01/04/2025,01/07/2025,RD1",
        "B,,01/06/2025,,",  # starts before the earlier one ceased
        "C,,01/04/2025,01/05/2025,RD1",
        "C,,01/06/2025,,",
    )
    assert fails("579", {"placedadoption": placed}) == [
        ("placedadoption", 3),
        ("placedadoption", 5),
    ]


def test_601_adopted_in_the_year_needs_every_adoption_field():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,E1,N1,A4,PR1,01/08/2025,E11",
        "B,01/04/2025,S,E1,N1,A4,PR1,01/08/2025,E12",
        "C,01/04/2025,S,E1,N1,A4,PR1,01/08/2025,E11",  # no AD1 row at all
    )
    ad1 = table(AD1, "A,01/01/2020,01/05/2025,,0,2,MF,L11", f"B,{ADOPTERS}")
    assert fails("601", {"episodes": episodes, "ad1": ad1}) == [
        ("ad1", 2),
        ("episodes", 2),
        ("episodes", 4),
    ]


def test_602_adoption_details_need_an_adoption_in_the_year():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,E1,N1,A4,PR1,,",
        "B,01/04/2025,S,E1,N1,A4,PR1,01/08/2025,E11",
    )
    ad1 = table(AD1, f"A,{ADOPTERS}", f"B,{ADOPTERS}")
    assert fails("602", {"episodes": episodes, "ad1": ad1}) == [("ad1", 2)]


def test_1003_decision_is_not_before_care_began():
    episodes = table(EPISODES, "A,01/04/2025,S,C2,N1,U1,PR1,,", "B,01/04/2025,S,C2,N1,U1,PR1,,")
    placed = table(PLACED, "A,,01/03/2025,,", "B,,01/05/2025,,")
    assert fails("1003", {"episodes": episodes, "placedadoption": placed}) == [
        ("episodes", 2),
        ("placedadoption", 2),
    ]


def test_582_a_child_is_matched_with_adopters_before_the_day_of_adoption():
    episodes = table(
        EPISODES,
        "A,01/04/2025,S,E1,N1,A4,PR1,01/06/2025,E11",  # adopted the day matched: queried
        "B,01/04/2025,S,E1,N1,A4,PR1,02/06/2025,E12",  # matched the day before
        "C,01/04/2025,S,E1,N1,A4,PR1,01/06/2025,E4A",  # went home: no adoption
    )
    ad1 = table(
        AD1,
        "A,01/01/2020,01/05/2025,01/06/2025,0,2,MF,L3",
        "B,01/01/2020,01/05/2025,01/06/2025,0,2,MF,L3",
        "C,01/01/2020,01/05/2025,01/06/2025,0,2,MF,L3",
    )
    assert fails("582", {"episodes": episodes, "ad1": ad1}) == [("ad1", 2), ("episodes", 2)]
    assert next(r for r in rule_set("ssda903", 2026).rules if r.code == "582").severity == (
        "warning"
    )
