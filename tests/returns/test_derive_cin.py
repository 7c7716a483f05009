"""CIN census: working days and the derivation of the year's figures. No database.

Every expected figure is worked out by hand in the comments beside the synthetic children.
Collection year 2025 runs from 1 April 2024 to 31 March 2025. Bank holidays used below:
Good Friday 29/03/2024, Easter Monday 01/04/2024, late summer 26/08/2024, Christmas Day
25/12/2024, Boxing Day 26/12/2024 and New Year's Day 01/01/2025.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.working_days import is_working_day, working_days_between
from returns.derive_cin import (
    ASMT_45,
    ASMT_COUNT,
    CPP_2ND,
    CPP_2YR_CEASED,
    CPP_2YR_OPEN,
    CPP_COUNT,
    CPP_RATE,
    CPP_U3M,
    ICPC_15,
    REF_COUNT,
    REF_RATE,
    REF_REREF,
    CinCounts,
    CinResult,
    DerivedFigure,
    add_months,
    derive_cin,
)
from returns.findings import Severity

D = datetime.date


# --- Building synthetic files ----------------------------------------------------------------
def el(name: str, value: object | None) -> str:
    return "" if value is None else f"<{name}>{escape(str(value))}</{name}>"


def assessment(start: str | None, authorised: str | None = None) -> str:
    return (
        "<Assessments>"
        + el("AssessmentActualStartDate", start)
        + el("AssessmentAuthorisationDate", authorised)
        + "<FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment></Assessments>"
    )


def s47(start: str | None, icpc: str | None = None, not_required: str | None = None) -> str:
    return (
        "<Section47>"
        + el("S47ActualStartDate", start)
        + el("DateOfInitialCPC", icpc)
        + el("ICPCnotRequired", not_required)
        + "</Section47>"
    )


def plan(
    start: str | None,
    end: str | None = None,
    initial: str | None = "NEG",
    latest: str | None = None,
    previous: object | None = 0,
) -> str:
    return (
        "<ChildProtectionPlans>"
        + el("CPPstartDate", start)
        + el("CPPendDate", end)
        + el("InitialCategoryOfAbuse", initial)
        + el("LatestCategoryOfAbuse", latest or initial)
        + el("NumberOfPreviousCPP", previous)
        + "<Reviews><CPPreviewDate>"
        + escape(start or "")
        + "</CPPreviewDate></Reviews></ChildProtectionPlans>"
    )


def episode(
    referral: str | None,
    closed: str | None = None,
    *records: str,
    nfa: str | None = "false",
) -> str:
    return (
        "<CINdetails>"
        + el("CINreferralDate", referral)
        + "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        + el("CINclosureDate", closed)
        + el("ReasonForClosure", "RC1" if closed else None)
        + el("ReferralNFA", nfa)
        + "".join(records)
        + "</CINdetails>"
    )


def child(child_id: str | None, *episodes: str, sex_tag: str = "Sex") -> str:
    return (
        "<Child><ChildIdentifiers>"
        + el("LAchildID", child_id)
        + "<UPN>A123456789012</UPN><PersonBirthDate>2015-06-01</PersonBirthDate>"
        + f"<{sex_tag}>1</{sex_tag}></ChildIdentifiers>"
        + "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        + "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>"
        + "".join(episodes)
        + "</Child>"
    )


def census(*children: str, year: int = 2025, header: bool = True) -> bytes:
    head = (
        "<Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>"
        if header
        else ""
    )
    body = f'<?xml version="1.0" encoding="UTF-8"?><Message>{head}<Children>'
    return (body + "".join(children) + "</Children></Message>").encode()


def pct(numerator: int, denominator: int) -> Decimal:
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def errors(result: CinResult) -> list[tuple[int, str]]:
    return [(f.row, f.column) for f in result.findings if f.severity == Severity.ERROR]


def warnings(result: CinResult) -> list[tuple[int, str]]:
    """Warnings about the file's content (not "no ... in the year, so ... is not derived", nor
    "the file holds no <Assessments> at all, so ... are not derived")."""
    return [
        (f.row, f.column)
        for f in result.findings
        if f.severity == Severity.WARNING
        and "is not derived" not in f.message
        and "at all (no " not in f.message
    ]


# --- Working days --------------------------------------------------------------------------------
def test_working_days_convention_start_excluded_end_included() -> None:
    monday = D(2024, 6, 3)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, D(2024, 6, 4)) == 1  # Tuesday
    assert working_days_between(monday, D(2024, 6, 10)) == 5  # next Monday
    # Friday to Monday: Saturday and Sunday add nothing, Monday counts.
    assert working_days_between(D(2024, 6, 7), D(2024, 6, 10)) == 1
    # Back to front: the negative of the forward count.
    assert working_days_between(D(2024, 6, 10), monday) == -5


def test_working_days_skip_easter_and_christmas() -> None:
    # Thu 28/03/2024 -> Tue 02/04/2024: Good Friday, the weekend and Easter Monday add
    # nothing; only Tuesday counts.
    assert working_days_between(D(2024, 3, 28), D(2024, 4, 2)) == 1
    # Fri 20/12/2024 -> Thu 02/01/2025: 23, 24, 27, 30, 31 December and 2 January = 6.
    assert working_days_between(D(2024, 12, 20), D(2025, 1, 2)) == 6
    assert not is_working_day(D(2024, 12, 25))
    assert not is_working_day(D(2022, 9, 19))  # the state funeral
    assert not is_working_day(D(2021, 12, 28))  # Boxing Day (observed)
    assert is_working_day(D(2024, 12, 27))


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@given(dates, st.integers(min_value=0, max_value=800))
def test_working_days_never_negative_and_match_a_day_by_day_count(
    start: datetime.date, span: int
) -> None:
    end = start + datetime.timedelta(days=span)
    days = working_days_between(start, end)
    assert days >= 0
    assert days <= span
    by_hand = sum(
        1 for n in range(1, span + 1) if is_working_day(start + datetime.timedelta(days=n))
    )
    assert days == by_hand


@given(dates, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_working_days_are_monotonic_and_additive(start: datetime.date, a: int, b: int) -> None:
    middle = start + datetime.timedelta(days=a)
    end = middle + datetime.timedelta(days=b)
    assert working_days_between(start, middle) <= working_days_between(start, end)
    assert working_days_between(start, end) == working_days_between(
        start, middle
    ) + working_days_between(middle, end)
    assert working_days_between(end, start) == -working_days_between(start, end)


@given(dates, st.integers(min_value=0, max_value=400))
def test_adding_a_weekend_day_adds_nothing(start: datetime.date, span: int) -> None:
    end = start + datetime.timedelta(days=span)
    while end.weekday() != 4:  # move on to a Friday
        end += datetime.timedelta(days=1)
    friday = working_days_between(start, end)
    assert working_days_between(start, end + datetime.timedelta(days=1)) == friday  # Saturday
    assert working_days_between(start, end + datetime.timedelta(days=2)) == friday  # Sunday


# --- The year's file, worked by hand ----------------------------------------------------------
YEAR_2025 = census(
    # C1: referred 10/05/2023 (before the year) and again 10/04/2024, 11 months later: a
    # referral in the year that IS a re-referral (10/04/2024 <= 10/05/2024).
    # Assessment Mon 02/12/2024 -> Thu 06/02/2025. Working days after 2 December: 3-6 Dec 4,
    # 9-13 Dec 9, 16-20 Dec 14, 23-24 Dec 16 (25, 26 bank holidays), 27 Dec 17, 30-31 Dec 19
    # (1 Jan bank holiday), 2-3 Jan 21, then four full weeks to 31 Jan 41, 3-6 Feb 45.
    # 45 working days: IN time (without the three holidays day 45 would be Mon 03/02).
    child(
        "C1",
        episode("2023-05-10", "2023-07-01"),
        episode("2024-04-10", None, assessment("2024-12-02", "2025-02-06")),
    ),
    # C2: referred 01/04/2023 and again 01/05/2024, 13 months later: NOT a re-referral.
    # Assessment 02/12/2024 -> Fri 07/02/2025 = 46 working days: LATE, by one day.
    # S47 Thu 22/08/2024 -> ICPC Fri 13/09/2024: 23 Aug 1 (26 Aug bank holiday), 27-30 Aug 5,
    # 2-6 Sep 10, 9-13 Sep 15: 15 working days, IN time.
    # Plan from 13/09/2024, open, neglect, first plan: open at 31 March, under 2 years.
    # Written with the pre-2024 GenderCurrent element: read the same.
    child(
        "C2",
        episode("2023-04-01", "2023-05-01"),
        episode(
            "2024-05-01",
            None,
            assessment("2024-12-02", "2025-02-07"),
            s47("2024-08-22", "2024-09-13"),
            plan("2024-09-13", None, "NEG"),
        ),
        sex_tag="GenderCurrent",
    ),
    # C3: one referral on 01/07/2024 with no further action: a referral, not a re-referral.
    child("C3", episode("2024-07-01", "2024-07-03", nfa="true")),
    # C4: a plan open since 01/11/2022, more than two years before 31/03/2025 (its second
    # anniversary 01/11/2024 is on or before 31 March): open at 31 March and lasting 2 years
    # or more. Initial category physical, latest emotional: the LATEST is the breakdown.
    # Its ICPC (01/11/2022) is not in the year.
    child(
        "C4",
        episode(
            "2021-06-01",
            None,
            s47("2022-10-10", "2022-11-01"),
            plan("2022-11-01", None, "PHY", "EMO"),
        ),
    ),
    # C5: a first plan 01/02/2022-15/01/2023, then a referral 03/06/2024 (not a re-referral:
    # more than 12 months since 10/01/2022) and a second plan from 16/09/2024, which the file
    # shows is a SECOND plan although NumberOfPreviousCPP says 0. Category multiple.
    # S47 Thu 22/08/2024 -> ICPC Mon 16/09/2024 = 16 working days: LATE.
    child(
        "C5",
        episode("2022-01-10", "2023-02-01", plan("2022-02-01", "2023-01-15", "NEG")),
        episode(
            "2024-06-03",
            None,
            s47("2024-08-22", "2024-09-16"),
            plan("2024-09-16", None, "MUL"),
        ),
    ),
    # C6: a plan 01/04/2022-30/06/2024 ended in the year after 2 years or more; a referral
    # 01/10/2024 (not a re-referral); a second plan 04/11/2024-20/01/2025 (NumberOfPreviousCPP
    # 2) ended in the year after under 3 months (before 04/02/2025).
    child(
        "C6",
        episode("2022-03-01", "2024-07-01", plan("2022-04-01", "2024-06-30", "SAB", previous=1)),
        episode("2024-10-01", None, plan("2024-11-04", "2025-01-20", "PHY", previous=2)),
    ),
    # C7: referral 01/08/2024; plan from 20/08/2024, physical, NumberOfPreviousCPP 1: a second
    # plan by the count alone (no earlier plan in the file).
    child("C7", episode("2024-08-01", None, plan("2024-08-20", None, "PHY", previous=1))),
    # C8: a plan 01/02/2023-31/03/2025: it ENDED on 31 March, so it is not open at 31 March;
    # it ended in the year after 2 years or more (01/02/2025 <= 31/03/2025).
    child("C8", episode("2023-01-05", None, plan("2023-02-01", "2025-03-31", "NEG"))),
)

# Referrals in the year: C1, C2, C3, C5, C6, C7 = 6, of which re-referrals: C1 = 1.
# Assessments authorised in the year: C1 (in time), C2 (late) = 2.
# ICPCs held in the year: C2 (in time), C5 (late) = 2.
# Plans open at 31 March: C2 NEG, C4 EMO, C5 MUL, C7 PHY = 4; open 2 years+: C4 = 1.
# Plans starting in the year: C2 (first), C5 (earlier plan), C6 (count 2), C7 (count 1) = 4,
#   second or subsequent = 3.
# Plans ending in the year: C6 first (2 years+), C6 second (under 3 months), C8 (2 years+) = 3.
POPULATION = 12_000


def of_four_on_plans(count: int) -> DerivedFigure:
    return DerivedFigure(value=pct(count, 4), numerator=count, denominator=4)


def test_the_year_s_figures_match_the_hand_count() -> None:
    result = derive_cin(YEAR_2025, collection_year=2025, population=POPULATION)
    assert result.findings == []
    figures = result.figures
    assert figures[REF_COUNT].value == 6
    assert (figures[REF_REREF].numerator, figures[REF_REREF].denominator) == (1, 6)
    assert figures[REF_REREF].value == Decimal("16.6667")
    assert figures[REF_RATE].value == Decimal("5.0000")  # 6 / 12,000 * 10,000
    assert (figures[REF_RATE].numerator, figures[REF_RATE].denominator) == (6, POPULATION)
    assert figures[ASMT_COUNT].value == 2
    assert (figures[ASMT_45].numerator, figures[ASMT_45].denominator) == (1, 2)
    assert figures[ASMT_45].value == Decimal(50)
    assert (figures[ICPC_15].numerator, figures[ICPC_15].denominator) == (1, 2)
    assert figures[CPP_COUNT].value == 4
    assert figures[CPP_RATE].value == Decimal("3.3333")  # 4 / 12,000 * 10,000
    assert (figures[CPP_2ND].numerator, figures[CPP_2ND].denominator) == (3, 4)
    assert figures[CPP_2ND].value == Decimal(75)
    assert (figures[CPP_2YR_OPEN].numerator, figures[CPP_2YR_OPEN].denominator) == (1, 4)
    assert (figures[CPP_2YR_CEASED].numerator, figures[CPP_2YR_CEASED].denominator) == (2, 3)
    assert figures[CPP_2YR_CEASED].value == Decimal("66.6667")
    assert (figures[CPP_U3M].numerator, figures[CPP_U3M].denominator) == (1, 3)
    assert result.category_of_abuse == {
        "Neglect": of_four_on_plans(1),
        "Physical abuse": of_four_on_plans(1),
        "Sexual abuse": of_four_on_plans(0),
        "Emotional abuse": of_four_on_plans(1),  # C4's latest category, not its initial PHY
        "Multiple": of_four_on_plans(1),
    }
    # Referrals (CINdetails): 2+2+1+1+2+2+1+1; S47s: C2, C4, C5; plans: 1+1+2+2+1+1.
    assert result.counts == CinCounts(children=8, referrals=12, assessments=2, s47s=3, plans=8)
    assert not result.has_errors


def test_the_result_holds_no_identifiers_or_dates_of_birth() -> None:
    result = derive_cin(YEAR_2025, collection_year=2025, population=POPULATION)
    text = repr(result)
    for secret in ("C1", "C7", "A123456789012", "2015-06-01", "LAchildID"):
        assert secret not in text


def test_without_a_population_there_is_no_rate_and_a_warning() -> None:
    result = derive_cin(YEAR_2025, collection_year=2025)
    assert REF_RATE not in result.figures
    assert CPP_RATE not in result.figures
    assert warnings(result) == [(0, "population")]
    assert not result.has_errors


def test_assessments_can_be_timed_from_the_referral() -> None:
    # From C1's referral 10/04/2024 and C2's 01/05/2024 both are far beyond 45 days.
    result = derive_cin(YEAR_2025, collection_year=2025, assessment_clock_from_referral=True)
    assert (result.figures[ASMT_45].numerator, result.figures[ASMT_45].denominator) == (0, 2)


# --- Re-referrals: the same child referred twice, 11 and then 13 months apart ------------------
def test_a_child_referred_11_then_13_months_apart() -> None:
    # Referrals 01/03/2023, 01/02/2024 (11 months on) and 01/03/2025 (13 months on).
    # 2024 census (April 2023-March 2024): 01/02/2024 is in the year and within 12 months of
    # 01/03/2023: 1 referral, 1 re-referral. The 2023 referral's episode was still open on
    # 1 April 2023, so it is in the file.
    first = episode("2023-03-01", "2023-04-30")
    second = episode("2024-02-01", "2024-05-31")
    third = episode("2025-03-01")
    year_2024 = derive_cin(census(child("X", first, second), year=2024), collection_year=2024)
    assert year_2024.figures[REF_COUNT].value == 1
    assert (year_2024.figures[REF_REREF].numerator, year_2024.figures[REF_REREF].denominator) == (
        1,
        1,
    )
    # 2025 census: 01/03/2025 is 13 months after the previous referral 01/02/2024: not a
    # re-referral, even with the 2023 referral also in the file (only the previous counts).
    year_2025 = derive_cin(census(child("X", first, second, third)), collection_year=2025)
    assert year_2025.figures[REF_COUNT].value == 1
    assert year_2025.figures[REF_REREF].numerator == 0


def test_twelve_months_to_the_day_is_a_re_referral_and_a_day_more_is_not() -> None:
    result = derive_cin(
        census(
            child("A", episode("2023-06-15", "2023-07-01"), episode("2024-06-15")),
            child("B", episode("2023-06-15", "2023-07-01"), episode("2024-06-16")),
            # 29/02/2024 + 12 months = 28/02/2025.
            child("C", episode("2024-02-29", "2024-04-30"), episode("2025-02-28")),
        ),
        collection_year=2025,
    )
    assert (result.figures[REF_REREF].numerator, result.figures[REF_REREF].denominator) == (2, 3)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_earlier_files_supply_the_previous_referral_and_plan() -> None:
    # The 2024 file holds a referral 01/06/2023 and a plan 01/07/2023-01/03/2024 whose
    # episode closed before April 2024, so the 2025 file does not hold them.
    earlier = census(
        child("Y", episode("2023-06-01", "2024-03-01", plan("2023-07-01", "2024-03-01"))),
        year=2024,
    )
    this_year = census(child("Y", episode("2024-05-01", None, plan("2024-06-03", None))))
    alone = derive_cin(this_year, collection_year=2025)
    assert alone.figures[REF_REREF].numerator == 0
    assert alone.figures[CPP_2ND].numerator == 0
    linked = derive_cin(this_year, collection_year=2025, earlier_files=[earlier, earlier])
    assert linked.figures[REF_COUNT].value == 1  # history is never counted in the year
    assert linked.figures[REF_REREF].numerator == 1  # 01/05/2024 <= 01/06/2024
    assert linked.figures[CPP_2ND].numerator == 1
    assert not linked.has_errors
    assert not any("Earlier file" in finding.message for finding in linked.findings)


# --- Structure over the years, and findings ------------------------------------------------------
def test_unknown_elements_are_reported_once_and_not_read() -> None:
    extra = "<FutureThing>1</FutureThing>"
    result = derive_cin(
        census(
            child("A", episode("2024-05-01") + extra),
            child("B", episode("2024-05-01") + extra),
        ).replace(
            b"<CINreferralDate>", b"<NewReferralDate>2024-01-01</NewReferralDate><CINreferralDate>"
        ),
        collection_year=2025,
        population=1000,
    )
    assert warnings(result) == [(1, "FutureThing"), (1, "NewReferralDate")]
    assert result.figures[REF_COUNT].value == 2


def test_a_file_for_another_year_is_an_error() -> None:
    result = derive_cin(census(child("A", episode("2024-05-01")), year=2024), collection_year=2025)
    assert (0, "Year") in errors(result)


def test_bad_dates_are_errors_with_row_and_column() -> None:
    result = derive_cin(
        census(
            child("A", episode("2024-05-01")),
            child("B", episode("01/05/2024")),  # row 2: wrong format
            child("C", episode("2024-02-30")),  # row 3: no such day
            child("D", episode("2025-04-01")),  # row 4: after the year's end
            child("E", episode("1990-01-01")),  # row 5: implausibly early
            child("F", episode(None)),  # row 6: missing, and mandatory
        ),
        collection_year=2025,
        population=1000,
    )
    assert errors(result) == [(row, "CINreferralDate") for row in (2, 3, 4, 5, 6)]
    assert result.figures[REF_COUNT].value == 1
    assert result.has_errors


def test_dates_out_of_order_and_unknown_codes_are_errors() -> None:
    result = derive_cin(
        census(
            child("A", episode("2024-05-01", None, assessment("2024-06-10", "2024-06-03"))),
            child("B", episode("2024-05-01", None, plan("2024-06-10", "2024-06-01"))),
            child("C", episode("2024-05-01", None, s47("2024-06-10", "2024-06-03"))),
            child("D", episode("2024-05-01", None, plan("2024-06-10", None, "XYZ", "NEG"))),
            child("E", episode("2024-05-01", None, plan("2024-06-10", None, previous="two"))),
            child("F", episode("2024-05-01", None, assessment(None, "2024-06-03"))),
            child("G", episode("2024-05-01", "2024-04-01")),
            child(None, episode("2024-05-01")),
        ),
        collection_year=2025,
        population=1000,
    )
    assert errors(result) == [
        (1, "AssessmentAuthorisationDate"),
        (2, "CPPendDate"),
        (3, "DateOfInitialCPC"),
        (4, "InitialCategoryOfAbuse"),
        (5, "NumberOfPreviousCPP"),
        (6, "AssessmentActualStartDate"),
        (7, "CINclosureDate"),
        (8, "LAchildID"),
    ]
    # Out-of-order records are left out of the ratios they would distort.
    assert ASMT_45 not in result.figures
    assert ICPC_15 not in result.figures


def test_a_file_that_is_not_a_cin_census_is_refused() -> None:
    wrong_root = derive_cin(b"<SSDA903><Header/></SSDA903>", collection_year=2025)
    assert errors(wrong_root) == [(0, "")]
    assert "not a CIN census" in wrong_root.findings[0].message
    assert wrong_root.figures == {}
    other_return = census(child("A", episode("2024-05-01"))).replace(b">CIN<", b">SEN2<")
    refused = derive_cin(other_return, collection_year=2025)
    assert len(refused.findings) == 1
    assert "not a CIN census" in refused.findings[0].message


def test_malformed_xml_is_one_error_never_an_exception() -> None:
    truncated = YEAR_2025[: len(YEAR_2025) // 2]
    for broken in (truncated, b"<Message><Children></Message>", b"\xff\xfe\x00garbage", b"<"):
        result = derive_cin(broken, collection_year=2025)
        assert len(result.findings) == 1
        assert result.findings[0].is_error
        assert result.figures == {}
        assert result.counts == CinCounts()


def test_empty_files_are_an_error() -> None:
    for empty in (b"", b"   \n", b"\xef\xbb\xbf"):
        result = derive_cin(empty, collection_year=2025)
        assert [f.message for f in result.findings] == ["The file is empty."]


def test_a_message_with_no_children_element_is_an_error() -> None:
    result = derive_cin(b"<Message><Header/></Message>", collection_year=2025, population=1)
    assert (0, "Children") in errors(result)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""


def test_doctype_and_entities_are_refused_unread() -> None:
    utf16 = EXTERNAL_ENTITY.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')
    for attack in (BILLION_LAUGHS, EXTERNAL_ENTITY, utf16.decode().encode("utf-16")):
        result = derive_cin(attack, collection_year=2025)
        assert len(result.findings) == 1
        assert "DOCTYPE" in result.findings[0].message
        assert result.counts == CinCounts()
    # An entity never declared is simply malformed XML.
    undeclared = derive_cin(
        b"<Message><Children>&undeclared;</Children></Message>", collection_year=2025
    )
    assert "not well-formed" in undeclared.findings[0].message


def test_an_icpc_marked_not_required_but_held_is_a_warning_and_still_counted() -> None:
    result = derive_cin(
        census(child("A", episode("2024-05-01", None, s47("2024-08-22", "2024-09-13", "true")))),
        collection_year=2025,
        population=1000,
    )
    assert warnings(result) == [(1, "ICPCnotRequired")]
    assert result.figures[ICPC_15].numerator == 1


def test_a_namespaced_file_is_read_by_local_name() -> None:
    namespaced = YEAR_2025.replace(b"<Message>", b'<Message xmlns="urn:example:cin">')
    result = derive_cin(namespaced, collection_year=2025, population=POPULATION)
    assert result.findings == []
    assert result.figures[CPP_COUNT].value == 4


# --- Hypothesis: nothing in the file's content makes the reader raise -------------------------
FIELDS = [
    "CINreferralDate",
    "CINclosureDate",
    "ReferralNFA",
    "AssessmentActualStartDate",
    "AssessmentAuthorisationDate",
    "S47ActualStartDate",
    "DateOfInitialCPC",
    "ICPCnotRequired",
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
    "LAchildID",
]
values = st.one_of(
    st.text(max_size=20),
    st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)).map(str),
    st.sampled_from(["", "true", "0", "NEG", "MUL", "-1", "2024-02-29", "２０２４-01-01"]),
)


def random_child(v: dict[str, str]) -> str:
    return (
        "<Child><ChildIdentifiers>"
        + el("LAchildID", v["LAchildID"])
        + "</ChildIdentifiers><CINdetails>"
        + el("CINreferralDate", v["CINreferralDate"])
        + el("CINclosureDate", v["CINclosureDate"])
        + el("ReferralNFA", v["ReferralNFA"])
        + "<Assessments>"
        + el("AssessmentActualStartDate", v["AssessmentActualStartDate"])
        + el("AssessmentAuthorisationDate", v["AssessmentAuthorisationDate"])
        + "</Assessments><Section47>"
        + el("S47ActualStartDate", v["S47ActualStartDate"])
        + el("DateOfInitialCPC", v["DateOfInitialCPC"])
        + el("ICPCnotRequired", v["ICPCnotRequired"])
        + "</Section47><ChildProtectionPlans>"
        + el("CPPstartDate", v["CPPstartDate"])
        + el("CPPendDate", v["CPPendDate"])
        + el("InitialCategoryOfAbuse", v["InitialCategoryOfAbuse"])
        + el("LatestCategoryOfAbuse", v["LatestCategoryOfAbuse"])
        + el("NumberOfPreviousCPP", v["NumberOfPreviousCPP"])
        + "</ChildProtectionPlans></CINdetails></Child>"
    )


def xml_safe(text: str) -> str:
    # XML 1.0 cannot carry most control characters or surrogates even escaped.
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd")
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(dict.fromkeys(FIELDS, values)), max_size=4))
def test_random_element_values_never_raise(children: list[dict[str, str]]) -> None:
    cleaned = [{k: xml_safe(v) for k, v in c.items()} for c in children]
    result = derive_cin(
        census(*(random_child(c) for c in cleaned)), collection_year=2025, population=100
    )
    assert result.counts.children == len(children)
    for figure in result.figures.values():
        if figure.denominator is not None:
            assert 0 <= (figure.numerator or 0) <= figure.denominator


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    result = derive_cin(data, collection_year=2025)
    assert all(finding.message and finding.row >= 0 for finding in result.findings)


def test_a_child_listed_twice_is_linked_with_a_warning() -> None:
    # The same LAchildID in rows 1 and 2: the 01/03/2025 referral is 10 months after the
    # 01/05/2024 one in the other <Child>, so it is a re-referral (1 of 2). Row 3 has two
    # referrals on one date: a warning; the second is not a re-referral of the first.
    result = derive_cin(
        census(
            child("Z", episode("2024-05-01", "2024-06-01")),
            child("Z", episode("2025-03-01")),
            child("W", episode("2024-09-02"), episode("2024-09-02")),
        ),
        collection_year=2025,
        population=1000,
    )
    assert warnings(result) == [(2, "LAchildID"), (3, "CINreferralDate")]
    assert (result.figures[REF_REREF].numerator, result.figures[REF_REREF].denominator) == (1, 4)


def test_an_encoding_python_does_not_know_is_a_finding_not_an_exception() -> None:
    result = derive_cin(b"<?xml version='1.0' encoding='Autf-8'?><Message/>", collection_year=2025)
    assert [(f.row, f.message) for f in result.findings] == [
        (0, "The file cannot be read (unknown encoding: Autf-8); nothing was read.")
    ]
    assert result.figures == {}
