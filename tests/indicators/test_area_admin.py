"""Areas made in the Django admin (issue 17): a nation the ONS code contradicts is refused on
the nation field, and a new authority is given its nation's average as its comparator."""

import re

import pytest
from django.test import Client

from indicators.models import Area, AreaKind, Comparator, ComparatorKind, Nation
from tests import factories

ADD = "/admin/indicators/area/add/"


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(factories.UserFactory(username="admin", is_superuser=True, is_staff=True))
    return client


def area_form(**fields: str) -> dict[str, object]:
    return {
        "name": "Cardiff",
        "name_cy": "Caerdydd",
        "slug": "cardiff",
        "kind": AreaKind.AUTHORITY,
        "nation": Nation.WALES,
        "ons_code": "W06000015",
        "dfe_code": "",
        "region": "",
        "members": [],
        **fields,
    }


def test_a_nation_contradicting_the_code_is_refused_on_the_nation_field(admin_client) -> None:
    response = admin_client.post(ADD, area_form(nation=Nation.ENGLAND))
    assert response.status_code == 200
    page = response.content.decode()
    # The message sits in the nation field's own row of the form, not only at the top.
    row = re.search(r'<div class="form-row[^"]*field-nation.*?</div>\s*</div>', page, re.S)
    assert row is not None
    assert "The nation is England but the ONS code W06000015 is a code for Wales" in row.group()
    assert not Area.objects.filter(slug="cardiff").exists()


def test_a_new_welsh_authority_is_compared_with_wales(admin_client) -> None:
    wales = factories.AreaFactory(
        name="Wales", slug="wales", kind=AreaKind.NATION, nation=Nation.WALES, ons_code="W92000004"
    )
    factories.AreaFactory(name="England", slug="england", kind=AreaKind.NATION)
    response = admin_client.post(ADD, area_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    cardiff = Area.objects.get(slug="cardiff")
    assert list(
        Comparator.objects.filter(authority=cardiff).values_list("kind", "area", "label")
    ) == [(ComparatorKind.NATION, wales.pk, "Wales")]


def test_a_new_english_authority_is_compared_with_england(admin_client) -> None:
    england = factories.AreaFactory(
        name="England", slug="england", kind=AreaKind.NATION, ons_code="E92000001"
    )
    form = area_form(
        name="Hartlepool",
        name_cy="",
        slug="hartlepool",
        nation=Nation.ENGLAND,
        ons_code="E06000001",
    )
    assert admin_client.post(ADD, form).status_code == 302
    assert list(
        Comparator.objects.filter(authority__slug="hartlepool").values_list("area", "label")
    ) == [(england.pk, "England")]


def test_editing_an_authority_leaves_its_comparators_as_the_admin_chose(admin_client) -> None:
    factories.AreaFactory(
        name="Wales", slug="wales", kind=AreaKind.NATION, nation=Nation.WALES, ons_code="W92000004"
    )
    cardiff = factories.AreaFactory(
        name="Cardiff", slug="cardiff", nation=Nation.WALES, ons_code="W06000015"
    )
    response = admin_client.post(f"/admin/indicators/area/{cardiff.pk}/change/", area_form())
    assert response.status_code == 302
    assert not Comparator.objects.filter(authority=cardiff).exists()
