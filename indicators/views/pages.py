"""Pages for performance officers and team managers. Thin: access and reads go through
`selectors`, which asks `accounts.access`; charts are built in `charts`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access
from indicators import charts, dashboards, lineage, selectors


@login_required
def start(request: HttpRequest) -> HttpResponse:
    context = {
        "entries": selectors.start_entries(request.user),
        "can_import": access.is_admin(request.user),
        "comparator_waiting": (
            selectors.comparator_figures_waiting(request.user).count()
            if access.is_admin(request.user)
            else 0
        ),
    }
    return render(request, "indicators/start.html", context)


@login_required
def authority_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The team managers' dashboard: the authority's latest snapshot."""
    try:
        page = dashboards.dashboard_page(
            request.user,
            slug,
            theme=request.GET.get("theme", ""),
            scope=request.GET.get("scope", ""),
        )
    except dashboards.UnknownFilter as unknown:
        raise Http404(str(unknown)) from unknown
    return render(request, "indicators/dashboard.html", {"page": page})


@login_required
def indicator_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    page = selectors.indicator_page(request.user, slug, code)
    # Reorganisations within the trend's periods: a labelled break on the chart and in words.
    breaks = lineage.trend_breaks(page.authority, page.trend_rows) if page.has_trend else []
    context = {
        "page": page,
        "chart": charts.indicator_trend(page, breaks) if page.has_trend else None,
        "lineage_breaks": breaks,
        "breakdowns": [(table, charts.breakdown_bars(page, table)) for table in page.breakdowns],
        "neighbour_chart": (
            charts.neighbour_bars(page, page.neighbours)
            if page.neighbours is not None and page.neighbours.has_chart
            else None
        ),
    }
    return render(request, "indicators/indicator_detail.html", context)
