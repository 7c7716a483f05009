"""The statutory-return faults of issue 19 (item 4), as an admin meets them: the newer SSDA903
tables accepted by their real names, what a return's review says was read, a return that
yields nothing offering nothing to commit, one count of findings, and CIN counts "not derived"
(rather than 0) when the file holds none of their records."""

import re
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from indicators.models import Figure
from returns import derive_cin, services
from returns.derive_903 import derive_903
from returns.models import ImportBatch, ImportKind
from returns.ssda903_xml import derive_903_xml, read_903_xml
from tests import factories
from tests.returns.dfe_rule_sets import rules_off
from tests.returns.test_derive_903 import episode, episodes, header
from tests.returns.test_derive_cin import assessment, census, child, plan
from tests.returns.test_derive_cin import episode as referral
from tests.returns.test_ssda903_xml import Child, as_xml, ep

YEAR = 2025

# The tables added to the SSDA903 since the 2023-24 collection, as the DfE and the open
# validator (data-to-insight/csc-validator-be-903) name them.
SW_EPISODES = (
    "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
    "A,01/01/2015,SW001,01/04/2024,01/10/2024,MANAGE\n"
    "A,01/01/2015,SW002,01/10/2024,,\n"
    "B,01/01/2012,SW003,01/06/2024,,\n"
)
DOLO = "CHILD,DOLO_START,DOLO_END\nB,01/07/2024,01/09/2024\n"

HEADER = header(("A", "01/01/2015"), ("B", "01/01/2012"), ("C", "01/01/2010"))
EPISODES = episodes(
    episode("A", "01/01/2025", "S", "C2", "U1"),
    episode("B", "01/06/2024", "S", "V2", "K2"),
    episode("C", "01/06/2024", "S", "C1", "U3", "01/09/2024", "E4A"),
)


def not_a_table(findings) -> list[str]:
    return [f.message for f in findings if "not a table of the SSDA903" in f.message]


def zipped(**tables: str) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in tables.items():
            archive.writestr(f"return/{name}.csv", text)
    return buffer.getvalue()


# --- 1. The newer tables, by their real names ------------------------------------------------


@pytest.mark.parametrize(
    ("social_worker", "deprivation"),
    [
        ("SWEpisodes.csv", "DoLo.csv"),  # as the DfE's CSV tables are named
        ("SW_Episodes.csv", "DOLO.CSV"),  # as some case systems and the validator spell them
        ("sw_episodes", "DoLO"),
    ],
)
def test_the_newer_tables_are_recognised_by_their_real_names(social_worker, deprivation) -> None:
    tables = {"Header": HEADER, "Episodes": EPISODES, social_worker: SW_EPISODES}
    tables[deprivation] = DOLO
    result = derive_903(tables, YEAR)
    assert not_a_table(result.findings) == []
    assert (result.rows["swepisodes"], result.rows["dolo"]) == (3, 1)
    # Their presence changes no figure: the children looked after are counted as before.
    assert result.figures == derive_903({"Header": HEADER, "Episodes": EPISODES}, YEAR).figures


def test_a_table_that_is_not_the_returns_is_still_named_and_ignored() -> None:
    result = derive_903({"Header": HEADER, "Episodes": EPISODES, "Staff.csv": "NAME\nX\n"}, YEAR)
    assert not_a_table(result.findings) == ["Staff.csv: not a table of the SSDA903; ignored."]


def test_the_xml_forms_social_worker_episodes_and_orders_are_recognised() -> None:
    children = [
        Child("A", "01/01/2015", [ep("01/01/2025", "S", "C2", "U1")]),
        Child("B", "01/01/2012", [ep("01/06/2024", "S", "V2", "K2")]),
    ]
    plain = as_xml(children)
    with_newer = plain.replace(
        b"</HEADER>",
        b"<SW_EPISODE><SW_ID>SW001</SW_ID><SW_DECOM>01/04/2024</SW_DECOM>"
        b"<SW_REASON>MANAGE</SW_REASON></SW_EPISODE>"
        b"<DOLO><DOLO_START>01/07/2024</DOLO_START></DOLO></HEADER>",
    )
    result = derive_903_xml(with_newer, YEAR)
    assert [f.message for f in result.findings if "not part of the SSDA903" in f.message] == []
    assert (result.rows["swepisodes"], result.rows["dolo"]) == (2, 2)
    assert result.figures == derive_903_xml(plain, YEAR).figures
    # Read into the tables of the CSV form, for the DfE's rules that check them.
    tables = read_903_xml(with_newer).tables
    assert tables["swepisodes"][:2] == [
        ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
        ["A", "01/01/2015", "SW001", "01/04/2024", "", "MANAGE"],
    ]
    assert tables["dolo"][1] == ["A", "01/07/2024", ""]


def test_an_export_that_puts_the_newer_groups_beside_the_header_is_read_the_same() -> None:
    beside = as_xml([Child("A", "01/01/2015", [ep("01/01/2025", "S", "C2", "U1")])]).replace(
        b"</HEADER>",
        b"</HEADER><SW_EPISODE><SW_ID>SW001</SW_ID><SW_DECOM>01/04/2024</SW_DECOM>"
        b"</SW_EPISODE><DOLO><DOLO_START>01/07/2024</DOLO_START></DOLO>",
    )
    read = read_903_xml(beside)
    assert [f.message for f in read.findings] == []
    assert (len(read.tables["swepisodes"]), len(read.tables["dolo"])) == (2, 2)


# --- Batches and the review page --------------------------------------------------------------


@pytest.fixture
def setting(db, settings, tmp_path, monkeypatch):
    rules_off(monkeypatch)  # about the import itself: the rules are test_return_rules.py's
    settings.MEDIA_ROOT = tmp_path
    for code, unit in (
        ("CLA-COUNT", "count"),
        ("UASC-COUNT", "count"),
        ("REF-COUNT", "count"),
        ("ASMT-COUNT", "count"),
        ("CPP-COUNT", "count"),
    ):
        factories.IndicatorFactory(code=code, title=code, unit=unit, roll_up="none")
    factories.IndicatorFactory(code="CLA-FOSTER", title="In foster care", unit="percent")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    return admin, factories.AreaFactory(name="Northshire", slug="northshire"), client


def upload(setting, kind: str, name: str, content: bytes) -> ImportBatch:
    admin, authority, _client = setting
    batch = services.batch_create(
        user=admin,
        kind=kind,
        upload=SimpleUploadedFile(name, content),
        authority=authority,
        collection_year=YEAR,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.batch_validate(batch=batch)


def review(setting, batch: ImportBatch) -> str:
    """The batch's review page as its text, tags and runs of spaces taken out."""
    page = setting[2].get(f"/imports/{batch.pk}/").content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# --- 2. What was read ---------------------------------------------------------------------------


def test_a_zip_return_counts_the_rows_of_all_its_tables_and_says_so(setting) -> None:
    content = zipped(
        Header=HEADER, Episodes=EPISODES, SWEpisodes=SW_EPISODES, DoLo=DOLO, Reviews="CHILD\n"
    )
    batch = upload(setting, ImportKind.SSDA903, "ssda903_2025.zip", content)
    assert batch.error_count == 0, list(batch.findings.values_list("message", flat=True))
    # 3 header rows, 3 episodes, 3 social worker episodes, 1 order, no reviews: 10 rows in
    # 5 tables, about 3 children (not 3 "rows", as the children were counted before).
    assert batch.rows_read == 10
    assert "Read 10 rows in 5 tables: 3 children" in review(setting, batch)


def test_an_xml_return_says_what_was_read_in_the_same_terms(setting) -> None:
    children = [
        Child(
            "A",
            "01/01/2015",
            [ep("01/06/2024", "S", "C2", "U1"), ep("01/01/2025", "P", "C2", "U2")],
        ),
        Child("B", "01/01/2012", [ep("01/06/2024", "S", "V2", "K2")]),
    ]
    batch = upload(setting, ImportKind.SSDA903, "ssda903_2025.xml", as_xml(children))
    # Headers 2, episodes 3, reviews 2 (one <AREVIEW> a child).
    assert batch.rows_read == 7
    assert "Read 7 rows in 3 tables: 2 children" in review(setting, batch)


def test_a_cin_census_says_children_read_not_rows(setting) -> None:
    content = census(
        child("A1", referral("2024-05-01", None, assessment("2024-05-02", "2024-06-01"))),
        child("B2", referral("2024-09-10", "2024-12-01", plan("2024-10-01", "2024-11-01"))),
        child("C3", referral("2024-10-10")),
    )
    batch = upload(setting, ImportKind.CIN, "cin_2025.xml", content)
    assert batch.rows_read == 3
    page = review(setting, batch)
    assert "Children read 3" in page
    assert "Rows read" not in page and "rows in" not in page


# --- 3. A return that yields nothing -----------------------------------------------------------


def test_a_return_with_no_readable_rows_gives_no_figures_to_commit(setting) -> None:
    empty = zipped(Header=header(), Episodes=episodes())
    batch = upload(setting, ImportKind.SSDA903, "ssda903_2025.zip", empty)
    assert batch.derived is not None and batch.derived["figures"] == {}
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (0, 0, 0)
    page = review(setting, batch)
    assert "0 new, 0 changed, 0 unchanged" in page
    assert "no episode could be read, so no figure about children looked after" in page
    assert "Commit these figures" not in page
    # Were its errors accepted (as an admin may accept a return's errors), there would still
    # be nothing to commit, and the page says so rather than offering a commit of nothing.
    ImportBatch.objects.filter(pk=batch.pk).update(error_count=0)
    page = review(setting, batch)
    assert "Nothing to commit: this return gave no figures." in page
    assert "Commit these figures" not in page


def test_a_cin_census_listing_no_children_gives_no_figures(setting) -> None:
    batch = upload(setting, ImportKind.CIN, "cin_2025.xml", census())
    assert batch.derived is not None and batch.derived["figures"] == {}
    assert batch.new_count == 0
    assert "No referral could be read, so no figure is derived." in review(setting, batch)


# --- 4. One count of findings ------------------------------------------------------------------


def test_the_findings_caption_gives_the_summarys_count_where_the_list_is_capped(setting) -> None:
    # 1,200 episodes whose legal status is no code of the year: 1,200 errors, more than the
    # findings kept (1,000) and shown (200).
    rows = [episode(f"C{n}", "01/06/2024", "S", "Q9", "U1") for n in range(1200)]
    kids = header(*((f"C{n}", "01/01/2015") for n in range(1200)))
    batch = upload(
        setting,
        ImportKind.SSDA903,
        "ssda903_2025.zip",
        zipped(Header=kids, Episodes=episodes(*rows)),
    )
    total = batch.error_count + batch.warning_count
    assert batch.error_count >= 1200 and batch.findings.count() == 1000
    page = review(setting, batch)
    assert f"{batch.error_count:,} errors, {batch.warning_count:,} warning" in page
    assert f"{total:,} findings: the first 200 are listed" in page
    assert "of 1000 findings" not in page and "1,000 findings" not in page


# --- 5. CIN counts not derived when the file holds none of their records -----------------------


def test_a_census_with_no_assessments_or_plans_at_all_derives_neither_count() -> None:
    result = derive_cin.derive_cin(
        census(child("A1", referral("2024-05-01")), child("B2", referral("2024-07-01"))),
        collection_year=YEAR,
        population=10_000,
    )
    assert result.figures["REF-COUNT"].value == 2
    assert {"ASMT-COUNT", "CPP-COUNT", "CPP-RATE"}.isdisjoint(result.figures)
    why = [f for f in result.findings if f.column in ("Assessments", "ChildProtectionPlans")]
    assert [f.message.split(",")[0] for f in why] == [
        "The file holds no <Assessments> at all (no assessment for any child",
        "The file holds no <ChildProtectionPlans> at all (no child protection plan for any child",
    ]
    assert "CPP-COUNT" in why[1].message and "ASMT-COUNT" in why[0].message


def test_a_census_whose_assessments_and_plans_fall_outside_the_year_still_counts_zero() -> None:
    # The assessment was authorised and the plan ended before the year began (1 April 2024):
    # the sections exist, none counts in the year, so both counts are a real 0.
    result = derive_cin.derive_cin(
        census(
            child(
                "A1",
                referral(
                    "2023-05-01",
                    None,
                    assessment("2023-05-02", "2023-06-01"),
                    plan("2023-07-01", "2024-02-01"),
                ),
            )
        ),
        collection_year=YEAR,
        population=10_000,
    )
    assert (result.figures["ASMT-COUNT"].value, result.figures["CPP-COUNT"].value) == (0, 0)
    assert result.figures["CPP-RATE"].value == 0


def test_committing_a_census_without_plans_writes_no_plan_count(setting) -> None:
    admin = setting[0]
    content = census(
        child("A1", referral("2024-05-01", None, assessment("2024-05-02", "2024-06-01")))
    )
    batch = upload(setting, ImportKind.CIN, "cin_2025.xml", content)
    assert batch.error_count == 0, list(batch.findings.values_list("message", flat=True))
    services.batch_commit(user=admin, batch=batch)
    written = set(Figure.objects.values_list("indicator__code", flat=True))
    assert written == {"REF-COUNT", "ASMT-COUNT"}
