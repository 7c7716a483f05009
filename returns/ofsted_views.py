"""The page of Ofsted judgements (docs/0027). Thin: the read is `ofsted_pages.judgements_page`,
which asks who may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import SignedInRequest

from .forms import JudgementsDateForm
from .ofsted_pages import judgements_page


@login_required
def judgements(request: SignedInRequest) -> HttpResponse:
    form = JudgementsDateForm(request.GET or None)
    on = timezone.localdate()
    if form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    page = judgements_page(request.user, on)
    return render(request, "returns/ofsted_judgements.html", {"page": page, "form": form})
