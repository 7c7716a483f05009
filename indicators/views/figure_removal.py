"""Removing a draft figure saved by mistake: a confirmation page, then one service call."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import SignedInRequest
from indicators.selectors.figure_removal import DraftRemovalPage, draft_removal_page
from indicators.services.figure_removal import figure_draft_remove


class DraftRemovalForm(forms.Form):
    reason = forms.CharField(
        label="Why are you removing it?",
        help_text="For example: entered for the wrong month. The reason is kept with the removal.",
        required=False,  # the service says a blank reason is refused, beside this field
        max_length=1000,
        widget=forms.Textarea,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def _render(
    request: SignedInRequest, page: DraftRemovalPage, form: DraftRemovalForm
) -> HttpResponse:
    return render(request, "indicators/entry/remove_draft.html", {"page": page, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def remove_draft(request: SignedInRequest, slug: str, period: str, code: str) -> HttpResponse:
    page = draft_removal_page(request.user, slug, period, code)
    if request.method != "POST" or page.refusal:
        return _render(request, page, DraftRemovalForm(initial={"version": page.figure.version}))
    form = DraftRemovalForm(request.POST)
    if not form.is_valid():
        return _render(request, page, form)
    try:
        removal = figure_draft_remove(
            user=request.user,
            figure=page.figure,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as refused:
        form.add_error(None, refused)  # a blank reason goes beside its field
        return _render(request, page, form)
    messages.success(request, f"Removed the draft figure: {removal.summary}")
    return redirect("entry", slug=slug, period=period)
