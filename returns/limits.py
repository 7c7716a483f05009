"""How much one import may hold: the limits every reader of returns and spreadsheets keeps to.

A reader counts as it streams and stops at a limit with one finding that names it, before
memory grows: a 3 MB ZIP can unpack to a gigabyte of valid rows, and a reader that kept them
all took a worker to 20 GB (issue 15). The limits are far above what a real council sends
(docs/0019 says why each number), so a valid file never meets one; an administrator can raise
those that a setting names. The readers are pure and take an `ImportLimits`; the kinds pass
`import_limits()`, which reads the settings.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

GIB = 1024 * 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    # What a ZIP (an SSDA903 return's tables, an XLSX workbook) may unpack to, as it declares,
    # and the size of its list of members (a few kilobytes in any real one), read before it is
    # opened: zipfile holds the whole list as objects of some 400 bytes a member.
    unpacked_bytes: int = GIB
    zip_directory_bytes: int = 4 * 1024 * 1024
    # Rows of any one table of an SSDA903 return (episodes, header, ...), CSV or XML. The
    # largest authority has a few thousand looked-after children and some 15,000 episodes a
    # year; 300,000 also covers a return with every child's whole history.
    return_rows: int = 300_000
    # <Child> elements of a CIN census. The largest authority has some 30,000 children in need
    # in a year.
    cin_children: int = 200_000
    # Rows of data, and cells (counting the empty ones left of a filled one), of one sheet.
    sheet_rows: int = 200_000
    sheet_cells: int = 3_000_000
    # Characters of all a workbook's shared strings together (their count is held to
    # `sheet_cells`: a sheet cannot use more distinct texts than it has cells).
    shared_string_chars: int = 50_000_000
    # Characters in one cell: Excel's own limit.
    cell_chars: int = 32_767
    # Characters in one line of a CSV file (a field is held to 131,072 by Python's csv module).
    line_chars: int = 1_000_000
    # Elements in one child's record of an XML return (<CHILD>, <Child>): a child with 1,000
    # episodes has 20,000.
    record_elements: int = 100_000
    # Characters of text in one child's record of an XML return (in the SSDA903 XML, bytes in a
    # row without a "<": a text the parser holds whole until it ends).
    record_chars: int = 10_000_000
    # Findings a reader keeps; beyond them errors are only counted. A batch lists the first
    # 1,000 and counts the errors and warnings among these.
    findings: int = 50_000


DEFAULT_LIMITS = ImportLimits()

# The limits an administrator can raise, by the setting (and environment variable) that does.
SETTINGS = {
    "unpacked_bytes": "IMPORT_MAX_UNPACKED_BYTES",
    "return_rows": "IMPORT_MAX_RETURN_ROWS",
    "cin_children": "IMPORT_MAX_CIN_CHILDREN",
    "sheet_rows": "IMPORT_MAX_SHEET_ROWS",
    "sheet_cells": "IMPORT_MAX_SHEET_CELLS",
}


def import_limits() -> ImportLimits:
    """The limits as the settings give them (the defaults above where they give none)."""
    from django.conf import settings  # here, so that the pure readers need no Django

    given = {
        field.name: int(getattr(settings, SETTINGS[field.name]))
        for field in fields(ImportLimits)
        if field.name in SETTINGS and hasattr(settings, SETTINGS[field.name])
    }
    return ImportLimits(**given)


def too_many(what: str, limit: str, setting: str, advice: str) -> str:
    """The refusal of a file past a limit: what is too large ("The episodes table has"), the
    limit ("300,000 rows"), the setting that holds it and what to do."""
    return (
        f"{what} more than {limit}, the most an import takes ({setting}): it was refused "
        f"before it was read in full, and nothing was imported. {advice} If a file truly "
        f"needs more, an administrator can raise {setting}."
    )


def size_text(size: int) -> str:
    """A limit in bytes as people write it: 1 GB, 512 MB."""
    if size >= GIB:
        return f"{size / GIB:g} GB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size:,} bytes"


def unpacked_refusal(limit: int, what: str = "The ZIP file") -> str:
    return too_many(
        f"{what} unpacks to",
        size_text(limit),
        SETTINGS["unpacked_bytes"],
        "Check it is the file you meant to send.",
    )
