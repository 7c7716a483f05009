"""CIN rules below 8600 on the header and the child's identifiers: a passing and a failing
case for each, as the DfE's rule text describes them. No database.

Tables are CSV text; their rows are numbered from 2 (the header line is 1), so a failure at
("childidentifiers", 3) is the table's second child.
"""

from __future__ import annotations

import pytest

from returns.dfe_rules.cin import a_identifiers as rules
from returns.dfe_rules.engine import ReturnTables, rule_set


def found(check, **tables: str) -> list[tuple[str, int]]:
    frame = check(ReturnTables.of(2026, tables))
    return sorted(zip(frame["table"].to_list(), frame["row"].to_list(), strict=True))


def identifiers(column: str, *values: str) -> str:
    rows = "\n".join(f"C{i},{value}" for i, value in enumerate(values))
    return f"CHILD,{column}\n{rows}"


def test_the_rules_below_8600_load_for_2025_26():
    codes = {rule.code for rule in rule_set("cin", 2026).rules}
    assert {"100", "1510", "1560Q", "2886Q", "2991Q", "4004", "8500", "8590"} <= codes
    severities = {rule.code: rule.severity for rule in rule_set("cin", 2026).rules}
    assert severities["1560Q"] == "warning"
    assert severities["1510"] == "error"


@pytest.mark.parametrize(
    ("date", "fails"),
    [("2026-03-31", False), ("31/03/2026", False), ("2025-03-31", True), ("", True)],
)
def test_100_reference_date_is_31_march_of_the_collection_year(date: str, fails: bool):
    header = f"COLLECTION,REFERENCEDATE\nCIN,{date}"
    assert found(rules.reference_date_incorrect, header=header) == (
        [("header", 2)] if fails else []
    )


def test_1510_first_character_is_the_check_letter():
    # 1,2,3,4,5,6,7,8,9,0,1,2 weighted 2..13 sum to 368, remainder 0: check letter A.
    # 9,5,0,0,0,0,1,7,8,3,0,1 sum to 253, remainder 0 too; 0,0,...,1 at 13 is 13: P.
    table = identifiers(
        "UPN", "A123456789012", "B123456789012", "A950000178301", "P000000000001", "A12345678901X"
    )
    assert found(rules.upn_check_letter_wrong, childidentifiers=table) == [("childidentifiers", 3)]


def test_1520_a_upn_belongs_to_one_child():
    table = identifiers("UPN", "A123456789012", "P000000000001", "A123456789012", "")
    assert found(rules.upn_repeated, childidentifiers=table) == [
        ("childidentifiers", 2),
        ("childidentifiers", 4),
    ]


def test_1530_characters_2_to_4_are_an_la_code():
    table = identifiers(
        "UPN", "A123456789012", "A942456789012", "A001456789012", "A999456789012", ""
    )
    assert found(rules.upn_la_code_not_recognised, childidentifiers=table) == [
        ("childidentifiers", 2),
        ("childidentifiers", 5),
    ]


def test_1540_characters_5_to_12_are_digits():
    table = identifiers("UPN", "A123456789012", "A1234X6789012", "A12345678901Z")
    assert found(rules.upn_middle_not_numeric, childidentifiers=table) == [("childidentifiers", 3)]


def test_1550_character_13_is_a_digit_or_a_letter_but_i_o_s():
    table = identifiers("UPN", "A123456789012", "A12345678901Z", "A12345678901I", "A12345678901S")
    assert found(rules.upn_last_character_not_valid, childidentifiers=table) == [
        ("childidentifiers", 4),
        ("childidentifiers", 5),
    ]


def test_1560q_a_former_upn_has_a_upns_form():
    table = identifiers(
        "FORMERUPN", "X987654321231", "X98765432123A", "X0000y0000007", "X98721238", ""
    )
    assert found(rules.former_upn_wrongly_formatted, childidentifiers=table) == [
        ("childidentifiers", 4),
        ("childidentifiers", 5),
    ]


def test_1570_and_1580_the_child_id_is_short_and_alphanumeric():
    table = "CHILD,UPN\n" + "\n".join(["X" * 20, "X" * 21, "AB-12", "AB 12", "ab12"])
    assert found(rules.child_id_too_long, childidentifiers=table) == [("childidentifiers", 3)]
    assert found(rules.child_id_not_alphanumeric, childidentifiers=table) == [
        ("childidentifiers", 4),
        ("childidentifiers", 5),
    ]


def test_8500_and_8510_every_child_has_an_id_of_its_own():
    table = "CHILD,UPN\nA1,\n,X\nB2,\nA1,\n,Y"
    assert found(rules.child_id_missing, childidentifiers=table) == [
        ("childidentifiers", 3),
        ("childidentifiers", 6),
    ]
    assert found(rules.child_id_repeated, childidentifiers=table) == [
        ("childidentifiers", 2),
        ("childidentifiers", 5),
    ]


def test_8590_every_child_has_a_referral():
    children = "CHILD,UPN\nA1,\nB2,\nC3,"
    referrals = "CHILD,CINDETAILSID,CINREFERRALDATE\nA1,1,2025-05-01\nC3,1,2025-06-01\nC3,2,"
    assert found(rules.child_without_referral, childidentifiers=children, cindetails=referrals) == [
        ("childidentifiers", 3)
    ]


def children_with_sex(*rows: str) -> str:
    return "CHILD,SEX,GENDERCURRENT,EXPECTEDPERSONBIRTHDATE\n" + "\n".join(
        f"C{i},{row}" for i, row in enumerate(rows)
    )


def test_2886q_no_more_than_2_percent_of_children_born_without_sex():
    recorded = ["M,,"] * 49

    def sex_check(*more: str) -> list[tuple[str, int]]:
        return found(
            rules.too_many_without_sex, childidentifiers=children_with_sex(*recorded, *more)
        )

    # One in 50 (2%) with none is within the limit; an unborn child is not counted.
    assert sex_check(",,") == []
    assert sex_check("U,,", ",,2026-05-01") == []
    # Two in 51 (one by the census's old GenderCurrent): the return fails, at its header.
    assert sex_check("U,,", ",0,") == [("header", 0)]


def disabilities(*rows: tuple[str, str]) -> str:
    return "CHILD,DISABILITY\n" + "\n".join(f"{child},{code}" for child, code in rows)


def test_2887q_more_than_seven_disability_codes_are_used():
    eight = ["MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS"]
    children = "CHILD,UPN\nA1,"
    many = disabilities(*[("A1", code) for code in eight], ("B2", "NONE"))
    few = disabilities(*[("A1", code) for code in eight[:7]], ("B2", "NONE"), ("C3", "MOB"))
    assert found(rules.few_disability_codes, childidentifiers=children, disabilities=many) == []
    assert found(rules.few_disability_codes, childidentifiers=children, disabilities=few) == [
        ("header", 0)
    ]


def test_2888q_some_child_has_more_than_one_disability():
    one_each = disabilities(("A1", "MOB"), ("B2", "HAND"), ("C3", "NONE"), ("C3", "NONE"))
    several = disabilities(("A1", "MOB"), ("A1", "HAND"), ("B2", "VIS"))
    none = disabilities(("A1", "NONE"))
    assert found(rules.one_disability_per_child, disabilities=one_each) == [("header", 0)]
    assert found(rules.one_disability_per_child, disabilities=several) == []
    assert found(rules.one_disability_per_child, disabilities=none) == []


def test_4180_sex_is_m_f_or_u():
    table = identifiers("SEX", "M", "F", "U", "", "1", "Male")
    assert found(rules.sex_missing_or_invalid, childidentifiers=table) == [
        ("childidentifiers", 5),
        ("childidentifiers", 6),
        ("childidentifiers", 7),
    ]


def test_4220_ethnicity_is_one_of_the_dfes_codes():
    table = "CHILD,ETHNICITY\nA1,WBRI\nB2,REFU\nC3,\nD4,ABAB"
    assert found(rules.ethnicity_missing_or_invalid, childcharacteristics=table) == [
        ("childcharacteristics", 4),
        ("childcharacteristics", 5),
    ]
