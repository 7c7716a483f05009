"""Areas created by a published-data import take their nation from their ONS code."""

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Area, Comparator, ComparatorKind, Nation
from returns.kinds.published_areas import areas_ensure
from returns.published import LOCAL, NATIONAL, PublishedArea

WALES = PublishedArea(NATIONAL, "W92000004", "", "Wales", "", "")
CARDIFF = PublishedArea(LOCAL, "W06000015", "", "Cardiff", "", "")
HARTLEPOOL = PublishedArea(LOCAL, "E06000001", "805", "Hartlepool", "", "")


def test_welsh_and_english_areas_are_created_under_their_own_nations(db) -> None:
    areas_ensure([CARDIFF, WALES, HARTLEPOOL])
    assert dict(Area.objects.values_list("ons_code", "nation")) == {
        "W92000004": Nation.WALES,
        "W06000015": Nation.WALES,
        "E06000001": Nation.ENGLAND,
    }


def test_a_code_of_a_nation_not_held_is_refused_and_not_created(db) -> None:
    glasgow = PublishedArea(LOCAL, "S12000049", "", "Glasgow City", "", "")
    with pytest.raises(ValidationError, match="Scotland"):
        areas_ensure([glasgow])
    assert not Area.objects.filter(ons_code="S12000049").exists()


def test_a_new_authority_is_given_its_nations_comparator(db) -> None:
    areas_ensure([CARDIFF, WALES, HARTLEPOOL])
    assert sorted(
        Comparator.objects.values_list("authority__ons_code", "kind", "area__ons_code", "label")
    ) == [("W06000015", ComparatorKind.NATION, "W92000004", "Wales")]
    # England arrives with a later file: Hartlepool, already held, is left as it is, and a
    # new English authority is compared with England.
    england = PublishedArea(NATIONAL, "E92000001", "", "England", "", "")
    darlington = PublishedArea(LOCAL, "E06000005", "841", "Darlington", "", "")
    areas_ensure([england, darlington, HARTLEPOOL])
    assert list(
        Comparator.objects.filter(authority__ons_code="E06000005").values_list(
            "area__ons_code", "label"
        )
    ) == [("E92000001", "England")]
    assert not Comparator.objects.filter(authority__ons_code="E06000001").exists()
