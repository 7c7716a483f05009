"""SSDA903 social worker episode rules: each rule's passing and failing cases from the DfE's
rule text, as exact (table, row) pairs."""

from __future__ import annotations

from returns.dfe_rules.engine import ReturnTables, rule_set

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
SW = "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"


def fails(code, tables, previous=None):
    """The rows the rule `code` of the 2025/26 set reports, as sorted (table, row) pairs."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    found = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


def sw(*rows):
    return SW + "\n".join(rows) + "\n"


def test_sw01_looked_after_at_31_march_has_a_social_worker_episode():
    episodes = (
        EPISODES
        + "A,01/04/2025,S,C2,N1,U1,PR1,,\n"  # looked after, no social worker recorded
        + "B,01/04/2025,S,C2,N1,U1,PR1,,\n"
        + "C,01/04/2025,S,V3,N1,U1,PR1,,\n"  # short breaks only
        + "D,01/04/2025,S,C2,N1,U1,PR1,01/06/2025,E13\n"  # left care
    )
    table = sw("B,SW123,01/04/2025,,SWCHA")
    assert fails("SW01STG1", {"episodes": episodes, "swepisodes": table}) == [("episodes", 2)]
    assert fails("SW01STG1", {"episodes": episodes}) == []


def test_sw02_social_worker_id_begins_sw_or_xx():
    table = sw(
        "A,SW000,01/04/2025,,SWCHA",
        "A,XX000,01/04/2025,,SWCHA",
        "A,aa00,01/04/2025,,SWCHA",
        "A,xx000,01/04/2025,,SWCHA",
        "A,SW,01/04/2025,,SWCHA",
    )
    assert fails("SW02STG1", {"swepisodes": table}) == [
        ("swepisodes", 4),
        ("swepisodes", 5),
        ("swepisodes", 6),
    ]


def test_sw01a_and_sw01b_each_social_worker_episode_is_complete():
    table = sw(
        "A,,01/01/2023,,",  # before 1 April 2023: needs an ID
        "B,SW001,01/01/2023,,",  # ...but no reason
        "C,SW001,,,MANAGE",  # no start date
        "D,,01/05/2025,,MANAGE",  # since 1 April 2023: needs an ID
        "E,SW001,01/05/2025,,",  # ...and a reason
        "F,SW001,01/05/2025,,MANAGE",
    )
    assert fails("SW01aSTG1", {"swepisodes": table}) == [("swepisodes", 2), ("swepisodes", 4)]
    assert fails("SW01bSTG1", {"swepisodes": table}) == [
        ("swepisodes", 4),
        ("swepisodes", 5),
        ("swepisodes", 6),
    ]


def test_sw04_start_date_is_a_valid_date():
    table = sw(
        "A,SW001,ZZ/ZZ/ZZZZ,,SWCHA",
        "B,SW001,,,SWCHA",
        "C,SW001,01/04/2025,,SWCHA",
    )
    assert fails("SW04STG1", {"swepisodes": table}) == [("swepisodes", 2), ("swepisodes", 3)]


def test_sw06_episode_starts_within_the_reporting_year():
    table = sw("A,SW001,01/04/2026,,SWCHA", "B,SW001,31/03/2026,,SWCHA")
    assert fails("SW06STG2", {"swepisodes": table}) == [("swepisodes", 2)]


def test_sw07_end_date_within_the_reporting_period():
    table = sw(
        "A,SW001,01/01/2024,31/03/2024,SWCHA",  # before 1 April 2024
        "B,SW001,01/01/2024,01/04/2024,SWCHA",
        "C,SW001,01/01/2026,01/04/2026,SWCHA",  # after 31 March 2026
    )
    assert fails("SW07STG2", {"swepisodes": table}) == [("swepisodes", 2), ("swepisodes", 4)]


def test_sw08_an_episode_ends_before_the_next_begins():
    table = sw(
        "A,SW001,01/05/2025,,FCONTA",  # a later episode begins
        "A,SW002,01/06/2025,,MANAGE",
        "B,SW001,01/05/2025,31/05/2025,FCONTA",
        "B,SW002,01/06/2025,,MANAGE",
    )
    assert fails("SW08STG2", {"swepisodes": table}) == [("swepisodes", 2)]


def test_sw10a_a_new_social_worker_starts_within_7_days_of_the_last_ending():
    table = sw(
        "A,SW001,01/05/2025,01/06/2025,FCONTA",
        "A,SW002,10/06/2025,,MANAGE",  # 9 days later
        "B,SW001,01/05/2025,01/06/2025,FCONTA",
        "B,SW002,08/06/2025,,MANAGE",  # 7 days later
        "C,SW001,01/05/2025,01/06/2025,FCONTA",
        "C,SW002,01/09/2025,,FCONTA",  # first contact again: not this rule's
    )
    assert fails("SW10aSTG2", {"swepisodes": table}) == [("swepisodes", 3)]


def test_sw10b_first_contact_starts_after_the_previous_episode_ended():
    table = sw(
        "A,SW001,01/05/2025,01/06/2025,FCONTA",
        "A,SW002,01/06/2025,,FCONTA",  # the day the previous one ended
        "B,SW001,01/05/2025,01/06/2025,FCONTA",
        "B,SW002,02/06/2025,,FCONTA",
    )
    assert fails("SW10bSTG2", {"swepisodes": table}) == [("swepisodes", 3)]


def test_sw13_reason_is_valid_and_blank_only_on_the_first_episode_of_the_year():
    table = sw(
        "A,SW001,01/03/2025,,",  # open on 1 April: blank allowed
        "A,SW002,01/06/2025,,",  # a later change needs a reason
        "B,SW001,01/05/2025,,",  # first of the year: blank allowed
        "C,SW001,01/05/2025,,NEWSW",  # not a reason code
        "D,SW001,01/05/2025,,MANAGE",
    )
    assert fails("SW13STG1", {"swepisodes": table}) == [("swepisodes", 3), ("swepisodes", 5)]


def test_sw11_an_episode_ended_before_31_march_is_followed_by_another():
    table = sw(
        "A,SW001,01/05/2025,01/06/2025,FCONTA",  # ended, nothing after
        "B,SW001,01/05/2025,01/06/2025,FCONTA",
        "B,SW002,01/06/2025,,MANAGE",
        "C,SW001,01/05/2025,31/03/2026,FCONTA",  # ended on 31 March
    )
    assert fails("SW11STG2", {"swepisodes": table}) == [("swepisodes", 2)]


def test_sw18_an_episode_ends_after_it_starts():
    table = sw("A,SW001,01/06/2025,01/05/2025,FCONTA", "B,SW001,01/05/2025,01/06/2025,FCONTA")
    assert fails("SW18STG2", {"swepisodes": table}) == [("swepisodes", 2)]


def test_sw19_a_childs_episodes_start_on_different_dates():
    table = sw(
        "A,SW001,01/05/2025,,FCONTA",
        "B,SW001,01/05/2025,,FCONTA",  # another child may share the date
        "A,SW002,01/05/2025,,MANAGE",
    )
    assert fails("SW19STG2", {"swepisodes": table}) == [("swepisodes", 4)]


def test_sw16b_and_sw16c_first_episode_matches_last_years_open_episode():
    last = sw(
        "A,SW001,01/03/2025,,MANAGE",
        "B,SW001,01/03/2025,,MANAGE",
        "C,SW001,01/03/2025,,MANAGE",
        "D,SW001,01/01/2025,01/03/2025,MANAGE",  # ended: nothing to carry over
    )
    this = sw(
        "A,SW001,01/03/2025,,MANAGE",
        "B,SW001,02/03/2025,,MANAGE",  # start date differs
        "C,SW001,01/03/2025,,OTHERS",  # reason differs
        "D,SW002,01/05/2025,,FCONTA",
    )
    tables, previous = {"swepisodes": this}, {"swepisodes": last}
    assert fails("SW16bSTG2", tables, previous) == [("swepisodes", 3)]
    assert fails("SW16cSTG2", tables, previous) == [("swepisodes", 4)]
    assert fails("SW16bSTG2", tables) == []
