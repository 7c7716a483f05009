"""Thin views: the selector checks access (through accounts.access), a form validates, one
service writes, a template renders."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Permission, SignedInRequest
from indicators.formatting import spreadsheet_safe
from indicators.record_pages import refusal_show, removal_submit, removals_view

from . import charts, selectors, services
from .forms import (
    AddFlagForm,
    CommentForm,
    ComplaintForm,
    ComplimentForm,
    QuestionFormSet,
    RemovalForm,
    ResponseForm,
    SurveyForm,
)
from .models import Compliment
from .redaction import PLACEHOLDER

Saved = TypeVar("Saved")


def _voice_url(slug: str) -> str:
    return reverse("complaints:voice", args=[slug])


def _submitted(form: django_forms.BaseForm, save: Callable[[], Saved]) -> Saved | None:
    """What the service `save` wrote for a valid form; None when it refused, the refusal then
    shown on the form."""
    try:
        return save()
    except ValidationError as refusal:
        refusal_show(form, refusal)
        return None


@login_required
def voice(request: SignedInRequest, slug: str) -> HttpResponse:
    page = selectors.voice_page(request.user, slug)
    return render(
        request,
        "complaints/voice.html",
        {"page": page, "charts": charts.voice_charts(page)},
    )


removals = removals_view(selectors.removals_page, "complaints/removals.html")


@login_required
def quotes_csv(request: SignedInRequest, slug: str) -> HttpResponse:
    """The cleared quotes and comments as CSV: redacted text only, formulae escaped."""
    authority = selectors.authority_for(request.user, slug, Permission.VIEW_FIGURES)
    rows = selectors.cleared_quotes(request.user, authority, limit=10_000)
    rows += selectors.cleared_comments(request.user, authority, limit=10_000)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-quotes.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "source", "text"])
    for row in rows:
        writer.writerow([row.received.isoformat(), row.where, spreadsheet_safe(row.text)])
    return response


@login_required
def complaint_list(request: SignedInRequest, slug: str) -> HttpResponse:
    authority, complaints = selectors.complaint_log(request.user, slug)
    can_edit = access.can(request.user, Permission.EDIT_FIGURES, authority)
    return render(
        request,
        "complaints/complaint_list.html",
        {"authority": authority, "complaints": complaints, "can_edit": can_edit},
    )


def _form_page(
    request: SignedInRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, context, status=status)


def _record_form_page(
    request: SignedInRequest,
    form: django_forms.Form,
    *,
    save: Callable[[dict[str, Any]], Saved],
    saved: Callable[[Saved], HttpResponse],
    page: dict[str, Any],
) -> HttpResponse:
    """An add, change or respond page (complaints/form.html): a valid POST is written by the
    service `save(cleaned data)`, and `saved(what it wrote)` says so and moves on; otherwise
    the form is shown, again with its errors or the service's refusal (status 400)."""
    if request.method == "POST" and form.is_valid():
        written = _submitted(form, lambda: save(form.cleaned_data))
        if written is not None:
            return saved(written)
    return _form_page(
        request,
        "complaints/form.html",
        {**page, "form": form},
        status=400 if form.errors else 200,
    )


def _complaints_page_after(request: SignedInRequest, slug: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("complaints:complaints", args=[slug]))


def _compliment_saved(
    request: SignedInRequest, slug: str, compliment: Compliment, *, done: str, review: str
) -> HttpResponse:
    """After a compliment is written: back to the voice page when its quote is clear, else on
    to reviewing the quote, which is shown nowhere until then."""
    if compliment.is_cleared:
        messages.success(request, done)
        return redirect(_voice_url(slug))
    messages.success(request, review)
    return redirect(
        reverse("complaints:redaction_review", args=[slug, "compliment", compliment.pk])
    )


@login_required
def complaint_add(request: SignedInRequest, slug: str) -> HttpResponse:
    authority = selectors.authority_for(request.user, slug, Permission.EDIT_FIGURES)
    form = ComplaintForm(request.POST or None)
    return _record_form_page(
        request,
        form,
        save=lambda data: services.complaint_create(user=request.user, authority=authority, **data),
        saved=lambda _added: _complaints_page_after(
            request, slug, f"Complaint {form.cleaned_data['reference']} added."
        ),
        page={"authority": authority, "title": "Add a complaint", "button": "Add"},
    )


@login_required
def complaint_respond(request: SignedInRequest, slug: str, complaint_id: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, slug, complaint_id)
    initial = {
        "responded": complaint.responded,
        "outcome": complaint.outcome,
        "extended": complaint.extended,
    }
    return _record_form_page(
        request,
        ResponseForm(request.POST or None, initial=initial),
        save=lambda data: services.complaint_respond(
            user=request.user, complaint=complaint, **data
        ),
        saved=lambda _answered: _complaints_page_after(
            request, slug, f"Response to {complaint.reference} recorded."
        ),
        page={
            "authority": complaint.authority,
            "title": f"Record the response to {complaint.reference}",
            "button": "Save the response",
        },
    )


@login_required
def compliment_add(request: SignedInRequest, slug: str) -> HttpResponse:
    authority = selectors.authority_for(request.user, slug, Permission.EDIT_FIGURES)
    return _record_form_page(
        request,
        ComplimentForm(request.POST or None),
        save=lambda data: services.compliment_create(
            user=request.user, authority=authority, **data
        ),
        saved=lambda compliment: _compliment_saved(
            request,
            slug,
            compliment,
            done="Compliment added.",
            review="Compliment added. Review its quote before it can be shown anywhere.",
        ),
        page={"authority": authority, "title": "Add a compliment", "button": "Add"},
    )


@login_required
def survey_add(request: SignedInRequest, slug: str) -> HttpResponse:
    authority = selectors.authority_for(request.user, slug, Permission.EDIT_FIGURES)
    form = SurveyForm(request.POST or None)
    questions = QuestionFormSet(request.POST or None, prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        survey = _submitted(
            form,
            lambda: services.survey_create(
                user=request.user,
                authority=authority,
                questions=_question_inputs(questions),
                **form.cleaned_data,
            ),
        )
        if survey is not None:
            messages.success(request, "Survey results added.")
            return redirect(_voice_url(slug))
    has_errors = bool(form.errors) or any(questions.errors) if request.method == "POST" else False
    return _form_page(
        request,
        "complaints/survey_form.html",
        {
            "authority": authority,
            "form": form,
            "questions": questions,
            "title": "Add survey results",
            "button": "Add the survey",
        },
        status=400 if has_errors else 200,
    )


@login_required
def comment_add(request: SignedInRequest, slug: str) -> HttpResponse:
    authority, surveys = selectors.surveys_for(request.user, slug)
    form = CommentForm(request.POST or None)
    form.fields["survey"] = django_forms.TypedChoiceField(
        choices=[("", "Choose the survey"), *[(s.pk, str(s)) for s in surveys]], coerce=int
    )
    form.order_fields(["survey", "text"])
    if request.method == "POST" and form.is_valid():
        survey = selectors.survey_for(request.user, slug, form.cleaned_data["survey"])
        comment = _submitted(
            form,
            lambda: services.survey_comment_add(
                user=request.user, survey=survey, text=form.cleaned_data["text"]
            ),
        )
        if comment is not None:
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
def redaction_queue(request: SignedInRequest, slug: str) -> HttpResponse:
    authority, items = selectors.redaction_queue(request.user, slug)
    return render(
        request, "complaints/redaction_queue.html", {"authority": authority, "items": items}
    )


@login_required
def redaction_review(
    request: SignedInRequest, slug: str, item_kind: str, item_id: int
) -> HttpResponse:
    authority, item = selectors.redaction_item(request.user, slug, item_kind, item_id)
    add_form = AddFlagForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST" and not item.is_cleared:
        try:
            if request.POST.get("action") == "add":
                if add_form.is_valid():
                    item = services.redaction_flag_add(
                        user=request.user,
                        item=item,
                        words=add_form.cleaned_data["words"],
                    )
                    return redirect(request.path)
                status = 400
            elif request.POST.get("action") == "confirm":
                keep = [int(v) for v in request.POST.getlist("keep") if v.isdigit()]
                services.redaction_confirm(user=request.user, item=item, keep=keep)
                messages.success(request, "Cleared: the redacted words can now be shown.")
                return redirect(reverse("complaints:redaction_queue", args=[slug]))
        except ValidationError as error:
            refusal_show(add_form, error)
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


# --- change and remove ------------------------------------------------------------------------


def _themes_text(themes: list[str]) -> str:
    return "; ".join(themes)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_change(request: SignedInRequest, slug: str, complaint_id: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, slug, complaint_id)
    initial = {
        "reference": complaint.reference,
        "stage": complaint.stage,
        "received": complaint.received,
        "responded": complaint.responded,
        "outcome": complaint.outcome,
        "extended": complaint.extended,
        "team": complaint.team,
        "themes": _themes_text(complaint.themes),
    }
    return _record_form_page(
        request,
        ComplaintForm(request.POST or None, initial=initial),
        save=lambda data: services.complaint_update(
            user=request.user, authority=complaint.authority, complaint=complaint, **data
        ),
        saved=lambda saved: _complaints_page_after(
            request,
            slug,
            f"Complaint {saved.reference} changed; the quarter’s summary figures are "
            "worked out again.",
        ),
        page={
            "authority": complaint.authority,
            "title": f"Change complaint {complaint.reference}",
            "button": "Save the changes",
            "hint": "Working days and whether it was answered in timescale are worked out "
            "from the dates.",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def compliment_change(request: SignedInRequest, slug: str, compliment_id: int) -> HttpResponse:
    compliment = selectors.compliment_for(request.user, slug, compliment_id)
    initial = {
        "received": compliment.received,
        "team": compliment.team,
        "themes": _themes_text(compliment.themes),
        "quote": compliment.text,
    }
    return _record_form_page(
        request,
        ComplimentForm(request.POST or None, initial=initial),
        save=lambda data: services.compliment_update(
            user=request.user, authority=compliment.authority, compliment=compliment, **data
        ),
        saved=lambda changed: _compliment_saved(
            request,
            slug,
            changed,
            done="Compliment changed.",
            review="Compliment changed. Its quote is shown nowhere until you review it again.",
        ),
        page={
            "authority": compliment.authority,
            "title": f"Change the compliment of {compliment.received:%-d %B %Y}",
            "button": "Save the changes",
            "hint": "A changed quote is flagged again and shown nowhere until it is reviewed.",
        },
    )


def _question_inputs(questions: Any) -> list[services.QuestionInput]:
    return [
        services.QuestionInput(
            text=q["text"],
            percent_positive=q["percent_positive"],
            respondents=q.get("respondents"),
            measure=q.get("measure") or "",
        )
        for q in questions.cleaned_data
        if q.get("text")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def survey_change(request: SignedInRequest, slug: str, survey_id: int) -> HttpResponse:
    survey, current = selectors.survey_with_questions(request.user, slug, survey_id)
    form = SurveyForm(
        request.POST or None,
        initial={
            "title": survey.title,
            "audience": survey.audience,
            "conducted_on": survey.conducted_on,
        },
    )
    questions = QuestionFormSet(
        request.POST or None,
        prefix="questions",
        initial=[
            {
                "text": q.text,
                "percent_positive": q.percent_positive,
                "respondents": q.respondents,
                "measure": q.measure,
            }
            for q in current
        ],
    )
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        updated = _submitted(
            form,
            lambda: services.survey_update(
                user=request.user,
                authority=survey.authority,
                survey=survey,
                questions=_question_inputs(questions),
                **form.cleaned_data,
            ),
        )
        if updated is not None:
            messages.success(
                request, "Survey results changed; the summary figures are worked out again."
            )
            return redirect(_voice_url(slug))
    has_errors = bool(form.errors) or any(questions.errors) if request.method == "POST" else False
    return _form_page(
        request,
        "complaints/survey_form.html",
        {
            "authority": survey.authority,
            "form": form,
            "questions": questions,
            "title": f"Change {survey.title}",
            "button": "Save the changes",
            "hint": "Empty a question’s text and % positive to remove it.",
        },
        status=400 if has_errors else 200,
    )


def _remove_page(
    request: SignedInRequest,
    *,
    authority: Any,
    what: str,
    facts: list[tuple[str, str]],
    consequence: str,
    remove: Callable[[str], object],
    done: str,
    back: str,
) -> HttpResponse:
    """GET: what the record is and what removing it does, and a question: why? POST with a
    reason: remove it through `remove(reason)`, say so, go back."""
    form = RemovalForm(request.POST if request.method == "POST" else None)
    removed_page = removal_submit(request, form, remove=remove, done=lambda: done, back=back)
    if removed_page is not None:
        return removed_page
    return render(
        request,
        "complaints/confirm_remove.html",
        {
            "authority": authority,
            "what": what,
            "facts": facts,
            "consequence": consequence,
            "back": back,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


SUMMARIES_AGAIN = "The quarter’s summary figures are worked out again without it."


@login_required
@require_http_methods(["GET", "POST"])
def complaint_remove(request: SignedInRequest, slug: str, complaint_id: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, slug, complaint_id)
    return _remove_page(
        request,
        authority=complaint.authority,
        what=f"complaint {complaint.reference}",
        facts=[
            ("Reference", complaint.reference),
            ("Stage", complaint.get_stage_display()),
            ("Received", f"{complaint.received:%-d %B %Y}"),
            ("Outcome", complaint.get_outcome_display() or "Not answered yet"),
        ],
        consequence=f"Removing it takes it out of the complaints log. {SUMMARIES_AGAIN}",
        remove=lambda reason: services.complaint_delete(
            user=request.user,
            authority=complaint.authority,
            complaint=complaint,
            reason=reason,
        ),
        done=f"Complaint {complaint.reference} removed; the summary figures are worked out again.",
        back=reverse("complaints:complaints", args=[slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def compliment_remove(request: SignedInRequest, slug: str, compliment_id: int) -> HttpResponse:
    compliment = selectors.compliment_for(request.user, slug, compliment_id)
    return _remove_page(
        request,
        authority=compliment.authority,
        what=f"the compliment of {compliment.received:%-d %B %Y}",
        facts=[
            ("Received", f"{compliment.received:%-d %B %Y}"),
            ("Team", compliment.team or "Not given"),
            ("Themes", _themes_text(compliment.themes) or "None"),
            ("Quote", compliment.get_redaction_state_display() if compliment.text else "None"),
        ],
        consequence=f"Removing it removes its quote too. {SUMMARIES_AGAIN}",
        remove=lambda reason: services.compliment_delete(
            user=request.user,
            authority=compliment.authority,
            compliment=compliment,
            reason=reason,
        ),
        done="Compliment removed; the summary figures are worked out again.",
        back=_voice_url(slug),
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_remove(request: SignedInRequest, slug: str, survey_id: int) -> HttpResponse:
    survey, questions = selectors.survey_with_questions(request.user, slug, survey_id)
    return _remove_page(
        request,
        authority=survey.authority,
        what=f"the survey {survey.title}",
        facts=[
            ("Survey", survey.title),
            ("Who answered", survey.get_audience_display()),
            ("Closed", f"{survey.conducted_on:%-d %B %Y}"),
            ("Questions", str(len(questions))),
        ],
        consequence=(f"Removing it removes its questions and its comments too. {SUMMARIES_AGAIN}"),
        remove=lambda reason: services.survey_delete(
            user=request.user,
            authority=survey.authority,
            survey=survey,
            reason=reason,
        ),
        done=f"{survey.title} removed; the summary figures are worked out again.",
        back=_voice_url(slug),
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_remove(request: SignedInRequest, slug: str, comment_id: int) -> HttpResponse:
    comment = selectors.comment_for(request.user, slug, comment_id)
    return _remove_page(
        request,
        authority=comment.survey.authority,
        what=f"a comment on {comment.survey.title}",
        facts=[
            ("Survey", comment.survey.title),
            ("Comment", comment.redacted_text if comment.is_cleared else "Awaiting review"),
        ],
        consequence="Removing it takes it off the voice page, packs and downloads.",
        remove=lambda reason: services.survey_comment_delete(
            user=request.user,
            authority=comment.survey.authority,
            comment=comment,
            reason=reason,
        ),
        done="Comment removed.",
        back=_voice_url(slug),
    )
