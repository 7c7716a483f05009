"""Shipped mappings are data the admin extends, not replaces (issue 18): they are stored with
each catalogue load, marked shipped; an admin's local mappings are used beside them and never
touched by a load; adding one in the admin leaves the shipped files importing."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indicators.catalogue import CatalogueError, catalogue_load
from indicators.models import Figure
from returns import published, services
from returns.kinds.published_mappings_store import current_mappings, shipped_mappings_refresh
from returns.models import ImportKind, PublishedMapping
from tests import factories
from tests.returns.test_batches import FILE_NAME, GOOD

COLUMNS = ",".join(published.MAPPING_FIELDS)
REREF = (
    "re-referrals,REF-REREF,c1_,rereferral_percent,rereferral_count,referral_count,,"
    "time_period,fy,,"
)
CPP = "subsequent plans,CPP-2ND,d3_cpps,CPP_subsequent_percent,,,,time_period,fy,,1"


def mappings_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "mappings.csv"
    path.write_text("\n".join([COLUMNS, *rows, ""]))
    return path


def stored() -> dict[str, tuple[bool, bool, str, int | None]]:
    return {
        m.name: (m.is_shipped, m.is_active, m.value_column, m.decimals)
        for m in PublishedMapping.objects.all()
    }


def test_a_catalogue_load_stores_the_shipped_mappings_as_shipped(db) -> None:
    assert not PublishedMapping.objects.exists()
    catalogue_load()
    shipped = published.load_mappings(published.SHIPPED_MAPPINGS)
    assert sorted(PublishedMapping.objects.values_list("name", flat=True)) == sorted(
        m.name for m in shipped
    )
    assert not PublishedMapping.objects.filter(is_shipped=False).exists()
    versions = list(PublishedMapping.objects.values_list("pk", "value_column"))
    catalogue_load()
    assert list(PublishedMapping.objects.values_list("pk", "value_column")) == versions


def test_a_mappings_file_that_cannot_be_read_fails_the_catalogue_load(db, tmp_path, monkeypatch):
    broken = mappings_file(tmp_path, "re-referrals,REF-REREF,c1_,x,,,,time_period,weekly,,")
    monkeypatch.setattr(published, "SHIPPED_MAPPINGS", broken)
    with pytest.raises(CatalogueError, match="line 2"):
        catalogue_load()
    assert not PublishedMapping.objects.exists()


def test_a_refresh_updates_shipped_rows_keeps_switches_and_never_touches_local_ones(
    db, tmp_path
) -> None:
    shipped_mappings_refresh(mappings_file(tmp_path, REREF, CPP))
    PublishedMapping.objects.filter(name="subsequent plans").update(is_active=False)
    PublishedMapping.objects.create(name="mine", indicator_code="X", value_column="mine")
    # The old `load_mappings` copy of a shipped mapping, and a local one sharing a name.
    PublishedMapping.objects.create(
        name="referrals", indicator_code="REF-NEW", file_hint="c1_", value_column="referral_count"
    )
    PublishedMapping.objects.create(
        name="rate", indicator_code="CLA-RATE", value_column="my_rate_column"
    )
    counts = shipped_mappings_refresh(
        mappings_file(
            tmp_path,
            "subsequent plans,CPP-2ND,d3_cpps,cpp_subsequent_percent,,,,time_period,fy,,1",
            "referrals,REF-NEW,c1_,referral_count,,,,time_period,fy,,0",
            "rate,CLA-RATE,cla_number,rate_per_10000,,,,time_period,fy,,",
        )
    )
    assert stored() == {
        # re-referrals left the file: removed. Updated, still switched off as the admin left it.
        "subsequent plans": (True, False, "cpp_subsequent_percent", 1),
        # The old copy is the shipped mapping, now marked so (and given its decimals).
        "referrals": (True, True, "referral_count", 0),
        # An admin's own of the same name wins; the shipped one is not loaded.
        "rate": (False, True, "my_rate_column", None),
        "mine": (False, True, "mine", None),
    }
    assert (counts.created, counts.updated, counts.removed, counts.kept_local) == (0, 2, 1, 1)


def test_before_any_load_the_shipped_file_is_used_with_the_local_mappings(db, tmp_path) -> None:
    shipped = published.load_mappings(published.SHIPPED_MAPPINGS)
    PublishedMapping.objects.create(name="mine", indicator_code="X", value_column="mine")
    PublishedMapping.objects.create(
        name="off", indicator_code="Y", value_column="off", is_active=False
    )
    assert [m.name for m in current_mappings()] == [*(m.name for m in shipped), "mine"]
    shipped_mappings_refresh(mappings_file(tmp_path, REREF))
    PublishedMapping.objects.filter(name="re-referrals").update(decimals=1)
    assert [(m.name, m.decimals) for m in current_mappings()] == [
        ("mine", None),
        ("re-referrals", 1),
    ]


@pytest.fixture
def admin(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    factories.IndicatorFactory(code="CPP-2ND", title="% second plans", unit="percent")
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def add_in_the_admin(admin) -> None:
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/returns/publishedmapping/add/",
        {
            "name": "second plans, my layout",
            "indicator_code": "CPP-2ND",
            "file_hint": "my_cpp_file",
            "value_column": "second_plan_pct",
            "period_column": "time_period",
            "period_kind": "fy",
            "decimals": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PublishedMapping.objects.get(name="second plans, my layout").is_shipped is False


def reimport_referrals(admin) -> None:
    batch = services.batch_create(
        user=admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(FILE_NAME, GOOD)
    )
    batch = services.batch_validate(batch=batch)
    assert [f.message for f in batch.findings.all() if f.severity == "error"] == []
    services.batch_commit(user=admin, batch=batch)
    assert Figure.objects.filter(indicator__code="REF-REREF").count() == 4


def test_adding_a_mapping_in_the_admin_leaves_the_shipped_files_importing(admin) -> None:
    # A new database (no catalogue load has stored the shipped mappings yet): the admin's
    # first mapping used to switch every shipped one off.
    add_in_the_admin(admin)
    reimport_referrals(admin)


def test_adding_a_mapping_after_a_catalogue_load_leaves_them_importing(admin) -> None:
    shipped_mappings_refresh()
    add_in_the_admin(admin)
    reimport_referrals(admin)


def test_the_admin_shows_shipped_and_local_and_protects_a_shipped_one(admin) -> None:
    shipped_mappings_refresh()
    PublishedMapping.objects.create(name="mine", indicator_code="CPP-2ND", value_column="v")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/returns/publishedmapping/").content.decode()
    assert "Shipped" in listing and "Local" in listing
    local_only = client.get("/admin/returns/publishedmapping/?origin=local").content.decode()
    assert "mine" in local_only and "re-referrals within 12 months" not in local_only

    shipped = PublishedMapping.objects.get(name="re-referrals within 12 months")
    page = client.get(f"/admin/returns/publishedmapping/{shipped.pk}/change/").content.decode()
    assert "every catalogue load refreshes it" in page
    assert 'name="value_column"' not in page  # read only: a load would undo an edit
    # Switching it off is allowed, and a load keeps it off.
    response = client.post(f"/admin/returns/publishedmapping/{shipped.pk}/change/", {})
    assert response.status_code == 302
    shipped.refresh_from_db()
    assert shipped.is_active is False
    shipped_mappings_refresh()
    shipped.refresh_from_db()
    assert shipped.is_active is False

    # Copied to a local mapping to change: the copy is active, the shipped one off.
    PublishedMapping.objects.filter(pk=shipped.pk).update(is_active=True)
    client.post(
        "/admin/returns/publishedmapping/",
        {"action": "copy_to_local", "_selected_action": [shipped.pk]},
    )
    copy = PublishedMapping.objects.get(name="re-referrals within 12 months (local)")
    assert (copy.is_shipped, copy.is_active, copy.value_column) == (
        False,
        True,
        shipped.value_column,
    )
    shipped.refresh_from_db()
    assert shipped.is_active is False
