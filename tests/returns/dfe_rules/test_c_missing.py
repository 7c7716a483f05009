"""SSDA903 rules 500 and above on missing or away from placement periods: each rule's passing
and failing cases from the DfE's rule text, as exact (table, row) pairs."""

from __future__ import annotations

from returns.dfe_rules.engine import ReturnTables, rule_set

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END\n"


def fails(code, tables, previous=None):
    """The rows the rule `code` of the 2025/26 set reports, as sorted (table, row) pairs."""
    rule = next(r for r in rule_set("ssda903", 2026).rules if r.code == code)
    found = rule.check(ReturnTables.of(2026, tables, previous))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


def missing(*rows):
    return MISSING + "\n".join(rows) + "\n"


def episodes(*rows):
    return EPISODES + "\n".join(rows) + "\n"


def test_564_missing_needs_a_start_date():
    assert fails("564", {"missing": missing("A,01/01/2010,M,,", "B,01/01/2010,A,01/05/2025,")}) == [
        ("missing", 2)
    ]


def test_565_a_start_date_needs_the_kind_of_absence():
    table = missing("A,01/01/2010,,01/05/2025,", "B,01/01/2010,M,01/05/2025,")
    assert fails("565", {"missing": table}) == [("missing", 2)]


def test_566_an_end_date_needs_the_kind_of_absence():
    table = missing("A,01/01/2010,,,02/05/2025", "B,01/01/2010,M,01/05/2025,02/05/2025")
    assert fails("566", {"missing": table}) == [("missing", 2)]


def test_567_a_period_does_not_end_before_it_starts():
    table = missing("A,01/01/2010,M,03/05/2025,02/05/2025", "B,01/01/2010,M,02/05/2025,02/05/2025")
    assert fails("567", {"missing": table}) == [("missing", 2)]


def test_570_a_period_does_not_start_after_the_year():
    table = missing("A,01/01/2010,M,01/04/2026,", "B,01/01/2010,M,31/03/2026,")
    assert fails("570", {"missing": table}) == [("missing", 2)]


def test_571_an_end_date_falls_within_the_year():
    table = missing(
        "A,01/01/2010,M,01/03/2025,31/03/2025",
        "B,01/01/2010,M,01/03/2026,01/04/2026",
        "C,01/01/2010,M,01/03/2025,01/04/2025",
    )
    assert fails("571", {"missing": table}) == [("missing", 2), ("missing", 3)]


def test_574_periods_do_not_overlap_or_start_while_one_is_open():
    table = missing(
        "A,01/01/2010,M,01/05/2025,",
        "A,01/06/2025,M,01/06/2025,02/06/2025",  # the earlier period is still open
        "B,01/01/2010,M,01/05/2025,10/05/2025",
        "B,01/01/2010,M,09/05/2025,11/05/2025",  # starts before the earlier one ended
        "C,01/01/2010,M,01/05/2025,10/05/2025",
        "C,01/01/2010,M,10/05/2025,11/05/2025",
    )
    assert fails("574", {"missing": table}) == [("missing", 3), ("missing", 5)]


def test_575_a_period_from_a_placement_that_ended_has_an_end_date():
    eps = episodes(
        "A,01/04/2025,S,C2,N1,U1,PR1,01/06/2025,X1",
        "A,01/06/2025,P,C2,N1,U2,PR1,,",
    )
    table = missing(
        "A,01/01/2010,M,10/05/2025,",  # began in the placement that ended 01/06/2025
        "A,01/01/2010,M,10/07/2025,",  # began in the open placement
    )
    assert fails("575", {"episodes": eps, "missing": table}) == [("missing", 2)]


def test_576_last_years_open_period_starts_this_year():
    last = missing("A,01/01/2010,M,01/03/2025,", "B,01/01/2010,M,01/03/2025,")
    this = missing("A,01/01/2010,M,05/04/2025,06/04/2025", "B,01/01/2010,M,01/03/2025,02/04/2025")
    assert fails("576", {"missing": this}, {"missing": last}) == [("missing", 2)]
    assert fails("576", {"missing": this}) == []


def test_577_a_child_leaving_care_has_no_open_period():
    eps = episodes(
        "A,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
        "B,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
    )
    table = missing("A,01/01/2010,M,10/05/2025,", "B,01/01/2010,M,10/05/2025,12/05/2025")
    assert fails("577", {"episodes": eps, "missing": table}) == [
        ("episodes", 2),
        ("missing", 2),
    ]


def test_578_a_period_starts_within_a_period_of_care():
    eps = episodes(
        "A,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
        "A,01/10/2025,S,C2,N1,U1,PR1,,",
        "B,01/04/2025,S,C2,N1,U1,PR1,01/08/2025,E13",
    )
    table = missing(
        "A,01/01/2010,M,02/08/2025,",  # between two periods of care
        "A,01/01/2010,M,02/11/2025,",  # in the second, open, period
        "B,01/01/2010,M,01/08/2025,01/08/2025",  # the day care ended
        "C,01/01/2010,M,01/08/2025,",  # no episodes: not checked
    )
    assert fails("578", {"episodes": eps, "missing": table}) == [("missing", 2)]


def test_586_a_period_is_after_the_childs_birth():
    table = missing("A,01/06/2025,M,01/05/2025,", "B,01/01/2010,M,01/05/2025,")
    assert fails("586", {"missing": table}) == [("missing", 2)]


def test_1004_start_date_is_a_valid_date():
    table = missing("A,01/01/2010,M,31/02/2025,", "B,01/01/2010,M,,", "C,01/01/2010,M,01/05/2025,")
    assert fails("1004", {"missing": table}) == [("missing", 2), ("missing", 3)]


def test_1005_end_date_where_given_is_a_valid_date():
    table = missing(
        "A,01/01/2010,M,01/05/2025,2025-13-01",
        "B,01/01/2010,M,01/05/2025,",
        "C,01/01/2010,M,01/05/2025,02/05/2025",
    )
    assert fails("1005", {"missing": table}) == [("missing", 2)]


def test_1006_kind_of_absence_is_m_or_a():
    table = missing("A,01/01/2010,X,01/05/2025,", "B,01/01/2010,A,01/05/2025,")
    assert fails("1006", {"missing": table}) == [("missing", 2)]


def test_580_missing_when_care_ended_at_18_means_rec_e8():
    eps = episodes(
        "A,01/04/2025,S,C2,N1,U1,PR1,01/06/2025,E7",  # still missing on leaving care at 18
        "B,01/04/2025,S,C2,N1,U1,PR1,01/06/2025,E8",
        "C,01/04/2025,S,C2,N1,U1,PR1,01/07/2025,E7",  # the missing period ended earlier
    )
    table = missing(
        "A,01/06/2007,M,20/05/2025,01/06/2025",
        "B,01/06/2007,M,20/05/2025,01/06/2025",
        "C,01/06/2007,M,20/05/2025,01/06/2025",
    )
    assert fails("580", {"episodes": eps, "missing": table}) == [("episodes", 2)]
