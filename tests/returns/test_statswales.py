"""The StatsWales reader: small files written here in both layouts, every mark, rounding, names
and codes, years and quarters, title lines, a byte-order mark and Welsh headers. Pure: no
database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from indicators import periods
from indicators.value_rules import Measure
from returns.findings import Severity
from returns.limits import ImportLimits
from returns.statswales import (
    KnownArea,
    KnownMeasure,
    StatsWalesResult,
    WelshFigure,
    read_period,
    read_statswales,
    read_value,
)

AREAS = [
    KnownArea("W92000004", ("Wales", "Cymru")),
    KnownArea("W06000015", ("Cardiff", "Caerdydd")),
    KnownArea("W06000016", ("Rhondda Cynon Taf", "Rhondda Cynon Taf")),
    KnownArea("W06000001", ("Isle of Anglesey", "Ynys Môn")),
]
PM24_TITLE = "% of assessments completed for children within statutory timescales"
MEASURES = [
    KnownMeasure("PM24", PM24_TITLE, "quarterly", Measure(PM24_TITLE, "percent", 1)),
    KnownMeasure(
        "PM28",
        "Average length of time on the child protection register (days)",
        "quarterly",
        Measure("PM28", "days", 0),
    ),
    KnownMeasure(
        "PM29a",
        "% of looked after children achieving the core subject indicator at key stage 2",
        "annual",
        Measure("PM29a", "percent", 1),
    ),
]
FY16 = ("fy", date(2016, 4, 1))
Q1_17 = ("quarter", date(2017, 4, 1))


def read(text: str, name: str = "download.csv", **kwargs: object) -> StatsWalesResult:
    return read_statswales(
        text.encode(), areas=AREAS, measures=MEASURES, source_name=name, **kwargs
    )


def errors(result: StatsWalesResult) -> list[str]:
    return [f.message for f in result.findings if f.severity == Severity.ERROR]


def figures(result: StatsWalesResult) -> list[tuple[str, str, str, date, Decimal | None, str]]:
    return [
        (f.area_code, f.indicator_code, f.period_kind, f.period_start, f.value, f.suppression)
        for f in result.figures
    ]


# --- layouts ---------------------------------------------------------------------------------


def test_a_long_file_after_title_lines_with_a_byte_order_mark() -> None:
    result = read(
        "\ufeffSocial services performance measures, children\n"
        '"Source: StatsWales, downloaded 3 December 2026"\n'
        "\n"
        "Area,Area code,Measure,Year,Data\n"
        "Wales,W92000004,PM24: % of assessments,2016-17,89.2\n"
        "Cardiff,W06000015,PM24,2017-18 Q1,91.0\n"
    )
    assert errors(result) == []
    assert result.layout == "long"
    assert result.rows_read == 2
    assert figures(result) == [
        ("W92000004", "PM24", *FY16, Decimal("89.2"), ""),
        ("W06000015", "PM24", *Q1_17, Decimal("91.0"), ""),
    ]
    assert [f.row for f in result.figures] == [5, 6]


def test_a_wide_file_with_one_measure_named_in_its_title() -> None:
    result = read(
        f"PM24: {PM24_TITLE}\n"
        "Local authority,2016-17,2017-18 Q1,Q2 2017-18\n"
        "Wales,89.2,90.1,.\n"
        "Cardiff,85,..,*\n"
        "Source: StatsWales\n"
    )
    assert errors(result) == []
    assert result.layout == "wide"
    assert figures(result) == [
        ("W92000004", "PM24", *FY16, Decimal("89.2"), ""),
        ("W92000004", "PM24", *Q1_17, Decimal("90.1"), ""),
        ("W92000004", "PM24", "quarter", date(2017, 7, 1), None, "z"),
        ("W06000015", "PM24", *FY16, Decimal("85"), ""),
        ("W06000015", "PM24", *Q1_17, None, "x"),
        ("W06000015", "PM24", "quarter", date(2017, 7, 1), None, "c"),
    ]


def test_a_wide_file_with_a_measure_column_and_no_title() -> None:
    result = read("AreaCode,Performance measure,2016-17\nW92000004,PM28,243\nW06000015,PM24,80\n")
    assert errors(result) == []
    assert figures(result) == [
        ("W92000004", "PM28", *FY16, Decimal("243"), ""),
        ("W06000015", "PM24", *FY16, Decimal("80"), ""),
    ]


def test_the_measure_of_a_file_without_a_measure_column_can_come_from_its_name() -> None:
    result = read("Area,2016-17\nWales,89.2\n", name="statswales_pm24_2016.csv")
    assert figures(result) == [("W92000004", "PM24", *FY16, Decimal("89.2"), "")]


def test_a_file_without_a_measure_anywhere_is_refused() -> None:
    result = read("Area,2016-17\nWales,89.2\n", name="download.csv")
    assert "do not say which measure" in errors(result)[0]
    assert result.figures == []


def test_a_title_naming_two_measures_is_refused_without_a_measure_column() -> None:
    result = read("PM24 and PM28\nArea,2016-17\nWales,89.2\n")
    assert "names several measures (PM24, PM28)" in errors(result)[0]


def test_welsh_headers_are_read() -> None:
    result = read("Ardal,Cod ardal,Mesur,Blwyddyn,Chwarter,Gwerth\nCymru,,PM24,2017-18,Q1,91\n")
    assert errors(result) == []
    assert figures(result) == [("W92000004", "PM24", *Q1_17, Decimal("91"), "")]


def test_a_quarter_column_beside_the_year() -> None:
    result = read(
        "Area,Measure,Year,Quarter,Value\nWales,PM24,2016-17,Year,89.2\nWales,PM24,2017-18,Q1,91\n"
    )
    assert figures(result) == [
        ("W92000004", "PM24", *FY16, Decimal("89.2"), ""),
        ("W92000004", "PM24", *Q1_17, Decimal("91"), ""),
    ]


def test_an_xlsx_download_is_read_like_a_csv() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["PM28 average days on the register"])
    sheet.append(["Area", "2016-17"])
    sheet.append(["Wales", 243])
    sheet.append(["Cardiff", ".."])
    out = io.BytesIO()
    book.save(out)
    result = read_statswales(
        out.getvalue(), areas=AREAS, measures=MEASURES, source_name="pm28.xlsx"
    )
    assert errors(result) == []
    assert figures(result) == [
        ("W92000004", "PM28", *FY16, Decimal("243"), ""),
        ("W06000015", "PM28", *FY16, None, "x"),
    ]


def test_a_file_with_no_header_is_refused() -> None:
    result = read("Just some text\nand more text\n")
    assert "has no header that a StatsWales download has" in errors(result)[0]


def test_a_header_with_no_rows_is_refused() -> None:
    assert "no rows of data" in errors(read("Area,Measure,Year,Data\n"))[0]
    # Under a title, and with only footnotes or skipped measures under it.
    for text in (
        "PM24 downloads\nArea,Measure,Year,Data\nSource: StatsWales\n",
        "Area,Measure,Year,Data\nWales,PM18,2016-17,5\n",
    ):
        assert "nothing would be imported" in errors(read(text))[0]


def test_a_file_past_the_row_limit_is_refused_with_nothing_kept() -> None:
    rows = "".join(f"Wales,PM24,{2000 + n}-{(n + 1) % 100:02d},50\n" for n in range(5))
    result = read("Area,Measure,Year,Data\n" + rows, limits=ImportLimits(sheet_rows=3))
    assert result.figures == []
    assert any("more than 3 rows" in m for m in errors(result))


def test_a_wide_file_past_the_figure_limit_is_refused() -> None:
    result = read(
        "Area,Measure,2014-15,2015-16,2016-17\nWales,PM24,1,2,3\n",
        limits=ImportLimits(sheet_rows=2),
    )
    assert result.figures == []
    assert any("more than 2 rows or figures" in m for m in errors(result))


def test_text_that_is_not_utf8_is_refused() -> None:
    result = read_statswales(
        b"Area,Measure,Year,Data\nYnys M\xf4n,PM24,2016-17,1\n",
        areas=AREAS,
        measures=MEASURES,
        source_name="latin1.csv",
    )
    assert "not UTF-8" in errors(result)[0]


# --- areas and measures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Wales", "W92000004"),
        ("WALES", "W92000004"),
        ("Cymru", "W92000004"),
        ("rhondda-cynon-taf", "W06000016"),
        ("Rhondda Cynon Taf.", "W06000016"),
        ("Ynys Mon", "W06000001"),
        ("isle of anglesey", "W06000001"),
        ("Caerdydd", "W06000015"),
    ],
)
def test_areas_are_matched_by_name_whatever_the_case_and_punctuation(
    written: str, code: str
) -> None:
    result = read(f"Area,Measure,Year,Data\n{written},PM24,2016-17,50\n")
    assert [f.area_code for f in result.figures] == [code]


def test_a_code_is_matched_whatever_the_name_beside_it() -> None:
    result = read("Area,Area code,Measure,Year,Data\nCaerdydd City,w06000015,PM24,2016-17,50\n")
    assert [f.area_code for f in result.figures] == ["W06000015"]


@pytest.mark.parametrize(
    "line",
    [
        "North Wales,,PM24,2016-17,50",  # a Welsh region: not an area the product keeps
        "England,E92000001,PM24,2016-17,50",
        ",W06000099,PM24,2016-17,50",
        ",,PM24,2016-17,50",
    ],
)
def test_an_unknown_area_is_an_error_on_its_row(line: str) -> None:
    result = read(f"Area,Area code,Measure,Year,Data\n{line}\n")
    message = errors(result)[0]
    assert message.startswith("Row 2 names")
    assert "not Wales or one of the 22 Welsh authorities" in message
    assert result.figures == []


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("PM24", "PM24"),
        ("pm24", "PM24"),
        ("PMC024", "PM24"),
        ("PM 24", "PM24"),
        ("PM24: anything at all", "PM24"),
        ("PM29a", "PM29a"),
        ("PM29A - key stage 2", "PM29a"),
        (PM24_TITLE, "PM24"),
        ("Percentage of assessments completed for children within statutory timescales", "PM24"),
        ("Average length of time on the child protection register (days)", "PM28"),
    ],
)
def test_measures_are_matched_by_code_or_title(written: str, code: str) -> None:
    result = read(f'Area,Measure,Year,Data\nWales,"{written}",2016-17,50\n')
    assert [f.indicator_code for f in result.figures] == [code]


def test_a_framework_measure_not_in_the_catalogue_is_a_warning_and_not_read() -> None:
    result = read("Area,Measure,Year,Data\nWales,PM18,2016-17,5\nWales,PM24,2016-17,50\n")
    assert errors(result) == []
    warnings = [f.message for f in result.findings if f.severity == Severity.WARNING]
    assert warnings == [
        "1 row of PM18 (first at row 2) not read: the catalogue has no such Welsh measure."
    ]
    assert [f.indicator_code for f in result.figures] == ["PM24"]


def test_a_measure_naming_nothing_is_an_error() -> None:
    result = read("Area,Measure,Year,Data\nWales,Something else,2016-17,5\n")
    assert "names none of the Welsh performance measures" in errors(result)[0]


def test_the_same_area_measure_and_period_twice_names_both_rows() -> None:
    result = read(
        "Area,Area code,Measure,Year,Data\nWales,,PM24,2016-17,50\n,W92000004,PMC024,2016/17,51\n"
    )
    assert errors(result) == [
        "Rows 2 and 3 both give PM24 for W92000004 in 2016/17. Remove one of them."
    ]


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind", "start"),
    [
        ("2016-17", "fy", date(2016, 4, 1)),
        ("2011-12", "fy", date(2011, 4, 1)),  # not December 2011
        ("2016/17", "fy", date(2016, 4, 1)),
        ("2016-2017", "fy", date(2016, 4, 1)),
        ("2016-17 year end", "fy", date(2016, 4, 1)),
        ("2017-18 Q1", "quarter", date(2017, 4, 1)),
        ("Q1 2017-18", "quarter", date(2017, 4, 1)),
        ("2017-18 Quarter 4", "quarter", date(2018, 1, 1)),
        ("Q3 2017/18", "quarter", date(2017, 10, 1)),
        ("AY 2016/17", "ay", date(2016, 9, 1)),
    ],
)
def test_years_and_quarters(written: str, kind: str, start: date) -> None:
    assert read_period(written) == (kind, start)


@pytest.mark.parametrize("written", ["2016-18", "April 2017", "2018-03-31", "2017", "Q5 2017-18"])
def test_what_is_not_a_year_or_quarter_is_refused(written: str) -> None:
    with pytest.raises(ValueError):
        read_period(written)


def test_a_bad_period_is_an_error_on_its_row_and_a_quarter_of_an_annual_measure_too() -> None:
    result = read("Area,Measure,Year,Data\nWales,PM24,April 2017,5\nWales,PM29a,2017-18 Q1,5\n")
    assert errors(result)[0].startswith("Row 2: 'April 2017' is a month or a date")
    assert errors(result)[1] == "Row 3: PM29a is an annual measure, so it has no quarters' figures."


@given(st.integers(min_value=1990, max_value=2099), st.integers(min_value=1, max_value=4))
def test_every_year_and_quarter_label_reads_back(year: int, quarter: int) -> None:
    start = date(year, 4, 1)
    assert read_period(f"{year}-{(year + 1) % 100:02d}") == ("fy", start)
    assert read_period(periods.year_end_label(start)) == ("fy", start)
    quarter_start = periods.add_months(start, (quarter - 1) * 3)
    label = periods.label("quarter", *periods.bounds("quarter", quarter_start))
    assert read_period(label) == ("quarter", quarter_start)
    assert read_period(f"{year}-{(year + 1) % 100:02d} Q{quarter}") == ("quarter", quarter_start)


# --- values and marks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "read_as"),
    [
        ("..", (None, "x", 0)),
        (".", (None, "z", 0)),
        ("*", (None, "c", 0)),
        ("-", (Decimal(0), "", 0)),
        ("", (None, "x", 0)),
        ("..r", (None, "x", 0)),
        ("* (p)", (None, "c", 0)),
        (".[a]", (None, "z", 0)),
        ("45.3", (Decimal("45.3"), "", 1)),
        ("45.30", (Decimal("45.30"), "", 2)),
        ("45.3r", (Decimal("45.3"), "", 1)),
        ("45.3 (p)", (Decimal("45.3"), "", 1)),
        ("1,234", (Decimal(1234), "", 0)),
        ("-5", (Decimal(-5), "", 0)),
        ("243", (Decimal(243), "", 0)),
    ],
)
def test_statswales_marks_and_numbers(cell: str, read_as: tuple[object, str, int]) -> None:
    assert read_value(cell) == read_as


@pytest.mark.parametrize("cell", ["x", "c", "n/a", "12e3", "NaN", "45..3", "~", "#DIV/0!"])
def test_what_is_neither_a_number_nor_a_mark(cell: str) -> None:
    assert read_value(cell) is None


def test_no_mark_but_nil_is_stored_as_zero() -> None:
    result = read("Area,Measure,2016-17,2017-18 Q1,2017-18 Q2,2017-18 Q3\nWales,PM24,..,.,*,-\n")
    values = [(f.value, f.suppression) for f in result.figures]
    assert values == [(None, "x"), (None, "z"), (None, "c"), (Decimal(0), "")]


def test_an_unreadable_value_is_an_error_at_its_row_and_column() -> None:
    result = read("Area,Measure,2016-17\nWales,PM24,n/a\n")
    finding = result.findings[0]
    assert (finding.row, finding.column) == (2, "2016-17")
    assert "'n/a' is not a number or one of StatsWales's marks" in finding.message


def test_values_the_rules_refuse_are_errors() -> None:
    result = read("Area,Measure,Year,Data\nWales,PM24,2016-17,100.4\nWales,PM28,2016-17,-3\n")
    assert len(errors(result)) == 2
    assert "between 0% and 100%" in errors(result)[0]
    assert result.figures == []


@given(
    st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "r", " (p)", "[a]"]),
)
def test_a_published_value_is_kept_as_published(value: Decimal, note: str) -> None:
    """Whatever its footnote, a value is the number printed, at the places printed: never
    re-rounded to the measure's decimals, and its places are known."""
    written = f"{value:.1f}"
    assert read_value(written + note) == (Decimal(written), "", 1)
    result = read(f"Area,Measure,Year,Data\nWales,PM28,2016-17,{written}{note}\n")
    assert result.figures == [WelshFigure(2, "W92000004", "PM28", *FY16, Decimal(written), "", 1)]
