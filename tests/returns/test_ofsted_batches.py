"""Ofsted's inspection outcomes through the batch service: the preview, the commit (judgements
for every authority, an unknown authority created from the file's code and name, one that no
longer exists kept), importing again, rolling back, the page of latest judgements, and the real
file when it is at hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Role
from indicators.inspection_models import InspectionJudgement
from indicators.lineage_models import AreaSuccession, SuccessionChange
from indicators.models import Area, AreaKind, Comparator
from returns import services
from returns.models import BatchStatus, ImportBatch, ImportKind
from returns.ofsted_pages import judgements_page
from tests import factories
from tests.returns.ods_files import (
    GOOD,
    INADEQUATE,
    OUTSTANDING,
    RI,
    as_at_row,
    history_row,
    outcomes_file,
)

REAL_FILE = Path("/work/shared/data/dfe/LA_Inspection_Outcomes_as_at_31_March_2025.ods")
STANDARD, SHORT = "ILACS Standard Inspection", "ILACS Short Inspection"

HISTORY = [
    history_row(
        "E09000003", "Barnet", date(2019, 5, 13), date(2019, 7, 1), STANDARD, [GOOD] * 4 + [""]
    ),
    history_row(
        "E09000003",
        "Barnet",
        date(2024, 6, 10),
        date(2024, 7, 23),
        SHORT,
        [GOOD, GOOD, GOOD, OUTSTANDING, GOOD],
    ),
    history_row(
        "E10000021",
        "Northamptonshire",
        date(2019, 6, 17),
        date(2019, 7, 29),
        STANDARD,
        [INADEQUATE, RI, INADEQUATE, INADEQUATE, ""],
        status="No longer exists",
    ),
]
AS_AT = [
    as_at_row(
        "E09000003",
        "Barnet",
        date(2024, 6, 10),
        date(2024, 7, 23),
        [GOOD, GOOD, GOOD, OUTSTANDING, GOOD],
    ),
    as_at_row("E06000014", "York", date(2025, 2, 24), date(2025, 4, 15), [OUTSTANDING] * 5),
]


@pytest.fixture
def admin(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def barnet(db) -> Area:
    factories.AreaFactory(
        name="England", slug="england", kind=AreaKind.NATION, ons_code="E92000001"
    )
    return factories.AreaFactory(name="Barnet", slug="barnet", ons_code="E09000003", dfe_code="302")


def upload(user, content: bytes, name: str = "LA_Inspection_Outcomes.ods") -> ImportBatch:
    batch = services.batch_create(
        user=user,
        kind=ImportKind.OFSTED,
        upload=SimpleUploadedFile(
            name, content, content_type="application/vnd.oasis.opendocument.spreadsheet"
        ),
    )
    return services.batch_validate(batch=batch)


def test_the_preview_counts_what_a_commit_would_write_and_writes_nothing(admin, barnet) -> None:
    batch = upload(admin, outcomes_file(HISTORY, AS_AT))
    assert (batch.status, batch.error_count, batch.rows_read) == (BatchStatus.READY, 0, 5)
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (4, 0, 0)
    assert not InspectionJudgement.objects.exists()
    assert not Area.objects.filter(ons_code="E10000021").exists()


def test_commit_writes_every_judgement_and_creates_unknown_authorities(admin, barnet) -> None:
    batch = services.batch_commit(user=admin, batch=upload(admin, outcomes_file(HISTORY, AS_AT)))
    assert (batch.status, batch.new_count) == (BatchStatus.COMMITTED, 4)
    latest = InspectionJudgement.objects.get(authority=barnet, inspected_on=date(2024, 6, 10))
    assert (latest.overall, latest.in_care, latest.care_leavers, latest.published_on) == (
        "good",
        "outstanding",
        "good",
        date(2024, 7, 23),
    )
    assert latest.inspection_type == SHORT
    northants = Area.objects.get(ons_code="E10000021")
    assert (northants.name, northants.kind, northants.nation) == (
        "Northamptonshire",
        AreaKind.AUTHORITY,
        "england",
    )
    # Compared with England until an admin chooses otherwise, as any imported authority is.
    assert Comparator.objects.filter(authority=northants, area__slug="england").exists()
    kept = northants.inspection_judgements.get()
    assert kept.overall == "inadequate" and "no longer exists" in kept.source_note
    york = InspectionJudgement.objects.get(authority__ons_code="E06000014")
    assert (york.inspection_type, york.overall) == ("", "outstanding")


def test_importing_again_changes_nothing_and_a_later_file_updates_what_differs(
    admin, barnet
) -> None:
    services.batch_commit(user=admin, batch=upload(admin, outcomes_file(HISTORY, AS_AT)))
    again = upload(admin, outcomes_file(HISTORY, AS_AT))
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 4)
    # A year on, York's inspection appears in the history with its type: the same inspection.
    york = history_row(
        "E06000014", "York", date(2025, 2, 24), date(2025, 4, 15), STANDARD, [OUTSTANDING] * 5
    )
    later = upload(admin, outcomes_file([*HISTORY, york], AS_AT[:1]))
    assert (later.new_count, later.changed_count, later.unchanged_count) == (0, 1, 3)
    services.batch_commit(user=admin, batch=later)
    stored = InspectionJudgement.objects.get(authority__ons_code="E06000014")
    assert stored.inspection_type == STANDARD
    assert InspectionJudgement.objects.count() == 4


def test_rollback_deletes_what_the_batch_wrote_and_restores_what_it_changed(admin, barnet) -> None:
    first = services.batch_commit(user=admin, batch=upload(admin, outcomes_file(HISTORY[:2], [])))
    corrected = [
        *HISTORY[:1],
        history_row("E09000003", "Barnet", date(2024, 6, 10), date(2024, 7, 24), SHORT, [GOOD] * 5),
    ]
    second = upload(admin, outcomes_file([*corrected, HISTORY[2]], AS_AT[1:]))
    assert (second.new_count, second.changed_count, second.unchanged_count) == (2, 1, 1)
    services.batch_commit(user=admin, batch=second)
    assert Area.objects.filter(ons_code__in=["E10000021", "E06000014"]).count() == 2

    services.batch_rollback(user=admin, batch=second)
    assert not Area.objects.filter(ons_code__in=["E10000021", "E06000014"]).exists()
    restored = InspectionJudgement.objects.get(authority=barnet, inspected_on=date(2024, 6, 10))
    assert (restored.published_on, restored.in_care) == (date(2024, 7, 23), "outstanding")
    assert InspectionJudgement.objects.count() == 2
    services.batch_rollback(user=admin, batch=first)
    assert not InspectionJudgement.objects.exists()
    assert Area.objects.filter(pk=barnet.pk).exists()  # it was not the batch's


def test_rollback_is_refused_when_a_judgement_has_changed_since(admin, barnet) -> None:
    batch = services.batch_commit(user=admin, batch=upload(admin, outcomes_file(HISTORY[:2], [])))
    InspectionJudgement.objects.filter(inspected_on=date(2024, 6, 10)).update(overall="outstanding")
    with pytest.raises(ValidationError, match="changed or removed since it was committed"):
        services.batch_rollback(user=admin, batch=batch)
    assert InspectionJudgement.objects.count() == 2


def test_an_authority_created_by_the_import_and_used_since_stays_on_rollback(admin, barnet) -> None:
    batch = services.batch_commit(user=admin, batch=upload(admin, outcomes_file(HISTORY, [])))
    northants = Area.objects.get(ons_code="E10000021")
    factories.MembershipFactory(authority=northants)
    services.batch_rollback(user=admin, batch=batch)
    assert Area.objects.filter(pk=northants.pk).exists()
    assert not InspectionJudgement.objects.exists()


def test_a_code_that_names_a_region_is_an_error_at_validation(admin, barnet) -> None:
    factories.AreaFactory(name="London", slug="london", kind=AreaKind.REGION, ons_code="E12000007")
    row = history_row(
        "E12000007", "London", date(2024, 6, 10), date(2024, 7, 23), SHORT, [GOOD] * 5
    )
    batch = upload(admin, outcomes_file([row], []))
    assert batch.error_count == 1 and not batch.can_commit
    finding = batch.findings.get()
    assert (finding.row, finding.column) == (
        4,
        "ILACS_inspection_history: Local authority area code",
    )
    assert "not an authority" in finding.message


def test_a_scottish_code_is_refused_at_validation(admin, barnet) -> None:
    row = history_row(
        "S12000033", "Aberdeen", date(2024, 6, 10), date(2024, 7, 23), SHORT, [GOOD] * 5
    )
    batch = upload(admin, outcomes_file([row], []))
    assert batch.error_count == 1
    assert "England and Wales only" in batch.findings.get().message


def test_a_new_authority_named_too_long_for_an_area_is_an_error_at_validation(
    admin, barnet
) -> None:
    name = "Somewhere " * 13
    row = history_row("E06000099", name, date(2024, 6, 10), date(2024, 7, 23), SHORT, [GOOD] * 5)
    batch = upload(admin, outcomes_file([row], []))
    assert batch.error_count == 1
    assert "longer than the 120 characters" in batch.findings.get().message
    assert not Area.objects.filter(ons_code="E06000099").exists()


def test_the_page_lists_the_latest_judgement_as_at_a_date_with_counts(
    admin, barnet, client: Client
) -> None:
    services.batch_commit(user=admin, batch=upload(admin, outcomes_file(HISTORY, AS_AT)))
    page = judgements_page(admin, date(2025, 3, 31))
    assert [(j.authority.name, j.overall) for j in page.judgements] == [
        ("Barnet", "good"),
        ("Northamptonshire", "inadequate"),
    ]  # York's was published in April
    assert {c.grade: c.count for c in page.counts} == {
        "outstanding": 0,
        "good": 1,
        "requires_improvement": 0,
        "inadequate": 1,
    }
    north = factories.AreaFactory(name="North Northamptonshire", slug="north-northamptonshire")
    AreaSuccession.objects.create(
        predecessor=Area.objects.get(ons_code="E10000021"),
        successor=north,
        took_effect=date(2021, 4, 1),
        change=SuccessionChange.SPLIT,
    )
    before_split = judgements_page(admin, date(2021, 3, 31))
    assert [j.authority.name for j in before_split.judgements] == ["Barnet", "Northamptonshire"]
    after = judgements_page(admin, date(2025, 6, 30))
    assert [j.authority.name for j in after.judgements] == ["Barnet", "York"]
    assert after.left_out == ["Northamptonshire"]

    client.force_login(admin)
    response = client.get("/imports/ofsted/", {"on": "31/03/2025"})
    text = response.content.decode()
    assert "Ofsted judgements as at 31 March 2025" in text and "1 authority by overall" in text
    assert "no longer existed on 31 March 2025: Northamptonshire." in text
    assert (
        "Enter the date as day/month/year"
        in client.get("/imports/ofsted/", {"on": "soon"}).content.decode()
    )


def test_a_councillor_may_not_open_the_page_and_an_officer_may(
    admin, barnet, client: Client
) -> None:
    councillor = factories.UserFactory(username="councillor")
    factories.MembershipFactory(user=councillor, authority=barnet, role=Role.COUNCILLOR)
    client.force_login(councillor)
    assert client.get("/imports/ofsted/").status_code == 403
    officer = factories.UserFactory(username="officer")
    factories.MembershipFactory(user=officer, authority=barnet, role=Role.OFFICER)
    client.force_login(officer)
    assert client.get("/imports/ofsted/").status_code == 200


@pytest.mark.skipif(not REAL_FILE.exists(), reason=f"Ofsted's real file is not at {REAL_FILE}")
def test_the_real_file_imports_every_authority(admin, barnet) -> None:
    batch = upload(admin, REAL_FILE.read_bytes(), REAL_FILE.name)
    # 271 inspections in the history and 153 latest ones, every one of them in the history.
    assert (batch.error_count, batch.warning_count, batch.rows_read) == (0, 0, 424)
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (271, 0, 0)
    services.batch_commit(user=admin, batch=batch)
    barnet_latest = judgements_page(admin, date(2025, 3, 31))
    latest = {j.authority.name: j for j in barnet_latest.judgements}
    assert (latest["Barnet"].overall, latest["Barnet"].published_on) == ("good", date(2024, 7, 23))
    assert latest["Barnet"].inspection_type == SHORT
    # As at 31 March 2025 by publication: the 144 of the as-at sheet published by then (64 good,
    # 32 outstanding, 30 requiring improvement, 18 inadequate), the earlier judgement of the 9
    # published in April or May (York's requires improvement, Camden's outstanding, ...), and
    # the three that no longer exist (Bournemouth and Cumbria RI, Northamptonshire inadequate)
    # while no lineage says they have gone.
    counts = {c.grade: c.count for c in barnet_latest.counts}
    assert counts == {"outstanding": 33, "good": 67, "requires_improvement": 36, "inadequate": 20}
    assert (latest["York"].overall, latest["York"].published_on) == (
        "requires_improvement",
        date(2022, 5, 4),
    )
    # By the summer every inspection to 31 March is published: the as-at sheet's own counts.
    successor = factories.AreaFactory(name="Successor", slug="successor")
    for code in ("E06000028", "E10000006", "E10000021"):
        AreaSuccession.objects.create(
            predecessor=Area.objects.get(ons_code=code),
            successor=successor,
            took_effect=date(2023, 4, 1),
            change=SuccessionChange.MERGED,
        )
    summer = judgements_page(admin, date(2025, 6, 30))
    assert summer.total == 153
    assert {c.grade: c.count for c in summer.counts} == {
        "outstanding": 36,
        "good": 67,
        "requires_improvement": 31,
        "inadequate": 19,
    }
    assert summer.left_out == ["Bournemouth", "Cumbria", "Northamptonshire"]
    assert Area.objects.get(ons_code="E10000021").name == "Northamptonshire"
