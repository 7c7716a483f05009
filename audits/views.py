"""The quality assurance pages. Thin: access and reads through `selectors` (which asks
`accounts.access`), each write through one service, then back to the page."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import SignedInRequest

from . import charts, forms, logs, selectors, services
from .models import (
    Action,
    AuditProgramme,
    CaseAudit,
    Finding,
    ImprovementPlan,
    Inspection,
    PracticeObservation,
    PracticeWeek,
    Priority,
)


@login_required
@require_GET
def quality(request: SignedInRequest, slug: str) -> HttpResponse:
    page = selectors.quality_page(request.user, slug)
    return render(
        request,
        "audits/quality.html",
        {
            "page": page,
            "distribution_chart": charts.judgement_distribution(page.quarters),
            "distribution_summary": charts.judgement_distribution_summary(page.quarters),
            "trend_chart": charts.good_or_better_trend(page.quarters),
            "trend_summary": charts.good_or_better_summary(page.quarters),
            "themes_chart": charts.learning_themes(page.themes),
            "themes_summary": charts.learning_themes_summary(page.themes),
        },
    )


def _record(
    request: SignedInRequest,
    *,
    form: BaseForm,
    save: Callable[[], Any],
    authority: Any,
    title: str,
    saved: str,
) -> HttpResponse:
    """Show the form; on a valid POST, call the service and go back to the page."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, saved)
            return redirect("audits:quality", slug=authority.slug)
    first = next(iter(form.fields), "")
    return render(
        request,
        "audits/record_form.html",
        {
            "form": form,
            "authority": authority,
            "title": title,
            "first_field_id": f"id_{first}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(
    request: SignedInRequest, slug: str, programme_id: int | None = None
) -> HttpResponse:
    if programme_id is None:
        authority, programme = selectors.recorder_authority(request.user, slug), None
    else:
        authority, programme = selectors.owned(request.user, slug, AuditProgramme, programme_id)
    form = forms.ProgrammeForm(request.POST or None, instance=programme, authority=authority)
    return _record(
        request,
        form=form,
        save=lambda: services.programme_save(
            user=request.user, authority=authority, values=form.values(), programme=programme
        ),
        authority=authority,
        title="Change an audit programme" if programme else "Add an audit programme",
        saved="Saved the audit programme.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_edit(request: SignedInRequest, slug: str, audit_id: int | None = None) -> HttpResponse:
    if audit_id is None:
        authority, audit = selectors.recorder_authority(request.user, slug), None
    else:
        authority, audit = selectors.owned(request.user, slug, CaseAudit, audit_id)
    form = forms.CaseAuditForm(request.POST or None, instance=audit, authority=authority)

    def save() -> CaseAudit:
        values = form.values()
        return services.case_audit_save(
            user=request.user,
            authority=authority,
            audit=audit,
            themes=list(form.cleaned_data["themes"]),
            **values,
        )

    return _record(
        request,
        form=form,
        save=save,
        authority=authority,
        title="Change a case audit" if audit else "Add a case audit",
        saved="Saved the case audit; the quarter’s summary figures are updated.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(
    request: SignedInRequest, slug: str, finding_id: int | None = None
) -> HttpResponse:
    if finding_id is None:
        authority, finding = selectors.recorder_authority(request.user, slug), None
    else:
        authority, finding = selectors.owned(request.user, slug, Finding, finding_id)
    form = forms.FindingForm(request.POST or None, instance=finding, authority=authority)
    return _record(
        request,
        form=form,
        save=lambda: services.finding_save(
            user=request.user,
            authority=authority,
            values=form.values(),
            themes=list(form.cleaned_data["themes"]),
            finding=finding,
        ),
        authority=authority,
        title="Change a finding" if finding else "Add a finding",
        saved="Saved the finding.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_add(request: SignedInRequest, slug: str) -> HttpResponse:
    authority = selectors.recorder_authority(request.user, slug)
    form = forms.ThemeForm(request.POST or None)
    return _record(
        request,
        form=form,
        save=lambda: services.learning_theme_add(
            user=request.user, authority=authority, name=form.cleaned_data["name"]
        ),
        authority=authority,
        title="Add a learning theme",
        saved="Saved the learning theme.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_edit(
    request: SignedInRequest, slug: str, observation_id: int | None = None
) -> HttpResponse:
    if observation_id is None:
        authority, observation = selectors.recorder_authority(request.user, slug), None
    else:
        authority, observation = selectors.owned(
            request.user, slug, PracticeObservation, observation_id
        )
    form = forms.ObservationForm(request.POST or None, instance=observation, authority=authority)
    return _record(
        request,
        form=form,
        save=lambda: services.observation_save(
            user=request.user, authority=authority, values=form.values(), observation=observation
        ),
        authority=authority,
        title="Change a practice observation" if observation else "Add a practice observation",
        saved="Saved the practice observation.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_week_edit(
    request: SignedInRequest, slug: str, week_id: int | None = None
) -> HttpResponse:
    if week_id is None:
        authority, week = selectors.recorder_authority(request.user, slug), None
    else:
        authority, week = selectors.owned(request.user, slug, PracticeWeek, week_id)
    form = forms.PracticeWeekForm(request.POST or None, instance=week, authority=authority)
    return _record(
        request,
        form=form,
        save=lambda: services.practice_week_save(
            user=request.user, authority=authority, values=form.values(), week=week
        ),
        authority=authority,
        title="Change a practice week" if week else "Add a practice week",
        saved="Saved the practice week.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(
    request: SignedInRequest, slug: str, inspection_id: int | None = None
) -> HttpResponse:
    if inspection_id is None:
        authority, inspection = selectors.recorder_authority(request.user, slug), None
    else:
        authority, inspection = selectors.owned(request.user, slug, Inspection, inspection_id)
    form = forms.InspectionForm(request.POST or None, instance=inspection, authority=authority)
    return _record(
        request,
        form=form,
        save=lambda: services.inspection_save(
            user=request.user, authority=authority, values=form.values(), inspection=inspection
        ),
        authority=authority,
        title="Change an inspection or visit" if inspection else "Add an inspection or visit",
        saved="Saved the inspection or visit.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: SignedInRequest, slug: str, plan_id: int | None = None) -> HttpResponse:
    if plan_id is None:
        authority, plan = selectors.recorder_authority(request.user, slug), None
    else:
        authority, plan = selectors.owned(request.user, slug, ImprovementPlan, plan_id)
    form = forms.PlanForm(request.POST or None, instance=plan, authority=authority)
    return _record(
        request,
        form=form,
        save=lambda: services.plan_save(
            user=request.user, authority=authority, values=form.values(), plan=plan
        ),
        authority=authority,
        title="Change an improvement plan" if plan else "Add an improvement plan",
        saved="Saved the improvement plan.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(
    request: SignedInRequest,
    slug: str,
    plan_id: int | None = None,
    priority_id: int | None = None,
) -> HttpResponse:
    """Add a priority to a plan (the address names the plan), or change one (it names the
    priority)."""
    priority: Priority | None
    if priority_id is not None:
        authority, priority = selectors.owned(request.user, slug, Priority, priority_id)
        plan = priority.plan
    elif plan_id is not None:
        authority, plan = selectors.owned(request.user, slug, ImprovementPlan, plan_id)
        priority = None
    else:
        raise Http404("There is no such plan.")
    form = forms.PriorityForm(request.POST or None, instance=priority)
    return _record(
        request,
        form=form,
        save=lambda: services.priority_save(
            user=request.user, plan=plan, values=form.values(), priority=priority
        ),
        authority=authority,
        title=f"Change a priority of {plan.name}" if priority else f"Add a priority to {plan.name}",
        saved="Saved the priority.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: SignedInRequest, slug: str, priority_id: int) -> HttpResponse:
    authority, priority = selectors.owned(request.user, slug, Priority, priority_id)
    form = forms.ActionForm(request.POST or None)
    return _record(
        request,
        form=form,
        save=lambda: services.action_save(
            user=request.user, priority=priority, values=form.values()
        ),
        authority=authority,
        title=f"Add an action to “{priority.title}”",
        saved="Saved the action.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: SignedInRequest, slug: str, action_id: int) -> HttpResponse:
    authority, action = selectors.owned(request.user, slug, Action, action_id)
    form = forms.ActionForm(request.POST or None, instance=action)
    return _record(
        request,
        form=form,
        save=lambda: services.action_save(
            user=request.user, priority=action.priority, values=form.values(), action=action
        ),
        authority=authority,
        title="Change an action",
        saved="Saved the action.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_update_add(request: SignedInRequest, slug: str, action_id: int) -> HttpResponse:
    authority, action = selectors.owned(request.user, slug, Action, action_id)
    form = forms.ActionUpdateForm(request.POST or None)
    return _record(
        request,
        form=form,
        save=lambda: services.action_update_add(
            user=request.user, action=action, **form.cleaned_data
        ),
        authority=authority,
        title=f"Progress on “{action.text[:80]}”",
        saved="Saved the progress update.",
    )


# --- removing a record: a confirmation page, then a POST -------------------------------------


def _removal_page(
    model: type[Any], remove: Callable[..., object], keyword: str, removed: str
) -> Callable[..., HttpResponse]:
    """The remove page of one kind of record: GET shows what would be removed and what follows
    from it, and asks why; a POST with a reason removes it through `remove` (given the record
    as `keyword`) and goes back to the quality page saying `removed` (where "{record}" names
    the record)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: SignedInRequest, slug: str, **record_id: int) -> HttpResponse:
        # The address names the record by one id (audit_id, finding_id...).
        (pk,) = record_id.values()
        removal = selectors.removal(request.user, slug, model, pk)
        form = forms.RemovalForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                remove(
                    user=request.user,
                    authority=removal.authority,
                    reason=form.cleaned_data["reason"],
                    **{keyword: removal.record},
                )
            except ValidationError as refusal:
                _refused(form, refusal)
            else:
                messages.success(request, removed.format(record=removal.record))
                return redirect("audits:quality", slug=removal.authority.slug)
        return render(
            request,
            "audits/confirm_remove.html",
            {"removal": removal, "authority": removal.authority, "form": form},
        )

    return view


def _refused(form: BaseForm, refusal: ValidationError) -> None:
    """A service's refusal shown on the form: against its field where it names one."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(refusal.messages))


audit_delete = _removal_page(
    CaseAudit,
    services.case_audit_delete,
    "audit",
    "Removed the case audit {record}; the quarter’s summary figures are worked out again.",
)
finding_delete = _removal_page(Finding, services.finding_delete, "finding", "Removed the finding.")
observation_delete = _removal_page(
    PracticeObservation,
    services.observation_delete,
    "observation",
    "Removed the practice observation.",
)
practice_week_delete = _removal_page(
    PracticeWeek, services.practice_week_delete, "week", "Removed the practice week."
)
inspection_delete = _removal_page(
    Inspection, services.inspection_delete, "inspection", "Removed the inspection or visit."
)
action_delete = _removal_page(Action, services.action_delete, "action", "Removed the action.")


@login_required
@require_GET
def removals(request: SignedInRequest, slug: str) -> HttpResponse:
    """The record of removals: what was removed, when, by whom and why, newest first."""
    page = selectors.removals_page(request.user, slug, request.GET.get("page"))
    return render(request, "audits/removals.html", {"page": page, "authority": page.authority})


@login_required
@require_GET
def log_template(request: SignedInRequest, slug: str) -> HttpResponse:
    """A blank audit-results log: its header row, as CSV."""
    authority = selectors.recorder_authority(request.user, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{authority.slug}-audit-log-template.csv"'
    )
    csv.writer(response).writerow(logs.log_header())
    return response


def quality_url(slug: str) -> str:
    return reverse("audits:quality", kwargs={"slug": slug})
