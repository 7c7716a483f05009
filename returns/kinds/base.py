"""What every kind of import does with its batch, and what the kinds share.

The batch core (`returns.services`) owns a batch's life: the upload, its status, the lock,
the findings kept, the progress and the worker. It never switches on the kind: it asks the
kind's handler (`returns.kinds.handler_for`) to check an upload, to validate (read the file
and say what a commit would do), to commit and to roll back. Each handler is one object of a
class derived from `ImportHandler`, in its own module of this package.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol, cast

from django.core.files.base import File

from accounts import access

from ..findings import Finding
from ..models import ImportBatch

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User
    from indicators.models import Area


@dataclass(frozen=True)
class Preview:
    """What validating a batch found: the file's findings (the first `not_listed` left out of
    a badly broken file), the rows read, and how many records a commit would create, change
    and leave as they are."""

    findings: Sequence[Finding]
    rows_read: int
    new: int
    changed: int
    unchanged: int
    not_listed: int = 0


class ImportHandler(Protocol):
    """One kind of import. Each method runs inside the batch core's transaction, with the
    batch's row locked; the core has checked that the acting user may act on the batch.
    Handlers derive from this class, so that they inherit `check_upload` and mypy checks they
    give the rest."""

    def check_upload(self, *, authority: Area | None, collection_year: int | None) -> None:
        """Refuse (ValidationError) an upload that lacks what this kind needs, before it is
        kept. Most kinds need nothing more than the file."""
        return None

    def validate(self, batch: ImportBatch) -> Preview:
        """The dry run: read the batch's file and say what a commit would do, writing nothing
        outside the batch."""

    def commit(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        """Write what the file holds for `user`, keep what each write replaced (for the
        rollback) and set the batch's counts of what was written."""

    def rollback(self, *, user: User | SystemActor, batch: ImportBatch) -> None:
        """Undo what the committed batch wrote, or refuse (ValidationError) when something
        has changed since, so that nothing newer is overwritten."""

    def reject(self, batch: ImportBatch) -> None:
        """Tidy away what validating kept beside the batch's file, once it is rejected. Most
        kinds keep nothing."""
        return None


def batch_file_read(batch: ImportBatch) -> bytes:
    """The bytes of the batch's own file: validating and committing read the same file."""
    with batch.file.open("rb") as handle:
        content: bytes = handle.read()
    return content


@contextmanager
def batch_file_open(batch: ImportBatch) -> Iterator[IO[bytes]]:
    """The batch's own file, open for reading as a seekable binary stream: the readers that
    stream it (returns, spreadsheets) never hold it whole (docs/0019). The storage's own file
    object, not Django's wrappers of it: a reader reading line by line asks the stream
    whether it is closed at every line, which Django's File answers in Python (a second a
    million lines) and the file object in C."""
    with batch.file.open("rb") as handle:
        stream: object = handle
        while isinstance(stream, File):
            stream = stream.file
        yield cast(IO[bytes], stream)


def batch_note(batch: ImportBatch) -> str:
    """Where a written figure came from, as its source note says."""
    return f"{batch.file_name} (import {batch.pk})"


def batch_reason(batch: ImportBatch) -> str:
    """Why a record changed, as its history says."""
    return f"Import {batch.pk}: {batch.file_name}"


def batch_rollback_reason(batch: ImportBatch) -> str:
    """Why a record changed back, as its history says."""
    return f"Rollback of import {batch.pk}: {batch.file_name}"


def batch_actor_require(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Refuse (PermissionDenied) a user who may not act on the batch (accounts.access)."""
    access.require_import_batch(
        user, authority=batch.authority, officers_may=batch.is_officers_kind
    )
