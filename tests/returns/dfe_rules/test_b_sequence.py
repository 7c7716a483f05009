"""SSDA903 rules on the order of a child's episodes (b_sequence): for each rule, episodes
that pass and episodes that fail, in the 2025/26 collection. Episode rows are given out of
date order on purpose where it matters: the rules must order them by DECOM themselves."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set


def failures(code: str, tables: dict[str, str]) -> list[tuple[str, int]]:
    """The (table, row) pairs the 2025/26 rule `code` reports for the tables."""
    rule = next(rule for rule in rule_set("ssda903", 2026).rules if rule.code == code)
    return sorted(rule.check(ReturnTables.of(2026, tables)).select("table", "row").rows())


COLUMNS = "CHILD,DECOM,RNE,LS,PLACE,PL_POST,URN,PLACE_PROVIDER,DEC,REC\n"


def episodes(*rows: str) -> dict[str, str]:
    """Child A's episodes: DECOM,RNE,LS,PLACE,PL_POST,URN,PLACE_PROVIDER,DEC,REC."""
    return {"episodes": COLUMNS + "".join(f"A,{row}\n" for row in rows)}


CASES = [
    # 357: a first episode starting in the year must be RNE S; one from an earlier year need not.
    ("357", episodes("01/05/2025,P,C2,U1,AB1,,PR1,,"), [("episodes", 2)]),
    ("357", episodes("01/05/2024,P,C2,U1,AB1,,PR1,,"), []),
    (
        "357",
        episodes("01/06/2025,P,C2,U2,AB1,,PR1,,", "01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1"),
        [],
    ),
    # 431: RNE S on the day the previous episode ended.
    (
        "431",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,E3", "01/06/2025,S,C2,U1,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    (
        "431",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,E3", "02/06/2025,S,C2,U1,AB1,,PR1,,"),
        [],
    ),
    # 432: the previous episode left care, so the next must be RNE S.
    (
        "432",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,E3", "05/06/2025,P,C2,U2,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    (
        "432",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,P,C2,U2,AB1,,PR1,,"),
        [],
    ),
    # 433: a continuation must start the day the previous episode ended (or it had not ended).
    (
        "433",
        episodes("02/06/2025,P,C2,U2,AB1,,PR1,,", "01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1"),
        [("episodes", 2)],
    ),
    (
        "433",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,,", "01/06/2025,T,C2,U2,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    (
        "433",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,B,C1,U2,AB1,,PR1,,"),
        [],
    ),
    # 434: RNE L - legal status changes, placement does not.
    (
        "434",
        episodes("01/05/2025,S,V2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,L,C2,U1,AB1,,PR1,,"),
        [],
    ),
    (
        "434",
        episodes("01/05/2025,S,V2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,L,V2,U1,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    (
        "434",
        episodes("01/05/2025,S,V2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,L,C2,U1,CD2,,PR1,,"),
        [("episodes", 3)],
    ),
    # 435: RNE P or T - placement changes, legal status does not.
    (
        "435",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,P,C2,U1,AB1,,PR2,,"),
        [],
    ),
    (
        "435",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,T,C2,U1,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    (
        "435",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,P,C1,U3,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    # 436: RNE U or B - both change.
    (
        "436",
        episodes("01/05/2025,S,V2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,U,C2,U3,AB1,,PR1,,"),
        [],
    ),
    (
        "436",
        episodes("01/05/2025,S,V2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,B,C2,U1,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    # 388: X1 without a continuation, a continuation without X1, and X1 on the last episode.
    (
        "388",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1", "05/06/2025,S,C2,U1,AB1,,PR1,,"),
        [("episodes", 2)],
    ),
    (
        "388",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,E3", "01/06/2025,S,C2,U1,AB1,,PR1,,"),
        [("episodes", 2)],
    ),
    ("388", episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1"), [("episodes", 2)]),
    (
        "388",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1", "01/06/2025,P,C2,U2,AB1,,PR1,,"),
        [],
    ),
    # 437: died or 18 but a later episode follows.
    (
        "437",
        episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,E15", "01/07/2025,S,C2,U1,AB1,,PR1,,"),
        [("episodes", 2)],
    ),
    ("437", episodes("01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,E2"), []),
    # 361-364: legal statuses with a time limit, over unbroken runs of episodes.
    ("361", episodes("01/05/2025,S,L1,U1,AB1,,PR1,04/05/2025,E3"), []),
    (
        "361",
        episodes(
            "01/05/2025,S,L1,U1,AB1,,PR1,03/05/2025,X1", "03/05/2025,P,L1,U2,AB1,,PR1,05/05/2025,E3"
        ),
        [("episodes", 2), ("episodes", 3)],
    ),
    ("362", episodes("01/05/2025,S,L2,U1,AB1,,PR1,22/05/2025,E3"), []),
    ("362", episodes("01/05/2025,S,L2,U1,AB1,,PR1,23/05/2025,E3"), [("episodes", 2)]),
    ("363", episodes("01/05/2025,S,L3,U1,AB1,,PR1,08/05/2025,E3"), []),
    ("363", episodes("20/03/2026,S,L3,U1,AB1,,PR1,,"), [("episodes", 2)]),
    (
        "364",
        episodes("01/05/2025,S,J2,U1,AB1,,PR1,22/05/2025,X1", "22/05/2025,L,C2,U1,AB1,,PR1,,"),
        [],
    ),
    (
        "364",
        episodes(
            "01/05/2025,S,J2,U1,AB1,,PR1,10/05/2025,X1", "10/05/2025,P,J2,U2,AB1,,PR1,30/05/2025,E3"
        ),
        [("episodes", 2), ("episodes", 3)],
    ),
    # 365, 366, 367: short breaks.
    ("365", episodes("01/05/2025,S,V3,U1,,,PR1,18/05/2025,E13"), []),
    ("365", episodes("01/05/2025,S,V3,U1,,,PR1,19/05/2025,E13"), [("episodes", 2)]),
    ("366", episodes("01/05/2025,P,V3,U1,,,PR1,02/05/2025,E13"), [("episodes", 2)]),
    ("366", episodes("01/05/2025,S,V3,U1,,,PR1,02/05/2025,E13"), []),
    (
        "367",
        episodes(
            "01/04/2025,S,V3,U1,,,PR1,16/04/2025,E13", "01/05/2025,S,V3,U1,,,PR1,01/07/2025,E13"
        ),
        [("episodes", 2), ("episodes", 3)],
    ),
    (
        "367",
        episodes(
            "01/03/2025,S,V3,U1,,,PR1,15/04/2025,E13", "01/05/2025,S,V3,U1,,,PR1,01/07/2025,E13"
        ),
        [],
    ),
    (
        "382",
        episodes(
            "01/05/2025,S,V4,T3,,,PR1,02/05/2025,E13", "03/05/2025,S,V4,U3,,,PR1,04/05/2025,E13"
        ),
        [("episodes", 2)],
    ),
    # 426: V3 and V4 for the same child in the year.
    (
        "426",
        {
            "episodes": COLUMNS
            + "A,01/05/2025,S,V3,U1,,,PR1,02/05/2025,E13\n"
            + "A,01/06/2025,S,V4,U1,,,PR1,02/06/2025,E13\n"
            + "B,01/05/2025,S,V3,U1,,,PR1,02/05/2025,E13\n"
            + "B,01/06/2025,S,V3,U1,,,PR1,02/06/2025,E13\n"
        },
        [("episodes", 2), ("episodes", 3)],
    ),
    # 336: a placement for adoption must follow fostering or another adoption placement.
    (
        "336",
        episodes("01/05/2025,S,C2,R1,AB1,,PR1,01/06/2025,X1", "01/06/2025,P,E1,A3,AB1,,PR1,,"),
        [("episodes", 3)],
    ),
    (
        "336",
        episodes("01/05/2025,S,C2,U3,AB1,,PR1,01/06/2025,X1", "01/06/2025,P,E1,A4,AB1,,PR1,,"),
        [],
    ),
    ("336", episodes("01/06/2025,S,E1,A3,AB1,,PR1,,"), []),
    # 375, 376, 379: temporary placements too long.
    ("375", episodes("01/05/2025,P,C2,T1,AB1,,PR1,12/06/2025,X1"), []),
    ("375", episodes("01/05/2025,P,C2,T1,AB1,,PR1,13/06/2025,X1"), [("episodes", 2)]),
    ("376", episodes("01/05/2025,P,C2,T3,AB1,,PR1,23/05/2025,X1"), [("episodes", 2)]),
    ("376", episodes("01/05/2025,P,C2,T3,AB1,,PR1,22/05/2025,X1"), []),
    ("379", episodes("01/05/2025,P,C2,T4,AB1,,PR1,09/05/2025,X1"), [("episodes", 2)]),
    ("379", episodes("01/05/2025,P,C2,T4,AB1,,PR1,08/05/2025,X1"), []),
    # 377: a third carer-holiday placement within 12 months.
    (
        "377",
        episodes("01/05/2025,P,C2,T3,,,,,", "01/08/2025,P,C2,T3,,,,,", "01/03/2026,P,C2,T3,,,,,"),
        [("episodes", 4)],
    ),
    (
        "377",
        episodes("01/05/2024,P,C2,T3,,,,,", "01/08/2024,P,C2,T3,,,,,", "01/05/2025,P,C2,T3,,,,,"),
        [],
    ),
    # 380, 381: temporary placements at the start or end of a period of care.
    (
        "380",
        episodes("01/05/2025,S,C2,T1,AB1,,PR1,,", "01/06/2025,P,C2,T2,AB1,,PR1,,"),
        [("episodes", 2)],
    ),
    (
        "381",
        episodes(
            "01/05/2025,P,C2,T1,AB1,,PR1,03/05/2025,E3", "05/05/2025,P,C2,T1,AB1,,PR1,06/05/2025,X1"
        ),
        [("episodes", 2)],
    ),
    # 383: back to the placement (and postcode) held before the temporary one, with RNE P.
    (
        "383",
        episodes(
            "01/05/2025,S,C2,U1,AB1,,PR1,05/06/2025,X1",
            "05/06/2025,P,C2,T1,AB1,,PR1,06/06/2025,X1",
            "06/06/2025,P,C2,U1,AB1,,PR1,,",
        ),
        [],
    ),
    (
        "383",
        episodes(
            "01/05/2025,S,C2,U1,AB1,,PR1,05/06/2025,X1",
            "05/06/2025,P,C2,T1,AB1,,PR1,06/06/2025,X1",
            "06/06/2025,P,C2,U1,CD2,,PR1,,",
        ),
        [("episodes", 4)],
    ),
    (
        "383",
        episodes(
            "01/05/2025,S,C2,U1,AB1,,PR1,05/06/2025,X1",
            "05/06/2025,P,C2,T1,AB1,,PR1,06/06/2025,X1",
            "06/06/2025,T,C2,U1,AB1,,PR1,,",
        ),
        [("episodes", 4)],
    ),
]


@pytest.mark.parametrize(("code", "tables", "expected"), CASES)
def test_each_sequence_rule_reports_exactly_the_episodes_that_fail(code, tables, expected):
    assert failures(code, tables) == expected


def test_episodes_of_different_children_are_never_compared():
    tables = {
        "episodes": COLUMNS
        + "A,01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,E3\n"
        + "B,01/06/2025,S,C2,U1,AB1,,PR1,,\n"
    }
    assert failures("431", tables) == []
    assert (
        failures(
            "437",
            {
                "episodes": COLUMNS
                + "A,01/05/2025,S,C2,U1,,,,01/06/2025,E2\n"
                + "B,01/07/2025,S,C2,U1,,,,,\n"
            },
        )
        == []
    )


def test_every_rule_of_the_year_runs_over_a_large_return_without_breaking():
    # Speed is measured by bench/ssda903.py, not asserted here.
    rows = [COLUMNS.strip()]
    for child in range(5_000):
        rows.append(f"C{child},01/05/2025,S,C2,U1,AB1,,PR1,01/06/2025,X1")
        rows.append(f"C{child},01/06/2025,P,C2,U2,AB1,,PR1,,")
    tables = ReturnTables.of(2026, {"episodes": "\n".join(rows)})
    outcome = rule_set("ssda903", 2026).run(tables)
    assert outcome.not_checked == {}
