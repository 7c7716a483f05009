"""A named lock held until the end of the current transaction.

PostgreSQL's advisory locks are its own, so they sit behind this one function. SQLite, the
embedded default, lets one transaction write at a time and runs tasks in-process, so there
the lock is not needed and nothing is done.
"""

from django.db import connection


def hold_until_commit(name: str) -> None:
    """Wait for, then hold, the lock called `name` until the transaction ends. Call inside
    a transaction (outside one PostgreSQL would release it at once)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # hashtext turns the name into the lock's number; a clash of two names only makes
        # them wait for each other, never lets two holders of one name in together.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
