"""The page that confirms the removal of a draft figure saved by mistake (docs/0008)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from accounts.access import Permission

from ..draft_removal import why_not_removable
from ..formatting import format_value
from ..models import Area, Figure, Period
from .start import authority_for, period_for

if TYPE_CHECKING:
    from .start import AnyUser


@dataclass(frozen=True)
class DraftRemovalPage:
    authority: Area
    period: Period
    figure: Figure
    refusal: str  # why it may not be removed; empty when it may

    @property
    def value_text(self) -> str:
        figure = self.figure
        if figure.value is None:
            return f"Suppressed ({figure.get_suppression_display()})"
        return format_value(figure.value, figure.indicator.unit, figure.indicator.decimals)


def draft_removal_page(user: AnyUser, slug: str, period_key: str, code: str) -> DraftRemovalPage:
    """The authority's overall figure for the measure and period, for those who enter the
    authority's figures (else 403 / 404)."""
    authority = authority_for(user, slug, Permission.EDIT_FIGURES)
    period = period_for(period_key)
    figure = (
        Figure.objects.overall()
        .select_related("area", "indicator", "period", "updated_by")
        .filter(area=authority, period=period, indicator__code=code)
        .first()
    )
    if figure is None:
        raise Http404(f"There is no figure for {code} in {period.label}.")
    return DraftRemovalPage(authority, period, figure, why_not_removable(figure))
