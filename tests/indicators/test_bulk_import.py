"""Many figures at once: the COPY path (PostgreSQL) and its fallback write what the ORM would,
keep what an import leaves alone, and fail whole on a row the database refuses."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indicators import bulk, services
from indicators.models import ChangeChannel, Figure, FigureChange, FigureSource, FigureStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    area = factories.AreaFactory(name="Authority A", slug="authority-a")
    rate = factories.IndicatorFactory(code="RATE", title="% re-referrals", unit="percent")
    year = factories.financial_year(2024)
    # Published figures (the contents' default) are imported by an admin.
    user = factories.UserFactory(username="importer", is_superuser=True)
    return area, rate, year, user


def content(scene, value: str, **extra):
    area, rate, year, _user = scene
    return services.FigureContent(
        area=area, indicator=rate, period=year, value=Decimal(value), **extra
    )


def test_new_figures_are_written_with_their_audit_rows(scene) -> None:
    *_, user = scene
    outcomes = services.figures_import(
        user=user,
        contents=[content(scene, "22.6", numerator=Decimal(226), denominator=Decimal(1000))],
        reason="Import 1: file.csv",
    )
    figure = Figure.objects.get()
    assert (figure.value, figure.numerator, figure.denominator) == (
        Decimal("22.6"),
        Decimal(226),
        Decimal(1000),
    )
    assert (figure.status, figure.source, figure.version) == (
        FigureStatus.APPROVED,
        FigureSource.PUBLISHED,
        1,
    )
    assert (figure.updated_by, figure.ratio_kind) == (user, "proportion")
    assert figure.updated_at <= timezone.now()
    change = FigureChange.objects.get()
    assert (change.figure, change.changed_by) == (figure, user)
    assert change.channel == ChangeChannel.IMPORT
    assert (change.old_value, change.new_value, change.reason) == (
        None,
        Decimal("22.6"),
        "Import 1: file.csv",
    )
    assert [(o.figure_id, o.before, o.version) for o in outcomes] == [(figure.pk, None, 1)]


def test_the_same_numbers_again_change_nothing_and_a_new_number_is_a_change(scene) -> None:
    *_, user = scene
    services.figures_import(user=user, contents=[content(scene, "22.6")], reason="first")
    again = services.figures_import(
        user=user, contents=[content(scene, "22.6000", source_note="another file")], reason="x"
    )
    assert again == []
    assert FigureChange.objects.count() == 1

    revised = services.figures_import(user=user, contents=[content(scene, "23.1")], reason="y")
    figure = Figure.objects.get()
    assert (figure.value, figure.version) == (Decimal("23.1"), 2)
    assert revised[0].before is not None and revised[0].before["value"] == "22.6000"
    assert revised[0].version == 2
    assert FigureChange.objects.first().old_value == Decimal("22.6")


def test_commentary_and_flags_left_as_none_keep_what_is_stored(scene) -> None:
    area, rate, year, user = scene
    factories.figure(area, rate, year, "20", commentary="Officer's note", is_provisional=True)
    services.figures_import(user=user, contents=[content(scene, "21")], reason="import")
    figure = Figure.objects.get()
    assert (figure.value, figure.commentary, figure.is_provisional) == (
        Decimal(21),
        "Officer's note",
        True,
    )
    services.figures_import(
        user=user, contents=[content(scene, "21", is_provisional=False)], reason="final"
    )
    assert Figure.objects.get().is_provisional is False


def test_a_row_the_database_refuses_writes_nothing(scene) -> None:
    *_, user = scene
    # A numerator above its denominator breaks a constraint of a proportion.
    bad = content(scene, "120", numerator=Decimal(12), denominator=Decimal(10))
    with pytest.raises(IntegrityError), transaction.atomic():
        services.figures_import(user=user, contents=[bad], reason="bad")
    assert not Figure.objects.exists()
    assert not FigureChange.objects.exists()


# Every column of a figure without a database default, as insert_rows writes exactly what it
# is given.
FIGURE_COLUMNS = (
    "area_id",
    "indicator_id",
    "period_id",
    "value",
    "suppression",
    "status",
    "source",
    "source_note",
    "ratio_kind",
    "is_provisional",
    "is_estimated",
    "is_revised",
    "commentary",
    "review_comment",
    "version",
    "updated_at",
)


def figure_rows(area_id: int, indicator_id: int, period_ids: list[int]) -> list[tuple]:
    fixed = ("", "approved", "published", "", "proportion", False, False, False, "", "", 1)
    now = timezone.now()
    return [(area_id, indicator_id, period, Decimal("1.5"), *fixed, now) for period in period_ids]


def test_insert_rows_reports_its_progress_and_counts(scene, monkeypatch) -> None:
    area, rate, *_ = scene
    monkeypatch.setattr(bulk, "REPORT_EVERY", 2)
    heard: list[int] = []
    periods = [factories.financial_year(start).pk for start in range(2010, 2015)]
    rows = figure_rows(area.pk, rate.pk, periods)
    assert bulk.insert_rows(Figure, FIGURE_COLUMNS, rows, on_rows=heard.append) == 5
    assert heard == [2, 4]
    assert list(Figure.objects.values_list("value", flat=True)) == [Decimal("1.5")] * 5


def replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's per-row key checks")
def test_a_key_to_a_row_that_does_not_exist_is_refused_and_nothing_is_written(scene) -> None:
    area, rate, *_ = scene
    periods = [factories.financial_year(start).pk for start in range(2010, 2013)]
    rows = figure_rows(area.pk, rate.pk, periods)
    rows[1] = (area.pk + 1000, *rows[1][1:])  # an authority that does not exist
    missing = f"area_id {area.pk + 1000} not present"
    with pytest.raises(IntegrityError, match=missing), transaction.atomic():
        bulk.insert_rows(Figure, FIGURE_COLUMNS, rows)
    assert not Figure.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's per-row key checks")
def test_keys_are_checked_once_and_later_writes_are_checked_row_by_row(scene) -> None:
    area, rate, *_ = scene
    periods = [factories.financial_year(start).pk for start in range(2010, 2013)]
    with transaction.atomic():
        bulk.insert_rows(Figure, FIGURE_COLUMNS, figure_rows(area.pk, rate.pk, periods))
        # The per-row checks are on again for whatever the transaction writes next.
        assert replication_role() == "origin"
        with pytest.raises(IntegrityError), transaction.atomic():
            Figure.objects.filter(period_id=periods[0]).update(area_id=area.pk + 1000)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Figure.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles and privileges")
def test_a_connection_that_may_not_turn_the_checks_off_still_imports(scene, worker_id) -> None:
    area, rate, *_ = scene
    periods = [factories.financial_year(start).pk for start in range(2010, 2013)]
    role = f"csc_limited_{worker_id}"
    with connection.cursor() as cursor:
        # Created inside the test's transaction, so rolled back with it.
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
    try:
        written = bulk.insert_rows(Figure, FIGURE_COLUMNS, figure_rows(area.pk, rate.pk, periods))
        assert replication_role() == "origin"
        with pytest.raises(IntegrityError), transaction.atomic():
            bad = figure_rows(area.pk + 1000, rate.pk, [periods[0]])
            bulk.insert_rows(Figure, FIGURE_COLUMNS, bad)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert written == 3
    assert Figure.objects.count() == 3
    assert bulk.keys_checked_at_once()  # the test database's own role may


def test_text_with_tabs_newlines_and_backslashes_arrives_as_written(scene) -> None:
    *_, user = scene
    note = "Line one\tcolumn\nline two \\N not null\r\nend \\ backslash"
    services.figures_import(
        user=user, contents=[content(scene, "5", commentary=note)], reason="tab\there"
    )
    figure = Figure.objects.get()
    assert figure.commentary == note
    assert FigureChange.objects.get().reason == "tab\there"
