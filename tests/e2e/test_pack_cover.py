"""The reading view opens with the pack's cover: authority, title, committee, meeting date,
reporting period, status and version, readable and accessible (axe)."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from scrutiny import services
from scrutiny.models import TemplateKind
from tests import factories
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.scrutiny.conftest import explain_exceptions

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reading_view_opens_with_the_cover(page: Page, live_server, world, personas) -> None:
    explain_exceptions(world)  # the world's red measure explained, as submitting asks
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
    pack = services.pack_return(user=personas.manager_a, pack=pack, comment="Add the audits")
    pack = services.pack_submit(user=personas.officer_a, pack=pack)
    pack = services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)

    sign_in(page, live_server, personas.councillor_a.username, PASSWORD)
    page.goto(f"{live_server.url}/a/authority-a/packs/{pack.pk}/")
    cover = page.get_by_test_id("cover")
    expect(cover.get_by_role("heading", level=1)).to_have_text("Performance 2017/18")
    expect(cover).to_contain_text("Authority A")
    for key, value in (
        ("Committee", "Children's Select Committee"),
        ("Meeting date", "19 June 2018"),
        ("Reporting period", "2017/18"),
        ("Status", "Published"),
    ):
        expect(
            cover.locator("dt", has_text=key).locator("xpath=following-sibling::dd")
        ).to_have_text(value)
    # Returned once and resubmitted: the second version was published.
    today = timezone.localdate()
    expect(page.get_by_test_id("cover-version")).to_have_text(
        f"Version 2: published {today.day} {today:%B %Y}"
    )
    assert_accessible(page)
