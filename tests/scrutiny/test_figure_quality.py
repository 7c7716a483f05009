"""A pack shows, beside each figure taken from a statutory return, its data quality as the
return's rules left it (issue 19): a few words in every table's cell and the scorecard, the full
sentence under the measure's block or the table; frozen at publication, so a published pack
keeps the quality it was published with; nothing for a figure corrected since by other means."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from accounts import access
from indicators.models import Figure
from indicators.services import figure_set
from indicators.services.figure_quality import QualityRecord, figure_qualities_record
from scrutiny import services
from scrutiny.models import Pack, PackSection, SectionKind, SectionLayout
from tests import factories

pytestmark = pytest.mark.django_db

SHORT = "Data quality: 12 of 400 children (3.0%) have errors that can change it"
FULL = (
    "Data quality: 12 of the 400 children counted (3.0%) are in records with errors that can "
    "change this figure (DfE rules 408 for 12 children; SSDA903 2025/26)."
)
CLEAN_SHORT = "Data quality: no DfE rule errors can change it"


def latest(world) -> Figure:
    return Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period=factories.financial_year(2017)
    )


def record(figure: Figure, affected: int = 12) -> None:
    figure_qualities_record(
        user=access.SYSTEM,
        rule_set="SSDA903 2025/26",
        records=[QualityRecord(figure.pk, 400, affected, [{"code": "408", "children": affected}])],
    )


def read(user, pack: Pack) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/a/authority-a/packs/{pack.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def every_kind(world, pack: Pack, personas) -> None:
    """A theme page in each layout, the scorecard and the appendix, after the template's."""
    for layout in SectionLayout.values:
        section = services.section_add(
            user=personas.officer_a,
            pack=pack,
            kind=SectionKind.INDICATOR_SET,
            title=f"Assessments as {layout}",
            indicators=[world.indicator],
        )
        PackSection.objects.filter(pk=section.pk).update(layout=layout)
    for kind in (SectionKind.SCORECARD, SectionKind.APPENDIX):
        services.section_add(user=personas.officer_a, pack=pack, kind=kind)


def publish(pack: Pack, personas) -> None:
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)


def section_html(body: str, title: str) -> str:
    """The reading page's section headed `title`, up to the next section."""
    start = body.index(f">{title}</h2>")
    end = body.find('<section class="app-pack-section"', start)
    return body[start : end if end != -1 else len(body)]


def test_every_layout_the_scorecard_and_appendix_show_the_words(world, pack, personas) -> None:
    record(latest(world))
    every_kind(world, pack, personas)
    body = read(personas.officer_a, pack)
    for title in (
        "Assessments as cards",
        "Assessments as table",
        "Assessments as grid",
        "Scorecard",
        "Appendix: data set",
    ):
        section = section_html(body, title) if f">{title}</h2>" in body else None
        assert section is not None, title
        assert SHORT in section, title  # in the figure's cell
        assert FULL in section, title  # and in full beneath
    # Only the figure the return's rules checked: 2016/17's has none.
    assert body.count(SHORT) == body.count('data-testid="figure-quality"')


def test_a_published_pack_keeps_the_quality_it_was_published_with(world, pack, personas) -> None:
    record(latest(world))
    every_kind(world, pack, personas)
    publish(pack, personas)
    record(latest(world), affected=0)  # a corrected return: the same figure, clean
    published = read(personas.councillor_a, pack)
    assert SHORT in published and FULL in published
    assert CLEAN_SHORT not in published
    # A pack composed now reads the quality held now.
    draft = services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Again",
        committee="Children's Select Committee",
        meeting_date=pack.meeting_date,
        period=pack.period,
        template=pack.template,
    )
    every_kind(world, draft, personas)
    now = read(personas.officer_a, draft)
    assert CLEAN_SHORT in now and SHORT not in now


def test_a_figure_corrected_since_shows_no_quality(world, pack, personas) -> None:
    figure = latest(world)
    record(figure)
    every_kind(world, pack, personas)
    figure_set(
        user=personas.officer_a,
        area=world.authority_a,
        indicator=world.indicator,
        period=figure.period,
        value=Decimal("88"),
        correction_reason="Corrected after the case audit",
        reason="Correction",
    )
    body = read(personas.officer_a, pack)
    assert "88%" in body or "88.0%" in body
    assert "Data quality" not in body


def test_a_pack_published_before_qualities_were_kept_reads_as_it_did(world, pack, personas) -> None:
    every_kind(world, pack, personas)
    publish(pack, personas)
    for section in PackSection.objects.filter(pack=pack):
        assert "quality_short" not in str(section.frozen)
    record(latest(world))  # held now, but not when the pack was published
    body = read(personas.councillor_a, pack)
    assert "Data quality" not in body
    assert "Assessments as cards" in body


@pytest.mark.skipif(not Path(settings.CHROMIUM_PATH).exists(), reason="no Chromium to print PDFs")
def test_the_pdf_printed_from_the_pages_carries_the_words(world, pack, personas) -> None:
    record(latest(world))
    publish(pack, personas)
    client = Client()
    client.force_login(personas.councillor_a)
    response = client.get(f"/a/authority-a/packs/{pack.pk}/pdf/")
    assert response.status_code == 200
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(BytesIO(response.content)).pages
    )
    assert SHORT in text
    assert "are in records with errors that can change this figure" in text
