"""A CIN census XML file read into the rules engine's tables. No database."""

from __future__ import annotations

import io
from dataclasses import replace

import polars as pl
import pytest

from returns.dfe_rules.cin.tables import UnreadableCensus, cin_tables
from returns.dfe_rules.engine import rule_set
from returns.limits import DEFAULT_LIMITS

HEADER = (
    "<Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>"
    "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>"
    "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>Sys</SoftwareCode>"
    "<Release>1</Release><SerialNo>7</SerialNo><DateTime>2026-04-10T12:00:00</DateTime>"
    "</Source></Header>"
)

FIRST = (
    "<Child><ChildIdentifiers><LAchildID>A1</LAchildID><UPN>A123456789012</UPN>"
    "<PersonBirthDate>2015-06-01</PersonBirthDate><Sex>1</Sex></ChildIdentifiers>"
    "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
    "<Disabilities><Disability>MOB</Disability><Disability>HAND</Disability></Disabilities>"
    "</ChildCharacteristics>"
    "<CINdetails><CINreferralDate>2025-05-01</CINreferralDate>"
    "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
    "<ReferralNFA>false</ReferralNFA>"
    "<Assessments><AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate>"
    "<AssessmentAuthorisationDate>2025-06-01</AssessmentAuthorisationDate>"
    "<FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>"
    "<AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>"
    "<Assessments><AssessmentActualStartDate>2025-09-01</AssessmentActualStartDate>"
    "</Assessments>"
    "<CINPlanDates><CINPlanStartDate>2025-06-02</CINPlanStartDate></CINPlanDates>"
    "<Section47><S47ActualStartDate>2025-05-03</S47ActualStartDate>"
    "<InitialCPCtarget>2025-05-22</InitialCPCtarget>"
    "<DateOfInitialCPC>2025-05-19</DateOfInitialCPC>"
    "<ICPCnotRequired>false</ICPCnotRequired></Section47>"
    "<ChildProtectionPlans><CPPstartDate>2025-05-19</CPPstartDate>"
    "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
    "<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>"
    "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
    "<Reviews><CPPreviewDate>2025-08-01</CPPreviewDate><CPPreviewDate>2025-11-01"
    "</CPPreviewDate></Reviews></ChildProtectionPlans>"
    "</CINdetails>"
    "<CINdetails><CINreferralDate>2024-01-10</CINreferralDate>"
    "<CINclosureDate>2024-03-01</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>"
    "</CINdetails></Child>"
)

# The second child names its gender as the census did to 2023, and gives its own ids.
SECOND = (
    "<Child><ChildIdentifiers><LAchildID> B2 </LAchildID><UPNunknown>UN1</UPNunknown>"
    "<GenderCurrent>2</GenderCurrent></ChildIdentifiers>"
    "<CINdetails><CINdetailsID>R9</CINdetailsID><CINreferralDate>2025-07-01</CINreferralDate>"
    "<ChildProtectionPlans><CPPID>P4</CPPID><CPPstartDate>2025-07-20</CPPstartDate>"
    "<Reviews><CPPreviewDate>2025-09-01</CPPreviewDate></Reviews></ChildProtectionPlans>"
    "</CINdetails></Child>"
)


def census(*children: str, root: str = "Message", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<{root}>{HEADER}<Children>'
        + "".join(children)
        + f"</Children></{root}>"
    ).encode()


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple[object, ...]]:
    return frame.select(columns).rows()


def test_every_table_has_a_row_per_element_with_the_child_and_its_position():
    tables = cin_tables(census(FIRST, SECOND), collection_year=2026)
    assert tables.collection_year == 2026
    assert rows(tables.table("header"), "_row", "COLLECTION", "YEAR", "LEA", "DATETIME") == [
        (1, "CIN", "2026", "999", "2026-04-10T12:00:00")
    ]
    assert rows(
        tables.table("childidentifiers"), "_row", "CHILD", "UPN", "SEX", "GENDERCURRENT"
    ) == [
        (1, "A1", "A123456789012", "1", None),
        (2, "B2", None, None, "2"),
    ]
    assert rows(tables.table("childcharacteristics"), "_row", "CHILD", "ETHNICITY") == [
        (1, "A1", "WBRI")
    ]
    assert rows(tables.table("disabilities"), "_row", "CHILD", "DISABILITY") == [
        (1, "A1", "MOB"),
        (2, "A1", "HAND"),
    ]
    assert rows(
        tables.table("cindetails"), "_row", "CHILD", "CINDETAILSID", "CINREFERRALDATE",
        "REASONFORCLOSURE", "REFERRALNFA",
    ) == [
        (1, "A1", "1", "2025-05-01", None, "false"),
        (2, "A1", "2", "2024-01-10", "RC8", None),
        (3, "B2", "R9", "2025-07-01", None, None),
    ]  # fmt: skip


def test_a_referrals_records_carry_its_id_and_factors_are_joined():
    tables = cin_tables(census(FIRST, SECOND), collection_year=2026)
    assert rows(
        tables.table("assessments"), "CHILD", "CINDETAILSID", "ASSESSMENTACTUALSTARTDATE",
        "ASSESSMENTAUTHORISATIONDATE", "ASSESSMENTFACTORS",
    ) == [
        ("A1", "1", "2025-05-02", "2025-06-01", "2A,3B"),
        ("A1", "1", "2025-09-01", None, None),
    ]  # fmt: skip
    assert rows(tables.table("cinplandates"), "CHILD", "CINDETAILSID", "CINPLANSTARTDATE") == [
        ("A1", "1", "2025-06-02")
    ]
    assert rows(
        tables.table("section47"), "CINDETAILSID", "INITIALCPCTARGET", "DATEOFINITIALCPC",
        "ICPCNOTREQUIRED",
    ) == [("1", "2025-05-22", "2025-05-19", "false")]  # fmt: skip
    assert rows(
        tables.table("childprotectionplans"), "_row", "CHILD", "CINDETAILSID", "CPPID",
        "INITIALCATEGORYOFABUSE", "LATESTCATEGORYOFABUSE", "NUMBEROFPREVIOUSCPP",
    ) == [
        (1, "A1", "1", "1", "NEG", "EMO", "0"),
        (2, "B2", "R9", "P4", None, None, None),
    ]  # fmt: skip
    assert rows(
        tables.table("reviews"), "_row", "CHILD", "CINDETAILSID", "CPPID", "CPPREVIEWDATE"
    ) == [
        (1, "A1", "1", "1", "2025-08-01"),
        (2, "A1", "1", "1", "2025-11-01"),
        (3, "B2", "R9", "P4", "2025-09-01"),
    ]


def test_a_namespaced_or_utf16_file_read_from_a_stream_gives_the_same_tables():
    plain = cin_tables(census(FIRST, SECOND), collection_year=2026)
    spaced = census(FIRST, SECOND).replace(b"<Message>", b'<Message xmlns="urn:dfe:cin">')
    prefixed = (
        census(FIRST, SECOND)
        .replace(b"<", b"<c:")
        .replace(b"<c:/", b"</c:")
        .replace(b"<c:?xml", b"<?xml")
        .replace(b"<c:Message>", b'<c:Message xmlns:c="urn:dfe:cin">')
    )
    utf16 = census(FIRST, SECOND).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    for source in (spaced, io.BytesIO(prefixed), utf16):
        read = cin_tables(source, collection_year=2026)
        for name, frame in plain.tables.items():
            assert read.table(name).equals(frame), name


def test_no_children_gives_empty_tables_the_rules_can_read():
    tables = cin_tables(census(), collection_year=2026)
    assert tables.table("cindetails", "CINREFERRALDATE").height == 0
    assert tables.table("header").height == 1


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (
            census(FIRST, prolog='<!DOCTYPE Message [<!ENTITY a "aaaa">]>'),
            "declares a DOCTYPE",
        ),
        (census(FIRST)[:-12], "not well-formed"),
        (census(FIRST, root="Returns"), "not a CIN census"),
        (b"", "not well-formed"),
    ],
)
def test_a_file_that_is_not_a_safe_census_is_refused(source: bytes, why: str):
    with pytest.raises(UnreadableCensus, match=why):
        cin_tables(source, collection_year=2026)


def test_the_import_limits_bound_what_is_read():
    two = census(FIRST, SECOND)
    with pytest.raises(UnreadableCensus, match="more than 1 children"):
        cin_tables(two, collection_year=2026, limits=replace(DEFAULT_LIMITS, cin_children=1))
    with pytest.raises(UnreadableCensus, match="holds more than 20 elements"):
        cin_tables(two, collection_year=2026, limits=replace(DEFAULT_LIMITS, record_elements=20))
    huge_text = census(FIRST.replace("<UPN>", "<UPN>" + "x" * 5000))
    with pytest.raises(UnreadableCensus, match="4,000 characters"):
        cin_tables(
            huge_text, collection_year=2026, limits=replace(DEFAULT_LIMITS, record_chars=4000)
        )


def test_the_rules_run_over_the_tables_read_from_a_census():
    # The first child's assessment starts before its referral (1103) and its second
    # referral, from January 2024, has no ReferralNFA, which must then be false (8569); the
    # third child has no referral at all (8590). Failures point at each record's position in
    # its table: the second referral is cindetails record 2, the third child's identifiers
    # childidentifiers record 3.
    late_assessment = FIRST.replace(
        "<AssessmentActualStartDate>2025-05-02", "<AssessmentActualStartDate>2025-04-20"
    )
    lonely = (
        "<Child><ChildIdentifiers><LAchildID>C3</LAchildID><Sex>F</Sex>"
        "<PersonBirthDate>2016-01-01</PersonBirthDate></ChildIdentifiers></Child>"
    )
    tables = cin_tables(census(late_assessment, SECOND, lonely), collection_year=2026)
    outcome = rule_set("cin", 2026).run(tables)
    located = outcome.failures.filter(pl.col("code").is_in(["1103", "8569", "8590"]))
    assert sorted(located.select("code", "table", "row").rows()) == [
        ("1103", "assessments", 1),
        ("1103", "cindetails", 1),
        ("8569", "cindetails", 2),
        ("8590", "childidentifiers", 3),
    ]
    assert outcome.not_checked == {}  # every rule ran on the tables as read


def test_each_failing_record_of_one_child_is_counted_once_and_located():
    """Two referrals of one child both closed before they began are two failures of 8630
    (cindetails records 1 and 2), and the second of two overlapping plans fails 8940 at its
    own record: a child's records are not merged into one."""
    twice = (
        "<Child><ChildIdentifiers><LAchildID>D4</LAchildID><Sex>F</Sex>"
        "<PersonBirthDate>2016-01-01</PersonBirthDate></ChildIdentifiers>"
        "<CINdetails><CINreferralDate>2025-06-01</CINreferralDate>"
        "<CINclosureDate>2025-05-01</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>"
        "</CINdetails>"
        "<CINdetails><CINreferralDate>2025-09-01</CINreferralDate>"
        "<CINclosureDate>2025-08-01</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>"
        "<ChildProtectionPlans><CPPstartDate>2025-09-02</CPPstartDate></ChildProtectionPlans>"
        "<ChildProtectionPlans><CPPstartDate>2025-09-09</CPPstartDate></ChildProtectionPlans>"
        "</CINdetails></Child>"
    )
    outcome = rule_set("cin", 2026).run(cin_tables(census(twice), collection_year=2026))
    assert outcome.counts["8630"] == 2
    located = outcome.failures.filter(pl.col("code").is_in(["8630", "8940"]))
    assert sorted(located.select("code", "table", "row").rows()) == [
        ("8630", "cindetails", 1),
        ("8630", "cindetails", 2),
        ("8940", "childprotectionplans", 2),
    ]
    assert outcome.not_checked == {}  # every rule ran on the tables as read


def test_a_date_with_a_time_zone_is_read_as_the_date():
    zoned = FIRST.replace("<CINreferralDate>2025-05-01", "<CINreferralDate>2025-05-01Z").replace(
        "<CPPstartDate>2025-05-19", "<CPPstartDate>2025-05-19+01:00"
    )
    tables = cin_tables(census(zoned), collection_year=2026)
    assert tables.table("cindetails")["CINREFERRALDATE"].to_list() == ["2025-05-01", "2024-01-10"]
    assert tables.table("childprotectionplans")["CPPSTARTDATE"].to_list() == ["2025-05-19"]
    # The header's DateTime is an xs:dateTime, not a date: kept as the file gives it.
    assert tables.table("header")["DATETIME"].to_list() == ["2026-04-10T12:00:00"]
