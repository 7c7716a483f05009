"""Chainable filters for the core model, attached with `QuerySet.as_manager()`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models

from . import periods as period_rules

if TYPE_CHECKING:
    from .models import Period


class AreaQuerySet(models.QuerySet):
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

    def from_text(self, text: str) -> Period:
        kind, start = period_rules.parse(text)
        return self.get_or_create_for(kind, start)


class FigureQuerySet(models.QuerySet):
    def overall(self) -> FigureQuerySet:
        """Figures for the whole area, not for a breakdown category."""
        return self.filter(breakdown__isnull=True)

    def for_areas(self, areas: Any) -> FigureQuerySet:
        return self.filter(area__in=areas)

    def with_related(self) -> FigureQuerySet:
        return self.select_related("period", "indicator", "area", "breakdown")
