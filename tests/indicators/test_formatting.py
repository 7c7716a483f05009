from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.formatting import (
    exact_decimals,
    figure_decimals,
    format_change,
    format_target,
    format_value,
    mean_decimals,
    round_half_up,
)

D = Decimal
UNITS = ("percent", "rate_10k", "count", "days", "average", "score", "fte", "currency")
amounts = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("-2.5", 0, "-3"),
        ("89.25", 1, "89.3"),
        ("0.125", 2, "0.13"),
        ("350", 1, "350.0"),
    ],
)
def test_round_half_up(value: str, decimals: int, expected: str) -> None:
    assert str(round_half_up(D(value), decimals)) == expected


def test_round_half_up_refuses_negative_decimals() -> None:
    with pytest.raises(ValueError, match="decimals"):
        round_half_up(D(1), -1)


@given(value=amounts, decimals=st.integers(0, 3))
def test_round_half_up_is_within_half_a_step(value: Decimal, decimals: int) -> None:
    rounded = round_half_up(value, decimals)
    step = D(1).scaleb(-decimals)
    assert abs(rounded - value) <= step / 2
    assert rounded.as_tuple().exponent == -decimals


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        ("87", "percent", 0, "87%"),
        ("87.5", "percent", 1, "87.5%"),
        ("87.45", "percent", 1, "87.5%"),
        ("350", "rate_10k", 1, "350.0"),
        ("1240", "count", 0, "1,240"),
        ("326", "days", 0, "326 days"),
        ("1", "days", 0, "1 day"),
        ("1240", "currency", 0, "£1,240"),
        ("-1240.5", "currency", 2, "-£1,240.50"),
        ("197.01", "fte", 2, "197.01"),
        ("18.4", "average", 1, "18.4"),
        ("14.25", "score", 1, "14.3"),
        ("-0.04", "percent", 1, "0.0%"),
        (None, "percent", 0, "no figure"),
    ],
)
def test_format_value(value: str | None, unit: str, decimals: int, expected: str) -> None:
    assert format_value(None if value is None else D(value), unit, decimals) == expected


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unit"):
        format_value(D(1), "furlongs", 0)


@pytest.mark.parametrize(
    ("lower", "upper", "unit", "expected"),
    [
        ("90", "95", "percent", "90\u201395%"),
        ("17", "19", "percent", "17\u201319%"),
        ("85", "85", "percent", "85%"),
        ("85", None, "percent", "at least 85%"),
        (None, "10", "percent", "at most 10%"),
        ("20", "30", "days", "20\u201330 days"),
        ("1000", "2000", "currency", "£1,000\u2013£2,000"),
        (None, None, "percent", "no target"),
    ],
)
def test_format_target(lower: str | None, upper: str | None, unit: str, expected: str) -> None:
    result = format_target(
        None if lower is None else D(lower), None if upper is None else D(upper), unit, 0
    )
    assert result == expected


@pytest.mark.parametrize(
    ("change", "unit", "decimals", "expected"),
    [
        ("3", "percent", 0, "up 3 percentage points"),
        ("-1", "percent", 0, "down 1 percentage point"),
        ("2.25", "percent", 1, "up 2.3 percentage points"),
        ("-12", "count", 0, "down 12"),
        ("1500", "count", 0, "up 1,500"),
        ("-30", "days", 0, "down 30 days"),
        ("0", "count", 0, "no change"),
        ("0.04", "percent", 1, "no change"),
        ("250", "currency", 0, "up £250"),
    ],
)
def test_format_change(change: str, unit: str, decimals: int, expected: str) -> None:
    assert format_change(D(change), unit, decimals) == expected


@given(value=amounts, unit=st.sampled_from(UNITS), decimals=st.integers(0, 3))
def test_format_value_never_says_minus_zero_and_keeps_the_digits(
    value: Decimal, unit: str, decimals: int
) -> None:
    text = format_value(value, unit, decimals)
    digits = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    assert D(digits) == round_half_up(value, decimals)
    assert not digits.startswith("-0") or D(digits) != 0


@given(change=amounts, unit=st.sampled_from(UNITS), decimals=st.integers(0, 3))
def test_format_change_direction_matches_sign(change: Decimal, unit: str, decimals: int) -> None:
    text = format_change(change, unit, decimals)
    rounded = round_half_up(change, decimals)
    if rounded > 0:
        assert text.startswith("up ")
    elif rounded < 0:
        assert text.startswith("down ")
    else:
        assert text == "no change"


@given(st.text())
def test_exported_text_never_starts_a_formula(text: str) -> None:
    from indicators.formatting import FORMULA_STARTS, spreadsheet_safe

    safe = spreadsheet_safe(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe.endswith(text)


# --- published and stored precision (issue 18) ----------------------------------------------


def test_a_figure_is_shown_to_its_published_decimals_else_the_measures() -> None:

    assert format_value(Decimal("19.1000"), "percent", figure_decimals(0, 1)) == "19.1%"
    assert format_value(Decimal("19.1000"), "percent", figure_decimals(0, None)) == "19%"
    assert format_value(Decimal("19.0000"), "percent", figure_decimals(2, 1)) == "19.0%"


def test_a_mean_is_at_least_as_precise_as_its_most_precise_input() -> None:

    assert mean_decimals(0, [None, 1, None]) == 1
    assert mean_decimals(2, [1]) == 2
    assert mean_decimals(0, []) == 0


def test_history_shows_each_stored_value_exactly() -> None:

    places = exact_decimals(0, Decimal("19.0000"), Decimal("18.8000"))
    assert places == 1
    assert [
        format_value(v, "percent", places) for v in (Decimal("19.0000"), Decimal("18.8000"))
    ] == [
        "19.0%",
        "18.8%",
    ]
    assert exact_decimals(0, Decimal("20.0000"), None) == 0
    assert exact_decimals(1, Decimal("20.0000")) == 1
    assert exact_decimals(0, Decimal("0.1250")) == 3


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_a_value_at_its_exact_decimals_reads_back_as_itself(value: Decimal) -> None:

    places = exact_decimals(0, value)
    assert Decimal(format_value(value, "count", places).replace(",", "")) == value
