"""The demo Wiltshire annual report as committee papers print: a cover, contents whose page
numbers are the pages the headings are on, a running header and footer, no page left more
than half empty except at a section's end, long tables repeating their header, every figure
present, and (with the compact layouts) at most 30 A4 pages. Also the version the cover gives,
counted from the pack's workflow steps."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from scrutiny import pdf, selectors, services
from scrutiny.charts import reading_sections
from scrutiny.cover import pack_version, version_from
from scrutiny.models import Pack, PackStatus

needs_chromium = pytest.mark.skipif(
    not Path(settings.CHROMIUM_PATH).exists(),
    reason=f"no Chromium at {settings.CHROMIUM_PATH} to print PDFs (apt-get install chromium)",
)

TITLE = "Performance & Outcomes for Families & Children's Services (Social Care)"
MEETING = "Wiltshire · Children's Select Committee · 19 June 2018"
MM = 72 / 25.4  # PDF points in a millimetre


# One worker prints the demo report for every test here (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo_report")


@dataclass(frozen=True)
class Printed:
    document: bytes
    reader: PdfReader
    texts: list[str]
    sections: list[tuple[str, str]]  # (anchor, title) in order
    version: str
    figures: list[str]  # every indicator's latest figure, as "text (period)"


@pytest.fixture(scope="module")
def demo_report(django_db_setup, django_db_blocker) -> Printed:
    """The demo's published Wiltshire annual report as `load_demo --with-users` makes it,
    printed once for the module (the database is rolled back afterwards)."""
    if not Path(settings.CHROMIUM_PATH).exists():
        pytest.skip(f"no Chromium at {settings.CHROMIUM_PATH}")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--with-users", "--force-demo-users", stdout=StringIO())
        pack = Pack.objects.get(authority__slug="wiltshire", title=TITLE)
        councillor = get_user_model().objects.get(username="wiltshire.councillor")
        page = selectors.reading_page(councillor, "wiltshire", pack.pk)
        version = pack_version(pack)
        assert page.pack.period.label and page.pack.authority.name  # read here, not there
        shown = reading_sections(page.sections, own_name="Wiltshire")
        # In a thread of its own: Playwright's sync API refuses to run where an event loop
        # (the browser tests' Playwright) already runs, and the printing reads no database.
        with ThreadPoolExecutor(max_workers=1) as printer:
            document = printer.submit(
                pdf.print_pack, page, version=version, sections=shown
            ).result()
        sections = [
            (f"section-{index}", section["title"])
            for index, section in enumerate(page.sections, start=1)
        ]
        figures = [
            f"{indicator['latest']['text']} ({indicator['latest']['period']})"
            for section in page.sections
            for indicator in section.get("indicators", [])
            if indicator.get("latest") and indicator["latest"].get("text")
        ]
        transaction.set_rollback(True)
    reader = PdfReader(BytesIO(document))
    texts = [sheet.extract_text() for sheet in reader.pages]
    return Printed(document, reader, texts, sections, version.label, figures)


def lowest_text(sheet) -> float:
    """How far down the page (in points from its top edge) the page's body text reaches,
    leaving out the running header and footer in the margins."""
    height = float(sheet.mediabox.height)
    heights: list[float] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    sheet.extract_text(visitor_text=visit)
    body = [y for y in heights if 18 * MM < y < height - 22 * MM]
    return height - min(body) if body else 0.0


@needs_chromium
def test_the_cover_names_the_authority_committee_meeting_title_status_and_version(
    demo_report,
) -> None:
    cover = demo_report.texts[0]
    assert demo_report.version.startswith("Version 1: published ")
    for words in (
        "Wiltshire",
        "Children's Select Committee",
        "19 June 2018",
        "Performance & Outcomes for Families &",
        "Children's Services (Social Care)",
        "Status Published",
        f"Version {demo_report.version}",
        "Reporting period 2017/18",
    ):
        assert words in cover
    # The cover is a page of its own: the contents start the next one.
    assert demo_report.texts[1].split("\n")[0].startswith("Contents")


@needs_chromium
def test_the_contents_give_the_page_each_section_heading_is_on(demo_report) -> None:
    lines = demo_report.texts[1].split("\n")
    listed = {}
    for line in lines:
        entry = re.fullmatch(r"(\d+)\. (.+) (\d+)", line.strip())
        if entry:
            listed[entry[2]] = int(entry[3])
    titles = [title for _, title in demo_report.sections]
    # Every section is listed, in order, with a page number (the demo's titles fit a line).
    assert list(listed) == titles
    headings_on = pdf.section_pages(demo_report.document, [a for a, _ in demo_report.sections])
    for anchor, title in demo_report.sections:
        number = headings_on[anchor]
        # The heading is on the page its bookmark points to...
        assert title.split(",")[0] in demo_report.texts[number - 1].replace("\n", " ")
        # ...and the contents say that page: the second print did not move it.
        assert listed[title] == number, f"{title} moved from page {listed[title]} to {number}"
    assert max(headings_on.values()) <= len(demo_report.texts)


@needs_chromium
def test_every_page_has_the_running_header_and_footer(demo_report) -> None:
    count = len(demo_report.texts)
    for number, text in enumerate(demo_report.texts, start=1):
        assert TITLE in text.replace("\n", " ") or TITLE.replace(" (", "\n(") in text
        assert MEETING in text
        assert f"Page {number} of {count}" in text
        assert demo_report.version in text
        assert "Draft" not in text.split("\n")[0]  # published: no "Draft" in the header


@needs_chromium
def test_no_page_is_left_more_than_half_empty_except_at_a_sections_end(demo_report) -> None:
    anchors = [anchor for anchor, _ in demo_report.sections]
    section_start_pages = set(pdf.section_pages(demo_report.document, anchors).values())
    assert len(section_start_pages) > 5
    pages = demo_report.reader.pages
    body_height = float(pages[0].mediabox.height) - 40 * MM
    for index, sheet in enumerate(pages[:-1]):
        number = index + 1
        if number <= 2:
            continue  # the cover and the contents are pages of their own
        filled = (lowest_text(sheet) - 22 * MM) / body_height
        assert filled >= 0.5 or number + 1 in section_start_pages, (
            f"page {number} is {filled:.0%} full and the next page does not start a section"
        )


@needs_chromium
def test_the_appendix_table_repeats_its_header_on_every_page_it_runs_onto(demo_report) -> None:
    anchors = [anchor for anchor, _ in demo_report.sections]
    starts = pdf.section_pages(demo_report.document, anchors)
    titles = dict(demo_report.sections)
    appendix = next(anchor for anchor in anchors if titles[anchor].startswith("Appendix"))
    after = anchors[anchors.index(appendix) + 1]
    first, last = starts[appendix], starts[after]
    assert last - first >= 2  # the data set runs over pages
    for number in range(first, last + 1):
        header = " ".join(demo_report.texts[number - 1].split())
        assert "Indicator Prior periods Current Target" in header, number


@needs_chromium
def test_every_figure_the_report_has_is_printed(demo_report) -> None:
    text = " ".join(" ".join(demo_report.texts).split())
    assert len(demo_report.figures) >= 60
    missing = [figure for figure in demo_report.figures if figure not in text]
    assert not missing


@needs_chromium
def test_the_demo_annual_report_fits_in_30_a4_pages(demo_report) -> None:
    assert len(demo_report.reader.pages) <= 30


# The version, counted from the pack's workflow steps.


@given(
    submissions=st.integers(min_value=0, max_value=50),
    status=st.sampled_from(list(PackStatus)),
)
def test_a_version_counts_submissions_and_names_a_publication(submissions, status) -> None:
    published_on = date(2018, 6, 19)
    version = version_from(submissions=submissions, status=status, published_on=published_on)
    assert version.number >= 1
    if status == PackStatus.PUBLISHED:
        assert version.label == f"Version {version.number}: published 19 June 2018"
    else:
        assert version.label == f"Draft version {version.number}"
    if status == PackStatus.DRAFT:
        assert version.number == submissions + 1  # the one being prepared
    elif submissions:
        assert version.number == submissions


@pytest.mark.django_db
def test_a_returned_and_resubmitted_pack_is_its_second_version(pack, personas) -> None:
    assert pack_version(pack).label == "Draft version 1"
    pack = services.pack_submit(user=personas.officer_a, pack=pack)
    assert pack_version(pack).label == "Draft version 1"
    pack = services.pack_return(user=personas.manager_a, pack=pack, comment="Add the audits")
    assert pack_version(pack).label == "Draft version 2"
    pack = services.pack_submit(user=personas.officer_a, pack=pack)
    pack = services.pack_approve(user=personas.manager_a, pack=pack)
    pack = services.pack_publish(user=personas.manager_a, pack=pack)
    assert pack_version(pack).label.startswith("Version 2: published ")


@pytest.mark.django_db
def test_the_reading_view_opens_with_the_cover(pack, personas) -> None:
    client = Client()
    client.force_login(personas.officer_a)
    url = f"/a/authority-a/packs/{pack.pk}/"
    body = client.get(url).content.decode()
    assert 'data-testid="cover-status">Draft<' in body
    assert 'data-testid="cover-version">Draft version 1<' in body
    # A return and a resubmission change the version (not the status) on the next reading.
    pack = services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_return(user=personas.manager_a, pack=pack, comment="Add the audits")
    body = client.get(url).content.decode()
    assert 'data-testid="cover-version">Draft version 2<' in body
