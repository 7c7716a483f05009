"""Loading the demo data: three real councils' published figures, from the seed committee reports.

`demo_load` reads the CSV files in `indicators/demo_data/` (see the README there for how each
seed was read) and writes them through the services, so the audit trail and the checks apply. It
runs in one transaction and is idempotent: a second run finds every row as it should be and
writes nothing (no figure version is bumped and no audit row is added).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access

from . import services
from .catalogue import CatalogueResult, catalogue_load
from .models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
    Comparator,
    Figure,
    FigureStatus,
    Indicator,
    NeighbourSet,
    Period,
    StatisticalNeighbour,
    Target,
)
from .nations import nation_for_area

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"


class DemoDataError(ValidationError):
    """A demo data file is wrong: the message names the file and row."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str, number: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + number)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class DemoResult:
    catalogue: CatalogueResult
    areas: Counts = field(default_factory=Counts)
    neighbours: Counts = field(default_factory=Counts)
    comparators: Counts = field(default_factory=Counts)
    breakdowns: Counts = field(default_factory=Counts)
    figures: Counts = field(default_factory=Counts)
    targets: Counts = field(default_factory=Counts)

    def lines(self) -> list[str]:
        return [
            f"Themes: {self.catalogue.themes}.",
            f"Indicators: {self.catalogue.indicators}.",
            f"Areas: {self.areas}.",
            f"Statistical neighbours: {self.neighbours}.",
            f"Comparators: {self.comparators}.",
            f"Breakdown categories: {self.breakdowns}.",
            f"Figures: {self.figures}.",
            f"Targets: {self.targets}.",
        ]


def _rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a demo CSV with their line numbers (the header is line 1)."""
    path = DEMO_DIR / name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            yield line, {key: (value or "").strip() for key, value in row.items()}


def _decimal(text: str, where: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DemoDataError(f"{where}: {text!r} is not a number.") from None


def _flag(text: str, where: str) -> bool:
    if text in ("true", "false"):
        return text == "true"
    raise DemoDataError(f"{where}: {text!r} should be true or false.")


def _save_if_changed(obj: object, values: dict[str, object]) -> bool:
    """Set `values` on a model instance and save it only if something differs."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.full_clean()  # type: ignore[attr-defined]
        obj.save()  # type: ignore[attr-defined]
    return bool(changed)


@dataclass(frozen=True)
class _WantedFigure:
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    is_provisional: bool
    is_estimated: bool
    commentary: str
    source: str
    source_note: str
    status: str = FigureStatus.APPROVED

    def matches(self, figure: Figure) -> bool:
        """Whether the stored figure already says exactly this (so nothing needs writing)."""
        # With a numerator and denominator the value is derived from them: compare those.
        if self.numerator is None and figure.value != self.value:
            return False
        return (
            figure.numerator == self.numerator
            and figure.denominator == self.denominator
            and figure.suppression == ""
            and figure.is_provisional == self.is_provisional
            and figure.is_estimated == self.is_estimated
            and figure.commentary == self.commentary
            and figure.source == self.source
            and figure.source_note == self.source_note
            and figure.status == self.status
        )


class _Loader:
    def __init__(self, result: DemoResult) -> None:
        self.result = result
        self.areas: dict[str, Area] = {}
        self.periods: dict[str, Period] = {}
        self.indicators: dict[str, Indicator] = {
            indicator.code: indicator for indicator in Indicator.objects.all()
        }
        self.seeds = {row["key"]: row["name"] for _line, row in _rows("seeds.csv")}
        self.neighbour_sets: dict[str, NeighbourSet] = {}
        self.breakdowns: dict[tuple[int | None, str, str], BreakdownCategory] = {}
        self.figures: dict[tuple[int, int, int, int | None], Figure] = {}

    def area(self, slug: str, where: str) -> Area:
        if slug not in self.areas:
            area = Area.objects.filter(slug=slug).first()
            if area is None:
                raise DemoDataError(f"{where}: there is no area {slug!r}.")
            self.areas[slug] = area
        return self.areas[slug]

    def indicator(self, code: str, where: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise DemoDataError(f"{where}: there is no indicator {code!r}.") from None

    def period(self, text: str, where: str) -> Period:
        if text not in self.periods:
            try:
                self.periods[text] = Period.objects.from_text(text)
            except ValueError as error:
                raise DemoDataError(f"{where}: {error}") from None
        return self.periods[text]

    def seed(self, key: str, where: str) -> str:
        try:
            return self.seeds[key]
        except KeyError:
            raise DemoDataError(f"{where}: there is no seed {key!r} in seeds.csv.") from None

    # --- areas and comparators -------------------------------------------------------------

    def load_areas(self) -> None:
        for line, row in _rows("areas.csv"):
            where = f"areas.csv line {line}"
            region = self.area(row["region"], where) if row["region"] else None
            # The same rule as the areas spreadsheet: the ONS code decides the nation.
            nation = nation_for_area(row["ons_code"], row["nation"])
            if nation.problem:
                raise DemoDataError(f"{where}: {nation.problem}")
            values: dict[str, object] = {
                "name": row["name"],
                "kind": row["kind"],
                "nation": nation.nation,
                "ons_code": row["ons_code"],
                "dfe_code": row["dfe_code"],
                "region": region,
            }
            area = Area.objects.filter(slug=row["slug"]).first()
            if area is None:
                area = Area(slug=row["slug"], **values)
                area.full_clean()
                area.save()
                self.result.areas.add("created")
            else:
                self.result.areas.add("updated" if _save_if_changed(area, values) else "unchanged")
            self.areas[area.slug] = area
        members: dict[str, set[int]] = {}
        for line, row in _rows("group_members.csv"):
            where = f"group_members.csv line {line}"
            self.area(row["group"], where)
            members.setdefault(row["group"], set()).add(self.area(row["member"], where).pk)
        for slug, wanted in members.items():
            group = self.areas[slug]
            if set(group.members.values_list("pk", flat=True)) != wanted:
                group.members.set(wanted)

    def load_neighbours(self) -> None:
        sets = self.neighbour_sets
        for _line, row in _rows("neighbour_sets.csv"):
            published_on = date.fromisoformat(row["published_on"])
            neighbour_set = NeighbourSet.objects.filter(name=row["name"]).first()
            values: dict[str, object] = {"published_on": published_on, "source": row["source"]}
            if neighbour_set is None:
                neighbour_set = NeighbourSet.objects.create(name=row["name"], **values)
            else:
                _save_if_changed(neighbour_set, values)
            sets[neighbour_set.name] = neighbour_set
        by_dfe = {area.dfe_code: area for area in Area.objects.exclude(dfe_code="")}
        wanted: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        for line, row in _rows("neighbours.csv"):
            where = f"neighbours.csv line {line}"
            try:
                neighbour_set = sets[row["neighbour_set"]]
                authority = by_dfe[row["authority_la"]]
                neighbour = by_dfe[row["neighbour_la"]]
            except KeyError as error:
                raise DemoDataError(f"{where}: unknown set or LA number {error}.") from None
            wanted.setdefault((neighbour_set.pk, authority.pk), []).append(
                (int(row["rank"]), neighbour.pk, row["closeness"])
            )
        for (set_id, authority_id), rows in wanted.items():
            existing = StatisticalNeighbour.objects.filter(
                neighbour_set_id=set_id, authority_id=authority_id
            ).order_by("rank")
            stored = [(n.rank, n.neighbour_id, n.closeness) for n in existing]
            if stored == sorted(rows):
                self.result.neighbours.add("unchanged", len(rows))
                continue
            # Ranks and neighbours are each unique in a set, so replace the list as a whole.
            existing.delete()
            StatisticalNeighbour.objects.bulk_create(
                StatisticalNeighbour(
                    neighbour_set_id=set_id,
                    authority_id=authority_id,
                    rank=rank,
                    neighbour_id=neighbour_id,
                    closeness=closeness,
                )
                for rank, neighbour_id, closeness in sorted(rows)
            )
            self.result.neighbours.add("updated" if stored else "created", len(rows))

    def load_comparators(self) -> None:
        for line, row in _rows("comparators.csv"):
            where = f"comparators.csv line {line}"
            authority = self.area(row["authority"], where)
            area = self.area(row["area"], where)
            neighbour_set = (
                self.neighbour_sets[row["neighbour_set"]] if row["neighbour_set"] else None
            )
            values: dict[str, object] = {
                "kind": row["kind"],
                "neighbour_set": neighbour_set,
                "label": row["label"],
                "order": int(row["order"]),
            }
            comparator = Comparator.objects.filter(authority=authority, area=area).first()
            if comparator is None:
                comparator = Comparator(authority=authority, area=area, **values)
                comparator.full_clean()
                comparator.save()
                self.result.comparators.add("created")
            else:
                changed = _save_if_changed(comparator, values)
                self.result.comparators.add("updated" if changed else "unchanged")

    def load_breakdowns(self) -> None:
        for line, row in _rows("breakdowns.csv"):
            # Localities and services are an authority's own; categories of abuse and roles
            # are shared by every authority.
            authority = (
                self.area(row["authority"], f"breakdowns.csv line {line}")
                if row["authority"]
                else None
            )
            category, created = BreakdownCategory.objects.get_or_create(
                authority=authority,
                dimension=row["dimension"],
                name=row["name"],
                defaults={"order": int(row["order"])},
            )
            if created:
                self.result.breakdowns.add("created")
            else:
                changed = _save_if_changed(category, {"order": int(row["order"])})
                self.result.breakdowns.add("updated" if changed else "unchanged")
            self.breakdowns[(category.authority_id, category.dimension, category.name)] = category

    # --- figures and targets ---------------------------------------------------------------

    def load_figures(self) -> None:
        # One query for what is stored already, so that a second run reads instead of writing.
        self.figures = {
            (f.area_id, f.indicator_id, f.period_id, f.breakdown_id): f
            for f in Figure.objects.filter(area__in=list(self.areas.values()))
        }
        for line, row in _rows("figures.csv"):
            where = f"figures.csv line {line}"
            area = self.area(row["area"], where)
            indicator = self.indicator(row["indicator"], where)
            period = self.period(row["period"], where)
            breakdown = None
            breakdown_id = None
            if row["dimension"] or row["breakdown"]:
                category = (row["dimension"], row["breakdown"])
                breakdown = self.breakdowns.get((area.pk, *category)) or self.breakdowns.get(
                    (None, *category)
                )
                if breakdown is None:
                    raise DemoDataError(
                        f"{where}: {row['dimension']}: {row['breakdown']} is not in "
                        f"breakdowns.csv for {area.name} or for every authority."
                    )
                breakdown_id = breakdown.pk
            seed = self.seed(row["seed"], where)
            wanted = _WantedFigure(
                value=_decimal(row["value"], where),
                numerator=_decimal(row["numerator"], where),
                denominator=_decimal(row["denominator"], where),
                is_provisional=_flag(row["is_provisional"], where),
                is_estimated=_flag(row["is_estimated"], where),
                commentary=row["commentary"],
                source=row["source"],
                source_note=seed[:255],
            )
            existing = self.figures.get((area.pk, indicator.pk, period.pk, breakdown_id))
            if existing is not None and wanted.matches(existing):
                self.result.figures.add("unchanged")
                continue
            try:
                services.figure_set(
                    user=access.SYSTEM,
                    area=area,
                    indicator=indicator,
                    period=period,
                    breakdown=breakdown,
                    value=wanted.value,
                    numerator=wanted.numerator,
                    denominator=wanted.denominator,
                    is_provisional=wanted.is_provisional,
                    is_estimated=wanted.is_estimated,
                    commentary=wanted.commentary,
                    source=wanted.source,
                    source_note=wanted.source_note,
                    status=wanted.status,
                    channel=ChangeChannel.SYSTEM,
                    reason=f"Demo data from {seed}"[:255],
                )
            except ValidationError as error:
                raise DemoDataError(f"{where}: {' '.join(error.messages)}") from None
            self.result.figures.add("created" if existing is None else "updated")

    def load_targets(self) -> None:
        for line, row in _rows("targets.csv"):
            where = f"targets.csv line {line}"
            self.seed(row["seed"], where)
            authority = self.area(row["authority"], where)
            indicator = self.indicator(row["indicator"], where)
            financial_year = self.period(row["financial_year"], where)
            lower = _decimal(row["lower"], where)
            upper = _decimal(row["upper"], where)
            tolerance = _decimal(row["tolerance"], where) or Decimal(0)
            existing = Target.objects.filter(
                authority=authority, indicator=indicator, financial_year=financial_year
            ).first()
            if existing is not None and (existing.lower, existing.upper, existing.tolerance) == (
                lower,
                upper,
                tolerance,
            ):
                self.result.targets.add("unchanged")
                continue
            try:
                services.target_set(
                    user=access.SYSTEM,
                    channel=ChangeChannel.SYSTEM,
                    reason=f"Demo data from {row['seed']}"[:255],
                    authority=authority,
                    indicator=indicator,
                    financial_year=financial_year,
                    lower=lower,
                    upper=upper,
                    tolerance=tolerance,
                )
            except ValidationError as error:
                raise DemoDataError(f"{where}: {' '.join(error.messages)}") from None
            self.result.targets.add("created" if existing is None else "updated")


@transaction.atomic
def demo_load() -> DemoResult:
    """Load the catalogue and the demo areas, neighbours, comparators, figures and targets."""
    result = DemoResult(catalogue=catalogue_load())
    loader = _Loader(result)
    loader.load_areas()
    loader.load_neighbours()
    loader.load_comparators()
    loader.load_breakdowns()
    loader.load_figures()
    loader.load_targets()
    return result
