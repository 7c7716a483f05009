"""The scrutiny pack pages. Thin: every read through `selectors` (which asks
`accounts.access`, so a refusal is a 403 or a 404), every change through one service; a
refusal by a service (a step out of order, an empty comment) re-shows the page with a GOV.UK
error summary."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import SignedInRequest

from . import charts, cover, forms, pdf, public, rules, selectors, services
from .markdown import render as render_markdown
from .models import LAID_OUT_KINDS


@login_required
@require_GET
def packs(request: SignedInRequest, slug: str) -> HttpResponse:
    page = selectors.pack_list(request.user, slug)
    return render(request, "scrutiny/packs.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def pack_add(request: SignedInRequest, slug: str) -> HttpResponse:
    authority = selectors.composer_authority(request.user, slug)
    form = forms.PackForm(request.POST or None, nation=authority.nation)
    if request.method == "POST" and form.is_valid():
        try:
            pack = services.pack_create(user=request.user, authority=authority, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, "Created the pack with its template’s sections.")
            return redirect("scrutiny:pack_compose", slug=slug, pack_id=pack.pk)
    return render(request, "scrutiny/pack_form.html", {"form": form, "authority": authority})


def _compose(
    request: SignedInRequest,
    slug: str,
    pack_id: int,
    *,
    errors: list[str] | None = None,
    add_form: forms.SectionAddForm | None = None,
    return_form: forms.ReturnForm | None = None,
) -> HttpResponse:
    page = selectors.compose_page(request.user, slug, pack_id)
    return render(
        request,
        "scrutiny/compose.html",
        {
            "page": page,
            "errors": [{"message": error} for error in errors or []],
            "add_form": add_form or forms.SectionAddForm(),
            "return_form": return_form or forms.ReturnForm(),
            "public_version": public.version_block(request.user, page.pack),
        },
        status=400 if errors or (add_form and add_form.errors) else 200,
    )


@login_required
@require_GET
def pack_compose(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    return _compose(request, slug, pack_id)


def _step(
    request: SignedInRequest, slug: str, pack_id: int, change: Callable[[], Any], done: str
) -> HttpResponse:
    """One change through one service, then back to the composing page (or the page again,
    with the service's refusal in the error summary)."""
    try:
        change()
    except ValidationError as refusal:
        return _compose(request, slug, pack_id, errors=refusal.messages)
    messages.success(request, done)
    return redirect("scrutiny:pack_compose", slug=slug, pack_id=pack_id)


@login_required
@require_POST
def section_add(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    pack = selectors.pack_to_edit(request.user, slug, pack_id)
    form = forms.SectionAddForm(request.POST)
    if not form.is_valid():
        return _compose(request, slug, pack_id, add_form=form)
    return _step(
        request,
        slug,
        pack_id,
        lambda: services.section_add(user=request.user, pack=pack, **form.cleaned_data),
        "Added the section at the end of the pack.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(
    request: SignedInRequest, slug: str, pack_id: int, section_id: int
) -> HttpResponse:
    page = selectors.section_page(request.user, slug, pack_id, section_id)
    section = page.section
    initial: dict[str, Any] = {
        "title": section.title,
        "narrative": section.narrative,
        "indicators": page.chosen,
        "layout": section.layout,
        "exempt_paragraph": section.exempt_paragraph or 0,
    }
    form = forms.SectionForm(
        request.POST or None,
        initial=initial,
        lists_indicators=page.lists_indicators,
        offered=page.offered,
        lays_out=section.kind in LAID_OUT_KINDS,
    )
    preview = render_markdown(section.narrative)
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["narrative"])
        else:
            try:
                services.section_edit(user=request.user, section=section, **form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, " ".join(refusal.messages))
            else:
                messages.success(request, f"Saved “{form.cleaned_data['title']}”.")
                return redirect("scrutiny:pack_compose", slug=slug, pack_id=pack_id)
    return render(
        request,
        "scrutiny/section_form.html",
        {
            "form": form,
            "page": page,
            "section": section,
            "pack": section.pack,
            "preview": preview,
            "ticked": form.ticked(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def section_move(
    request: SignedInRequest, slug: str, pack_id: int, section_id: int
) -> HttpResponse:
    section = selectors.section_to_edit(request.user, slug, pack_id, section_id)
    direction = request.POST.get("direction", "")
    return _step(
        request,
        slug,
        pack_id,
        lambda: services.section_move(user=request.user, section=section, direction=direction),
        f"Moved “{section.title}” {direction}.",
    )


@login_required
@require_POST
def section_remove(
    request: SignedInRequest, slug: str, pack_id: int, section_id: int
) -> HttpResponse:
    section = selectors.section_to_edit(request.user, slug, pack_id, section_id)
    return _step(
        request,
        slug,
        pack_id,
        lambda: services.section_remove(user=request.user, section=section),
        f"Removed “{section.title}”.",
    )


def _workflow_step(
    service: Callable[..., Any], done: str
) -> Callable[[SignedInRequest, str, int], HttpResponse]:
    """A POST-only view for a workflow step that takes only the pack (submit, approve,
    publish): the pack for those who follow it, the change through `service`."""

    @login_required
    @require_POST
    def view(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
        pack = selectors.pack_to_follow(request.user, slug, pack_id)
        return _step(request, slug, pack_id, lambda: service(user=request.user, pack=pack), done)

    return view


pack_approve = _workflow_step(
    services.pack_approve, "Approved the pack. It can now be published to councillors."
)
pack_publish = _workflow_step(
    services.pack_publish,
    "Published the pack: councillors can read it, and its figures are frozen as they stand.",
)


@login_required
@require_POST
def pack_return(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    pack = selectors.pack_to_review(request.user, slug, pack_id)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        return _compose(
            request,
            slug,
            pack_id,
            errors=[str(error) for errors in form.errors.values() for error in errors],
            return_form=form,
        )
    return _step(
        request,
        slug,
        pack_id,
        lambda: services.pack_return(
            user=request.user, pack=pack, comment=form.cleaned_data["comment"]
        ),
        "Returned the pack to draft with your comment.",
    )


@login_required
@require_GET
def pack_read(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    page = selectors.reading_page(request.user, slug, pack_id)
    # Drawn only when the body is not already cached under the page's digest (read.html).
    sections = functools.cache(
        lambda: charts.reading_sections(page.sections, own_name=page.pack.authority.name)
    )
    context = {"page": page, "sections": sections, "version": cover.pack_version(page.pack)}
    return render(request, "scrutiny/read.html", context)


@login_required
@require_GET
def pack_pdf(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    """The reading view as a PDF download, for whoever may read the pack; where this server
    cannot make PDFs, a page that says so (and that the reading view prints)."""
    page = selectors.reading_page(request.user, slug, pack_id)
    try:
        document = pdf.pack_document(page)
    except pdf.PdfUnavailable as missing:
        return render(
            request,
            "scrutiny/pdf_unavailable.html",
            {"pack": page.pack, "reason": str(missing)},
            status=503,
        )
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


# --- submitting, deleting and public versions (docs/0023) ----------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pack_submit(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    """Submit a draft for review (the pack page's button posts here). Refused, or asked for
    with GET, the page lists what stops it: each red or worsening indicator without
    commentary, with a link to where its commentary is entered."""
    pack = selectors.pack_to_edit(request.user, slug, pack_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.pack_submit(user=request.user, pack=pack)
        except ValidationError as refusal:
            errors = refusal.messages
        else:
            messages.success(request, "Submitted the pack for review.")
            return redirect("scrutiny:pack_compose", slug=slug, pack_id=pack_id)
    checks = rules.submit_checks(pack, user=request.user)
    return render(
        request,
        "scrutiny/submit.html",
        {"pack": pack, "checks": checks, "errors": [{"message": e} for e in errors]},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pack_delete(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    """Delete a draft, after a confirmation page."""
    pack = selectors.pack_to_delete(request.user, slug, pack_id)
    errors: list[str] = []
    if request.method == "POST":
        title = pack.title
        try:
            services.pack_delete(user=request.user, pack=pack)
        except ValidationError as refusal:
            errors = refusal.messages
        else:
            messages.success(request, f"Deleted the draft pack “{title}”.")
            return redirect("scrutiny:packs", slug=slug)
    return render(
        request,
        "scrutiny/pack_delete.html",
        {"pack": pack, "errors": [{"message": e} for e in errors]},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def pack_public(request: SignedInRequest, slug: str, pack_id: int) -> HttpResponse:
    """Switch the public version on (`switch=on`) or off."""
    pack = selectors.pack_to_follow(request.user, slug, pack_id)
    if request.POST.get("switch") == "on":
        return _step(
            request,
            slug,
            pack_id,
            lambda: public.public_version_on(user=request.user, pack=pack),
            "Made a public version: anyone with its link can read the pack, less its exempt "
            "sections and case-level findings.",
        )
    return _step(
        request,
        slug,
        pack_id,
        lambda: public.public_version_off(user=request.user, pack=pack),
        "Switched off the public version: its link no longer opens the pack.",
    )
