"""Which nations a measure applies in, as a rule on plain values (no database): a measure for
both nations is due everywhere, one for a nation only there; a figure for an area of another
nation is refused before its numbers are looked at, with a sentence naming both nations."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from indicators.models import Applicability, Indicator, Nation
from indicators.value_rules import Measure, check_applies, check_figure

APPLIES = st.sampled_from(Applicability.values)
NATIONS = st.sampled_from(Nation.values)
VALUES = st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2))


@given(applies=APPLIES, nation=NATIONS)
def test_a_measure_applies_in_its_own_nation_and_in_both(applies: str, nation: str) -> None:
    expected = applies == Applicability.BOTH or applies == nation
    assert Indicator(nations=applies).applies_in(nation) is expected
    assert Measure("M", "percent", 0, applies).applies_in(nation) is expected
    assert (check_applies(Measure("M", "percent", 0, applies), nation) is None) is expected


@given(nation=NATIONS)
def test_a_measure_for_both_nations_is_due_everywhere(nation: str) -> None:
    assert Indicator(nations=Applicability.BOTH).applies_in(nation)


def test_each_nation_only_measure_is_due_in_its_own_nation_only() -> None:
    assert Indicator(nations=Applicability.WALES).applies_in(Nation.WALES)
    assert not Indicator(nations=Applicability.WALES).applies_in(Nation.ENGLAND)
    assert Indicator(nations=Applicability.ENGLAND).applies_in(Nation.ENGLAND)
    assert not Indicator(nations=Applicability.ENGLAND).applies_in(Nation.WALES)


def test_the_refusal_names_where_the_measure_applies_and_where_the_area_is() -> None:
    problem = check_applies(Measure("Re-registrations", "percent", 1, "wales"), "england")
    assert problem is not None
    assert problem.field == "value"
    assert problem.message == (
        "Re-registrations: this measure applies in Wales only, so no figure is taken for an "
        "area in England."
    )


@given(value=VALUES, suppression=st.sampled_from(["", "c", "q"]))
def test_any_figure_for_another_nations_measure_is_refused_alone(
    value: Decimal | None, suppression: str
) -> None:
    # Whatever the numbers (right, wrong, suppressed, none), the one problem is the nation.
    measure = Measure("Second plans", "percent", 0, "england")
    checked = check_figure(measure, value=value, suppression=suppression, nation="wales")
    assert checked.value is None
    assert [problem.message for problem in checked.problems] == [
        "Second plans: this measure applies in England only, so no figure is taken for an area "
        "in Wales."
    ]


@given(value=st.decimals(min_value=0, max_value=100, places=1), nation=NATIONS)
def test_a_measure_due_in_the_nation_is_checked_as_before(value: Decimal, nation: str) -> None:
    for applies in (Applicability.BOTH, nation):
        measure = Measure("Visits", "percent", 1, applies)
        assert check_figure(measure, value=value, nation=nation) == check_figure(
            measure, value=value
        )
