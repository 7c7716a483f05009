"""Deleting a draft pack, and the create form that asks which template (docs/0023)."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils.html import escape

from accounts import access
from scrutiny import services
from scrutiny.forms import TEMPLATE_DESCRIPTIONS
from scrutiny.models import Pack, PackSection, PackStatus, TemplateKind
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "/a/authority-a/packs"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["officer_a", "manager_a", "admin"])
def test_officers_managers_and_admins_delete_a_draft(pack, personas, persona, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="scrutiny.services"):
        services.pack_delete(user=personas.all()[persona], pack=pack)
    assert f"Scrutiny pack {pack.pk} ('{pack.title}', authority-a) deleted by" in caplog.text
    assert not Pack.objects.filter(pk=pack.pk).exists()
    assert not PackSection.objects.filter(pack_id=pack.pk).exists()


@pytest.mark.parametrize("persona", ["councillor_a", "officer_b"])
def test_others_may_not_delete_it(pack, personas, persona) -> None:
    with pytest.raises(PermissionDenied):
        services.pack_delete(user=personas.all()[persona], pack=pack)
    assert Pack.objects.filter(pk=pack.pk).exists()


def test_the_system_may_not_delete_it(pack) -> None:
    with pytest.raises(PermissionDenied):
        services.pack_delete(user=access.SYSTEM, pack=pack)
    assert Pack.objects.filter(pk=pack.pk).exists()


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (PackStatus.IN_REVIEW, "A reviewer can return it to draft first"),
        (PackStatus.APPROVED, "A reviewer can return it to draft first"),
        (PackStatus.PUBLISHED, "A published pack stays on the record"),
    ],
)
def test_only_a_draft_is_deleted(pack, personas, status, says) -> None:
    Pack.objects.filter(pk=pack.pk).update(
        status=status, published_at=pack.created_at if status == PackStatus.PUBLISHED else None
    )
    with pytest.raises(ValidationError, match=says):
        services.pack_delete(user=personas.manager_a, pack=pack)
    assert Pack.objects.filter(pk=pack.pk).exists()
    # The confirmation page says so, and offers no button.
    page = client_for(personas.officer_a).get(f"{BASE}/{pack.pk}/delete/").content.decode()
    assert "cannot be deleted" in page and "Delete the draft</button>" not in page
    refused = client_for(personas.officer_a).post(f"{BASE}/{pack.pk}/delete/")
    assert refused.status_code == 400 and says in refused.content.decode()
    assert Pack.objects.filter(pk=pack.pk).exists()


def test_the_confirmation_page_then_the_deletion(pack, personas) -> None:
    client = client_for(personas.officer_a)
    compose = client.get(f"{BASE}/{pack.pk}/compose/").content.decode()
    assert f'href="{BASE}/{pack.pk}/delete/"' in compose
    page = client.get(f"{BASE}/{pack.pk}/delete/").content.decode()
    assert f"Delete “{pack.title}”?" in page and "This cannot be undone" in page
    assert Pack.objects.filter(pk=pack.pk).exists()  # asking is not deleting
    response = client.post(f"{BASE}/{pack.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}/"
    assert f"Deleted the draft pack “{pack.title}”" in response.content.decode()
    assert not Pack.objects.filter(pk=pack.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 200),
        ("manager_a", 200),
        ("admin", 200),
        ("councillor_a", 403),
        ("officer_b", 403),
    ],
)
def test_who_may_open_the_confirmation_page_and_post_it(pack, personas, persona, status) -> None:
    user = personas.all()[persona]
    assert client_for(user).get(f"{BASE}/{pack.pk}/delete/").status_code == status
    response = client_for(user).post(f"{BASE}/{pack.pk}/delete/")
    assert response.status_code == (302 if status == 200 else 403)
    assert Pack.objects.filter(pk=pack.pk).exists() is (status != 200)


def test_signed_out_deleting_asks_to_sign_in(pack) -> None:
    response = Client().post(f"{BASE}/{pack.pk}/delete/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert Pack.objects.filter(pk=pack.pk).exists()


# --- the create form asks which template ---------------------------------------------------


def test_the_create_form_asks_which_template(world, personas) -> None:
    client = client_for(personas.officer_a)
    page = client.get(f"{BASE}/add/").content.decode()
    # An English authority is offered every template but the Welsh half-year report.
    assert page.count('type="radio"') == 3 and " checked" not in page
    for template, description in TEMPLATE_DESCRIPTIONS.items():
        assert (escape(description) in page) is (template != TemplateKind.WELSH_HALF_YEAR)
    data = {
        "title": "Performance 2017/18",
        "committee": "Children's Select Committee",
        "meeting_date": "19/06/2018",
        "period": factories.financial_year(2017).pk,
    }
    refused = client.post(f"{BASE}/add/", data)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Choose a template" in body and "govuk-error-summary" in body
    assert '<a href="#id_template">Choose a template</a>' in body
    assert 'id="id_template" name="template" type="radio"' in body
    assert not Pack.objects.exists()
    created = client.post(f"{BASE}/add/", {**data, "template": "improvement"})
    assert created.status_code == 302
    assert Pack.objects.get().template == "improvement"
