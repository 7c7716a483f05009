"""A derived figure's data quality: the children it counts that an error able to change it
touches. Pure, no database; hypothesis checks the counts' bounds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from returns.dfe_rules.quality import RuleTouch, figure_fields, figure_quality

PLACEMENT = frozenset({"CHILD", "DECOM", "DEC", "LS", "PLACE"})
RULE_FIELDS = {
    "103": frozenset({"ETHNIC"}),  # cannot change where a child is placed
    "164": frozenset({"PLACE", "PLACE_PROVIDER"}),
    "392c": frozenset({"HOME_POST", "PL_POST"}),
    "408": frozenset({"DEC", "REC"}),
}


def test_only_rules_whose_fields_meet_the_figures_count_and_a_child_once():
    quality = figure_quality(
        counted=["A", "B", "C", "D"],
        fields=PLACEMENT,
        errors={
            "103": frozenset({"A", "B", "C"}),
            "164": frozenset({"A", "Z"}),  # Z is not counted in this figure
            "408": frozenset({"A", "B"}),
        },
        rule_fields=RULE_FIELDS,
    )
    assert quality.counted == 4
    assert quality.affected == 2  # A and B; A's two rules count it once
    assert quality.rules == (RuleTouch("408", 2), RuleTouch("164", 1))
    assert quality.share == 0.5
    assert not quality.is_clean


def test_a_figure_no_error_can_change_is_clean():
    quality = figure_quality(["A"], PLACEMENT, {"103": frozenset({"A"})}, RULE_FIELDS)
    assert quality.is_clean and quality.rules == () and quality.affected == 0


def test_every_figure_a_return_derives_names_the_fields_it_reads():
    ssda903 = figure_fields("ssda903")
    assert {"CLA-COUNT", "CLA-FOSTER", "HLT-SDQ", "CL-ACC-1921", "ADOPT-A2"} <= set(ssda903)
    assert "PLACE" in ssda903["CLA-FOSTER"] and "PLACE" not in ssda903["CLA-S20"]
    assert {"REF-REREF", "ASMT-45", "CPP-CAT"} <= set(figure_fields("cin"))


children = st.frozensets(st.sampled_from("ABCDEFGHIJ"))


@given(
    counted=children,
    errors=st.dictionaries(st.sampled_from(sorted(RULE_FIELDS)), children, max_size=4),
)
def test_the_affected_are_never_more_than_the_counted_nor_the_sum_of_the_rules(counted, errors):
    quality = figure_quality(counted, PLACEMENT, errors, RULE_FIELDS)
    assert 0 <= quality.affected <= quality.counted == len(counted)
    assert quality.affected <= sum(touch.children for touch in quality.rules)
    assert all(touch.children <= quality.affected for touch in quality.rules)
    assert 0.0 <= quality.share <= 1.0


def test_the_cin_rules_element_names_meet_the_tables_column_names():
    quality = figure_quality(
        ["X"],
        frozenset({"CPPSTARTDATE"}),
        {"8840": frozenset({"X"})},
        {"8840": frozenset({"CPPstartDate"})},
    )
    assert quality.affected == 1
