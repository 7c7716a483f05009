"""entry_checks: the errors and warnings of an indicator's entry, without the database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import entry_checks
from indicators.entry_checks import BreakdownValue, IndicatorEntry
from indicators.rag import TargetBand

D = Decimal


def entry(**fields) -> IndicatorEntry:
    defaults = {"code": "X", "title": "Children on CIN plans", "unit": "count", "polarity": "none"}
    return IndicatorEntry(**(defaults | fields))


def messages(findings) -> list[str]:
    return [finding.message for finding in findings]


# --- errors ------------------------------------------------------------------------------


def test_numerator_above_denominator_is_an_error_naming_the_indicator() -> None:
    found = entry_checks.errors(
        entry(title="% seen in time", unit="percent", numerator=D(11), denominator=D(10))
    )
    assert messages(found) == [
        "% seen in time: the numerator (11) cannot be more than the denominator (10)."
    ]
    assert found[0].field == "numerator" and found[0].level == "error"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"numerator": D(-1), "denominator": D(10)}, "numerator", "cannot be below zero"),
        ({"numerator": D("1.5"), "denominator": D(10)}, "numerator", "whole number"),
        ({"numerator": D(1), "denominator": D("10.5")}, "denominator", "whole number"),
        ({"numerator": D(0), "denominator": D(0)}, "denominator", "more than zero"),
        ({"numerator": D(3)}, "denominator", "as well as the numerator"),
        ({"denominator": D(3)}, "numerator", "as well as the denominator"),
        ({"value": D(120)}, "value", "between 0% and 100%"),
        ({"value": D("-0.5")}, "value", "between 0% and 100%"),
    ],
)
def test_percentage_errors(fields, field, words) -> None:
    found = entry_checks.errors(entry(unit="percent", **fields))
    assert len(found) == 1
    assert found[0].field == field and words in found[0].message


@pytest.mark.parametrize(
    ("unit", "value", "words"),
    [
        ("count", D(-1), "cannot be below zero"),
        ("count", D("2.5"), "must be a whole number"),
        ("fte", D("-0.5"), "cannot be below zero"),
        ("days", D(-3), "cannot be below zero"),
        ("rate_10k", D(-3), "cannot be below zero"),
    ],
)
def test_value_errors(unit, value, words) -> None:
    found = entry_checks.errors(entry(unit=unit, value=value))
    assert [f.field for f in found] == ["value"] and words in found[0].message


def test_fte_and_scores_may_have_fractions_and_scores_may_be_negative() -> None:
    assert entry_checks.errors(entry(unit="fte", value=D("12.75"))) == []
    assert entry_checks.errors(entry(unit="score", value=D("-0.4"))) == []
    assert entry_checks.errors(entry(unit="currency", value=D("-120.50"))) == []


def test_breakdown_values_are_checked_by_the_same_rules() -> None:
    found = entry_checks.errors(
        entry(
            value=D(10),
            breakdowns=(
                BreakdownValue("b1", "team", "North", D("2.5")),
                BreakdownValue("b2", "team", "South", D(3)),
            ),
        )
    )
    assert [f.field for f in found] == ["b1-value"]
    assert "The value for North must be a whole number" in found[0].message


def test_an_empty_entry_has_no_errors_or_warnings() -> None:
    assert entry_checks.check(entry()) == ([], [])


@given(st.integers(min_value=0, max_value=10**9))
def test_a_whole_count_of_zero_or_more_never_errors(count) -> None:
    assert entry_checks.errors(entry(value=D(count))) == []


@given(
    st.integers(min_value=1, max_value=10**6).flatmap(
        lambda denominator: st.tuples(
            st.integers(min_value=0, max_value=denominator), st.just(denominator)
        )
    ),
    st.sampled_from(["percent", "rate_10k"]),
)
def test_a_numerator_not_above_its_denominator_never_errors(parts, unit) -> None:
    numerator, denominator = parts
    checked = entry(unit=unit, numerator=D(numerator), denominator=D(denominator))
    assert entry_checks.errors(checked) == []


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_a_percentage_from_0_to_100_never_errors(value) -> None:
    assert entry_checks.errors(entry(unit="percent", value=value)) == []


# --- warnings ----------------------------------------------------------------------------

HISTORY = tuple(D(v) for v in (610, 620, 615, 630, 640, 625, 610, 620, 615, 630, 640, 625))


def test_a_value_far_outside_the_usual_range_warns() -> None:
    found = entry_checks.warnings(entry(value=D(2000), history=HISTORY))
    assert messages(found) == [
        "Children on CIN plans: 2,000 is far outside its usual range (the last 12 figures were "
        "between 610 and 640). Check it is right."
    ]
    assert found[0].level == "warning"


def test_the_usual_range_allows_a_tenth_of_the_median_beyond_a_flat_history() -> None:
    flat = (D(100),) * 6
    assert entry_checks.usual_range(flat, 0) == (D(90), D(110))
    assert entry_checks.warnings(entry(value=D(109), history=flat)) == []
    assert entry_checks.warnings(entry(value=D(111), history=flat))


def test_too_little_history_gives_no_range_check() -> None:
    assert entry_checks.usual_range((D(1), D(2), D(3)), 0) is None
    assert entry_checks.warnings(entry(value=D(10**6), history=(D(1), D(2), D(3)))) == []


@given(
    st.lists(st.integers(min_value=-1000, max_value=10**6), min_size=4, max_size=12),
    st.data(),
)
def test_a_value_inside_the_history_range_never_warns(history, data) -> None:
    value = data.draw(st.integers(min_value=min(history), max_value=max(history)))
    checked = entry(unit="score", value=D(value), history=tuple(D(v) for v in history))
    assert entry_checks.warnings(checked) == []


def test_a_big_change_from_last_period_warns_but_a_small_absolute_one_does_not() -> None:
    found = entry_checks.warnings(entry(value=D(90), previous=D(40)))
    assert messages(found) == [
        "Children on CIN plans: 90 is a big change from last period's 40. Check it is right."
    ]
    assert entry_checks.warnings(entry(value=D(4), previous=D(2))) == []  # +100%, but only 2
    assert entry_checks.warnings(entry(value=D(55), previous=D(40))) == []  # +37.5%
    assert entry_checks.warnings(entry(value=D(10), previous=D(0))) != []


def test_breakdown_counts_that_do_not_add_up_warn() -> None:
    breakdowns = (
        BreakdownValue("b1", "locality", "North", D(30)),
        BreakdownValue("b2", "locality", "South", D(40)),
    )
    found = entry_checks.warnings(entry(value=D(75), breakdowns=breakdowns))
    assert messages(found) == [
        "Children on CIN plans: the values by locality add up to 70, not the total of 75."
    ]
    assert found[0].field == "b1-value"
    assert entry_checks.warnings(entry(value=D(70), breakdowns=breakdowns)) == []
    # Partly filled in: only a sum above the total warns.
    partial = (breakdowns[0], BreakdownValue("b2", "locality", "South", None))
    assert entry_checks.warnings(entry(value=D(75), breakdowns=partial)) == []
    assert entry_checks.warnings(entry(value=D(20), breakdowns=partial)) != []
    # Percentages by category are not parts of a total.
    assert entry_checks.warnings(entry(unit="percent", value=D(75), breakdowns=breakdowns)) == []


def test_fte_breakdowns_are_compared_at_the_indicators_decimals() -> None:
    roles = (
        BreakdownValue("b1", "role", "Social worker", D("8.504")),
        BreakdownValue("b2", "role", "Team manager", D(2)),
    )
    assert (
        entry_checks.warnings(entry(unit="fte", decimals=2, value=D("10.5"), breakdowns=roles))
        == []
    )


def test_red_against_target_without_commentary_warns() -> None:
    target = TargetBand(D(90), D(95), D(2))
    red = entry(title="% seen", unit="percent", polarity="higher", value=D(70), target=target)
    assert messages(entry_checks.warnings(red)) == [
        "% seen: 70% is rated red against its target: add commentary saying why, and what is "
        "being done."
    ]
    explained = entry(
        unit="percent", polarity="higher", value=D(70), target=target, commentary="Staffing."
    )
    assert entry_checks.warnings(explained) == []
    amber = entry(unit="percent", polarity="higher", value=D(89), target=target)
    assert entry_checks.warnings(amber) == []


def test_the_value_of_a_proportion_is_derived_from_its_counts() -> None:
    checked = entry(unit="percent", numerator=D(124), denominator=D(686), value=None)
    assert round(checked.effective_value, 2) == D("18.08")
    assert entry(unit="rate_10k", numerator=D(36), denominator=D(100_000)).effective_value == D(
        "3.6"
    )


def test_check_gives_warnings_only_when_there_are_no_errors() -> None:
    errors, warnings = entry_checks.check(entry(value=D(-2000), history=HISTORY))
    assert errors and not warnings
