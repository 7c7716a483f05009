"""Which nations a measure applies to holds wherever an authority's measures are counted or
listed (issue 17): a Welsh authority is asked for the Welsh framework's measures and never for
England's, an English one never for the Welsh measures; a figure or target for a measure that
does not apply in the authority's nation is refused with a sentence saying so."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Role, User
from indicators import dashboards, selectors, services
from indicators.models import (
    Area,
    AreaKind,
    DashboardSnapshot,
    Figure,
    FigureStatus,
    Indicator,
    IndicatorPairing,
    Nation,
    Period,
    PeriodKind,
    Target,
)
from indicators.services import EntryInput
from tests import factories
from tests.conftest import Personas, World

SEPTEMBER = "2021-09"


@dataclass
class Nations:
    """Cardiff (Welsh) beside authority A (English), and three monthly measures: a Welsh
    framework one, an English one and one kept in both nations."""

    cardiff: Area
    officer: User
    manager: User
    welsh: Indicator
    english: Indicator
    both: Indicator
    month: Period


@pytest.fixture
def nations(world: World, personas: Personas) -> Nations:
    wales = factories.AreaFactory(
        name="Wales", slug="wales", kind=AreaKind.NATION, nation=Nation.WALES, ons_code="W92000004"
    )
    cardiff = factories.AreaFactory(
        name="Cardiff", slug="cardiff", nation=Nation.WALES, ons_code="W06000015"
    )
    factories.comparator(cardiff, wales, "nation", "Wales")
    officer = factories.UserFactory(username="officer_cardiff")
    factories.MembershipFactory(user=officer, authority=cardiff, role=Role.OFFICER)
    manager = factories.UserFactory(username="manager_cardiff")
    factories.MembershipFactory(user=manager, authority=cardiff, role=Role.MANAGER)
    welsh = factories.IndicatorFactory(
        code="PM24",
        title="% assessments completed within statutory timescales",
        frequency="monthly",
        nations="wales",
        framework_group="Quality standard 1: well-being outcomes",
        source_publication="Welsh Government, Code of practice (2016)",
    )
    english = factories.IndicatorFactory(
        code="ASMT-45",
        title="% assessments completed within 45 working days",
        frequency="monthly",
        nations="england",
    )
    both = factories.IndicatorFactory(
        code="VISITS", title="% children seen within 4 weeks", frequency="monthly"
    )
    month = factories.period(PeriodKind.MONTH, date(2021, 9, 1))
    return Nations(cardiff, officer, manager, welsh, english, both, month)


def codes(indicators) -> set[str]:
    return {indicator.code for indicator in indicators}


@pytest.mark.django_db
def test_the_queryset_holds_each_nation_to_its_own_and_shared_measures(nations: Nations) -> None:
    assert codes(Indicator.objects.applicable_in(Nation.WALES)) >= {"PM24", "VISITS"}
    assert "ASMT-45" not in codes(Indicator.objects.applicable_in(Nation.WALES))
    assert "PM24" not in codes(Indicator.objects.applicable_in(Nation.ENGLAND))
    assert codes(Indicator.objects.applicable_to(nations.cardiff)) == codes(
        Indicator.objects.applicable_in(Nation.WALES)
    )


# --- entry, completeness, submission ----------------------------------------------------------


def test_the_entry_form_asks_each_authority_only_for_its_nations_measures(
    nations: Nations, personas: Personas
) -> None:
    welsh = selectors.entry_page(nations.officer, "cardiff", SEPTEMBER, today=date(2022, 1, 1))
    assert codes(row.indicator for row in welsh.rows) == {"PM24", "VISITS"}
    english = selectors.entry_page(
        personas.officer_a, "authority-a", SEPTEMBER, today=date(2022, 1, 1)
    )
    assert codes(row.indicator for row in english.rows) == {"ASMT-45", "VISITS"}


def test_the_entry_page_shows_no_english_measure_to_a_welsh_officer(nations: Nations) -> None:
    client = Client()
    client.force_login(nations.officer)
    text = client.get(f"/a/cardiff/entry/{SEPTEMBER}/").content.decode()
    assert "% assessments completed within statutory timescales" in text
    assert "45 working days" not in text


def test_completeness_counts_only_the_measures_due_in_the_authoritys_nation(
    nations: Nations, personas: Personas
) -> None:
    # A figure Cardiff holds for an English measure (entered before the catalogue said so)
    # is not one of its due figures, and does not make a Welsh measure look entered.
    factories.figure(nations.cardiff, nations.english, nations.month, "50", status="draft")
    factories.figure(nations.cardiff, nations.welsh, nations.month, "80", status="draft")
    welsh = selectors.completeness_page(nations.manager, "cardiff", SEPTEMBER)
    assert codes(row.indicator for _theme, rows in welsh.themes for row in rows) == {
        "PM24",
        "VISITS",
    }
    assert (welsh.due, welsh.counts["missing"], welsh.counts["draft"]) == (2, 1, 1)
    english = selectors.completeness_page(personas.manager_a, "authority-a", SEPTEMBER)
    assert (english.due, english.counts["missing"]) == (2, 2)


def test_the_periods_to_review_count_only_the_nations_measures(nations: Nations) -> None:
    factories.figure(nations.cardiff, nations.english, nations.month, "50", status="draft")
    _authority, periods = selectors.review_periods(nations.manager, "cardiff", date(2021, 10, 5))
    september = next(p for p in periods if p.period.start == date(2021, 9, 1))
    assert september.counts["missing"] == 2
    assert september.counts["draft"] == 0


def test_a_welsh_authority_submits_without_the_english_measures(nations: Nations) -> None:
    for indicator in (nations.welsh, nations.both):
        factories.figure(nations.cardiff, indicator, nations.month, "80", status="draft")
    result = services.figures_submit(
        user=nations.officer, authority=nations.cardiff, period=nations.month
    )
    assert codes(figure.indicator for figure in result.submitted) == {"PM24", "VISITS"}


def test_an_english_authority_is_not_asked_for_the_welsh_measures_on_submission(
    nations: Nations, personas: Personas, world: World
) -> None:
    factories.figure(world.authority_a, nations.both, nations.month, "80", status="draft")
    with pytest.raises(ValidationError) as refused:
        services.figures_submit(
            user=personas.officer_a, authority=world.authority_a, period=nations.month
        )
    assert any("45 working days" in message for message in refused.value.messages)
    assert not any("statutory timescales" in message for message in refused.value.messages)


# --- refusals ---------------------------------------------------------------------------------


def test_a_figure_for_a_measure_not_applying_in_the_nation_is_refused(
    nations: Nations, personas: Personas, world: World
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.figure_set(
            user=personas.officer_a,
            area=world.authority_a,
            indicator=nations.welsh,
            period=nations.month,
            value=Decimal(80),
            reason="typed",
        )
    assert refused.value.messages == [
        "% assessments completed within statutory timescales: this measure applies in Wales "
        "only, so no figure is taken for an area in England."
    ]
    assert not Figure.objects.filter(indicator=nations.welsh).exists()


def test_the_entry_forms_save_refuses_a_measure_of_another_nation(nations: Nations) -> None:
    result = services.period_entries_save(
        user=nations.officer,
        authority=nations.cardiff,
        period=nations.month,
        entries=[
            EntryInput(indicator=nations.welsh, value=Decimal(80)),
            EntryInput(indicator=nations.english, value=Decimal(50)),
        ],
        confirm_warnings=True,
    )
    assert not result.saved_ok
    assert [finding.message for finding in result.errors] == [
        "% assessments completed within 45 working days: this measure applies in England "
        "only, so no figure is taken for an area in Wales."
    ]
    assert not Figure.objects.filter(area=nations.cardiff).exists()


def test_an_import_holding_a_figure_of_another_nations_measure_writes_nothing(
    nations: Nations, personas: Personas
) -> None:
    contents = [
        services.FigureContent(nations.cardiff, indicator, nations.month, Decimal(60))
        for indicator in (nations.welsh, nations.english)
    ]
    with pytest.raises(ValidationError, match="Cardiff: % assessments completed within 45"):
        services.figures_import(user=personas.admin, contents=contents, reason="test")
    assert not Figure.objects.filter(area=nations.cardiff).exists()


# --- targets ----------------------------------------------------------------------------------


def test_targets_are_listed_and_set_only_for_the_nations_measures(nations: Nations) -> None:
    page = selectors.targets_page(nations.officer, "cardiff", None, date(2021, 10, 5))
    listed = codes(row.indicator for _theme, rows in page.themes for row in rows)
    assert "PM24" in listed and "ASMT-45" not in listed
    with pytest.raises(ValidationError, match="applies in England only"):
        services.target_set(
            user=nations.officer,
            authority=nations.cardiff,
            indicator=nations.english,
            financial_year=factories.financial_year(2021),
            lower=Decimal(80),
            upper=None,
        )
    assert not Target.objects.filter(authority=nations.cardiff).exists()


# --- dashboards -------------------------------------------------------------------------------


def test_the_dashboard_shows_no_tile_for_another_nations_measure(
    nations: Nations, world: World
) -> None:
    for indicator in (nations.welsh, nations.english):
        factories.figure(nations.cardiff, indicator, nations.month, "70")
        factories.figure(world.authority_a, indicator, nations.month, "70")
    shown = {}
    for authority in (nations.cardiff, world.authority_a):
        dashboards.dashboard_rebuild(authority=authority)
        snapshot = DashboardSnapshot.objects.get(dashboard_id=authority.pk, category=None)
        shown[authority.slug] = {
            tile["code"] for theme in snapshot.content["themes"] for tile in theme["tiles"]
        }
    assert "PM24" in shown["cardiff"] and "ASMT-45" not in shown["cardiff"]
    assert "ASMT-45" in shown["authority-a"] and "PM24" not in shown["authority-a"]


# --- the indicator page -----------------------------------------------------------------------


def test_the_indicator_page_names_its_nations_group_source_and_pairs_both_ways(
    nations: Nations, personas: Personas
) -> None:
    IndicatorPairing.objects.create(
        first=nations.english,
        second=nations.welsh,
        difference="England counts 45 working days from referral, Wales 42 from the decision.",
    )
    client = Client()
    client.force_login(nations.officer)
    welsh = client.get("/a/cardiff/indicators/PM24/").content.decode()
    assert "Wales only" in welsh
    assert "Quality standard 1: well-being outcomes" in welsh
    assert "Welsh Government, Code of practice (2016)" in welsh
    assert (
        'Not comparable with <a class="govuk-link" href="/a/cardiff/indicators/ASMT-45/">'
        "ASMT-45 % assessments completed within 45 working days</a> (England): England counts "
        "45 working days from referral, Wales 42 from the decision."
    ) in welsh
    assert "is not asked for it" not in welsh
    client.force_login(personas.officer_a)
    english = client.get("/a/authority-a/indicators/ASMT-45/").content.decode()
    assert "England only" in english
    assert "(Wales): England counts 45 working days" in english
    assert 'href="/a/authority-a/indicators/PM24/"' in english
    # The Welsh measure's page read for an English authority says it is not asked of it.
    other = client.get("/a/authority-a/indicators/PM24/").content.decode()
    assert "This measure applies in Wales only: Authority A is not asked for it." in other


def test_a_measure_with_no_pair_shows_no_pairs_heading(nations: Nations) -> None:
    client = Client()
    client.force_login(nations.officer)
    page = client.get("/a/cardiff/indicators/VISITS/").content.decode()
    assert "England and Wales" in page
    assert "Alike but not comparable" not in page


def test_a_welsh_measure_is_taken_from_a_welsh_authority(nations: Nations) -> None:
    figure = services.figure_set(
        user=nations.officer,
        area=nations.cardiff,
        indicator=nations.welsh,
        period=nations.month,
        value=Decimal(80),
        reason="typed",
    )
    assert figure.status == FigureStatus.DRAFT


def test_approve_all_approves_only_the_nations_measures(nations: Nations) -> None:
    kept = factories.figure(
        nations.cardiff, nations.english, nations.month, "50", status=FigureStatus.SUBMITTED
    )
    welsh = factories.figure(
        nations.cardiff, nations.welsh, nations.month, "80", status=FigureStatus.SUBMITTED
    )
    assert selectors.figures_for_review(nations.cardiff, nations.month, None) == [welsh]
    page = selectors.completeness_page(nations.manager, "cardiff", SEPTEMBER)
    assert page.submitted == [welsh]
    assert kept not in page.submitted
