"""The shape of the returns app (issue 14): every kind of import has its handler. (Import
circles and private names are checked for every app: tests/test_architecture.py and
`lint-imports`.)"""

from returns.kinds import HANDLERS
from returns.kinds.base import ImportHandler
from returns.models import ImportKind


def test_every_kind_of_import_has_a_handler() -> None:
    assert set(HANDLERS) == set(ImportKind.values)
    assert all(ImportHandler in type(handler).__mro__ for handler in HANDLERS.values())
