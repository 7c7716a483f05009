"""The entry page: an officer enters a month of figures, with checks, warnings, submission,
corrections of approved figures and refusal of stale saves. Django's test client, PostgreSQL."""

import html as html_module
import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators import periods, selectors
from indicators.models import (
    ChangeChannel,
    Figure,
    FigureChange,
    FigureStatus,
    Indicator,
    PeriodKind,
)
from tests import factories
from tests.entry_world import CASELOAD, PLANS, VISITS, EntryWorld, build, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> EntryWorld:
    return build()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def page_form(client: Client, world: EntryWorld) -> dict[str, str]:
    response = client.get(world.url)
    assert response.status_code == 200
    return form_fields(response.content.decode())


def post(client: Client, url: str, data: dict[str, str], follow: bool = False):
    return client.post(url, data, follow=follow)


def month_figures(world: EntryWorld):
    return Figure.objects.filter(area=world.authority, period=world.month)


def error_summary(response) -> str:
    content = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', content, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


# --- the page ----------------------------------------------------------------------------


def test_the_page_lists_due_measures_by_theme_with_last_period(world) -> None:
    response = client_for(world.officer).get(world.url)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert f"Enter figures for {world.month.label}" in page
    assert page.index("Children in need") < page.index(world.caseload.title)
    before = periods.add_months(world.month.start, -1)
    assert f"Last period: 625 ({before:%B %Y})" in page
    assert "Last period: 79% (" in page  # 158 of 200
    assert "Target for the year: 75–90%" in page
    content = response.content.decode()
    for name in ("E-VISITS-numerator", "E-VISITS-denominator", "E-PLANS-value"):
        assert f'<label class="govuk-label" for="{name}">' in content
        assert f'id="{name}" name="{name}" type="text" inputmode="decimal"' in content
    assert 'class="govuk-input__suffix" aria-hidden="true">%</div>' in content
    # Breakdowns: the authority's own localities and the shared roles; never another's.
    assert f'id="E-VISITS-b{world.north.pk}-value"' in content
    assert "Coast" not in page
    assert "By role" in page
    assert "Not entered" in page


def test_the_choose_page_offers_ended_months_newest_first(world) -> None:
    response = client_for(world.officer).get(f"/a/{world.authority.slug}/entry/")
    assert response.status_code == 200
    content = response.content.decode()
    links = re.findall(r'href="/a/northshire/entry/([^/"]+)/"', content)
    last_ended = periods.add_months(date.today().replace(day=1), -1)
    assert links[0] == last_ended.strftime("%Y-%m")
    assert world.key in links
    assert len([key for key in links if not key.startswith("fy-")]) == 18
    assert any(key.endswith("-q1") or key.endswith("-q3") for key in links)
    assert date.today().strftime("%Y-%m") not in links


def test_the_home_page_links_to_entry_for_officers_only(world) -> None:
    link = f'href="/a/{world.authority.slug}/entry/"'
    assert link in client_for(world.officer).get("/a/northshire/").content.decode()
    assert link not in client_for(world.manager).get("/a/northshire/").content.decode()


@pytest.mark.parametrize("who", ["manager", "councillor", "other_officer"])
def test_only_officers_and_admins_may_enter(world, who) -> None:
    client = client_for(getattr(world, who))
    assert client.get(f"/a/{world.authority.slug}/entry/").status_code == 403
    assert client.get(world.url).status_code == 403
    assert client.post(world.url, world.good_values()).status_code == 403
    assert client.post(world.submit_url, {}).status_code == 403
    assert not month_figures(world).exists()


def test_admin_may_enter_and_anonymous_is_sent_to_sign_in(world) -> None:
    assert client_for(world.admin).get(world.url).status_code == 200
    response = Client().get(world.url)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_bad_period_address_is_not_found(world) -> None:
    client = client_for(world.officer)
    assert client.get(f"/a/{world.authority.slug}/entry/2021-13/").status_code == 404
    assert client.get(f"/a/{world.authority.slug}/entry/at-2021-03-31/").status_code == 404


def test_a_period_that_has_not_ended_is_refused_and_nothing_saved(world) -> None:
    client = client_for(world.officer)
    this_month = date.today().replace(day=1).strftime("%Y-%m")
    url = f"/a/{world.authority.slug}/entry/{this_month}/"
    response = client.get(url)
    assert response.status_code == 200
    assert "has not ended yet" in error_summary(response)
    assert 'name="E-PLANS-value"' not in response.content.decode()
    response = client.post(url, {"E-PLANS-value": "650"})
    assert "has not ended yet" in error_summary(response)
    assert not Figure.objects.filter(
        area=world.authority, period__start__gte=date.today().replace(day=1)
    ).exists()


def test_the_page_reads_in_a_fixed_number_of_queries(world) -> None:
    with CaptureQueriesContext(connection) as small:
        selectors.entry_page(world.officer, world.authority.slug, world.key)
    theme = factories.ThemeFactory()
    for number in range(15):
        factories.IndicatorFactory(
            code=f"E-MORE-{number}",
            theme=theme,
            frequency="monthly",
            breakdown_dimensions="role" if number % 2 else "",
        )
    with CaptureQueriesContext(connection) as large:
        page = selectors.entry_page(world.officer, world.authority.slug, world.key)
    assert len(page.rows) == 19
    assert len(large.captured_queries) == len(small.captured_queries) <= 8


# --- saving ------------------------------------------------------------------------------


def test_an_officer_saves_a_month_as_draft(world) -> None:
    client = client_for(world.officer)
    data = page_form(client, world) | world.good_values()
    data["E-PLANS-commentary"] = "Steady, as expected."
    response = post(client, world.url, data, follow=True)
    assert response.redirect_chain[-1][0] == world.url
    assert "Saved 8 figures as draft" in text_of(response.content.decode())
    figures = month_figures(world)
    assert figures.count() == 8
    assert {figure.status for figure in figures} == {FigureStatus.DRAFT}
    visits = figures.get(indicator=world.visits, breakdown=None)
    assert (visits.numerator, visits.denominator, visits.value) == (160, 200, 80)
    plans = figures.get(indicator=world.plans)
    assert plans.commentary == "Steady, as expected."
    assert plans.updated_by == world.officer
    change = FigureChange.objects.get(figure=plans)
    assert change.channel == ChangeChannel.FORM == "form"
    assert change.reason == "Entered on the entry form"
    assert change.changed_by == world.officer
    # The page now shows what was saved, as the officer typed it.
    again = page_form(client, world)
    assert again["E-PLANS-value"] == "655"
    assert again["E-VISITS-numerator"] == "160"
    assert again["E-VISITS-version"] == "1"
    # Saving the same again writes nothing.
    response = post(client, world.url, again, follow=True)
    assert "Nothing to save" in text_of(response.content.decode())
    assert FigureChange.objects.filter(figure__period=world.month).count() == 8


def test_a_draft_saves_what_there_is(world) -> None:
    client = client_for(world.officer)
    response = post(client, world.url, page_form(client, world) | {"E-PLANS-value": "650"})
    assert response.status_code == 302
    assert [figure.indicator for figure in month_figures(world)] == [world.plans]


@pytest.mark.parametrize(
    ("fields", "message", "field_id"),
    [
        (
            {"E-VISITS-numerator": "210", "E-VISITS-denominator": "200"},
            "the numerator (210) cannot be more than the denominator (200)",
            "E-VISITS-numerator",
        ),
        ({"E-VISITS-value": "120"}, "must be between 0% and 100%", "E-VISITS-value"),
        ({"E-PLANS-value": "-1"}, "cannot be below zero", "E-PLANS-value"),
        ({"E-PLANS-value": "2.5"}, "must be a whole number", "E-PLANS-value"),
        ({"E-PLANS-value": "lots"}, "must be a number, like 650", "E-PLANS-value"),
        (
            {"E-VISITS-numerator": "160", "E-VISITS-denominator": ""},
            "enter the denominator as well",
            "E-VISITS-denominator",
        ),
        ({"E-CASELOAD-value": "-3"}, "cannot be below zero", "E-CASELOAD-value"),
        # The value rules the imports share, word for word (tests/indicators/test_value_rules).
        (
            {"E-PLANS-value": "-5"},
            f"{PLANS}: The value cannot be below zero (-5).",
            "E-PLANS-value",
        ),
        (
            {"E-VISITS-value": "250"},
            f"{VISITS}: The value must be between 0% and 100% (250).",
            "E-VISITS-value",
        ),
        (
            {"E-VISITS-value": "-12%"},
            f"{VISITS}: The value must be between 0% and 100% (-12).",
            "E-VISITS-value",
        ),
        (
            {"E-CASELOAD-value": "18.12345"},
            f"{CASELOAD}: The value has more than 4 decimal places (18.12345): round it to 4 or "
            "fewer.",
            "E-CASELOAD-value",
        ),
        (
            {"E-PLANS-value": "1,000,000,000,000"},
            f"{PLANS}: The value is too large (1000000000000): a figure can hold at most "
            "999,999,999,999.9999.",
            "E-PLANS-value",
        ),
        (
            {"E-VISITS-numerator": "160", "E-VISITS-denominator": "200", "E-VISITS-value": "70"},
            f"{VISITS}: the value 70 does not match 160 / 200, which gives 80. Leave the value "
            "empty to derive it.",
            "E-VISITS-value",
        ),
    ],
)
def test_an_invalid_value_shows_the_error_summary_and_writes_nothing(
    world, fields, message, field_id
) -> None:
    client = client_for(world.officer)
    data = page_form(client, world) | world.good_values()
    for name in ("E-VISITS-numerator", "E-VISITS-denominator"):
        if "E-VISITS-value" in fields or name in fields:
            data[name] = ""
    data |= fields
    response = post(client, world.url, data)
    assert response.status_code == 200
    summary = error_summary(response)
    assert message in html_module.unescape(summary)
    assert f'href="#{field_id}"' in summary
    content = response.content.decode()
    assert f'id="{field_id}-error"' in content
    assert "<title>Error: " in content
    # Everything typed is still there.
    assert form_fields(content)["E-CASELOAD-value"] == data["E-CASELOAD-value"]
    assert not month_figures(world).exists()
    assert not FigureChange.objects.filter(figure__period=world.month).exists()


def test_warnings_need_confirmation_and_nothing_is_saved_before(world) -> None:
    client = client_for(world.officer)
    data = page_form(client, world) | world.good_values() | {"E-PLANS-value": "2000"}
    data[f"E-STAFF-b{world.team_manager.pk}-value"] = "3"
    response = post(client, world.url, data)
    assert response.status_code == 200
    content = html_module.unescape(response.content.decode())
    assert "Check before saving" in content
    assert "far outside its usual range" in content
    assert "add up to 11.50, not the total of 10.50" in content
    assert 'name="confirm_warnings"' in content
    assert not month_figures(world).exists()

    resent = form_fields(response.content.decode())
    assert resent["E-PLANS-value"] == "2000"
    resent["confirm_warnings"] = "on"
    response = post(client, world.url, resent)
    assert response.status_code == 302
    assert month_figures(world).get(indicator=world.plans).value == 2000


def test_red_against_target_without_commentary_warns(world) -> None:
    client = client_for(world.officer)
    data = page_form(client, world) | world.good_values()
    data |= {"E-VISITS-numerator": "140", "E-VISITS-denominator": "200"}  # 70%, red
    response = post(client, world.url, data)
    assert "rated red against its target" in html_module.unescape(response.content.decode())
    assert not month_figures(world).exists()
    data["E-VISITS-commentary"] = "Two social workers left in the North; agency cover from May."
    response = post(client, world.url, data)
    assert response.status_code == 302


# --- submitting --------------------------------------------------------------------------


def test_submit_refuses_until_complete_naming_what_is_missing(world) -> None:
    client = client_for(world.officer)
    data = page_form(client, world) | {"E-PLANS-value": "655", "E-CASELOAD-value": "18.5"}
    response = post(client, world.submit_url, data)
    assert response.status_code == 200
    summary = html_module.unescape(error_summary(response))
    assert world.visits.title in summary and world.staff.title in summary
    assert world.plans.title not in summary
    assert 'href="#E-VISITS-numerator"' in summary
    # What was typed was saved as draft; nothing was submitted.
    assert "Saved 2 figures as draft" in text_of(response.content.decode())
    assert set(month_figures(world).values_list("status", flat=True)) == {FigureStatus.DRAFT}

    data = form_fields(response.content.decode()) | world.good_values()
    response = post(client, world.submit_url, data, follow=True)
    assert "Submitted 8 figures for approval" in text_of(response.content.decode())
    assert set(month_figures(world).values_list("status", flat=True)) == {FigureStatus.SUBMITTED}
    assert "Submitted" in text_of(response.content.decode())


def test_submit_with_an_invalid_value_saves_and_submits_nothing(world) -> None:
    client = client_for(world.officer)
    data = page_form(client, world) | world.good_values() | {"E-PLANS-value": "-5"}
    response = post(client, world.submit_url, data)
    assert "cannot be below zero" in error_summary(response)
    assert not month_figures(world).exists()


# --- concurrency -------------------------------------------------------------------------


def test_a_stale_save_is_refused_showing_the_newer_value_and_keeping_the_typed_one(world):
    first, second = client_for(world.officer), client_for(world.officer2)
    form_one = page_form(first, world)
    form_two = page_form(second, world)
    assert post(first, world.url, form_one | {"E-PLANS-value": "655"}).status_code == 302

    response = post(
        second, world.url, form_two | {"E-PLANS-value": "640", "E-CASELOAD-value": "19"}
    )
    assert response.status_code == 200
    summary = html_module.unescape(error_summary(response))
    assert "was changed by" in summary and "it is now 655" in summary
    assert 'href="#E-PLANS-value"' in summary
    kept = form_fields(response.content.decode())
    assert kept["E-PLANS-value"] == "640"
    assert kept["E-CASELOAD-value"] == "19"
    # Nothing of the second officer's was saved: not the conflicting figure, nor the other one.
    assert month_figures(world).get(indicator=world.plans).value == 655
    assert not month_figures(world).filter(indicator=world.caseload).exists()
    assert not FigureChange.objects.filter(changed_by=world.officer2).exists()

    # Having seen the newer figure, saving again replaces it knowingly.
    response = post(second, world.url, kept)
    assert response.status_code == 302
    assert month_figures(world).get(indicator=world.plans).value == 640


def test_a_stale_save_of_a_changed_figure_is_refused(world) -> None:
    factories.figure(world.authority, world.plans, world.month, "600", status=FigureStatus.DRAFT)
    first, second = client_for(world.officer), client_for(world.officer2)
    form_one, form_two = page_form(first, world), page_form(second, world)
    assert form_two["E-PLANS-version"] == "1"
    assert post(first, world.url, form_one | {"E-PLANS-value": "655"}).status_code == 302
    response = post(second, world.url, form_two | {"E-PLANS-value": "640"})
    assert "it is now 655" in html_module.unescape(error_summary(response))
    assert month_figures(world).get(indicator=world.plans).value == 655


# --- approved and returned figures -------------------------------------------------------


def test_changing_an_approved_figure_needs_a_reason_then_is_revised_and_submitted(world):
    factories.figure(world.authority, world.plans, world.month, "650")
    client = client_for(world.officer)
    data = page_form(client, world)
    assert data["E-PLANS-value"] == "650"
    assert "E-PLANS-correction" in data
    response = post(client, world.url, data | {"E-PLANS-value": "652"})
    summary = html_module.unescape(error_summary(response))
    assert "is approved: to correct it, give a reason" in summary
    assert 'href="#E-PLANS-correction"' in summary
    assert month_figures(world).get(indicator=world.plans).value == 650

    data = form_fields(response.content.decode()) | {"E-PLANS-correction": "Late closures"}
    response = post(client, world.url, data)
    assert response.status_code == 302
    figure = month_figures(world).get(indicator=world.plans)
    assert (figure.value, figure.is_revised, figure.status) == (652, True, FigureStatus.SUBMITTED)
    change = figure.changes.get()
    assert change.reason == "Correction: Late closures"
    assert change.channel == "form"
    # An unchanged approved figure needs no reason and is left alone.
    assert post(client, world.url, page_form(client, world)).status_code == 302


def test_a_returned_figure_shows_the_managers_comment(world) -> None:
    factories.figure(
        world.authority,
        world.plans,
        world.month,
        "650",
        status=FigureStatus.RETURNED,
        review_comment="Please check against the CIN census extract.",
    )
    response = client_for(world.officer).get(world.url)
    page = text_of(response.content.decode())
    assert "Returned by the manager: Please check against the CIN census extract." in page


def test_a_saved_figure_cannot_be_emptied(world) -> None:
    factories.figure(world.authority, world.plans, world.month, "650", status=FigureStatus.DRAFT)
    client = client_for(world.officer)
    response = post(client, world.url, page_form(client, world) | {"E-PLANS-value": ""})
    assert "cannot be removed here" in html_module.unescape(error_summary(response))
    assert month_figures(world).get(indicator=world.plans).value == 650


def test_quarterly_measures_are_entered_for_a_quarter(world) -> None:
    factories.IndicatorFactory(
        code="E-Q",
        title="Referrals in the quarter",
        unit="count",
        frequency="quarterly",
        roll_up="sum",
    )
    quarter = periods.add_months(periods.quarter_start(world.month.start), -3)
    key = periods.url_key(PeriodKind.QUARTER, quarter)
    response = client_for(world.officer).get(f"/a/{world.authority.slug}/entry/{key}/")
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Referrals in the quarter" in page and world.plans.title not in page
    assert Indicator.objects.filter(frequency="monthly").count() == 4
