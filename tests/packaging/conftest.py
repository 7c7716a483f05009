"""The `slow` mark: a test that builds and installs the project (a minute, not milliseconds).
It still runs in `make test`; `-m "not slow"` leaves it out while working on something else."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds and installs the wheel (about a minute)")
