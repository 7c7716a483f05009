"""Ofsted's inspection outcomes file, read by the pure reader (no database): the judgements it
gives, what it finds wrong with sheet, row and column, and hostile files refused before the
spreadsheet library sees them."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from indicators.inspection_models import Grade
from returns import ofsted
from returns.findings import Severity
from returns.limits import DEFAULT_LIMITS
from returns.ofsted_pages import latest_by_authority
from tests.returns.ods_files import (
    GOOD,
    HISTORY_HEADING,
    INADEQUATE,
    OUTSTANDING,
    RI,
    as_at_row,
    content_xml,
    history_row,
    ods_bytes,
    ods_from_content,
    outcomes_file,
    sheet_xml,
)

HISTORY = "ILACS_inspection_history"
AS_AT = "Inspections_as_at_31_March"
BARNET = ("E09000003", "Barnet")
FIVE_GOOD = [GOOD] * 5


def read(content: bytes, limits=DEFAULT_LIMITS) -> ofsted.OfstedRead:
    return ofsted.read_ofsted(io.BytesIO(content), limits=limits)


def messages(result: ofsted.OfstedRead) -> list[tuple[int, str, str]]:
    return [(f.row, f.column, f.message) for f in result.findings]


def test_the_history_and_the_as_at_sheet_give_each_inspection_once() -> None:
    result = read(
        outcomes_file(
            history=[
                history_row(
                    *BARNET,
                    date(2019, 5, 13),
                    date(2019, 7, 1),
                    "ILACS Standard Inspection",
                    [GOOD] * 4 + [""],
                ),
                history_row(
                    *BARNET,
                    date(2024, 6, 10),
                    date(2024, 7, 23),
                    "ILACS Short Inspection",
                    [GOOD, GOOD, GOOD, OUTSTANDING, GOOD],
                ),
                history_row(
                    "E10000021",
                    "Northamptonshire",
                    date(2019, 6, 17),
                    date(2019, 7, 29),
                    "ILACS Standard Inspection",
                    [INADEQUATE, RI, INADEQUATE, INADEQUATE, ""],
                    status="No longer exists",
                ),
            ],
            as_at=[
                # The same inspection as the history's second row: read once.
                as_at_row(
                    *BARNET,
                    date(2024, 6, 10),
                    date(2024, 7, 23),
                    [GOOD, GOOD, GOOD, OUTSTANDING, GOOD],
                ),
                # Not in the history: kept, with no type.
                as_at_row(
                    "E06000014", "York", date(2025, 2, 24), date(2025, 4, 15), [OUTSTANDING] * 5
                ),
            ],
        )
    )
    assert result.findings == [] and result.rows_read == 5
    found = {(j.area_code, j.inspected_on): j for j in result.judgements}
    assert len(result.judgements) == 4
    barnet = found[("E09000003", date(2024, 6, 10))]
    assert (barnet.inspection_type, barnet.published_on, barnet.overall, barnet.in_care) == (
        "ILACS Short Inspection",
        date(2024, 7, 23),
        "good",
        "outstanding",
    )
    assert (barnet.sheet, barnet.row) == (HISTORY, 5)  # the row as the spreadsheet shows it
    earlier = found[("E09000003", date(2019, 5, 13))]
    assert earlier.care_leavers == ""  # not judged apart before 2023
    northants = found[("E10000021", date(2019, 6, 17))]
    assert (northants.still_exists, northants.overall, northants.leaders) == (
        False,
        "inadequate",
        "requires_improvement",
    )
    york = found[("E06000014", date(2025, 2, 24))]
    assert (york.inspection_type, york.sheet, york.row, york.still_exists) == ("", AS_AT, 5, True)


def test_every_fault_of_a_row_is_found_with_its_sheet_row_and_column() -> None:
    result = read(
        outcomes_file(
            history=[
                [
                    "",
                    "E0900003",
                    "",
                    "Current",
                    "London",
                    "31/02/2024",
                    date(2024, 1, 1),
                    "ILACS Standard Inspection",
                    "Very good",
                    GOOD,
                    GOOD,
                    GOOD,
                    "",
                ],
                history_row(
                    *BARNET,
                    date(2024, 6, 10),
                    date(2024, 5, 1),
                    "ILACS Short Inspection",
                    FIVE_GOOD,
                ),
                history_row(
                    *BARNET,
                    date(2023, 6, 10),
                    date(2023, 7, 1),
                    "ILACS Short Inspection",
                    ["", *[GOOD] * 4],
                ),
            ],
            as_at=[],
        )
    )
    assert result.has_errors and result.judgements == []
    assert messages(result) == [
        (
            4,
            f"{HISTORY}: Local authority area code",
            "E0900003 is not an ONS area code (a letter and eight digits, like E09000003): the "
            "judgement cannot be given to an authority.",
        ),
        (4, f"{HISTORY}: Local authority name", "The authority's name is blank."),
        (4, f"{HISTORY}: Inspection date", "31/02/2024 is not a date (dd/mm/yyyy)."),
        (
            4,
            f"{HISTORY}: Overall effectiveness",
            "'Very good' is not a judgement: Outstanding, Good, Requires improvement to be good or "
            "Inadequate.",
        ),
        (
            5,
            f"{HISTORY}: Publication date",
            "Published on 01/05/2024, before the inspection on 10/06/2024: one of the dates "
            "is wrong.",
        ),
        (
            6,
            f"{HISTORY}: Overall effectiveness",
            "The overall effectiveness is blank: every graded inspection has one.",
        ),
    ]


def test_a_blank_care_leavers_judgement_after_2023_is_a_warning_and_dates_may_be_text() -> None:
    result = read(
        outcomes_file(
            history=[
                [
                    "",
                    *BARNET,
                    "Current",
                    "London",
                    "10/06/2024",
                    "23/07/2024",
                    "ILACS Short Inspection",
                    GOOD,
                    GOOD,
                    GOOD,
                    OUTSTANDING,
                    "",
                ],
            ],
            as_at=[],
        )
    )
    assert not result.has_errors
    assert [(f.row, f.severity) for f in result.findings] == [(4, Severity.WARNING)]
    assert result.judgements[0].inspected_on == date(2024, 6, 10)


def test_an_as_at_row_that_contradicts_the_history_is_an_error() -> None:
    result = read(
        outcomes_file(
            history=[
                history_row(
                    *BARNET,
                    date(2024, 6, 10),
                    date(2024, 7, 23),
                    "ILACS Short Inspection",
                    FIVE_GOOD,
                )
            ],
            as_at=[as_at_row(*BARNET, date(2024, 6, 10), date(2024, 7, 23), [RI] * 5)],
        )
    )
    assert result.has_errors
    assert messages(result)[0][:2] == (4, AS_AT)
    assert f"{HISTORY} row 4 gives this inspection" in messages(result)[0][2]


def test_the_same_inspection_twice_in_the_history_is_read_once_or_refused_if_it_differs() -> None:
    row = history_row(
        *BARNET, date(2024, 6, 10), date(2024, 7, 23), "ILACS Short Inspection", FIVE_GOOD
    )
    repeated = read(outcomes_file(history=[row, row], as_at=[]))
    assert (len(repeated.judgements), repeated.has_errors) == (1, False)
    assert messages(repeated) == [(5, HISTORY, "Repeats row 4: it is imported once.")]
    other = [*row[:8], RI, *row[9:]]
    contradicted = read(outcomes_file(history=[row, other], as_at=[]))
    assert contradicted.has_errors


def test_columns_are_found_by_their_headings_in_any_order() -> None:
    heading = list(reversed(HISTORY_HEADING))
    row = list(
        reversed(
            history_row(
                *BARNET, date(2024, 6, 10), date(2024, 7, 23), "ILACS Short Inspection", FIVE_GOOD
            )
        )
    )
    result = read(
        ods_bytes(
            {
                HISTORY: [["Title"], ["Note"], heading, row],
                AS_AT: [["t"], ["n"], HISTORY_HEADING[:1]],
            }
        )
    )
    assert [j.overall for j in result.judgements] == ["good"]
    assert [(f.row, f.column) for f in result.findings] == [(1, AS_AT)]  # its bare heading
    assert result.findings[0].message.startswith("No heading row with")


def test_a_file_that_is_not_ofsteds_says_so() -> None:
    assert messages(read(b"Local authority,Overall\nBarnet,Good\n"))[0][2].startswith(
        "The file is not an OpenDocument spreadsheet"
    )
    other = read(ods_bytes({"Sheet1": [["Anything"]]}))
    assert "not Ofsted's inspection outcomes file" in messages(other)[0][2]
    text_document = ods_from_content(
        content_xml(""), mimetype="application/vnd.oasis.opendocument.text"
    )
    assert messages(read(text_document))[0][2].startswith(
        "The file is not an OpenDocument spreadsheet"
    )


def hostile(tail: str, prologue: str = "") -> bytes:
    heading = [["t"], ["n"], HISTORY_HEADING]
    return ods_from_content(content_xml(sheet_xml(HISTORY, heading, tail), prologue))


FILLED_ROW = (
    '<table:table-row table:number-rows-repeated="{rows}">'
    '<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string">'
    "<text:p>Good</text:p></table:table-cell></table:table-row>"
)


def test_a_few_bytes_declaring_a_billion_rows_are_refused_before_they_are_read() -> None:
    started = time.monotonic()
    result = read(hostile(FILLED_ROW.format(rows=10**9, columns=1)))
    assert time.monotonic() - started < 5
    assert [f.message[:60] for f in result.findings] == [
        "A sheet of the spreadsheet has more than 200,000 rows, the m"
    ]
    assert "IMPORT_MAX_SHEET_ROWS" in result.findings[0].message


def test_a_row_declaring_a_billion_cells_is_refused() -> None:
    result = read(hostile(FILLED_ROW.format(rows=100, columns=10**8)))
    assert len(result.findings) == 1
    assert "more than 3,000,000 cells" in result.findings[0].message


def test_limits_are_those_of_the_settings() -> None:
    small = replace(DEFAULT_LIMITS, sheet_rows=3)
    rows = "".join(FILLED_ROW.format(rows=1, columns=2) for _ in range(2))
    assert (
        read(hostile(rows), limits=small)
        .findings[0]
        .message.startswith("A sheet of the spreadsheet has more than 3 rows")
    )
    tiny_zip = replace(DEFAULT_LIMITS, unpacked_bytes=100)
    assert "unpacks to more than" in read(hostile(""), limits=tiny_zip).findings[0].message


def test_a_table_inside_a_cell_which_would_hide_the_sheets_rows_is_refused() -> None:
    inner = sheet_xml("inner", [["x"]])
    nested = f"<table:table-row><table:table-cell>{inner}</table:table-cell></table:table-row>"
    result = read(hostile(nested + FILLED_ROW.format(rows=10**9, columns=1)))
    assert len(result.findings) == 1
    assert result.findings[0].message.startswith("The spreadsheet has a table inside a cell")


def test_a_document_type_declaration_is_refused_unread() -> None:
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    result = read(hostile("", prologue=bomb))
    assert len(result.findings) == 1
    assert result.findings[0].message.startswith("The spreadsheet declares a document type")


def test_a_million_trailing_empty_rows_as_spreadsheet_programs_write_them_cost_nothing() -> None:
    row = history_row(
        *BARNET, date(2024, 6, 10), date(2024, 7, 23), "ILACS Short Inspection", FIVE_GOOD
    )
    from tests.returns.ods_files import cell

    data = "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
    empty = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    started = time.monotonic()
    result = read(hostile(data + empty))
    assert time.monotonic() - started < 5
    assert [j.area_code for j in result.judgements] == ["E09000003"]


def test_the_grades_are_the_models() -> None:
    assert {ofsted.grade_of(label) for label in Grade.labels} == set(Grade.values)
    assert ofsted.grade_of("  requires  improvement to be GOOD ") == Grade.REQUIRES_IMPROVEMENT
    assert ofsted.grade_of("") == "" and ofsted.grade_of("Excellent") is None


@dataclass(frozen=True)
class Seen:
    authority_id: int
    published_on: date
    inspected_on: date


seen = st.builds(
    Seen,
    authority_id=st.integers(1, 4),
    published_on=st.dates(date(2018, 1, 1), date(2025, 12, 31)),
    inspected_on=st.dates(date(2018, 1, 1), date(2025, 12, 31)),
)


@given(st.lists(seen, max_size=30), st.dates(date(2018, 1, 1), date(2025, 12, 31)))
def test_the_latest_judgement_is_the_last_published_by_the_date(judgements, on) -> None:
    latest = latest_by_authority(judgements, on)
    for authority, judgement in latest.items():
        published = [j for j in judgements if j.authority_id == authority and j.published_on <= on]
        assert judgement.published_on <= on
        assert judgement.published_on == max(j.published_on for j in published)
    assert set(latest) == {j.authority_id for j in judgements if j.published_on <= on}
    assert latest_by_authority(judgements, on - timedelta(days=10_000)) == {}
