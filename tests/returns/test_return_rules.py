"""A statutory return checked by the DfE's validation rules (issue 19, docs/0028): per-rule counts
on the batch, commit with known errors once an admin confirms, the error report downloaded
from the file while the return is in review, and the file deleted on commit, rejection or
expiry."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from openpyxl import load_workbook

from indicators.models import Figure
from returns import services
from returns.derive_903 import derive_903
from returns.dfe_rules.engine import ReturnTables, Rule, RuleSet, rule_set
from returns.kinds import statutory_rules
from returns.kinds.statutory_rules import is_last_years, ssda903_tables
from returns.limits import import_limits
from returns.models import BatchStatus, ImportBatch, ImportKind
from returns.tasks import expire_return_files as expire
from tests import factories
from tests.returns.dfe_rule_sets import rules_only
from tests.returns.test_903_batches import RETURN as RETURN_903
from tests.returns.test_903_batches import XML_RETURN, upload_named, zipped
from tests.returns.test_cin_batches import RETURN as RETURN_CIN
from tests.returns.test_derive_903 import HEADER_COLUMNS, episode, episodes

# Four children looked after; B and D have no sex code the DfE knows (rule 101: M, F or U).
HEADER_ROWS = [
    ["A", "M", "01/01/2015"],
    ["B", "X", "01/01/2012"],
    ["C", "F", "01/01/2010"],
    ["D", "", "01/01/2011"],
]


def header_csv(rows: list[list[str]]) -> str:
    lines = [",".join(HEADER_COLUMNS)]
    lines += [",".join([*row, "WBRI", "", "", ""]) for row in rows]
    return "\n".join(lines) + "\n"


EPISODES = episodes(
    episode("A", "01/01/2025", "S", "C2", "U1"),
    episode("B", "01/06/2024", "S", "V2", "K2"),
    episode("C", "01/06/2024", "S", "C1", "U3"),
    episode("D", "01/06/2024", "S", "C1", "U1"),
)
# Only rule failures: the importer itself finds nothing wrong.
WITH_RULE_ERRORS = zipped(header=header_csv(HEADER_ROWS), episodes=EPISODES)


# The real rules these tests plant failures for, and their messages.
PLANTED = ("101", "102")
SEX_NOT_VALID = next(r.message for r in rule_set("ssda903", 2026).rules if r.code == "101")
DOB_NOT_VALID = next(r.message for r in rule_set("ssda903", 2026).rules if r.code == "102")
# The same return as XML, with sex codes the rules know.
CLEAN_XML = XML_RETURN.replace(b"<SEX>1</SEX>", b"<SEX>M</SEX>")


@pytest.fixture
def setting(db, settings, tmp_path, eager_tasks, monkeypatch):
    rules_only(monkeypatch, *PLANTED)
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_RETURN_FILE_DAYS = 14
    factories.IndicatorFactory(code="CLA-COUNT", title="CLA", unit="count", roll_up="none")
    factories.IndicatorFactory(code="CLA-FOSTER", title="In foster care", unit="percent")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return admin, factories.AreaFactory(name="Northshire", slug="northshire"), tmp_path


def upload(setting, content: bytes = WITH_RULE_ERRORS) -> ImportBatch:
    return upload_named(setting, content, "ssda903_2025.zip")


def files_in(tmp_path) -> list:
    return [path for path in tmp_path.rglob("*") if path.is_file()]


def commit_request(admin, batch: ImportBatch, **kwargs) -> ImportBatch:
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.batch_commit_request(user=admin, batch=batch, **kwargs)
    batch.refresh_from_db()
    return batch


# --- Validation ---------------------------------------------------------------------------------


def test_a_return_with_rule_failures_keeps_per_rule_counts_and_its_file(setting) -> None:
    _admin, _authority, tmp_path = setting
    batch = upload(setting)
    assert batch.rule_set == "SSDA903 2025/26"
    assert batch.rule_counts == {"101": {"severity": "error", "message": SEX_NOT_VALID, "rows": 2}}
    # The rule errors count among the batch's errors, and nothing else is wrong.
    assert batch.error_count == 2
    assert not batch.findings.filter(severity="error").exists()
    assert batch.status == BatchStatus.READY and batch.status_label == "Has errors"
    # The file is kept for the error report, and nothing child-level is stored.
    assert batch.file and len(files_in(tmp_path)) == 1
    assert "01/01/2012" not in str(batch.rule_counts) + str(batch.derived)


@pytest.mark.parametrize(
    ("kind", "name", "content", "label"),
    [
        (ImportKind.SSDA903, "ssda903_2025.zip", RETURN_903, "SSDA903 2025/26"),
        (ImportKind.CIN, "cin_census_2025.xml", RETURN_CIN, "CIN 2025/26"),
    ],
    ids=["SSDA903", "CIN census"],
)
def test_an_import_runs_the_years_full_rule_set(
    setting, monkeypatch, kind, name, content, label
) -> None:
    monkeypatch.undo()  # every rule of the year, not the planted few
    admin, authority, tmp_path = setting
    batch = services.batch_create(
        user=admin,
        kind=kind,
        upload=SimpleUploadedFile(name, content),
        authority=authority,
        collection_year=2025,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = services.batch_validate(batch=batch)
    rules = {rule.code: rule for rule in rule_set(kind.lower(), 2026).rules}
    assert batch.rule_set == label and len(rules) > 100
    # The other tests' small files are no real return: the full set finds what they lack.
    assert batch.rule_counts, "expected the full set to fail the test's small file"
    for code, entry in batch.rule_counts.items():
        rule = rules[code]
        assert (entry["severity"], entry["message"]) == (rule.severity, rule.message)
    errors = sum(e["rows"] for e in batch.rule_counts.values() if e["severity"] == "error")
    assert batch.error_count == errors  # nothing wrong with the file's structure
    assert batch.file and len(files_in(tmp_path)) == 1  # kept for the error report


def test_a_clean_return_names_its_rule_set_and_its_file_goes_at_once(setting) -> None:
    _admin, _authority, tmp_path = setting
    batch = upload_named(setting, CLEAN_XML, "ssda903_2025.xml")
    assert (batch.rule_set, batch.rule_counts, batch.error_count) == ("SSDA903 2025/26", {}, 0)
    assert not batch.file and not files_in(tmp_path)


def test_the_xml_form_is_checked_by_the_same_rules(setting) -> None:
    bad_sex = CLEAN_XML.replace(b"<SEX>M</SEX>", b"<SEX>9</SEX>", 1)
    batch = upload_named(setting, bad_sex, "ssda903_2025.xml")
    assert batch.rule_counts is not None and batch.rule_counts["101"]["rows"] == 1


def test_a_rule_that_cannot_be_checked_is_a_warning_naming_it(setting, monkeypatch) -> None:
    def broken(tables: ReturnTables) -> pl.DataFrame:
        raise KeyError("B")  # as a rule would on a table it did not expect

    rules = RuleSet("ssda903", 2026, (Rule("999", "Never checked.", (), "error", broken),))
    monkeypatch.setattr(statutory_rules, "rules_of", lambda kind, year: rules)
    batch = upload(setting)
    warning = batch.findings.get(severity="warning")
    assert warning.message == "DfE rule 999 could not be checked: the other rules were run."
    assert batch.rule_counts == {
        "999": {"severity": "warning", "message": warning.message, "rows": 0}
    }
    assert batch.error_count == 0  # committed as any clean return


def test_last_years_tables_are_held_to_the_row_limit(setting, settings) -> None:
    settings.IMPORT_MAX_RETURN_ROWS = 4
    last_year = EPISODES + ",".join(["E", "01/06/2023", "S", "C2", "N1", "U1", "PR1"]) + "\n"
    content = zipped(header=header_csv(HEADER_ROWS), episodes=EPISODES, episodes_last=last_year)
    batch = upload(setting, content)
    warning = batch.findings.get(message__startswith="The DfE rules were not run")
    assert "episodes table has more than 4 rows" in warning.message
    assert batch.rule_set == "" and batch.rule_counts is None
    assert batch.new_count >= 1  # the figures are derived all the same
    assert not batch.file  # nothing to report: the file goes


# --- Last year's tables -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "last_year"),
    [
        ("previous/header.csv", True),
        ("return/Previous/Episodes.csv", True),
        ("header_last.csv", True),
        ("return/episodes_previous.csv", True),
        ("return/header.csv", False),
        ("lastyear/header.csv", False),
    ],
)
def test_last_years_tables_are_named_by_folder_or_suffix(member, last_year) -> None:
    assert is_last_years(member) is last_year


@pytest.mark.parametrize(
    ("member", "key"),
    [
        ("PlacedForAdoption.csv", "placedadoption"),
        ("Previous_Permanence.csv", "prevperm"),
        ("SW_Episodes.csv", "swepisodes"),
        ("SocialWorkerEpisodes.csv", "swepisodes"),
        ("DeprivationOfLibertyOrders.csv", "dolo"),
        ("Reviews.csv", "reviews"),
    ],
)
def test_a_zips_tables_are_named_as_the_derivation_reads_them(member, key) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("header.csv", header_csv(HEADER_ROWS[:1]))
        archive.writestr("episodes.csv", EPISODES)
        archive.writestr(member, "CHILD,X\nA,1\n")
    tables = ssda903_tables(io.BytesIO(buffer.getvalue()), 2026, import_limits())
    assert tables is not None and tables.table(key)["CHILD"].to_list() == ["A"]
    # The derivation knows the table by the same name: it counts its row.
    tables_as_text = {"header": header_csv(HEADER_ROWS[:1]), "episodes": EPISODES}
    derived = derive_903({**tables_as_text, member: "CHILD,X\nA,1\n"}, 2025)
    assert derived.rows.get(key) == 1


def test_last_years_tables_are_read_for_the_rules_and_never_as_this_years(setting) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("return/header.csv", header_csv(HEADER_ROWS[:1]))
        archive.writestr("return/episodes.csv", EPISODES)
        archive.writestr("previous/header.csv", header_csv([["Z", "7", "01/01/2009"]]))
        archive.writestr("return/episodes_last.csv", EPISODES)
        archive.writestr("return/Placed_For_Adoption.csv", "CHILD,DATE_PLACED\nA,01/02/2025\n")
    tables = ssda903_tables(io.BytesIO(buffer.getvalue()), 2026, import_limits())
    assert tables is not None
    # Named as the rules name it (and as the figures' derivation reads it).
    assert tables.table("placedadoption")["CHILD"].to_list() == ["A"]
    assert tables.table("header")["CHILD"].to_list() == ["A"]
    assert tables.last_year("header")["CHILD"].to_list() == ["Z"]
    assert tables.last_year("episodes").height == 4
    # Validated as a batch: last year's bad sex code is not this year's failure.
    batch = upload(setting, buffer.getvalue())
    assert batch.rule_counts == {}
    assert batch.derived is not None and batch.derived["last_year_tables"] == ["episodes", "header"]


def test_the_review_says_whether_last_years_tables_were_compared(setting) -> None:
    admin, _authority, _tmp = setting
    without = upload(setting)
    page = signed_in(admin).get(f"/imports/{without.pk}/").content.decode()
    assert "Last year's tables were not in the upload" in page
    with_last_year = upload(
        setting,
        zipped(header=header_csv(HEADER_ROWS), episodes=EPISODES, episodes_last=EPISODES),
    )
    page = signed_in(admin).get(f"/imports/{with_last_year.pk}/").content.decode()
    assert "Compared with last year's return: its episodes table." in page


# --- Commit with known errors ---------------------------------------------------------------------


def test_rule_errors_are_committed_only_once_an_admin_accepts_them(setting) -> None:
    admin, authority, tmp_path = setting
    batch = upload(setting)
    with pytest.raises(ValidationError, match="2 DfE rule errors: confirm"):
        commit_request(admin, batch)
    with pytest.raises(ValidationError, match="no errors"):
        services.batch_commit(user=admin, batch=batch)  # the worker is refused too
    assert not Figure.objects.exists()

    batch = commit_request(admin, batch, accept_rule_errors=True)
    assert batch.status == BatchStatus.COMMITTED
    assert batch.errors_accepted_by == admin and batch.errors_accepted_at is not None
    assert Figure.objects.get(area=authority, indicator__code="CLA-COUNT").value == 4
    # The review is over: the file is deleted with the commit.
    assert not batch.file and not files_in(tmp_path)


def test_structural_errors_block_the_commit_whatever_is_accepted(setting) -> None:
    admin, _authority, _tmp_path = setting
    # C's date of birth is no date: rule 102 fails, and the importer cannot age the child.
    rows = [row if row[0] != "C" else ["C", "F", "31/02/2010"] for row in HEADER_ROWS]
    batch = upload(setting, zipped(header=header_csv(rows), episodes=EPISODES))
    assert batch.rule_counts == {
        "101": {"severity": "error", "message": SEX_NOT_VALID, "rows": 2},
        "102": {"severity": "error", "message": DOB_NOT_VALID, "rows": 1},
    }
    structural = batch.findings.filter(severity="error").count()
    assert structural >= 1 and batch.error_count == structural + 3
    with pytest.raises(ValidationError, match="no errors"):
        commit_request(admin, batch, accept_rule_errors=True)
    batch.refresh_from_db()
    assert batch.errors_accepted_at is None and not Figure.objects.exists()


def test_only_an_admin_accepts_rule_errors(setting) -> None:
    _admin, authority, _tmp = setting
    batch = upload(setting)
    officer = factories.UserFactory(username="officer")
    factories.MembershipFactory(user=officer, authority=authority, role="officer")
    with pytest.raises(PermissionDenied):
        commit_request(officer, batch, accept_rule_errors=True)
    batch.refresh_from_db()
    assert batch.errors_accepted_at is None and batch.status == BatchStatus.READY


def test_a_corrected_return_replaces_the_figures(setting) -> None:
    admin, authority, _tmp = setting
    first = upload(setting)
    commit_request(admin, first, accept_rule_errors=True)
    corrected_rows = [row for row in HEADER_ROWS if row[0] in ("A", "C")]
    corrected = zipped(
        header=header_csv(corrected_rows),
        episodes=episodes(
            episode("A", "01/01/2025", "S", "C2", "U1"), episode("C", "01/06/2024", "S", "C1", "U3")
        ),
    )
    second = upload(setting, corrected)
    assert second.error_count == 0 and second.rule_counts == {}
    commit_request(admin, second)
    assert Figure.objects.get(area=authority, indicator__code="CLA-COUNT").value == 2


# --- The file's life ------------------------------------------------------------------------------


def test_rejecting_the_return_deletes_its_file_and_its_report(setting) -> None:
    admin, _authority, tmp_path = setting
    batch = upload(setting)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.batch_reject(user=admin, batch=batch)
    batch.refresh_from_db()
    assert not batch.file and not files_in(tmp_path)
    assert signed_in(admin).get(f"/imports/{batch.pk}/rule-failures.xlsx").status_code == 410


def test_a_kept_file_is_deleted_after_the_stated_days(setting, settings) -> None:
    _admin, _authority, tmp_path = setting
    old, recent = upload(setting), upload(setting)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=15))
    # As beat runs it daily.
    assert settings.CELERY_BEAT_SCHEDULE["expire-return-files"]["task"] == expire.name
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert expire() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and recent.file and len(files_in(tmp_path)) == 1
    # Its aggregates are kept: it can still be committed, with its errors accepted.
    assert old.status == BatchStatus.READY and old.rule_counts


# --- The pages ------------------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_review_lists_rule_failures_and_commits_after_confirmation(setting) -> None:
    admin, _authority, tmp_path = setting
    batch = upload(setting)
    client = signed_in(admin)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Checked by the SSDA903 2025/26 rules." in page
    assert SEX_NOT_VALID in page and ">Error</strong>" in page
    assert "2 errors (2 of them DfE rule failures)" in page
    assert "No problems found in the file beyond the DfE rule failures above." in page
    assert "I accept the 2 DfE rule errors in this return" in page
    assert "error report (CSV)" in page

    with TestCase.captureOnCommitCallbacks(execute=True):
        refused = client.post(f"/imports/{batch.pk}/commit/", follow=True)
    assert "confirm that you accept them" in refused.content.decode()
    assert not Figure.objects.exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/imports/{batch.pk}/commit/", {"accept_rule_errors": "yes"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and Figure.objects.exists()
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "the error report is no longer available" in page and "I accept" not in page
    gone = client.get(f"/imports/{batch.pk}/rule-failures.csv")
    assert gone.status_code == 410 and "has been deleted" in gone.content.decode()
    assert not files_in(tmp_path)


def test_the_error_report_downloads_as_csv_and_xlsx(setting) -> None:
    admin, _authority, _tmp = setting
    batch = upload(setting)
    client = signed_in(admin)
    response = client.get(f"/imports/{batch.pk}/rule-failures.csv")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Rule", "Severity", "Message", "Table", "Row", "Child", "Fields"],
        ["101", "error", SEX_NOT_VALID, "header", "3", "B", "SEX=X"],
        ["101", "error", SEX_NOT_VALID, "header", "5", "D", "SEX="],
    ]
    response = client.get(f"/imports/{batch.pk}/rule-failures.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Rule", "Severity", "Message", "Table", "Row", "Child", "Fields"],
        ["101", "error", SEX_NOT_VALID, "header", 3, "B", "SEX=X"],
        ["101", "error", SEX_NOT_VALID, "header", 5, "D", "SEX="],
    ]
    assert client.get(f"/imports/{batch.pk}/rule-failures.pdf").status_code == 404


def test_a_census_error_report_names_the_dfe_fields(setting, monkeypatch) -> None:
    rules_only(monkeypatch, "4180")  # Sex is M, F or U: the test census writes 1
    admin, authority, _tmp = setting
    batch = services.batch_create(
        user=admin,
        kind=ImportKind.CIN,
        upload=SimpleUploadedFile("cin_census_2025.xml", RETURN_CIN),
        authority=authority,
        collection_year=2025,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = services.batch_validate(batch=batch)
    assert batch.rule_counts is not None and batch.rule_counts["4180"]["rows"] == 2
    response = signed_in(admin).get(f"/imports/{batch.pk}/rule-failures.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert [(row[0], row[3], row[4], row[5], row[6]) for row in rows] == [
        ("4180", "childidentifiers", "1", "A1", "Sex=1"),
        ("4180", "childidentifiers", "2", "B2", "Sex=1"),
    ]


def test_the_authoritys_officers_find_and_download_the_report_and_nobody_else(setting) -> None:
    admin, authority, _tmp = setting
    batch = upload(setting)
    officer = factories.UserFactory(username="officer")
    factories.MembershipFactory(user=officer, authority=authority, role="officer")
    elsewhere = factories.AreaFactory(name="Southshire", slug="southshire")
    stranger = factories.UserFactory(username="stranger")
    factories.MembershipFactory(user=stranger, authority=elsewhere, role="officer")
    # The people who fix the data find the report on their authority's imports page...
    client = signed_in(officer)
    page = client.get(f"/a/{authority.slug}/imports/").content.decode()
    assert f"/imports/{batch.pk}/rule-failures.xlsx" in page
    report = client.get(f"/imports/{batch.pk}/rule-failures.csv")
    assert report.status_code == 200 and "no-store" in report["Cache-Control"]
    assert "101" in report.content.decode("utf-8-sig")
    # ...but not the batch itself, which stays the admins'; another authority's officer
    # gets nothing.
    assert client.get(f"/imports/{batch.pk}/").status_code == 403
    assert signed_in(stranger).get(f"/imports/{batch.pk}/rule-failures.csv").status_code == 403
    # Once the return is committed the report is gone for them too.
    commit_request(admin, batch, accept_rule_errors=True)
    assert client.get(f"/imports/{batch.pk}/rule-failures.csv").status_code == 410
    assert (
        f"/imports/{batch.pk}/rule-failures"
        not in client.get(f"/a/{authority.slug}/imports/").content.decode()
    )
