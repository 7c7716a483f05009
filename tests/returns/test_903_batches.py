"""An SSDA903 return imported as a batch: a ZIP of its CSV tables or its XML file, derived into
the authority's figures for the year, the child-level file deleted once derived."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from indicators.models import Figure
from returns import services
from returns.models import ImportBatch, ImportKind
from tests import factories
from tests.returns.dfe_rule_sets import rules_off
from tests.returns.test_derive_903 import episode, episodes, header
from tests.returns.test_derive_cin import census
from tests.returns.test_derive_cin import child as cin_child
from tests.returns.test_derive_cin import episode as cin_episode
from tests.returns.test_ssda903_xml import BILLION_LAUGHS, Child, as_xml, ep


def zipped(**tables: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in tables.items():
            archive.writestr(f"return/{name}.csv", text)
    return buffer.getvalue()


# Two children looked after at 31 March 2025, one in foster care (U1), one under s20 in a
# children's home; a third left care in the year.
RETURN = zipped(
    header=header(("A", "01/01/2015"), ("B", "01/01/2012"), ("C", "01/01/2010")),
    episodes=episodes(
        episode("A", "01/01/2025", "S", "C2", "U1"),
        episode("B", "01/06/2024", "S", "V2", "K2"),
        episode("C", "01/06/2024", "S", "C1", "U3", "01/09/2024", "E4A"),
    ),
)


@pytest.fixture
def setting(db, settings, tmp_path, monkeypatch):
    rules_off(monkeypatch)  # about the import itself: the rules are test_return_rules.py's
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="CLA-COUNT", title="CLA", unit="count", roll_up="none")
    factories.IndicatorFactory(code="CLA-FOSTER", title="In foster care", unit="percent")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return admin, factories.AreaFactory(name="Northshire", slug="northshire"), tmp_path


def upload(setting, content: bytes = RETURN) -> ImportBatch:
    return upload_named(setting, content, "ssda903_2025.zip")


def test_a_return_is_derived_committed_and_its_file_deleted(setting) -> None:
    admin, authority, tmp_path = setting
    batch = upload(setting)
    assert batch.error_count == 0, list(batch.findings.values_list("message", flat=True))
    assert not batch.file and not any(path.is_file() for path in tmp_path.rglob("*"))
    services.batch_commit(user=admin, batch=batch)
    assert Figure.objects.get(area=authority, indicator__code="CLA-COUNT").value == 2
    foster = Figure.objects.get(area=authority, indicator__code="CLA-FOSTER")
    assert (foster.value, foster.numerator, foster.denominator) == (50, 1, 2)
    assert foster.period.label == "2024/25"


def test_a_file_that_is_not_a_zip_is_refused(setting) -> None:
    admin, _authority, _tmp = setting
    batch = upload(setting, b"CHILD,DECOM\n")
    assert "not a ZIP file" in batch.findings.get().message
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


# --- The return as one XML file -------------------------------------------------------------------

XML_RETURN = as_xml(
    [
        Child("A", "01/01/2015", [ep("01/01/2025", "S", "C2", "U1")]),
        Child("B", "01/01/2012", [ep("01/06/2024", "S", "V2", "K2")]),
        Child("C", "01/01/2010", [ep("01/06/2024", "S", "C1", "U3", "01/09/2024", "E4A")]),
    ]
)


def upload_named(setting, content: bytes, name: str) -> ImportBatch:
    admin, authority, _tmp = setting
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.SSDA903,
        upload=SimpleUploadedFile(name, content),
        authority=authority,
        collection_year=2025,
    )
    # As in a worker: the validation's transaction commits, and the file goes after it.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.batch_validate(batch=batch)


def test_an_xml_return_gives_the_same_figures_and_rolls_back(setting) -> None:
    admin, authority, tmp_path = setting
    batch = upload_named(setting, XML_RETURN, "ssda903_2025.xml")
    assert batch.error_count == 0, list(batch.findings.values_list("message", flat=True))
    # Each child's header, episode and review are rows of the return's tables.
    assert batch.rows_read == 9
    assert batch.derived is not None
    assert batch.derived["read"] == {"rows": 9, "tables": 3, "children": 3}
    assert not batch.file and not any(path.is_file() for path in tmp_path.rglob("*"))
    assert "01/01/2015" not in str(batch.derived)
    services.batch_commit(user=admin, batch=batch)
    foster = Figure.objects.get(area=authority, indicator__code="CLA-FOSTER")
    assert (foster.value, foster.numerator, foster.denominator) == (50, 1, 2)
    assert Figure.objects.get(area=authority, indicator__code="CLA-COUNT").value == 2
    services.batch_rollback(user=admin, batch=batch)
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (XML_RETURN[: len(XML_RETURN) // 2], "not well-formed XML"),
        (BILLION_LAUGHS, "declares a DOCTYPE"),
        (b"<Returns><CHILD/></Returns>", "not an SSDA903 return"),
        (census(cin_child("A1", cin_episode("2024-05-01", None))), "This is a CIN census file"),
    ],
)
def test_a_bad_xml_file_is_one_finding_and_writes_nothing(setting, content, message) -> None:
    admin, _authority, tmp_path = setting
    batch = upload_named(setting, content, "ssda903.xml")
    finding = batch.findings.get()
    assert (finding.severity, finding.row) == ("error", 0)
    assert message in finding.message
    assert batch.derived is not None
    assert (batch.derived["figures"], batch.derived["categories"]) == ({}, {})
    assert batch.rows_read == 0
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()
