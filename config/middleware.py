"""Site-wide middleware: private pages for signed-in users, and a 503 when the database is
unreachable."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from .errors import database_unavailable_response, database_unreachable

logger = logging.getLogger(__name__)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user, so that
    neither a shared proxy nor the browser's history keeps a council's unpublished figures or
    a child's case details. Static files (served by WhiteNoise, before this) and responses to
    visitors without a session (the sign-in page) are left to cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def signed_in(request: HttpRequest) -> bool:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False  # no session, so nobody signed in: no database read to find out
        try:
            # Usually read already by the view; read here only for pages that never asked.
            return bool(request.user.is_authenticated)
        except DatabaseError:
            return True  # cannot tell (the database is down): keep the response private


class DatabaseUnavailableMiddleware:
    """A view that finds the database unreachable answers 503 with a plain page that needs no
    database, rather than the 500 of a bug. Errors raised outside views (in other middleware)
    reach the same page through `handler500` (config/errors.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unreachable(exception):
            logger.error("The database is unreachable (%s): %s", request.path, exception)
            return database_unavailable_response()
        return None
