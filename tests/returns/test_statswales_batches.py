"""StatsWales downloads through the batch service: the preview, the commit (figures written as
published statistics are: approved, source published, visible to every authority), importing
again, rolling back, and files the commit would refuse, refused at validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.access import figures_visible_to
from accounts.models import Role
from indicators.models import Area, Figure, FigureSource, FigureStatus
from returns import services
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories

GOOD = (
    "\ufeffSocial services performance measures: children\n"
    "Source: StatsWales\n"
    "\n"
    "Area,Area code,Measure,Year,Data\n"
    "Wales,W92000004,PM24,2016-17,89.2\n"
    "Wales,W92000004,PM24,2017-18 Q1,90.15\n"
    "Swansea,,PM24,2016-17,*\n"
    "Cardiff,,PM28,Q1 2017-18,243\n"
    "Cardiff,,PM33,2016-17,-\n"
).encode()


@pytest.fixture
def admin(loaded_catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def upload(user, content: bytes = GOOD, name: str = "statswales.csv") -> ImportBatch:
    batch = services.batch_create(
        user=user,
        kind=ImportKind.STATSWALES,
        upload=SimpleUploadedFile(name, content, content_type="text/csv"),
    )
    return services.batch_validate(batch=batch)


def test_the_preview_counts_what_a_commit_would_write_and_writes_nothing(admin) -> None:
    batch = upload(admin)
    assert (batch.status, batch.error_count, batch.rows_read) == (BatchStatus.READY, 0, 5)
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (5, 0, 0)
    assert not Figure.objects.exists()


def test_commit_writes_the_figures_as_published_statistics(admin) -> None:
    batch = services.batch_commit(user=admin, batch=upload(admin))
    assert (batch.status, batch.new_count) == (BatchStatus.COMMITTED, 5)
    assert set(Figure.objects.values_list("source", "status")) == {
        (FigureSource.PUBLISHED, FigureStatus.APPROVED)
    }
    year = Figure.objects.get(area__slug="wales", indicator__code="PM24", period__kind="fy")
    assert (year.value, year.numerator, year.denominator) == (Decimal("89.2"), None, None)
    assert year.source_note.startswith("StatsWales, rounded as published (1 decimal place): ")
    # Kept as published, not re-rounded to the measure's one decimal place.
    quarter = Figure.objects.get(area__slug="wales", period__kind="quarter")
    assert quarter.value == Decimal("90.15")
    assert "(2 decimal places)" in quarter.source_note
    days = Figure.objects.get(indicator__code="PM28")
    assert (days.value, days.source_note.split(":")[0]) == (
        Decimal(243),
        "StatsWales, rounded as published (whole numbers)",
    )
    swansea = Figure.objects.get(area__slug="swansea")
    assert (swansea.value, swansea.suppression) == (None, "c")
    nil = Figure.objects.get(indicator__code="PM33")
    assert (nil.value, nil.suppression) == (Decimal(0), "")


def test_another_authoritys_imported_figures_are_visible_as_published_statistics(admin) -> None:
    services.batch_commit(user=admin, batch=upload(admin))
    cardiff = Area.objects.get(slug="cardiff")
    visible = figures_visible_to(cardiff)
    assert set(visible.values_list("area__slug", flat=True)) == {"wales", "swansea", "cardiff"}


def test_importing_again_changes_nothing_and_a_rollback_removes_the_figures(admin) -> None:
    first = services.batch_commit(user=admin, batch=upload(admin))
    again = upload(admin)
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 5)
    services.batch_rollback(user=admin, batch=first)
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Area,Measure,Year,Data\nNorth Wales,PM24,2016-17,50\n", "not Wales or one of the 22"),
        (b"Area,Measure,Year,Data\nWales,PM24,2016-17,150\n", "between 0% and 100%"),
        (b"Area,Measure,Year,Data\nWales,PM24,2016-17,n/a\n", "not a number or one of"),
        (b"Area,Measure,Year,Data\nWales,PM18,2016-17,5\n", "nothing would be imported"),
        (b"Area,2016-17\nWales,50\n", "do not say which measure"),
        (b"\xff\xfeA\x00r\x00", "Unicode Text (UTF-16)"),
    ],
)
def test_a_file_the_commit_would_refuse_is_refused_at_validation(
    admin, content: bytes, message: str
) -> None:
    batch = upload(admin, content)
    assert batch.error_count >= 1
    assert message in " ".join(batch.findings.values_list("message", flat=True))
    with pytest.raises(ValidationError):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


def test_an_area_removed_since_validation_is_refused_at_commit(admin) -> None:
    batch = upload(admin, b"Area,Measure,Year,Data\nWales,PM24,2016-17,50\n")
    Area.objects.filter(slug="wales").update(nation="england", ons_code="")
    with pytest.raises(ValidationError, match="validate it again"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


def test_only_admins_import_statswales_files(admin) -> None:
    officer = factories.UserFactory(username="officer")
    factories.MembershipFactory(
        user=officer, authority=Area.objects.get(slug="cardiff"), role=Role.OFFICER
    )
    with pytest.raises(PermissionDenied):
        upload(officer)
    assert not ImportBatch.objects.exists()
