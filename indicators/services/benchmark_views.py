"""Saved views of the benchmarking grid (issue 18): a user's named choice of rows and measures.
A view is its owner's alone: only they save, change or delete it (the pages answer anyone else
with "not found"; these services refuse them again, for any other caller)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import access

from ..selectors import grid as grid_selectors
from ..view_models import BenchmarkView, GridRows

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    from ..selectors.grid import GridSpec


def _require_owner(user: User, view: BenchmarkView) -> None:
    if view.owner_id != user.pk:
        raise PermissionDenied("Only the person who saved a view can change or delete it.")


def benchmark_view_save(
    *,
    user: User | AnonymousUser | None,
    name: str,
    spec: GridSpec,
    view: BenchmarkView | None = None,
) -> BenchmarkView:
    """Save `spec` as a new view named `name`, or as the new content of the user's `view`.
    Refused (ValidationError, by field) when the name is taken among the user's views or the
    rows or measures cannot make a grid, checked as the form checks them."""
    person = access.require_person(user, doing="save a benchmarking view")
    access.require_grid_user(person)
    if view is not None:
        _require_owner(person, view)
    problems: dict[str, str] = {}
    name = name.strip()
    if not name:
        problems["name"] = "Give the view a name."
    elif len(name) > 80:
        problems["name"] = "Give the view a name of at most 80 characters."
    rows_problem = grid_selectors.rows_problem(spec.rows, spec.area, spec.neighbour_set)
    if rows_problem:
        problems["rows"] = rows_problem
    measures_problem = grid_selectors.measures_problem(spec.indicator_codes, spec.area.nation)
    if measures_problem:
        problems["measures"] = measures_problem
    taken = BenchmarkView.objects.filter(owner=person, name=name)
    if view is not None:
        taken = taken.exclude(pk=view.pk)
    if name and "name" not in problems and taken.exists():
        problems["name"] = f"You already have a view called {name}: choose another name."
    if problems:
        raise ValidationError(problems)
    saved = view or BenchmarkView(owner=person)
    saved.name = name
    saved.rows = spec.rows
    saved.area = spec.area
    saved.neighbour_set = spec.neighbour_set if spec.rows == GridRows.NEIGHBOURS else None
    saved.indicator_codes = list(spec.indicator_codes)
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError as clash:
        # Two saves of the same name at once: the second meets the unique constraint.
        raise ValidationError(
            {"name": f"You already have a view called {name}: choose another name."}
        ) from clash
    return saved


def benchmark_view_delete(*, user: User | AnonymousUser | None, view: BenchmarkView) -> None:
    person = access.require_person(user, doing="delete a benchmarking view")
    _require_owner(person, view)
    view.delete()
