"""The reference data that ships with the catalogue (issue 17): Wales and its authorities, the
Welsh national measures with the nations they apply to, and the pairs of alike measures."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from indicators import reference
from indicators.catalogue import CatalogueError, catalogue_load
from indicators.models import (
    Applicability,
    Area,
    AreaKind,
    Comparator,
    ComparatorKind,
    Indicator,
    IndicatorPairing,
    Nation,
)

WELSH_MEASURES = {
    "PM24", "PM25", "PM26", "PM27", "PM28", "PM29a", "PM29b",
    "PM30", "PM31", "PM32", "PM33", "PM34a", "PM34b", "PM35",
}  # fmt: skip


@pytest.fixture
def catalogue(db):
    return catalogue_load()


def test_wales_and_its_22_authorities_load_with_the_catalogue(catalogue) -> None:
    wales = Area.objects.get(ons_code="W92000004")
    assert (wales.name, wales.kind, wales.nation, wales.name_cy) == (
        "Wales", AreaKind.NATION, Nation.WALES, "Cymru",
    )  # fmt: skip
    authorities = Area.objects.authorities().filter(nation=Nation.WALES)
    assert authorities.count() == 22
    assert all(area.ons_code.startswith("W06") for area in authorities)
    assert Area.objects.get(ons_code="W06000015").name_cy == "Caerdydd"
    assert catalogue.areas.created == 24


def test_a_welsh_authoritys_default_comparator_is_the_welsh_average(catalogue) -> None:
    cardiff = Area.objects.get(ons_code="W06000015")
    [comparator] = Comparator.objects.filter(authority=cardiff)
    assert comparator.kind == ComparatorKind.NATION
    assert comparator.area.ons_code == "W92000004"
    assert comparator.label == "Wales"


def test_loading_twice_changes_nothing_and_keeps_an_admins_comparator(catalogue) -> None:
    cardiff = Area.objects.get(ons_code="W06000015")
    Comparator.objects.filter(authority=cardiff).update(label="Welsh average")
    again = catalogue_load()
    assert (again.areas.created, again.areas.updated, again.areas.unchanged) == (0, 0, 24)
    assert again.pairings.created == 0
    assert Comparator.objects.get(authority=cardiff).label == "Welsh average"


def test_an_area_made_before_the_reference_data_is_updated_not_duplicated(db) -> None:
    Area.objects.create(
        name="Cardiff council", slug="cardiff", kind="authority", ons_code="W06000015"
    )
    catalogue_load()
    cardiff = Area.objects.get(ons_code="W06000015")
    assert (cardiff.name, cardiff.slug, cardiff.nation) == ("Cardiff", "cardiff", Nation.WALES)
    assert Area.objects.filter(slug__startswith="cardiff").count() == 1


def test_the_welsh_framework_measures_ship_for_wales_only(catalogue) -> None:
    welsh = Indicator.objects.filter(nations=Applicability.WALES)
    assert set(welsh.values_list("code", flat=True)) == WELSH_MEASURES
    for measure in welsh:
        assert measure.source == "welsh"
        assert measure.framework_group.startswith("Quality standard")
        assert "Code of practice in relation to measuring social services" in (
            measure.source_publication
        )
        assert not measure.applies_in(Nation.ENGLAND)
        assert measure.applies_in(Nation.WALES)


def test_each_nation_is_due_its_own_and_the_shared_measures(catalogue) -> None:
    for_wales = set(Indicator.objects.applicable_in(Nation.WALES).values_list("code", flat=True))
    for_england = set(
        Indicator.objects.applicable_in(Nation.ENGLAND).values_list("code", flat=True)
    )
    assert for_wales >= WELSH_MEASURES
    assert not WELSH_MEASURES & for_england
    # The DfE's measures are England's; local measures such as complaints serve both.
    assert "ASMT-45" in for_england - for_wales
    assert "CMP-UPHELD" in for_england & for_wales
    cardiff = Area.objects.get(ons_code="W06000015")
    assert set(Indicator.objects.applicable_to(cardiff).values_list("code", flat=True)) == (
        for_wales
    )


def test_alike_measures_are_paired_with_how_they_differ(catalogue) -> None:
    pairing = IndicatorPairing.objects.get(first__code="ASMT-45", second__code="PM24")
    assert "45 working days" in pairing.difference
    assert "42 working days" in pairing.difference
    assert IndicatorPairing.objects.filter(second__code="PM27").count() == 2
    assert catalogue.pairings.created == IndicatorPairing.objects.count()


def test_a_pairing_of_an_unknown_measure_refuses_the_whole_catalogue(db, tmp_path, monkeypatch):
    bad = tmp_path / "pairings.csv"
    bad.write_text("first,second,difference\nASMT-45,PM99,Not a measure.\n", encoding="utf-8")
    monkeypatch.setattr(reference, "PAIRINGS_CSV", bad)
    with pytest.raises(CatalogueError, match="line 2: there is no indicator 'PM99'"):
        catalogue_load()
    assert not Indicator.objects.exists()
    assert not Area.objects.exists()


@pytest.mark.parametrize(
    ("nation", "code"),
    [(Nation.ENGLAND, "W06000015"), (Nation.WALES, "E06000054")],
)
def test_an_area_whose_nation_contradicts_its_code_is_refused(db, nation, code) -> None:
    area = Area(name="Somewhere", slug="somewhere", kind="authority", nation=nation, ons_code=code)
    with pytest.raises(ValidationError) as refused:
        area.full_clean()
    assert "nation" in refused.value.message_dict
    assert "is a code for" in refused.value.message_dict["nation"][0]
