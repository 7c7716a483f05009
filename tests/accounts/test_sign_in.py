"""Signing in and out, and the lockout after repeated wrong passwords."""

import pytest
from django.test import Client

from tests import factories


@pytest.mark.django_db
def test_sign_in_with_the_right_password_lands_on_the_start_page() -> None:
    factories.UserFactory(username="pat")
    response = Client().post(
        "/accounts/sign-in/", {"username": "pat", "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Your authorities" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message() -> None:
    factories.UserFactory(username="pat")
    response = Client().post("/accounts/sign-in/", {"username": "pat", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_that_username_from_that_address(settings) -> None:
    factories.UserFactory(username="pat")
    factories.UserFactory(username="sam")
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", {"username": "pat", "password": "wrong"})
    locked = client.post("/accounts/sign-in/", {"username": "pat", "password": factories.PASSWORD})
    assert locked.status_code == 429
    assert "Try again in 30 minutes" in locked.content.decode()
    # A colleague behind the same council address is not locked out.
    colleague = Client(REMOTE_ADDR="10.0.0.5").post(
        "/accounts/sign-in/", {"username": "sam", "password": factories.PASSWORD}
    )
    assert colleague.status_code == 302


@pytest.mark.django_db
def test_sign_out_is_a_post_and_ends_the_session() -> None:
    user = factories.UserFactory(username="pat")
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
