"""The public version of a published pack (docs/0023): no sign-in, opened by the token in its
address. Reads only, through `selectors.public_reading_page`, which filters what may not be
published; a token that opens nothing is a 404, whoever asks."""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import charts, cover, pdf, public, selectors


@require_GET
def public_read(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    page = selectors.public_reading_page(slug, token)
    sections = functools.cache(
        lambda: charts.reading_sections(page.sections, own_name=page.pack.authority.name)
    )
    context = {"page": page, "sections": sections, "version": cover.pack_version(page.pack)}
    response = render(request, "scrutiny/public_read.html", context)
    return public.public_headers(response)


@require_GET
def public_pdf(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    page = selectors.public_reading_page(slug, token)
    try:
        document = pdf.pack_document(page)
    except pdf.PdfUnavailable as missing:
        response = render(
            request,
            "scrutiny/pdf_unavailable.html",
            {
                "pack": page.pack,
                "reason": str(missing),
                "read_url": reverse("scrutiny:public_read", args=[slug, token]),
            },
            status=503,
        )
        return public.public_headers(response)
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return public.public_headers(response)
