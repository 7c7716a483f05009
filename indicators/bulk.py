"""Writing many rows at once, for imports of up to millions of figures.

PostgreSQL loads rows fastest through COPY (psycopg 3's ``cursor.copy()``), far faster than
``bulk_create``, whose cost is mostly building model instances and compiling SQL. COPY is
PostgreSQL's own, so it sits behind this one function, with a portable fallback
(``executemany``) for SQLite, the embedded default.

Rows are plain tuples in the order of the columns named, so no model instance is built. Values
are what the model's fields hold in Python (decimals, aware datetimes, dicts for JSON fields).
For COPY they are written as COPY's text format by one formatter per column, chosen once from
the field's type: psycopg's own ``write_row`` adapts every value on its own and costs about
four times as much a row. Database constraints still apply: a row that breaks one makes the
whole statement, and so the caller's transaction, fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

# Rows between calls of `on_rows`, so a long load can report its progress; also the rows sent
# to the database at a time.
REPORT_EVERY = 50_000

# COPY's text format: these characters in a value are written as escapes.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _as_text(value: str | None) -> str:
    if value is None:
        return NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _as_number(value: Any) -> str:
    return NULL if value is None else str(value)


def _as_boolean(value: bool | None) -> str:
    if value is None:
        return NULL
    return "t" if value else "f"


def _as_timestamp(value: datetime | None) -> str:
    return NULL if value is None else value.isoformat()


def _as_json(value: Any) -> str:
    return NULL if value is None else json.dumps(value).translate(_ESCAPES)


def _copy_formatter(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    """How a value of this field is written in COPY's text format."""
    if isinstance(field, models.JSONField):
        return _as_json
    if isinstance(field, models.BooleanField):
        return _as_boolean
    if isinstance(field, models.DateTimeField):
        return _as_timestamp
    if isinstance(field, models.CharField | models.TextField):
        return _as_text
    if isinstance(field, models.IntegerField | models.DecimalField | models.ForeignKey):
        return _as_number
    raise TypeError(f"insert_rows does not write {type(field).__name__} columns yet.")


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _as_given(value: Any) -> Any:
    return value


def _fallback_adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How a value of this field is given to the driver outside PostgreSQL: datetimes as the
    backend stores them (SQLite: naive UTC text, so they compare equal to what the ORM
    writes), JSON as text; numbers, text and booleans as they are (Django's SQLite backend
    registers the adapter for decimals)."""
    if isinstance(field, models.JSONField):
        return _json_text
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    return _as_given


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
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(str(field.column)) for field in fields)
    if connection.vendor == "postgresql":
        return _copy(table, names, fields, rows, on_rows)
    return _execute_many(table, names, fields, rows, on_rows)


def _copy(
    table: str,
    names: str,
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    on_rows: Callable[[int], None] | None,
) -> int:
    formatters = [_copy_formatter(field) for field in fields]
    written = 0
    lines: list[str] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
        # Django's wrapper turns the driver's errors into django.db's (IntegrityError...).
        with (
            connection.wrap_database_errors,
            raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                lines.append(
                    "\t".join([form(value) for form, value in zip(formatters, row, strict=True)])
                )
                if len(lines) == REPORT_EVERY:
                    copy.write("\n".join(lines) + "\n")
                    written += len(lines)
                    lines = []
                    if on_rows is not None:
                        on_rows(written)
            if lines:
                copy.write("\n".join(lines) + "\n")
                written += len(lines)
    return written


def _execute_many(
    table: str,
    names: str,
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    on_rows: Callable[[int], None] | None,
) -> int:
    adapters = [_fallback_adapter(field) for field in fields]
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
    written = 0
    chunk: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append([adapt(value) for adapt, value in zip(adapters, row, strict=True)])
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
