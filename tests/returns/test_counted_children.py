"""Which children each derived figure counts (issue 19: a figure's data quality), on small
returns worked out by hand, and the count of those touched by a DfE rule error. No database.

The returns are for the 2025/26 collection (collection year 2026): the year from 1 April 2025 to
31 March 2026, checked by the 2025/26 rules.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import pytest

from returns import derive_cin as cin_module
from returns.derive_903 import derive_903
from returns.derive_cin import derive_cin
from returns.dfe_rules.cin.tables import cin_tables
from returns.dfe_rules.engine import ERROR, ReturnTables, RuleOutcome, rule_set
from returns.dfe_rules.quality import FigureQuality, RuleTouch, figure_fields, figure_quality

YEAR = 2026

# --- An SSDA903 return --------------------------------------------------------------------------
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,UASC\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,"
    "URN\n"
)


def episode(
    child: str,
    decom: str,
    rne: str,
    ls: str,
    place: str,
    *,
    provider: str = "PR1",
    dec: str = "",
    rec: str = "",
    reason: str = "",
) -> str:
    return (
        f"{child},{decom},{rne},{ls},N1,{place},{provider},{dec},{rec},{reason},"
        "AB1 2CD,EF3 4GH,SC000001\n"
    )


def return_903(f2_provider: str = "PR1") -> dict[str, str]:
    """Looked after at 31 March 2026: F1 and F2 (foster care, U1 and U3), R1 (a children's
    home, K2, under section 20 and unaccompanied) and LT (since January 2022, in the same
    foster placement since January 2023: long-term stable, and 12 months in care with an OC2
    row). V1 is on a short break (LS V3) at 31 March: not counted. AD was adopted on
    1 December 2025. Care leavers: L1 (19 at 31 March, in touch), L2 (17, in touch) and L3
    (20, not in touch). `f2_provider` is F2's placement provider (blank fails rule 526)."""
    return {
        "header": HEADER
        + "F1,M,01/01/2015,WBRI,A123456789012,,,0\n"
        + "F2,F,01/02/2016,WBRI,B123456789012,0,,0\n"
        + "R1,M,01/03/2009,WBRI,C123456789012,,,1\n"
        + "V1,F,01/04/2014,WBRI,D123456789012,,,0\n"
        + "LT,M,01/05/2014,WBRI,E123456789012,,,0\n"
        + "AD,M,01/06/2022,WBRI,F123456789012,,,0\n",
        "episodes": EPISODES
        + episode("F1", "01/06/2025", "S", "C2", "U1")
        + episode("F2", "01/07/2025", "S", "C2", "U3", provider=f2_provider)
        + episode("R1", "01/08/2025", "S", "V2", "K2")
        + "V1,20/03/2026,S,V3,N1,U3,PR1,,,,,,\n"
        + episode("LT", "01/01/2022", "S", "C2", "U1", dec="01/01/2023", rec="X1", reason="CARPL")
        + episode("LT", "01/01/2023", "P", "C2", "U4")
        + episode("AD", "01/01/2024", "S", "C2", "U1", dec="01/06/2024", rec="X1")
        + episode("AD", "01/06/2024", "L", "E1", "U1", dec="01/09/2025", rec="X1", reason="PLACE")
        + episode("AD", "01/09/2025", "P", "E1", "A4", dec="01/12/2025", rec="E11"),
        "uasc": "CHILD,DUC\nR1,\n",
        "oc2": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        + "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
        + "LT,01/05/2014,12,,0,,1,0,1,0,,\n",
        "oc3": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"
        + "L1,01/06/2006,YES,F1,B1\n"
        + "L2,01/06/2008,YES,G4,B2\n"
        + "L3,01/06/2005,NO,0,0\n",
        "ad1": "CHILD,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
        + "AD,01/03/2025,01/08/2025,0,1,M1,L0\n",
    }


LOOKED_AFTER = frozenset({"F1", "F2", "R1", "LT"})


def test_a_903_figure_counts_its_cohort_the_children_looked_after_at_31_march():
    counted = derive_903(return_903(), YEAR, population=10_000).counted
    # F1 is fostered: in CLA-FOSTER's set and CLA-COUNT's. V1, on a short break, in neither.
    assert "F1" in counted["CLA-FOSTER"] and "F1" in counted["CLA-COUNT"]
    assert "V1" not in counted["CLA-FOSTER"] | counted["CLA-COUNT"]
    for code in ("CLA-COUNT", "CLA-RATE", "CLA-FOSTER", "CLA-S20", "CLA-3PLAC"):
        assert counted[code] == LOOKED_AFTER, code
    assert counted["UASC-COUNT"] == {"R1"}
    assert counted["CLA-STAB-LT"] == {"LT"}
    for code in ("HLT-CHECK", "HLT-DENTAL", "HLT-IMMS", "HLT-SDQ", "HLT-SDQ-PCT"):
        assert counted[code] == {"LT"}, code
    # AD left care adopted: counted in the adoption figures, not among those looked after.
    assert counted["ADOPT-A1"] == counted["ADOPT-A2"] == {"AD"}


def test_a_care_leaver_is_counted_in_their_age_band_when_in_touch():
    counted = derive_903(return_903(), YEAR).counted
    # L1 is 19 at 31 March; L3, 20, is not in touch, so in no denominator.
    assert counted["CL-EET-1921"] == counted["CL-ACC-1921"] == {"L1"}
    assert counted["CL-EET-1718"] == counted["CL-ACC-1718"] == {"L2"}


def test_the_children_counted_are_not_in_the_results_repr():
    derived = derive_903(return_903(), YEAR)
    shown = repr(derived)
    assert "counted" not in shown
    assert not [child for child in ("F1", "F2", "R1", "LT", "AD", "L1") if f"'{child}'" in shown]


def test_a_903_figure_not_derived_counts_no_one():
    tables = return_903()
    del tables["oc2"], tables["ad1"]
    derived = derive_903(tables, YEAR)
    assert set(derived.counted) == set(derived.figures)
    assert "HLT-CHECK" not in derived.counted and "CLA-RATE" not in derived.counted


# --- A CIN census -------------------------------------------------------------------------------
def el(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{escape(value)}</{name}>"


def referral(date: str, *records: str, closed: str | None = None) -> str:
    return (
        "<CINdetails>"
        + el("CINreferralDate", date)
        + "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        + el("CINclosureDate", closed)
        + el("ReasonForClosure", "RC1" if closed else None)
        + "<ReferralNFA>false</ReferralNFA>"
        + "".join(records)
        + "</CINdetails>"
    )


def plan(start: str, end: str | None = None, previous: str | None = "0") -> str:
    return (
        "<ChildProtectionPlans>"
        + el("CPPstartDate", start)
        + el("CPPendDate", end)
        + "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
        + "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
        + el("NumberOfPreviousCPP", previous)
        + "</ChildProtectionPlans>"
    )


def child(child_id: str, *referrals: str) -> str:
    return (
        "<Child><ChildIdentifiers>"
        + el("LAchildID", child_id)
        + "<UPN>A123456789012</UPN><PersonBirthDate>2015-06-01</PersonBirthDate>"
        + "<Sex>1</Sex></ChildIdentifiers>"
        + "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        + "".join(referrals)
        + "</Child>"
    )


def census(c2_previous_plans: str | None = "0") -> bytes:
    """C1 is referred twice in the year. C2 is referred, assessed, conferenced and put on a
    plan still open at 31 March (its NumberOfPreviousCPP `c2_previous_plans`). C3's plan
    (from before the year) ended in May 2025. C4 has been on a plan since March 2023."""
    children = (
        child("C1", referral("2025-05-01", closed="2025-06-01"), referral("2025-10-01")),
        child(
            "C2",
            referral(
                "2025-06-02",
                "<Assessments><AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>"
                "<AssessmentAuthorisationDate>2025-06-20</AssessmentAuthorisationDate>"
                "</Assessments>",
                "<Section47><S47ActualStartDate>2025-06-04</S47ActualStartDate>"
                "<DateOfInitialCPC>2025-06-18</DateOfInitialCPC></Section47>",
                plan("2025-06-18", previous=c2_previous_plans),
            ),
        ),
        child("C3", referral("2024-01-10", plan("2024-02-01", "2025-05-01"), closed="2025-05-01")),
        child("C4", referral("2023-02-01", plan("2023-03-01"))),
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{YEAR}</Year>"
        f"<ReferenceDate>{YEAR}-03-31</ReferenceDate></CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>"
        f"<Children>{''.join(children)}</Children></Message>"
    ).encode()


def test_a_cin_figure_counts_each_child_once_by_their_lachildid():
    result = derive_cin(census(), collection_year=YEAR, population=10_000)
    counted = result.counted
    # C1's two referrals are two in REF-COUNT's value, one child in its set.
    assert result.figures["REF-COUNT"].value == 3
    assert counted["REF-COUNT"] == counted["REF-RATE"] == counted["REF-REREF"] == {"C1", "C2"}
    assert counted["ASMT-COUNT"] == counted["ASMT-45"] == {"C2"}
    assert counted["ICPC-15"] == {"C2"}
    # Plans open at 31 March: C2's and C4's (C3's ended in May).
    for code in ("CPP-COUNT", "CPP-RATE", "CPP-2YR-OPEN", "CPP-CAT"):
        assert counted[code] == {"C2", "C4"}, code
    assert counted["CPP-2ND"] == {"C2"}
    assert counted["CPP-2YR-CEASED"] == counted["CPP-U3M"] == {"C3"}
    assert set(counted) == set(result.figures) | {"CPP-CAT"}
    assert "C2" not in repr(result)


def test_the_cin_children_counted_are_those_the_rules_tables_call_child():
    tables = cin_tables(census(), collection_year=YEAR)
    in_tables = set(tables.table("childidentifiers")["CHILD"].to_list())
    counted = derive_cin(census(), collection_year=YEAR).counted
    assert frozenset().union(*counted.values()) <= in_tables


# --- Every figure has its fields --------------------------------------------------------------
def test_every_figure_either_derivation_can_produce_names_its_fields():
    derived = derive_903(return_903(), YEAR, population=10_000)
    # The whole return derives every figure of the SSDA903 ...
    assert len(derived.figures) == 18
    assert set(derived.figures) <= set(figure_fields("ssda903"))
    assert set(derived.counted) == set(derived.figures)
    # ... and the CIN's figure codes are the module's constants.
    cin_codes = {
        value
        for name, value in vars(cin_module).items()
        if name.isupper() and isinstance(value, str) and re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)+", value)
    }
    assert len(cin_codes) == 13
    assert cin_codes <= set(figure_fields("cin"))
    result = derive_cin(census(), collection_year=YEAR, population=10_000)
    assert set(result.counted) <= cin_codes


def test_the_cin_fields_are_columns_of_the_rules_tables():
    rule_fields = {field.upper() for rule in rule_set("cin", YEAR).rules for field in rule.fields}
    for figure, fields in figure_fields("cin").items():
        assert fields <= rule_fields, figure


# --- From the rules' errors to a figure's quality ---------------------------------------------
def quality_903(outcome: RuleOutcome, counted: frozenset[str], figure: str) -> FigureQuality:
    errors = {
        code: children
        for code, children in outcome.children.items()
        if outcome.rule(code).severity == ERROR
    }
    rule_fields = {rule.code: frozenset(rule.fields) for rule in outcome.rules}
    return figure_quality(counted, figure_fields("ssda903")[figure], errors, rule_fields)


@pytest.mark.parametrize(("f2_provider", "affected"), [("PR1", 0), ("", 1)])
def test_a_placement_error_on_a_fostered_child_lowers_the_foster_figures_quality_alone(
    f2_provider, affected
):
    tables = return_903(f2_provider)
    derived = derive_903(tables, YEAR)
    outcome = rule_set("ssda903", YEAR).run(ReturnTables.of(YEAR, tables))
    assert outcome.not_checked == {}
    foster = quality_903(outcome, derived.counted["CLA-FOSTER"], "CLA-FOSTER")
    # F2's placement has no provider (rule 526, on PLACE and PLACE_PROVIDER): of the four
    # children CLA-FOSTER counts, F2 alone is touched by an error that can change it.
    assert (foster.counted, foster.affected) == (4, affected)
    assert foster.rules == ((RuleTouch("526", 1),) if affected else ())
    # The section 20 percentage does not read the placement: untouched.
    s20 = quality_903(outcome, derived.counted["CLA-S20"], "CLA-S20")
    assert (s20.counted, s20.affected) == (4, 0)


def test_an_error_on_a_child_a_figure_does_not_count_does_not_touch_it():
    # F1's date of birth after the year's end fails rules on DOB; CLA-STAB-LT reads DOB but
    # counts only LT, so it stays clean while the rule fails.
    tables = return_903()
    tables["header"] = tables["header"].replace("F1,M,01/01/2015", "F1,M,01/01/2027")
    derived = derive_903(tables, YEAR)
    outcome = rule_set("ssda903", YEAR).run(ReturnTables.of(YEAR, tables))
    assert "301" in outcome.children and "F1" in outcome.children["301"]
    stability = quality_903(outcome, derived.counted["CLA-STAB-LT"], "CLA-STAB-LT")
    assert (stability.counted, stability.affected) == (1, 0)


def test_a_cin_error_touches_the_figures_reading_its_field_by_the_tables_column_names():
    # C2's plan has no NumberOfPreviousCPP: rule 8730 fails. CPP-2ND reads it (a second
    # plan?) and counts C2; CPP-COUNT counts C2 too but does not read it.
    source = census(c2_previous_plans=None)
    counted = derive_cin(source, collection_year=YEAR).counted
    outcome = rule_set("cin", YEAR).run(cin_tables(source, collection_year=YEAR))
    assert outcome.not_checked == {}
    assert outcome.children["8730"] == {"C2"}
    errors = {c: k for c, k in outcome.children.items() if outcome.rule(c).severity == ERROR}
    # The CIN rules name their fields as the XML does (NumberOfPreviousCPP); the figures',
    # as the rules' tables name their columns (NUMBEROFPREVIOUSCPP): compared upper-cased.
    rule_fields = {r.code: frozenset(f.upper() for f in r.fields) for r in outcome.rules}
    fields = figure_fields("cin")
    repeat = figure_quality(counted["CPP-2ND"], fields["CPP-2ND"], errors, rule_fields)
    assert (repeat.counted, repeat.affected) == (1, 1)
    assert RuleTouch("8730", 1) in repeat.rules
    on_plan = figure_quality(counted["CPP-COUNT"], fields["CPP-COUNT"], errors, rule_fields)
    assert "8730" not in {touch.code for touch in on_plan.rules}
