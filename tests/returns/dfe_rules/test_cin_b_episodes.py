"""CIN census rules 8600 and above on the assessments, Section 47 enquiries and child
protection plans of a CIN episode: for each, rows the DfE's rule accepts and rows it refuses,
in the 2025/26 census (1 April 2025 to 31 March 2026). No database."""

from __future__ import annotations

import pytest

from returns.dfe_rules.engine import ReturnTables, rule_set


def fails(code: str, tables: dict[str, str]) -> list[tuple[str, int]]:
    """The (table, row) pairs a rule of the 2025/26 CIN set finds in the tables."""
    rule = next(rule for rule in rule_set("cin", 2026).rules if rule.code == code)
    found = rule.check(ReturnTables.of(2026, tables))
    return sorted(zip(found["table"].to_list(), found["row"].to_list(), strict=True))


ASSESSMENTS = (
    "CHILD,CINDETAILSID,ASSESSMENTACTUALSTARTDATE,ASSESSMENTAUTHORISATIONDATE,ASSESSMENTFACTORS\n"
)
SECTION47 = "CHILD,CINDETAILSID,S47ACTUALSTARTDATE,DATEOFINITIALCPC,ICPCNOTREQUIRED\n"
PLANS = "CHILD,CINDETAILSID,CPPID,CPPSTARTDATE,CPPENDDATE,NUMBEROFPREVIOUSCPP\n"


@pytest.mark.parametrize(
    ("code", "rows", "expected"),
    [
        # 8608: the assessment is authorised on or after it starts.
        (
            "8608",
            ["A,1,2025-06-01,2025-06-01,", "B,1,2025-06-02,2025-06-01,", "C,1,2025-06-02,,"],
            [3],
        ),
        # 8614: factors only on a completed (authorised) assessment.
        ("8614", ["A,1,2025-06-01,2025-07-01,2A", "B,1,2025-06-01,,2A", "C,1,2025-06-01,,"], [3]),
        # 8696: an authorisation date, where present, is within the census year.
        (
            "8696",
            [
                "A,1,2025-03-01,2025-04-01,",
                "B,1,2025-03-01,2025-03-31,",
                "C,1,2026-03-01,2026-04-01,",
                "D,1,2025-03-01,,",
            ],
            [3, 4],
        ),
        # 8736: an assessment not yet authorised started within the census year.
        (
            "8736",
            [
                "A,1,2025-04-01,,",
                "B,1,2025-03-31,,",
                "C,1,2026-04-01,,",
                "D,1,2024-01-01,2025-05-01,",
                "E,1,,,",
            ],
            [3, 4, 6],
        ),
    ],
)
def test_assessment_rules(code, rows, expected):
    table = ASSESSMENTS + "\n".join(rows) + "\n"
    assert fails(code, {"assessments": table}) == [("assessments", row) for row in expected]


@pytest.mark.parametrize(
    ("code", "rows", "expected"),
    [
        # 8615: with a conference date, the enquiry started on or before it.
        (
            "8615",
            [
                "A,1,2025-06-02,2025-06-02,false",
                "B,1,2025-06-03,2025-06-02,false",
                "C,1,,2025-06-02,false",
                "D,1,,,false",
            ],
            [3, 4],
        ),
        # 8715: a conference date, where present, is within the census year.
        (
            "8715",
            [
                "A,1,2025-03-20,2025-04-01,false",
                "B,1,2025-03-20,2025-03-31,false",
                "C,1,2026-03-20,2026-04-01,false",
                "D,1,2025-03-20,,true",
            ],
            [3, 4],
        ),
        # 8740: an enquiry with no conference yet and one required started in the census year.
        (
            "8740",
            [
                "A,1,2025-04-01,,false",
                "B,1,2025-03-31,,false",
                "C,1,2025-03-31,,0",
                "D,1,2025-03-31,,true",
                "E,1,2025-03-31,2025-04-10,false",
            ],
            [3, 4],
        ),
        # 8875: the conference is not held on a Saturday or Sunday (7 and 8 June 2025).
        (
            "8875",
            [
                "A,1,2025-06-01,2025-06-05,false",
                "B,1,2025-06-01,2025-06-06,false",
                "C,1,2025-06-01,2025-06-07,false",
                "D,1,2025-06-01,2025-06-08,false",
                "E,1,2025-06-01,,true",
            ],
            [4, 5],
        ),
    ],
)
def test_section_47_rules(code, rows, expected):
    table = SECTION47 + "\n".join(rows) + "\n"
    assert fails(code, {"section47": table}) == [("section47", row) for row in expected]


def test_8839_two_open_enquiries_in_one_cin_episode_fail_both():
    table = SECTION47 + (
        "A,1,2025-05-01,,false\n"  # A episode 1: two open enquiries
        "A,1,2025-06-01,,\n"
        "A,2,2025-06-01,,false\n"  # A episode 2: only one open
        "B,1,2025-05-01,,true\n"  # B: conference not required, so not open
        "B,1,2025-06-01,,false\n"
        "B,1,2025-07-01,2025-07-10,false\n"  # conference held
    )
    assert fails("8839", {"section47": table}) == [("section47", 2), ("section47", 3)]


@pytest.mark.parametrize(
    ("code", "rows", "expected"),
    [
        # 8720: a plan has a start date, on or before 31 March 2026 (an earlier plan may go on).
        (
            "8720",
            ["A,1,P1,2024-01-01,,0", "B,1,P1,2026-03-31,,0", "C,1,P1,,,0", "D,1,P1,2026-04-01,,0"],
            [4, 5],
        ),
        # 8730: every plan gives the number of previous plans, zero or more.
        (
            "8730",
            [
                "A,1,P1,2025-06-01,,0",
                "B,1,P1,2025-06-01,,3",
                "C,1,P1,2025-06-01,,",
                "D,1,P1,2025-06-01,,-1",
                "E,1,P1,2025-06-01,,two",
            ],
            [4, 5, 6],
        ),
    ],
)
def test_protection_plan_rules(code, rows, expected):
    table = PLANS + "\n".join(rows) + "\n"
    assert fails(code, {"childprotectionplans": table}) == [
        ("childprotectionplans", row) for row in expected
    ]


def test_8832_a_plan_in_an_episode_whose_referral_had_no_further_action_fails():
    details = "CHILD,CINDETAILSID,REFERRALNFA\nA,1,true\nA,2,false\nB,1,1\nC,1,true\n"
    plans = PLANS + "A,1,P1,2025-06-01,,0\nA,2,P2,2025-06-01,,0\nB,1,P1,2025-06-01,,0\n"
    assert fails("8832", {"cindetails": details, "childprotectionplans": plans}) == [
        ("childprotectionplans", 2),
        ("childprotectionplans", 4),
        ("cindetails", 2),
        ("cindetails", 4),
    ]


def test_8896_two_open_assessments_in_one_cin_episode_fail_both():
    table = ASSESSMENTS + (
        "A,1,2025-05-01,,\n"
        "A,1,2025-06-01,,\n"
        "A,2,2025-06-01,,\n"  # only open one in episode 2
        "B,1,2025-05-01,2025-05-20,21\n"
        "B,1,2025-06-01,,\n"
    )
    assert fails("8896", {"assessments": table}) == [("assessments", 2), ("assessments", 3)]


def test_8897q_a_completed_assessment_needs_valid_factors():
    table = ASSESSMENTS + (
        'A,1,2025-04-01,2025-04-01,"1A,2B"\n'  # passes
        "B,1,2025-04-01,2025-04-10,\n"  # no factors: fails
        'C,1,2025-04-01,2025-04-10,"1A,99"\n'  # a factor that is no code: fails
        "D,1,2025-01-01,2025-03-31,\n"  # authorised before the census year: not checked
        "E,1,2025-04-01,,\n"  # not completed
    )
    assert fails("8897Q", {"assessments": table}) == [("assessments", 3), ("assessments", 4)]


def test_8898_the_same_factor_twice_at_one_assessment_fails():
    table = ASSESSMENTS + (
        'A,1,2025-04-01,2025-04-10,"1A,2B"\nB,1,2025-04-01,2025-04-10,"1A, 1A"\nC,1,2025-04-01,,\n'
    )
    assert fails("8898", {"assessments": table}) == [("assessments", 3)]


def test_8899q_a_disabled_child_needs_a_disability_factor_at_a_completed_assessment():
    disabilities = "CHILD,DISABILITY\nA,MOB\nB,NONE\nC,HAND\n"
    assessments = ASSESSMENTS + (
        'A,1,2025-04-01,2025-04-10,"1A,2B"\n'  # disabled, no 5A or 6A: fails
        "B,1,2025-04-01,2025-04-10,1A\n"  # no disability
        'C,1,2025-04-01,2025-04-10,"6A,1A"\n'  # disability factor recorded
        "A,2,2024-04-01,2024-04-10,1A\n"  # authorised before the census year
    )
    tables = {"disabilities": disabilities, "assessments": assessments}
    assert fails("8899Q", tables) == [("assessments", 2), ("disabilities", 2)]


def test_8873q_the_only_assessment_found_no_factors_so_closed_after_assessment():
    assessments = ASSESSMENTS + (
        "A,1,2025-04-01,2025-04-10,21\n"  # closed RC8: passes
        "A,2,2025-04-01,2025-04-10,21\n"  # closed RC1: fails
        "A,3,2025-04-01,2025-04-10,21\n"  # two assessments in episode 3: not checked
        "A,3,2025-05-01,2025-05-10,1A\n"
    )
    details = "CHILD,CINDETAILSID,REASONFORCLOSURE\nA,1,RC8\nA,2,RC1\nA,3,RC1\n"
    tables = {"assessments": assessments, "cindetails": details}
    assert fails("8873Q", tables) == [("assessments", 3), ("cindetails", 3)]


@pytest.mark.parametrize(
    ("code", "rows", "expected"),
    [
        # 8840: a plan does not start and end on the same day.
        ("8840", ["A,1,P1,2025-06-01,2025-06-02,0", "B,1,P1,2025-06-01,2025-06-01,0"], [3]),
        # 8930: an end date, where present, is within the census year.
        (
            "8930",
            [
                "A,1,P1,2024-06-01,2025-04-01,0",
                "B,1,P1,2024-06-01,2025-03-31,0",
                "C,1,P1,2025-06-01,2026-04-01,0",
                "D,1,P1,2025-06-01,,0",
            ],
            [3, 4],
        ),
        # 8935: at most one open plan for a child.
        (
            "8935",
            [
                "A,1,P1,2025-05-01,,0",
                "A,2,P2,2025-06-01,,1",
                "B,1,P1,2025-05-01,2025-05-30,0",
                "B,1,P2,2025-06-01,,1",
            ],
            [2, 3],
        ),
    ],
)
def test_more_protection_plan_rules(code, rows, expected):
    table = PLANS + "\n".join(rows) + "\n"
    assert fails(code, {"childprotectionplans": table}) == [
        ("childprotectionplans", row) for row in expected
    ]


def test_8863q_an_assessment_starting_while_another_is_ongoing():
    table = ASSESSMENTS + (
        "A,1,2025-05-26,2025-10-26,1A\n"
        "A,1,2025-08-26,,1A\n"  # starts during the first: fails
        "B,1,2025-05-26,2025-06-26,1A\n"
        "B,1,2025-06-27,2025-07-27,1A\n"  # starts after the first ended: passes
        "C,1,2025-09-26,,1A\n"  # open, so ongoing until the reference date
        "C,1,2025-10-26,2026-03-31,1A\n"  # starts during it: fails
        "C,2,2025-10-26,,1A\n"  # another episode: not compared
    )
    assert fails("8863Q", {"assessments": table}) == [("assessments", 3), ("assessments", 7)]


def test_8869_factor_21_with_any_other_factor_fails():
    table = ASSESSMENTS + (
        "A,1,2025-04-01,2025-04-10,21\n"
        'B,1,2025-04-01,2025-04-10,"21,1A"\n'
        'C,1,2025-04-01,2025-04-10,"1A,2A"\n'
    )
    assert fails("8869", {"assessments": table}) == [("assessments", 3)]


def test_8870q_a_conference_target_date_on_a_weekend():
    section47 = (
        "CHILD,CINDETAILSID,S47ACTUALSTARTDATE,INITIALCPCTARGET\n"
        "A,1,2025-06-01,2025-06-06\n"  # Friday
        "B,1,2025-06-01,2025-06-07\n"  # Saturday
        "C,1,2025-06-01,\n"
    )
    assert fails("8870Q", {"section47": section47}) == [("section47", 3)]


def test_8890_an_enquiry_starting_while_another_is_ongoing():
    table = SECTION47 + (
        "A,1,2025-05-26,2025-10-26,false\n"
        "A,1,2025-08-26,,false\n"  # starts before the first's conference: fails
        "B,1,2025-05-26,,true\n"  # no conference needed: not ongoing
        "B,1,2025-08-26,2025-09-01,false\n"
        "C,1,2025-05-26,,false\n"  # conference still to come: ongoing to the reference date
        "C,1,2025-08-26,2025-09-01,false\n"  # fails
    )
    assert fails("8890", {"section47": table}) == [("section47", 3), ("section47", 7)]


def test_8868_a_closed_episode_with_an_enquiry_neither_conferenced_nor_exempt():
    details = "CHILD,CINDETAILSID,CINCLOSUREDATE\nA,1,2025-10-26\nA,2,2025-10-26\nB,1,\n"
    section47 = SECTION47 + (
        "A,1,2025-05-26,,false\n"  # closed episode, enquiry unfinished: fails
        "A,2,2025-05-26,,true\n"  # conference not required: passes
        "A,2,2025-06-26,2025-07-01,false\n"  # conference held: passes
        "B,1,2025-05-26,,false\n"  # episode open: not checked
    )
    tables = {"cindetails": details, "section47": section47}
    assert fails("8868", tables) == [("cindetails", 2), ("section47", 2)]


def test_8925_a_plan_ending_before_it_starts():
    plans = PLANS + (
        "A,1,P1,2025-05-26,2025-05-26,0\nB,1,P1,2025-05-26,2025-05-25,0\nC,1,P1,2025-05-26,,0\n"
    )
    assert fails("8925", {"childprotectionplans": plans}) == [("childprotectionplans", 3)]


def test_8940_a_plan_starting_while_another_of_the_childs_plans_is_running():
    plans = PLANS + (
        "A,1,P1,2025-05-26,2025-10-26,0\n"
        "A,2,P2,2025-08-26,2025-12-26,1\n"  # starts during P1 (another episode too): fails
        "B,1,P1,2025-05-26,2025-10-25,0\n"
        "B,1,P2,2025-10-26,2025-12-26,1\n"  # starts the day after: passes
        "C,1,P1,2025-10-26,,0\n"  # running to the reference date
        "C,1,P2,2026-03-31,,1\n"  # starts on the reference date: fails
    )
    assert fails("8940", {"childprotectionplans": plans}) == [
        ("childprotectionplans", 3),
        ("childprotectionplans", 7),
    ]


def test_8915_and_8920_a_plan_starting_or_ending_after_the_childs_death():
    children = "CHILD,PERSONDEATHDATE\nA,2025-09-01\nB,2025-09-01\nC,\n"
    plans = PLANS + (
        "A,1,P1,2025-09-02,,0\n"  # A: starts after death
        "B,1,P1,2025-06-01,2025-09-02,0\n"  # B: ends after death
        "B,1,P2,2025-06-01,2025-09-01,0\n"  # ends on the day of death: passes
        "C,1,P1,2025-09-02,2025-10-01,0\n"  # C: no death date
    )
    tables = {"childidentifiers": children, "childprotectionplans": plans}
    assert fails("8915", tables) == [("childidentifiers", 2), ("childprotectionplans", 2)]
    # A's plan never ended though the child died: it cannot end on or before the death.
    assert fails("8920", tables) == [
        ("childidentifiers", 2),
        ("childidentifiers", 3),
        ("childprotectionplans", 2),
        ("childprotectionplans", 3),
    ]


def test_8841_a_review_on_or_before_the_plan_starts():
    plans = PLANS + ("A,1,P1,2025-05-26,,0\nB,1,P1,2025-05-26,,0\nC,1,P1,2025-05-26,,0\n")
    reviews = (
        "CHILD,CINDETAILSID,CPPID,CPPREVIEWDATE\n"
        "A,1,P1,2025-05-26\n"  # the same day as the start: fails
        "B,1,P1,2025-05-25\n"  # before it: fails
        "C,1,P1,2025-05-27\n"  # after it: passes
    )
    tables = {"childprotectionplans": plans, "reviews": reviews}
    assert fails("8841", tables) == [
        ("childprotectionplans", 2),
        ("childprotectionplans", 3),
        ("reviews", 2),
        ("reviews", 3),
    ]


def test_8670q_an_open_assessment_started_more_than_45_working_days_before_31_march():
    # 45 working days before 31 March 2026 (the start day not counting, Christmas, Boxing
    # Day and New Year's Day being bank holidays) reach back to Tuesday 27 January 2026.
    table = ASSESSMENTS + (
        "A,1,2026-01-27,,\n"  # exactly 45 working days: passes
        "B,1,2026-01-26,,\n"  # 46: fails
        "C,1,2025-06-01,2025-08-01,1A\n"  # completed: not checked
    )
    assert fails("8670Q", {"assessments": table}) == [("assessments", 3)]


def test_8950q_factor_19a_should_be_19b_or_19c():
    table = ASSESSMENTS + (
        'A,1,2025-06-01,2025-07-01,"19B,1A"\nB,1,2025-06-01,2025-07-01,"1A,19A"\n'
    )
    assert fails("8950Q", {"assessments": table}) == [("assessments", 3)]


def test_8842q_a_review_record_without_a_date():
    reviews = "CHILD,CINDETAILSID,CPPID,CPPREVIEWDATE\nA,1,P1,2025-06-01\nA,1,P1,\n"
    assert fails("8842Q", {"reviews": reviews}) == [("reviews", 3)]


def test_8675q_an_enquiry_with_no_conference_started_more_than_15_working_days_before():
    # 15 working days before 31 March 2026 reach back to Tuesday 10 March 2026.
    table = SECTION47 + (
        "A,1,2026-03-10,,false\n"  # exactly 15: passes
        "B,1,2026-03-09,,0\n"  # 16: fails
        "C,1,2026-01-05,,true\n"  # conference not required
        "D,1,2026-01-05,2026-01-20,false\n"  # conference held
    )
    assert fails("8675Q", {"section47": table}) == [("section47", 3)]


def test_8945q_factor_18a_should_be_18b_or_18c():
    table = ASSESSMENTS + ('A,1,2025-06-01,2025-07-01,"18B"\nB,1,2025-06-01,2025-07-01,"18A,1A"\n')
    assert fails("8945Q", {"assessments": table}) == [("assessments", 3)]


def test_8905_and_8910_categories_of_abuse_missing_or_not_codes():
    plans = (
        "CHILD,CINDETAILSID,CPPID,INITIALCATEGORYOFABUSE,LATESTCATEGORYOFABUSE\n"
        "A,1,P1,NEG,MUL\n"
        "B,1,P1,XYZ,EMO\n"
        "C,1,P1,SAB,\n"
    )
    tables = {"childprotectionplans": plans}
    assert fails("8905", tables) == [("childprotectionplans", 3)]
    assert fails("8910", tables) == [("childprotectionplans", 4)]


def test_8617_factor_8a_is_no_longer_a_code():
    table = ASSESSMENTS + ('A,1,2025-06-01,2025-07-01,"8B"\nB,1,2025-06-01,2025-07-01,"1A,8A"\n')
    assert fails("8617", {"assessments": table}) == [("assessments", 3)]
