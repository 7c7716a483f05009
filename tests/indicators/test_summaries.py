"""The charts' one-sentence summaries and the neighbour bars' order: pure, no database."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from indicators.summaries import (
    Point,
    breakdown_summary,
    neighbour_order,
    neighbour_summary,
    trend_summary,
)


def test_the_neighbour_summary_reads_as_the_issue_writes_it() -> None:
    neighbours = [
        Decimal(v) for v in ("15.1", "30.2", "20", "21", "22", "23", "19", "20.5", "24", "24.2")
    ]
    # Their sum is 219.0, so their mean is 21.9.
    assert (
        neighbour_summary("Authority A", Decimal("22.6"), "2024/25", neighbours, "percent", 1)
        == "Authority A: 22.6% in 2024/25; its 10 statistical neighbours range from 15.1% to "
        "30.2%, mean 21.9%."
    )


def test_the_neighbour_summary_says_what_is_missing() -> None:
    assert (
        neighbour_summary("A", None, "2017/18", [Decimal(80), None], "percent", 0)
        == "A has no figure for 2017/18; the 1 of its 2 statistical neighbours with a figure: 80%."
    )
    assert neighbour_summary("A", Decimal(5), "2017/18", [None], "count", 0) == (
        "A: 5 in 2017/18; none of its 1 statistical neighbour has a figure."
    )


def test_the_trend_summary_names_first_and_latest_target_and_comparators() -> None:
    points = [Point("2015/16", Decimal(80)), Point("2016/17", None), Point("2017/18", Decimal(87))]
    assert trend_summary(
        "A", points, "percent", 0, target_text="90–95%", comparators=[("England", "83%", "2016/17")]
    ) == (
        "A: 87% in 2017/18, up 7 percentage points from 80% in 2015/16 (3 figures); "
        "target 90–95%; England 83% (2016/17)."
    )
    assert trend_summary(
        "A", [Point("2017/18", Decimal(3))], "days", 0, target_text="no target"
    ) == ("A: 3 days in 2017/18.")


def test_the_breakdown_summary_names_the_highest_and_lowest() -> None:
    points = [Point("North", Decimal(59)), Point("Exeter", Decimal(82)), Point("Mid", None)]
    assert breakdown_summary("locality", "September 2021", points, "percent", 0) == (
        "By locality in September 2021: highest Exeter 82%, lowest North 59%, of 2 with a "
        "value (1 without)."
    )


@given(
    st.lists(st.one_of(st.none(), st.decimals(-1000, 1000, places=2))),
    st.sampled_from(["higher", "lower", "band", "none"]),
)
def test_neighbour_order_is_best_first_with_the_unvalued_last(values, polarity) -> None:
    order = neighbour_order(values, polarity)
    assert sorted(order) == list(range(len(values)))
    valued = [values[i] for i in order if values[i] is not None]
    assert valued == sorted(valued, reverse=polarity != "lower")
    assert all(values[i] is None for i in order[len(valued) :])
