"""Site-wide responses: a signed-in user's pages are never cached, and a form refused for its
CSRF token gets a page that says what to do."""

import pytest
from django.test import Client

from indicators import dashboards

pytestmark = pytest.mark.django_db


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_every_response_to_a_signed_in_user_is_private_and_not_stored(world, personas) -> None:
    dashboards.dashboard_rebuild(authority=world.authority_a)
    manager, admin = signed_in(personas.manager_a), signed_in(personas.admin)
    responses = [
        manager.get("/a/authority-a/"),  # a page
        manager.get("/a/authority-a/indicators/ASMT-T/"),
        admin.get("/dashboards/progress/"),  # a script's JSON
        manager.get("/a/authority-b/"),  # a refusal
        manager.post("/accounts/sign-out/"),  # the redirect after a form
    ]
    for response in responses:
        assert {"private", "no-store"} <= cache_control(response), response.request["PATH_INFO"]
        assert "public" not in cache_control(response)


def test_a_visitor_without_a_session_is_not_made_private(world) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "no-store" not in cache_control(response)


def test_a_signed_in_form_refused_for_its_token_says_to_reload_it(world, personas) -> None:
    client = signed_in(personas.officer_a, enforce_csrf_checks=True)
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "<title>Your form could not be sent – CSC Performance</title>" in body
    assert "reload the page" in body
    assert "sign out and sign in again" in body
    assert "Signed in as" in body  # the site's own header, not Django's bare page
    assert "CSRF verification failed" not in body


def test_a_sign_in_refused_for_its_token_offers_to_sign_in_again(world) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/sign-in/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body
    assert 'href="/accounts/sign-in/"' in body and "sign in again" in body
