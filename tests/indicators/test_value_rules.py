"""value_rules: what a figure's numbers may be, whichever way the figure arrives. No database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import value_rules
from indicators.formatting import UNITS
from indicators.models import Unit, ratio_kind_for
from indicators.value_rules import LARGEST_STORED, Measure, check_figure, check_parts, check_value

D = Decimal

PLANS = Measure("Children on CIN plans", "count")
ASSESSMENTS = Measure("% assessments in 45 days", "percent", decimals=1)
RATE = Measure("Children looked after per 10,000", "rate_10k")
CASELOAD = Measure("Average caseload", "average", decimals=1)
PROGRESS = Measure("Progress 8 score", "score", decimals=2)


def messages(problems) -> list[str]:
    return [problem.message for problem in problems]


def figure(measure: Measure, **numbers) -> value_rules.FigureCheck:
    return check_figure(measure, **{"value": None, **numbers})


# --- what each rule says ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "numbers", "field", "message"),
    [
        (
            PLANS,
            {"value": D(-5)},
            "value",
            "Children on CIN plans: The value cannot be below zero (-5).",
        ),
        (
            ASSESSMENTS,
            {"value": D(250)},
            "value",
            "% assessments in 45 days: The value must be between 0% and 100% (250).",
        ),
        (
            ASSESSMENTS,
            {"value": D(-12)},
            "value",
            "% assessments in 45 days: The value must be between 0% and 100% (-12).",
        ),
        (
            PLANS,
            {"value": D("2.5")},
            "value",
            "Children on CIN plans: The value must be a whole number, like 650, not 2.5.",
        ),
        (
            ASSESSMENTS,
            {"numerator": D(11), "denominator": D(10)},
            "numerator",
            "% assessments in 45 days: the numerator (11) cannot be more than the denominator "
            "(10).",
        ),
        (
            ASSESSMENTS,
            {"numerator": D(11)},
            "denominator",
            "% assessments in 45 days: enter the denominator as well as the numerator.",
        ),
        (
            ASSESSMENTS,
            {"value": D(50), "suppression": "c"},
            "suppression",
            "% assessments in 45 days: the figure is suppressed (c) but numbers are given too: "
            "give the numbers or the code, not both.",
        ),
        (
            ASSESSMENTS,
            {"suppression": "q"},
            "suppression",
            "% assessments in 45 days: 'q' is not a suppression code: use c, k, x, z, u or low, "
            "or leave it empty.",
        ),
        (
            PLANS,
            {},
            "value",
            "Children on CIN plans: there is no value: give the value, or a suppression code.",
        ),
        (
            PLANS,
            {"numerator": D(3), "denominator": D(4)},
            "numerator",
            "Children on CIN plans: a numerator and denominator are only for percentages, rates "
            "and averages: give the value only.",
        ),
        (
            PLANS,
            {"value": D("1000000000000")},
            "value",
            "Children on CIN plans: The value is too large (1000000000000): a figure can hold "
            "at most 999,999,999,999.9999.",
        ),
        (
            CASELOAD,
            {"value": D("18.12345")},
            "value",
            "Average caseload: The value has more than 4 decimal places (18.12345): round it to "
            "4 or fewer.",
        ),
        (
            ASSESSMENTS,
            {"value": D(90), "numerator": D(87), "denominator": D(100)},
            "value",
            "% assessments in 45 days: the value 90 does not match 87 / 100, which gives 87.0. "
            "Leave the value empty to derive it.",
        ),
        (
            CASELOAD,
            {"numerator": D(999_999_999_999), "denominator": D("0.0001")},
            "denominator",
            "Average caseload: 999999999999 / 0.0001 gives 9999999999990000, which is too "
            "large to store: check the numerator and denominator.",
        ),
    ],
)
def test_each_problem_names_the_measure_the_number_and_the_field(
    measure, numbers, field, message
) -> None:
    checked = figure(measure, **numbers)
    assert not checked.ok and checked.value is None
    assert [(p.field, p.message) for p in checked.problems] == [(field, message)]


def test_both_parts_are_checked_before_either_is_compared() -> None:
    found = check_parts(ASSESSMENTS, D(-1), D("10.5"))
    assert messages(found) == [
        "% assessments in 45 days: The numerator cannot be below zero (-1).",
        "% assessments in 45 days: The denominator must be a whole number, like 50, not 10.5.",
    ]
    assert messages(check_parts(ASSESSMENTS, D(0), D(0))) == [
        "% assessments in 45 days: the denominator must be more than zero."
    ]


def test_a_breakdown_value_is_named_as_the_caller_asks() -> None:
    [problem] = check_value(PLANS, D("2.5"), field="b7-value", what="The value for North")
    assert problem.field == "b7-value"
    assert problem.message == (
        "Children on CIN plans: The value for North must be a whole number, like 650, not 2.5."
    )


def test_a_ratio_is_stored_from_its_parts_to_four_decimals() -> None:
    assert figure(ASSESSMENTS, numerator=D(2), denominator=D(3)).value == D("66.6667")
    assert figure(RATE, numerator=D(478), denominator=D(104201)).value == D("45.8729")
    # A typed value that agrees to the measure's decimals is fine; the parts decide.
    assert figure(ASSESSMENTS, value=D("66.7"), numerator=D(2), denominator=D(3)).ok


def test_a_means_total_may_exceed_its_count_and_need_not_be_whole() -> None:
    checked = figure(CASELOAD, numerator=D("412.5"), denominator=D("22.5"))
    assert checked.ok and checked.value == D("18.3333")


def test_scores_and_money_may_be_negative_but_nothing_else_may() -> None:
    assert figure(PROGRESS, value=D("-0.45")).ok
    assert figure(Measure("Overspend", "currency"), value=D("-1200.50")).ok
    for unit in ("count", "percent", "rate_10k", "days", "average", "fte"):
        assert not figure(Measure("M", unit), value=D("-0.5")).ok, unit


def test_a_suppressed_figure_has_no_value_and_no_problem() -> None:
    for code in value_rules.SUPPRESSION_CODES:
        assert figure(ASSESSMENTS, suppression=code) == value_rules.FigureCheck(None, ())


def test_a_published_value_is_kept_as_published_beside_its_parts() -> None:
    """DfE publishes 46 children per 10,000 beside 478 of 104,201 (45.87): kept as 46."""
    published = check_figure(
        RATE, value=D(46), numerator=D(478), denominator=D(104201), value_from_parts=False
    )
    assert published.ok and published.value == D(46)
    # ...but its parts and the value itself still obey the rules.
    refused = check_figure(
        RATE, value=D(-3), numerator=D(11), denominator=D(10), value_from_parts=False
    )
    assert [p.field for p in refused.problems] == ["numerator", "value"]


def test_numbers_are_shown_as_people_write_them() -> None:
    assert value_rules.shown(D("650.0000")) == "650"
    assert value_rules.shown(D("6.5E+2")) == "650"
    assert value_rules.shown(D("0.0001")) == "0.0001"
    assert value_rules.shown(D("1E+400")) == "1E+400"


@pytest.mark.parametrize("unit", [u.value for u in Unit])
def test_ratio_kinds_agree_with_what_the_database_is_told(unit: str) -> None:
    """Figure.ratio_kind (which the database's constraints read) comes from models'
    ratio_kind_for; the rules must judge a unit the same way."""
    assert value_rules.ratio_kind_of(unit) == ratio_kind_for(unit)
    assert set(UNITS) == {u.value for u in Unit}


# --- properties ------------------------------------------------------------------------------

stored_numbers = st.decimals(
    min_value=-LARGEST_STORED, max_value=LARGEST_STORED, places=4, allow_nan=False
)
any_numbers = st.one_of(
    stored_numbers,
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(-(10**20), 10**20).map(Decimal),
)
measures = st.builds(
    Measure, title=st.just("M"), unit=st.sampled_from(UNITS), decimals=st.integers(0, 4)
)


@given(st.decimals(max_value=D("-0.0001"), allow_nan=False, allow_infinity=False, places=4))
def test_any_negative_count_is_refused(value: Decimal) -> None:
    checked = figure(PLANS, value=value)
    assert not checked.ok
    assert checked.problems[0].field == "value"


@given(st.decimals(min_value=0, max_value=100, places=4))
def test_any_percentage_from_0_to_100_with_up_to_4_decimals_is_accepted(value: Decimal) -> None:
    checked = figure(ASSESSMENTS, value=value)
    assert checked.ok and checked.value == value


@given(any_numbers.filter(lambda v: not 0 <= v <= 100))
def test_any_percentage_outside_0_to_100_is_refused(value: Decimal) -> None:
    assert not figure(ASSESSMENTS, value=value).ok


@given(
    st.integers(min_value=1, max_value=10**9).flatmap(
        lambda denominator: st.tuples(
            st.integers(min_value=denominator + 1, max_value=denominator * 3), st.just(denominator)
        )
    ),
    st.sampled_from([ASSESSMENTS, RATE]),
    st.booleans(),
)
def test_a_proportions_numerator_above_its_denominator_is_refused(
    parts, measure: Measure, published: bool
) -> None:
    numerator, denominator = (D(part) for part in parts)
    checked = check_figure(
        measure,
        value=None if not published else D(50),
        numerator=numerator,
        denominator=denominator,
        value_from_parts=not published,
    )
    assert "cannot be more than the denominator" in checked.problems[0].message


@given(
    st.integers(min_value=1, max_value=10**11).flatmap(
        lambda denominator: st.tuples(st.integers(0, denominator), st.just(denominator))
    ),
    st.sampled_from([ASSESSMENTS, RATE]),
)
def test_whole_parts_not_above_each_other_give_a_value_within_the_unit(
    parts, measure: Measure
) -> None:
    numerator, denominator = (D(part) for part in parts)
    checked = figure(measure, numerator=numerator, denominator=denominator)
    assert checked.ok
    assert checked.value is not None and 0 <= checked.value <= measure.multiplier


@given(
    measures,
    st.one_of(st.none(), any_numbers),
    st.one_of(st.none(), any_numbers),
    st.one_of(st.none(), any_numbers),
    st.sampled_from(["", "", "", "c", "low", "q"]),
    st.booleans(),
)
def test_anything_accepted_fits_the_database(
    measure: Measure,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    suppression: str,
    value_from_parts: bool,
) -> None:
    """The figure table's columns and CheckConstraints, stated here as the database states
    them (tests/indicators/test_constraints.py writes accepted figures to the database)."""
    checked = check_figure(
        measure,
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
        value_from_parts=value_from_parts,
    )
    if not checked.ok:
        for problem in checked.problems:
            assert problem.message.startswith("M: ") and problem.message.endswith(".")
        return
    stored = checked.value
    for number in (stored, numerator, denominator):
        if number is not None:
            assert abs(number) <= LARGEST_STORED
            assert number == number.quantize(D("0.0001"))  # 4 decimal places, nothing lost
    # numerator_and_denominator_together, numerator_only_for_ratios, ratio_parts_positive
    assert (numerator is None) == (denominator is None)
    if numerator is not None and denominator is not None:
        assert measure.ratio_kind != "none"
        assert numerator >= 0 and denominator > 0
        # numerator_not_above_denominator
        if measure.ratio_kind == "proportion":
            assert numerator <= denominator
    # value_or_suppression_code
    assert (stored is None) == (suppression != "")
    assert suppression in ("", *value_rules.SUPPRESSION_CODES)
