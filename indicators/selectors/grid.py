"""The benchmarking grid's reads (issue 18): many authorities (the rows: a region, an authority
and its statistical neighbours, or a group) by many measures (the columns), each column at the
latest period for which the measure has a figure among the rows.

Who may see which figures is `accounts.access.figures_visible_to`, the one door (docs/0017).
A grid is read as the authority the user works for, when it is among the rows and the user may
see its figures (an officer or manager of it): its own figures in every status, drafts marked.
Of every other authority only published statistics, and figures it released to the
benchmarking club, ever appear. A councillor, or a user whose authority is not among the rows,
reads the grid as no authority's: published and released figures only.

A fixed number of queries whatever the size of the grid: the rows, the measures, the user's
authority, the periods held, and every cell in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Q
from django.http import Http404

from accounts import access
from accounts.access import Permission

from .. import grid_rules
from ..figure_context import NATIVE_KINDS, figure_flags
from ..formatting import figure_decimals, format_value
from ..models import (
    Area,
    AreaKind,
    Indicator,
    NeighbourSet,
    Period,
    StatisticalNeighbour,
    SuppressionCode,
)
from ..view_models import BenchmarkView, GridRows

if TYPE_CHECKING:
    from ..querysets import FigureQuerySet, IndicatorQuerySet
    from .start import AnyUser

# More columns than this make a table nobody can read, on a screen or aloud.
MAX_MEASURES = 30


@dataclass(frozen=True)
class GridSpec:
    """What a grid shows: from a saved view, or from the form of an unsaved one."""

    rows: str  # a GridRows value
    area: Area  # the region, the group, or the authority whose neighbours are the rows
    neighbour_set: NeighbourSet | None
    indicator_codes: tuple[str, ...]

    @classmethod
    def of_view(cls, view: BenchmarkView) -> GridSpec:
        return cls(view.rows, view.area, view.neighbour_set, tuple(view.indicator_codes))

    @property
    def rows_title(self) -> str:
        """The rows in words, for the caption: "the authorities of the South West region"."""
        if self.rows == GridRows.REGION:
            return f"the authorities of the {self.area.name} region"
        if self.rows == GridRows.NEIGHBOURS and self.neighbour_set is not None:
            return f"{self.area.name} and its statistical neighbours ({self.neighbour_set.name})"
        return f"the authorities of the group {self.area.name}"

    def query(self) -> dict[str, str | list[str]]:
        """The grid's form as GET parameters: for the "try" page, and saving what was tried."""
        params: dict[str, str | list[str]] = {
            "rows": self.rows,
            "measures": list(self.indicator_codes),
        }
        if self.rows == GridRows.REGION:
            params["region"] = self.area.slug
        elif self.rows == GridRows.GROUP:
            params["group"] = self.area.slug
        else:
            params["authority"] = self.area.slug
            params["neighbour_set"] = str(self.neighbour_set.pk) if self.neighbour_set else ""
        return params


@dataclass(frozen=True)
class GridCell:
    value: Decimal | None
    text: str  # the value as published ("19.1%"), or why there is none
    has_value: bool
    suppression: str  # the published code ("c") of a suppressed figure
    rank_text: str  # "3 of 12", "joint 3 of 12", "" when not ranked
    rank: int | None
    quartile: int | None  # 1 best .. 4 worst
    quartile_words: str  # "best quartile"; "" without one
    flags: tuple[str, ...]  # provisional, estimated, draft ... (the user's own authority's)


@dataclass(frozen=True)
class GridColumn:
    indicator: Indicator
    period: Period | None  # the latest period with a figure among the rows; None: no figure
    valued: int  # rows with a value in that period
    is_ranked: bool
    has_quartiles: bool
    note: str  # why no ranks or no quartiles, or why the column is empty

    @property
    def period_label(self) -> str:
        return self.period.label if self.period is not None else "no figures"

    @property
    def heading(self) -> str:
        """The column's header in words: the measure, its unit, its direction, its period."""
        return (
            f"{self.indicator.title} ({self.indicator.get_unit_display().lower()}; "
            f"{self.indicator.get_polarity_display().lower()}), {self.period_label}"
        )


@dataclass(frozen=True)
class GridRow:
    area_id: int
    name: str
    ons_code: str
    is_viewpoint: bool  # the user's own authority, shown in its own view
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class Grid:
    spec: GridSpec
    rows: list[GridRow]
    columns: list[GridColumn]
    viewpoint: Area | None  # the authority whose own figures show in every status
    dropped_codes: tuple[str, ...]  # saved measures no longer in the catalogue

    @property
    def caption(self) -> str:
        return f"Benchmarking grid: {self.spec.rows_title}, by measure, each at its latest period"


class _Held(NamedTuple):
    indicator_id: int
    area_id: int
    value: Decimal | None
    suppression: str
    published_decimals: int | None
    is_provisional: bool
    is_estimated: bool
    status: str


# --- a user's saved views ------------------------------------------------------------------


def views_of(user: AnyUser) -> list[BenchmarkView]:
    """The user's own saved views, by name."""
    access.require_grid_user(user)
    return list(
        BenchmarkView.objects.filter(owner_id=user.pk)
        .select_related("area", "neighbour_set")
        .order_by("name")
    )


def view_of(user: AnyUser, view_id: int) -> BenchmarkView:
    """One of the user's own saved views. Another user's view is not found (404), as if it did
    not exist: its name is theirs."""
    access.require_grid_user(user)
    view = (
        BenchmarkView.objects.filter(pk=view_id, owner_id=user.pk)
        .select_related("area", "neighbour_set")
        .first()
    )
    if view is None:
        raise Http404("You have no saved view at this address.")
    return view


# --- what the form offers -------------------------------------------------------------------


def regions() -> list[Area]:
    return list(Area.objects.filter(kind=AreaKind.REGION).order_by("name"))


def groups() -> list[Area]:
    return list(Area.objects.filter(kind=AreaKind.GROUP).order_by("name"))


def authorities() -> list[Area]:
    return list(Area.objects.authorities().order_by("name"))


def neighbour_sets() -> list[NeighbourSet]:
    return list(NeighbourSet.objects.order_by("-published_on", "name"))


def nations_of(user: AnyUser) -> set[str]:
    """The nations of the authorities the user works for: the measures the form offers are
    those due in them (every nation's for an administrator without a membership)."""
    return {membership.authority.nation for membership in access.memberships_of(user)}


def measures_for(nations: set[str]) -> IndicatorQuerySet:
    measures = Indicator.objects.select_related("theme").order_by(
        "theme__order", "theme__name", "order", "title"
    )
    if not nations:
        return measures
    return measures.filter(nations__in=("both", *nations))


def rows_problem(rows: str, area: Area, neighbour_set: NeighbourSet | None) -> str:
    """Why these rows cannot make a grid ("" when they can): the area of the wrong kind, or an
    authority with no neighbours in the chosen set."""
    if rows == GridRows.REGION and area.kind != AreaKind.REGION:
        return f"{area.name} is not a region: choose a region."
    if rows == GridRows.GROUP and area.kind != AreaKind.GROUP:
        return f"{area.name} is not a group: choose a group."
    if rows == GridRows.NEIGHBOURS:
        if area.kind != AreaKind.AUTHORITY:
            return f"{area.name} is not an authority: choose an authority."
        if neighbour_set is None:
            return "Choose a set of statistical neighbours."
        if not StatisticalNeighbour.objects.filter(
            authority=area, neighbour_set=neighbour_set
        ).exists():
            return (
                f"{area.name} has no statistical neighbours in {neighbour_set.name}: choose "
                "another set or another authority."
            )
    return ""


def measures_problem(codes: tuple[str, ...], nation: str) -> str:
    """Why these measures cannot be the columns ("" when they can)."""
    if not codes:
        return "Choose at least one measure."
    if len(codes) > MAX_MEASURES:
        return f"Choose at most {MAX_MEASURES} measures: a wider table cannot be read."
    not_due = [
        indicator.title
        for indicator in Indicator.objects.filter(code__in=codes)
        if not indicator.applies_in(nation)
    ]
    if not_due:
        return (
            f"Not asked of authorities in {nation.title()}: {', '.join(not_due)}. "
            "Choose measures due in the rows' nation."
        )
    return ""


# --- the grid -------------------------------------------------------------------------------


def _members(spec: GridSpec) -> list[tuple[int, str, str]]:
    """(area id, name, ONS code) of the rows' authorities, in name order."""
    if spec.rows == GridRows.REGION:
        members = Area.objects.filter(region=spec.area, kind=AreaKind.AUTHORITY)
    elif spec.rows == GridRows.GROUP:
        members = spec.area.members.filter(kind=AreaKind.AUTHORITY)
    else:
        members = Area.objects.filter(
            Q(pk=spec.area.pk)
            | Q(
                pk__in=StatisticalNeighbour.objects.filter(
                    authority=spec.area, neighbour_set=spec.neighbour_set
                ).values("neighbour_id")
            )
        )
    return list(members.order_by("name", "pk").values_list("id", "name", "ons_code"))


def _viewpoint(user: AnyUser, member_ids: list[int]) -> Area | None:
    """The authority among the rows that the user works for and whose figures they may see
    (the first by name): the grid is read in its view."""
    return (
        access.authorities_for(user, Permission.VIEW_FIGURES)
        .filter(memberships__user_id=user.pk, pk__in=member_ids)
        .order_by("name")
        .first()
    )


def _door(viewpoint: Area | None) -> FigureQuerySet:
    # Read as no authority: an unsaved area has no id, so "the authority's own figures" is
    # no figure at all (area IS NULL), and the door lets through only what it lets through
    # for anyone: published statistics and figures released to the club.
    return access.figures_visible_to(viewpoint or Area(kind=AreaKind.NATION)).overall()


def _flags(row: _Held) -> tuple[str, ...]:
    return figure_flags(row.is_provisional, row.is_estimated, row.status)


def _empty_cell(text: str) -> GridCell:
    return GridCell(None, text, False, "", "", None, None, "", ())


def _cell(
    held: _Held | None,
    indicator: Indicator,
    period: Period | None,
    placing: grid_rules.Placing | None,
    *,
    is_viewpoint: bool,
) -> GridCell:
    if period is None:
        return _empty_cell("no figure")  # the column heading says why
    if held is None:
        if is_viewpoint:
            return _empty_cell(f"no figure entered or imported for {period.label}")
        return _empty_cell(f"no published figure held for {period.label}")
    if held.value is None:
        code = SuppressionCode(held.suppression)
        return GridCell(
            None, f"suppressed ({code.label})", False, code.value, "", None, None, "", _flags(held)
        )
    decimals = figure_decimals(indicator.decimals, held.published_decimals)
    return GridCell(
        value=held.value,
        text=format_value(held.value, indicator.unit, decimals),
        has_value=True,
        suppression="",
        rank_text=placing.rank_text if placing else "",
        rank=placing.rank if placing else None,
        quartile=placing.quartile if placing else None,
        quartile_words=placing.quartile_words if placing else "",
        flags=_flags(held),
    )


def benchmark_grid(user: AnyUser, spec: GridSpec) -> Grid:
    """The grid for `spec`, read as the user's own authority when it is among the rows."""
    access.require_grid_user(user)
    members = _members(spec)
    member_ids = [area_id for area_id, _name, _code in members]
    by_code = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=spec.indicator_codes)
    }
    indicators = [by_code[code] for code in spec.indicator_codes if code in by_code]
    dropped = tuple(code for code in spec.indicator_codes if code not in by_code)
    viewpoint = _viewpoint(user, member_ids) if member_ids else None
    figures = _door(viewpoint).filter(
        indicator_id__in=[indicator.pk for indicator in indicators], area_id__in=member_ids
    )
    held_periods: dict[int, list[grid_rules.PeriodHeld]] = {}
    for indicator_id, period_id, kind, start, end in (
        figures.filter(value__isnull=False)
        .values_list("indicator_id", "period_id", "period__kind", "period__start", "period__end")
        .order_by()
        .distinct()
    ):
        held_periods.setdefault(indicator_id, []).append(
            grid_rules.PeriodHeld(period_id, kind, start, end)
        )
    latest = {
        indicator.pk: found
        for indicator in indicators
        if (
            found := grid_rules.latest_period(
                held_periods.get(indicator.pk, []), NATIVE_KINDS[indicator.frequency]
            )
        )
        is not None
    }
    cells_wanted = Q()
    for indicator_id, period_held in latest.items():
        cells_wanted |= Q(indicator_id=indicator_id, period_id=period_held.period_id)
    held: dict[tuple[int, int], _Held] = {}
    if latest:
        for values in figures.filter(cells_wanted).values_list(*_Held._fields):
            row = _Held(*values)
            held[(row.indicator_id, row.area_id)] = row
    columns: list[GridColumn] = []
    column_cells: list[list[GridCell]] = []
    for indicator in indicators:
        found = latest.get(indicator.pk)
        period = (
            Period(pk=found.period_id, kind=found.kind, start=found.start, end=found.end)
            if found
            else None
        )
        valued = [
            (area_id, found_row.value)
            for area_id in member_ids
            if (found_row := held.get((indicator.pk, area_id))) is not None
            and found_row.value is not None
        ]
        placed = grid_rules.place(valued, indicator.polarity)
        columns.append(
            GridColumn(
                indicator=indicator,
                period=period,
                valued=len(valued),
                is_ranked=placed.is_ranked,
                has_quartiles=placed.has_quartiles,
                note=placed.note if period else "no figure among these authorities you can see",
            )
        )
        column_cells.append(
            [
                _cell(
                    held.get((indicator.pk, area_id)),
                    indicator,
                    period,
                    placed.placings.get(area_id),
                    is_viewpoint=viewpoint is not None and area_id == viewpoint.pk,
                )
                for area_id in member_ids
            ]
        )
    rows = [
        GridRow(
            area_id=area_id,
            name=name,
            ons_code=ons_code,
            is_viewpoint=viewpoint is not None and area_id == viewpoint.pk,
            cells=tuple(cells[index] for cells in column_cells),
        )
        for index, (area_id, name, ons_code) in enumerate(members)
    ]
    return Grid(spec, rows, columns, viewpoint, dropped)
