"""Pages that only read work while Redis, the cache, is unreachable: a read misses, a write is
dropped, the failure is logged once (config/cache.py). Redis is made unreachable by pointing
the cache at a closed port; the server itself is never stopped."""

import logging
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indicators import dashboards
from indicators.models import Dashboard
from returns import services as import_services
from returns.models import ImportKind
from scrutiny import services as pack_services
from scrutiny.models import TemplateKind
from tests import factories
from tests.returns.test_batches import FILE_NAME, GOOD
from tests.scrutiny.conftest import explain_exceptions

pytestmark = pytest.mark.django_db

UNREACHABLE = "The cache (Redis) is unreachable"


@pytest.fixture(autouse=True)
def redis_down(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": "redis://127.0.0.1:6399/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_cache_misses_drops_and_claims_without_raising(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        cache.set("k", 1)
        assert cache.get("k") is None
        assert cache.get("k", "default") == "default"
        # add claims the work: a dashboard rebuild queued twice is harmless, never queued lost.
        assert cache.add("k", 1) is True
        assert cache.delete("k") is False
        assert cache.get_many(["k", "l"]) == {}
    assert [r.getMessage().startswith(UNREACHABLE) for r in caplog.records] == [True]


def test_a_published_pack_reads_without_redis(world, personas, caplog) -> None:
    pack = pack_services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Performance and outcomes 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )
    explain_exceptions(world)  # the red, worsening figure it shows has commentary
    pack_services.pack_submit(user=personas.officer_a, pack=pack)
    pack_services.pack_approve(user=personas.manager_a, pack=pack)
    pack_services.pack_publish(user=personas.manager_a, pack=pack)
    client = signed_in(personas.councillor_a)
    first = client.get(f"/a/authority-a/packs/{pack.pk}/")
    again = client.get(f"/a/authority-a/packs/{pack.pk}/")
    assert first.status_code == again.status_code == 200
    assert "Performance and outcomes 2017/18" in again.content.decode()
    # Logged once, not on every read: counted from the fixtures on, since writing the
    # fixtures' areas and measures already tells the cache to forget reference data.
    logged = [*caplog.get_records("setup"), *caplog.get_records("call")]
    assert sum(r.getMessage().startswith(UNREACHABLE) for r in logged) == 1


def test_the_dashboard_page_reads_without_redis(world, personas) -> None:
    dashboards.dashboard_rebuild(authority=world.authority_a)
    response = signed_in(personas.manager_a).get("/a/authority-a/")
    assert response.status_code == 200
    assert "Figures as at" in response.content.decode()


def test_the_admin_dashboards_page_and_its_rebuild_work_without_redis(
    world, personas, eager_tasks, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(personas.admin)
    assert client.get("/dashboards/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboards/rebuild/", follow=True)
    assert response.status_code == 200
    assert "Rebuilding 2 dashboards." in response.content.decode()
    assert Dashboard.objects.get(pk=world.authority_a.pk).built_at is not None
    assert client.get("/dashboards/progress/").status_code == 200


def test_an_import_batch_page_and_its_progress_work_without_redis(
    personas, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    # Its validation is queued for after a commit that this test never makes: the batch stays
    # validating, and its page reads its progress from the cache.
    batch = import_services.batch_create(
        user=personas.admin, kind=ImportKind.PUBLISHED, upload=SimpleUploadedFile(FILE_NAME, GOOD)
    )
    client = signed_in(personas.admin)
    page = client.get(f"/imports/{batch.pk}/")
    assert page.status_code == 200
    assert 'data-testid="batch-progress"' in page.content.decode()
    progress = client.get(f"/imports/{batch.pk}/progress/")
    assert progress.status_code == 200
    assert progress.json()["working"] is True
