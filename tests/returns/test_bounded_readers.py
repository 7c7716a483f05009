"""Every reader of returns and spreadsheets streams and stops at the import limits (issue 15,
docs/0019): a file far larger than any council's is refused with one finding that names the
limit and says what to do, before memory grows.

The files of the size that took a worker to 20 GB (a 3 MB ZIP unpacking to 0.95 GB of valid
rows, a workbook just under the 1 GB unpacked cap, a census of too many children) are built
on disk a chunk at a time, and the kind's reader runs on them in a child process whose address
space is limited to 1 GB (`bounded_run`): it must end with the refusal, not a MemoryError.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from returns import derive_903, derive_cin, services, ssda903_xml
from returns.findings import Severity
from returns.limits import DEFAULT_LIMITS, ImportLimits, import_limits
from returns.models import ImportKind
from returns.spreadsheets import read_table
from tests import factories
from tests.returns.test_derive_903 import episode, episodes, header
from tests.returns.test_derive_cin import census
from tests.returns.test_derive_cin import child as cin_child
from tests.returns.test_derive_cin import episode as cin_episode
from tests.returns.test_ssda903_xml import Child, as_xml, ep

from .sheet_files import FIGURE_HEADER, csv_bytes, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
GIB = 1024**3
MEMORY = GIB  # the address space the child process may use: interpreter and Django ~100 MB
EPISODE_HEADER = (
    b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    b"PL_POST,URN\n"
)
EPISODE_ROW = b"C000001,01/04/2024,S,C2,N1,U1,PR1,,,,AB1 2,AB3 4,SC123456\n"


def run_reader(kind: str, path: Path) -> dict[str, object]:
    """The kind's reader on `path` in a child process limited to MEMORY bytes."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MEDIA_ROOT": str(path.parent),
        "DEBUG": "true",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.returns.bounded_run", kind, path.name, str(MEMORY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "MemoryError" not in done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    peak = int(result["peak_kb"])  # type: ignore[call-overload]
    print(f"{kind} {path.name}: peak resident memory {peak // 1024} MB")
    return result


def messages(result: dict[str, object]) -> list[str]:
    return [finding[2] for finding in result["findings"]]


def write_zip_member(path: Path, member: str, parts: list[tuple[bytes, int]]) -> int:
    """A ZIP of one member written from (bytes, times) parts, streamed: never held whole."""
    size = 0
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as handle,
    ):
        for data, times in parts:
            for _ in range(times):
                handle.write(data)
                size += len(data)
    return size


# --- the files of issue 15, in a process limited to 1 GB -----------------------------------


def test_the_poison_ssda903_zip_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """A 3 MB ZIP whose episodes.csv unpacks to 0.95 GB of one valid row repeated: under the
    unpacked cap, so it is read, and refused at the row limit."""
    block = EPISODE_ROW * 16_384
    times = int(0.95 * GIB) // len(block)
    path = tmp_path / "ssda903_2025.zip"
    unpacked = write_zip_member(path, "episodes.csv", [(EPISODE_HEADER, 1), (block, times)])
    assert 0.9 * GIB < unpacked < DEFAULT_LIMITS.unpacked_bytes
    assert path.stat().st_size < 5_000_000

    result = run_reader("ssda903", path)

    assert messages(result) == [
        "The episodes table has more than 300,000 rows, the most an import takes "
        "(IMPORT_MAX_RETURN_ROWS): it was refused before it was read in full, and nothing was "
        "imported. Check that this is one authority's return for one year. If a file truly "
        "needs more, an administrator can raise IMPORT_MAX_RETURN_ROWS."
    ]
    assert int(result["peak_kb"]) < 512 * 1024  # type: ignore[call-overload] # kB: a row at a time


def workbook_parts(shared_strings: bool) -> dict[str, bytes]:
    relations = (
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    if shared_strings:
        relations += (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
    return {
        "xl/workbook.xml": (
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="figures" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{relations}</Relationships>'
        ).encode(),
    }


def write_workbook(path: Path, big_part: str, parts: list[tuple[bytes, int]]) -> int:
    """A workbook whose `big_part` (the sheet or its shared strings) is written from parts,
    streamed; the other parts are small."""
    size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in workbook_parts(big_part == "xl/sharedStrings.xml").items():
            archive.writestr(name, data)
        if big_part != "xl/worksheets/sheet1.xml":
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
                b"</worksheet>",
            )
        with archive.open(big_part, "w", force_zip64=True) as handle:
            for data, times in parts:
                for _ in range(times):
                    handle.write(data)
                    size += len(data)
    return size


def test_an_xlsx_bomb_of_shared_strings_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """0.95 GB of short shared strings (some 40 million): refused once they pass the most a
    sheet may have cells, before the list of them fills memory."""
    block = b"".join(b"<si><t>s%07d</t></si>" % n for n in range(40_000))
    times = int(0.95 * GIB) // len(block)
    path = tmp_path / "figures.xlsx"
    unpacked = write_workbook(
        path,
        "xl/sharedStrings.xml",
        [
            (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', 1),
            (block, times),
            (b"</sst>", 1),
        ],
    )
    assert 0.9 * GIB < unpacked < DEFAULT_LIMITS.unpacked_bytes

    result = run_reader("figures", path)

    assert messages(result) == [
        "The workbook has more than 3,000,000 cells, the most an import takes "
        "(IMPORT_MAX_SHEET_CELLS): it was refused before it was read in full, and nothing was "
        "imported. Split it into smaller files. If a file truly needs more, an administrator "
        "can raise IMPORT_MAX_SHEET_CELLS."
    ]
    assert result["rows"] == 0


def test_an_xlsx_bomb_of_cells_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """A sheet of 0.95 GB of rows of numbers (some 60 million cells): refused at the cell
    limit, before the row limit (20 cells a row). Numbers are the costliest cells to keep (a
    Decimal each)."""
    row = b"<row>" + b"".join(b"<c><v>%d</v></c>" % n for n in range(20)) + b"</row>"
    block = row * 5_000
    times = int(0.95 * GIB) // len(block)
    path = tmp_path / "figures.xlsx"
    start = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    unpacked = write_workbook(
        path,
        "xl/worksheets/sheet1.xml",
        [(start, 1), (block, times), (b"</sheetData></worksheet>", 1)],
    )
    assert 0.9 * GIB < unpacked < DEFAULT_LIMITS.unpacked_bytes

    result = run_reader("figures", path)

    assert len(messages(result)) == 1
    assert messages(result)[0].startswith("The workbook has more than 3,000,000 cells")
    assert result["rows"] == 0


def test_a_cin_census_of_too_many_children_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    child = (
        b"<Child><ChildIdentifiers><LAchildID>X</LAchildID></ChildIdentifiers><CINdetails>"
        b"<CINreferralDate>2024-05-01</CINreferralDate><ReferralNFA>false</ReferralNFA>"
        b"</CINdetails></Child>"
    )
    path = tmp_path / "cin_2025.xml"
    with path.open("wb") as handle:
        handle.write(b"<Message><Children>")
        for _ in range(DEFAULT_LIMITS.cin_children // 1000 + 1):
            handle.write(child * 1000)
        handle.write(b"</Children></Message>")

    result = run_reader("cin", path)

    assert messages(result) == [
        "The file lists more than 200,000 children, the most an import takes "
        "(IMPORT_MAX_CIN_CHILDREN): it was refused before it was read in full, and nothing was "
        "imported. Check that this is one authority's census for one year. If a file truly "
        "needs more, an administrator can raise IMPORT_MAX_CIN_CHILDREN."
    ]


# --- each limit, on small files with small limits -------------------------------------------

SMALL = ImportLimits(
    return_rows=3, cin_children=2, sheet_rows=3, sheet_cells=40, cell_chars=20, findings=5
)


def test_a_return_table_past_its_row_limit_is_refused_with_one_finding() -> None:
    rows = [episode(f"C{n}", "01/04/2024", "S", "C2", "U1") for n in range(4)]
    result = derive_903.derive_903(
        {"episodes": episodes(*rows), "header": header(("C0", "01/01/2015"))}, 2025, None, SMALL
    )
    assert [f.message for f in result.findings] == [
        "The episodes table has more than 3 rows, the most an import takes "
        "(IMPORT_MAX_RETURN_ROWS): it was refused before it was read in full, and nothing was "
        "imported. Check that this is one authority's return for one year. If a file truly "
        "needs more, an administrator can raise IMPORT_MAX_RETURN_ROWS."
    ]
    assert result.figures == {}

    within = derive_903.derive_903({"episodes": episodes(*rows[:3])}, 2025, None, SMALL)
    assert within.episodes == 3


def test_an_xml_return_past_its_limits_is_refused_with_one_finding() -> None:
    children = [
        Child(f"C{n}", "01/01/2015", episodes=[ep("01/04/2024", "S", "C2", "U1")]) for n in range(4)
    ]
    result = ssda903_xml.derive_903_xml(as_xml(children), 2025, None, SMALL)
    assert len(result.findings) == 1
    assert result.findings[0].message.startswith("The file has more than 3 <CHILD> elements")

    one = [Child("C0", "01/01/2015", episodes=[ep("01/04/2024", "S", "C2", "U1")] * 4)]
    result = ssda903_xml.derive_903_xml(as_xml(one), 2025, None, SMALL)
    assert result.findings[0].message.startswith("The file has more than 3 <EPISODE> elements")

    # Elements are counted as the file is fed in 64 kB chunks: this child spans several.
    many = [
        Child(f"C{n}", "01/01/2015", episodes=[ep("01/04/2024", "S", "C2", "U1")]) for n in range(4)
    ]
    result = ssda903_xml.derive_903_xml(as_xml(many), 2025, None, ImportLimits(return_rows=3))
    assert result.findings[0].message.startswith("The file has more than 3 <CHILD> elements")
    result = ssda903_xml.derive_903_xml(as_xml(many[:3]), 2025, None, ImportLimits(return_rows=3))
    assert result.figures  # three children, three episodes: six records within twice three
    with_oc3 = [
        Child(
            f"C{n}",
            "01/01/2000",
            episodes=[ep("01/04/2024", "S", "C2", "U1")],
            oc3=("1", "F1", "1"),
        )
        for n in range(3)
    ]
    result = ssda903_xml.derive_903_xml(as_xml(with_oc3), 2025, None, ImportLimits(return_rows=3))
    assert result.findings[0].message.startswith("The file has more than 6 records in all")

    text = b"<EXPSSDA903><CHILD><HEADER><CHILDID>" + b"x" * 300_000 + b"</CHILDID>"
    few_chars = ImportLimits(record_chars=100_000)
    result = ssda903_xml.derive_903_xml(text, 2025, None, few_chars)
    assert [f.message[:44] for f in result.findings] == [
        "The file holds more than 131,072 bytes witho"
    ]

    crowded = as_xml(
        [Child("C0", "01/01/2015", episodes=[ep("01/04/2024", "S", "C2", "U1")] * 500)]
    )
    few_elements = ImportLimits(record_elements=1000)
    result = ssda903_xml.derive_903_xml(crowded, 2025, None, few_elements)
    assert [f.message[:45] for f in result.findings] == [
        "The file holds more than 1,000 elements outsi"
    ]


def test_a_return_zip_past_the_unpacked_limit_is_refused(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("episodes.csv", EPISODE_HEADER + EPISODE_ROW * 20_000)
    batch = services.batch_validate(
        batch=services.batch_create(
            user=admin,
            kind=ImportKind.SSDA903,
            upload=SimpleUploadedFile("ssda903.zip", buffer.getvalue()),
            authority=factories.AreaFactory(),
            collection_year=2025,
        )
    )
    assert [f.message for f in batch.findings.all()] == [
        "The ZIP file unpacks to more than 1 MB, the most an import takes "
        "(IMPORT_MAX_UNPACKED_BYTES): it was refused before it was read in full, and nothing "
        "was imported. Check it is the file you meant to send. If a file truly needs more, an "
        "administrator can raise IMPORT_MAX_UNPACKED_BYTES."
    ]
    assert not batch.can_commit


def test_a_return_batch_is_held_to_the_settings_row_limit(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_MAX_RETURN_ROWS = 2
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("episodes.csv", EPISODE_HEADER + EPISODE_ROW * 3)
    batch = services.batch_validate(
        batch=services.batch_create(
            user=admin,
            kind=ImportKind.SSDA903,
            upload=SimpleUploadedFile("ssda903.zip", buffer.getvalue()),
            authority=factories.AreaFactory(),
            collection_year=2025,
        )
    )
    found = [f.message for f in batch.findings.all()]
    assert len(found) == 1
    assert found[0].startswith("The episodes table has more than 2 rows")
    assert batch.error_count == 1
    assert not batch.can_commit


def test_the_settings_give_the_limits(settings) -> None:
    assert import_limits() == DEFAULT_LIMITS  # config/settings.py gives the same defaults
    settings.IMPORT_MAX_SHEET_ROWS = 7
    limits = import_limits()
    assert limits.sheet_rows == 7
    assert limits.return_rows == DEFAULT_LIMITS.return_rows


def test_a_return_table_not_utf8_or_with_an_endless_line_says_so_once(tmp_path) -> None:
    from returns.kinds.statutory import ZipTable

    path = tmp_path / "r.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("episodes.csv", EPISODE_HEADER + "Caf\u00e9\n".encode("latin-1"))
        archive.writestr("header.csv", b"CHILD,DOB," + b"x" * 200 + b"\n")
    long_lines = ImportLimits(line_chars=100)
    with zipfile.ZipFile(path) as archive:
        tables = {info.filename: ZipTable(archive, info, long_lines) for info in archive.infolist()}
        result = derive_903.derive_903(tables, 2025, None, long_lines)
    found = [(f.row, f.message) for f in result.findings if f.severity == Severity.ERROR]
    assert found == [
        (2, "episodes: the file is not UTF-8 text (line 2 holds byte 0xe9): save it as CSV UTF-8."),
        (
            1,
            "header: line 1 is longer than 100 characters, which no table of a return is: check "
            "that this is the return's CSV file.",
        ),
    ]


def test_findings_past_the_limit_are_counted_not_kept() -> None:
    rows = [episode("C1", "01/04/2024", "S", "C2", "XX")] * 3  # duplicates and a bad code
    bad = [episode(f"C{n}", "01/04/2024", "S", "C2", "XX") for n in range(8)]
    result = derive_903.derive_903(
        {"episodes": episodes(*rows, *bad)}, 2025, None, ImportLimits(findings=5)
    )
    assert len(result.findings) == 5
    assert result.not_listed > 0


def test_a_cin_census_past_its_limits_is_refused_with_one_finding() -> None:
    two = [cin_child(str(n), cin_episode("2024-05-01")) for n in range(3)]
    result = derive_cin.derive_cin(census(*two), collection_year=2025, limits=SMALL)
    assert len(result.findings) == 1
    assert result.findings[0].message.startswith("The file lists more than 2 children")
    assert not result.figures

    crowded = census(cin_child("A", *[cin_episode("2024-05-01")] * 5))
    result = derive_cin.derive_cin(
        crowded, collection_year=2025, limits=ImportLimits(record_elements=10)
    )
    assert [f.message[:40] for f in result.findings] == ["One <Child> (or what lies around the chi"]


def test_a_sheet_past_its_row_or_cell_limit_is_refused_with_one_finding() -> None:
    good = ["865", "CLA-COUNT", "2021-09", "", "1"]
    table = read_table(csv_bytes(FIGURE_HEADER, *[good] * 4), "f.csv", limits=SMALL)
    assert [f.message[:48] for f in table.findings] == [
        "The sheet has more than 3 rows of data, the most"
    ]
    assert "Split it into smaller files" in table.findings[0].message
    assert not table.rows

    wide = ImportLimits(sheet_cells=12)
    table = read_table(csv_bytes(FIGURE_HEADER, *[good] * 3), "f.csv", limits=wide)
    assert table.findings[0].message.startswith("The sheet has more than ")
    assert "IMPORT_MAX_SHEET_CELLS" in table.findings[0].message

    within = read_table(csv_bytes(FIGURE_HEADER, *[good] * 3), "f.csv", limits=SMALL)
    assert not within.findings
    assert len(within.rows) == 3


def test_an_xlsx_cell_too_long_or_too_far_right_is_refused_with_one_finding() -> None:
    content = xlsx_bytes(["authority", "note"], [865, "x" * 21])
    table = read_table(content, "f.xlsx", "figures", SMALL)
    assert [f.message[:50] for f in table.findings] == [
        "A cell of the workbook holds more than 20 characte"
    ]

    path = io.BytesIO()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in workbook_parts(shared_strings=False).items():
            archive.writestr(name, data)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="ZZZZ1"><v>1</v></c></row></sheetData></worksheet>',
        )
    table = read_table(path.getvalue(), "f.xlsx", "figures")
    assert [f.message[:40] for f in table.findings] == ["Row 1 has a cell beyond column XFD, Exce"]


def test_a_latin1_csv_gets_one_finding() -> None:
    """Not also "The file is empty": the reader has said why nothing was read."""
    table = read_table("authority\nCaf\u00e9\n".encode("latin-1"), "f.csv")
    assert len(table.findings) == 1
    assert "is not UTF-8 text" in table.findings[0].message


def test_an_xlsx_bomb_gets_one_finding() -> None:
    table = read_table(xlsx_bytes(FIGURE_HEADER, ["865"] * 5), "f.xlsx", "figures", SMALL)
    assert not table.findings  # within the limits
    refused = read_table(
        xlsx_bytes(FIGURE_HEADER, *[["865"] * 5] * 10),
        "f.xlsx",
        "figures",
        ImportLimits(sheet_cells=30),
    )
    assert len(refused.findings) == 1
    assert refused.findings[0].message.startswith("The workbook has more than 30 cells")

    unpacked = read_table(
        xlsx_bytes(FIGURE_HEADER, ["865"] * 5),
        "f.xlsx",
        "figures",
        ImportLimits(unpacked_bytes=100),
    )
    assert [f.message[:44] for f in unpacked.findings] == [
        "The workbook unpacks to more than 100 bytes,"
    ]


@pytest.mark.parametrize("limit", [1, 5, 13, 64])
def test_csv_lines_read_the_same_in_any_chunks(limit: int) -> None:
    from returns.text_streams import utf8_lines

    text = '\ufeffa,b\r\nc,"d\re"\rf\n\u00e9,g\r\n\r\nlast'
    lines = list(utf8_lines(io.BytesIO(text.encode()), max_line=100, chunk=limit))
    assert "".join(lines) == text.removeprefix("\ufeff")
    assert lines == ["a,b\r\n", 'c,"d\r', 'e"\r', "f\n", "\u00e9,g\r\n", "\r\n", "last"]


def many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(count):
            archive.writestr(f"{number}.csv", b"")
    return buffer.getvalue()


def test_a_zip_listing_too_many_members_is_refused_before_it_is_opened(tmp_path) -> None:
    """zipfile holds the whole list of members as objects: a list larger than any real
    workbook's or return's is refused from the size the file's end record gives."""
    from returns.kinds.statutory import ssda903_derive
    from returns.models import ImportBatch
    from returns.zip_files import directory_size

    content = many_members(70_000)  # past 65,535 members: a ZIP64 end record
    assert directory_size(io.BytesIO(content)) == len(content) - content.index(b"PK\x01\x02") - (
        56 + 20 + 22
    )
    small = ImportLimits(zip_directory_bytes=100_000)
    table = read_table(content, "f.xlsx", "figures", small)
    assert [f.message[:45] for f in table.findings] == [
        "The ZIP file lists so many files that its lis"
    ]
    assert read_table(many_members(10), "f.xlsx", "figures", small).findings[0].message == (
        "f.xlsx is a ZIP file but not an Excel workbook: upload an Excel Workbook (.xlsx) or a "
        "CSV file."
    )

    derived = ssda903_derive(ImportBatch(), io.BytesIO(many_members(100_000)), 2025)
    assert [f.message[:45] for f in derived.findings] == [
        "The ZIP file lists so many files that its lis"
    ]
