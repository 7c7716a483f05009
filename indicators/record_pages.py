"""The parts of the record-keeping pages that every app recording an authority's records shares
(audits and complaints build on indicators, so both may use it): a service's refusal shown on
the form, the reason asked for before a removal, the POST that removes, and the record of
removals page. Each app keeps its own wording, templates and addresses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def refusal_show(form: forms.BaseForm, refusal: ValidationError) -> None:
    """A service's refusal shown on the form: against its field where it names one of the
    form's fields, else above the form."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


def removal_reason_field(help_text: str) -> forms.CharField:
    """The reason for removing a record: kept with the removal on the record of removals,
    which the authority's managers read. `help_text` gives the app's own examples."""
    return forms.CharField(
        label="Why are you removing it?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
        error_messages={
            "required": "Say why you are removing it",
            "max_length": "Keep the reason to 1,000 characters or fewer",
        },
    )


def removal_submit(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    remove: Callable[[str], object],
    done: Callable[[], str],
    back: str,
) -> HttpResponse | None:
    """A POST of a removal's confirmation page: with a reason, remove the record through
    `remove(reason)`, say `done()` and go `back`. None when the page is to be shown (again,
    with the refusal or the missing reason on the form)."""
    if request.method == "POST" and form.is_valid():
        try:
            remove(form.cleaned_data["reason"])
        except ValidationError as refusal:
            refusal_show(form, refusal)
        else:
            messages.success(request, done())
            return redirect(back)
    return None


def removals_view(
    page_for: Callable[[Any, str, str | None], Any], template: str
) -> Callable[..., HttpResponse]:
    """The record of removals of one app: what was removed, when, by whom and why, newest
    first. `page_for(user, slug, page_number)` is the app's selector (it checks access); its
    page names the authority."""

    @login_required
    @require_GET
    def removals(request: HttpRequest, slug: str) -> HttpResponse:
        page = page_for(request.user, slug, request.GET.get("page"))
        return render(request, template, {"page": page, "authority": page.authority})

    return removals
