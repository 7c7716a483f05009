"""SSDA903 rules 500 and above on episodes: each rule's passing and failing cases from the DfE's
rule text, as the exact (table, row) pairs a council would see in its error report."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,URN,REASON_PLACE_CHANGE\n"


def fails(code, tables, previous=None):
    """The rows the rule `code` of the 2025/26 set reports, as sorted (table, row) pairs."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    found = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


def eps(*rows):
    return EPISODES + "\n".join(rows) + "\n"


def test_501_an_episode_may_not_start_before_the_previous_one_ended():
    episodes = eps(
        "A,01/04/2025,S,C2,N1,U1,PR1,10/05/2025,X1,,",
        "A,01/05/2025,P,C2,N1,U2,PR1,,,,",  # starts before 10/05/2025: fails
        "B,01/04/2025,S,C2,N1,U1,PR1,10/05/2025,X1,,",
        "B,10/05/2025,P,C2,N1,U2,PR1,,,,",
    )
    assert fails("501", {"episodes": episodes}) == [("episodes", 3)]


def test_502_first_episode_starts_when_last_years_open_episode_started():
    last = eps(
        "A,01/06/2024,S,C2,N1,U1,PR1,,,,",
        "B,01/06/2024,S,C2,N1,U1,PR1,,,,",
        "C,01/06/2024,S,C2,N1,U1,PR1,01/01/2025,E13,,",
    )
    this = eps(
        "A,01/06/2024,S,C2,N1,U1,PR1,,,,",
        "B,01/07/2024,S,C2,N1,U1,PR1,,,,",  # last year's open episode began 01/06/2024
        "C,01/05/2025,S,C2,N1,U1,PR1,,,,",  # last year's episode had ended: not compared
    )
    assert fails("502", {"episodes": this}, {"episodes": last}) == [("episodes", 3)]


@pytest.mark.parametrize(
    ("code", "column", "changed"),
    [
        ("503A", "RNE", "P"),
        ("503B", "LS", "C1"),
        ("503C", "CIN", "N2"),
        ("503D", "PLACE", "U2"),
        ("503E", "PLACE_PROVIDER", "PR2"),
        ("503F", "URN", "SC2"),
    ],
)
def test_503_first_episode_keeps_the_values_of_last_years_open_episode(code, column, changed):
    values = {"RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}
    values["URN"] = "SC1"

    def row(child, field_values, ended=""):
        v = field_values
        return (
            f"{child},01/06/2024,{v['RNE']},{v['LS']},{v['CIN']},{v['PLACE']},"
            f"{v['PLACE_PROVIDER']},{ended},{'E13' if ended else ''},{v['URN']},"
        )

    last = eps(row("A", values), row("B", values), row("C", values, ended="01/01/2025"))
    this = eps(
        row("A", {**values, column: changed}),  # last year's episode was open: fails
        row("B", values),
        row("C", {**values, column: changed}),  # last year's episode had ended
    )
    assert fails(code, {"episodes": this}, {"episodes": last}) == [("episodes", 2)]


def test_503d_other_placement_z1_may_continue_as_one_of_the_2025_26_codes():
    last = eps("A,01/06/2024,S,C2,N1,Z1,,,,,", "B,01/06/2024,S,C2,N1,Z1,,,,,")
    this = eps("A,01/06/2024,S,C2,N1,Z13,,,,,", "B,01/06/2024,S,C2,N1,U1,PR1,,,,")
    assert fails("503D", {"episodes": this}, {"episodes": last}) == [("episodes", 3)]


def test_504_category_of_need_is_the_one_at_the_start_of_the_period_of_care():
    episodes = eps(
        "A,01/04/2025,S,C2,N1,U1,PR1,01/06/2025,X1,,",
        "A,01/06/2025,P,C2,N2,U2,PR1,01/08/2025,X1,,",  # differs from the period's N1
        "A,01/08/2025,P,C2,N2,U3,PR1,,,,",  # still differs from N1
        "B,01/04/2025,S,C2,N1,U1,PR1,01/06/2025,E13,,",
        "B,01/09/2025,S,C2,N2,U1,PR1,,,,",  # a new period of care may have a new need
    )
    assert fails("504", {"episodes": episodes}) == [("episodes", 3), ("episodes", 4)]


def test_516_special_guardianship_to_former_foster_carers_follows_a_foster_placement():
    episodes = eps(
        "A,01/04/2025,S,C2,N1,U1,PR1,01/06/2025,E45,,",
        "B,01/04/2025,S,C2,N1,K2,PR1,01/06/2025,E46,,",
    )
    assert fails("516", {"episodes": episodes}) == [("episodes", 3)]


def test_526_a_placement_other_than_temporary_or_other_has_a_provider():
    episodes = eps(
        "A,01/04/2025,S,C2,N1,U1,,,,,",
        "B,01/04/2025,S,C2,N1,T0,,,,,",
        "C,01/04/2025,S,C2,N1,Z11,,,,,",
        "D,01/04/2025,S,C2,N1,U1,PR1,,,,",
    )
    assert fails("526", {"episodes": episodes}) == [("episodes", 2)]


@pytest.mark.parametrize(
    ("code", "provider", "not_allowed", "allowed"),
    [
        ("527", "PR1", "R2", "U1"),
        ("528", "PR2", "P1", "U1"),
        ("529", "PR3", "K2", "R1"),
        ("530", "PR4", "P1", "U1"),
        ("531", "PR5", "P1", "K2"),
        ("550", "PR0", "U1", "P1"),
    ],
)
def test_placement_providers_only_with_placements_they_can_provide(
    code, provider, not_allowed, allowed
):
    episodes = eps(
        f"A,01/04/2025,S,C2,N1,{not_allowed},{provider},,,,",
        f"B,01/04/2025,S,C2,N1,{allowed},{provider},,,,",
    )
    assert fails(code, {"episodes": episodes}) == [("episodes", 2)]


def test_562_an_episode_begun_before_the_year_is_last_years_last_episode():
    last = eps(
        "A,01/06/2024,S,C2,N1,U1,PR1,,,,",
        "B,01/02/2025,S,C2,N1,U1,PR1,,,,",
    )
    this = eps(
        "A,01/06/2024,S,C2,N1,U1,PR1,,,,",
        "B,01/03/2025,S,C2,N1,U1,PR1,,,,",  # last year's last episode began 01/02/2025
        "C,01/02/2025,S,C2,N1,U1,PR1,,,,",  # not in last year's return at all
        "D,01/05/2025,S,C2,N1,U1,PR1,,,,",  # began this year: nothing to compare
    )
    assert fails("562", {"episodes": this}, {"episodes": last}) == [
        ("episodes", 3),
        ("episodes", 4),
    ]


def test_rules_against_last_year_find_nothing_without_last_years_return():
    this = eps("B,01/03/2025,S,C2,N1,U1,PR1,,,,")
    for code in ("502", "503A", "562"):
        assert fails(code, {"episodes": this}) == []


def test_1009_reason_for_placement_change_is_a_valid_code():
    episodes = eps(
        "A,01/04/2025,S,C2,N1,U1,PR1,,,,CARPL",
        "B,01/04/2025,S,C2,N1,U1,PR1,,,,MOVED",
        "C,01/04/2025,S,C2,N1,U1,PR1,,,,",
    )
    assert fails("1009", {"episodes": episodes}) == [("episodes", 3)]
