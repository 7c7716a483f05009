"""The language switch (docs/0026): a signed-in user's choice is remembered on their account
and applied whenever they are signed in, in any browser; anyone's choice is remembered in the
browser's language cookie; <html lang> says which language the page is in."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Language
from accounts.services import user_language_set
from tests import factories

SWITCH = reverse("accounts:language")
START = reverse("start")
SIGN_IN = reverse("accounts:login")


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang>"
    return match[1]


@pytest.mark.django_db
def test_the_service_remembers_a_language_and_refuses_one_not_offered() -> None:
    user = factories.UserFactory()
    user_language_set(user=user, language=Language.WELSH)
    user.refresh_from_db()
    assert user.language == "cy"
    with pytest.raises(ValueError, match="Unknown language 'fr'"):
        user_language_set(user=user, language="fr")
    user.refresh_from_db()
    assert user.language == "cy"


@pytest.mark.django_db
def test_a_signed_in_users_choice_is_kept_and_outlives_the_session(personas) -> None:
    client = Client()
    client.force_login(personas.councillor_a)
    response = client.post(SWITCH, {"language": "cy", "next": START})
    assert response.status_code == 302 and response["Location"] == START
    personas.councillor_a.refresh_from_db()
    assert personas.councillor_a.language == "cy"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"

    # Another browser, which asks for English: signed in, the account's choice wins.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert html_lang(elsewhere.get(SIGN_IN)) == "en-GB"
    elsewhere.force_login(personas.councillor_a)
    page = elsewhere.get(START)
    assert html_lang(page) == "cy"
    assert "Eich awdurdodau" in page.content.decode()
    # ... and that browser now remembers it too, for the sign-in page after signing out.
    assert elsewhere.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    elsewhere.post(reverse("accounts:logout"))
    assert html_lang(elsewhere.get(SIGN_IN)) == "cy"


@pytest.mark.django_db
def test_signed_out_the_switch_sets_the_browsers_cookie_only() -> None:
    client = Client()
    response = client.post(SWITCH, {"language": "cy", "next": SIGN_IN})
    assert response.status_code == 302
    page = client.get(SIGN_IN)
    assert html_lang(page) == "cy"
    assert '<h1 class="govuk-heading-l">Mewngofnodi</h1>' in page.content.decode()
    client.post(SWITCH, {"language": "en-gb", "next": SIGN_IN})
    assert html_lang(client.get(SIGN_IN)) == "en-GB"


@pytest.mark.django_db
def test_a_language_not_offered_is_refused_with_a_message_and_nothing_kept(personas) -> None:
    client = Client()
    client.force_login(personas.officer_a)
    response = client.post(SWITCH, {"language": "fr", "next": START}, follow=True)
    assert "Choose English or Cymraeg." in response.content.decode()
    personas.officer_a.refresh_from_db()
    assert personas.officer_a.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_the_switch_sends_nobody_to_another_site() -> None:
    response = Client().post(SWITCH, {"language": "cy", "next": "https://example.com/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_browsers_language_is_the_default_and_the_switch_offers_the_other() -> None:
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy").get(SIGN_IN).content.decode()
    assert 'name="language" value="en-gb" lang="en-GB"' in welsh
    english = Client(HTTP_ACCEPT_LANGUAGE="en-US").get(SIGN_IN).content.decode()
    assert '<html lang="en-GB"' in english
    assert 'name="language" value="cy" lang="cy"' in english


@pytest.mark.django_db
def test_the_error_pages_a_councillor_can_meet_are_in_welsh(personas) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="cy")
    client.force_login(personas.councillor_a)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert html_lang(missing) == "cy"
    assert "Heb ddod o hyd i’r dudalen" in missing.content.decode()
    # Another authority's packs: refused, in Welsh.
    refused = client.get(reverse("scrutiny:packs", args=["authority-b"]))
    assert refused.status_code == 403
    assert "Nid oes gennych fynediad i’r dudalen hon" in refused.content.decode()
