"""The entry pages: an officer picks a period and enters its figures. Thin: access and reads
go through `selectors` (which asks `accounts.access`), every write through one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import SignedInRequest
from indicators import queue, selectors, services
from indicators.forms import EntryForm

from .queued import FIGURES_CATCH_UP, says_if_work_waits


@login_required
def choose(request: SignedInRequest, slug: str) -> HttpResponse:
    choice = selectors.entry_periods(request.user, slug)
    return render(request, "indicators/entry/choose.html", {"choice": choice})


def _save(request: SignedInRequest, form: EntryForm) -> services.SaveResult | None:
    """Validate and save the form; None (with the reasons added to the form) if not saved."""
    if not form.is_valid():
        return None
    page = form.page
    try:
        result = services.period_entries_save(
            user=request.user,
            authority=page.authority,
            period=page.period,
            entries=form.entries(),
            confirm_warnings=form.cleaned_data.get("confirm_warnings", False),
        )
    except ValidationError as refused:  # the period has not ended
        form.add_error(None, refused)
        return None
    form.add_findings(result.errors)
    form.add_conflicts(result.conflicts)
    form.warnings = result.warnings if result.needs_confirmation else []
    return result if result.saved_ok else None


def _saved_message(result: services.SaveResult) -> str:
    count = len(result.saved)
    if not count:
        return "Nothing to save: no figure was changed."
    return f"Saved {count} figure{'' if count == 1 else 's'} as draft"


def _render(request: SignedInRequest, form: EntryForm) -> HttpResponse:
    return render(
        request,
        "indicators/entry/page.html",
        {"page": form.page, "form": form, "sections": form.sections()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@says_if_work_waits(FIGURES_CATCH_UP)
def entry(request: SignedInRequest, slug: str, period: str) -> HttpResponse:
    page = selectors.entry_page(request.user, slug, period)
    if request.method != "POST" or page.not_ended:
        return _render(request, EntryForm(page))
    form = EntryForm(page, request.POST)
    result = _save(request, form)
    if result is None:
        return _render(request, form)
    messages.success(request, _saved_message(result))
    return redirect("entry", slug=slug, period=period)


@login_required
@require_POST
def entry_submit(request: SignedInRequest, slug: str, period: str) -> HttpResponse:
    """Save what the form holds, then send the period's figures for approval."""
    page = selectors.entry_page(request.user, slug, period)
    form = EntryForm(page, request.POST)
    if page.not_ended:
        return _render(request, EntryForm(page))
    # Watched here rather than by `says_if_work_waits`: a refused submit renders this page
    # with the "Saved" message, and the note belongs beside it.
    with queue.queued_work() as work:
        result = _save(request, form)
        if result is None:
            return _render(request, form)
        if result.saved:
            messages.success(request, _saved_message(result))
        try:
            submitted = services.figures_submit(
                user=request.user,
                authority=page.authority,
                period=page.period,
            )
        except ValidationError as refused:
            if work.waiting:
                messages.warning(request, FIGURES_CATCH_UP)
            fresh = EntryForm(selectors.entry_page(request.user, slug, period))
            fresh.add_refusal(refused)
            return _render(request, fresh)
    count = len(submitted.submitted)
    if count:
        messages.success(
            request, f"Submitted {count} figure{'' if count == 1 else 's'} for approval"
        )
    else:
        messages.info(request, "Nothing to submit: every figure is already submitted or approved.")
    if work.waiting:
        messages.warning(request, FIGURES_CATCH_UP)
    return redirect("entry", slug=slug, period=period)
