"""Lines of UTF-8 text read from a binary stream a chunk at a time. Pure: no Django.

The CSV readers (a spreadsheet's CSV file, an SSDA903 return's tables inside its ZIP) give
`csv.reader` these lines, so a file is read row by row and never decoded whole. Lines keep
their endings and break where a file opened with newline="" breaks them (\\n, \\r\\n or \\r),
as the csv module expects. Two things stop reading with an exception that says where: text
that is not UTF-8 (`NotUtf8`: the line and the byte) and a line longer than the limit given
(`LineTooLong`), which would otherwise be held whole however large.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO

CHUNK = 1 << 20
_BREAK = re.compile(r"\r\n|\r|\n")


class NotUtf8(ValueError):
    """The text is not UTF-8: `line` (1-based) holds `byte`, the first that is not."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(f"byte 0x{byte:02x} on line {line} is not UTF-8")
        self.line = line
        self.byte = byte


class LineTooLong(ValueError):
    """Line `line` is longer than `limit` characters."""

    def __init__(self, line: int, limit: int) -> None:
        super().__init__(f"line {line} is longer than {limit:,} characters")
        self.line = line
        self.limit = limit


def utf8_lines(handle: IO[bytes], *, max_line: int, chunk: int = CHUNK) -> Iterator[str]:
    """The lines of `handle`, decoded as UTF-8 (a byte-order mark dropped), with their endings."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    newlines = 0  # "\n"s in the text decoded so far, to say which line a bad byte is on
    while True:
        data = handle.read(chunk)
        final = not data
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as wrong:
            before = wrong.object[: wrong.start]
            line = newlines + pending.count("\n") + before.count(b"\n") + 1
            raise NotUtf8(line, wrong.object[wrong.start]) from None
        buffer = pending + text if pending else text
        start = 0
        for match in _BREAK.finditer(buffer):
            end = match.end()
            if end == len(buffer) and not final and match.group() == "\r":
                break  # a "\r\n" may be split between this chunk and the next
            if end - start > max_line:
                raise LineTooLong(newlines + buffer.count("\n", 0, start) + 1, max_line)
            yield buffer[start:end]
            start = end
        newlines += buffer.count("\n", 0, start)
        pending = buffer[start:]
        if len(pending) > max_line:
            raise LineTooLong(newlines + 1, max_line)
        if final:
            if pending:
                yield pending
            return
