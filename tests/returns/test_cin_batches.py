"""A CIN census return imported as a batch: derived into the authority's figures for the
year; the child-level file is deleted once derived; rollback removes what it wrote."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from indicators.models import Figure, FigureSource
from returns import services
from returns.models import ImportBatch, ImportKind
from tests import factories
from tests.returns.dfe_rule_sets import rules_off
from tests.returns.test_derive_cin import census, child, episode, plan


@pytest.fixture
def setting(db, settings, tmp_path, monkeypatch):
    rules_off(monkeypatch)  # about the import itself: the rules are test_return_rules.py's
    settings.MEDIA_ROOT = tmp_path
    for code, unit in (("REF-COUNT", "count"), ("CPP-COUNT", "count"), ("CPP-CAT", "percent")):
        factories.IndicatorFactory(code=code, title=code, unit=unit, roll_up="none")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    authority = factories.AreaFactory(name="Northshire", slug="northshire")
    return admin, authority, tmp_path


# Two children referred in 2024/25; one on a plan for neglect at 31 March 2025.
RETURN = census(
    child("A1", episode("2024-05-01", None, plan("2024-06-01", None, "NEG"))),
    child("B2", episode("2024-09-10", "2024-12-01")),
)


def upload(setting, content: bytes = RETURN) -> ImportBatch:
    admin, authority, _tmp = setting
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.CIN,
        upload=SimpleUploadedFile("cin_census_2025.xml", content),
        authority=authority,
        collection_year=2025,
    )
    # As in a worker: the validation's transaction commits, and the file goes after it.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.batch_validate(batch=batch)


def test_a_return_is_derived_and_its_child_level_file_deleted(setting) -> None:
    _admin, _authority, tmp_path = setting
    batch = upload(setting)
    assert batch.error_count == 0
    assert batch.rows_read == 2
    assert not batch.file
    assert not any(path.is_file() for path in tmp_path.rglob("*"))  # nothing personal kept
    assert "A1" not in str(batch.derived) and "2024-05-01" not in str(batch.derived)
    assert batch.new_count >= 3


def test_committing_writes_the_years_figures_and_rollback_removes_them(setting) -> None:
    admin, authority, _tmp = setting
    batch = services.batch_commit(user=admin, batch=upload(setting))
    referrals = Figure.objects.get(area=authority, indicator__code="REF-COUNT")
    assert referrals.value == 2
    assert referrals.period.label == "2024/25"
    assert referrals.source == FigureSource.RETURN
    plans = Figure.objects.get(area=authority, indicator__code="CPP-COUNT")
    assert plans.value == 1
    neglect = Figure.objects.get(
        area=authority, indicator__code="CPP-CAT", breakdown__name="Neglect"
    )
    assert neglect.value == Decimal(100)
    services.batch_rollback(user=admin, batch=batch)
    assert not Figure.objects.filter(area=authority).exists()


def test_a_return_needs_its_authority_and_year(setting) -> None:
    admin, _authority, _tmp = setting
    with pytest.raises(ValidationError, match="Choose the authority"):
        services.batch_create(
            user=admin,
            kind=ImportKind.CIN,
            upload=SimpleUploadedFile("cin.xml", RETURN),
            collection_year=2025,
        )
    assert not ImportBatch.objects.exists()


def test_a_welsh_authority_has_no_dfe_return(setting) -> None:
    # Issue 17: the CIN census's measures apply in England only.
    admin, _authority, _tmp = setting
    cardiff = factories.AreaFactory(
        name="Cardiff", slug="cardiff", nation="wales", ons_code="W06000015"
    )
    with pytest.raises(ValidationError, match="Cardiff is in Wales, so it is not imported"):
        services.batch_create(
            user=admin,
            kind=ImportKind.CIN,
            upload=SimpleUploadedFile("cin.xml", RETURN),
            authority=cardiff,
            collection_year=2025,
        )
    assert not ImportBatch.objects.exists()


def test_a_file_that_is_not_a_census_is_refused(setting) -> None:
    admin, _authority, _tmp = setting
    batch = upload(setting, b"<NotACensus/>")
    assert batch.error_count >= 1
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)


def test_validating_a_derived_return_again_changes_nothing(setting) -> None:
    batch = upload(setting)
    again = services.batch_validate(batch=batch)
    assert (again.status, again.new_count, again.derived) == (
        batch.status,
        batch.new_count,
        batch.derived,
    )
