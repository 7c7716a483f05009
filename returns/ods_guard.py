"""How large an OpenDocument spreadsheet is, measured before it is parsed. Pure: no Django.

An .ods file is a ZIP whose `content.xml` holds every sheet. The reader (python-calamine,
docs/0027) builds each sheet whole in memory, as a dense grid from its first row to its last
filled one and its first column to its widest filled one. ODF lets one element stand for many
rows or cells (`table:number-rows-repeated`, `table:number-columns-repeated`), so a few bytes
can declare a billion filled cells. This module streams `content.xml` with expat once,
counting what that grid would be, and refuses the file (with one sentence that says why) past
the limits of `returns.limits` (docs/0019) before the reader sees it:

- the ZIP's list of members and the sizes its members declare, as for a workbook;
- rows of any one sheet (`sheet_rows`) and cells of all sheets together (`sheet_cells`),
  counting the empty rows and cells a dense grid holds before a filled one;
- characters in one cell (`cell_chars`) and in all cells (`shared_string_chars`);
- a document type declaration (which ODF never has: it is how entity bombs begin).

Trailing empty rows and cells (LibreOffice writes a million of them at a sheet's end, as one
repeated row) cost nothing and are not counted.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from .limits import SETTINGS, ImportLimits, too_many, unpacked_refusal
from .zip_files import directory_refusal, directory_size

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
CHUNK = 64 * 1024

NOT_ODS = (
    "The file is not an OpenDocument spreadsheet (.ods): Ofsted publishes its inspection "
    "outcomes as one. Download the file again, or save it from your spreadsheet program as "
    "OpenDocument Spreadsheet."
)


class OdsRefused(Exception):
    """The file is not an .ods the reader may open; the message says why, for the user."""


@dataclass(frozen=True)
class OdsSize:
    """What the dense grids of the file's sheets would hold."""

    sheets: int
    most_rows: int
    cells: int
    characters: int


class _Counter:
    """The expat handlers: counts rows and cells up to the last filled one of each sheet."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.sheets = 0
        self.in_sheet = False
        self.most_rows = 0
        self.cells = 0  # of the sheets finished
        self.characters = 0
        # The sheet being read: rows so far (with repeats), its last filled row's end, and its
        # widest filled column.
        self.row_at = 0
        self.filled_rows = 0
        self.widest = 0
        # The row being read.
        self.row_repeat = 1
        self.column_at = 0
        self.filled_columns = 0
        self.row_chars = 0
        # The cell being read.
        self.in_cell = False
        self.cell_repeat = 1
        self.cell_filled = False
        self.cell_chars = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        space, _, local = name.rpartition(" ")
        if space != TABLE_NS:
            return
        if local == "table":
            if self.in_sheet:
                # A table inside a cell would start its own count and hide the sheet's rows.
                raise OdsRefused(
                    "The spreadsheet has a table inside a cell, which Ofsted's file never has: "
                    "it was refused unread. Check that it is the file you meant to send."
                )
            self.in_sheet = True
            self.sheets += 1
            self.row_at = self.filled_rows = self.widest = 0
        elif local == "table-row":
            self.row_repeat = _count(attributes.get(f"{TABLE_NS} number-rows-repeated"))
            self.column_at = self.filled_columns = self.row_chars = 0
        elif local in ("table-cell", "covered-table-cell"):
            self.in_cell = True
            self.cell_repeat = _count(attributes.get(f"{TABLE_NS} number-columns-repeated"))
            self.cell_filled = f"{OFFICE_NS} value-type" in attributes
            self.cell_chars = 0

    def text(self, data: str) -> None:
        if not self.in_cell:
            return
        self.cell_chars += len(data)
        if self.cell_chars > self.limits.cell_chars:
            raise OdsRefused(
                f"A cell of the spreadsheet holds more than {self.limits.cell_chars:,} "
                "characters: it was refused before it was read in full. Check that it is the "
                "file you meant to send."
            )
        if data.strip():
            self.cell_filled = True

    def end(self, name: str) -> None:
        space, _, local = name.rpartition(" ")
        if space != TABLE_NS:
            return
        if local in ("table-cell", "covered-table-cell"):
            self.in_cell = False
            self.column_at += self.cell_repeat
            if self.cell_filled:
                self.filled_columns = self.column_at
                self.row_chars += self.cell_chars * self.cell_repeat
                if self.filled_columns > self.limits.sheet_cells:
                    raise OdsRefused(self._too_many_cells())
        elif local == "table-row":
            self.row_at += self.row_repeat
            if self.filled_columns:
                self.filled_rows = self.row_at
                self.widest = max(self.widest, self.filled_columns)
                self._check()
                self.characters += self.row_chars * self.row_repeat
                if self.characters > self.limits.shared_string_chars:
                    raise OdsRefused(
                        f"The spreadsheet's cells hold more than "
                        f"{self.limits.shared_string_chars:,} characters, the most an import "
                        "takes: it was refused before it was read in full, and nothing was "
                        "imported. Check that it is the file you meant to send."
                    )
        elif local == "table":
            self.in_sheet = False
            self.cells += self.filled_rows * self.widest
            self.most_rows = max(self.most_rows, self.filled_rows)

    def _check(self) -> None:
        if self.filled_rows > self.limits.sheet_rows:
            raise OdsRefused(
                too_many(
                    "A sheet of the spreadsheet has",
                    f"{self.limits.sheet_rows:,} rows",
                    SETTINGS["sheet_rows"],
                    "Split it into smaller files.",
                )
            )
        if self.cells + self.filled_rows * self.widest > self.limits.sheet_cells:
            raise OdsRefused(self._too_many_cells())

    def _too_many_cells(self) -> str:
        return too_many(
            "The spreadsheet has",
            f"{self.limits.sheet_cells:,} cells",
            SETTINGS["sheet_cells"],
            "Split it into smaller files.",
        )


def _count(given: str | None) -> int:
    """A repeat count as ODF writes it (a positive whole number); 1 when absent or nonsense."""
    if given is None or not given.isdigit():
        return 1
    return max(1, int(given))


def _refuse_doctype(*_args: Any) -> None:
    raise OdsRefused(
        "The spreadsheet declares a document type, which no OpenDocument file does: it was "
        "refused unread. Save it again from your spreadsheet program."
    )


def ods_measure(source: IO[bytes], limits: ImportLimits) -> OdsSize:
    """Measure the .ods in `source` (a seekable binary stream, left at its start), or raise
    `OdsRefused` saying why it may not be read."""
    if directory_size(source) > limits.zip_directory_bytes:
        raise OdsRefused(directory_refusal(limits.zip_directory_bytes))
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as wrong:
        raise OdsRefused(NOT_ODS) from wrong
    with archive:
        names = set(archive.namelist())
        if "content.xml" not in names:
            raise OdsRefused(NOT_ODS)
        if "mimetype" in names:
            declared = archive.getinfo("mimetype").file_size
            kind = archive.read("mimetype")[:200] if declared <= 200 else b""
            if kind.strip() != ODS_MIMETYPE.encode():
                raise OdsRefused(NOT_ODS)
        if sum(info.file_size for info in archive.infolist()) > limits.unpacked_bytes:
            raise OdsRefused(unpacked_refusal(limits.unpacked_bytes, "The spreadsheet"))
        counter = _Counter(limits)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = counter.start
        parser.EndElementHandler = counter.end
        parser.CharacterDataHandler = counter.text
        try:
            with archive.open("content.xml") as content:
                while chunk := content.read(CHUNK):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, ValueError) as wrong:
            raise OdsRefused(
                f"The spreadsheet cannot be read ({wrong}): download it again, or save it "
                "again as OpenDocument Spreadsheet."
            ) from wrong
    source.seek(0)
    return OdsSize(
        sheets=counter.sheets,
        most_rows=counter.most_rows,
        cells=counter.cells,
        characters=counter.characters,
    )
