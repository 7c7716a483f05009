"""The committee questions and actions pages (docs/0022). Thin: every read through
`question_selectors` (which asks `accounts.access`, so a refusal is a 403 or a 404), every
change through one `question_services` function; a service's refusal re-shows the form with a
GOV.UK error summary."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import SignedInRequest

from . import question_forms, question_selectors, question_services
from .models import CommitteeQuestion, QuestionStatus


def _list_url(question: CommitteeQuestion) -> str:
    """Back to the list, showing the question's committee, answered and closed ones too."""
    query = urlencode({"committee": question.committee, "show": "all"})
    return f"{reverse('scrutiny:questions', args=[question.authority.slug])}?{query}"


@login_required
@require_GET
def questions(request: SignedInRequest, slug: str) -> HttpResponse:
    page = question_selectors.questions_page(
        request.user,
        slug,
        committee=request.GET.get("committee", ""),
        show=request.GET.get("show", "open"),
    )
    return render(request, "scrutiny/questions.html", {"page": page})


def _initial_meeting(request: SignedInRequest) -> dict[str, Any]:
    """A question added from a pack's page starts with that pack's committee and meeting."""
    initial: dict[str, Any] = {"committee": request.GET.get("committee", "")}
    with contextlib.suppress(ValueError):
        initial["meeting_date"] = date.fromisoformat(request.GET.get("meeting", ""))
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: SignedInRequest, slug: str) -> HttpResponse:
    authority = question_selectors.keeper_authority(request.user, slug)
    form = question_forms.QuestionForm(
        request.POST or None, authority=authority, initial=_initial_meeting(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            question = question_services.question_add(
                user=request.user, authority=authority, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, f"Recorded the {question.get_kind_display().lower()}.")
            return redirect(_list_url(question))
    return render(
        request,
        "scrutiny/questions_form.html",
        {"form": form, "authority": authority, "question": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: SignedInRequest, slug: str, question_id: int) -> HttpResponse:
    """The question's page: its details to correct, and its history."""
    detail = question_selectors.question_detail(request.user, slug, question_id)
    question = detail.question
    initial = {
        "committee": question.committee,
        "meeting_date": question.meeting_date,
        "kind": question.kind,
        "asked_by": question.asked_by,
        "text": question.text,
        "owner_user": question.owner_user_id,
        "owner_name": question.owner_name,
        "due": question.due,
    }
    form = question_forms.QuestionForm(
        request.POST or None, authority=question.authority, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_edit(
                user=request.user, question=question, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, "Saved the changes.")
            return redirect(_list_url(question))
    return render(
        request,
        "scrutiny/questions_form.html",
        {
            "form": form,
            "authority": question.authority,
            "question": question,
            "events": detail.events,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_answer(request: SignedInRequest, slug: str, question_id: int) -> HttpResponse:
    question = question_selectors.question_to_keep(request.user, slug, question_id)
    answered_on = question.answered_on or timezone.localdate()
    initial = {"answer": question.answer, "answered_on": answered_on}
    form = question_forms.AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_answer(
                user=request.user, question=question, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, "Recorded the answer: it will show in the next pack.")
            return redirect(_list_url(question))
    return render(
        request,
        "scrutiny/questions_answer.html",
        {"form": form, "question": question, "closing": False},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_close(request: SignedInRequest, slug: str, question_id: int) -> HttpResponse:
    question = question_selectors.question_to_keep(request.user, slug, question_id)
    form = question_forms.CloseForm(
        request.POST or None, initial={"closed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_close(
                user=request.user, question=question, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, f"Closed the {question.get_kind_display().lower()}.")
            return redirect(_list_url(question))
    return render(
        request,
        "scrutiny/questions_answer.html",
        {
            "form": form,
            "question": question,
            "closing": True,
            "is_closed": question.status == QuestionStatus.CLOSED,
        },
        status=400 if form.errors else 200,
    )
