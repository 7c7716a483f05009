"""The Turning the Curve pages. Thin: every read through `curves` (which asks
`accounts.access`, so a refusal is a 403 or a 404), every change through one service in
`curve_services`; a refusal re-shows the form with a GOV.UK error summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import SignedInRequest
from indicators.models import Area

from . import curve_forms, curve_services, curves
from .curve_charts import baseline_chart
from .models import CurveReport, Pack


@login_required
@require_GET
def curve_list(request: SignedInRequest, slug: str) -> HttpResponse:
    page = curves.report_list(request.user, slug)
    return render(request, "scrutiny/curve_list.html", {"page": page})


@login_required
@require_GET
def curve_read(request: SignedInRequest, slug: str, report_id: int) -> HttpResponse:
    page = curves.report_page(request.user, slug, report_id)
    chart = baseline_chart(page.content, "curve-chart", own_name=page.report.authority.name)
    return render(
        request,
        "scrutiny/curve_read.html",
        {"page": page, "curve": {**page.content, "chart": chart}},
    )


@login_required
@require_GET
def curve_history(request: SignedInRequest, slug: str, report_id: int) -> HttpResponse:
    page = curves.history_page(request.user, slug, report_id)
    return render(request, "scrutiny/curve_history.html", {"page": page})


def _form_page(
    request: SignedInRequest, authority: Area, report: CurveReport | None
) -> HttpResponse:
    """The add and edit page: the report's words and its action plan, saved together by one
    service (which keeps a version), or shown again with what was wrong."""
    actions = curves.plan_actions(authority)
    posted = request.POST if request.method == "POST" else None
    form = curve_forms.CurveReportForm(
        posted,
        initial=curve_forms.CurveReportForm.initial_for(report) if report else None,
        nation=authority.nation,
    )
    formset = curve_forms.CurveActionFormSet(
        posted,
        initial=curve_forms.action_initial(report) if report else None,
        form_kwargs={"actions": actions},
        prefix="actions",
    )
    if posted is not None and form.is_valid() and formset.is_valid():
        planned = [row.planned() for row in formset.forms if not row.is_blank]
        words: dict[str, Any] = {
            key: form.cleaned_data[key]
            for key in ("title", "indicator", "story", "partners", "what_works")
        }
        try:
            if report is None:
                report = curve_services.report_create(
                    user=request.user, authority=authority, actions=planned, **words
                )
            else:
                curve_services.report_edit(
                    user=request.user, report=report, actions=planned, **words
                )
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, f"Saved “{report.title}”. The earlier version is kept.")
            return redirect("scrutiny:curve_read", slug=authority.slug, report_id=report.pk)
    row_errors = [
        {"message": f"Action {number}: {error}", "href": f"#id_actions-{number - 1}-{name}"}
        for number, row in enumerate(formset.forms, start=1)
        for name, errors in row.errors.items()
        for error in errors
    ]
    return render(
        request,
        "scrutiny/curve_form.html",
        {
            "form": form,
            "formset": formset,
            "row_errors": row_errors,
            "authority": authority,
            "report": report,
            "has_errors": bool(form.errors or row_errors),
        },
        status=400 if form.errors or row_errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def curve_add(request: SignedInRequest, slug: str) -> HttpResponse:
    return _form_page(request, curves.writer_authority(request.user, slug), None)


@login_required
@require_http_methods(["GET", "POST"])
def curve_edit(request: SignedInRequest, slug: str, report_id: int) -> HttpResponse:
    report = curves.report_to_edit(request.user, slug, report_id)
    return _form_page(request, report.authority, report)


@login_required
@require_POST
def curve_add_to_pack(request: SignedInRequest, slug: str, report_id: int) -> HttpResponse:
    report = curves.report_to_edit(request.user, slug, report_id)
    try:
        pack = Pack.objects.get(pk=int(request.POST.get("pack", "")), authority=report.authority)
    except (ValueError, Pack.DoesNotExist) as missing:
        raise Http404("There is no such pack for this authority.") from missing
    try:
        curve_services.add_to_pack(user=request.user, report=report, pack=pack)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("scrutiny:curve_read", slug=slug, report_id=report.pk)
    messages.success(request, f"Added “{report.title}” as the last section of “{pack.title}”.")
    return redirect("scrutiny:pack_compose", slug=slug, pack_id=pack.pk)
