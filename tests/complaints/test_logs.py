"""The complaints log parser (pure) with malformed rows; and a bad log writes nothing."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.logs import COLUMNS, ERROR, WARNING, parse_complaints_log

TODAY = date(2020, 1, 1)
GOOD = {
    "Reference": "CMP-2017-0001",
    "Stage": "Stage 1",
    "Received": "03/04/2017",
    "Responded": "12/04/2017",
    "Outcome": "Partly upheld",
    "Team": "North",
    "Themes": "Communication; Delay",
}


def _parse(rows, **kwargs):
    return parse_complaints_log(rows, today=TODAY, **kwargs)


def test_a_good_row() -> None:
    parsed = _parse([GOOD])
    assert not parsed.has_errors
    [record] = parsed.records
    assert record.stage == "1" and record.outcome == "partially_upheld"
    assert record.received == date(2017, 4, 3) and record.responded == date(2017, 4, 12)
    assert record.themes == ("Communication", "Delay")


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        ({"Received": "31/02/2017"}, "received", "not a date"),
        ({"Received": ""}, "received", "empty"),
        ({"Responded": "01/04/2017"}, "responded", "before"),
        ({"Stage": "4"}, "stage", "not a stage"),
        ({"Outcome": "resolved"}, "outcome", "not an outcome"),
        ({"Responded": ""}, "responded", "needs the date"),
        ({"Outcome": ""}, "outcome", "needs its outcome"),
        ({"Reference": "Jayden Smith"}, "reference", "never a name"),
        ({"Reference": "SMITH-001"}, "reference", "name"),
        ({"Reference": ""}, "reference", "empty"),
        ({"Received": "03/04/2031"}, "received", "future"),
    ],
)
def test_bad_values_are_errors_with_the_row_and_column(change, column, words) -> None:
    parsed = _parse([{**GOOD, **change}])
    assert parsed.has_errors
    errors = [f for f in parsed.findings if f.severity == ERROR]
    assert any(f.row_number == 2 and f.column == column and words in f.message for f in errors), (
        errors
    )


def test_duplicates_in_the_file_and_in_the_log() -> None:
    parsed = _parse([GOOD, {**GOOD, "Reference": "cmp-2017-0001"}])
    assert [f.row_number for f in parsed.findings if f.severity == ERROR] == [3]
    parsed = _parse([GOOD], existing_references={"CMP-2017-0001"})
    assert parsed.has_errors and "already" in parsed.findings[0].message


def test_missing_columns_and_empty_file() -> None:
    parsed = _parse([{"Reference": "CMP-1"}])
    assert {f.column for f in parsed.findings} == {"stage", "received"}
    assert parsed.records == []
    assert _parse([]).has_errors
    assert _parse([{"Reference": "", "Stage": "", "Received": ""}]).has_errors


def test_warnings_do_not_stop_a_row() -> None:
    parsed = _parse([{**GOOD, "Team": "", "Colour": "red"}])
    assert not parsed.has_errors and len(parsed.records) == 1
    assert {f.column for f in parsed.findings if f.severity == WARNING} == {"team", "Colour"}


text = st.one_of(st.text(max_size=20), st.sampled_from(["", "1", "03/04/2017", "upheld", "x"]))


@given(st.lists(st.fixed_dictionaries(dict.fromkeys(COLUMNS, text)), max_size=8))
def test_malformed_rows_never_crash_and_errors_mean_no_record(rows) -> None:
    parsed = _parse(rows)
    rows_with_errors = {f.row_number for f in parsed.findings if f.severity == ERROR}
    assert len(parsed.records) + len(rows_with_errors - {0, 1}) <= len(rows)
    for finding in parsed.findings:
        assert finding.severity in (ERROR, WARNING)
    for record in parsed.records:
        assert record.responded is None or record.responded >= record.received
        assert record.stage in ("1", "2", "3", "ombudsman")
