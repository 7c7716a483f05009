"""The published-data parser: small files written here in the DfE layout, hypothesis, and an
acceptance test against the real files in ../shared/data/dfe when they are present."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.value_rules import Measure
from returns.findings import Severity, has_errors
from returns.published import (
    SHIPPED_MAPPINGS,
    SUPPRESSION_CODES,
    Mapping,
    ParseResult,
    PublishedFigure,
    load_mappings,
    mappings_for_file,
    parse_published,
    period_start,
    read_cell,
)

DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
CATALOGUE = Path(__file__).resolve().parents[2] / "indicators" / "catalogue" / "indicators.csv"

GEOGRAPHY = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name"
)
NATIONAL = "Reporting year,National,E92000001,England,,,,,"
NORTH_EAST = "Reporting year,Regional,E92000001,England,E12000001,North East,,,"
HARTLEPOOL = (
    "Reporting year,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool"
)
DARLINGTON = (
    "Reporting year,Local authority,E92000001,England,E12000001,North East,841,E06000005,Darlington"
)

REREF = Mapping(
    name="re-referrals within 12 months",
    indicator_code="REF-REREF",
    file_hint="c1_",
    value_column="rereferral_percent",
    numerator_column="rereferral_count",
    denominator_column="referral_count",
    aliases={"rereferral_percent": ("Re_referrals_percent",)},
)
THREE_PLACEMENTS = Mapping(
    name="3 or more placements",
    indicator_code="CLA-3PLAC",
    file_hint="placement_stability",
    value_column="children_percent",
    filters={
        "cla_group": "CLA on 31 March",
        "placement_stability": "With 3 or more placements during the year",
    },
)
LONG_TERM = Mapping(
    name="long-term stability",
    indicator_code="CLA-STAB-LT",
    file_hint="placement_stability",
    value_column="children_percent",
    filters={"cla_group": "CLA 2.5 years", "placement_stability": "Same carer 2 years"},
)
MAPPINGS = [REREF, THREE_PLACEMENTS, LONG_TERM]

C1_HEADER = f"{GEOGRAPHY},category,referral_count,rereferral_count,rereferral_percent"


def c1(*rows: str) -> str:
    return "\n".join([C1_HEADER, *rows]) + "\n"


def parse(text: str | bytes, name: str = "c1_referrals.csv") -> ParseResult:
    return parse_published(text, MAPPINGS, source_name=name)


def errors(result: ParseResult) -> list[str]:
    return [f.message for f in result.findings if f.severity == Severity.ERROR]


def only(result: ParseResult, **match: object) -> PublishedFigure:
    found = [f for f in result.figures if all(getattr(f, k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


# --- wide files -------------------------------------------------------------------------------


def test_a_wide_file_gives_national_regional_and_local_figures_as_published() -> None:
    result = parse(
        c1(
            f"2025,{NATIONAL},Referrals,632830,142900,22.6",
            f"2025,{NORTH_EAST},Referrals,32490,6730,20.7",
            f"2025,{HARTLEPOOL},Referrals,2020,536,26.5",
        )
    )
    assert result.findings == []
    assert result.rows_read == 3
    england = only(result, level="national")
    assert england.area_code == "E92000001"
    assert england.area_name == "England"
    assert england.la_number == ""
    assert england.indicator_code == "REF-REREF"
    assert (england.period_kind, england.period_start) == ("fy", date(2024, 4, 1))
    # The published value, not 142900 / 632830 recomputed.
    assert england.value == Decimal("22.6")
    assert (england.numerator, england.denominator) == (Decimal(142900), Decimal(632830))
    assert england.suppression == ""
    assert england.row == 2
    region = only(result, level="regional")
    assert (region.area_code, region.area_name, region.la_number) == (
        "E12000001",
        "North East",
        "",
    )
    hartlepool = only(result, level="local")
    assert (hartlepool.area_code, hartlepool.la_number, hartlepool.area_name) == (
        "E06000001",
        "805",
        "Hartlepool",
    )
    assert (hartlepool.region_code, hartlepool.region_name) == ("E12000001", "North East")
    assert hartlepool.value == Decimal("26.5")
    assert [(a.level, a.code, a.la_number) for a in result.areas] == [
        ("national", "E92000001", ""),
        ("regional", "E12000001", ""),
        ("local", "E06000001", "805"),
    ]
    assert result.figures_by_mapping == {"re-referrals within 12 months": 3}


def test_a_byte_order_mark_is_ignored_in_text_bytes_and_streams() -> None:
    text = c1(f"2025,{NATIONAL},Referrals,632830,142900,22.6")
    for source in (
        "\ufeff" + text,
        ("\ufeff" + text).encode(),
        io.BytesIO(("\ufeff" + text).encode()),
        io.StringIO("\ufeff" + text, newline=""),
    ):
        result = parse_published(source, MAPPINGS, source_name="c1.csv")
        assert result.findings == [], source
        assert only(result, level="national").value == Decimal("22.6")


def test_a_binary_stream_is_left_open() -> None:
    stream = io.BytesIO(c1(f"2025,{NATIONAL},Referrals,632830,142900,22.6").encode())
    parse_published(stream, MAPPINGS, source_name="c1.csv")
    assert not stream.closed


def test_columns_in_another_order_are_found_by_name() -> None:
    text = (
        "rereferral_percent,la_name,new_la_code,old_la_code,time_period,geographic_level,"
        "referral_count,region_name,region_code,country_name,country_code,rereferral_count\n"
        "26.5,Hartlepool,E06000001,805,2025,Local authority,2020,North East,E12000001,"
        "England,E92000001,536\n"
    )
    figure = only(parse(text), la_number="805")
    assert figure.value == Decimal("26.5")
    assert (figure.numerator, figure.denominator) == (Decimal(536), Decimal(2020))
    assert figure.area_code == "E06000001"


def test_a_renamed_column_is_read_through_its_alias_and_headers_ignore_case() -> None:
    text = c1(f"2025,{HARTLEPOOL},Referrals,2020,536,26.5").replace(
        "rereferral_percent", "Re_referrals_percent"
    )
    result = parse(text.replace("TIME_PERIOD", "time_period").replace("la_name", "LA_Name"))
    figure = only(result, la_number="805")
    assert figure.value == Decimal("26.5")
    assert figure.area_name == "Hartlepool"


@pytest.mark.parametrize("code", ["c", "k", "x", "z", "u", "low", "C", "LOW", " Low "])
def test_suppression_codes_are_flags_never_numbers(code: str) -> None:
    result = parse(c1(f"2025,{HARTLEPOOL},Referrals,c,c,{code}"))
    assert errors(result) == []
    figure = only(result, la_number="805")
    assert figure.value is None
    assert figure.suppression == code.strip().lower()
    assert (figure.numerator, figure.denominator) == (None, None)


def test_empty_and_quoted_empty_cells_are_not_available() -> None:
    result = parse(
        c1(
            f'2025,{HARTLEPOOL},Referrals,"","",""',
            f"2025,{DARLINGTON},Referrals,,,",
        )
    )
    assert errors(result) == []
    for la in ("805", "841"):
        figure = only(result, la_number=la)
        assert (figure.value, figure.suppression) == (None, "x")


def test_quoted_cells_and_thousands_separators_are_read() -> None:
    result = parse(c1(f'"2025",{HARTLEPOOL},Referrals,"1,234,567","12,345","1.0"'))
    figure = only(result, la_number="805")
    assert (figure.numerator, figure.denominator) == (Decimal(12345), Decimal(1234567))
    assert figure.value == Decimal("1.0")


def test_a_suppressed_part_drops_both_parts_but_keeps_the_value() -> None:
    result = parse(c1(f"2025,{HARTLEPOOL},Referrals,c,536,26.5", f"2025,{DARLINGTON},R,0,0,0"))
    hartlepool = only(result, la_number="805")
    assert (hartlepool.value, hartlepool.numerator, hartlepool.denominator) == (
        Decimal("26.5"),
        None,
        None,
    )
    darlington = only(result, la_number="841")  # a zero denominator cannot make a ratio
    assert (darlington.value, darlington.numerator, darlington.denominator) == (0, None, None)


@pytest.mark.parametrize("bad", ["twelve", "12.5%", "1,23", "NaN", "1e5", "--3", "Infinity"])
def test_a_bad_number_is_an_error_naming_row_and_column(bad: str) -> None:
    result = parse(
        c1(f"2025,{NATIONAL},Referrals,632830,142900,22.6", f'2025,{HARTLEPOOL},R,1,1,"{bad}"')
    )
    [finding] = result.findings
    assert (finding.row, finding.column, finding.severity) == (3, "rereferral_percent", "error")
    assert repr(bad) in finding.message
    assert [f.row for f in result.figures] == [2]


def test_a_bad_numerator_is_an_error_too() -> None:
    result = parse(c1(f"2025,{HARTLEPOOL},Referrals,lots,536,26.5"))
    [finding] = [f for f in result.findings if f.is_error]
    assert (finding.row, finding.column) == (2, "referral_count")
    assert result.figures == []


def test_a_bad_year_is_an_error() -> None:
    result = parse(c1(f"2025-26x,{HARTLEPOOL},Referrals,1,1,1", f"202427,{DARLINGTON},R,1,1,1"))
    assert [(f.row, f.column) for f in result.findings if f.is_error] == [
        (2, "time_period"),
        (3, "time_period"),
    ]


def test_a_duplicate_row_is_an_error_naming_both_rows() -> None:
    result = parse(
        c1(
            f"2025,{HARTLEPOOL},Referrals,2020,536,26.5",
            f"2024,{HARTLEPOOL},Referrals,2020,536,25.0",
            f"2025,{HARTLEPOOL},Referrals,2020,536,26.5",
        )
    )
    [finding] = result.findings
    assert finding.severity == Severity.ERROR
    assert finding.row == 4
    assert "Rows 2 and 4" in finding.message
    assert "Hartlepool" in finding.message
    assert len(result.figures) == 2


def test_the_same_year_as_202425_and_2025_is_a_duplicate() -> None:
    result = parse(c1(f"202425,{HARTLEPOOL},Referrals,1,1,1", f"2025,{HARTLEPOOL},Referrals,1,1,1"))
    assert "Rows 2 and 3" in errors(result)[0]


def test_reorganised_authorities_keep_their_la_number_with_a_warning() -> None:
    old_code = HARTLEPOOL.replace("E06000001", "E10000099")
    result = parse(
        c1(
            f"2025,{HARTLEPOOL},Referrals,2020,536,26.5",
            f"2019,{old_code},Referrals,2020,536,26.5",
            f"2018,{old_code},Referrals,2020,536,26.5",
            f"2019,{DARLINGTON},Referrals,2020,536,26.5",  # present in one year only
        )
    )
    assert not has_errors(result.findings)
    [warning] = result.findings
    assert warning.severity == Severity.WARNING
    assert warning.row == 3
    assert "805" in warning.message
    assert "E10000099" in warning.message
    assert "E06000001" in warning.message
    assert len(result.figures) == 4
    assert {f.la_number for f in result.figures} == {"805", "841"}
    assert [a.code for a in result.areas if a.la_number == "805"] == ["E06000001", "E10000099"]


def test_other_geographic_levels_are_skipped_with_one_warning() -> None:
    result = parse(
        c1(
            f"2025,{HARTLEPOOL.replace('Local authority', 'Local authority district')},R,1,1,1",
            f"2024,{HARTLEPOOL.replace('Local authority', 'Local authority district')},R,1,1,1",
            f"2025,{HARTLEPOOL},Referrals,2020,536,26.5",
        )
    )
    [warning] = result.findings
    assert warning.severity == Severity.WARNING
    assert "2 rows" in warning.message
    assert len(result.figures) == 1


def test_a_row_with_too_few_cells_is_an_error_and_blank_lines_are_ignored() -> None:
    result = parse(c1(f"2025,{HARTLEPOOL},Referrals,2020", "", f"2025,{DARLINGTON},R,1,1,1,,"))
    assert [(f.row, f.severity) for f in result.findings] == [(2, "error")]
    assert only(result, la_number="841").value == 1


def test_a_file_of_another_kind_is_refused_on_row_1() -> None:
    text = "LA number,LA Name,SN1,SNP,SN2,SNP\n865,Wiltshire,1,2,3,4\n"
    result = parse(text, "New_Statistical_Neighbour_Groupings_April_2021.csv")
    [finding] = result.findings
    assert (finding.row, finding.severity) == (1, Severity.ERROR)
    assert finding.message.startswith(
        "This file has none of the columns of the published files we know: "
    )
    assert "rereferral_percent" in finding.message
    assert result.figures == []


def test_a_file_without_area_columns_is_refused() -> None:
    result = parse(
        "time_period,referral_count,rereferral_count,rereferral_percent\n2025,1,1,22.6\n"
    )
    assert "geographic_level" in errors(result)[0]
    assert result.figures == []


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", " , ,\n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    result = parse(text)
    [finding] = result.findings
    assert (finding.row, finding.severity) == (1, Severity.ERROR)
    assert "empty" in finding.message


def test_a_header_without_rows_is_an_error() -> None:
    result = parse(c1())
    assert "no rows" in errors(result)[0]


def test_text_that_is_not_utf8_is_an_error() -> None:
    text = c1(f"2025,{HARTLEPOOL},Referrals,2020,536,26.5").replace("Hartlepool", "Hartlepööl")
    result = parse(text.encode("latin-1"))
    assert "UTF-8" in errors(result)[0]
    result = parse_published(
        io.BytesIO(text.encode("latin-1")), MAPPINGS, source_name="c1_referrals.csv"
    )
    assert "UTF-8" in errors(result)[0]


# --- long files -------------------------------------------------------------------------------

STABILITY_HEADER = (
    f"{GEOGRAPHY.replace('new_la_code,la_name', 'la_name,new_la_code')},"
    "cla_group,placement_stability,children_count,children_percent"
)
HARTLEPOOL_LONG = HARTLEPOOL.replace("E06000001,Hartlepool", "Hartlepool,E06000001")
THREE_OR_MORE = "With 3 or more placements during the year"


def test_a_long_file_picks_each_measure_by_its_filters() -> None:
    text = "\n".join(
        [
            "\ufeff" + STABILITY_HEADER,
            f"2025,{HARTLEPOOL_LONG},CLA on 31 March,Total children,300,100",
            f"2025,{HARTLEPOOL_LONG},CLA on 31 March,{THREE_OR_MORE},27,9",
            f"2025,{HARTLEPOOL_LONG},cla  2.5 YEARS ,Same carer 2 years,c,c",
            f"2025,{HARTLEPOOL_LONG},CLA 2.5 years,Total children,c,c",
        ]
    )
    result = parse(text, "la_cla_placement_stability.csv")
    assert result.findings == []
    assert result.rows_read == 4
    assert only(result, indicator_code="CLA-3PLAC").value == Decimal(9)
    long_term = only(result, indicator_code="CLA-STAB-LT")
    assert (long_term.value, long_term.suppression, long_term.row) == (None, "c", 4)
    assert result.figures_by_mapping == {"3 or more placements": 1, "long-term stability": 1}


def test_a_mapping_whose_rows_never_appear_gets_a_warning() -> None:
    text = "\n".join(
        [
            STABILITY_HEADER,
            f"2025,{HARTLEPOOL_LONG},CLA on 31 March,{THREE_OR_MORE},27,9",
        ]
    )
    result = parse(text, "la_cla_placement_stability.csv")
    [warning] = result.findings
    assert warning.severity == Severity.WARNING
    assert "long-term stability" in warning.message
    assert result.figures_by_mapping["long-term stability"] == 0


def test_mappings_whose_file_hint_matches_the_name_are_preferred() -> None:
    other = Mapping(
        name="other", indicator_code="X", file_hint="some_other_file", value_column="referral_count"
    )
    text = c1(f"2025,{HARTLEPOOL},Referrals,2020,536,26.5")
    by_name = parse_published(text, [*MAPPINGS, other], source_name="c1_referrals.csv")
    assert {f.indicator_code for f in by_name.figures} == {"REF-REREF"}
    # A renamed upload matches no hint: every mapping that fits the columns is used.
    renamed = parse_published(text, [*MAPPINGS, other], source_name="upload.csv")
    assert {f.indicator_code for f in renamed.figures} == {"REF-REREF", "X"}
    assert mappings_for_file(MAPPINGS, "LA_CLA_PLACEMENT_STABILITY.csv") == [
        THREE_PLACEMENTS,
        LONG_TERM,
    ]


# --- mappings and small functions -------------------------------------------------------------


def test_mappings_round_trip_through_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "mappings.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REREF.as_row()))
        writer.writeheader()
        for mapping in MAPPINGS:
            writer.writerow(mapping.as_row())
    assert load_mappings(path) == MAPPINGS


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"name": "a", "indicator_code": "", "value_column": "v"}, "indicator code"),
        ({"name": "a", "indicator_code": "X", "value_column": "v", "period_kind": "q"}, "kind"),
        ({"name": "a", "indicator_code": "X", "value_column": "v", "filters": "g"}, "column=value"),
        (
            {"name": "a", "indicator_code": "X", "value_column": "v", "numerator_column": "n"},
            "both",
        ),
    ],
)
def test_a_bad_mapping_row_is_refused(row: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Mapping.from_row(row)


def test_a_repeated_mapping_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mappings.csv"
    path.write_text("name,indicator_code,value_column\na,X,v\na,Y,w\n")
    with pytest.raises(ValueError, match="line 3"):
        load_mappings(path)


@pytest.mark.parametrize(
    ("text", "kind", "start"),
    [
        ("2025", "fy", date(2024, 4, 1)),
        ("202425", "fy", date(2024, 4, 1)),
        ("2024/25", "fy", date(2024, 4, 1)),
        (" 2013 ", "fy", date(2012, 4, 1)),
        ("202425", "ay", date(2024, 9, 1)),
        ("2025", "snapshot", date(2025, 3, 31)),
    ],
)
def test_period_start(text: str, kind: str, start: date) -> None:
    assert period_start(text, kind) == start


@pytest.mark.parametrize("text", ["", "25", "202426", "20245", "abcd", "2025 Q1"])
def test_period_start_refuses_other_text(text: str) -> None:
    with pytest.raises(ValueError):
        period_start(text, "fy")


def test_shipped_mappings_name_catalogue_indicators() -> None:
    with CATALOGUE.open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    shipped = load_mappings(SHIPPED_MAPPINGS)
    assert {m.indicator_code for m in shipped} <= codes
    assert {m.indicator_code for m in shipped} >= {
        "REF-REREF",
        "CPP-2ND",
        "CPP-2YR-OPEN",
        "CLA-3PLAC",
        "CLA-STAB-LT",
        "CL-ACC-1718",
        "CL-ACC-1921",
        "CLA-COUNT",
        "CLA-RATE",
    }


# --- the value rules every figure obeys (indicators.value_rules) -----------------------------

MEASURES = {"REF-REREF": Measure("% re-referrals", "percent", decimals=1)}


def checked(text: str) -> ParseResult:
    return parse_published(text, MAPPINGS, source_name="c1_referrals.csv", measures=MEASURES)


def test_values_the_entry_form_refuses_are_errors_on_their_row_and_column() -> None:
    result = checked(
        c1(
            f"2025,{NATIONAL},Referrals,632830,142900,22.6",
            f"2025,{NORTH_EAST},Referrals,32490,6730,250",
            f"2025,{HARTLEPOOL},Referrals,200,300,12",
            f"2025,{DARLINGTON},Referrals,-20,5,10",
            f"2024,{DARLINGTON},Referrals,2000,500,25.01234",
        )
    )
    assert [(f.row, f.column, f.message) for f in result.findings] == [
        (3, "rereferral_percent", "% re-referrals: The value must be between 0% and 100% (250)."),
        (
            4,
            "rereferral_count",
            "% re-referrals: the numerator (300) cannot be more than the denominator (200).",
        ),
        (5, "referral_count", "% re-referrals: The denominator cannot be below zero (-20)."),
        (
            6,
            "rereferral_percent",
            "% re-referrals: The value has more than 4 decimal places (25.01234): round it to 4 "
            "or fewer.",
        ),
    ]
    assert result.has_errors
    assert [f.row for f in result.figures] == [2]  # a refused value is never given


@pytest.mark.parametrize("code", SUPPRESSION_CODES)
def test_suppression_codes_are_not_values_and_not_errors(code: str) -> None:
    result = checked(c1(f"2025,{HARTLEPOOL},Referrals,{code},{code},{code}"))
    assert result.findings == []
    assert (only(result, la_number="805").value, only(result, la_number="805").suppression) == (
        None,
        code,
    )


def test_a_suppressed_value_keeps_no_parts_and_a_published_value_is_kept_as_published() -> None:
    result = checked(
        c1(f"2025,{HARTLEPOOL},Referrals,2020,536,c", f"2025,{DARLINGTON},Referrals,2020,536,30.0")
    )
    assert result.findings == []
    hartlepool = only(result, la_number="805")
    assert (hartlepool.value, hartlepool.numerator, hartlepool.denominator) == (None, None, None)
    # 536 of 2020 is 26.5%: what was published stands (published figures are rounded).
    assert only(result, la_number="841").value == Decimal("30.0")


def test_without_a_measure_nothing_is_judged() -> None:
    """An indicator not in the catalogue is skipped by the importer: the reader has no rules
    for it, and reads the numbers as they are."""
    result = parse(c1(f"2025,{HARTLEPOOL},Referrals,200,300,-12"))
    assert result.findings == []
    assert only(result, la_number="805").value == Decimal(-12)


@given(st.decimals(max_value=Decimal("-0.001"), places=3, allow_nan=False, allow_infinity=False))
def test_a_negative_published_value_is_always_an_error_never_a_figure(value: Decimal) -> None:
    result = checked(c1(f"2025,{HARTLEPOOL},Referrals,2020,536,{value}"))
    assert result.figures == []
    [finding] = result.findings
    assert (finding.row, finding.column, finding.severity) == (2, "rereferral_percent", "error")
    assert finding.message.startswith("% re-referrals: The value must be between 0% and 100%")


# --- hypothesis -------------------------------------------------------------------------------

cells = st.one_of(
    st.sampled_from(["", "c", "K", "low", "2025", "202425", "12.5", "1,234", "-3", "National"]),
    st.sampled_from(["Local authority", "Regional", "E92000001", "805", "x"]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cells, min_size=0, max_size=16), max_size=12))
def test_random_rows_give_figures_or_findings_and_never_raise(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(C1_HEADER.split(","))
    writer.writerows(rows)
    result = parse(buffer.getvalue())
    assert result.rows_read <= len(rows)
    for figure in result.figures:
        assert (figure.value is None) == (figure.suppression != "")
        assert figure.suppression in ("", *SUPPRESSION_CODES)
        assert (figure.numerator is None) == (figure.denominator is None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_at_all_never_raises(text: str) -> None:
    result = parse(text)
    assert result.figures or result.findings


@given(
    st.sampled_from(SUPPRESSION_CODES),
    st.sampled_from([str.lower, str.upper, str.title]),
    st.sampled_from(["", " ", '"']),
)
def test_any_suppression_code_never_yields_a_value(
    code: str, case: Callable[[str], str], pad: str
) -> None:
    cell = case(code)
    cell = f'"{cell}"' if pad == '"' else f"{pad}{cell}{pad}"
    result = parse(c1(f"2025,{HARTLEPOOL},Referrals,{cell},{cell},{cell}"))
    figure = only(result, la_number="805")
    assert figure.value is None
    assert figure.suppression == code
    assert read_cell(case(code)) == (None, code)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
    )
)
def test_numbers_round_trip(number: Decimal) -> None:
    text = f"{number:f}"
    result = parse(c1(f"2025,{HARTLEPOOL},Referrals,1,1,{text}"))
    assert errors(result) == []
    assert only(result, la_number="805").value == number
    with_commas = f"{number:,f}"
    assert read_cell(with_commas) == (number, "")


# --- acceptance: the real published files -----------------------------------------------------


@pytest.fixture(scope="module")
def real() -> dict[str, ParseResult]:
    if not DFE.is_dir():
        pytest.skip(f"The published DfE files are not here ({DFE}): acceptance test skipped.")
    mappings = load_mappings(SHIPPED_MAPPINGS)
    results = {}
    for path in sorted(DFE.glob("*.csv")):
        chosen = mappings_for_file(mappings, path.name)
        if chosen:
            with path.open("rb") as handle:
                results[path.name] = parse_published(handle, mappings, source_name=path.name)
    return results


def figure_in(
    results: dict[str, ParseResult], code: str, year: int, level: str, la: str = ""
) -> PublishedFigure:
    found = [
        f
        for result in results.values()
        for f in result.figures
        if f.indicator_code == code
        and f.period_start == date(year - 1, 4, 1)
        and f.level == level
        and f.la_number == la
    ]
    assert len(found) == 1, found
    return found[0]


def test_real_files_obey_the_value_rules_with_the_catalogues_measures() -> None:
    """The rules the entry form applies refuse nothing the DfE has published."""
    if not DFE.is_dir():
        pytest.skip(f"The published DfE files are not here ({DFE}): acceptance test skipped.")
    with CATALOGUE.open(encoding="utf-8") as handle:
        measures = {
            row["code"]: Measure(row["title"], row["unit"], int(row["decimals"]))
            for row in csv.DictReader(handle)
        }
    mappings = load_mappings(SHIPPED_MAPPINGS)
    checked_figures = 0
    for path in sorted(DFE.glob("*.csv")):
        if mappings_for_file(mappings, path.name):
            with path.open("rb") as handle:
                result = parse_published(handle, mappings, source_name=path.name, measures=measures)
            assert not result.has_errors, (path.name, result.findings[:5])
            checked_figures += len(result.figures)
    assert checked_figures > 10_000


def test_real_files_have_no_errors_and_every_mapping_finds_rows(
    real: dict[str, ParseResult],
) -> None:
    mappings = load_mappings(SHIPPED_MAPPINGS)
    produced: dict[str, int] = {}
    for name, result in real.items():
        assert not result.has_errors, (name, result.findings[:5])
        produced.update(result.figures_by_mapping)
    for mapping in mappings:
        assert produced.get(mapping.name, 0) > 100, mapping.name


def test_england_values_2025(real: dict[str, ParseResult]) -> None:
    assert figure_in(real, "REF-REREF", 2025, "national").value == Decimal("22.6")
    assert figure_in(real, "CPP-2ND", 2025, "national").value == Decimal("24.5")
    assert figure_in(real, "CPP-2YR-OPEN", 2025, "national").value == Decimal("2.3")
    assert figure_in(real, "CLA-COUNT", 2025, "national").value == Decimal(81770)
    assert figure_in(real, "CLA-RATE", 2025, "national").value == Decimal(67)
    assert figure_in(real, "CLA-3PLAC", 2025, "national").value == Decimal(10)
    assert figure_in(real, "CLA-STAB-LT", 2025, "national").value == Decimal(69)
    assert figure_in(real, "CL-ACC-1718", 2025, "national").value == Decimal(91)
    assert figure_in(real, "CL-ACC-1921", 2025, "national").value == Decimal(89)


def test_wiltshire_values_2025(real: dict[str, ParseResult]) -> None:
    # Read from the files by hand: Wiltshire (865, E06000054), reporting year 2025.
    reref = figure_in(real, "REF-REREF", 2025, "local", "865")
    assert (reref.value, reref.numerator, reref.denominator) == (
        Decimal("18.7"),
        Decimal(517),
        Decimal(2770),
    )
    assert (reref.area_code, reref.area_name, reref.region_name) == (
        "E06000054",
        "Wiltshire",
        "South West",
    )
    assert figure_in(real, "CLA-COUNT", 2025, "local", "865").value == Decimal(478)
    rate = figure_in(real, "CLA-RATE", 2025, "local", "865")
    assert (rate.value, rate.numerator, rate.denominator) == (
        Decimal(46),
        Decimal(478),
        Decimal(104201),
    )
    assert figure_in(real, "CPP-2YR-OPEN", 2025, "local", "865").value == Decimal("1.9")


def test_real_suppression_and_reorganisation(real: dict[str, ParseResult]) -> None:
    c1_result = next(r for name, r in real.items() if name.startswith("c1_"))
    suppressed = [f for f in c1_result.figures if f.suppression]
    assert suppressed
    assert all(f.value is None for f in suppressed)
    warnings = [f for f in c1_result.findings if f.severity == Severity.WARNING]
    assert any("815" in f.message and "North Yorkshire" in f.message for f in warnings)
    regions = {a.code for a in c1_result.areas if a.level == "regional"}
    assert {"E12000001", "E12000007", "E12000009"} <= regions
    assert [a.code for a in c1_result.areas if a.level == "national"] == ["E92000001"]


def test_a_scottish_area_is_refused_at_validation_naming_its_row() -> None:
    glasgow = "Reporting year,Local authority,S92000003,Scotland,,,,S12000049,Glasgow City"
    result = parse(
        c1(f"2025,{HARTLEPOOL},Referrals,2020,536,26.5", f"2025,{glasgow},Referrals,1,1,100")
    )
    assert errors(result) == [
        "Row 3: S12000049 is an ONS code for Scotland: the product holds areas in England and "
        "Wales only."
    ]
    assert [f.column for f in result.findings] == ["new_la_code"]


def test_a_row_for_a_measure_of_another_nation_is_refused_suppressed_or_not() -> None:
    # Issue 17: the mapping's measure applies in Wales only; England's rows are refused on
    # their value column, a suppressed one too, and no figure is given.
    cardiff = "Reporting year,Local authority,W92000004,Wales,,,,W06000015,Cardiff"
    text = c1(
        f"2025,{NATIONAL},Referrals,632830,142900,22.6",
        f"2025,{HARTLEPOOL},Referrals,1500,c,c",
        f"2025,{cardiff},Referrals,1000,200,20.0",
    )
    welsh = {"REF-REREF": Measure("Re-registrations", "percent", 1, "wales")}
    result = parse_published(text, MAPPINGS, source_name="c1_referrals.csv", measures=welsh)
    refusal = (
        "Re-registrations: this measure applies in Wales only, so no figure is taken for an "
        "area in England."
    )
    assert [(f.row, f.column, f.message) for f in result.findings if f.severity == "error"] == [
        (2, "rereferral_percent", refusal),
        (3, "rereferral_percent", refusal),
    ]
