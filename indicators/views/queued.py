"""Pages that save say so honestly when the follow-up work their save queued (roll-ups,
dashboard rebuilds) is waiting for the background service rather than under way (docs/0020)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from indicators import queue

DASHBOARDS_CATCH_UP = (
    "The dashboards will catch up when the background service is back: it is not taking work "
    "at the moment. Your change is saved; there is nothing to do again."
)
FIGURES_CATCH_UP = (
    "The dashboard and the quarter and year totals will catch up when the background "
    "service is back: it is not taking work at the moment. Your figures are saved; there is "
    "nothing to enter again."
)

View = Callable[..., HttpResponse]


def says_if_work_waits(note: str = DASHBOARDS_CATCH_UP) -> Callable[[View], View]:
    """Run the view watching the tasks it queues; if any is left waiting for the broker, add
    `note` to the messages, which the next page shows beside the view's own "Saved"."""

    def decorate(view: View) -> View:
        @wraps(view)
        def watched(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            with queue.queued_work() as work:
                response = view(request, *args, **kwargs)
            if work.waiting:
                messages.warning(request, note)
            return response

        return watched

    return decorate
