"""Published files at national scale: the set-based path PostgreSQL takes (the file streamed
into a temporary table, compared and written with SQL) and the portable path SQLite takes
(the figures as Python objects) preview and write the same, and a rollback after either puts
back exactly what was there; the reader streams, and refuses a file beyond its row limit."""

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from indicators.models import (
    Area,
    AreaKind,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
)
from returns import published, published_areas_read, services
from returns.kinds import published as published_kind
from returns.models import BatchChange, BatchStatus, ImportBatch, ImportKind
from tests import factories
from tests.returns.test_batches import ENGLAND, FILE_NAME, HARTLEPOOL, HEADER, NORTH_EAST


def rereferrals() -> list[published.Mapping]:
    """The shipped mapping of the re-referral rate, the one measure the small file is about
    (the shipped c1 mappings also read its referral and re-referral counts)."""
    shipped = published.load_mappings(published.SHIPPED_MAPPINGS)
    return [mapping for mapping in shipped if mapping.indicator_code == "REF-REREF"]


def c1(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows, ""]).encode()


FILE = c1(
    f"202425,{ENGLAND},600000,135600,22.6",
    f"202425,{NORTH_EAST},40000,8800,22.0",
    f"202425,{HARTLEPOOL},1500,300,20.0",
    f"202324,{HARTLEPOOL},c,c,c",
)


@pytest.fixture(params=["set-based", "portable"])
def path(request, monkeypatch) -> str:
    """Each test runs on both paths: the set-based one only on PostgreSQL."""
    if request.param == "set-based" and connection.vendor != "postgresql":
        pytest.skip("the set-based path is PostgreSQL's")
    monkeypatch.setattr(published_kind, "staged", lambda: request.param == "set-based")
    return str(request.param)


@pytest.fixture
def scene(db, settings, tmp_path):
    """Hartlepool with two stored figures of the measure the file feeds: 2024/25 typed by an
    officer (a draft with commentary, marked provisional, no counts) and 2023/24 as published
    before (suppressed)."""
    settings.MEDIA_ROOT = tmp_path
    measure = factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    hartlepool = factories.AreaFactory(
        name="Hartlepool", slug="hartlepool", ons_code="E06000001", dfe_code="805"
    )
    typed = factories.figure(
        hartlepool,
        measure,
        factories.financial_year(2024),
        "20.0",
        status=FigureStatus.DRAFT,
        commentary="Two large sibling groups came back.",
        is_provisional=True,
    )
    suppressed = Figure.objects.create(
        area=hartlepool,
        indicator=measure,
        period=factories.financial_year(2023),
        value=None,
        suppression="c",
        ratio_kind="proportion",
        status=FigureStatus.APPROVED,
        source=FigureSource.PUBLISHED,
        # As the shipped mapping reads it: the re-referral rate is published to 1 place.
        published_decimals=1,
    )
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return admin, typed, suppressed


def upload(admin, content: bytes = FILE) -> ImportBatch:
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.PUBLISHED,
        upload=SimpleUploadedFile(FILE_NAME, content, content_type="text/csv"),
    )
    return services.batch_validate(batch=batch)


STATE = (
    "value",
    "numerator",
    "denominator",
    "suppression",
    "status",
    "source",
    "source_note",
    "is_provisional",
    "is_estimated",
    "commentary",
    "published_decimals",
    "ratio_kind",
    "is_revised",
    "version",
    "updated_by_id",
)


def state(figure: Figure) -> dict[str, Any]:
    figure.refresh_from_db()
    return {name: getattr(figure, name) for name in STATE}


def test_preview_commit_and_rollback_write_and_restore_exactly(path, scene) -> None:
    admin, typed, suppressed = scene
    typed_before, suppressed_before = state(typed), state(suppressed)

    batch = upload(admin)
    assert (batch.error_count, batch.rows_read) == (0, 4)
    # England and the North East are new areas; the typed figure gains its counts (a
    # change); the suppressed one is as published before.
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (2, 1, 1)
    assert Figure.objects.count() == 2

    batch = services.batch_commit(user=admin, batch=batch)
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (2, 1, 1)
    england = Figure.objects.get(area__ons_code="E92000001")
    assert (england.value, england.numerator, england.denominator) == (
        Decimal("22.6"),
        Decimal("135600"),
        Decimal("600000"),
    )
    assert (england.status, england.source, england.version) == ("approved", "published", 1)
    assert england.source_note == f"{FILE_NAME} (import {batch.pk})"
    assert england.updated_by_id == admin.pk
    assert Area.objects.get(ons_code="E12000001").kind == AreaKind.REGION
    # The import approves the officer's figure and keeps their commentary; the published
    # figure is the final one, so it is no longer provisional, and it keeps its precision.
    assert typed_before["is_provisional"] is True
    assert state(typed) == {
        **typed_before,
        "is_provisional": False,
        "published_decimals": 1,
        "numerator": Decimal("300"),
        "denominator": Decimal("1500"),
        "status": "approved",
        "source": "published",
        "source_note": f"{FILE_NAME} (import {batch.pk})",
        "version": typed_before["version"] + 1,
        "updated_by_id": admin.pk,
    }
    assert state(suppressed) == suppressed_before
    audit = FigureChange.objects.get(figure=typed)
    assert (audit.old_value, audit.new_value, audit.old_status, audit.new_status) == (
        Decimal("20.0"),
        Decimal("20.0"),
        "draft",
        "approved",
    )
    assert (audit.channel, audit.changed_by_id, audit.reason) == (
        "import",
        admin.pk,
        f"Import {batch.pk}: {FILE_NAME}",
    )
    assert audit.old_commentary == audit.new_commentary == "Two large sibling groups came back."
    assert FigureChange.objects.get(figure=england).old_status == ""
    # The rollback record: what the changed figure was, exactly; nothing for a new one.
    record = {change.figure_id: change for change in BatchChange.objects.filter(batch=batch)}
    assert set(record) == {
        typed.pk,
        *Figure.objects.exclude(area__slug="hartlepool").values_list("pk", flat=True),
    }
    assert record[typed.pk].before == {
        "value": "20.0000",
        "numerator": None,
        "denominator": None,
        "suppression": "",
        "status": "draft",
        "source": "typed",
        "source_note": "",
        "is_provisional": True,
        "is_estimated": False,
        "commentary": "Two large sibling groups came back.",
        "published_decimals": None,
    }
    assert record[typed.pk].version == typed_before["version"] + 1
    assert record[england.pk].before is None and record[england.pk].version == 1

    services.batch_rollback(user=admin, batch=batch)
    assert Figure.objects.count() == 2
    assert not FigureChange.objects.filter(figure__area__kind=AreaKind.NATION).exists()
    # Back as it was, one version on, with the rollback in its history.
    assert state(typed) == {
        **typed_before,
        "version": typed_before["version"] + 2,
        "updated_by_id": admin.pk,
    }
    assert state(suppressed) == suppressed_before
    assert (
        typed.changes.order_by("-pk").first().reason
        == f"Rollback of import {batch.pk}: {FILE_NAME}"
    )


def test_the_same_file_again_changes_nothing_and_a_revision_changes_one(path, scene) -> None:
    admin, typed, _suppressed = scene
    services.batch_commit(user=admin, batch=upload(admin))
    versions = dict(Figure.objects.values_list("pk", "version"))
    again = services.batch_commit(user=admin, batch=upload(admin))
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 4)
    assert dict(Figure.objects.values_list("pk", "version")) == versions
    assert not again.changes.exists()

    revised = upload(admin, FILE.replace(b"1500,300,20.0", b"1500,315,21.0"))
    assert (revised.new_count, revised.changed_count, revised.unchanged_count) == (0, 1, 3)
    services.batch_commit(user=admin, batch=revised)
    typed.refresh_from_db()
    assert (typed.value, typed.numerator) == (Decimal("21.0"), Decimal("315"))


def test_two_rows_for_one_figure_are_found_as_the_reader_finds_them(path, scene) -> None:
    admin, _typed, _suppressed = scene
    batch = upload(
        admin,
        c1(
            f"202425,{ENGLAND},600000,135600,22.6",
            f"202425,{HARTLEPOOL},1500,300,20.0",
            f"2025,{HARTLEPOOL},1500,300,20.0",
        ),
    )
    assert batch.error_count == 1
    (finding,) = batch.findings.all()
    assert finding.row == 4
    assert finding.message.startswith("Rows 3 and 4 both give")
    assert "for Hartlepool in" in finding.message
    assert batch.status == BatchStatus.READY and not batch.can_commit


def test_someone_who_may_not_write_published_figures_is_refused_and_nothing_is_written(
    path, scene
) -> None:
    admin, typed, _suppressed = scene
    batch = upload(admin)
    officer = factories.MembershipFactory(authority=typed.area).user
    with pytest.raises(PermissionDenied):
        services.batch_commit(user=officer, batch=batch)
    assert Figure.objects.count() == 2
    assert not BatchChange.objects.exists()


def test_a_file_beyond_the_row_limit_is_refused_before_it_is_read_further(
    path, scene, monkeypatch
) -> None:
    admin, _typed, _suppressed = scene
    monkeypatch.setattr(published, "MAX_ROWS", 3)
    batch = upload(admin)
    assert batch.error_count == 1
    (finding,) = batch.findings.all()
    assert finding.row == 5
    assert finding.message.startswith("The file has more than 3 rows of data (row 5 is one more)")
    assert "split it by year" in finding.message
    assert batch.rows_read == 3
    assert not batch.can_commit


def test_the_reader_streams_figures_without_keeping_them() -> None:
    handed: list[tuple[Any, ...]] = []
    result = published.read_published(
        io.BytesIO(FILE),
        rereferrals(),
        source_name=FILE_NAME,
        emit=lambda *figure: handed.append(figure),
    )
    assert result.figures == [] and not result.has_errors
    assert len(handed) == result.rows_read == 4
    row, area_at, _mapping_at, start, value, suppression, numerator, denominator = handed[0]
    assert (row, result.areas[area_at].name, start) == (2, "England", date(2024, 4, 1))
    assert (value, suppression, numerator, denominator) == (
        Decimal("22.6"),
        "",
        Decimal("135600"),
        Decimal("600000"),
    )


def test_the_row_limit_counts_rows_of_data_not_blank_lines() -> None:
    mappings = rereferrals()
    exact = published.parse_published(FILE + b"\n\n", mappings, source_name=FILE_NAME, max_rows=4)
    assert not exact.has_errors and len(exact.figures) == 4
    over = published.parse_published(FILE, mappings, source_name=FILE_NAME, max_rows=2)
    assert over.rows_read == 2 and len(over.figures) == 2
    assert [f.message[:37] for f in over.findings if f.is_error] == [
        "The file has more than 2 rows of data"
    ]


def test_a_file_naming_more_areas_than_any_publication_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(published_areas_read, "MAX_AREAS", 2)
    result = published.parse_published(
        FILE, published.load_mappings(published.SHIPPED_MAPPINGS), source_name=FILE_NAME
    )
    assert result.has_errors
    assert "names more than 2 areas (row 4 names another)" in result.findings[-1].message
    assert len(result.areas) == 2


def test_a_measure_changed_after_validation_is_checked_again_at_commit(path, scene) -> None:
    admin, _typed, _suppressed = scene
    batch = upload(admin)
    assert batch.error_count == 0
    # Now a count: 22.6 is not a whole number, and the rows validation read no longer hold.
    Indicator.objects.filter(code="REF-REREF").update(unit="count", roll_up="sum")
    with pytest.raises(ValidationError, match="no longer validates"):
        services.batch_commit(user=admin, batch=batch)
    assert Figure.objects.count() == 2


def test_the_rows_kept_from_validation_go_once_committed(
    path, scene, tmp_path, django_capture_on_commit_callbacks
) -> None:
    admin, _typed, _suppressed = scene

    def kept() -> list[str]:
        return [p.name for p in tmp_path.rglob("*.rows*")]

    batch = upload(admin)
    assert len(kept()) == (2 if path == "set-based" else 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_commit(user=admin, batch=batch)
    assert kept() == []
    assert Figure.objects.count() == 4


def test_the_rows_kept_from_validation_go_when_the_batch_is_rejected(
    path, scene, tmp_path, django_capture_on_commit_callbacks
) -> None:
    admin, _typed, _suppressed = scene
    batch = upload(admin)
    assert len(list(tmp_path.rglob("*.rows*"))) == (2 if path == "set-based" else 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_reject(user=admin, batch=batch)
    assert list(tmp_path.rglob("*.rows*")) == []
    assert Figure.objects.count() == 2  # nothing written


def test_a_commit_whose_kept_rows_have_gone_reads_the_file_again(path, scene, tmp_path) -> None:
    admin, _typed, _suppressed = scene
    batch = upload(admin)
    for kept in tmp_path.rglob("*.rows"):
        kept.unlink()
    batch = services.batch_commit(user=admin, batch=batch)
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (2, 1, 1)
