"""A councillor reads in Welsh (docs/0026, issue 17): the sign-in page, the start page, the
list of packs and a published pack (cover, contents, scorecard, ratings and directions), each
saying <html lang="cy">, with dates and figures as Welsh writes them, and no axe violation;
the choice is kept on the account, across signing out and in, in a browser that never chose;
English still reads in English, as lang="en-GB"."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from scrutiny import services
from scrutiny.models import TemplateKind
from tests import factories
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD
from tests.scrutiny.conftest import explain_exceptions

pytestmark = pytest.mark.django_db(transaction=True)

WELSH_MONTHS = {6: "Mehefin", 12: "Rhagfyr"}


@pytest.fixture
def published_pack(world, personas):
    """Authority A, with its Welsh name, and a published annual report whose scorecard has a
    red, worsening measure (87% against a target of 90–95%, 90% the year before; England 83%)
    and a measure counted in days (1,234.5 days)."""
    world.authority_a.name_cy = "Awdurdod A"
    world.authority_a.save(update_fields=["name_cy"])
    explain_exceptions(world)
    days = factories.IndicatorFactory(
        code="DAYS-T",
        title="Average days from entering care to adoption",
        unit="days",
        polarity="lower",
        decimals=1,
        roll_up="latest",
        theme=world.indicator.theme,
    )
    factories.figure(world.authority_a, days, factories.financial_year(2017), "1234.5")
    pack = services.pack_create(
        user=personas.officer_a,
        authority=world.authority_a,
        title="Performance 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )
    pack = services.pack_submit(user=personas.officer_a, pack=pack)
    pack = services.pack_approve(user=personas.manager_a, pack=pack)
    return services.pack_publish(user=personas.manager_a, pack=pack)


def html_lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def sign_in_welsh(page: Page, username: str) -> None:
    page.get_by_label("Enw defnyddiwr", exact=True).fill(username)
    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Mewngofnodi", exact=True).click()
    page.wait_for_load_state()


def cover_value(page: Page, key: str):
    cover = page.get_by_test_id("cover")
    return cover.locator("dt", has_text=key).locator("xpath=following-sibling::dd")


def test_a_councillor_reads_a_pack_in_welsh(
    page: Page, live_server, personas, published_pack
) -> None:
    pack = published_pack
    page.goto(f"{live_server.url}/accounts/sign-in/")
    assert html_lang(page) == "en-GB"
    # The switch names the other language in that language.
    page.get_by_role("button", name=re.compile("^Cymraeg")).click()
    page.wait_for_load_state()
    assert html_lang(page) == "cy"
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    expect(page.get_by_role("link", name="Neidio i’r prif gynnwys")).to_be_attached()
    expect(page.get_by_role("button", name=re.compile("^English"))).to_be_visible()
    assert_accessible(page)

    sign_in_welsh(page, personas.councillor_a.username)
    assert html_lang(page) == "cy"
    expect(page.get_by_role("heading", level=1)).to_have_text("Eich awdurdodau")
    row = page.get_by_role("row", name=re.compile("Awdurdod A"))
    expect(row).to_contain_text("Cynghorydd")
    expect(row.get_by_role("link", name=re.compile("^Pecynnau craffu cyhoeddedig"))).to_be_visible()
    expect(page.get_by_role("button", name="Allgofnodi")).to_be_visible()
    assert_accessible(page)

    row.get_by_role("link").click()
    assert html_lang(page) == "cy"
    expect(page.get_by_role("heading", level=1)).to_have_text("Pecynnau craffu")
    expect(page.locator(".govuk-caption-l")).to_have_text("Awdurdod A")
    for heading in ("Pecyn", "Pwyllgor", "Cyfarfod", "Cyfnod adrodd", "Statws"):
        expect(page.get_by_role("columnheader", name=heading)).to_be_visible()
    # A date as Welsh writes it: the month's Welsh name.
    expect(page.get_by_test_id("meeting-date")).to_have_text("19 Mehefin 2018")
    expect(page.get_by_role("cell", name="Wedi’i gyhoeddi")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=pack.title).click()
    assert html_lang(page) == "cy"
    expect(cover_value(page, "Pwyllgor")).to_have_text("Children's Select Committee")
    expect(cover_value(page, "Dyddiad y cyfarfod")).to_have_text("19 Mehefin 2018")
    expect(cover_value(page, "Cyfnod adrodd")).to_have_text("2017/18")
    expect(cover_value(page, "Statws")).to_have_text("Wedi’i gyhoeddi")
    today = timezone.localdate()
    published = f"{today.day} {WELSH_MONTHS.get(today.month, '')}".strip()
    expect(page.get_by_test_id("cover-version")).to_contain_text("Fersiwn 1: cyhoeddwyd ")
    if today.month in WELSH_MONTHS:
        expect(page.get_by_test_id("cover-version")).to_contain_text(published)
    contents = page.get_by_role("navigation", name="Cynnwys")
    expect(contents.get_by_role("link").first).to_have_text("Cerdyn sgorio")
    expect(contents.get_by_role("link", name="Geirfa")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Cerdyn sgorio")).to_be_visible()
    expect(page.get_by_role("link", name="Lawrlwytho’r pecyn hwn fel PDF")).to_be_visible()

    scorecard = page.get_by_test_id("scorecard")
    for heading in ("Mesur", "Diweddaraf", "Targed", "Gradd", "Cyfeiriad teithio", "Lloegr"):
        expect(scorecard.get_by_role("columnheader", name=heading)).to_be_visible()
    red = scorecard.get_by_test_id("scorecard-row").first
    # Exceptions first, rated in words as well as colour, in Welsh.
    expect(red).to_contain_text("Wedi’i raddio’n goch")
    expect(red.locator(".govuk-tag--red")).to_have_text("Coch: o dan y targed")
    expect(red).to_contain_text("Gwaethygu")
    expect(red).to_contain_text("87% (2017/18)")
    expect(red).to_contain_text("83% (2016/17)")
    # A figure as Welsh writes it: its number grouped as in English, its unit in Welsh.
    expect(scorecard).to_contain_text("1,234.5 diwrnod (2017/18)")
    key = page.get_by_test_id("scorecard-key")
    expect(key).to_contain_text("Coch Heb gyrraedd y targed")
    expect(key).to_contain_text("Gwaethygu ers y cyfnod blaenorol")
    expect(page.locator("body")).not_to_contain_text("Rated red")
    assert_accessible(page)


def test_the_choice_is_kept_on_the_account_across_signing_out_and_in(
    page: Page, browser, live_server, personas, published_pack
) -> None:
    councillor = personas.councillor_a
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username", exact=True).fill(councillor.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your authorities")
    assert html_lang(page) == "en-GB"
    page.get_by_role("button", name=re.compile("^Cymraeg")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eich awdurdodau")
    assert User.objects.get(pk=councillor.pk).language == "cy"

    page.get_by_role("button", name="Allgofnodi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    assert html_lang(page) == "cy"

    # Another browser, which never chose: English until the councillor signs in.
    other = browser.new_context(base_url=live_server.url)
    try:
        elsewhere = other.new_page()
        elsewhere.goto(f"{live_server.url}/accounts/sign-in/")
        assert html_lang(elsewhere) == "en-GB"
        elsewhere.get_by_label("Username", exact=True).fill(councillor.username)
        elsewhere.get_by_label("Password", exact=True).fill(PASSWORD)
        elsewhere.get_by_role("button", name="Sign in", exact=True).click()
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Eich awdurdodau")
        assert html_lang(elsewhere) == "cy"
        assert_accessible(elsewhere)

        # Back to English: kept too, and the pages say so.
        elsewhere.get_by_role("button", name=re.compile("^English")).click()
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Your authorities")
        assert html_lang(elsewhere) == "en-GB"
        assert User.objects.get(pk=councillor.pk).language == "en-gb"
        elsewhere.goto(f"{live_server.url}/a/authority-a/packs/{published_pack.pk}/")
        assert html_lang(elsewhere) == "en-GB"
        expect(elsewhere.get_by_test_id("scorecard-row").first).to_contain_text("Rated red")
        expect(elsewhere.get_by_test_id("cover")).to_contain_text("Authority A")
        assert_accessible(elsewhere)
    finally:
        other.close()
