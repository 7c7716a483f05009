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

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from .charts import reading_sections
from .selectors import ReadingPage

STYLESHEET = Path(__file__).with_name("pdf.css")
# Raise when pdf.html, pdf.css or the options below change, so that cached PDFs are made again
# (a change to the body they share raises selectors.LAYOUT_VERSION).
PDF_VERSION = 1
CACHE_SECONDS = 24 * 60 * 60
# Chromium's header and footer are drawn in the page margin, at its own tiny default size
# unless told otherwise.
MARGIN_TEXT = "font-size: 8pt; color: #505a5f; width: 100%; margin: 0 18mm;"
FOOTER = (
    f'<div style="{MARGIN_TEXT} text-align: right;">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)
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


def _header(page: ReadingPage) -> str:
    pack = page.pack
    name = escape(f"{pack.authority.name}: {pack.title}")
    draft = "" if page.is_published else " (draft)"
    return f'<div style="{MARGIN_TEXT}">{name}{draft}</div>'


def render_html(page: ReadingPage) -> str:
    """The document Chromium prints: the reading view's body with the PDF stylesheet."""
    return render_to_string(
        "scrutiny/pdf.html",
        {
            "page": page,
            "sections": reading_sections(page.sections, own_name=page.pack.authority.name),
            # Our own file, inlined: the printed page may fetch nothing.
            "stylesheet": mark_safe(STYLESHEET.read_text()),  # noqa: S308
        },
    )


def render_pdf(page: ReadingPage) -> bytes:
    """The pack as PDF bytes (uncached)."""
    chromium = Path(settings.CHROMIUM_PATH)
    if not chromium.exists():
        raise PdfUnavailable(
            f"PDFs are made with Chromium, which is not installed at {chromium} on this server "
            "(set CHROMIUM_PATH, or install Debian's chromium package)."
        )
    html = render_html(page)
    # Imported here: only making a PDF needs Playwright, and its sync API runs an event loop in
    # this thread while it is open, so nothing below touches the database.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGUMENTS)
        try:
            context = browser.new_context(java_script_enabled=False, offline=True)
            tab = context.new_page()
            tab.route("**/*", lambda route: route.abort())
            tab.set_content(html, wait_until="load")
            pdf: bytes = tab.pdf(
                format="A4",
                margin={"top": "20mm", "right": "18mm", "bottom": "20mm", "left": "18mm"},
                display_header_footer=True,
                header_template=_header(page),
                footer_template=FOOTER,
                print_background=True,
                tagged=True,
                outline=True,
            )
        finally:
            browser.close()
    return pdf


def pack_document(page: ReadingPage) -> PackDocument:
    """The pack's PDF, from the cache when nothing it shows has changed."""
    key = f"scrutiny:pack-pdf:{PDF_VERSION}:{page.pack.pk}:{page.digest()}"
    content = cache.get(key)
    if content is None:
        content = render_pdf(page)
        cache.set(key, content, CACHE_SECONDS)
    return PackDocument(filename=filename_for(page), content=content)
