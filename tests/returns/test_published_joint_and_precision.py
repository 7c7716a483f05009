"""The published import, through the batch services, on both paths (the set-based one
PostgreSQL takes and the portable one): a joint authority's row becomes one joint area whose
members are its authorities, found again by a later file; an area column the database could
not hold is an error in the preview, never a database error at commit; a file that gives no
figure cannot be committed; every figure keeps the precision it is published to."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from indicators.models import Area, AreaKind, Figure, Nation
from returns import services
from returns.kinds import published as published_kind
from returns.models import ImportBatch, ImportKind, PublishedMapping
from tests import factories

CSWW = "csww_indicators_2017_to_2025.csv"
HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,turnover_rate_fte"
)
ENGLAND = "Reporting year,National,E92000001,England,,,,,"
EAST_MIDLANDS = "Reporting year,Local authority,E92000001,England,E12000004,East Midlands"
NORTHANTS = (
    f"{EAST_MIDLANDS},940 / 941,E06000061 / E06000062,"
    "North Northamptonshire / West Northamptonshire"
)
DERBY = f"{EAST_MIDLANDS},831,E06000015,Derby"


def csww(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows, ""]).encode()


@pytest.fixture(params=["set-based", "portable"])
def path(request, monkeypatch) -> str:
    if request.param == "set-based" and connection.vendor != "postgresql":
        pytest.skip("the set-based path is PostgreSQL's")
    monkeypatch.setattr(published_kind, "staged", lambda: request.param == "set-based")
    return str(request.param)


@pytest.fixture
def admin(db, settings, tmp_path, path):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="WF-TURNOVER", title="Turnover", unit="percent", decimals=0)
    # A local mapping of the workforce file (the shipped file is another helper's).
    PublishedMapping.objects.create(
        name="turnover",
        indicator_code="WF-TURNOVER",
        file_hint="csww_indicators",
        value_column="turnover_rate_fte",
    )
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def upload(admin, content: bytes) -> ImportBatch:
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.PUBLISHED,
        upload=SimpleUploadedFile(CSWW, content, content_type="text/csv"),
    )
    return services.batch_validate(batch=batch)


def test_a_joint_authority_is_one_area_of_its_members_found_again_later(admin) -> None:
    batch = upload(admin, csww(f"2025,{ENGLAND},11.8", f"2025,{NORTHANTS},10.4"))
    assert (batch.error_count, batch.new_count) == (0, 2)
    services.batch_commit(user=admin, batch=batch)

    joint = Area.objects.get(kind=AreaKind.JOINT)
    assert joint.name == "North Northamptonshire / West Northamptonshire (joint)"
    assert (joint.ons_code, joint.dfe_code, joint.nation) == ("", "", Nation.ENGLAND)
    assert sorted(joint.members.values_list("dfe_code", "ons_code", "name", "kind")) == [
        ("940", "E06000061", "North Northamptonshire", AreaKind.AUTHORITY),
        ("941", "E06000062", "West Northamptonshire", AreaKind.AUTHORITY),
    ]
    assert Figure.objects.get(area=joint).value == Decimal("10.4")
    assert not Figure.objects.filter(area__in=joint.members.all()).exists()

    # A later file (the members in the other order) finds the same joint area.
    swapped = (
        f"{EAST_MIDLANDS},941 / 940,E06000062 / E06000061,"
        "West Northamptonshire / North Northamptonshire"
    )
    later = upload(admin, csww(f"2024,{swapped},11.2", f"2025,{NORTHANTS},10.4"))
    assert (later.error_count, later.new_count, later.unchanged_count) == (0, 1, 1)
    services.batch_commit(user=admin, batch=later)
    assert Area.objects.filter(kind=AreaKind.JOINT).count() == 1
    assert Figure.objects.filter(area=joint).count() == 2


def test_a_joint_row_of_authorities_already_held_uses_them_as_members(admin) -> None:
    north = factories.AreaFactory(
        name="North Northamptonshire", slug="north-northants", ons_code="E06000061", dfe_code="940"
    )
    services.batch_commit(user=admin, batch=upload(admin, csww(f"2025,{NORTHANTS},10.4")))
    joint = Area.objects.get(kind=AreaKind.JOINT)
    assert north in joint.members.all()
    assert Area.objects.filter(ons_code="E06000061").count() == 1


def test_a_code_too_long_for_the_database_is_found_in_the_preview(admin) -> None:
    batch = upload(admin, csww(f"2025,{EAST_MIDLANDS},831,E060000150,Derby,9.0"))
    finding = batch.findings.get()
    assert (finding.row, finding.column) == (2, "new_la_code")
    assert "longer than the 9 characters" in finding.message
    with pytest.raises(ValidationError):
        services.batch_commit(user=admin, batch=batch)
    assert not Area.objects.filter(name="Derby").exists()


def test_a_file_that_gives_no_figures_cannot_be_committed(admin) -> None:
    batch = upload(admin, csww("2025,Reporting year,Ward,E92000001,England,,,,,,9.0"))
    assert batch.error_count == 1
    assert "gives no figures" in batch.findings.get(severity="error").message
    with pytest.raises(ValidationError):
        services.batch_commit(user=admin, batch=batch)


def test_each_figure_keeps_its_published_precision_and_a_new_precision_updates_it(admin):
    services.batch_commit(
        user=admin, batch=upload(admin, csww(f"2025,{DERBY},19.1", f"2024,{DERBY},21"))
    )
    held = dict(Figure.objects.values_list("period__start__year", "published_decimals"))
    assert held == {2024: 1, 2023: 0}

    # The same numbers published to two places: a change of precision only.
    again = upload(admin, csww(f"2025,{DERBY},19.10", f"2024,{DERBY},21"))
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 1, 1)
    services.batch_commit(user=admin, batch=again)
    held = dict(Figure.objects.values_list("period__start__year", "published_decimals"))
    assert held == {2024: 2, 2023: 0}

    # The mapping's own decimals, when given, are every figure's.
    PublishedMapping.objects.filter(name="turnover").update(decimals=1)
    services.batch_commit(
        user=admin, batch=upload(admin, csww(f"2025,{DERBY},19.10", f"2024,{DERBY},21"))
    )
    held = dict(Figure.objects.values_list("period__start__year", "published_decimals"))
    assert held == {2024: 1, 2023: 1}


def test_the_final_figure_clears_the_provisional_mark(admin) -> None:
    services.batch_commit(user=admin, batch=upload(admin, csww(f"2025,{DERBY},19.1")))
    Figure.objects.update(is_provisional=True)  # as a provisional publication left it
    final = upload(admin, csww(f"2025,{DERBY},19.1"))
    assert final.changed_count == 1
    services.batch_commit(user=admin, batch=final)
    assert Figure.objects.get().is_provisional is False


DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"


@pytest.mark.skipif(
    not (DFE / CSWW).exists(), reason=f"the DfE files are not at {DFE} (see its README)"
)
def test_the_real_workforce_file_previews_and_commits_with_its_joint_rows(admin) -> None:
    batch = upload(admin, (DFE / CSWW).read_bytes())
    assert [f.message for f in batch.findings.all() if f.severity == "error"] == []
    services.batch_commit(user=admin, batch=batch)
    names = set(Area.objects.filter(kind=AreaKind.JOINT).values_list("name", flat=True))
    assert names == {
        "North Northamptonshire / West Northamptonshire (joint)",
        "Kingston upon Thames / Richmond upon Thames (joint)",
    }
    # As published: the joint Northamptonshire turnover for 2025 is 10.4 (row 70).
    northants = Figure.objects.get(
        area__name__startswith="North Northamptonshire /", period__start__year=2024
    )
    assert (northants.value, northants.published_decimals) == (Decimal("10.4"), 1)
