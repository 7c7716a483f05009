"""A pack as a PDF: the reading view's body, laid out for A4 by WeasyPrint (docs/0016).

The PDF is tagged (PDF/UA-1: headings, paragraphs, lists, tables with their header cells, and
each chart a figure with its title and summary as alternative text), has bookmarks from the
pack's headings, keeps its charts as vectors (they are SVG: `line_charts.py`), and says "draft"
on every page of a pack not yet published. It fetches nothing: the HTML is ours, the styles
are a file beside this one, and any other address WeasyPrint would fetch (an image in
narrative, say) is refused, so rendering a pack can never reach another server.

Rendering a 40-indicator pack takes a few seconds, so the document is cached under a digest
of everything it shows: the same content gives the same file, and a revision note, a
correction to a draft or a change to the layout gives a new one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.text import slugify

from .charts import reading_sections
from .selectors import ReadingPage

STYLESHEET = Path(__file__).with_name("pdf.css")
# Raise when pdf.html, _pack_body.html or pdf.css change, so that cached PDFs are remade.
LAYOUT_VERSION = 1
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class PackDocument:
    filename: str
    content: bytes


def filename_for(page: ReadingPage) -> str:
    pack = page.pack
    stem = slugify(f"{pack.authority.name} {pack.title} {pack.meeting_date:%Y-%m-%d}")[:120]
    return f"{stem}{'' if page.is_published else '-draft'}.pdf"


def _digest(page: ReadingPage) -> str:
    pack = page.pack
    shown = {
        "layout": LAYOUT_VERSION,
        "pack": [
            pack.pk,
            pack.title,
            pack.committee,
            pack.meeting_date.isoformat(),
            pack.period.label,
            pack.authority.name,
            pack.status,
            pack.published_at.isoformat() if pack.published_at else None,
        ],
        "sections": page.sections,
    }
    encoded = json.dumps(shown, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def render_pdf(page: ReadingPage) -> bytes:
    """The pack as PDF bytes (uncached)."""
    # WeasyPrint loads Pango when imported: only the PDF pays for it.
    import weasyprint

    html = render_to_string(
        "scrutiny/pdf.html",
        {
            "page": page,
            "sections": reading_sections(page.sections, own_name=page.pack.authority.name),
        },
    )
    # No protocol allowed: WeasyPrint skips (and logs) anything the HTML or CSS would fetch.
    fetch_nothing = weasyprint.urls.URLFetcher(allowed_protocols=())
    document = weasyprint.HTML(string=html, url_fetcher=fetch_nothing)
    pdf: bytes = document.write_pdf(
        stylesheets=[weasyprint.CSS(string=STYLESHEET.read_text(), url_fetcher=fetch_nothing)],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )
    return pdf


def pack_document(page: ReadingPage) -> PackDocument:
    """The pack's PDF, from the cache when nothing it shows has changed."""
    key = f"scrutiny:pack-pdf:{page.pack.pk}:{_digest(page)}"
    content = cache.get(key)
    if content is None:
        content = render_pdf(page)
        cache.set(key, content, CACHE_SECONDS)
    return PackDocument(filename=filename_for(page), content=content)
