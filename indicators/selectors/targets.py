"""The targets pages: every rated indicator's target for a financial year, and one target
with its history of changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404

from accounts import access
from accounts.access import Permission

from ..formatting import format_target
from ..models import Area, Indicator, Period, PeriodKind, Target, TargetChange, Theme
from .start import authority_for, period_for

if TYPE_CHECKING:
    from .start import AnyUser


@dataclass(frozen=True)
class TargetRow:
    indicator: Indicator
    target: Target | None
    text: str


@dataclass(frozen=True)
class TargetsPage:
    authority: Area
    year: Period
    years: list[Period]
    themes: list[tuple[Theme, list[TargetRow]]]
    can_edit: bool


def targets_page(user: AnyUser, slug: str, year_key: str | None, today: date) -> TargetsPage:
    """Every rated indicator with its target (or none) for one financial year."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    if year_key:
        year = period_for(year_key)
        if year.kind != PeriodKind.FINANCIAL_YEAR:
            raise Http404("Targets are set for financial years.")
    else:
        year = Period.objects.get_or_create_for(PeriodKind.FINANCIAL_YEAR, today)
    targets = {
        target.indicator_id: target
        for target in Target.objects.filter(authority=authority, financial_year=year)
    }
    themes: dict[int, tuple[Theme, list[TargetRow]]] = {}
    for indicator in (
        Indicator.objects.applicable_to(authority)
        .exclude(polarity="none")
        .select_related("theme")
        .order_by("theme__order", "theme__name", "order", "title")
    ):
        target = targets.get(indicator.id)
        text = (
            format_target(target.lower, target.upper, indicator.unit, indicator.decimals)
            if target
            else "no target"
        )
        themes.setdefault(indicator.theme_id, (indicator.theme, []))[1].append(
            TargetRow(indicator, target, text)
        )
    current = Period.objects.get_or_create_for(PeriodKind.FINANCIAL_YEAR, today)
    years = list(
        Period.objects.filter(
            Q(pk__in=Target.objects.filter(authority=authority).values("financial_year"))
            | Q(pk=current.pk)
            | Q(pk=year.pk)
        ).order_by("-start")
    )
    return TargetsPage(
        authority=authority,
        year=year,
        years=years,
        themes=list(themes.values()),
        can_edit=access.can(user, Permission.EDIT_FIGURES, authority),
    )


@dataclass(frozen=True)
class TargetEdit:
    authority: Area
    indicator: Indicator
    year: Period
    target: Target | None
    history: list[TargetChange]


def target_edit(user: AnyUser, slug: str, code: str, year_key: str) -> TargetEdit:
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    year = period_for(year_key)
    if year.kind != PeriodKind.FINANCIAL_YEAR:
        raise Http404("Targets are set for financial years.")
    try:
        indicator = Indicator.objects.select_related("theme").get(code=code)
    except Indicator.DoesNotExist as missing:
        raise Http404("There is no indicator with this code.") from missing
    if not indicator.applies_in(authority.nation):
        # No target is set for a measure the authority is not asked for (issue 17).
        raise Http404(f"{indicator.code} does not apply to {authority.name}'s nation.")
    target = Target.objects.filter(
        authority=authority, indicator=indicator, financial_year=year
    ).first()
    history = (
        list(target.changes.select_related("changed_by").order_by("-changed_at", "-id"))
        if target
        else []
    )
    return TargetEdit(authority, indicator, year, target, history)
