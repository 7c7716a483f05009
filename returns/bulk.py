"""Writing many rows of this app's own tables fast: one small function, with PostgreSQL's
COPY behind it and a portable multi-row INSERT for SQLite (DESIGN.md: anything
PostgreSQL-only sits behind one small function with a portable fallback).

Callers give plain column values (ids, text, JSON already encoded as text): no model
instances are built, no signals sent, no `save()` run, so the caller writes any audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

ROWS_PER_INSERT = 500


def rows_insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in the order of `columns`, model field names) into `model`'s
    table, in the caller's transaction."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(meta.get_field(name).column)) for name in columns)  # type: ignore[union-attr]
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), ROWS_PER_INSERT):
            chunk = rows[start : start + ROWS_PER_INSERT]
            marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {marks}",  # noqa: S608 (names from the model)
                [value for row in chunk for value in row],
            )
