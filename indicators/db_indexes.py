"""Index types the models name that are PostgreSQL's own, with what SQLite (the embedded
default) builds in their place."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import BrinIndex
from django.db.models import Index


class AppendOnlyIndex(BrinIndex):
    """A BRIN index on PostgreSQL, a B-tree elsewhere: for a column whose rows are written
    together and in order of it, as a batch's rollback records are (a million rows in one
    statement). A B-tree costs every row an entry; BRIN keeps one summary per range of pages,
    so writing a million rows costs it almost nothing, and reading one value's rows reads
    only the pages that hold them (bench/README.md, issue 18)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # New pages are summarised as they fill, not only by VACUUM.
        kwargs.setdefault("autosummarize", True)
        super().__init__(*args, **kwargs)

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
