"""What a loader writes, recorded once per test process and written again in a few queries.

Loading the demo (or the indicator catalogue) runs every row through the services and
full_clean, which costs seconds; many tests only need the rows it leaves behind. `record` runs
a loader once inside a transaction that is rolled back, and keeps the rows it added, table by
table, as PostgreSQL COPY text; `Snapshot.restore` copies those rows back into the test's own
database transaction, so each test still starts from its own rolled-back copy.

Only rows the loader added are kept: if it changed or removed a row that was there before,
`record` refuses, since restoring could not reproduce that. Queued on-commit callbacks are not
replayed: use the loader itself where a test needs them (the rolled-back `db` fixture never runs
them anyway). On a database other than PostgreSQL `restore` simply runs the loader again.

Restored rows keep the ids they were recorded with. The sequences are already past them: the
recording advanced them, and neither a rollback nor the flush after a transactional test
resets them (a test marked `reset_sequences=True` would, and must not use a snapshot).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction


@dataclass
class Snapshot:
    loader: Callable[[], object]
    rows: dict[str, bytes] = field(default_factory=dict)  # table name: COPY text of new rows

    def restore(self) -> None:
        if connection.vendor != "postgresql":
            self.loader()
            return
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            for table, data in self.rows.items():
                with raw.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                    copy.write(data)


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _lines(table: str) -> set[bytes]:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        data = bytearray()
        with raw.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
            for chunk in copy:
                data += chunk
    return set(bytes(data).splitlines(keepends=True))


def record(loader: Callable[[], object]) -> Snapshot:
    """Run `loader` in a transaction that is rolled back, keeping the rows it added.

    The caller must allow database access (django_db_blocker.unblock()). Foreign keys are
    deferred on PostgreSQL, so the order in which tables are restored does not matter.
    """
    snapshot = Snapshot(loader)
    if connection.vendor != "postgresql":
        return snapshot
    with transaction.atomic():
        tables = _tables()
        before = {table: _lines(table) for table in tables}
        loader()
        for table in tables:
            after = _lines(table)
            gone = before[table] - after
            if gone:
                raise AssertionError(
                    f"{loader.__name__} changed or removed {len(gone)} row(s) of {table} that "
                    "were there before it ran: a snapshot of what it added cannot stand for it."
                )
            added = after - before[table]
            if added:
                snapshot.rows[table] = b"".join(sorted(added))
        transaction.set_rollback(True)
    return snapshot
