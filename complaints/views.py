"""Thin views: the selector checks access (through accounts.access), a form validates, one
service writes, a template renders."""

from __future__ import annotations

import csv
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import charts, selectors, services
from .forms import (
    AddFlagForm,
    CommentForm,
    ComplaintForm,
    ComplimentForm,
    QuestionFormSet,
    ResponseForm,
    SurveyForm,
)
from .models import Compliment
from .redaction import PLACEHOLDER
from .selectors import Permission


def _voice_url(slug: str) -> str:
    return reverse("complaints:voice", args=[slug])


def _refused(form: django_forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form, against its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def voice(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.voice_page(request.user, slug)
    return render(
        request,
        "complaints/voice.html",
        {"page": page, "charts": charts.voice_charts(page)},
    )


@login_required
def quotes_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The cleared quotes and comments as CSV: redacted text only, formulae escaped."""
    authority = selectors.authority_for(request.user, slug, Permission.VIEW_FIGURES)
    rows = selectors.cleared_quotes(request.user, authority, limit=10_000)
    rows += selectors.cleared_comments(request.user, authority, limit=10_000)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-quotes.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "source", "text"])
    for row in rows:
        text = f"'{row.text}" if row.text[:1] in ("=", "+", "-", "@") else row.text
        writer.writerow([row.received.isoformat(), row.where, text])
    return response


@login_required
def complaint_list(request: HttpRequest, slug: str) -> HttpResponse:
    authority, complaints = selectors.complaint_log(request.user, slug)
    can_edit = selectors.access.can(request.user, Permission.EDIT_FIGURES, authority)
    return render(
        request,
        "complaints/complaint_list.html",
        {"authority": authority, "complaints": complaints, "can_edit": can_edit},
    )


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, context, status=status)


@login_required
def complaint_add(request: HttpRequest, slug: str) -> HttpResponse:
    authority = selectors.authority_for(request.user, slug, Permission.EDIT_FIGURES)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_create(
                user=request.user,  # type: ignore[arg-type]
                authority=authority,
                reference=data["reference"],
                stage=data["stage"],
                received=data["received"],
                responded=data["responded"],
                outcome=data["outcome"],
                extended=data["extended"],
                team=data["team"],
                themes=data["themes"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Complaint {data['reference']} added.")
            return redirect(reverse("complaints:complaints", args=[slug]))
    return _form_page(
        request,
        "complaints/form.html",
        {"authority": authority, "form": form, "title": "Add a complaint", "button": "Add"},
        status=400 if form.errors else 200,
    )


@login_required
def complaint_respond(request: HttpRequest, slug: str, complaint_id: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, slug, complaint_id)
    initial = {
        "responded": complaint.responded,
        "outcome": complaint.outcome,
        "extended": complaint.extended,
    }
    form = ResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_respond(
                user=request.user,  # type: ignore[arg-type]
                complaint=complaint,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Response to {complaint.reference} recorded.")
            return redirect(reverse("complaints:complaints", args=[slug]))
    return _form_page(
        request,
        "complaints/form.html",
        {
            "authority": complaint.authority,
            "form": form,
            "title": f"Record the response to {complaint.reference}",
            "button": "Save the response",
        },
        status=400 if form.errors else 200,
    )


@login_required
def compliment_add(request: HttpRequest, slug: str) -> HttpResponse:
    authority = selectors.authority_for(request.user, slug, Permission.EDIT_FIGURES)
    form = ComplimentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            compliment = services.compliment_create(
                user=request.user,  # type: ignore[arg-type]
                authority=authority,
                **{**form.cleaned_data},
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            if compliment.is_cleared:
                messages.success(request, "Compliment added.")
                return redirect(_voice_url(slug))
            messages.success(
                request, "Compliment added. Review its quote before it can be shown anywhere."
            )
            return redirect(
                reverse("complaints:redaction_review", args=[slug, "compliment", compliment.pk])
            )
    return _form_page(
        request,
        "complaints/form.html",
        {"authority": authority, "form": form, "title": "Add a compliment", "button": "Add"},
        status=400 if form.errors else 200,
    )


@login_required
def survey_add(request: HttpRequest, slug: str) -> HttpResponse:
    authority = selectors.authority_for(request.user, slug, Permission.EDIT_FIGURES)
    form = SurveyForm(request.POST or None)
    questions = QuestionFormSet(request.POST or None, prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        given = [
            services.QuestionInput(
                text=q["text"],
                percent_positive=q["percent_positive"],
                respondents=q.get("respondents"),
                measure=q.get("measure") or "",
            )
            for q in questions.cleaned_data
            if q.get("text")
        ]
        try:
            services.survey_create(
                user=request.user,  # type: ignore[arg-type]
                authority=authority,
                questions=given,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Survey results added.")
            return redirect(_voice_url(slug))
    has_errors = bool(form.errors) or any(questions.errors) if request.method == "POST" else False
    return _form_page(
        request,
        "complaints/survey_form.html",
        {"authority": authority, "form": form, "questions": questions},
        status=400 if has_errors else 200,
    )


@login_required
def comment_add(request: HttpRequest, slug: str) -> HttpResponse:
    authority, surveys = selectors.surveys_for(request.user, slug)
    form = CommentForm(request.POST or None)
    form.fields["survey"] = django_forms.TypedChoiceField(
        choices=[("", "Choose the survey"), *[(s.pk, str(s)) for s in surveys]], coerce=int
    )
    form.order_fields(["survey", "text"])
    if request.method == "POST" and form.is_valid():
        survey = selectors.survey_for(request.user, slug, form.cleaned_data["survey"])
        try:
            comment = services.survey_comment_add(
                user=request.user,  # type: ignore[arg-type]
                survey=survey,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Comment added. Review it before it can be shown.")
            return redirect(
                reverse("complaints:redaction_review", args=[slug, "comment", comment.pk])
            )
    return _form_page(
        request,
        "complaints/form.html",
        {
            "authority": authority,
            "form": form,
            "title": "Add a comment from a survey",
            "button": "Add",
        },
        status=400 if form.errors else 200,
    )


@login_required
def redaction_queue(request: HttpRequest, slug: str) -> HttpResponse:
    authority, items = selectors.redaction_queue(request.user, slug)
    return render(
        request, "complaints/redaction_queue.html", {"authority": authority, "items": items}
    )


@login_required
def redaction_review(request: HttpRequest, slug: str, item_kind: str, item_id: int) -> HttpResponse:
    authority, item = selectors.redaction_item(request.user, slug, item_kind, item_id)
    add_form = AddFlagForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST" and not item.is_cleared:
        try:
            if request.POST.get("action") == "add":
                if add_form.is_valid():
                    item = services.redaction_flag_add(
                        user=request.user,  # type: ignore[arg-type]
                        item=item,
                        words=add_form.cleaned_data["words"],
                    )
                    return redirect(request.path)
                status = 400
            elif request.POST.get("action") == "confirm":
                keep = [int(v) for v in request.POST.getlist("keep") if v.isdigit()]
                services.redaction_confirm(user=request.user, item=item, keep=keep)  # type: ignore[arg-type]
                messages.success(request, "Cleared: the redacted words can now be shown.")
                return redirect(reverse("complaints:redaction_queue", args=[slug]))
        except ValidationError as error:
            _refused(add_form, error)
            status = 400
    flags = [
        {"index": index, "words": item.text[start:end], "kind": kind}
        for index, (start, end, kind) in enumerate(item.flags)
    ]
    from .redaction import Span, redact

    preview = redact(item.text, [Span(start, end, kind) for start, end, kind in item.flags])
    return render(
        request,
        "complaints/redaction_review.html",
        {
            "authority": authority,
            "item": item,
            "item_kind": "Compliment" if isinstance(item, Compliment) else "Survey comment",
            "flags": flags,
            "preview": preview,
            "placeholder": PLACEHOLDER,
            "add_form": add_form,
        },
        status=status,
    )
