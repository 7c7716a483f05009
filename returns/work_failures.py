"""What a person is told when committing or rolling back a batch failed for a reason no rule
foresaw (`returns.tasks`). Nothing was written either way (the work is one transaction), but
whether to try again depends on the fault: a database or broker that was briefly unreachable
may well be back in a minute; a value the database refused, or a fault in the program, will
fail the same way every time, and "try again" would only waste the person's afternoon.
"""

from __future__ import annotations

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

# Faults of the connection, not of the data: the server restarted, the network dropped, the
# broker was away, a lock waited too long. Django's wrappers, the plain socket errors and the
# broker's own connection errors.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    BrokerError,
)


def is_transient(error: BaseException) -> bool:
    """Whether trying the same work again may succeed."""
    if isinstance(error, DataError | IntegrityError):
        return False  # an OperationalError subclass in some drivers; never transient
    return isinstance(error, TRANSIENT)


def work_failure_message(error: BaseException, doing: str) -> str:
    """The message for a batch that could not be `doing` ("committed", "rolled back")."""
    detail = f"{type(error).__name__}: {error}".strip()
    if is_transient(error):
        return (
            f"The batch could not be {doing} because the database or the task queue could not "
            f"be reached ({detail}). Nothing was changed. This kind of fault usually passes: "
            "try again in a few minutes, and ask an administrator if it keeps happening."
        )
    what = "the database refused a value" if isinstance(error, DatabaseError) else "of a fault"
    return (
        f"The batch could not be {doing} because {what} ({detail}). Nothing was saved. Trying "
        "again will fail the same way: ask an administrator, giving them this message, so "
        "that the file or the program can be corrected."
    )
