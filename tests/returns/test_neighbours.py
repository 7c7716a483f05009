"""The statistical-neighbour parser: both DfE layouts, bad files, and the real files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returns.findings import Finding, Severity
from returns.neighbours import (
    CLOSENESS_BANDS,
    LAYOUT_2021,
    LAYOUT_2025,
    NeighbourParse,
    detect_layout,
    normalise_closeness,
    parse_neighbours,
)

DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
REAL_2021 = DFE / "New_Statistical_Neighbour_Groupings_April_2021.csv"
REAL_2025 = DFE / "sn_model_2025_wide.csv"

HEADER_2021 = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
for _rank in range(1, 11):
    HEADER_2021 += [f"SN{_rank}", "SNP"]
HEADER_2021 += [""]

HEADER_2025 = ["old_la_code", "la_name", "region_ind", "region_name"]
for _rank in range(1, 11):
    HEADER_2025 += [f"SN_{_rank}", f"SN_{_rank}P"]

# Twelve made-up authorities; each one's neighbours are the next ten round the circle.
CODES = [str(code) for code in range(801, 813)]
NAMES = {code: f"Authority {code}" for code in CODES}


def ring(code: str) -> list[str]:
    at = CODES.index(code)
    return [CODES[(at + step) % len(CODES)] for step in range(1, 11)]


def pairs(neighbours: list[str], closeness: str = "Very Close") -> list[tuple[str, str]]:
    return [(neighbour, closeness) for neighbour in neighbours]


def csv_text(rows: list[list[str]], *, bom: bool = True) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def file_2021(
    authorities: dict[str, list[tuple[str, str]]], *, extra: list[list[str]] | None = None
) -> str:
    rows = [HEADER_2021]
    for code, neighbours in authorities.items():
        row = [code, NAMES.get(code, "Somewhere"), code, "6", "South East"]
        for neighbour, closeness in neighbours:
            row += [neighbour, closeness]
        rows.append([*row, ""])
    return csv_text(rows + (extra or []))


def file_2025(authorities: dict[str, list[tuple[str, str]]]) -> str:
    rows = [HEADER_2025]
    for code, neighbours in authorities.items():
        row = [code, NAMES.get(code, "Somewhere"), "6", "South East"]
        for neighbour, closeness in neighbours:
            row += [neighbour, closeness]
        rows.append(row)
    return csv_text(rows)


def valid(closeness: str = "Very Close") -> dict[str, list[tuple[str, str]]]:
    return {code: pairs(ring(code), closeness) for code in CODES}


def errors(parse: NeighbourParse) -> list[Finding]:
    return [finding for finding in parse.findings if finding.severity == Severity.ERROR]


def warnings(parse: NeighbourParse) -> list[Finding]:
    return [finding for finding in parse.findings if finding.severity == Severity.WARNING]


# -- layouts ----------------------------------------------------------------------------------


def test_detects_both_layouts_and_refuses_others() -> None:
    assert detect_layout(["\ufeffLA num", *HEADER_2021[1:]]) == LAYOUT_2021
    assert detect_layout(HEADER_2025) == LAYOUT_2025
    assert detect_layout([cell.upper() for cell in HEADER_2025]) == LAYOUT_2025
    assert detect_layout(["time_period", "la_name", "new_la_code", "value"]) is None
    assert detect_layout([]) is None


def test_reads_the_2021_layout_with_bom_repeated_headers_and_trailing_column() -> None:
    text = file_2021(valid())
    assert text.startswith("\ufeff") and text.splitlines()[0].endswith("SNP,")

    parse = parse_neighbours(text, source_name="sn2021.csv")

    assert parse.layout == LAYOUT_2021
    assert parse.findings == []
    assert parse.authorities["801"] == ("Authority 801", "South East")
    first = parse.neighbours_of("801")
    assert [row.neighbour_la_number for row in first] == ring("801")
    assert [row.rank for row in first] == list(range(1, 11))
    assert {row.closeness for row in first} == {"Very close"}
    assert first[0].row == 2
    assert len(parse.rows) == 120


def test_reads_the_2025_layout_with_trailing_spaces_and_any_case() -> None:
    authorities = valid()
    authorities["801"] = pairs(ring("801"), "Close ")
    authorities["802"] = pairs(ring("802"), "  EXTREMELY   close ")
    parse = parse_neighbours(file_2025(authorities), source_name="sn2025.csv")

    assert parse.layout == LAYOUT_2025
    assert parse.findings == []
    assert {row.closeness for row in parse.neighbours_of("801")} == {"Close"}
    assert {row.closeness for row in parse.neighbours_of("802")} == {"Extremely close"}
    assert parse.neighbours_of("812")[0].neighbour_la_number == "801"


def test_normalises_every_closeness_band() -> None:
    for band in CLOSENESS_BANDS:
        assert normalise_closeness(f" {band.upper()} ") == band
        assert normalise_closeness(band.title()) == band
    assert normalise_closeness("") == ""
    assert normalise_closeness("Quite near") is None


def test_reads_2025_columns_in_another_order() -> None:
    text = file_2025(valid())
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    reordered = [[row[1], row[0], *row[2:]] for row in rows]
    parse = parse_neighbours(csv_text(reordered), source_name="reordered.csv")
    assert parse.findings == []
    assert parse.authorities["803"][0] == "Authority 803"


# -- bad files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n  \r\n"])
def test_an_empty_file_is_one_error(text: str) -> None:
    parse = parse_neighbours(text, source_name="empty.csv")
    assert parse.layout is None
    assert parse.rows == []
    assert [(f.row, f.severity) for f in parse.findings] == [(1, Severity.ERROR)]
    assert "empty" in parse.findings[0].message


def test_a_header_with_no_rows_is_an_error() -> None:
    parse = parse_neighbours(csv_text([HEADER_2025]), source_name="header.csv")
    assert parse.has_errors
    assert "no authorities" in parse.findings[0].message


def test_the_wrong_kind_of_file_is_refused_on_row_1() -> None:
    text = csv_text([["time_period", "geographic_level", "la_name"], ["202425", "National", ""]])
    parse = parse_neighbours(text, source_name="c1_referrals.csv")
    assert parse.layout is None
    assert parse.rows == []
    [finding] = parse.findings
    assert finding.row == 1 and finding.is_error
    assert finding.message.startswith("This is not a statistical-neighbour file: c1_referrals")
    assert "time_period" in finding.message


def test_bad_authority_and_neighbour_numbers() -> None:
    authorities = valid()
    authorities["80x"] = pairs(ring("801"))
    bad = ring("803")
    bad[3] = "8040"
    authorities["803"] = pairs(bad)
    parse = parse_neighbours(file_2021(authorities), source_name="bad.csv")

    found = {(f.row, f.column): f for f in errors(parse)}
    assert set(found) == {(14, "LA num"), (4, "SN4")}
    assert "not a DfE LA number" in found[(14, "LA num")].message
    assert '"8040"' in found[(4, "SN4")].message
    assert "80x" not in parse.authorities
    assert [row.rank for row in parse.neighbours_of("803")] == [1, 2, 3, 5, 6, 7, 8, 9, 10]


def test_an_authority_as_its_own_neighbour() -> None:
    authorities = valid()
    own = ring("805")
    own[6] = "805"
    authorities["805"] = pairs(own)
    parse = parse_neighbours(file_2025(authorities), source_name="self.csv")
    [finding] = parse.findings
    assert (finding.row, finding.column, finding.severity) == (6, "SN_7", Severity.ERROR)
    assert finding.message == "Authority 805 (805) is listed as its own neighbour 7."


def test_the_same_neighbour_twice() -> None:
    authorities = valid()
    twice = ring("801")
    twice[4] = twice[0]
    authorities["801"] = pairs(twice)
    parse = parse_neighbours(file_2021(authorities), source_name="twice.csv")
    [finding] = parse.findings
    assert (finding.row, finding.column) == (2, "SN5")
    assert "already its neighbour 1" in finding.message


def test_a_missing_neighbour_is_an_error() -> None:
    authorities = valid()
    missing = pairs(ring("802"))
    missing[6] = ("", "")
    authorities["802"] = missing
    parse = parse_neighbours(file_2021(authorities), source_name="missing.csv")
    [finding] = parse.findings
    assert (finding.row, finding.column, finding.is_error) == (3, "SN7", True)
    assert "missing neighbour 7" in finding.message


def test_a_short_row_is_missing_its_last_neighbours() -> None:
    authorities = valid()
    authorities["806"] = pairs(ring("806")[:8])
    parse = parse_neighbours(file_2025(authorities), source_name="short.csv")
    assert [(f.row, f.column) for f in errors(parse)] == [(7, "SN_9"), (7, "SN_10")]


def test_a_missing_rank_column_is_reported_once() -> None:
    header = [cell for cell in HEADER_2025 if cell not in ("SN_10", "SN_10P")]
    rows = [header]
    for code in CODES:
        row = [code, NAMES[code], "6", "South East"]
        for neighbour in ring(code)[:9]:
            row += [neighbour, "Close"]
        rows.append(row)
    parse = parse_neighbours(csv_text(rows), source_name="nine.csv")
    assert [(f.row, f.column) for f in errors(parse)] == [(1, "SN_10")]


def test_duplicate_authority_rows() -> None:
    rows = list(csv.reader(io.StringIO(file_2021(valid()).lstrip("\ufeff"))))
    rows.append(rows[3])  # 803 again, as row 14
    parse = parse_neighbours(csv_text(rows), source_name="dup.csv")
    [finding] = parse.findings
    assert (finding.row, finding.column, finding.is_error) == (14, "LA num", True)
    assert "listed twice, here and on row 4" in finding.message
    assert len(parse.neighbours_of("803")) == 10


def test_disagreeing_la_number_columns() -> None:
    rows = list(csv.reader(io.StringIO(file_2021(valid()).lstrip("\ufeff"))))
    rows[2][2] = "899"
    parse = parse_neighbours(csv_text(rows), source_name="disagree.csv")
    assert [(f.row, f.column) for f in errors(parse)] == [(3, "LA number")]


def test_an_unknown_closeness_band_is_an_error_and_a_blank_one_a_warning() -> None:
    authorities = valid()
    odd = pairs(ring("804"))
    odd[1] = (odd[1][0], "Quite near")
    odd[2] = (odd[2][0], "")
    authorities["804"] = odd
    parse = parse_neighbours(file_2021(authorities), source_name="bands.csv")
    assert [(f.row, f.column, f.severity) for f in parse.findings] == [
        (5, "SNP after SN2", Severity.ERROR),
        (5, "SNP after SN3", Severity.WARNING),
    ]


def test_a_neighbour_without_a_row_is_a_warning() -> None:
    authorities = valid()
    gone = ring("801")
    gone[9] = "999"
    authorities["801"] = pairs(gone)
    parse = parse_neighbours(file_2025(authorities), source_name="gone.csv")
    [finding] = parse.findings
    assert (finding.row, finding.column, finding.severity) == (2, "SN_10", Severity.WARNING)
    assert "may be an authority that no longer exists" in finding.message
    assert parse.neighbours_of("801")[9].neighbour_la_number == "999"


def test_blank_rows_are_skipped_and_an_old_section_is_kept_apart() -> None:
    blank = [""] * len(HEADER_2021)
    heading = ["", "Old SNs:", *[""] * (len(HEADER_2021) - 2)]
    old = ["899", "Oldshire (Pre LG)", "899", "6", "South East"]
    for neighbour in [*ring("801")[:9], "801"]:
        old += [neighbour, "Close"]
    text = file_2021(valid(), extra=[blank, heading, blank, [*old, ""]])

    parse = parse_neighbours(text, source_name="old.csv")

    assert "899" not in parse.authorities
    assert parse.superseded_authorities == {"899": ("Oldshire (Pre LG)", "South East")}
    assert len(parse.superseded_rows) == 10
    assert parse.neighbours_of("899")[0].row == 17
    assert not parse.has_errors
    [finding] = parse.findings
    assert (finding.row, finding.severity) == (15, Severity.WARNING)
    assert "Oldshire (Pre LG) (899)" in finding.message


def test_a_row_without_an_la_number_is_an_error() -> None:
    text = file_2025(valid()) + ",Stray note,,,,\r\n"
    parse = parse_neighbours(text, source_name="stray.csv")
    assert [(f.row, f.column) for f in errors(parse)] == [(14, "old_la_code")]


def test_unreadable_csv_is_a_finding_not_an_exception() -> None:
    huge = "x" * (csv.field_size_limit() + 10)
    text = file_2025(valid()) + f'801,"{huge}",6,South East\r\n'
    parse = parse_neighbours(text, source_name="huge.csv")
    assert parse.has_errors
    assert any("could not be read as CSV" in f.message for f in parse.findings)


# -- properties ---------------------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", "801", "802", "8O1", "Close ", "VERY CLOSE", "Old SNs:", "\ufeff", ","]),
)


@settings(max_examples=150, deadline=None)
@given(
    header=st.sampled_from([HEADER_2021, HEADER_2025]),
    rows=st.lists(st.lists(cells, max_size=30), max_size=8),
)
def test_arbitrary_cells_never_raise(header: list[str], rows: list[list[str]]) -> None:
    parse = parse_neighbours(csv_text([header, *rows]), source_name="fuzz.csv")
    assert parse.layout is not None
    for row in parse.rows:
        assert 1 <= row.rank <= 10
        assert row.closeness in ("", *CLOSENESS_BANDS)
        assert row.neighbour_la_number != row.la_number


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    parse = parse_neighbours(text, source_name="noise.txt")
    assert isinstance(parse.findings, list)


ValidFile = tuple[str, dict[str, list[str]]]  # the file's text; each code's neighbours


@st.composite
def valid_files(draw: st.DrawFn) -> ValidFile:
    codes = draw(st.lists(st.integers(200, 999).map(str), min_size=11, max_size=20, unique=True))
    spellings = [
        variant
        for band in CLOSENESS_BANDS
        for variant in (band, band.title(), band.upper(), f"{band} ")
    ]
    truth: dict[str, list[str]] = {}
    authorities: dict[str, list[tuple[str, str]]] = {}
    for code in codes:
        others = [other for other in codes if other != code]
        neighbours = draw(st.permutations(others))[:10]
        truth[code] = neighbours
        authorities[code] = [(n, draw(st.sampled_from(spellings))) for n in neighbours]
    layout = draw(st.sampled_from([file_2021, file_2025]))
    return layout(authorities), truth


@settings(max_examples=60, deadline=None)
@given(valid_files())
def test_valid_files_give_ten_ranked_neighbours_each(case: ValidFile) -> None:
    text, truth = case
    parse = parse_neighbours(text, source_name="valid.csv")
    assert parse.findings == []
    assert set(parse.authorities) == set(truth)
    for code, neighbours in truth.items():
        rows = [row for row in parse.rows if row.la_number == code]
        assert [row.rank for row in rows] == list(range(1, 11))
        assert [row.neighbour_la_number for row in rows] == neighbours
        assert all(row.closeness in CLOSENESS_BANDS for row in rows)


# -- acceptance: the DfE's own files ------------------------------------------------------------


def read_real(path: Path) -> NeighbourParse:
    if not path.exists():
        pytest.skip(f"{path.name} is not in {DFE} (the shared DfE data is not checked out here)")
    return parse_neighbours(path.read_text(encoding="utf-8"), source_name=path.name)


def test_real_2021_file() -> None:
    parse = read_real(REAL_2021)
    assert parse.layout == LAYOUT_2021
    assert errors(parse) == []
    assert 145 <= len(parse.authorities) <= 160
    for code in parse.authorities:
        assert [row.rank for row in parse.neighbours_of(code)] == list(range(1, 11))

    wiltshire = parse.neighbours_of("865")
    assert parse.authorities["865"][0] == "Wiltshire"
    assert [row.neighbour_la_number for row in wiltshire] == [
        "916", "893", "878", "873", "938", "800", "885", "850", "802", "838",
    ]  # fmt: skip
    assert wiltshire[0].closeness == "Extremely close"
    assert {row.closeness for row in wiltshire[1:]} == {"Very close"}

    # The "Old SNs:" section (authorities before reorganisation) is one warning, kept apart.
    assert set(parse.superseded_authorities) == {"835", "836", "837", "928"}
    [warning] = warnings(parse)
    assert warning.row == 155 and "Northamptonshire (928)" in warning.message


def test_real_2025_file() -> None:
    parse = read_real(REAL_2025)
    assert parse.layout == LAYOUT_2025
    assert parse.findings == []
    assert 145 <= len(parse.authorities) <= 160
    for code in parse.authorities:
        assert [row.rank for row in parse.neighbours_of(code)] == list(range(1, 11))

    first = parse.neighbours_of("301")[0]
    assert parse.authorities["301"] == ("Barking and Dagenham", "London")
    assert (first.neighbour_la_number, first.closeness) == ("308", "Close")


def test_a_real_published_data_file_is_not_a_neighbour_file() -> None:
    path = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    parse = read_real(path)
    assert parse.layout is None
    assert [f.row for f in errors(parse)] == [1]
