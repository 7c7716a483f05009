"""The comparator figures awaiting an admin's approval (docs/0025): submitted figures of areas
whose figures go through no authority's own review (England, Wales, regions, groups, and
authorities with no officers or managers here). `services.comparator_figures_approve`
approves them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts import access

from .. import periods
from ..models import Figure, FigureStatus

if TYPE_CHECKING:
    from .start import AnyUser


def comparator_figures_waiting(
    user: AnyUser, *, area_id: int | None = None, year_start: date | None = None
) -> QuerySet[Figure]:
    """The comparator figures awaiting approval, for an admin; of one area, and of periods
    beginning in one financial year (`year_start`, its 1 April), where given. A queryset, so
    the caller may group it, count it or narrow it further."""
    access.require_admin(user)
    waiting = Figure.objects.filter(status=FigureStatus.SUBMITTED).exclude(
        area_id__in=access.authorities_reviewed_by_members()
    )
    if area_id is not None:
        waiting = waiting.filter(area_id=area_id)
    if year_start is not None:
        first = periods.financial_year_start(year_start)
        waiting = waiting.filter(
            period__start__gte=first, period__start__lt=first.replace(year=first.year + 1)
        )
    return waiting
