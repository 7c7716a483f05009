"""The benchmarking grid (issue 18): many authorities by many measures. A user's saved views
(list, new, open, change, delete, download) and an unsaved grid tried from the form's GET
parameters, which can then be saved. Thin: who may use it and what each cell shows are the
selector's (`selectors.grid`, through `accounts.access`); saving is the service's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import access
from accounts.access import SignedInRequest

from .. import grid_downloads
from ..grid_forms import GridForm, GridSaveForm
from ..selectors import grid as grid_selectors
from ..selectors.grid import Grid, GridSpec
from ..services import benchmark_views
from ..view_models import BenchmarkView

FORM_FIELDS = ("rows", "region", "authority", "neighbour_set", "group", "measures")


def _choices() -> dict[str, Any]:
    """What the form's lists offer."""
    return {
        "regions": grid_selectors.regions(),
        "groups": grid_selectors.groups(),
        "authorities": grid_selectors.authorities(),
        "neighbour_sets": grid_selectors.neighbour_sets(),
    }


def _nations(request: SignedInRequest) -> set[str]:
    return grid_selectors.nations_of(request.user)


def _download(grid: Grid, fmt: str, view_name: str = "") -> HttpResponse:
    if fmt not in grid_downloads.FORMATS:
        raise Http404("The grid downloads as xlsx or csv.")
    content = grid_downloads.grid_csv(grid) if fmt == "csv" else grid_downloads.grid_xlsx(grid)
    response = HttpResponse(content, content_type=grid_downloads.FORMATS[fmt])
    name = grid_downloads.file_name(grid, view_name)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _tried_form(request: SignedInRequest) -> GridForm:
    """The form of the "try" page: bound when the address carries any of its fields."""
    asked = any(field in request.GET for field in FORM_FIELDS)
    return GridForm(request.GET if asked else None, nations=_nations(request))


@login_required
def grid_views(request: SignedInRequest) -> HttpResponse:
    views = grid_selectors.views_of(request.user)
    return render(request, "indicators/grid_list.html", {"views": views})


@login_required
def grid_try(request: SignedInRequest) -> HttpResponse:
    access.require_grid_user(request.user)
    form = _tried_form(request)
    grid = None
    if form.is_bound and form.is_valid():
        grid = grid_selectors.benchmark_grid(request.user, form.spec())
    context = {
        "form": form,
        "grid": grid,
        "query": request.GET.urlencode(),
        **_choices(),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "indicators/grid_try.html", context, status=status)


@login_required
def grid_try_download(request: SignedInRequest, fmt: str) -> HttpResponse:
    access.require_grid_user(request.user)
    form = GridForm(request.GET, nations=_nations(request))
    if not form.is_valid():
        context = {"form": form, "grid": None, "query": "", **_choices()}
        return render(request, "indicators/grid_try.html", context, status=400)
    return _download(grid_selectors.benchmark_grid(request.user, form.spec()), fmt)


def _save_page(
    request: SignedInRequest, form: GridSaveForm, view: BenchmarkView | None
) -> HttpResponse:
    context = {"form": form, "view": view, **_choices()}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "indicators/grid_form.html", context, status=status)


def _saved(
    request: SignedInRequest, form: GridSaveForm, view: BenchmarkView | None
) -> BenchmarkView | None:
    """The view saved from a valid form, or None with the refusal on the form."""
    if not form.is_valid():
        return None
    try:
        return benchmark_views.benchmark_view_save(
            user=request.user, name=form.cleaned_data["name"], spec=form.spec(), view=view
        )
    except ValidationError as refusal:
        for field, errors in refusal.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@login_required
def grid_create(request: SignedInRequest) -> HttpResponse:
    """A new view: from the form, or from a grid tried first (its GET parameters)."""
    access.require_grid_user(request.user)
    if request.method == "POST":
        form = GridSaveForm(request.POST, nations=_nations(request))
        view = _saved(request, form, None)
        if view is not None:
            messages.success(request, f"Saved the view {view.name}.")
            return redirect("grid_view", view_id=view.pk)
        return _save_page(request, form, None)
    initial: dict[str, Any] = {
        field: request.GET.getlist(field) if field == "measures" else request.GET.get(field)
        for field in FORM_FIELDS
        if field in request.GET
    }
    return _save_page(request, GridSaveForm(initial=initial, nations=_nations(request)), None)


@login_required
def grid_view(request: SignedInRequest, view_id: int) -> HttpResponse:
    view = grid_selectors.view_of(request.user, view_id)
    grid = grid_selectors.benchmark_grid(request.user, GridSpec.of_view(view))
    context = {"view": view, "grid": grid, "try_url": try_address(GridSpec.of_view(view))}
    return render(request, "indicators/grid_view.html", context)


@login_required
def grid_edit(request: SignedInRequest, view_id: int) -> HttpResponse:
    view = grid_selectors.view_of(request.user, view_id)
    if request.method == "POST":
        form = GridSaveForm(request.POST, nations=_nations(request))
        saved = _saved(request, form, view)
        if saved is not None:
            messages.success(request, f"Saved the changes to {saved.name}.")
            return redirect("grid_view", view_id=saved.pk)
        return _save_page(request, form, view)
    form = GridSaveForm(initial=GridSaveForm.initial_for(view), nations=_nations(request))
    return _save_page(request, form, view)


@login_required
def grid_delete(request: SignedInRequest, view_id: int) -> HttpResponse:
    """A GET asks to confirm; the POST deletes."""
    view = grid_selectors.view_of(request.user, view_id)
    if request.method == "POST":
        name = view.name
        benchmark_views.benchmark_view_delete(user=request.user, view=view)
        messages.success(request, f"Deleted the view {name}.")
        return redirect("grid_views")
    return render(request, "indicators/grid_delete.html", {"view": view})


@login_required
def grid_download(request: SignedInRequest, view_id: int, fmt: str) -> HttpResponse:
    view = grid_selectors.view_of(request.user, view_id)
    grid = grid_selectors.benchmark_grid(request.user, GridSpec.of_view(view))
    return _download(grid, fmt, view.name)


def try_address(spec: GridSpec) -> str:
    """The "try" page's address for a spec: how a saved view is opened for changes unsaved."""
    query = QueryDict(mutable=True)
    for key, value in spec.query().items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return f"{reverse('grid_try')}?{query.urlencode()}"
