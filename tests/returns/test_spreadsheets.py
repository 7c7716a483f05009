"""The pure spreadsheet reader: hand-made rows worked out by hand, and hypothesis feeding it
malformed ones. No database."""

import string
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import value_rules
from indicators.formatting import UNITS
from returns import spreadsheets
from returns.spreadsheets import CellError, Table, parse_figures, parse_targets, read_table

from .sheet_files import FIGURE_HEADER, TARGET_HEADER, csv_bytes, with_blank_rows, xlsx_bytes

TODAY = date(2026, 1, 15)


def figures(*rows: list[object], header: list[str] = FIGURE_HEADER) -> spreadsheets.Parsed:
    return parse_figures(read_table(csv_bytes(header, *rows), "f.csv"), TODAY)


def errors(parsed: spreadsheets.Parsed) -> list[tuple[int, str, str]]:
    return [(f.row, f.column, f.message) for f in parsed.findings if f.is_error]


def test_a_good_row_is_typed() -> None:
    parsed = figures(
        ["865", "ASMT-45", "2021-09", "locality: North", "", "87", "100", "", "yes", "Up"]
    )
    assert not parsed.findings
    (row,) = parsed.rows
    assert (row.row, row.authority, row.indicator, row.period_kind, row.period_start) == (
        2,
        "865",
        "ASMT-45",
        "month",
        date(2021, 9, 1),
    )
    assert (row.dimension, row.category) == ("locality", "North")
    assert (row.value, row.numerator, row.denominator) == (None, 87, 100)
    assert (row.provisional, row.commentary) == (True, "Up")


@pytest.mark.parametrize(
    ("written", "kind", "start"),
    [
        ("2021-09", "month", date(2021, 9, 1)),
        ("fy-2021-22-q2", "quarter", date(2021, 7, 1)),
        ("fy-2021-22", "fy", date(2021, 4, 1)),
        ("2021/22", "fy", date(2021, 4, 1)),
        ("2021-22", "fy", date(2021, 4, 1)),
        ("2021/22 Q4", "quarter", date(2022, 1, 1)),
        ("ay-2021-22", "ay", date(2021, 9, 1)),
        ("AY 2021/22", "ay", date(2021, 9, 1)),
        ("at-2022-03-31", "snapshot", date(2022, 3, 31)),
        ("2022-03-31", "snapshot", date(2022, 3, 31)),
        (date(2021, 9, 1), "month", date(2021, 9, 1)),
        (date(2022, 3, 31), "snapshot", date(2022, 3, 31)),
    ],
)
def test_periods_as_people_write_them(written: object, kind: str, start: date) -> None:
    assert spreadsheets.as_period(written) == (kind, start)


def test_messages_name_the_row_and_column_and_say_what_to_write() -> None:
    parsed = figures(
        ["865", "ASMT-45", "Sept 21", "", "4", "", "", "", "", ""],
        ["865", "ASMT-45", "2021-09", "North", "4", "", "", "", "maybe", ""],
        ["865", "", "2022-01", "", "4", "", "", "", "", ""],
        ["865", "ASMT-45", "2026-01", "", "4", "", "", "", "", ""],
        ["865", "ASMT-45", "2021-10", "", "lots", "", "", "", "", ""],
    )
    assert errors(parsed) == [
        (
            2,
            "period",
            "'Sept 21' is not a period; write a month (September 2021 or 2021-09), a quarter "
            "(Q2 2021/22) or a year (2021/22).",
        ),
        (
            3,
            "breakdown",
            "'North' is not a category: write it as dimension: name, such as locality: North.",
        ),
        (3, "provisional", "'maybe' is not yes or no."),
        (4, "indicator", "The indicator code is empty."),
        (
            5,
            "period",
            "January 2026 has not ended yet: its figures can be imported from 1 February 2026.",
        ),
        (6, "value", "'lots' is not a number."),
    ]
    assert not parsed.rows


def test_what_the_numbers_may_be_is_left_to_the_value_rules() -> None:
    """A suppression code beside a value, a numerator without its denominator, a negative
    count: the reader cannot judge them without the indicator, so the import service asks
    `indicators.value_rules` once it has matched the row with the catalogue
    (sheet_batches/test_refusals has the messages)."""
    parsed = figures(
        ["865", "ASMT-45", "2021-11", "", "4", "", "", "c", "", ""],
        ["865", "ASMT-45", "2021-12", "", "", "3", "", "", "", ""],
        ["865", "CLA-COUNT", "2021-12", "", "-5", "", "", "", "", ""],
    )
    assert errors(parsed) == []
    assert [(row.value, row.numerator, row.suppression) for row in parsed.rows] == [
        (4, None, "c"),
        (None, 3, ""),
        (-5, None, ""),
    ]


def test_numbers_as_spreadsheets_write_them() -> None:
    for written, expected in [
        ("1,234.5", Decimal("1234.5")),
        ("87%", Decimal(87)),
        ("£1,200", Decimal(1200)),
        (" 12 ", Decimal(12)),
        ("1.234567", Decimal("1.2346")),
        (Decimal("0.1"), Decimal("0.1")),
    ]:
        assert spreadsheets.as_number(written) == expected
    for wrong in (
        "1,23",
        "NaN",
        "Infinity",
        "1e400",
        True,
        CellError("the cell shows the error #N/A"),
    ):
        with pytest.raises(spreadsheets.CellProblem):
            spreadsheets.as_number(wrong)


def test_a_formula_escaped_on_export_reads_back_as_written() -> None:
    assert spreadsheets.as_text("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert spreadsheets.as_text("'tis") == "'tis"


def test_headers_are_matched_loosely_and_unknown_columns_named() -> None:
    table = read_table(
        csv_bytes(
            ["Authority ", "Indicator", "PERIOD", "Value", "Notes"], ["865", "X", "2021-09", "1"]
        ),
        "f.csv",
    )
    parsed = parse_figures(table, TODAY)
    assert not errors(parsed)
    assert [f.message for f in parsed.findings] == [
        "The column notes is not one this import reads, so it is ignored."
    ]


def test_textual_duplicates_are_found_in_the_file() -> None:
    row = ["865", "ASMT-45", "2021-09", "", "4", "", "", "", "", ""]
    parsed = figures(row, ["865", "asmt-45", "2021-09", "", "5", "", "", "", "", ""])
    assert errors(parsed) == [
        (
            3,
            "",
            "This row is for the same figure as row 2 (authority, indicator, period and "
            "breakdown): keep one of them.",
        )
    ]


def test_comment_and_blank_rows_are_skipped() -> None:
    content = (
        b"authority,indicator,period,value\n# example: 865,X,2021-09,4\n,,,\n865,X,2021-09,4\n"
    )
    table = read_table(content, "f.csv")
    assert [number for number, _cells in table.rows] == [4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"authority;indicator;period\n", "separated by semicolons"),
        (b"\xff\xfea\x00", "Unicode Text (UTF-16)"),
        (b"\xd0\xcf\x11\xe0rest", "Excel 97-2003"),
        (b"PK\x03\x04junk", "is not a spreadsheet"),
        ("authority\nCaf\u00e9\n".encode("latin-1"), "on line 2, is byte 0xe9"),
    ],
)
def test_files_that_are_not_readable_say_why(content: bytes, message: str) -> None:
    table = read_table(content, "f.csv")
    assert message in " ".join(f.message for f in table.findings)
    assert not table.rows


def test_an_xlsx_sheet_is_read_with_its_types() -> None:
    content = xlsx_bytes(
        ["authority", "period", "value", "flag", "note"],
        [865, date(2021, 9, 1), 0.875, True, "=1+1"],
        formats={"C2": "0.0%"},
    )
    table = read_table(content, "f.xlsx", "figures")
    assert table.file_format == "xlsx"
    assert table.header == ["authority", "period", "value", "flag", "note"]
    ((number, cells),) = table.rows
    assert number == 2
    assert cells[:4] == [Decimal(865), date(2021, 9, 1), Decimal("87.5"), True]
    # openpyxl saves a formula without its result: the reader says so rather than guessing.
    assert isinstance(cells[4], CellError)


def test_an_xlsx_sheet_formatted_a_million_rows_down_stops_at_the_blank_rows() -> None:
    content = with_blank_rows(xlsx_bytes(["authority", "value"], ["865", 4]), 1_000_000)
    table = read_table(content, "f.xlsx", "figures")
    assert len(table.rows) == 1
    assert "reading stopped there" in table.findings[0].message
    assert not table.has_errors


def test_targets_are_typed() -> None:
    table = read_table(
        csv_bytes(TARGET_HEADER, ["865", "ASMT-45", "2021/22", "90", "95", ""]), "t.csv"
    )
    parsed = parse_targets(table)
    assert not parsed.findings
    (row,) = parsed.rows
    assert (row.year_start, row.lower, row.upper, row.tolerance) == (date(2021, 4, 1), 90, 95, 0)


# --- hypothesis: malformed rows never crash the reader, and every problem is a finding -------

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", "865", "2021-09", "fy-2021-22", "c", "yes", "1,234", "87%", "=1+1", "#N/A"]
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(cell_text, min_size=0, max_size=12), max_size=8),
    measure=st.builds(
        value_rules.Measure,
        title=st.just("A measure"),
        unit=st.sampled_from(UNITS),
        decimals=st.integers(0, 4),
    ),
)
def test_malformed_figure_rows_become_findings(
    rows: list[list[str]], measure: value_rules.Measure
) -> None:
    parsed = figures(*rows)
    data_rows = {n for n, _cells in read_table(csv_bytes(FIGURE_HEADER, *rows), "f.csv").rows}
    for finding in parsed.findings:
        # A sentence a person can act on, placed on a row of the file.
        assert finding.message.endswith((".", "?"))
        assert finding.row in data_rows or finding.row == 1
    for row in parsed.rows:
        assert row.authority and row.indicator
        # Whatever gets through the reader and then the value rules (as the import service
        # applies them) is a whole, consistent figure.
        checked = value_rules.check_figure(
            measure,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            suppression=row.suppression,
        )
        if checked.ok:
            assert (row.numerator is None) == (row.denominator is None)
            assert bool(row.suppression) == (checked.value is None)
            assert bool(row.suppression) != any(
                v is not None for v in (row.value, row.numerator, row.denominator)
            )
    assert len({row.key for row in parsed.rows}) == len(parsed.rows)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=400), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt"]))
def test_any_bytes_are_read_or_refused_with_a_finding(raw: bytes, name: str) -> None:
    table = read_table(raw, name)
    assert isinstance(table, Table)
    if not table.rows:
        assert table.findings


@settings(max_examples=100, deadline=None)
@given(
    header=st.lists(st.text(alphabet=string.ascii_letters + " _-", max_size=15), max_size=8),
)
def test_any_header_is_checked_without_crashing(header: list[str]) -> None:
    table = read_table(csv_bytes(header or ["x"], ["1"] * max(1, len(header))), "f.csv")
    parsed = parse_figures(table, TODAY)
    if not {"authority", "indicator", "period"} <= set(table.header):
        assert parsed.has_errors


safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"),
    max_size=20,
).filter(lambda text: not text.startswith("="))  # openpyxl writes those as formulae


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.one_of(safe_text, st.integers(-(10**9), 10**9), st.booleans(), st.none()),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_an_xlsx_sheet_reads_back_what_was_written(rows: list[list[object]]) -> None:
    """Whatever openpyxl writes, the streamed reader reads back: text as text (entities,
    spaces and all), whole numbers as numbers, booleans as booleans."""
    header = [f"c{i}" for i in range(6)]
    table = read_table(xlsx_bytes(header, *rows), "f.xlsx", "figures")

    def trimmed(cells: list[object]) -> list[object]:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        return cells

    def as_read(cell: object) -> object:
        if cell == "":
            return None
        if isinstance(cell, int) and not isinstance(cell, bool):
            return Decimal(cell)
        return cell

    def kept(cells: list[object]) -> bool:
        filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
        first = cells[0] if cells else None
        return bool(filled) and not (isinstance(first, str) and first.lstrip().startswith("#"))

    expected = [
        (number, trimmed([as_read(cell) for cell in row]))
        for number, row in enumerate(rows, start=2)
        if kept([as_read(cell) for cell in row])
    ]
    assert [(number, trimmed(cells)) for number, cells in table.rows] == expected
