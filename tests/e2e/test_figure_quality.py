"""A figure's data quality as a statutory return's rules left it (issue 19), in a browser: on
the dashboard's tile (a few words on show, the full sentence a click away), beside the figure
on its indicator page and in a published pack, in words a reader sees, with no WCAG 2.2 AA
violation."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from accounts import access
from indicators import dashboards
from indicators.models import Figure
from indicators.services.figure_quality import QualityRecord, figure_qualities_record
from scrutiny import services
from scrutiny.models import PackSection, SectionKind, SectionLayout, TemplateKind
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.scrutiny.conftest import explain_exceptions

pytestmark = pytest.mark.django_db(transaction=True)

SHORT = "Data quality: 12 of 400 children (3.0%) have errors that can change it"
FULL = "12 of the 400 children counted (3.0%) are in records with errors that can change this"


@pytest.fixture
def with_quality(world, personas, eager_tasks) -> Figure:
    figure = Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period=factories.financial_year(2017)
    )
    figure_qualities_record(
        user=access.SYSTEM,
        rule_set="SSDA903 2025/26",
        records=[QualityRecord(figure.pk, 400, 12, [{"code": "408", "children": 12}])],
    )
    return figure


def test_the_dashboard_tile_says_the_quality_in_words(
    page: Page, live_server, world, personas, with_quality
) -> None:
    dashboards.dashboard_rebuild(authority=world.authority_a)
    sign_in(page, live_server, "manager_a", factories.PASSWORD)
    page.goto("/a/authority-a/")
    tile = page.locator("li.app-tile[data-indicator='ASMT-T']")
    summary = tile.get_by_text(SHORT)
    expect(summary).to_be_visible()
    full = tile.get_by_text(FULL)
    expect(full).to_be_hidden()
    summary.click()  # the details open onto the full sentence
    expect(full).to_be_visible()
    assert_accessible(page)


def test_a_published_pack_shows_the_quality_beside_the_figure(
    page: Page, live_server, world, personas, with_quality
) -> None:
    explain_exceptions(world)
    pack = services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Performance and outcomes 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )
    section = services.section_add(
        user=personas.officer_a,
        pack=pack,
        kind=SectionKind.INDICATOR_SET,
        title="Assessments",
        indicators=[world.indicator],
    )
    PackSection.objects.filter(pk=section.pk).update(layout=SectionLayout.TABLE)
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)

    sign_in(page, live_server, "councillor_a", factories.PASSWORD)
    page.goto(f"/a/authority-a/packs/{pack.pk}/")
    expect(page.get_by_test_id("figure-quality").first).to_have_text(SHORT)
    expect(page.get_by_test_id("quality-notes").first).to_contain_text(FULL)
    for note in page.get_by_test_id("quality-notes").all():
        expect(note).to_be_visible()
    assert_accessible(page)


def test_the_indicator_page_says_the_quality_beside_the_latest_figure_and_in_its_table(
    page: Page, live_server, world, personas, with_quality
) -> None:
    sign_in(page, live_server, "manager_a", factories.PASSWORD)
    page.goto("/a/authority-a/indicators/ASMT-T/")
    expect(page.get_by_test_id("latest-quality")).to_contain_text(FULL)
    row = page.locator("tr", has=page.get_by_role("rowheader", name="2017/18"))
    expect(row.get_by_test_id("figure-quality")).to_contain_text(FULL)
    assert_accessible(page)
