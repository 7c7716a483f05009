"""A pack shows only the measures that apply in its authority's nation (issue 17): a Welsh
pack's theme page, scorecard and appendix carry the Welsh framework's measures and none of
England's, even where the authority holds an old figure for one; an English pack never shows
the Welsh measures."""

from datetime import date

import pytest
from django.test import Client

from accounts.models import Role
from indicators.models import AreaKind, Nation
from scrutiny import selectors, services
from scrutiny.content import pack_content
from scrutiny.curve_forms import CurveReportForm
from scrutiny.models import SectionKind, TemplateKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(world):
    """Three annual measures of the world's theme, each with a 2017/18 figure for both
    authorities: one Welsh, one English, one kept in both nations."""
    theme = world.indicator.theme
    made = {}
    for code, nations in (("PM24", "wales"), ("CPP-2ND", "england"), ("VISITS", "both")):
        made[code] = factories.IndicatorFactory(
            code=code, title=f"Measure {code}", theme=theme, nations=nations
        )
        # Authority A's PM24 figure is one kept from before the catalogue knew better.
        factories.figure(world.authority_a, made[code], factories.financial_year(2017), "60")
    return made


@pytest.fixture
def cardiff(world, measures):
    wales = factories.AreaFactory(
        name="Wales", slug="wales", kind=AreaKind.NATION, nation=Nation.WALES, ons_code="W92000004"
    )
    cardiff = factories.AreaFactory(
        name="Cardiff", slug="cardiff", nation=Nation.WALES, ons_code="W06000015"
    )
    factories.comparator(cardiff, wales, "nation", "Wales")
    year = factories.financial_year(2017)
    for indicator in measures.values():
        # Cardiff's CPP-2ND figure is one kept from before the catalogue knew better.
        factories.figure(cardiff, indicator, year, "60")
    officer = factories.UserFactory(username="officer_cardiff")
    factories.MembershipFactory(user=officer, authority=cardiff, role=Role.OFFICER)
    return cardiff, officer


def a_pack(authority, user):
    return services.pack_create(
        user=user,
        authority=authority,
        title="Performance 2017/18",
        committee="Scrutiny Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )


def shown_codes(pack, user, kind: str) -> set[str]:
    shown: set[str] = set()
    for content in pack_content(pack, user=user):
        if content["kind"] == kind:
            items = content.get("indicators") or content.get("rows") or []
            shown |= {item["code"] for item in items}
    return shown


def test_a_welsh_packs_theme_page_scorecard_and_appendix_carry_only_welsh_measures(
    world, measures, cardiff
) -> None:
    authority, officer = cardiff
    pack = a_pack(authority, officer)
    services.section_add(
        user=officer, pack=pack, kind=SectionKind.THEME_PAGE, theme=world.indicator.theme
    )
    theme_page = shown_codes(pack, officer, SectionKind.THEME_PAGE)
    assert {"PM24", "VISITS"} <= theme_page and "CPP-2ND" not in theme_page
    for kind in (SectionKind.SCORECARD, SectionKind.APPENDIX):
        shown = shown_codes(pack, officer, kind)
        assert "PM24" in shown and "CPP-2ND" not in shown, kind


def test_an_english_pack_never_shows_the_welsh_measures(world, measures, personas) -> None:
    pack = a_pack(world.authority_a, personas.officer_a)
    services.section_add(
        user=personas.officer_a, pack=pack, kind=SectionKind.THEME_PAGE, theme=world.indicator.theme
    )
    for kind in (SectionKind.THEME_PAGE, SectionKind.SCORECARD, SectionKind.APPENDIX):
        shown = shown_codes(pack, personas.officer_a, kind)
        assert "CPP-2ND" in shown and "PM24" not in shown, kind


def test_an_indicator_set_offers_and_shows_only_the_nations_measures(
    world, measures, cardiff
) -> None:
    authority, officer = cardiff
    pack = a_pack(authority, officer)
    # A set stored with an English measure in it (chosen before the catalogue said so).
    section = services.section_add(
        user=officer,
        pack=pack,
        kind=SectionKind.INDICATOR_SET,
        indicators=[measures["PM24"], measures["CPP-2ND"]],
    )
    assert shown_codes(pack, officer, SectionKind.INDICATOR_SET) == {"PM24"}
    page = selectors.section_page(officer, "cardiff", pack.pk, section.pk)
    offered = {choice.code for group in page.choices for choice in group.indicators}
    assert "PM24" in offered and "CPP-2ND" not in offered
    # Ticking the English measure by hand is refused as a choice not on the list.
    client = Client()
    client.force_login(officer)
    response = client.post(
        f"/a/cardiff/packs/{pack.pk}/sections/{section.pk}/",
        {"title": "Measures", "narrative": "", "indicators": [measures["CPP-2ND"].pk]},
    )
    assert "Choose indicators from the list" in response.content.decode()


def test_turning_the_curve_offers_only_the_nations_measures(measures) -> None:
    offered = {i.code for i in CurveReportForm(nation="wales").fields["indicator"].queryset}
    assert "PM24" in offered and "VISITS" in offered and "CPP-2ND" not in offered
    offered = {i.code for i in CurveReportForm(nation="england").fields["indicator"].queryset}
    assert "CPP-2ND" in offered and "PM24" not in offered
