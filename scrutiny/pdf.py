"""A pack as a PDF: the reading view's body, printed to A4 by headless Chromium (docs/0016).

Chromium prints the same HTML and SVG the reading view shows, so the PDF has the same content:
tagged (headings, paragraphs, lists, tables with their header cells, each chart an image named
by its title and summary), with bookmarks from the pack's headings, its charts as vectors
(they are SVG: `line_charts.py`), page numbers, and "draft" in the header of every page of a
pack not yet published.

Chromium runs with JavaScript off and every request refused: the page is our HTML with its
stylesheet inline, and nothing in it (an image in narrative, say) can make it fetch anything.

Making a 40-indicator pack's PDF takes a few seconds, so the document is cached under a digest
of everything it shows: the same content gives the same file, and a revision note, a correction
to a draft or a change to the layout gives a new one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext
from pypdf import PdfReader

from indicators import translated

from .charts import reading_sections
from .cover import PackVersion, pack_version
from .selectors import ReadingPage

if TYPE_CHECKING:
    from playwright.sync_api import Page

logger = logging.getLogger(__name__)

STYLESHEET = Path(__file__).with_name("pdf.css")
# Raise when pdf.html, pdf.css or the options below change, so that cached PDFs are made again
# (a change to the body they share raises selectors.LAYOUT_VERSION).
PDF_VERSION = 3
CACHE_SECONDS = 24 * 60 * 60
# Chromium's header and footer are drawn in the page margin, at its own tiny default size
# unless told otherwise, and without the document's stylesheet: inline styles only.
MARGIN_TEXT = (
    "font-family: 'Liberation Sans', Arial, sans-serif; font-size: 8pt; color: #505a5f; "
    "width: 100%; margin: 0 16mm; display: flex; justify-content: space-between; gap: 6mm;"
)
# The contents' page numbers settle after two prints; a third is a safety net (logged).
MOST_PRINTS = 3
CHROMIUM_ARGUMENTS = [
    # Chromium's own sandbox needs user namespaces, which containers and CI often lack; the
    # page it prints is ours, with scripts off and every request refused.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]


class PdfUnavailable(RuntimeError):
    """This server cannot make PDFs (no Chromium where `CHROMIUM_PATH` says)."""


@dataclass(frozen=True)
class PackDocument:
    filename: str
    content: bytes


def filename_for(page: ReadingPage) -> str:
    pack = page.pack
    stem = slugify(f"{pack.authority.name} {pack.title} {pack.meeting_date:%Y-%m-%d}")[:120]
    return f"{stem}{'' if page.is_published else '-draft'}.pdf"


def _margin(left: str, right: str) -> str:
    return f'<div style="{MARGIN_TEXT}"><span>{left}</span><span>{right}</span></div>'


def header_template(page: ReadingPage) -> str:
    """Every page's header: the pack's title ("Draft" until published) over its authority,
    committee and meeting, as a committee paper's running head."""
    pack = page.pack
    draft = "" if page.is_published else f" · <strong>{escape(gettext('Draft'))}</strong>"
    title = escape(pack.title) + draft
    meeting = escape(f"{translated.area_name(pack.authority)} · {pack.committee} · ")
    return _margin(f"{title}<br>{meeting}{escape(date_format(pack.meeting_date, 'j F Y'))}", "")


def footer_template(version: PackVersion) -> str:
    """Every page's footer: the version on the left, "Page n of m" on the right."""
    pages = escape(gettext("Page %(page)s of %(pages)s")) % {
        "page": '<span class="pageNumber"></span>',
        "pages": '<span class="totalPages"></span>',
    }
    return _margin(escape(version.label), pages)


def render_html(
    page: ReadingPage,
    *,
    version: PackVersion,
    sections: list[dict[str, Any]] | None = None,
    page_numbers: dict[str, int] | None = None,
) -> str:
    """The document Chromium prints: the reading view's body with the PDF stylesheet, and the
    contents' page numbers when they are known (`page_numbers`: section anchor to page)."""
    if sections is None:
        sections = reading_sections(page.sections, own_name=page.pack.authority.name)
    numbers = page_numbers or {}
    return render_to_string(
        "scrutiny/pdf.html",
        {
            "page": page,
            "version": version,
            "sections": [
                {**section, "page_number": numbers.get(section["anchor"])} for section in sections
            ],
            # Our own file, inlined: the printed page may fetch nothing.
            "stylesheet": mark_safe(STYLESHEET.read_text()),  # noqa: S308
        },
    )


def section_pages(document: bytes, anchors: list[str]) -> dict[str, int]:
    """The page (from 1) each section starts on in a printed `document`: Chromium names a
    destination after every element a link in the document points to, and the contents link
    to each section's heading."""
    reader = PdfReader(BytesIO(document))
    found: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        index = reader.get_destination_page_number(destination)
        if index is not None:
            found[str(name).lstrip("/")] = index + 1
    return {anchor: found[anchor] for anchor in anchors if anchor in found}


def _print(tab: Page, html: str, page: ReadingPage, version: PackVersion) -> bytes:
    tab.set_content(html, wait_until="load")
    document: bytes = tab.pdf(
        format="A4",
        # Room above for the two-line running header, below for the footer (docs/0016).
        margin={"top": "22mm", "right": "16mm", "bottom": "18mm", "left": "16mm"},
        display_header_footer=True,
        header_template=header_template(page),
        footer_template=footer_template(version),
        print_background=True,
        tagged=True,
        outline=True,
    )
    return document


def render_pdf(page: ReadingPage) -> bytes:
    """The pack as PDF bytes (uncached), its contents giving the page each section starts on.

    Chromium cannot number the contents itself (no CSS `target-counter`), so the pack is
    printed twice in the same browser: the first print, with the page numbers' boxes empty,
    says where each section starts; the second fills them in. The boxes are as wide both times,
    so nothing moves; were a section to move all the same, a third print settles it."""
    chromium = Path(settings.CHROMIUM_PATH)
    if not chromium.exists():
        raise PdfUnavailable(
            f"PDFs are made with Chromium, which is not installed at {chromium} on this server "
            "(set CHROMIUM_PATH, or install Debian's chromium package)."
        )
    version = pack_version(page.pack)
    sections = reading_sections(page.sections, own_name=page.pack.authority.name)
    return print_pack(page, version=version, sections=sections)


def print_pack(page: ReadingPage, *, version: PackVersion, sections: list[dict[str, Any]]) -> bytes:
    """`render_pdf` once the database has been read: Chromium prints (twice, see there)."""
    chromium = Path(settings.CHROMIUM_PATH)
    anchors = [section["anchor"] for section in sections]
    # Imported here: only making a PDF needs Playwright, and its sync API runs an event loop in
    # this thread while it is open, so nothing below touches the database.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGUMENTS)
        try:
            context = browser.new_context(java_script_enabled=False, offline=True)
            tab = context.new_page()
            tab.route("**/*", lambda route: route.abort())
            numbers: dict[str, int] = {}
            for _ in range(MOST_PRINTS):
                html = render_html(page, version=version, sections=sections, page_numbers=numbers)
                document = _print(tab, html, page, version)
                found = section_pages(document, anchors)
                if found == numbers:
                    break
                numbers = found
            else:
                logger.warning("Pack %s: contents' page numbers still moving", page.pack.pk)
        finally:
            browser.close()
    return document


def pack_document(page: ReadingPage) -> PackDocument:
    """The pack's PDF, from the cache when nothing it shows has changed."""
    # The version is not in the digest: a return and resubmission change it, not the content.
    version = pack_version(page.pack).number
    # One document per language too: the same pack reads in English or Welsh (docs/0026).
    language = translation.get_language()
    key = f"scrutiny:pack-pdf:{PDF_VERSION}:{page.pack.pk}:{page.digest()}:{version}:{language}"
    content = cache.get(key)
    if content is None:
        content = render_pdf(page)
        cache.set(key, content, CACHE_SECONDS)
    return PackDocument(filename=filename_for(page), content=content)
