"""SSDA903 deprivation of liberty order rules (700-709): each rule's passing and failing cases
from the DfE's rule text, as exact (table, row) pairs."""

from __future__ import annotations

from returns.dfe_rules.engine import ReturnTables, rule_set

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
DOLO = "CHILD,DOB,DOLO_START,DOLO_END\n"


def fails(code, tables, previous=None):
    """The rows the rule `code` of the 2025/26 set reports, as sorted (table, row) pairs."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    found = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


def dolo(*rows):
    return DOLO + "\n".join(rows) + "\n"


def test_700_start_date_is_a_valid_date():
    table = dolo("A,01/01/2010,31/02/2025,", "B,01/01/2010,,", "C,01/01/2010,01/05/2025,")
    assert fails("700", {"DoLo": table}) == [("dolo", 2), ("dolo", 3)]


def test_701_end_date_where_given_is_a_valid_date():
    table = dolo("A,01/01/2010,01/05/2025,2025/06/01", "B,01/01/2010,01/05/2025,")
    assert fails("701", {"DoLo": table}) == [("dolo", 2)]


def test_702_an_order_does_not_end_before_it_starts():
    table = dolo("A,01/01/2010,01/05/2025,30/04/2025", "B,01/01/2010,01/05/2025,01/05/2025")
    assert fails("702", {"DoLo": table}) == [("dolo", 2)]


def test_703_an_order_does_not_start_after_the_year():
    table = dolo("A,01/01/2010,01/04/2026,", "B,01/01/2010,31/03/2026,")
    assert fails("703", {"DoLo": table}) == [("dolo", 2)]


def test_704_an_end_date_falls_within_the_year():
    table = dolo("A,01/01/2010,01/03/2025,31/03/2025", "B,01/01/2010,01/03/2025,01/04/2025")
    assert fails("704", {"DoLo": table}) == [("dolo", 2)]


def test_705_orders_do_not_overlap_or_start_while_one_is_open():
    table = dolo(
        "A,01/01/2010,01/05/2025,",
        "A,01/01/2010,01/06/2025,02/06/2025",  # the earlier order is still open
        "B,01/01/2010,01/05/2025,10/05/2025",
        "B,01/01/2010,10/05/2025,11/05/2025",
    )
    assert fails("705", {"DoLo": table}) == [("dolo", 3)]


def test_706_last_years_open_order_starts_this_years_return():
    last = dolo("A,01/01/2010,01/03/2025,", "B,01/01/2010,01/03/2025,", "C,01/01/2010,01/03/2025,")
    this = dolo("A,01/01/2010,01/05/2025,", "B,01/01/2010,01/03/2025,")
    header = "CHILD,SEX,DOB,MOTHER,MC_DOB\nA,M,01/01/2010,,\nB,M,01/01/2010,,\nC,F,01/01/2010,,\n"
    found = fails("706", {"DoLo": this, "header": header}, {"DoLo": last})
    assert found == [("dolo", 2), ("header", 4)]
    assert fails("706", {"DoLo": this}) == []


def test_707_a_child_leaving_care_has_no_open_order():
    episodes = (
        EPISODES
        + "A,01/04/2025,S,C2,N1,K2,PR1,01/08/2025,E13\n"
        + "B,01/04/2025,S,C2,N1,K2,PR1,01/08/2025,E13\n"
    )
    table = dolo("A,01/01/2010,01/05/2025,", "B,01/01/2010,01/05/2025,31/07/2025")
    assert fails("707", {"episodes": episodes, "DoLo": table}) == [
        ("dolo", 2),
        ("episodes", 2),
    ]


def test_708_an_order_starts_after_the_childs_birth():
    table = dolo("A,01/05/2025,01/05/2025,", "B,01/01/2010,01/05/2025,")
    assert fails("708", {"DoLo": table}) == [("dolo", 2)]


def test_709_an_order_overlaps_only_expected_placements():
    episodes = (
        EPISODES
        + "A,01/04/2025,S,C2,N1,U1,PR1,,\n"  # foster placement during the order
        + "B,01/04/2025,S,C2,N1,K2,PR1,,\n"
        + "C,01/04/2025,S,C2,N1,U1,PR1,01/05/2025,X1\n"  # ended before the order began
        + "C,01/05/2025,P,C2,N1,Z12,PR1,,\n"
    )
    table = dolo(
        "A,01/01/2010,01/06/2025,01/07/2025",
        "B,01/01/2010,01/06/2025,01/07/2025",
        "C,01/01/2010,02/05/2025,01/07/2025",
    )
    assert fails("709", {"episodes": episodes, "DoLo": table}) == [("dolo", 2)]
