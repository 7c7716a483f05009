"""The Welsh half-year report (issue 17): offered to Welsh authorities only, on a quarter; its
sections in order (scorecard, introduction, the national measures a set per quality standard
in the period grid, local measures by theme, glossary), only measures that apply in Wales; and
its grid's quarters, 2016-17 year end, Welsh average and comments."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from indicators.models import Indicator, Nation
from scrutiny import blueprints, services
from scrutiny.content import pack_content
from scrutiny.models import Pack, SectionKind, SectionLayout, TemplateKind
from tests import factories
from tests.scrutiny.welsh_world import PM24_COMMENT, Cardiff, cardiff_world

pytestmark = pytest.mark.django_db

QUALITY_STANDARDS = [f"Quality standard {number}" for number in range(1, 7)]


@pytest.fixture
def welsh(loaded_catalogue) -> Cardiff:
    return cardiff_world()


def half_year_report(welsh: Cardiff) -> Pack:
    return services.pack_create(
        user=welsh.officer,
        authority=welsh.cardiff,
        title="Children's services performance: half year 2017/18",
        committee="Children and Young People Scrutiny Committee",
        meeting_date=date(2017, 11, 14),
        period=welsh.half_year,
        template=TemplateKind.WELSH_HALF_YEAR,
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_welsh_authorities_are_offered_the_welsh_template() -> None:
    assert TemplateKind.WELSH_HALF_YEAR in blueprints.templates_for(Nation.WALES)
    assert TemplateKind.WELSH_HALF_YEAR not in blueprints.templates_for(Nation.ENGLAND)
    # The general templates serve both nations.
    assert set(blueprints.templates_for(Nation.ENGLAND)) < set(
        blueprints.templates_for(Nation.WALES)
    )


def test_the_create_form_offers_cardiff_the_welsh_template(welsh) -> None:
    page = client_for(welsh.officer).get("/a/cardiff/packs/add/").content.decode()
    assert page.count('type="radio"') == 4
    assert "Welsh half-year performance report" in page


def test_an_english_authority_cannot_make_a_welsh_half_year_report(world, personas) -> None:
    with pytest.raises(ValidationError, match="is for authorities in Wales"):
        services.pack_create(
            user=personas.officer_a,
            authority=world.authority_a,
            title="Half year",
            committee="Scrutiny",
            meeting_date=date(2017, 11, 14),
            period=factories.period("quarter", date(2017, 7, 1)),
            template=TemplateKind.WELSH_HALF_YEAR,
        )
    # Nor through the form: the choice is not offered, so it is refused as any unknown one.
    response = client_for(personas.officer_a).post(
        "/a/authority-a/packs/add/",
        {
            "title": "Half year",
            "committee": "Scrutiny",
            "meeting_date": "14/11/2017",
            "period": factories.period("quarter", date(2017, 7, 1)).pk,
            "template": TemplateKind.WELSH_HALF_YEAR,
        },
    )
    assert response.status_code == 200 and "Choose a template" in response.content.decode()
    assert not Pack.objects.exists()


def test_a_half_year_report_reports_on_a_quarter(welsh) -> None:
    with pytest.raises(ValidationError, match="reports on a quarter"):
        services.pack_create(
            user=welsh.officer,
            authority=welsh.cardiff,
            title="Half year",
            committee="Scrutiny",
            meeting_date=date(2017, 11, 14),
            period=factories.financial_year(2017),
            template=TemplateKind.WELSH_HALF_YEAR,
        )
    assert not Pack.objects.exists()


def test_the_welsh_half_year_report_has_its_sections_in_order(welsh) -> None:
    pack = half_year_report(welsh)
    sections = list(pack.sections.order_by("order"))
    titles = [section.title for section in sections]
    assert titles[:3] == ["Scorecard", "Introduction", "National performance measures"]
    national = sections[3:9]
    # A set per quality standard, in the standards' order, each in the period grid.
    assert [s.title.split(":")[0] for s in national] == QUALITY_STANDARDS
    assert {(s.kind, s.layout) for s in national} == {
        (SectionKind.INDICATOR_SET, SectionLayout.GRID)
    }
    assert [i.code for i in national[0].indicators.all()] == ["PM24"]
    assert {i.code for i in national[2].indicators.all()} == {"PM27", "PM28"}
    national_codes = {i.code for s in national for i in s.indicators.all()}
    assert national_codes == set(
        Indicator.objects.filter(nations="wales", source="welsh").values_list("code", flat=True)
    )
    # Then local measures: the themes Cardiff keeps a local measure of (audits, here), as
    # compact tables, and the glossary last.
    assert titles[9:] == [
        "Local measures",
        "Local measures: Quality, voice and complaints",
        "Glossary",
    ]
    local = sections[10]
    assert (local.kind, local.layout) == (SectionKind.INDICATOR_SET, SectionLayout.TABLE)
    local_measures = list(local.indicators.all())
    assert "AUDIT-GOOD" in {i.code for i in local_measures}
    assert {i.nations for i in local_measures} == {"both"}
    # No measure of England's anywhere in the pack.
    shown = Indicator.objects.filter(id__in=pack.sections.values("indicators"))
    assert not shown.filter(nations="england").exists()


def grid_of(pack: Pack, user, code: str) -> dict:
    return next(
        indicator["grid"]
        for section in pack_content(pack, user=user)
        for indicator in section.get("indicators", [])
        if indicator["code"] == code
    )


def test_the_grid_shows_the_quarters_the_year_end_and_the_welsh_average(welsh) -> None:
    pack = half_year_report(welsh)
    grid = grid_of(pack, welsh.officer, "PM24")
    assert grid["year"] == "2017/18"
    q1, q2 = grid["rows"]
    assert (q1["heading"], q1["text"]) == ("Q1 2017/18", "70.1%")
    assert (q2["heading"], q2["text"], q2["commentary"]) == ("Q2 2017/18", "75.3%", PM24_COMMENT)
    # Wales's own quarter beside Q1; its latest (its Q1) beside Q2.
    assert (q1["national"]["text"], q1["national"]["period"]) == ("72.5%", "Q1 2017/18")
    year_end = grid["previous"]
    assert (year_end["heading"], year_end["text"]) == ("2016-17 year end", "68.4%")
    # Beside the year end, Wales's year (not its Q4, which ends the same day), labelled so.
    assert year_end["national"] == {
        "label": "Wales",
        "value": "71.2000",
        "text": "71.2%",
        "period": "2016-17 year end",
    }


def test_a_missing_quarter_keeps_its_row_and_q4_stands_for_a_cumulative_year(welsh) -> None:
    pack = half_year_report(welsh)
    grid = grid_of(pack, welsh.officer, "PM27")
    assert [(row["heading"], row.get("missing", False)) for row in grid["rows"]] == [
        ("Q1 2017/18", True),
        ("Q2 2017/18", False),
    ]
    # No year figure for 2016/17: a year-to-date measure's Q4 is the year's outturn.
    assert (grid["previous"]["heading"], grid["previous"]["text"]) == ("2016-17 year end", "6.0%")


def test_the_reading_view_says_welsh_average_and_never_england(welsh) -> None:
    pack = half_year_report(welsh)
    body = client_for(welsh.officer).get(f"/a/cardiff/packs/{pack.pk}/").content.decode()
    assert "Welsh average" in body and "2016-17 year end" in body
    assert "No figure for Q1 2017/18" in body
    assert "England" not in body


def test_a_welsh_packs_indicator_choice_offers_only_measures_that_apply_in_wales(welsh) -> None:
    pack = half_year_report(welsh)
    local = pack.sections.get(title="Local measures: Quality, voice and complaints")
    edit = f"/a/cardiff/packs/{pack.pk}/sections/{local.pk}/"
    client = client_for(welsh.officer)
    choice = client.get(edit).content.decode().split('data-testid="indicator-choice"')[1]
    assert "(PM24)" in choice and "(AUDIT-GOOD)" in choice
    assert "(REF-RATE)" not in choice  # England's referral rate
    # Posted anyway, it is refused as not on the list, and nothing is saved.
    england_only = Indicator.objects.get(code="REF-RATE")
    response = client.post(
        edit, {"title": local.title, "narrative": "", "indicators": [england_only.pk]}
    )
    assert response.status_code == 400
    assert f"Choose indicators from the list: {england_only.pk} is not one" in (
        response.content.decode()
    )
    assert not local.indicators.filter(code="REF-RATE").exists()
