"""Chainable filters for the core model, attached with `QuerySet.as_manager()`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models

from . import periods as period_rules

if TYPE_CHECKING:
    # Area, Figure and Indicator are named in the quoted base classes below.
    from .models import Area, Figure, Indicator, Period  # noqa: F401


class AreaQuerySet(models.QuerySet["Area"]):
    def authorities(self) -> AreaQuerySet:
        return self.filter(kind="authority")


class PeriodQuerySet(models.QuerySet["Period"]):
    def containing(self, kind: str, day: date) -> PeriodQuerySet:
        start, _end = period_rules.bounds(kind, day)
        return self.filter(kind=kind, start=start)

    def get_or_create_for(self, kind: str, day: date) -> Period:
        """The period of `kind` that contains `day`, created with its bounds if new."""
        start, end = period_rules.bounds(kind, day)
        period, _created = self.get_or_create(kind=kind, start=start, defaults={"end": end})
        return period

    def from_url_key(self, key: str) -> Period:
        """The period named in a web address (ValueError if the address is not a period)."""
        kind, start = period_rules.parse_url_key(key)
        return self.get_or_create_for(kind, start)

    def from_text(self, text: str) -> Period:
        kind, start = period_rules.parse(text)
        return self.get_or_create_for(kind, start)


# A figure released to the benchmarking club as it stands now: approved, and released at its
# current version (a correction moves the version on, so it is unreleased until released
# again). Whether anyone else sees it also needs its authority to share (accounts.access).
RELEASED = models.Q(status="approved", released_version=models.F("version"))


class FigureQuerySet(models.QuerySet["Figure"]):
    def overall(self) -> FigureQuerySet:
        """Figures for the whole area, not for a breakdown category."""
        return self.filter(breakdown__isnull=True)

    def released(self) -> FigureQuerySet:
        return self.filter(RELEASED)

    def for_areas(self, areas: Any) -> FigureQuerySet:
        return self.filter(area__in=areas)

    def with_related(self) -> FigureQuerySet:
        return self.select_related("period", "indicator", "area", "breakdown")


# Which indicators are due for a period, by the period's kind: monthly measures each month,
# quarterly measures each quarter, annual measures each financial or academic year.
FREQUENCY_FOR_KIND = {
    period_rules.MONTH: "monthly",
    period_rules.QUARTER: "quarterly",
    period_rules.FINANCIAL_YEAR: "annual",
    period_rules.ACADEMIC_YEAR: "annual",
}


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def due_for(self, period: Period) -> IndicatorQuerySet:
        """The indicators entered for a period of this kind, in catalogue order. Measures
        published for every authority (`benchmarking_only`) are read, never entered: they are
        never due."""
        frequency = FREQUENCY_FOR_KIND.get(period.kind)
        if frequency is None:
            return self.none()
        return (
            self.filter(frequency=frequency, benchmarking_only=False)
            .select_related("theme")
            .order_by("theme__order", "theme__name", "order", "title")
        )

    def applicable_in(self, nation: str) -> IndicatorQuerySet:
        """The measures due from an authority of `nation` ("england", "wales"): those for
        both nations and those for its own (issue 17)."""
        return self.filter(nations__in=("both", nation))

    def applicable_to(self, area: Area) -> IndicatorQuerySet:
        """The measures due from `area`. A region, nation or group is held to its nation's."""
        return self.applicable_in(area.nation)
