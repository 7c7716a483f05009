"""The trend charts' geometry (pure): every point inside the plot, higher values higher, axes
that cover the figures from zero, gaps where a figure is missing, the latest period named."""

import math

from hypothesis import example, given
from hypothesis import strategies as st

from scrutiny.line_charts import (
    MOST_PERIOD_LABELS,
    OWN_STYLE,
    SeriesInput,
    line_chart,
    nice_step,
    value_range,
)

values = st.one_of(st.none(), st.floats(min_value=-500, max_value=100_000, allow_nan=False))


@st.composite
def charts_input(draw):
    count = draw(st.integers(min_value=1, max_value=40))
    lines = draw(st.integers(min_value=1, max_value=4))
    periods = [f"P{index}" for index in range(count)]
    series = [
        SeriesInput(
            "own" if index == 0 else f"comparator {index}",
            "own" if index == 0 else "nation",
            tuple(draw(st.lists(values, min_size=count, max_size=count))),
        )
        for index in range(lines)
    ]
    return periods, series


@given(charts_input())
def test_every_point_is_inside_the_plot_and_higher_values_are_higher(made) -> None:
    periods, series = made
    chart = line_chart(periods, series)
    for drawn, given_line in zip(chart.series, series, strict=True):
        known = [value for value in given_line.values if value is not None]
        assert len(drawn.points) == len(known)
        for x, y in drawn.points:
            assert chart.plot_left - 0.1 <= x <= chart.plot_right + 0.1
            assert chart.plot_top - 0.1 <= y <= chart.plot_bottom + 0.1
        for (_, y1), (_, y2), v1, v2 in zip(
            drawn.points, drawn.points[1:], known, known[1:], strict=False
        ):
            if v1 > v2 + 1e-6 * max(1.0, abs(v1)):
                assert y1 <= y2  # SVG's y grows downwards


@given(charts_input())
def test_a_missing_figure_breaks_the_line_rather_than_drawing_zero(made) -> None:
    periods, series = made
    chart = line_chart(periods, series)
    for drawn, given_line in zip(chart.series, series, strict=True):
        runs = 0
        previous = None
        for value in given_line.values:
            if value is not None and previous is None:
                runs += 1
            previous = value
        assert len(drawn.segments) == runs


@example([5e-324, -5.0])  # underflows when divided by the step: found by hypothesis
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1))
def test_the_value_axis_starts_at_zero_or_below_and_covers_every_value(numbers) -> None:
    low, high, step = value_range(numbers)
    assert low <= min(0.0, *numbers)
    assert high >= max(numbers)
    assert high > low
    # A round step, and not many more gridlines than asked for.
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, nice) for nice in (1, 2, 2.5, 5, 10))
    assert (high - low) / step <= 12


def test_percentages_get_round_labels_with_their_sign() -> None:
    chart = line_chart(
        ["2015/16", "2016/17", "2017/18"],
        [SeriesInput("Wiltshire", "own", (80.0, 90.0, 87.0))],
        suffix="%",
    )
    assert [tick.label for tick in chart.value_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert nice_step(10) == 2.5


@given(st.integers(min_value=1, max_value=120))
def test_period_labels_never_crowd_and_always_name_the_latest(count) -> None:
    periods = [f"P{index}" for index in range(count)]
    chart = line_chart(periods, [SeriesInput("own", "own", tuple([1.0] * count))])
    labels = [tick.label for tick in chart.period_ticks]
    assert labels[-1] == periods[-1]
    assert len(labels) <= MOST_PERIOD_LABELS
    positions = [tick.position for tick in chart.period_ticks]
    assert positions == sorted(positions)


def test_lines_differ_by_dash_and_marker_not_colour_alone() -> None:
    chart = line_chart(
        ["a", "b"],
        [
            SeriesInput("Wiltshire", "own", (1.0, 2.0)),
            SeriesInput("England", "nation", (1.5, 1.5)),
            SeriesInput("Statistical neighbours", "neighbours", (1.2, 1.3)),
        ],
    )
    styles = [line.style for line in chart.series]
    assert styles[0] == OWN_STYLE
    assert len({(style.dash, style.marker) for style in styles}) == 3


def test_a_tiny_or_flat_series_still_gets_a_round_axis() -> None:
    """Found by hypothesis: a value of 5e-324 made the step's logarithm fail."""
    for values in ((5e-324,), (0.0, 0.0), (87.0, 87.0)):
        chart = line_chart(["a"] * len(values), [SeriesInput("own", "own", values)])
        assert float(chart.value_ticks[0].label) == 0
        assert len(chart.value_ticks) >= 2
