"""Statistical-neighbour files imported as batches: a versioned neighbour set, the same file
twice, rollback, and the published files themselves."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Area, Comparator, NeighbourSet, StatisticalNeighbour
from returns import services
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories

DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
HEADER = "old_la_code,la_name,region_ind,region_name," + ",".join(
    f"SN_{n},SN_{n}P" for n in range(1, 11)
)


def row(number: int, name: str) -> str:
    others = [n for n in range(301, 313) if n != number][:10]
    return f"{number},{name},3,London," + ",".join(f"{n},Close " for n in others)


FILE = ("\n".join([HEADER, *(row(n, f"Borough {n}") for n in range(301, 313))]) + "\n").encode()


@pytest.fixture
def admin(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def upload(admin, content: bytes = FILE, note: str = "") -> ImportBatch:
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.NEIGHBOURS,
        upload=SimpleUploadedFile("sn_model_2025_wide.csv", content),
        note=note,
    )
    return services.batch_validate(batch=batch)


def test_a_neighbour_file_becomes_a_versioned_set_with_closeness(admin) -> None:
    batch = upload(admin, note="DfE statistical neighbours 2025")
    assert (batch.error_count, batch.new_count, batch.rows_read) == (0, 120, 12)
    assert not NeighbourSet.objects.exists()
    batch = services.batch_commit(user=admin, batch=batch)
    neighbour_set = NeighbourSet.objects.get(name="DfE statistical neighbours 2025")
    assert batch.neighbour_set == neighbour_set
    first = StatisticalNeighbour.objects.get(
        neighbour_set=neighbour_set, authority__dfe_code="301", rank=1
    )
    assert (first.neighbour.dfe_code, first.closeness) == ("302", "Close")
    assert Area.objects.filter(kind="authority").count() == 12


def test_the_authorities_a_neighbour_file_adds_are_compared_with_england(admin) -> None:
    # Issue 17: a new authority from any import is shown against its nation's average.
    england = factories.AreaFactory(
        name="England", slug="england", kind="nation", ons_code="E92000001"
    )
    services.batch_commit(user=admin, batch=upload(admin))
    assert set(
        Comparator.objects.filter(kind="nation").values_list("area", "label").distinct()
    ) == {(england.pk, "England")}
    assert Comparator.objects.filter(kind="nation").count() == 12


def test_the_same_file_twice_changes_nothing_and_rollback_removes_the_set(admin) -> None:
    first = services.batch_commit(user=admin, batch=upload(admin))
    again = upload(admin)
    assert (again.new_count, again.unchanged_count) == (0, 120)
    services.batch_commit(user=admin, batch=again)
    assert NeighbourSet.objects.count() == 1
    services.batch_rollback(user=admin, batch=again)  # it wrote nothing; nothing to undo
    assert NeighbourSet.objects.count() == 1

    neighbour_set = NeighbourSet.objects.get()
    authority = Area.objects.get(dfe_code="301")
    comparator = Comparator.objects.create(
        authority=authority,
        area=authority,
        kind="neighbours",
        neighbour_set=neighbour_set,
        label="SN",
    )
    with pytest.raises(ValidationError, match="used by the statistical-neighbour comparators"):
        services.batch_rollback(user=admin, batch=first)
    comparator.delete()
    services.batch_rollback(user=admin, batch=first)
    assert not NeighbourSet.objects.exists()
    first.refresh_from_db()
    assert first.status == BatchStatus.ROLLED_BACK


def test_a_file_that_is_not_a_neighbour_file_is_refused(admin) -> None:
    batch = upload(admin, b"time_period,la_name\n202425,Hartlepool\n")
    assert batch.error_count == 1
    assert "not a statistical-neighbour file" in batch.findings.get().message
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)


@pytest.mark.parametrize(
    ("name", "authority", "first"),
    [
        ("New_Statistical_Neighbour_Groupings_April_2021.csv", "865", ("916", "Extremely close")),
        ("sn_model_2025_wide.csv", "301", ("308", "Close")),
    ],
)
def test_the_published_neighbour_files_import(admin, name, authority, first) -> None:
    if not (DFE / name).exists():
        pytest.skip(f"the published DfE files are not in {DFE} (they are never committed)")
    batch = services.batch_commit(user=admin, batch=upload(admin, (DFE / name).read_bytes()))
    rank_one = StatisticalNeighbour.objects.get(
        neighbour_set=batch.neighbour_set, authority__dfe_code=authority, rank=1
    )
    assert (rank_one.neighbour.dfe_code, rank_one.closeness) == first
    assert batch.new_count >= 1500
