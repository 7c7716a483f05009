"""The spreadsheet kinds' services for a caller holding a batch, outside the batch core
(docs/0010): commit or roll back a batch of figures, targets, indicators or areas in the
caller's own transaction, and roll up an import's figures. The batch core (`returns.services`)
asks the kinds' handlers (`returns.kinds`) itself; each handler checks the acting user again,
so that no caller skips the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from .kinds import handler_for
from .kinds.base import ImportHandler
from .kinds.spreadsheet_figures import figures_roll_up_many
from .models import SHEET_KINDS, ImportBatch

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

__all__ = ["figures_roll_up_many", "sheet_commit", "sheet_rollback"]


def sheet_handler(batch: ImportBatch) -> ImportHandler:
    """The handler of a spreadsheet batch; any other batch is refused."""
    if batch.kind not in SHEET_KINDS:
        raise ValidationError(f"{batch.get_kind_display()} is not a spreadsheet import.")
    return handler_for(batch.kind)


def sheet_commit(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Write a validated spreadsheet batch (in the caller's transaction), counting what it
    wrote and keeping what it replaced, for a user who may act on it."""
    sheet_handler(batch).commit(user=user, batch=batch)


def sheet_rollback(*, user: User | SystemActor, batch: ImportBatch) -> None:
    """Undo a committed spreadsheet batch (in the caller's transaction), for a user who may
    act on it."""
    sheet_handler(batch).rollback(user=user, batch=batch)
