"""The admins' page of every dashboard: when each was built, and rebuilding them now. Thin:
reads and the request go through `dashboards`, which asks `accounts.access`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from indicators import dashboards, queue


@login_required
def dashboard_rebuilds(request: HttpRequest) -> HttpResponse:
    page = dashboards.rebuilds_page(request.user)
    return render(request, "indicators/dashboard_rebuilds.html", {"page": page})


@login_required
def dashboard_rebuild_progress(request: HttpRequest) -> JsonResponse:
    dashboards.rebuilds_page(request.user)  # the same rule as the page
    return JsonResponse(dashboards.rebuild_progress().as_json())


@login_required
@require_POST
def dashboard_rebuild(request: HttpRequest) -> HttpResponse:
    try:
        with queue.queued_work() as work:
            count = dashboards.dashboards_rebuild_request(
                user=request.user, authority_slug=request.POST.get("authority", "")
            )
    except dashboards.UnknownFilter as unknown:
        raise Http404(str(unknown)) from unknown
    noun = "dashboard" if count == 1 else "dashboards"
    if work.waiting:
        messages.warning(
            request,
            f"{count} {noun} will be rebuilt when the background service is back: it is not "
            "taking work at the moment. The request is kept; there is no need to ask again.",
        )
    else:
        messages.success(request, f"Rebuilding {count} {noun}.")
    return redirect("dashboard_rebuilds")
