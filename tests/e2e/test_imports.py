"""Imports in a browser: an admin uploads published data, reviews, commits and rolls back."""

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Figure
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.returns.test_batches import FILE_NAME, GOOD, c1

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(settings, tmp_path, eager_tasks):
    settings.MEDIA_ROOT = tmp_path
    factories.IndicatorFactory(code="REF-REREF", title="% re-referrals", unit="percent")
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def upload(page: Page, tmp_path, content: bytes) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    page.goto("/imports/")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()


def test_an_admin_reviews_commits_and_rolls_back_an_import(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    page.goto("/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    assert_accessible(page)

    upload(page, tmp_path, GOOD)
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Ready to commit")
    expect(summary).to_contain_text("4 new, 0 changed, 0 unchanged")
    assert_accessible(page)
    assert not Figure.objects.exists()

    page.get_by_role("button", name="Commit these figures").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Committed")
    assert Figure.objects.count() == 4
    page.get_by_role("button", name="Roll back this import").click()
    expect(summary).to_contain_text("Rolled back")
    assert not Figure.objects.exists()
    assert_accessible(page)


def test_a_bad_file_shows_its_findings_and_cannot_be_committed(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    bad = c1(
        "202425,Reporting year,Local authority,E92000001,England,E12000001,North East,805,"
        "E06000001,Hartlepool,1500,300,lots"
    )
    upload(page, tmp_path, bad)
    expect(page.get_by_test_id("batch-status")).to_have_text("Has errors")
    expect(page.get_by_test_id("findings")).to_contain_text("Error")
    expect(page.get_by_role("button", name="Commit these figures")).to_have_count(0)
    assert_accessible(page)


def test_the_batch_page_follows_a_commit_in_a_worker_and_shows_its_outcome(
    page: Page, live_server, admin, tmp_path, monkeypatch
) -> None:
    from returns import tasks
    from returns.models import ImportBatch
    from returns.progress import progress_report

    # The commit is queued for a worker that is not there yet, as in a busy deployment.
    queued: list[tuple[int, int]] = []
    monkeypatch.setattr(tasks.commit_batch, "delay", lambda *ids: queued.append(ids))
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, GOOD)
    page.get_by_role("button", name="Commit these figures").click()
    progress = page.get_by_test_id("batch-progress")
    expect(progress).to_contain_text("0% done: Waiting for a worker")
    assert_accessible(page)

    batch = ImportBatch.objects.get()
    progress_report(batch.pk, percent=45, note="Committing: writing new figures")
    expect(progress).to_contain_text("45% done: Committing: writing new figures")
    expect(page.locator("progress")).to_have_attribute("value", "45")

    # The worker finishes: the page reloads itself and shows the outcome.
    tasks.commit_batch(*queued[0])
    expect(page.get_by_test_id("batch-status")).to_have_text("Committed")
    expect(page.get_by_test_id("batch-progress")).to_have_count(0)
    assert Figure.objects.count() == 4


def test_a_validation_whose_worker_never_came_is_given_up_and_validated_again(
    page: Page, live_server, admin, tmp_path, monkeypatch
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from returns import tasks
    from returns.models import ImportBatch

    # The upload's validation is queued for a worker that never comes (its task lost).
    original = tasks.validate_batch.delay
    monkeypatch.setattr(tasks.validate_batch, "delay", lambda *ids: None)
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, GOOD)
    expect(page.get_by_test_id("batch-progress")).to_contain_text("Waiting for a worker")

    # Long past IMPORT_STALLED_MINUTES: the page, which follows the batch, shows it given up.
    ImportBatch.objects.update(working_since=timezone.now() - timedelta(hours=1))
    status = page.get_by_test_id("batch-status")
    expect(status).to_have_text("Validation failed")
    expect(
        page.get_by_text("No worker started validating this file within 15 minutes")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Reject")).to_be_visible()
    assert_accessible(page)

    monkeypatch.setattr(tasks.validate_batch, "delay", original)  # a worker is back
    page.get_by_role("button", name="Validate again").click()
    expect(status).to_have_text("Ready to commit")
    expect(page.get_by_test_id("batch-summary")).to_contain_text("4 new, 0 changed, 0 unchanged")
    expect(page.get_by_role("button", name="Validate again")).to_have_count(0)
    assert_accessible(page)
    assert not Figure.objects.exists()
