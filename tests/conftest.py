"""Shared fixtures: two authorities with data, and the personas that walk every page."""

from dataclasses import dataclass

import pytest
from hypothesis import settings

from accounts.models import Role, User
from indicators.models import Area, AreaKind, ComparatorKind, Indicator

from . import factories

# No deadline on hypothesis examples: a test must not fail because a loaded CI machine ran an
# example slowly (a 260 ms example of a pure ranking test failed the default 200 ms once, with
# three test processes on two cores). Speed is measured by bench/, never asserted in tests.
settings.register_profile("csc", deadline=None)
settings.load_profile("csc")


@dataclass
class World:
    """Authority A and authority B, each with an indicator that has figures and a target."""

    authority_a: Area
    authority_b: Area
    england: Area
    indicator: Indicator


@dataclass
class Personas:
    officer_a: User
    manager_a: User
    councillor_a: User
    officer_b: User
    admin: User

    def all(self) -> dict[str, User]:
        return dict(vars(self))


@pytest.fixture
def world(db) -> World:
    england = factories.AreaFactory(name="England", slug="england", kind=AreaKind.NATION)
    authority_a = factories.AreaFactory(name="Authority A", slug="authority-a")
    authority_b = factories.AreaFactory(name="Authority B", slug="authority-b")
    indicator = factories.IndicatorFactory(code="ASMT-T", title="% assessments completed in time")
    for authority, values in ((authority_a, ("80", "90", "87")), (authority_b, ("70", "71", "72"))):
        for year, value in zip((2015, 2016, 2017), values, strict=True):
            factories.figure(authority, indicator, factories.financial_year(year), value)
        factories.target(authority, indicator, factories.financial_year(2017), "90", "95")
        factories.comparator(authority, england, ComparatorKind.NATION, "England", 1)
    factories.figure(england, indicator, factories.financial_year(2016), "83")
    return World(authority_a, authority_b, england, indicator)


@pytest.fixture
def personas(world: World) -> Personas:
    def member(username: str, authority: Area, role: str) -> User:
        user = factories.UserFactory(username=username)
        factories.MembershipFactory(user=user, authority=authority, role=role)
        return user

    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return Personas(
        officer_a=member("officer_a", world.authority_a, Role.OFFICER),
        manager_a=member("manager_a", world.authority_a, Role.MANAGER),
        councillor_a=member("councillor_a", world.authority_a, Role.COUNCILLOR),
        officer_b=member("officer_b", world.authority_b, Role.OFFICER),
        admin=admin,
    )


@pytest.fixture
def eager_tasks():
    """Run queued tasks in-process, as the embedded default does, for tests of what a write
    leads to. The worker itself is tested against Redis in test_tasks.py."""
    from config.celery import app

    saved = {key: app.conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(saved)


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A memory cache per test: CI's Redis outlives a test database, and an import's progress
    kept there under a batch id would meet another test's batch of the same id."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """MD5 in tests, Django's default (PBKDF2, a million iterations) in production: each of the
    personas and demo users would otherwise take a deliberately slow hash to create and to
    sign in, which is most of the time of many tests. No test is about the hash itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _own_task_queue(worker_id: str) -> None:
    """The suite runs in several processes (pytest-xdist), each with its own test database but
    one Redis: each gets a queue of its own, so that one process's Celery worker never runs a
    task another queued (for a batch of the same id in another database)."""
    from config.celery import app

    app.conf.task_default_queue = f"csc-tests-{worker_id}"


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker):
    from indicators.demo import demo_load

    from .snapshots import record

    with django_db_blocker.unblock():
        return record(demo_load)


@pytest.fixture(scope="session")
def _catalogue_snapshot(django_db_setup, django_db_blocker):
    from indicators.catalogue import catalogue_load

    from .snapshots import record

    with django_db_blocker.unblock():
        return record(catalogue_load)


@pytest.fixture
def loaded_demo(db, _demo_snapshot) -> None:
    """The database as `demo_load()` leaves it, in this test's own transaction: recorded once
    per test process (tests/snapshots.py) rather than loaded again for each test. The roll-up
    tasks a real load queues on commit are not run; call `demo_load` where a test needs them."""
    _demo_snapshot.restore()


def _with_follow_up_tasks(*loaders):
    """A loader that runs `loaders`, then, in the same transaction, the tasks their writes
    queue for after commit (roll-ups of months into quarters and years, summaries, dashboard
    rebuilds), in-process, as the embedded default runs them after a real commit. Recorded
    once per process, this stands for `eager_tasks` plus the loaders in a browser test."""

    def load() -> None:
        from django.test import TestCase

        from config.celery import app

        saved = {key: app.conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
        app.conf.update(task_always_eager=True, task_eager_propagates=True)
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                for loader in loaders:
                    loader()
        finally:
            app.conf.update(saved)

    load.__name__ = " and ".join(loader.__name__ for loader in loaders) + " with their tasks"
    return load


@pytest.fixture(scope="session")
def _demo_worked_snapshot(django_db_setup, django_db_blocker):
    from indicators.demo import demo_load

    from .snapshots import record

    with django_db_blocker.unblock():
        return record(_with_follow_up_tasks(demo_load))


@pytest.fixture(scope="session")
def _demo_audits_worked_snapshot(django_db_setup, django_db_blocker):
    from audits.demo import audits_demo_load
    from indicators.demo import demo_load

    from .snapshots import record

    with django_db_blocker.unblock():
        return record(_with_follow_up_tasks(demo_load, audits_demo_load))


@pytest.fixture(scope="session")
def _demo_complaints_worked_snapshot(django_db_setup, django_db_blocker):
    from complaints.demo import complaints_demo_load
    from indicators.demo import demo_load

    from .snapshots import record

    with django_db_blocker.unblock():
        return record(_with_follow_up_tasks(demo_load, complaints_demo_load))


@pytest.fixture
def worked_demo(_demo_worked_snapshot) -> None:
    """The database as `demo_load()` leaves it once the tasks it queues have run (roll-ups,
    dashboard rebuilds): what a browser test of the demo reads. Restored from a recording, in
    the test's own (plain or transactional) database."""
    _demo_worked_snapshot.restore()


@pytest.fixture
def worked_demo_with_audits(_demo_audits_worked_snapshot) -> None:
    """`worked_demo` and the audits demo (audits_demo_load), with the tasks they queue run."""
    _demo_audits_worked_snapshot.restore()


@pytest.fixture
def worked_demo_with_complaints(_demo_complaints_worked_snapshot) -> None:
    """`worked_demo` and the complaints demo, with the tasks they queue run."""
    _demo_complaints_worked_snapshot.restore()


@pytest.fixture
def loaded_catalogue(db, _catalogue_snapshot) -> None:
    """The database as `catalogue_load()` leaves it, recorded once per test process."""
    _catalogue_snapshot.restore()


@pytest.fixture(scope="session")
def _measures_snapshot(django_db_setup, django_db_blocker):
    from indicators.catalogue import catalogue_load

    from .snapshots import record

    def measures_load() -> None:
        catalogue_load(reference_data=False)

    with django_db_blocker.unblock():
        return record(measures_load)


@pytest.fixture
def loaded_measures(db, _measures_snapshot) -> None:
    """The catalogue's themes and measures without its reference areas: for tests whose
    `world` makes an England of its own (a restored England would clash with it)."""
    _measures_snapshot.restore()
