"""How large a ZIP file's directory is, read before the ZIP is opened. Pure: no Django.

`zipfile.ZipFile` reads the whole central directory (the list of the ZIP's members) into
memory when it opens a file, several hundred bytes of Python objects a member: a 250 MB upload
of empty members would take gigabytes before any member is read. A workbook's directory or a
return's is a few kilobytes, so the readers look at the size the file's end record gives
(ZIP64's too, as zipfile does) and refuse a ZIP whose directory is larger than a limit.
"""

from __future__ import annotations

from typing import IO

_END = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
_END_SIZE = 22
_LOCATOR_SIZE = 20
_MOST_COMMENT = 65_535


def directory_size(source: IO[bytes]) -> int:
    """The size in bytes of the ZIP's central directory, as its end record (or ZIP64 end
    record) gives it; 0 when there is no end record (zipfile then says it is not a ZIP)."""
    source.seek(0, 2)
    size = source.tell()
    tail_size = min(size, _MOST_COMMENT + _END_SIZE + _LOCATOR_SIZE)
    source.seek(size - tail_size)
    tail = source.read(tail_size)
    source.seek(0)
    at = tail.rfind(_END)
    if at < 0 or at + _END_SIZE > len(tail):
        return 0
    found = int.from_bytes(tail[at + 12 : at + 16], "little")
    locator = at - _LOCATOR_SIZE
    if locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        offset = int.from_bytes(tail[locator + 8 : locator + 16], "little")
        if offset < size:
            source.seek(offset)
            record = source.read(56)
            source.seek(0)
            if record[:4] == _ZIP64_END and len(record) == 56:
                found = max(found, int.from_bytes(record[40:48], "little"))
    return found


def directory_refusal(limit: int) -> str:
    return (
        f"The ZIP file lists so many files that its list alone is larger than "
        f"{limit // 1024:,} kB, which no workbook or return does: it was refused before it was "
        "opened, and nothing was imported. Check that it is the file you meant to send."
    )
