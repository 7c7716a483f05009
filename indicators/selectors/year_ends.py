"""A year's outturn for one area and measure: on a monthly or quarterly measure, its year-end
outturn ("2016-17 year end": `indicators.year_ends`); on a yearly one, the year's own figure.
Shared by the pages and the packs' layouts (the period grid's "last year's outturn")."""

from __future__ import annotations

from datetime import date

from .. import periods
from ..models import Area, Figure, Indicator, PeriodKind


def year_end_outturn(indicator: Indicator, area: Area, year_start: date) -> Figure | None:
    """The area's overall figure of `indicator` for the financial year containing
    `year_start` (its 1 April, or any day of it), with its period; None if there is none.

    No access check, as `packs.pack_indicators`: a page or a pack asks `accounts.access`
    whether its user may see `area`'s figures before it reads them (another authority's
    figures are read through `access.figures_visible_to`)."""
    first = periods.financial_year_start(year_start)
    return (
        Figure.objects.overall()
        .filter(
            area=area,
            indicator=indicator,
            period__kind=PeriodKind.FINANCIAL_YEAR,
            period__start=first,
        )
        .select_related("period")
        .first()
    )
