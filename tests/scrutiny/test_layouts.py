"""The scorecard and the section layouts (issue 16): what each shows of a pack's figures, live and
published, the columns it leaves out, and who may choose a section's layout."""

from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from indicators.models import Figure, Target
from scrutiny import services
from scrutiny.content import pack_content
from scrutiny.models import Pack, PackSection, SectionKind, SectionLayout
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "/a/authority-a/packs"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def green(world):
    """A second measure of the same theme, on target and improving: not an exception."""
    indicator = factories.IndicatorFactory(
        code="VISITS-T", title="% visits on time", theme=world.indicator.theme
    )
    for year, value in ((2016, "85"), (2017, "96")):
        factories.figure(world.authority_a, indicator, factories.financial_year(year), value)
    factories.target(world.authority_a, indicator, factories.financial_year(2017), "90", "100")
    return indicator


def theme_page(pack: Pack) -> PackSection:
    return pack.sections.get(kind=SectionKind.THEME_PAGE)


def content_of(pack: Pack, user, kind: str) -> dict:
    return next(c for c in pack_content(pack, user=user) if c["kind"] == kind)


def test_the_scorecard_opens_the_pack_with_every_measure_exceptions_first(
    world, pack, green, personas
) -> None:
    contents = pack_content(pack, user=personas.officer_a)
    assert contents[0]["kind"] == SectionKind.SCORECARD
    rows = contents[0]["rows"]
    # ASMT-T: 87% against 90-95%, down from 90%: red, and so first, though it was made first
    # anyway; the green, improving measure after it. Each once, though the theme page and the
    # appendix both show them.
    assert [row["code"] for row in rows] == ["ASMT-T", "VISITS-T"]
    first = rows[0]
    assert (first["rag"], first["rating"], first["direction"], first["travel"]) == (
        "red",
        "Red: below target",
        "worsening",
        "Worsening",
    )
    assert first["latest"]["text"] == "87%" and first["latest"]["period"] == "2017/18"
    assert first["target"] == "90–95%"
    england, neighbours, region = first["comparators"]
    assert (england["text"], england["period"]) == ("83%", "2016/17")
    assert neighbours is None and region is None


def test_a_red_measure_is_first_wherever_its_section_is(world, pack, green, personas) -> None:
    # The green measure's theme comes first in the pack; the red one is still first.
    first_theme = factories.ThemeFactory(name="Visits", slug="visits", order=0)
    green.theme = first_theme
    green.save()
    services.section_add(user=personas.officer_a, pack=pack, kind="theme_page", theme=first_theme)
    rows = content_of(pack, personas.officer_a, SectionKind.SCORECARD)["rows"]
    assert [row["code"] for row in rows] == ["ASMT-T", "VISITS-T"]


def test_a_pack_with_nothing_else_to_show_scores_its_templates_measures(
    world, pack, personas
) -> None:
    for section in pack.sections.exclude(kind=SectionKind.SCORECARD):
        services.section_remove(user=personas.officer_a, section=section)
    (only,) = pack_content(pack, user=personas.officer_a)
    assert [row["code"] for row in only["rows"]] == ["ASMT-T"]


def test_the_scorecard_can_be_moved_and_removed_like_any_section(pack, personas) -> None:
    scorecard = pack.sections.get(kind=SectionKind.SCORECARD)
    services.section_move(user=personas.officer_a, section=scorecard, direction="down")
    assert pack.sections.get(order=2).kind == SectionKind.SCORECARD
    services.section_remove(user=personas.officer_a, section=scorecard)
    assert not pack.sections.filter(kind=SectionKind.SCORECARD).exists()


def test_the_scorecard_page_shows_a_key_to_every_colour_and_symbol(
    world, pack, green, personas
) -> None:
    body = client_for(personas.officer_a).get(f"{BASE}/{pack.pk}/").content.decode()
    table = body[
        body.index('data-testid="scorecard"') : body.index(
            "</table>", body.index('data-testid="scorecard"')
        )
    ]
    assert table.index("ASMT-T") < table.index("VISITS-T")
    assert '<strong class="govuk-tag govuk-tag--red app-rag">Red: below target</strong>' in table
    assert "Rated red" in table
    # The national column is headed with Authority A's nation; no neighbours or region figure
    # for any measure: no such columns.
    assert '<th scope="col" class="govuk-table__header">England</th>' in table
    assert "England or Wales" not in body and "Statistical neighbours" not in table
    key = body[body.index('data-testid="scorecard-key"') :]
    key = key[: key.index("</ul>")]
    assert "Red</strong> Off target" in key and "Green</strong> On target" in key
    assert "▼" in key and "Worsening since the previous period" in key
    assert "▲" in key and "Improving since the previous period" in key
    assert "Amber" not in key  # nothing is amber


def set_layout(pack: Pack, user, layout: str) -> PackSection:
    return services.section_edit(user=user, section=theme_page(pack), layout=layout)


def test_a_compact_table_shows_a_row_per_measure_with_only_filled_columns(
    world, pack, green, personas
) -> None:
    set_layout(pack, personas.officer_a, SectionLayout.TABLE)
    page = content_of(pack, personas.officer_a, SectionKind.THEME_PAGE)
    assert page["layout"] == "table"
    asmt, visits = page["indicators"]
    assert [p["period"] for p in asmt["prior"]] == ["2015/16", "2016/17"]
    assert [p["period"] for p in visits["prior"]] == ["2016/17"]
    body = client_for(personas.officer_a).get(f"{BASE}/{pack.pk}/").content.decode()
    start = body.index('data-testid="compact-table"')
    table = body[start : body.index("</table>", start)]
    assert table.count('data-testid="compact-row"') == 2
    headers = ("Previous periods", "Target", "England", "Statistical neighbours")
    assert [h in table for h in headers] == [True, True, True, False]
    # A sparkline with words for those who cannot see it.
    assert 'role="img"' in table
    assert 'aria-label="Trend of % assessments completed in time over 3 periods' in table
    # The officer's commentary under the measure that has it (the pack fixture explains the
    # red one), and no empty commentary row under the other.
    assert table.count("Commentary:") == 1
    assert "two social workers left in the autumn" in table


def test_a_compact_table_without_targets_has_no_target_column(world, pack, personas) -> None:
    Target.objects.filter(indicator=world.indicator).delete()
    # Best within a band, and with no target: England cannot rate it either.
    world.indicator.polarity = "band"
    world.indicator.save()
    set_layout(pack, personas.officer_a, SectionLayout.TABLE)
    body = client_for(personas.officer_a).get(f"{BASE}/{pack.pk}/").content.decode()
    start = body.index('data-testid="compact-table"')
    table = body[start : body.index("</table>", start)]
    assert ">Target<" not in table
    # What a councillor reads, rather than "Not compared: this measure is best within a band".
    assert "No target set" in table and "Not compared" not in body


def test_a_period_grid_shows_the_year_so_far_and_last_year_with_england(
    world, pack, personas
) -> None:
    set_layout(pack, personas.officer_a, SectionLayout.GRID)
    (indicator,) = content_of(pack, personas.officer_a, SectionKind.THEME_PAGE)["indicators"]
    grid = indicator["grid"]
    assert grid["year"] == "2017/18"
    assert [row["period"] for row in grid["rows"]] == ["2017/18"]
    assert grid["previous"]["period"] == "2016/17" and grid["previous"]["text"] == "90%"
    assert grid["previous"]["national"]["text"] == "83%"
    body = client_for(personas.officer_a).get(f"{BASE}/{pack.pk}/").content.decode()
    start = body.index('data-testid="grid-block"')
    block = body[start : body.index("</table>", start)]
    # An annual measure's last year is its own year; the national column names England.
    assert "Last year: 2016/17" in block and "England average" in block
    assert ">Target<" in block
    assert ">Comment<" in block and "two social workers left in the autumn" in block
    # No comment on any figure: no comment column.
    Figure.objects.filter(indicator=world.indicator).update(commentary="")
    body = client_for(personas.officer_a).get(f"{BASE}/{pack.pk}/").content.decode()
    start = body.index('data-testid="grid-block"')
    block = body[start : body.index("</table>", start)]
    assert ">Comment<" not in block


def test_a_published_pack_keeps_the_layout_it_was_published_in(world, pack, personas) -> None:
    set_layout(pack, personas.officer_a, SectionLayout.TABLE)
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    frozen = theme_page(pack).frozen
    assert frozen is not None and frozen["layout"] == "table"
    body = client_for(personas.councillor_a).get(f"{BASE}/{pack.pk}/").content.decode()
    assert 'data-testid="compact-table"' in body and 'data-testid="scorecard"' in body


def test_a_pack_frozen_before_layouts_reads_as_cards(world, pack, personas) -> None:
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    section = theme_page(pack)
    assert section.frozen is not None
    frozen = {k: v for k, v in section.frozen.items() if k != "layout"}
    PackSection.objects.filter(pk=section.pk).update(frozen=frozen)
    body = client_for(personas.councillor_a).get(f"{BASE}/{pack.pk}/").content.decode()
    assert 'class="app-pack-indicator"' in body and "compact-table" not in body


# --- choosing a layout: the service and the page ----------------------------------------------


def test_an_officer_chooses_a_layout_and_a_bad_one_is_refused(pack, personas) -> None:
    section = set_layout(pack, personas.officer_a, SectionLayout.GRID)
    assert section.layout == "grid"
    with pytest.raises(ValidationError, match="no layout called"):
        set_layout(pack, personas.officer_a, "poster")
    narrative = pack.sections.get(kind=SectionKind.NARRATIVE, title="Introduction")
    with pytest.raises(ValidationError, match="Only a theme page or an indicator set"):
        services.section_edit(user=personas.officer_a, section=narrative, layout="table")
    assert theme_page(pack).layout == "grid"
    assert pack.sections.get(pk=narrative.pk).layout == "cards"


@pytest.mark.parametrize("who", ["manager_a", "councillor_a", "officer_b", "anonymous"])
def test_only_those_who_may_edit_the_pack_choose_a_layout(pack, personas, who) -> None:
    user = AnonymousUser() if who == "anonymous" else getattr(personas, who)
    with pytest.raises(PermissionDenied):
        set_layout(pack, user, SectionLayout.TABLE)
    assert theme_page(pack).layout == "cards"


def test_the_section_page_offers_layouts_to_indicator_sections_only(pack, personas) -> None:
    client = client_for(personas.officer_a)
    section = theme_page(pack)
    url = f"{BASE}/{pack.pk}/sections/{section.pk}/"
    body = client.get(url).content.decode()
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Layout</legend>' in body
    )
    assert 'value="cards" checked' in body
    response = client.post(url, {"title": section.title, "narrative": "", "layout": "table"})
    assert response.status_code == 302
    assert theme_page(pack).layout == "table"
    # A layout that is not one is an error on the page, and nothing changes.
    response = client.post(url, {"title": section.title, "narrative": "", "layout": "poster"})
    assert response.status_code == 400
    assert "Choose one of the layouts listed" in response.content.decode()
    assert theme_page(pack).layout == "table"
    narrative = pack.sections.get(kind=SectionKind.NARRATIVE, title="Introduction")
    body = client.get(f"{BASE}/{pack.pk}/sections/{narrative.pk}/").content.decode()
    assert "Layout</legend>" not in body


@pytest.mark.parametrize("who", ["manager_a", "councillor_a", "officer_b"])
def test_the_section_page_refuses_a_layout_from_those_who_may_not_edit(pack, personas, who) -> None:
    section = theme_page(pack)
    response = client_for(getattr(personas, who)).post(
        f"{BASE}/{pack.pk}/sections/{section.pk}/",
        {"title": section.title, "narrative": "", "layout": "table"},
    )
    assert response.status_code in (403, 404)
    assert theme_page(pack).layout == "cards"


def test_an_anonymous_visitor_is_sent_to_sign_in(pack) -> None:
    section = theme_page(pack)
    response = Client().post(
        f"{BASE}/{pack.pk}/sections/{section.pk}/",
        {"title": section.title, "layout": "table"},
    )
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert theme_page(pack).layout == "cards"


def test_value_of_figures_is_kept_as_decimal_text(world, pack, personas) -> None:
    row = content_of(pack, personas.officer_a, SectionKind.SCORECARD)["rows"][0]
    assert Decimal(row["latest"]["value"]) == Decimal("87")


# --- the demo annual report ---------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    not Path(settings.CHROMIUM_PATH).exists(),
    reason=f"no Chromium at {settings.CHROMIUM_PATH} to print PDFs (apt-get install chromium)",
)


def shown_values(content: dict) -> set[str]:
    """The figures a theme page shows in any layout: each latest and previous figure, and each
    comparator's."""
    return {
        text
        for indicator in content["indicators"]
        for text in (
            (indicator["latest"] or {}).get("text"),
            *(prior["text"] for prior in indicator["prior"]),
            *(cell["text"] for cell in indicator["comparators"] if cell["value"] is not None),
        )
        if text
    }


@needs_chromium
def test_the_demo_annual_report_opens_with_its_scorecard_in_under_30_pages(settings) -> None:
    settings.DEBUG = True
    call_command("load_demo", "--with-users", stdout=StringIO())
    for pack in Pack.objects.all():
        assert pack.sections.get(order=1).kind == SectionKind.SCORECARD
    wiltshire = Pack.objects.get(authority__slug="wiltshire")
    themes = list(wiltshire.sections.filter(kind=SectionKind.THEME_PAGE))
    assert {section.layout for section in themes} == {"table"}
    councillor = User.objects.get(username="wiltshire.councillor")
    response = client_for(councillor).get(f"/a/wiltshire/packs/{wiltshire.pk}/pdf/")
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) <= 30
    # After the cover and the contents, whose first entry it is, the scorecard.
    assert "1. Scorecard" in reader.pages[1].extract_text()
    assert reader.pages[2].extract_text().startswith("Scorecard")
    # Every figure the theme pages show is still there (as cards it ran to 78 pages).
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    missing = {
        value
        for section in themes
        for value in shown_values(section.frozen or {"indicators": []})
        if value not in text
    }
    assert not missing
