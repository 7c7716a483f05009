"""Every measure of the published files in the catalogue (issue 18): each shipped mapping feeds
a measure the catalogue has, each published measure says where it is published, and the real
DfE files (../shared/data/dfe, skipped where it is missing) read with no errors, a figure for
every mapping and values checked by hand against the files. Pure: no database."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from indicators import value_rules
from indicators.catalogue import INDICATORS_CSV
from returns.published import (
    SHIPPED_MAPPINGS,
    ParseResult,
    PublishedFigure,
    load_mappings,
    mappings_for_file,
    parse_published,
)

DFE_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
PUBLISHED_FILES = (
    "b1_children_in_need_2013_to_2025.csv",
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "cla_number_and_rate_per_10k_children.csv",
    "csww_indicators_2017_to_2025.csv",
    "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "la_care_leavers_accommodation_suitability.csv",
    "la_cla_placement_stability.csv",
    "ons_mid-year_population_estimates_2012_to_2024.csv",
)


def catalogue() -> dict[str, dict[str, str]]:
    with open(INDICATORS_CSV, encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def shipped_rows() -> list[dict[str, str]]:
    with open(SHIPPED_MAPPINGS, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_shipped_mapping_feeds_a_measure_of_the_catalogue_once_per_file() -> None:
    codes = catalogue()
    mappings = load_mappings(SHIPPED_MAPPINGS)
    assert [m.indicator_code for m in mappings if m.indicator_code not in codes] == []
    pairs = [(m.file_hint, m.indicator_code) for m in mappings]
    assert len(pairs) == len(set(pairs)), "two mappings of one file feed one measure"


def test_the_published_measures_are_defined_dated_and_sourced() -> None:
    rows = catalogue()
    mapped = {row["indicator_code"] for row in shipped_rows()}
    published = [
        row for row in rows.values() if row["source_publication"].startswith(("DfE", "ONS"))
    ]
    # At least 60 more than before issue 18, when no measure named a DfE publication.
    assert len(published) >= 60
    for row in published:
        assert row["code"] in mapped, f"{row['code']} names a publication but no file feeds it"
        assert len(row["definition"]) > 40, row["code"]
        assert (row["frequency"], row["nations"]) == ("annual", "england"), row["code"]
    # The child population is a count without polarity: rates are derived from it.
    population = rows["POP-0-17"]
    assert (population["unit"], population["polarity"]) == ("count", "none")


def test_each_mapping_gives_the_precision_its_column_is_published_to() -> None:
    decimals = {row["value_column"]: row["decimals"] for row in shipped_rows()}
    assert decimals["rereferral_percent"] == "1"  # c1: 18.7%
    assert decimals["CPP_subsequent_percent"] == "1"  # d3
    assert decimals["children_percent"] == "0"  # placement stability: 69%
    assert decimals["care_leaver_percent"] == "0"
    assert decimals["rate_per_10000"] == "0"
    assert decimals["inpost_fte"] == "1" and decimals["inpost_headcount"] == "0"
    assert all(row["decimals"] in {"0", "1"} for row in shipped_rows())


# --- the real files -------------------------------------------------------------------------


def measures() -> dict[str, value_rules.Measure]:
    return {
        code: value_rules.Measure(row["title"], row["unit"], int(row["decimals"]), row["nations"])
        for code, row in catalogue().items()
    }


def read(name: str) -> tuple[dict[tuple[str, str, date], PublishedFigure], ParseResult]:
    path = DFE_DATA / name
    if not path.exists():
        pytest.skip(f"the published DfE files are not here ({DFE_DATA})")
    with open(path, "rb") as handle:
        result = parse_published(
            handle, load_mappings(SHIPPED_MAPPINGS), source_name=name, measures=measures()
        )
    figures = {
        (figure.la_number or figure.area_code, figure.indicator_code, figure.period_start): figure
        for figure in result.figures
    }
    return figures, result


@pytest.mark.parametrize("name", PUBLISHED_FILES)
def test_every_published_file_reads_without_errors_and_every_mapping_finds_its_rows(
    name: str,
) -> None:
    _figures, result = read(name)
    assert [finding for finding in result.findings if finding.is_error] == []
    mine = {m.name for m in mappings_for_file(load_mappings(SHIPPED_MAPPINGS), name)}
    assert mine and {n for n, count in result.figures_by_mapping.items() if count} == mine


def value(figures: dict, area: str, code: str, year: int) -> tuple[Decimal | None, ...]:
    figure = figures[(area, code, date(year, 4, 1))]
    return (figure.value, figure.numerator, figure.denominator)


def test_children_in_need_figures_match_the_file_for_england_and_a_reorganised_county() -> None:
    figures, _ = read("b1_children_in_need_2013_to_2025.csv")
    assert value(figures, "E92000001", "CIN-AT31", 2024) == (Decimal(402400), None, None)
    # Northamptonshire's last year, then North Northamptonshire's first.
    assert value(figures, "928", "CIN-AT31", 2020)[0] == 4877
    assert value(figures, "940", "CIN-AT31", 2021)[0] == 2203
    assert value(figures, "865", "CIN-AWAIT-ASMT", 2024)[0] == 33


def test_referrals_and_durations_keep_their_parts_and_their_published_precision() -> None:
    figures, _ = read("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    assert value(figures, "E92000001", "REF-NFA", 2024) == (Decimal("6.5"), 41340, 632830)
    assert value(figures, "865", "REF-NIN", 2024) == (Decimal("31.7"), 877, 2770)
    assert value(figures, "865", "REF-COUNT", 2024)[0] == 2770
    figures, _ = read("d5_cpps_at31march_by_duration_2013_to_2025.csv")
    assert value(figures, "865", "CPP-DUR-1-2Y", 2024) == (Decimal("12.1"), 38, 314)
    assert value(figures, "865", "CPP-COUNT", 2024)[0] == 314


def test_workforce_caseload_is_a_mean_of_cases_over_fte_case_holders() -> None:
    figures, _ = read("csww_indicators_2017_to_2025.csv")
    assert value(figures, "E92000001", "SW-CASELOAD", 2024) == (
        Decimal("15.2"), 321661, Decimal("21105.4"),
    )  # fmt: skip
    assert value(figures, "865", "SW-FTE", 2024)[0] == Decimal("227.1")
    assert value(figures, "865", "WF-AGENCY", 2024)[0] == Decimal("4.8")
    # A headcount rate keeps its whole-number parts; an FTE rate is kept as published.
    assert value(figures, "865", "SW-TURNOVER-HC", 2024) == (Decimal("17.1"), 42, 245)
    assert value(figures, "865", "SW-TURNOVER", 2024) == (Decimal("15.2"), None, None)


def test_care_leavers_suppressed_cells_and_the_population_year() -> None:
    figures, _ = read("la_care_leavers_accommodation_suitability.csv")
    assert value(figures, "865", "CL-ACC-1718-COUNT", 2024)[0] == 67
    unsuitable = figures[("865", "CL-UNSUIT-1718", date(2024, 4, 1))]
    assert (unsuitable.value, unsuitable.suppression) == (None, "c")
    assert value(figures, "865", "CL-TOTAL-1718", 2024)[0] == 74
    figures, _ = read("ons_mid-year_population_estimates_2012_to_2024.csv")
    # The mid-2024 estimate, published as 2024, is stored on 2023/24 (see the definition).
    assert value(figures, "865", "POP-0-17", 2023)[0] == 104201
    assert value(figures, "928", "POP-0-17", 2019)[0] == 170287
