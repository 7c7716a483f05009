"""The signed-in user's own choice of language, applied to every request they make.

Django's LocaleMiddleware (earlier in settings.MIDDLEWARE) has already chosen a language from
the language cookie or the browser; a signed-in user who chose one with the switch in the
header (`User.language`) gets theirs instead, in any browser, after any sign-in (docs/0026).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, cast

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def chosen_language(request: HttpRequest) -> str:
    """The signed-in user's choice of language, or "" (none chosen, or nobody signed in)."""
    # No session cookie, nobody signed in: no database read to find out.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    try:
        user = request.user
        return str(getattr(user, "language", "")) if user.is_authenticated else ""
    except DatabaseError:
        return ""  # the database is down: the view's own read says so (a 503 page)


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The browser remembers it too, so that the sign-in page after signing out (when
        # there is no user to ask) is still in the language the user chose.
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                # A setting, so typed as any string; Django checks it is one of these.
                samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
            )
        return response
