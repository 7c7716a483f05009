"""A pack as a PDF: the same content as the reading view, with the pack's headings as
bookmarks, tagged for assistive technology, charts as vectors, "draft" on every page of an
unpublished pack, and a correction after publication shown in the next download."""

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from indicators.models import Figure
from indicators.services import figure_set
from scrutiny import services
from scrutiny.models import Pack
from tests import factories

pytestmark = pytest.mark.django_db

# Where Debian's chromium is missing these skip; `make test` and CI install it.
needs_chromium = pytest.mark.skipif(
    not Path(settings.CHROMIUM_PATH).exists(),
    reason=f"no Chromium at {settings.CHROMIUM_PATH} to print PDFs (apt-get install chromium)",
)

BASE = "/a/authority-a/packs"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish(pack: Pack, personas) -> None:
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)


def download(user, pack: Pack) -> tuple[PdfReader, str]:
    response = client_for(user).get(f"{BASE}/{pack.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(BytesIO(response.content)), response["Content-Disposition"]


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def bookmarks(outline) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles.extend(bookmarks(item))
        else:
            titles.append(item.title)
    return titles


def structure(node, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(tag, alternative text) of every element of the PDF's structure tree, in order."""
    node = node.get_object()
    if isinstance(node, DictionaryObject) and "/S" in node:
        found.append((str(node["/S"]).lstrip("/"), str(node.get("/Alt", ""))))
    kids = node.get("/K") if isinstance(node, DictionaryObject) else None
    if kids is not None:
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), DictionaryObject):
                structure(kid, found)
    return found


@needs_chromium
def test_a_councillor_downloads_the_published_pack_with_its_headings(pack, personas) -> None:
    publish(pack, personas)
    reader, disposition = download(personas.councillor_a, pack)

    assert disposition == (
        'attachment; filename="authority-a-performance-and-outcomes-201718-2018-06-19.pdf"'
    )
    # The pack's title and every section's title are bookmarks, in the pack's order.
    titles = bookmarks(reader.outline)
    sections = list(pack.sections.order_by("order").values_list("title", flat=True))
    assert titles[0] == pack.title
    assert [title for title in titles if title in sections] == sections
    # The same figures as the reading view: the latest figure, its target and England's.
    text = text_of(reader)
    assert "% assessments completed in time" in text
    assert "87% (2017/18)" in text
    assert "90–95%" in text
    assert "83% (2016/17)" in text
    assert "Draft: figures are live" not in text
    assert "Download this pack" not in text  # the reading view's link is not in the PDF


@needs_chromium
def test_the_pdf_is_tagged_and_its_charts_are_vectors_with_alternative_text(pack, personas) -> None:
    publish(pack, personas)
    reader, _ = download(personas.councillor_a, pack)
    root = reader.root_object
    mark_info = root["/MarkInfo"].get_object()
    assert isinstance(mark_info, DictionaryObject) and bool(mark_info["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == f"{pack.title} – Authority A"
    tags = structure(root["/StructTreeRoot"], [])
    names = [tag for tag, _ in tags]
    assert names.count("H1") == 1
    assert names.count("H2") >= pack.sections.count()
    assert {"Table", "TH", "TD", "L", "LI", "P"} <= set(names)
    # The chart is a figure named by its heading (the sentence after it describes it).
    charts = [alt for tag, alt in tags if tag == "Figure" and alt]
    assert charts == ["% assessments completed in time: trend"]
    # Vectors: no page carries a raster image.
    for page in reader.pages:
        assert not page.images


@needs_chromium
def test_a_draft_says_draft_on_every_page(pack, personas) -> None:
    reader, disposition = download(personas.officer_a, pack)
    assert disposition.endswith('-draft.pdf"')
    assert "Draft: figures are live and may change" in reader.pages[0].extract_text()
    for page in reader.pages:
        header_and_footer = page.extract_text()
        assert "Performance and outcomes 2017/18 · Draft" in header_and_footer
        assert "Authority A · Children's Select Committee · 19 June 2018" in header_and_footer
        assert "Draft version 1" in header_and_footer


@needs_chromium
def test_a_correction_after_publication_shows_in_the_next_download(pack, personas) -> None:
    publish(pack, personas)
    before = text_of(download(personas.councillor_a, pack)[0])
    assert "Revised since publication" not in before

    figure = Figure.objects.get(
        area__slug="authority-a", indicator__code="ASMT-T", period=factories.financial_year(2017)
    )
    figure_set(
        user=personas.officer_a,
        area=figure.area,
        indicator=figure.indicator,
        period=figure.period,
        value=Decimal("88"),
        status=figure.status,
        expected_version=figure.version,
        correction_reason="Late recording found",
        reason="Correction",
    )
    after = " ".join(text_of(download(personas.councillor_a, pack)[0]).split())
    assert "87% (2017/18)" in after  # the published figure stands...
    assert "Revised since publication: now 88%" in after  # ...and says what it is now


def test_only_readers_of_the_pack_may_download_it(pack, personas) -> None:
    url = f"{BASE}/{pack.pk}/pdf/"
    # A draft: not for councillors, nor another authority's officers.
    assert client_for(personas.councillor_a).get(url).status_code == 403
    assert client_for(personas.officer_b).get(url).status_code == 403
    publish(pack, personas)
    assert client_for(personas.officer_b).get(url).status_code == 403
    signed_out = Client().get(url)
    assert signed_out.status_code == 302 and "/sign-in/" in signed_out["Location"]


def test_without_chromium_the_download_says_so_and_offers_the_reading_view(
    pack, personas, settings
) -> None:
    settings.CHROMIUM_PATH = "/nowhere/chromium"
    publish(pack, personas)
    response = client_for(personas.councillor_a).get(f"{BASE}/{pack.pk}/pdf/")
    body = response.content.decode()
    assert response.status_code == 503
    assert "This server cannot make the PDF" in body
    assert "not installed at /nowhere/chromium" in body
    assert f'href="{BASE}/{pack.pk}/"' in body
