"""The arithmetic of rates derived from population, the population year and the note
(indicators.population_rates): pure, checked against the DfE's own published rates."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.population_rates import (
    DefinitionError,
    derive,
    estimate_year,
    is_derived,
    population_year,
    read_definitions,
    stored_rate,
)

D = Decimal
DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
populations = st.integers(min_value=1, max_value=20_000_000).map(Decimal)


def test_england_2025_children_looked_after_as_the_dfe_publishes_it() -> None:
    rate = derive(
        count=D(81770), count_suppression="", counted="children", population=D(12183016), year=2024
    )
    assert rate is not None
    assert rate.value == D("67.1180")
    assert round(rate.value) == 67  # the published rate
    assert rate.numerator == D(81770) and rate.denominator == D(12183016)
    assert rate.note == (
        "Derived: 81,770 children ÷ 12,183,016 (ONS mid-2024 estimate of children aged 0 to 17)"
        " × 10,000"
    )
    assert is_derived(rate.note)


def test_the_year_to_31_march_takes_the_estimate_of_the_summer_before() -> None:
    # A financial year 2024-25 (time_period 2025) ends 31 March 2025: mid-2024.
    assert population_year(date(2025, 3, 31)) == 2024
    # The ONS file's time_period 2024 (mid-2024) is stored as a period ending in 2024.
    assert estimate_year(date(2024, 3, 31)) == 2024
    assert estimate_year(date(2024, 8, 31)) == 2024


@given(count=st.integers(min_value=0, max_value=20_000_000).map(Decimal), population=populations)
def test_a_rate_lies_between_0_and_10000_and_is_the_count_over_the_population(
    count: Decimal, population: Decimal
) -> None:
    rate = stored_rate(count, population)
    if count > population:
        assert rate is None  # more children counted than live there: no rate stated
        return
    assert rate is not None
    assert D(0) <= rate <= D(10000)
    # Stored to 4 places, within half a unit of the last place of the exact rate.
    assert rate == rate.quantize(D("0.0001"))
    assert abs(rate - count * 10000 / population) <= D("0.00005")


@given(count=st.integers(min_value=1, max_value=1_000_000).map(Decimal), population=populations)
def test_a_rate_never_reads_0_for_a_count_above_0(count: Decimal, population: Decimal) -> None:
    # With at most 20 million children, one child is at least 0.0005 per 10,000: above 0 at
    # the stored precision.
    rate = derive(count=count, count_suppression="", counted="x", population=population, year=1)
    if count > population:
        assert rate is None
    else:
        assert rate is not None and rate.value is not None and rate.value > 0


@given(
    code=st.sampled_from(["c", "k", "x", "z", "u", "low", ""]),
    population=st.none() | populations,
)
def test_a_suppressed_count_gives_a_suppressed_rate_never_0(
    code: str, population: Decimal | None
) -> None:
    rate = derive(
        count=None, count_suppression=code, counted="referrals", population=population, year=2023
    )
    if population is None:
        assert rate is None  # no population: no rate at all
        return
    assert rate is not None
    assert rate.value is None and rate.numerator is None and rate.denominator is None
    assert rate.suppression == (code or "x")
    assert f"({code or 'x'})" in rate.note and is_derived(rate.note)


@given(count=st.none() | st.integers(min_value=0, max_value=1000).map(Decimal))
def test_no_population_gives_no_rate(count: Decimal | None) -> None:
    for population in (None, D(0)):
        assert (
            derive(count=count, count_suppression="c", counted="x", population=population, year=1)
            is None
        )


def test_the_definitions_file_is_refused_whole_naming_each_bad_line() -> None:
    text = (
        "rate_code,count_code,population_code,note\n"
        "A-RATE,A,POP,things\n"
        "A-RATE,B,POP,things\n"
        "B-RATE,B,POP,\n"
        "C,C,POP,self\n"
    )
    with pytest.raises(DefinitionError) as refused:
        read_definitions(text)
    message = str(refused.value)
    assert "line 3: rate 'A-RATE' is already derived on line 2" in message
    assert "line 4: every one of the 4 columns needs a value" in message
    assert "line 5: rate 'C' is derived from itself" in message
    with pytest.raises(DefinitionError, match="header must be"):
        read_definitions("rate,count\nA,B\n")


def test_the_shipped_definitions_read() -> None:
    path = Path(__file__).resolve().parents[2] / "indicators" / "catalogue" / "derived_rates.csv"
    found = read_definitions(path.read_text(encoding="utf-8"))
    assert {d.rate_code for d in found} >= {"REF-RATE", "CPP-RATE", "CIN-RATE-31MAR"}
    # Rates the DfE publishes itself are never derived (they would only be replaced).
    assert not {d.rate_code for d in found} & {"CLA-RATE"}


@pytest.mark.skipif(not DFE.is_dir(), reason="the DfE files (../shared/data/dfe) are not here")
def test_the_rule_reproduces_every_published_rate_of_children_looked_after() -> None:
    """The DfE's own file pairs each reporting year with the ONS estimate of the year before
    (its population_estimate is the ONS file's figure for time_period - 1), and its rates are
    count ÷ population × 10,000: ours agree within 1 (its counts are rounded to 10; its rates
    come from the unrounded counts)."""
    ons: dict[tuple[str, str], str] = {}
    with (DFE / "ons_mid-year_population_estimates_2012_to_2024.csv").open(
        encoding="utf-8-sig"
    ) as handle:
        for row in csv.DictReader(handle):
            where = row["new_la_code"] or row["region_code"] or row["country_code"]
            ons[(row["time_period"], where)] = row["population_estimate"]
    checked = paired = 0
    with (DFE / "cla_number_and_rate_per_10k_children.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            try:
                count, population = D(row["children_count"]), D(row["population_estimate"])
                published = D(row["rate_per_10000"])
            except ArithmeticError:
                continue  # suppressed or not applicable
            end = date(int(row["time_period"]), 3, 31)
            where = row["new_la_code"] or row["region_code"] or row["country_code"]
            held = ons.get((str(population_year(end)), where))
            if held is not None:
                paired += 1
                assert D(held) == population, (row["time_period"], where)
            rate = derive(
                count=count,
                count_suppression="",
                counted="children",
                population=population,
                year=population_year(end),
            )
            assert rate is not None and rate.value is not None
            assert abs(round(rate.value) - published) <= 1
            checked += 1
    assert checked > 2000 and paired > 1000
