"""The admin's approval of comparator figures (docs/0025). Thin: the selectors ask
`accounts.access`, one service approves."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import SignedInRequest
from indicators import services as indicator_services
from indicators.views.queued import says_if_work_waits

from . import approvals
from .approval_forms import ApprovalFilterForm, ApproveForm, filter_from


def _page_url(chosen: approvals.ApprovalFilter) -> str:
    query = {
        "area": chosen.area_id or "",
        "year": chosen.year_start.year if chosen.year_start else "",
        "batch": chosen.batch or "",
    }
    filled = {name: value for name, value in query.items() if value}
    url = reverse("returns:approvals")
    return f"{url}?{urlencode(filled)}" if filled else url


@login_required
def approval_list(request: SignedInRequest) -> HttpResponse:
    # The choices first (every waiting figure's), then the filter within them.
    offered = approvals.approval_page(request.user, approvals.ApprovalFilter())
    form = ApprovalFilterForm(
        request.GET or None, areas=offered.areas, years=offered.years, batches=offered.batches
    )
    page = offered
    if request.GET and form.is_valid():
        chosen = form.chosen()
        if chosen != approvals.ApprovalFilter():
            page = approvals.approval_page(request.user, chosen)
    return render(request, "returns/approvals.html", {"page": page, "form": form})


@login_required
@require_POST
@says_if_work_waits()
def approval_approve(request: SignedInRequest) -> HttpResponse:
    chosen = filter_from(request.POST)
    if chosen is None:
        messages.error(request, "That filter is not one this page offers: nothing was approved.")
        return redirect(reverse("returns:approvals"))
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(error) for error in form.non_field_errors()) or "Nothing was approved.",
        )
        return redirect(_page_url(chosen))
    keys = form.cleaned_data["keys"]
    figures = (
        approvals.waiting_figures(request.user, chosen)
        if keys is None
        else approvals.selected_figures(request.user, chosen, keys)
    )
    try:
        approval = indicator_services.comparator_figures_approve(
            user=request.user, figures=figures, expected=form.cleaned_data["expected"]
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, approval.message)
    return redirect(_page_url(chosen))
