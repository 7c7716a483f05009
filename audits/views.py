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
from indicators.models import Area
from indicators.record_pages import removal_submit, removals_view

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


def _recording(
    request: SignedInRequest, slug: str, model: type[Any], pk: int | None
) -> tuple[Area, Any]:
    """The authority to record in and the record to change: none when the address names no
    record (the page adds one)."""
    if pk is None:
        return selectors.recorder_authority(request.user, slug), None
    return selectors.owned(request.user, slug, model, pk)


def _record(
    request: SignedInRequest,
    *,
    form: BaseForm,
    save: Callable[[], Any],
    authority: Area,
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
def audit_edit(request: SignedInRequest, slug: str, audit_id: int | None = None) -> HttpResponse:
    authority, audit = _recording(request, slug, CaseAudit, audit_id)
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
    authority, finding = _recording(request, slug, Finding, finding_id)
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


# --- adding or changing a record of the authority: one form, one service -------------------


def _edit_page(
    model: type[Any],
    form_class: type[forms.AuthorityRecordForm],
    save: Callable[..., object],
    keyword: str,
    *,
    add: str,
    change: str,
    saved: str,
) -> Callable[..., HttpResponse]:
    """The page that adds a record of one kind (the address names none) or changes one (it
    names it by one id): the form, then `save(user=, authority=, values=)` with the record as
    `keyword` (None when adding), then back to the quality page saying `saved`. `add` and
    `change` are the page's titles."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: SignedInRequest, slug: str, **record_id: int) -> HttpResponse:
        authority, record = _recording(request, slug, model, next(iter(record_id.values()), None))
        form = form_class(request.POST or None, instance=record, authority=authority)
        return _record(
            request,
            form=form,
            save=lambda: save(
                user=request.user,
                authority=authority,
                values=form.values(),
                **{keyword: record},
            ),
            authority=authority,
            title=change if record else add,
            saved=saved,
        )

    return view


programme_edit = _edit_page(
    AuditProgramme,
    forms.ProgrammeForm,
    services.programme_save,
    "programme",
    add="Add an audit programme",
    change="Change an audit programme",
    saved="Saved the audit programme.",
)
observation_edit = _edit_page(
    PracticeObservation,
    forms.ObservationForm,
    services.observation_save,
    "observation",
    add="Add a practice observation",
    change="Change a practice observation",
    saved="Saved the practice observation.",
)
practice_week_edit = _edit_page(
    PracticeWeek,
    forms.PracticeWeekForm,
    services.practice_week_save,
    "week",
    add="Add a practice week",
    change="Change a practice week",
    saved="Saved the practice week.",
)
inspection_edit = _edit_page(
    Inspection,
    forms.InspectionForm,
    services.inspection_save,
    "inspection",
    add="Add an inspection or visit",
    change="Change an inspection or visit",
    saved="Saved the inspection or visit.",
)
plan_edit = _edit_page(
    ImprovementPlan,
    forms.PlanForm,
    services.plan_save,
    "plan",
    add="Add an improvement plan",
    change="Change an improvement plan",
    saved="Saved the improvement plan.",
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
        removed_page = removal_submit(
            request,
            form,
            remove=lambda reason: remove(
                user=request.user,
                authority=removal.authority,
                reason=reason,
                **{keyword: removal.record},
            ),
            done=lambda: removed.format(record=removal.record),
            back=quality_url(removal.authority.slug),
        )
        if removed_page is not None:
            return removed_page
        return render(
            request,
            "audits/confirm_remove.html",
            {"removal": removal, "authority": removal.authority, "form": form},
        )

    return view


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


removals = removals_view(selectors.removals_page, "audits/removals.html")


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
