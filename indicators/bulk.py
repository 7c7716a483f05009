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

Foreign keys are checked once per distinct key, not once per row, where the database lets us.
PostgreSQL checks each row's foreign keys with a query of its own (3-4 µs each here: half a
minute for the seven keys of a million imported figures with their audit and rollback rows).
Where the connection may set ``session_replication_role`` (a superuser, or since PostgreSQL 15
a role granted ``SET`` on it), COPY runs with the per-row checks off and then checks every
distinct key written at once, taking the same ``FOR KEY SHARE`` lock on each referenced row
that the per-row check takes, so nothing can delete them before the transaction ends. Where it
may not, or where the table has triggers of its own, the per-row checks run as usual. Either
way a missing key fails the statement with an IntegrityError. See docs/0009-imports.md.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction

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


@functools.lru_cache(maxsize=64)  # an import stamps every row with the same moment
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
        checked_at_once = _per_row_key_checks_off(cursor, table, fields)
        # The distinct keys written to each foreign key column, checked after the COPY.
        collected: list[tuple[int, set[Any]]] = (
            [(position, set()) for position in _reference_positions(fields)]
            if checked_at_once
            else []
        )
        # Django's wrapper turns the driver's errors into django.db's (IntegrityError...).
        with (
            connection.wrap_database_errors,
            raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                for position, seen in collected:
                    seen.add(row[position])
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
        if checked_at_once:
            cursor.execute("SET LOCAL session_replication_role TO DEFAULT")
            for position, seen in collected:
                _check_keys(cursor, table, fields[position], seen)
    return written


def _reference_positions(fields: Sequence[models.Field[Any, Any]]) -> list[int]:
    """The positions of the columns the database checks as foreign keys."""
    return [
        position
        for position, field in enumerate(fields)
        # db_constraint is set by ForeignKey.__init__ but missing from django-stubs.
        if isinstance(field, models.ForeignKey) and getattr(field, "db_constraint", True)
    ]


def _per_row_key_checks_off(
    cursor: Any, table: str, fields: Sequence[models.Field[Any, Any]]
) -> bool:
    """Turn PostgreSQL's per-row foreign key checks off until the caller turns them back on,
    if the connection may and nothing else would be turned off with them: the table's only
    triggers are the database's own foreign key triggers. Says whether they are off."""
    if not connection.in_atomic_block or not _reference_positions(fields):
        return False
    cursor.execute(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND tgfoid::regproc::text NOT LIKE %s",
        [table, '"RI_FKey_%'],
    )
    if cursor.fetchone()[0]:
        return False  # a trigger of the table's own, which session_replication_role would skip
    return _replica_role_set(cursor)


def _replica_role_set(cursor: Any) -> bool:
    """Set session_replication_role to replica for the rest of the transaction, if the
    connection may; says whether it did."""
    try:
        # A savepoint: a refused SET must not abort the caller's transaction.
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role TO replica")
    except DatabaseError:
        return False
    return True


@contextmanager
def key_checks_at_once(*tables: type[models.Model]) -> Iterator[bool]:
    """For set-based writes (``INSERT ... SELECT``, ``UPDATE ... FROM``) into `tables` inside
    the caller's transaction: turn PostgreSQL's per-row foreign key checks off for the block,
    as `insert_rows` does for its COPY, where the connection may and none of the tables has
    triggers of its own. Yields whether they are off: if so, the caller must check every
    distinct key it wrote with `keys_check` before the block ends (or show why a key needs no
    check). They are back on after the block."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield False
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND tgfoid::regproc::text NOT LIKE %s",
                [connection.ops.quote_name(table._meta.db_table), '"RI_FKey_%'],
            )
            if cursor.fetchone()[0]:
                yield False
                return
        off = _replica_role_set(cursor)
    # Not on an error: the transaction (or the savepoint the setting was made in) is undone,
    # and the setting with it.
    yield off
    if off:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role TO DEFAULT")


def keys_check(field: models.Field[Any, Any], keys: Iterable[Any]) -> None:
    """Check at once, as PostgreSQL's per-row check would, that every key written to the
    foreign key `field` refers to a row that exists, locking each FOR KEY SHARE until the
    transaction ends. Raises IntegrityError naming the first missing keys."""
    with connection.cursor() as cursor:
        _check_keys(cursor, connection.ops.quote_name(field.model._meta.db_table), field, set(keys))


def keys_checked_at_once() -> bool:
    """Whether insert_rows can check foreign keys once per key on this connection (for the
    benchmarks and the operator to see): PostgreSQL, with the right to set
    session_replication_role."""
    if connection.vendor != "postgresql":
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        allowed = _replica_role_set(cursor)
        cursor.execute("SET LOCAL session_replication_role TO DEFAULT")
    return allowed


def _check_keys(cursor: Any, table: str, field: models.Field[Any, Any], keys: set[Any]) -> None:
    """Check at once what PostgreSQL's per-row check would have: every key refers to a row
    that exists, locked FOR KEY SHARE (as the per-row check locks it) until the transaction
    ends, so it cannot be deleted before the rows referring to it are committed."""
    keys.discard(None)
    if not keys:
        return
    target = field.target_field  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    referenced = quote(target.model._meta.db_table)
    column = quote(target.column)
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {referenced} WHERE {column} = ANY(%s) "  # noqa: S608
        "FOR KEY SHARE) AS locked",
        [list(keys)],
    )
    if cursor.fetchone()[0] == len(keys):
        return
    cursor.execute(
        f"SELECT key FROM unnest(%s) AS key WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {referenced} WHERE {column} = key) ORDER BY key LIMIT 5",
        [list(keys)],
    )
    missing = ", ".join(str(row[0]) for row in cursor.fetchall())
    raise IntegrityError(
        f"Insert into {table} refers to rows that do not exist: {field.column} {missing} "
        f"not present in {referenced}."
    )


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


# The columns of an audit row (`FigureChange`) that the set-based services write, in the order
# their rows give them: imports and the admins' approval of comparator figures.
FIGURE_CHANGE_COLUMNS = (
    "figure_id",
    "changed_at",
    "changed_by_id",
    "channel",
    "old_value",
    "new_value",
    "old_status",
    "new_status",
    "old_commentary",
    "new_commentary",
    "reason",
)
