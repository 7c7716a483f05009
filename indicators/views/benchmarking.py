"""The benchmarking page: one indicator across a group of authorities, ranked, for a period.
Thin: the selector checks access (through `accounts.access`) and ranks; `charts` draws."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators import benchmarking, charts


@login_required
def indicator_benchmarking(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    page = benchmarking.benchmark_page(
        request.user,
        slug,
        code,
        group_key=request.GET.get("group", ""),
        period_key=request.GET.get("period", ""),
    )
    context = {"page": page, "chart": charts.benchmark_bars(page) if page.ranked else None}
    # A group or period that is not on the lists is a bad request, answered with the form
    # and a message saying what to choose.
    status = 400 if page.errors else 200
    return render(request, "indicators/benchmarking.html", context, status=status)
