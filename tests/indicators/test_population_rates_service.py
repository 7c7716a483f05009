"""The refresh of derived rates (indicators.services.derived_rates) and what the indicator page
shows of them: the population year, where the figure is shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from indicators.catalogue import CatalogueError, catalogue_load
from indicators.models import Figure, FigureSource, Indicator
from indicators.services import derived_rates
from tests import factories
from tests.conftest import Personas, World


def measures() -> None:
    factories.IndicatorFactory(code="POP-0-17", unit="count", roll_up="latest")
    factories.IndicatorFactory(code="REF-COUNT", unit="count", roll_up="sum")
    factories.IndicatorFactory(
        code="REF-RATE", title="Rate of referrals per 10,000 children", unit="rate_10k"
    )


def published(area, code: str, year: int, value: str | None, suppression: str = "") -> Figure:
    indicator = factories.IndicatorFactory(code=code)
    return Figure.objects.create(
        area=area,
        indicator=indicator,
        period=factories.financial_year(year),
        value=None if value is None else Decimal(value),
        suppression=suppression,
        ratio_kind="none",
        status="approved",
        source=FigureSource.PUBLISHED,
    )


@pytest.mark.django_db
def test_the_indicator_page_states_the_population_year(
    client, world: World, personas: Personas
) -> None:
    measures()
    published(world.authority_a, "REF-COUNT", 2017, "1200")  # 2017-18: the year to March 2018
    published(world.authority_a, "POP-0-17", 2016, "24000")  # 2016-17: ONS mid-2017
    outcome = derived_rates.derived_rates_refresh(user=personas.admin)
    assert outcome.created == 1
    client.force_login(personas.officer_a)
    page = client.get("/a/authority-a/indicators/REF-RATE/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "500" in text  # 1,200 ÷ 24,000 × 10,000
    assert (
        "Derived: 1,200 referrals ÷ 24,000 (ONS mid-2017 estimate of children aged 0 to 17)"
        " × 10,000"
    ) in text


@pytest.mark.django_db
def test_a_refresh_changes_nothing_twice_and_leaves_local_figures_alone(
    world: World, personas: Personas
) -> None:
    measures()
    for year, count in ((2016, "1100"), (2017, "1200")):
        published(world.authority_a, "REF-COUNT", year, count)
        published(world.authority_a, "POP-0-17", year - 1, "24000")
    # The authority's own typed rate for 2016-17 is not the refresh's to replace.
    typed = factories.figure(
        world.authority_a,
        factories.IndicatorFactory(code="REF-RATE"),
        factories.financial_year(2016),
        "400",
        numerator=Decimal(960),
        denominator=Decimal(24000),
    )
    # A file of other measures derives nothing.
    other = derived_rates.derived_rates_refresh(
        user=personas.admin, indicator_ids=[world.indicator.pk]
    )
    assert other.created == 0
    first = derived_rates.derived_rates_refresh(user=personas.admin)
    assert (first.created, first.changed, first.removed) == (1, 0, 0)
    again = derived_rates.derived_rates_refresh(user=personas.admin)
    assert (again.created, again.changed, again.removed, again.unchanged) == (0, 0, 0, 1)
    typed.refresh_from_db()
    assert (typed.value, typed.source, typed.version) == (Decimal(400), "typed", 1)
    # The count withdrawn: its rate goes too, never left at an old value or 0.
    Figure.objects.filter(indicator__code="REF-COUNT", period__start__year=2017).delete()
    gone = derived_rates.derived_rates_refresh(user=personas.admin)
    assert gone.removed == 1
    assert not Figure.objects.filter(indicator__code="REF-RATE", source="published").exists()


@pytest.mark.django_db
def test_only_who_may_import_published_figures_may_refresh(
    world: World, personas: Personas
) -> None:
    measures()
    published(world.authority_a, "REF-COUNT", 2017, "1200")
    published(world.authority_a, "POP-0-17", 2016, "24000")
    with pytest.raises(PermissionDenied):
        derived_rates.derived_rates_refresh(user=personas.manager_a)
    assert not Figure.objects.filter(indicator__code="REF-RATE").exists()


@pytest.mark.django_db
def test_a_definition_naming_a_measure_not_in_the_catalogue_refuses_the_load(
    tmp_path, monkeypatch
) -> None:
    bad = tmp_path / "derived_rates.csv"
    bad.write_text(
        "rate_code,count_code,population_code,note\nREF-RATE,NO-SUCH-COUNT,POP-0-17,things\n"
        "REF-REREF,REF-COUNT,POP-0-17,things\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(derived_rates, "DERIVED_RATES_CSV", bad)
    with pytest.raises(CatalogueError) as refused:
        catalogue_load()
    message = str(refused.value)
    assert "the count 'NO-SUCH-COUNT' is not in the catalogue" in message
    assert "the rate 'REF-REREF' has unit 'percent', not 'rate_10k'" in message
    assert not Indicator.objects.exists()  # nothing of the catalogue was written


@pytest.mark.django_db
def test_the_shipped_catalogue_loads_with_its_derived_rates() -> None:
    catalogue_load()
    assert derived_rates.derived_rates_check() == len(derived_rates.definitions())
