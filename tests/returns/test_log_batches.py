"""An authority's case audit results log through an import batch: previewed row by row,
committed in one transaction, and rolled back."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Membership, Role
from audits.logs import log_header
from audits.models import CaseAudit, Removal
from indicators.models import Figure, FigureSource
from returns.models import BatchStatus, ImportBatch
from tests import factories
from tests.audits.factories import summary_indicators

from .sheet_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    ["CIN-0101", "03/05/2017", "Good", "", "", "", "", "A. Auditor", "Planning; Voice"],
    ["CIN-0102", "2017-05-10", "Requires improvement", "Good", "M. Moderator", "", "", "", ""],
    ["CIN-0103", "17/05/2017", "inadequate", "", "", "", "", "", "Planning"],
]


@pytest.fixture
def officer(db, settings, tmp_path, eager_tasks) -> Client:
    settings.MEDIA_ROOT = tmp_path
    summary_indicators()
    wiltshire = factories.AreaFactory(name="Wiltshire", slug="wiltshire")
    user = factories.UserFactory(username="officer")
    Membership.objects.create(user=user, authority=wiltshire, role=Role.OFFICER)
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, name: str, content: bytes, capture) -> ImportBatch:
    with capture(execute=True):
        response = client.post(
            "/a/wiltshire/imports/",
            {"kind": "audit_log", "file": SimpleUploadedFile(name, content)},
        )
    assert response.status_code == 302, response.content.decode()
    return ImportBatch.objects.latest("pk")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_officer_imports_an_audit_log_commits_and_rolls_back(
    officer, django_capture_on_commit_callbacks, file_format
) -> None:
    header = log_header()
    content = (
        csv_bytes(header, *GOOD_ROWS)
        if file_format == "csv"
        else xlsx_bytes(header, *GOOD_ROWS, sheet="audits")
    )
    batch = upload(officer, f"audits.{file_format}", content, django_capture_on_commit_callbacks)
    page = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Ready to commit" in page, page
    assert "3 new, 0 changed, 0 unchanged" in page
    assert not CaseAudit.objects.exists()  # the preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    audits = CaseAudit.objects.order_by("case_reference")
    assert [a.case_reference for a in audits] == ["CIN-0101", "CIN-0102", "CIN-0103"]
    assert audits[1].moderated_judgement == "good"
    # Two of the three good or better (the second as moderated): the quarter's summary.
    summary = Figure.objects.get(
        indicator__code="AUDIT-GOOD", period__kind="quarter", period__start=date(2017, 4, 1)
    )
    assert summary.source == FigureSource.RECORDS
    assert (summary.numerator, summary.denominator) == (2, 3)

    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/rollback/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not CaseAudit.objects.exists()
    assert not Figure.objects.filter(indicator__code="AUDIT-GOOD").exists()
    # The record of removals says who rolled the log back, naming the file it came from.
    removal = Removal.objects.get()
    assert batch.rolled_back_by is not None
    assert removal.removed_by == batch.rolled_back_by
    assert f"from a case audit results log (audits.{file_format})" in removal.summary


def test_a_bad_log_lists_its_rows_and_cannot_be_committed(
    officer, django_capture_on_commit_callbacks
) -> None:
    rows = [
        GOOD_ROWS[0],
        ["Amy Pond", "03/05/2017", "Good", "", "", "", "", "", ""],  # a name, not a code
        ["CIN-0105", "31/02/2017", "Good", "", "", "", "", "", ""],  # no such date
        ["CIN-0106", "03/05/2017", "Brilliant", "", "", "", "", "", ""],
        GOOD_ROWS[0],  # the same row twice
    ]
    batch = upload(
        officer, "audits.csv", csv_bytes(log_header(), *rows), django_capture_on_commit_callbacks
    )
    batch.refresh_from_db()
    assert batch.error_count >= 4
    findings = {f.row for f in batch.findings.filter(severity="error")}
    assert {3, 4, 5, 6} <= findings
    page = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Commit these" not in page
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/commit/")
    assert not CaseAudit.objects.exists()


def test_a_log_with_the_wrong_columns_is_refused(
    officer, django_capture_on_commit_callbacks
) -> None:
    content = csv_bytes(["reference", "when", "verdict"], ["CIN-1", "2017-05-03", "Good"])
    batch = upload(officer, "audits.csv", content, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.error_count >= 1
    assert batch.findings.filter(severity="error", row__lte=1).exists()
    assert not CaseAudit.objects.exists()


COMPLAINT_HEADER = ["Reference", "Stage", "Received", "Responded", "Outcome", "Team", "Themes"]


def test_an_officer_imports_a_complaints_log_commits_and_rolls_back(
    officer, django_capture_on_commit_callbacks
) -> None:
    from complaints.models import Complaint

    rows = [
        ["CMP-0001", "1", "03/05/2017", "10/05/2017", "Upheld", "", "Communication"],
        ["CMP-0002", "2", "2017-05-04", "", "", "", ""],
    ]
    content = csv_bytes(COMPLAINT_HEADER, *rows)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            "/a/wiltshire/imports/",
            {"kind": "complaints_log", "file": SimpleUploadedFile("complaints.csv", content)},
        )
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    page = officer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Ready to commit" in page and "2 new, 0 changed, 0 unchanged" in page, page
    assert not Complaint.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/commit/")
    assert sorted(Complaint.objects.values_list("reference", flat=True)) == [
        "CMP-0001",
        "CMP-0002",
    ]
    # The same file again: every reference is already in the log, so nothing can be written.
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            "/a/wiltshire/imports/",
            {"kind": "complaints_log", "file": SimpleUploadedFile("again.csv", content)},
        )
    again = ImportBatch.objects.latest("pk")
    assert again.error_count == 2
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/rollback/")
    assert not Complaint.objects.exists()


def test_a_bad_complaints_log_writes_nothing(officer, django_capture_on_commit_callbacks) -> None:
    from complaints.models import Complaint

    rows = [
        ["Jayden Smith", "1", "03/05/2017", "", "", "", ""],  # a name as the reference
        ["CMP-0003", "5", "03/05/2017", "", "", "", ""],  # no stage 5
        ["CMP-0004", "1", "10/05/2017", "03/05/2017", "Upheld", "", ""],  # answered before
    ]
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            "/a/wiltshire/imports/",
            {
                "kind": "complaints_log",
                "file": SimpleUploadedFile("bad.csv", csv_bytes(COMPLAINT_HEADER, *rows)),
            },
        )
    batch = ImportBatch.objects.latest("pk")
    assert {f.row for f in batch.findings.filter(severity="error")} >= {2, 3, 4}
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/imports/{batch.pk}/commit/")
    assert not Complaint.objects.exists()
