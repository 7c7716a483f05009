"""Import batches of published national data: upload, dry-run preview, commit, importing the
same file again, a corrected publication, and rolling back to what was there before."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Area, AreaKind, Figure, FigureChange
from returns import services
from returns.models import BatchStatus, ImportBatch, ImportKind
from tests import factories

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,referral_count,rereferral_count,"
    "rereferral_percent"
)
ENGLAND = "Reporting year,National,E92000001,England,,,,,"
NORTH_EAST = "Reporting year,Regional,E92000001,England,E12000001,North East,,,"
HARTLEPOOL = (
    "Reporting year,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool"
)
FILE_NAME = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"


def c1(*rows: str) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode()


GOOD = c1(
    f"202425,{ENGLAND},600000,135600,22.6",
    f"202425,{NORTH_EAST},40000,8800,22.0",
    f"202425,{HARTLEPOOL},1500,300,20.0",
    f"202324,{HARTLEPOOL},c,c,c",
)


@pytest.fixture
def admin(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def upload(admin, content: bytes = GOOD, name: str = FILE_NAME) -> ImportBatch:
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.PUBLISHED,
        upload=SimpleUploadedFile(name, content, content_type="text/csv"),
    )
    return services.batch_validate(batch=batch)


def test_the_preview_counts_what_a_commit_would_do_and_writes_no_figure(admin) -> None:
    batch = upload(admin)
    assert batch.status == BatchStatus.READY
    assert (batch.rows_read, batch.error_count) == (4, 0)
    assert batch.new_count == 4
    assert batch.sha256 and batch.size == len(GOOD)
    assert not Figure.objects.exists()
    assert not Area.objects.filter(name="Hartlepool").exists()


def test_commit_creates_the_areas_and_figures_with_suppression_as_a_flag(admin) -> None:
    batch = services.batch_commit(user=admin, batch=upload(admin))
    assert batch.status == BatchStatus.COMMITTED
    assert batch.new_count == 4
    england = Area.objects.get(ons_code="E92000001")
    assert england.kind == AreaKind.NATION
    hartlepool = Area.objects.get(dfe_code="805")
    assert hartlepool.region == Area.objects.get(ons_code="E12000001")
    figure = Figure.objects.get(area=england)
    assert (figure.value, figure.numerator, figure.denominator) == (
        Decimal("22.6"),
        135600,
        600000,
    )
    suppressed = Figure.objects.get(area=hartlepool, period__start__year=2023)
    assert (suppressed.value, suppressed.suppression) == (None, "c")
    assert set(FigureChange.objects.values_list("channel", flat=True)) == {"import"}


def test_importing_the_same_file_again_changes_nothing(admin) -> None:
    services.batch_commit(user=admin, batch=upload(admin))
    versions = dict(Figure.objects.values_list("pk", "version"))
    again = upload(admin)
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 4)
    again = services.batch_commit(user=admin, batch=again)
    assert dict(Figure.objects.values_list("pk", "version")) == versions
    assert again.changes.count() == 0


def test_a_validation_delivered_again_after_the_commit_changes_nothing(admin) -> None:
    from returns.tasks import validate_batch

    batch = services.batch_commit(user=admin, batch=upload(admin))
    validate_batch(batch.pk)  # Redis delivers the task a second time
    batch.refresh_from_db()
    assert (batch.status, batch.message) == (BatchStatus.COMMITTED, "")


def test_a_revised_publication_changes_figures_and_rolls_back_to_the_first(admin) -> None:
    first = services.batch_commit(user=admin, batch=upload(admin))
    revised = upload(admin, GOOD.replace(b"1500,300,20.0", b"1500,315,21.0"))
    assert (revised.new_count, revised.changed_count) == (0, 1)
    revised = services.batch_commit(user=admin, batch=revised)
    hartlepool = Figure.objects.get(area__dfe_code="805", period__start__year=2024)
    assert hartlepool.value == Decimal("21.0")

    with pytest.raises(ValidationError, match="changed since it was committed"):
        services.batch_rollback(user=admin, batch=first)
    services.batch_rollback(user=admin, batch=revised)
    hartlepool.refresh_from_db()
    assert hartlepool.value == Decimal("20.0")
    assert hartlepool.changes.first().reason.startswith("Rollback of import")

    services.batch_rollback(user=admin, batch=first)
    assert not Figure.objects.exists()
    first.refresh_from_db()
    assert first.status == BatchStatus.ROLLED_BACK


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"a,b\n1,2\n", FILE_NAME, "none of the columns"),
        (c1(f"202425,{HARTLEPOOL},1500,300,lots"), FILE_NAME, "number"),
        (
            c1(f"202425,{HARTLEPOOL},1500,300,20.0", f"202425,{HARTLEPOOL},1500,300,20.0"),
            FILE_NAME,
            "both give",
        ),
        ("time_period\n\u00e9".encode("latin-1"), FILE_NAME, "UTF-8"),
    ],
)
def test_a_bad_file_is_refused_with_findings_and_cannot_be_committed(
    admin, content: bytes, name: str, message: str
) -> None:
    batch = upload(admin, content, name)
    assert batch.error_count >= 1
    assert message.lower() in " ".join(batch.findings.values_list("message", flat=True)).lower()
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


CLA_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,la_name,new_la_code,population_type,population_estimate,"
    "children_count,rate_per_10000"
)
CLA_NAME = "cla_number_and_rate_per_10k_children.csv"
ON_31_MARCH = "Children looked after on 31 March each year"


def cla(*rows: str) -> bytes:
    return ("\n".join([CLA_HEADER, *rows]) + "\n").encode()


def test_a_negative_england_count_is_an_error_on_its_row_and_nothing_is_written(admin) -> None:
    factories.IndicatorFactory(
        code="CLA-COUNT", title="Children looked after at 31 March", unit="count", roll_up="latest"
    )
    content = cla(
        f"2025,Reporting year,National,E92000001,England,,,,,,{ON_31_MARCH},12183016,-81770,67",
        "2025,Reporting year,Local authority,E92000001,England,E12000001,North East,805,"
        f"Hartlepool,E06000001,{ON_31_MARCH},20000,300,150",
        "2024,Reporting year,Local authority,E92000001,England,E12000001,North East,805,"
        f"Hartlepool,E06000001,{ON_31_MARCH},20000,c,c",
    )
    batch = upload(admin, content, CLA_NAME)
    errors = list(batch.findings.filter(severity="error").values_list("row", "column", "message"))
    assert errors == [
        (
            2,
            "children_count",
            "Children looked after at 31 March: The value cannot be below zero (-81770).",
        )
    ]  # the suppressed count of 2024 is not an error
    assert batch.error_count == 1 and not batch.can_commit
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()
    assert not Area.objects.filter(name="Hartlepool").exists()


def test_a_published_numerator_above_its_denominator_is_found_before_the_commit(admin) -> None:
    """The database would refuse 300 re-referrals of 200 referrals at commit (a proportion's
    numerator cannot exceed its denominator): validation says so first."""
    batch = upload(admin, c1(f"202425,{HARTLEPOOL},200,300,150.0"))
    assert list(
        batch.findings.filter(severity="error").values_list("column", "message").order_by("pk")
    ) == [
        (
            "rereferral_count",
            "% re-referrals: the numerator (300) cannot be more than the denominator (200).",
        ),
        ("rereferral_percent", "% re-referrals: The value must be between 0% and 100% (150)."),
    ]
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)
    assert not Figure.objects.exists()


def test_an_empty_or_oversized_file_is_refused_before_it_is_read(admin, settings) -> None:
    with pytest.raises(ValidationError, match="is empty"):
        upload(admin, b"")
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="files over"):
        upload(admin)
    assert not ImportBatch.objects.exists()


DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"


@pytest.mark.skipif(
    not (DFE / FILE_NAME).exists(),
    reason=f"the published DfE files are not in {DFE} (they are never committed)",
)
def test_the_published_referrals_file_imports_with_englands_published_rate(admin) -> None:
    from django.core.management import call_command

    call_command("load_catalogue", verbosity=0)
    batch = upload(admin, (DFE / FILE_NAME).read_bytes())
    assert batch.error_count == 0, list(batch.findings.values_list("message", flat=True))[:5]
    services.batch_commit(user=admin, batch=batch)
    england = Figure.objects.get(
        area__ons_code="E92000001", indicator__code="REF-REREF", period__start__year=2024
    )
    assert england.value == Decimal("22.6")
    assert Area.objects.filter(kind=AreaKind.REGION).count() >= 9
    assert Area.objects.filter(kind=AreaKind.AUTHORITY).count() >= 150
    wiltshire = Figure.objects.get(
        area__dfe_code="865", indicator__code="REF-REREF", period__start__year=2024
    )
    assert wiltshire.value == Decimal("18.7")


def test_load_mappings_stores_the_shipped_ones_and_one_switched_off_is_not_used(admin) -> None:
    from django.core.management import call_command

    from returns.models import PublishedMapping

    call_command("load_mappings", verbosity=0)
    shipped = PublishedMapping.objects.count()
    assert shipped >= 9
    call_command("load_mappings", verbosity=0)
    assert PublishedMapping.objects.count() == shipped  # idempotent
    assert not PublishedMapping.objects.filter(is_shipped=False).exists()
    PublishedMapping.objects.filter(indicator_code="REF-REREF").update(is_active=False)
    batch = upload(admin)
    assert batch.error_count == 1  # no active mapping fits the referrals file any more
    assert "none of the columns" in batch.findings.get().message


def test_the_admin_refuses_a_mapping_for_an_unknown_indicator(admin) -> None:
    from django.test import Client

    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/returns/publishedmapping/add/",
        {
            "name": "made up",
            "indicator_code": "NO-SUCH",
            "value_column": "x",
            "period_column": "time_period",
            "period_kind": "fy",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "There is no indicator with the code NO-SUCH" in response.content.decode()
