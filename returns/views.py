"""Import pages, for admins: upload, review findings, commit, reject, roll back, browse.
Thin: access through the selectors (which ask `accounts.access`), one service per action."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import SignedInRequest

from . import rule_reports, selectors, services
from .forms import UploadForm
from .models import BatchStatus


@login_required
def batch_list(request: SignedInRequest) -> HttpResponse:
    services.batches_stalled_fail()  # as on a batch's page: the list shows where each stands
    batches = selectors.batches(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                authority=form.cleaned_data.get("authority"),
                collection_year=form.cleaned_data.get("collection_year"),
                population=form.cleaned_data.get("population"),
            )
        except ValidationError as refusal:
            form.add_error("file", refusal)
        else:
            return redirect("returns:batch", batch_id=batch.pk)
    return render(request, "returns/batch_list.html", {"batches": batches, "form": form})


@login_required
def batch_detail(request: SignedInRequest, batch_id: int) -> HttpResponse:
    # The system's bookkeeping first: a batch whose worker died says so, and offers its way
    # out, on the page itself, even where no beat runs the sweep (the embedded default).
    services.batches_stalled_fail(batch_ids=[batch_id])
    page = selectors.batch_page(request.user, batch_id)
    rules = rule_reports.rule_review(page.batch)
    return render(request, "returns/batch_detail.html", {"page": page, "rules": rules})


def _act(request: SignedInRequest, batch_id: int, action: str) -> HttpResponse:
    batch = selectors.batch_for_action(request.user, batch_id)
    # Commit and rollback are done by a worker: the batch page follows their progress.
    services_by_action: dict[str, Callable[..., object]] = {
        "commit": partial(
            services.batch_commit_request,
            # The review page's confirmation that the return's DfE rule errors are accepted.
            accept_rule_errors=request.POST.get("accept_rule_errors") == "yes",
        ),
        "reject": services.batch_reject,
        "retry": services.batch_retry,
        "rollback": services.batch_rollback_request,
    }
    service = services_by_action[action]
    try:
        service(user=request.user, batch=batch)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        # Read again: with no broker the worker's part has already run in this request.
        batch.refresh_from_db(fields=["status", "message"])
        outcome = OUTCOMES.get(batch.status)
        if outcome and not batch.message:
            messages.success(request, outcome.format(name=batch.file_name))
    return redirect("returns:batch", batch_id=batch_id)


# What the person who pressed the button is told, by where the batch has got to. A refusal by
# the worker is the batch's message, shown on its page.
OUTCOMES: dict[str, str] = {
    BatchStatus.COMMITTED: "Committed {name}.",
    BatchStatus.COMMITTING: "{name} is being committed: this page shows how far it has got.",
    BatchStatus.ROLLED_BACK: "Rolled back {name}.",
    BatchStatus.ROLLING_BACK: "{name} is being rolled back: this page shows how far it has got.",
    BatchStatus.REJECTED: "Rejected {name}.",
    BatchStatus.VALIDATING: "{name} is being validated again: this page shows how far it has got.",
    BatchStatus.READY: "Validated {name} again.",
}


@login_required
def batch_progress(request: SignedInRequest, batch_id: int) -> JsonResponse:
    """Where a batch's validation, commit or rollback has got to, for the page to follow
    (which reloads, showing the way out, once a batch whose worker died is given up)."""
    services.batches_stalled_fail(batch_ids=[batch_id])
    return JsonResponse(selectors.batch_progress(request.user, batch_id).as_json())


@login_required
@require_POST
def batch_commit(request: SignedInRequest, batch_id: int) -> HttpResponse:
    return _act(request, batch_id, "commit")


@login_required
@require_POST
def batch_reject(request: SignedInRequest, batch_id: int) -> HttpResponse:
    return _act(request, batch_id, "reject")


@login_required
@require_POST
def batch_rollback(request: SignedInRequest, batch_id: int) -> HttpResponse:
    return _act(request, batch_id, "rollback")


@login_required
@require_POST
def batch_retry(request: SignedInRequest, batch_id: int) -> HttpResponse:
    return _act(request, batch_id, "retry")


REPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def batch_rule_report(request: SignedInRequest, batch_id: int, fmt: str) -> HttpResponse:
    """A statutory return's DfE rule failures, row by row, built from its file while it is in
    review (docs/0028): whoever may see the batch may download it. Gone (410) once the file
    is deleted, on commit, rejection or expiry."""
    batch = selectors.batch_for_rule_report(request.user, batch_id)
    if fmt not in REPORT_TYPES:
        raise Http404("There is no such report.")
    if not rule_reports.report_available(batch):
        context = {"batch": batch, "days": settings.IMPORT_RETURN_FILE_DAYS}
        return render(request, "returns/rule_report_gone.html", context, status=410)
    build = rule_reports.report_csv if fmt == "csv" else rule_reports.report_xlsx
    response = HttpResponse(build(batch), content_type=REPORT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="import-{batch.pk}-dfe-rule-failures.{fmt}"'
    )
    # Child-level data: no copy kept by a browser or proxy.
    response["Cache-Control"] = "no-store"
    return response
