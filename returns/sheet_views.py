"""Spreadsheet pages: an authority's imports (its performance officers upload figures and
targets there), the templates, and the exports. Thin: access through the selectors (which ask
`accounts.access`), one service or selector per request. The batch page itself is shared with
every other import (`returns.views.batch_detail`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import SignedInRequest
from indicators import downloads
from indicators import selectors as indicator_selectors

from . import selectors, services, spreadsheet_files
from .forms import SheetUploadForm


def _download(content: bytes, file_name: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=spreadsheet_files.FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{file_name}.{file_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _format(fmt: str) -> str:
    if fmt not in spreadsheet_files.FORMATS:
        raise Http404("Spreadsheets come as xlsx or csv.")
    return fmt


@login_required
def authority_imports(request: SignedInRequest, slug: str) -> HttpResponse:
    page = selectors.authority_sheets(request.user, slug)
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                authority=page.authority,
            )
        except ValidationError as refusal:
            form.add_error("file", refusal)
        else:
            return redirect("returns:batch", batch_id=batch.pk)
    return render(request, "returns/authority_sheets.html", {"page": page, "form": form})


@login_required
def authority_export(request: SignedInRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    file_format = _format(fmt)
    rows = selectors.authority_export(request.user, slug, table)
    content = spreadsheet_files.export(rows.table, file_format, rows.header, rows.rows)
    return _download(content, rows.file_name, file_format)


@login_required
def indicator_download(request: SignedInRequest, slug: str, code: str, fmt: str) -> HttpResponse:
    """Every number of an indicator page, as the page shows it to this user (the page's
    selector checks access)."""
    file_format = _format(fmt)
    page = indicator_selectors.indicator_page(request.user, slug, code)
    tables = downloads.page_tables(page)
    if file_format == "csv":
        content = spreadsheet_files.csv_file(*downloads.one_sheet(tables))
    else:
        content = spreadsheet_files.xlsx_file(tables)
    return _download(content, page.file_name, file_format)


@login_required
def sheets(request: SignedInRequest) -> HttpResponse:
    return render(request, "returns/sheets.html", {"tables": selectors.sheet_tables(request.user)})


@login_required
def sheet_template(request: SignedInRequest, table: str, fmt: str) -> HttpResponse:
    file_format = _format(fmt)
    # From an authority's page the template lists only the measures due from it.
    reference = selectors.template_reference(request.user, table, request.GET.get("authority", ""))
    content = spreadsheet_files.template(table, file_format, reference)
    return _download(content, f"{table}-template", file_format)


@login_required
def sheet_reference(request: SignedInRequest, reference: str, fmt: str) -> HttpResponse:
    file_format = _format(fmt)
    rows = selectors.reference_export(request.user, reference)
    content = spreadsheet_files.export(rows.table, file_format, rows.header, rows.rows)
    return _download(content, rows.file_name, file_format)
