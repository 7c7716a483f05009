"""Imports of statistical neighbours and statutory returns in a browser: an admin uploads a small
synthetic file, reviews what it would do, commits it and rolls it back; a bad file of each kind
shows a clear finding and cannot be committed. Every page is checked with axe."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Figure, NeighbourSet, StatisticalNeighbour
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.returns.dfe_rule_sets import rules_off
from tests.returns.test_903_batches import RETURN as SSDA903_ZIP
from tests.returns.test_903_batches import XML_RETURN as SSDA903_XML
from tests.returns.test_903_batches import zipped
from tests.returns.test_cin_batches import RETURN as CIN_RETURN
from tests.returns.test_derive_903 import episode, episodes, header
from tests.returns.test_derive_cin import census
from tests.returns.test_derive_cin import child as cin_child
from tests.returns.test_derive_cin import episode as cin_episode
from tests.returns.test_neighbours import file_2021, file_2025, valid

# "Commit these figures", "Commit these neighbours"...: the button names what the batch writes.
COMMIT = re.compile(r"^Commit these ")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(settings, tmp_path, eager_tasks, monkeypatch):
    rules_off(monkeypatch)  # about the import itself: the rules are test_return_rules.py's
    settings.MEDIA_ROOT = tmp_path / "media"
    for code, unit in (
        ("CLA-COUNT", "count"),
        ("CLA-FOSTER", "percent"),
        ("REF-COUNT", "count"),
        ("CPP-COUNT", "count"),
        ("CPP-CAT", "percent"),
    ):
        factories.IndicatorFactory(code=code, title=code, unit=unit, roll_up="none")
    factories.AreaFactory(name="Northshire", slug="northshire")
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def upload(
    page: Page, tmp_path: Path, kind: str, name: str, content: bytes, *, year: int | None = None
) -> None:
    """Fill in the upload form as an admin would and send it."""
    path = tmp_path / "outbox" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    page.goto("/imports/")
    page.get_by_label("What is in the file").select_option(value=kind)
    page.get_by_label("File", exact=True).set_input_files(str(path))
    if year is not None:
        page.get_by_label(re.compile(r"^Authority \(returns")).select_option(label="Northshire")
        page.get_by_label("Collection year (returns only)").fill(str(year))
    page.get_by_role("button", name="Upload and check").click()


def review_commit_and_roll_back(
    page: Page,
    figures: str,
    written: Callable[[], None],
    removed: Callable[[], None],
) -> None:
    """The batch page after a good upload: review, commit, check, roll back, check."""
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Ready to commit")
    expect(summary).to_contain_text(figures)
    expect(summary).to_contain_text("0 errors")
    assert_accessible(page)
    removed()  # nothing is written before a commit

    page.get_by_role("button", name=COMMIT).click()
    expect(summary).to_contain_text("Committed")
    written()
    assert_accessible(page)

    page.get_by_role("button", name="Roll back this import").click()
    expect(summary).to_contain_text("Rolled back")
    removed()
    assert_accessible(page)


def refused(page: Page, message: str) -> None:
    """The batch page after a bad upload: the finding, and no way to commit."""
    findings = page.get_by_test_id("findings")
    expect(findings).to_contain_text("Error")
    expect(findings).to_contain_text(message)
    expect(page.get_by_role("button", name=COMMIT)).to_have_count(0)
    assert_accessible(page)


# --- Statistical neighbours -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("New_Statistical_Neighbour_Groupings_April_2021.csv", file_2021(valid())),
        ("sn_model_2025_wide.csv", file_2025(valid())),
    ],
    ids=["2021 layout", "2025 layout"],
)
def test_a_neighbour_file_is_reviewed_committed_and_rolled_back(
    page: Page, live_server, admin, tmp_path, name: str, content: str
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "neighbours", name, content.encode())

    def written() -> None:
        assert NeighbourSet.objects.count() == 1
        assert StatisticalNeighbour.objects.count() == 120  # 12 authorities, 10 neighbours each

    def removed() -> None:
        assert not NeighbourSet.objects.exists()

    review_commit_and_roll_back(page, "120 new, 0 changed, 0 unchanged", written, removed)


def test_a_file_that_is_not_a_neighbour_file_is_refused(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "neighbours", "referrals.csv", b"time_period,la_name\n202425,Leeds\n")
    refused(page, "not a statistical-neighbour file")
    assert not NeighbourSet.objects.exists()


# --- CIN census -----------------------------------------------------------------------------------


def test_a_cin_census_is_reviewed_committed_and_rolled_back(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    # Two children referred in 2024/25; one on a plan for neglect at 31 March 2025.
    upload(page, tmp_path, "cin", "cin_census_2025.xml", CIN_RETURN, year=2025)

    def written() -> None:
        referrals = Figure.objects.get(indicator__code="REF-COUNT")
        assert (referrals.area.name, referrals.value) == ("Northshire", 2)
        assert Figure.objects.get(indicator__code="CPP-COUNT").value == 1

    def removed() -> None:
        assert not Figure.objects.exists()

    review_commit_and_roll_back(page, "new, 0 changed, 0 unchanged", written, removed)


def test_a_file_that_is_not_a_cin_census_is_refused(
    page: Page, live_server, admin, tmp_path
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "cin", "ssda903_2025.xml", SSDA903_XML, year=2025)
    refused(page, "This is not a CIN census file: its root element is <EXPSSDA903>")
    assert not Figure.objects.exists()


# --- SSDA903 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("ssda903_2025.zip", SSDA903_ZIP), ("ssda903_2025.xml", SSDA903_XML)],
    ids=["ZIP of CSV tables", "XML file"],
)
def test_an_ssda903_return_is_reviewed_committed_and_rolled_back(
    page: Page, live_server, admin, tmp_path, name: str, content: bytes
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    # Two children looked after at 31 March 2025, one in foster care; a third left care.
    upload(page, tmp_path, "ssda903", name, content, year=2025)

    def written() -> None:
        assert Figure.objects.get(indicator__code="CLA-COUNT").value == 2
        foster = Figure.objects.get(indicator__code="CLA-FOSTER")
        assert (foster.value, foster.numerator, foster.denominator) == (50, 1, 2)

    def removed() -> None:
        assert not Figure.objects.exists()

    review_commit_and_roll_back(page, "2 new, 0 changed, 0 unchanged", written, removed)


BAD_ZIP = zipped(
    header=header(("A", "01/01/2015")),
    episodes=episodes(episode("A", "01/05/2024", "S", "C2", "U9")),
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "ssda903_2025.zip",
            BAD_ZIP,
            "episodes: PLACE 'U9' is not a valid code in 2024/25 (the year to 31 March 2025).",
        ),
        (
            "ssda903_2025.xml",
            census(cin_child("A1", cin_episode("2024-05-01", None))),
            "This is a CIN census file (its root element is <Message>), not an SSDA903 return: "
            "upload it as a CIN census return.",
        ),
    ],
    ids=["ZIP with a bad code", "a CIN census sent as SSDA903"],
)
def test_a_bad_ssda903_file_is_refused_with_a_clear_finding(
    page: Page, live_server, admin, tmp_path, name: str, content: bytes, message: str
) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    upload(page, tmp_path, "ssda903", name, content, year=2025)
    refused(page, message)
    assert not Figure.objects.exists()


def test_the_upload_form_says_an_ssda903_return_may_be_xml(page: Page, live_server, admin) -> None:
    sign_in(page, live_server, "admin", factories.PASSWORD)
    page.goto("/imports/")
    hint = page.get_by_text("an SSDA903 return (a ZIP of its CSV tables, or its XML file)")
    expect(hint).to_be_visible()
    assert_accessible(page)
