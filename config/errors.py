"""The site's error pages that Django does not make by itself: the database unreachable (503)
and a form refused for its CSRF token (403)."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

# How long a client is asked to wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 60


def database_unreachable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (refused, gone, shutting down), as
    opposed to a query the database answered with an error (a deadlock, say): psycopg gives
    no SQLSTATE for a connection it could not make, class 08 for a connection lost and 57P
    for a server shutting down or starting."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


def database_unavailable_response() -> HttpResponse:
    """A plain page, styled but needing nothing from the database: no session, no user, no
    URL lookups (503.html). Status 503 with Retry-After, so that a proxy or a monitor sees a
    service that is down, not a bug."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, unless the error being handled is the database being unreachable:
    then the 503 page. Covers errors raised in middleware as well as in views."""
    error = sys.exc_info()[1]
    if error is not None and database_unreachable(error):
        return database_unavailable_response()
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused because its CSRF token was missing or out of date (Django's
    CSRF_FAILURE_VIEW): the page says why that happens and what to do."""
    logger.warning("Form refused (CSRF): %s %s: %s", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)
