"""Writing many rows at once, for imports of up to millions of figures.

PostgreSQL loads rows fastest through COPY (psycopg 3's ``cursor.copy()``: well over 100,000
rows a second here, against a few thousand through ``bulk_create``, whose cost is mostly
building model instances and compiling SQL). COPY is PostgreSQL's own, so it sits behind this
one function, with a portable fallback (``executemany``) for SQLite, the embedded default.

Rows are plain tuples in the order of the columns named, so no model instance is built. Values
are what the model's fields hold in Python (decimals, aware datetimes, dicts for JSON fields);
they are adapted here for the database in use. Database constraints still apply: a row that
breaks one makes the whole statement, and so the caller's transaction, fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.db import connection, models

# Rows between calls of `on_rows`, so a long load can report its progress.
REPORT_EVERY = 50_000


def _adapters(fields: Sequence[models.Field[Any, Any]]) -> list[Callable[[Any], Any] | None]:
    """For each column, how a Python value becomes what the database driver is given (None:
    as it is). JSON is serialised here on every database, since COPY takes it as text."""
    adapters: list[Callable[[Any], Any] | None] = []
    for field in fields:
        if isinstance(field, models.JSONField):
            adapters.append(_json_text)
        elif connection.vendor == "postgresql":
            adapters.append(None)  # psycopg adapts decimals, datetimes and the rest itself
        else:
            adapters.append(partial(_prepared, field))
    return adapters


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _prepared(field: models.Field[Any, Any], value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Insert `rows` (tuples of values for `columns`, given as attribute names such as
    ``figure_id``) into `model`'s table, inside the caller's transaction. Returns the number of
    rows written; `on_rows(n)` is called with the running count every REPORT_EVERY rows."""
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    adapters = _adapters(fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(str(field.column)) for field in fields)

    def adapted() -> Iterable[Sequence[Any]]:
        if not any(adapters):
            yield from rows
            return
        for row in rows:
            yield [
                value if adapt is None else adapt(value)
                for adapt, value in zip(adapters, row, strict=True)
            ]

    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            # Django's wrapper turns the driver's errors into django.db's (IntegrityError...).
            with (
                connection.wrap_database_errors,
                raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in adapted():
                    copy.write_row(row)
                    written += 1
                    if on_rows is not None and written % REPORT_EVERY == 0:
                        on_rows(written)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (model names)
            chunk: list[Sequence[Any]] = []
            for row in adapted():
                chunk.append(row)
                if len(chunk) == REPORT_EVERY:
                    cursor.executemany(sql, chunk)
                    written += len(chunk)
                    chunk = []
                    if on_rows is not None:
                        on_rows(written)
            if chunk:
                cursor.executemany(sql, chunk)
                written += len(chunk)
    return written
