"""The kinds of import, each with its handler (`base.ImportHandler`): the batch core
(`returns.services`) asks `handler_for(batch.kind)` and never switches on the kind.

Adding a kind is a value of `ImportKind`, a module here with its handler, and a line below.
"""

from __future__ import annotations

from ..models import ImportKind
from . import (
    neighbours,
    ofsted,
    published,
    record_logs,
    spreadsheet_figures,
    spreadsheet_tables,
    spreadsheet_targets,
    statswales,
    statutory,
)
from .base import ImportHandler

HANDLERS: dict[str, ImportHandler] = {
    ImportKind.PUBLISHED: published.HANDLER,
    ImportKind.NEIGHBOURS: neighbours.HANDLER,
    ImportKind.CIN: statutory.CIN,
    ImportKind.SSDA903: statutory.SSDA903,
    ImportKind.SHEET_FIGURES: spreadsheet_figures.HANDLER,
    ImportKind.SHEET_TARGETS: spreadsheet_targets.HANDLER,
    ImportKind.SHEET_INDICATORS: spreadsheet_tables.INDICATORS,
    ImportKind.SHEET_AREAS: spreadsheet_tables.AREAS,
    ImportKind.AUDIT_LOG: record_logs.HANDLER,
    ImportKind.COMPLAINTS_LOG: record_logs.HANDLER,
    ImportKind.STATSWALES: statswales.HANDLER,
    ImportKind.OFSTED: ofsted.HANDLER,
}


def handler_for(kind: str) -> ImportHandler:
    """The handler of a kind of import (one of `ImportKind`)."""
    return HANDLERS[kind]
