"""SSDA903 social worker episode rules: each rule's passing and failing cases from the DfE's
rule text, as exact (table, row) pairs."""

from __future__ import annotations

from returns.dfe_rules.engine import ReturnTables, rule_set

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
SW = "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"


def fails(code, tables):
    """The rows the rule `code` of the 2025/26 set reports, as sorted (table, row) pairs."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    found = rule.check(ReturnTables.of(2026, tables))
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


def test_sw03_each_social_worker_episode_is_complete():
    table = sw(
        "A,,01/04/2025,,SWCHA",
        "B,SW001,,,SWCHA",
        "C,SW001,01/04/2025,,",
        "D,SW001,01/04/2025,,SWCHA",
    )
    assert fails("SW03STG1", {"swepisodes": table}) == [
        ("swepisodes", 2),
        ("swepisodes", 3),
        ("swepisodes", 4),
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
