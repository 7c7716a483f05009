"""The world of the spreadsheet batch tests: Wiltshire's catalogue and areas, and an admin."""

import pytest

from tests import factories

from ..sheet_files import SheetWorld, sheet_world


@pytest.fixture
def world(db, settings, tmp_path) -> SheetWorld:
    settings.MEDIA_ROOT = tmp_path
    return sheet_world()


@pytest.fixture
def admin(world):
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
