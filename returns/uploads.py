"""Uploads past the size limit are not kept.

Django reads a request's body as it arrives and, by default, keeps every uploaded file in full
(in memory, or in a temporary file) before a view sees it. This handler, first in
FILE_UPLOAD_HANDLERS, counts each file's bytes as they arrive: once a file passes
IMPORT_MAX_BYTES, the rest of it is passed to no other handler and so never stored, and the
view is given a `RefusedUpload` carrying only the file's name and the size it had reached.
The import services refuse it by its size, with the same message as any file too large.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

# An upload's bytes (django-stubs makes UploadedFile generic in its content).
UploadedBytes = UploadedFile[bytes]


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 250 * 1024 * 1024))


class RefusedUpload(UploadedBytes):
    """A file that was too large to keep: its name and the bytes counted, no content."""

    def __init__(self, name: str, size: int, content_type: str, charset: str | None) -> None:
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.too_large = True
            return None  # the later handlers never see the rest: nothing more is stored
        return raw_data

    def file_complete(self, file_size: int) -> UploadedBytes | None:
        if not self.too_large:
            return None  # the next handler (memory or temporary file) gives the file
        return RefusedUpload(
            self.file_name or "upload", self.received, self.content_type or "", self.charset
        )
