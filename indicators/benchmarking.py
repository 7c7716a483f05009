"""The benchmarking page's read: one indicator across a group of authorities, for one period.

A group is the authority's region (every authority whose region is the same), one of its
statistical-neighbour sets (the authority and its neighbours in that publication), or one of
its comparators of kind "group" (the group area's member authorities, and the authority).

Access goes through `accounts.access`: the page needs permission to view the authority's
figures, and every figure it ranks or shows comes through `access.figures_visible_to`: the
authority's own, published statistics, and what other authorities have released to the
benchmarking club (docs/0017).

A fixed number of queries whatever the group's size (about ten): the authority and the
user's role, the indicator, the group choices (region, neighbours, comparators, group
members), the periods with figures, the group's figures for the chosen period, and the
comparators' published values. Ranks, quartiles and bands come from the pure `ranking`
module; values are formatted by `formatting`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts import access
from accounts.access import Permission

from . import periods, ranking
from .figure_context import NATIVE_KINDS, figure_flags
from .formatting import figure_decimals, format_value
from .models import (
    Area,
    AreaKind,
    Comparator,
    ComparatorKind,
    Figure,
    Indicator,
    Period,
    StatisticalNeighbour,
    SuppressionCode,
)
from .selectors import authority_for

if TYPE_CHECKING:
    from .selectors import AnyUser

REGION = "region"
NEIGHBOURS = "neighbours"
GROUP = "group"

# Quartile boundaries are interpolated between figures: one more decimal place than the
# figures themselves keeps a boundary that falls between two of them from looking like either.
MAX_DECIMALS = 4


@dataclass(frozen=True)
class Group:
    """A set of authorities to benchmark against, the page's own authority among them."""

    key: str  # as in the web address: "region", "neighbours-3", "group-wiltshire-comparators"
    kind: str  # REGION, NEIGHBOURS or GROUP
    name: str  # "South West", "DfE statistical neighbours 2021", the group area's name
    members: tuple[tuple[int, str], ...]  # (area id, name), in name order

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def label(self) -> str:
        """As the group choice lists it."""
        kind = {REGION: "region", NEIGHBOURS: "statistical neighbours", GROUP: "group"}[self.kind]
        return f"{self.name} ({kind}, {self.size} authorities)"

    @property
    def where(self) -> str:
        """The group in a sentence: "in the South West region"."""
        if self.kind == REGION:
            return f"in the {self.name} region"
        if self.kind == NEIGHBOURS:
            return f"among its statistical neighbours ({self.name})"
        return f"in the group {self.name}"


@dataclass(frozen=True)
class PeriodChoice:
    period: Period
    held: int  # authorities of the group with a figure (a value or a suppression code)
    valued: int  # of which with a value, so ranked

    @property
    def label(self) -> str:
        return f"{self.period.label} ({self.valued} with a figure)"


@dataclass(frozen=True)
class RankedRow:
    area_id: int
    name: str
    is_own: bool
    rank: int
    tied: bool
    band: str | None
    value: Decimal
    text: str
    numerator_text: str
    denominator_text: str
    flags: tuple[str, ...]

    @property
    def rank_text(self) -> str:
        return f"{self.rank} (joint)" if self.tied else str(self.rank)


@dataclass(frozen=True)
class UnrankedRow:
    area_id: int
    name: str
    is_own: bool
    reason: str


@dataclass(frozen=True)
class PublishedValue:
    """A comparator's published (or entered) value for the same period."""

    label: str
    area_name: str
    value: Decimal | None
    text: str


class Held(NamedTuple):
    """One authority's figure for the period, as read for the table."""

    area_id: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    suppression: str
    is_provisional: bool
    is_estimated: bool
    status: str
    published_decimals: int | None  # shown as published (19.1%), else the measure's decimals


@dataclass(frozen=True)
class ErrorItem:
    href: str
    message: str


@dataclass(frozen=True)
class BenchmarkPage:
    authority: Area
    indicator: Indicator
    groups: list[Group]
    group: Group | None  # the chosen group (None when the authority has none)
    periods: list[PeriodChoice]  # newest first: the periods with figures in the group
    period: Period | None  # the chosen period (None when there is none, or on an error)
    errors: list[ErrorItem]
    ranked: list[RankedRow]  # best first; lowest value first for a measure without polarity
    unranked: list[UnrankedRow]  # suppressed or missing figures, in name order
    is_ranked: bool  # the order means better and worse
    is_banded: bool
    median_text: str
    lower_quartile_text: str
    upper_quartile_text: str
    boundaries: tuple[Decimal, ...]  # lower quartile, median, upper quartile (or the median)
    band_key: list[tuple[str, str]]
    published: list[PublishedValue]
    summary: str  # one sentence: where the authority stands

    @property
    def has_results(self) -> bool:
        return self.period is not None and not self.errors

    @property
    def shows_ratio_parts(self) -> bool:
        return any(row.numerator_text for row in self.ranked)

    @property
    def own_row(self) -> RankedRow | None:
        return next((row for row in self.ranked if row.is_own), None)

    @property
    def error_summary(self) -> list[dict[str, str]]:
        return [{"href": error.href, "message": error.message} for error in self.errors]

    @property
    def chart_title(self) -> str:
        if self.group is None or self.period is None:
            return ""
        return f"{self.indicator.title}, {self.period.label}: {self.group.name}"


# --- groups ---------------------------------------------------------------------------------


def _groups(authority: Area) -> list[Group]:
    """The region, then each neighbour set (newest first), then each group comparator."""
    own = (authority.id, authority.name)
    groups: list[Group] = []
    if authority.region_id is not None:
        region_name = ""
        members: list[tuple[int, str]] = []
        for area_id, name in Area.objects.filter(
            Q(pk=authority.region_id) | Q(region_id=authority.region_id, kind=AreaKind.AUTHORITY)
        ).values_list("id", "name"):
            if area_id == authority.region_id:
                region_name = name
            else:
                members.append((area_id, name))
        groups.append(Group(REGION, REGION, region_name, _in_name_order(members)))
    neighbour_sets: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for set_id, set_name, neighbour_id, neighbour_name in (
        StatisticalNeighbour.objects.filter(authority=authority)
        .order_by("-neighbour_set__published_on", "neighbour_set_id", "rank")
        .values_list("neighbour_set_id", "neighbour_set__name", "neighbour_id", "neighbour__name")
    ):
        neighbour_sets.setdefault(set_id, (set_name, [own]))[1].append(
            (neighbour_id, neighbour_name)
        )
    for set_id, (set_name, members) in neighbour_sets.items():
        groups.append(
            Group(f"{NEIGHBOURS}-{set_id}", NEIGHBOURS, set_name, _in_name_order(members))
        )
    group_members: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for slug, group_name, member_id, member_name in (
        Area.members.through.objects.filter(
            from_area__in=Comparator.objects.filter(
                authority=authority, kind=ComparatorKind.GROUP
            ).values("area"),
            to_area__kind=AreaKind.AUTHORITY,
        )
        .order_by("from_area__name")
        .values_list("from_area__slug", "from_area__name", "to_area_id", "to_area__name")
    ):
        group_members[(slug, group_name)].append((member_id, member_name))
    for (slug, group_name), members in group_members.items():
        with_own = members if authority.id in dict(members) else [own, *members]
        groups.append(Group(f"{GROUP}-{slug}", GROUP, group_name, _in_name_order(with_own)))
    return groups


def _in_name_order(members: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    return tuple(sorted(members, key=lambda member: (member[1], member[0])))


# --- periods --------------------------------------------------------------------------------


def _period_choices(
    counts: Iterable[tuple[int, str, date, date, int, int]], indicator: Indicator
) -> list[PeriodChoice]:
    """Every period with a figure in the group, newest first (the indicator's own kind of
    period first among those ending on the same day)."""
    native = NATIVE_KINDS[indicator.frequency]
    choices = [
        PeriodChoice(Period(pk=pk, kind=kind, start=start, end=end), held, valued)
        for pk, kind, start, end, held, valued in counts
    ]
    return sorted(
        choices,
        key=lambda choice: (choice.period.end, choice.period.kind in native, choice.period.start),
        reverse=True,
    )


def default_period(choices: list[PeriodChoice], group_size: int) -> PeriodChoice | None:
    """The newest period in which most of the group (more than half) have a figure to rank;
    failing that, the period with the most, the newest of those. `choices` newest first."""
    for choice in choices:
        if 2 * choice.valued > group_size:
            return choice
    if not choices:
        return None
    most = max(choice.valued for choice in choices)
    return next(choice for choice in choices if choice.valued == most)


# --- formatting -----------------------------------------------------------------------------


def _part_text(part: Decimal | None) -> str:
    """A numerator or denominator: a count, printed without decimals when it is whole."""
    if part is None:
        return ""
    return format_value(part, "count", 0 if part == part.to_integral_value() else 2)


def _boundary_text(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_value(value, indicator.unit, min(indicator.decimals + 1, MAX_DECIMALS))


def summary_sentence(
    *,
    authority_name: str,
    where: str,
    period_label: str,
    own: RankedRow | None,
    own_reason: str,
    ranked_count: int,
    is_ranked: bool,
) -> str:
    """Where the authority stands, in one sentence (the chart's text summary)."""
    if own is None:
        reason = own_reason[0].lower() + own_reason[1:] if own_reason else "no figure"
        return (
            f"{authority_name} is not ranked {where} for {period_label} ({reason}); "
            f"{ranked_count} {'authority is' if ranked_count == 1 else 'authorities are'} ranked."
        )
    joint = "joint " if own.tied else ""
    if not is_ranked:
        return (
            f"{authority_name}’s figure, {own.text}, is the {joint}"
            f"{ranking.ordinal(own.rank)} lowest of {ranked_count} {where} for {period_label}; "
            "this measure has no better or worse direction, so the order is by value only."
        )
    band = f", in quartile {own.band}" if own.band else ""
    return (
        f"{authority_name} is ranked {joint}{ranking.ordinal(own.rank)} of {ranked_count} "
        f"{where}{band}, for {period_label}, with {own.text}."
    )


# --- the page -------------------------------------------------------------------------------


def _choose_group(groups: list[Group], key: str) -> tuple[Group | None, list[ErrorItem]]:
    if not key:
        return (groups[0] if groups else None), []
    chosen = next((group for group in groups if group.key == key), None)
    if chosen is None:
        return (groups[0] if groups else None), [
            ErrorItem("#group", "Choose a comparison group from the list: that one is not known.")
        ]
    return chosen, []


def _choose_period(
    choices: list[PeriodChoice], key: str, group: Group
) -> tuple[PeriodChoice | None, list[ErrorItem]]:
    if not key:
        return default_period(choices, group.size), []
    try:
        kind, start = periods.parse_url_key(key)
    except ValueError:
        return None, [
            ErrorItem("#period", "Choose a year or period from the list: that is not a period.")
        ]
    chosen = next((c for c in choices if c.period.kind == kind and c.period.start == start), None)
    if chosen is None:
        end = periods.bounds(kind, start)[1]
        label = periods.label(kind, start, end)
        return None, [
            ErrorItem(
                "#period",
                f"There are no figures {group.where} for {label}. Choose a period from the list.",
            )
        ]
    return chosen, []


def benchmark_page(
    user: AnyUser, slug: str, code: str, *, group_key: str = "", period_key: str = ""
) -> BenchmarkPage:
    """The indicator ranked across a group of the authority for a period (403 / 404 as the
    indicator page). An unknown group or period is not an exception: the page carries the
    error, the choices to pick from, and no ranking."""
    authority = authority_for(user, slug, Permission.VIEW_FIGURES)
    try:
        indicator = Indicator.objects.select_related("theme").get(code=code)
    except Indicator.DoesNotExist as missing:
        raise Http404("There is no indicator with this code.") from missing
    groups = _groups(authority)
    group, errors = _choose_group(groups, group_key.strip())
    page = BenchmarkPage(
        authority=authority,
        indicator=indicator,
        groups=groups,
        group=group,
        periods=[],
        period=None,
        errors=errors,
        ranked=[],
        unranked=[],
        is_ranked=ranking.is_ranked_polarity(indicator.polarity),
        is_banded=False,
        median_text="",
        lower_quartile_text="",
        upper_quartile_text="",
        boundaries=(),
        band_key=[],
        published=[],
        summary="",
    )
    if group is None:
        return page
    member_ids = [area_id for area_id, _name in group.members]
    figures = (
        access.figures_visible_to(authority)
        .overall()
        .filter(indicator=indicator, area_id__in=member_ids)
    )
    choices = _period_choices(
        figures.values_list("period_id", "period__kind", "period__start", "period__end")
        .annotate(held=Count("id"), valued=Count("value"))
        .order_by(),
        indicator,
    )
    page = replace(page, periods=choices)
    if errors:
        return page
    chosen, errors = _choose_period(choices, period_key.strip(), group)
    if errors or chosen is None:
        return replace(page, errors=errors)
    return _ranked_page(page, group, chosen.period, authority, indicator, figures)


def _ranked_page(
    page: BenchmarkPage,
    group: Group,
    period: Period,
    authority: Area,
    indicator: Indicator,
    figures: QuerySet[Figure],
) -> BenchmarkPage:
    held = {
        row.area_id: row
        for row in (
            Held(*values)
            for values in figures.filter(period_id=period.pk).values_list(*Held._fields)
        )
    }
    names = dict(group.members)
    result = ranking.rank(
        [
            (area_id, value)
            for area_id, _name in group.members
            if area_id in held and (value := held[area_id].value) is not None
        ],
        indicator.polarity,
    )
    ranked = []
    for placed in result.placed:
        row = held[placed.key]
        ranked.append(
            RankedRow(
                area_id=placed.key,
                name=names[placed.key],
                is_own=placed.key == authority.id,
                rank=placed.rank,
                tied=placed.tied,
                band=placed.band,
                value=placed.value,
                text=format_value(
                    placed.value,
                    indicator.unit,
                    figure_decimals(indicator.decimals, row.published_decimals),
                ),
                numerator_text=_part_text(row.numerator),
                denominator_text=_part_text(row.denominator),
                flags=figure_flags(row.is_provisional, row.is_estimated, row.status),
            )
        )
    unranked = [
        UnrankedRow(
            area_id=area_id,
            name=name,
            is_own=area_id == authority.id,
            reason=_reason(held.get(area_id), area_id == authority.id, period),
        )
        for area_id, name in group.members
        if area_id not in held or held[area_id].value is None
    ]
    quartiles = result.quartiles
    own = next((row for row in ranked if row.is_own), None)
    own_missing = next((row for row in unranked if row.is_own), None)
    return replace(
        page,
        period=period,
        ranked=ranked,
        unranked=unranked,
        is_banded=result.is_banded,
        median_text=_boundary_text(indicator, result.median),
        lower_quartile_text=_boundary_text(indicator, quartiles.lower if quartiles else None),
        upper_quartile_text=_boundary_text(indicator, quartiles.upper if quartiles else None),
        boundaries=(
            (quartiles.lower, quartiles.median, quartiles.upper)
            if quartiles
            else ((result.median,) if result.median is not None else ())
        ),
        band_key=(
            ranking.band_key(
                quartiles, indicator.polarity, lambda value: _boundary_text(indicator, value)
            )
            if quartiles and result.is_banded
            else []
        ),
        published=_published(authority, indicator, period, page.groups),
        summary=summary_sentence(
            authority_name=authority.name,
            where=group.where,
            period_label=period.label,
            own=own,
            own_reason=own_missing.reason if own_missing else "",
            ranked_count=len(ranked),
            is_ranked=result.is_ranked,
        ),
    )


def _reason(row: Held | None, is_own: bool, period: Period) -> str:
    if row is not None and row.suppression:
        return f"Suppressed ({SuppressionCode(row.suppression).label})"
    if is_own:
        return f"No figure entered or imported for {period.label}"
    return f"No published figure held for {period.label}"


def _published(
    authority: Area, indicator: Indicator, period: Period, groups: list[Group]
) -> list[PublishedValue]:
    """The authority's comparators (England, its region, its neighbour and group averages),
    and its region even when that is not one of them, each with the value published or
    entered for that area for the same period where there is one. Never a value for another
    period: an annual national figure beside this year's ranking would mislead."""
    areas = [
        (comparator.label, comparator.area_id, comparator.area.name)
        for comparator in Comparator.objects.filter(authority=authority)
        .select_related("area")
        .order_by("order")
    ]
    region = next((group for group in groups if group.kind == REGION), None)
    region_id = authority.region_id
    shown = {area_id for _label, area_id, _name in areas}
    if region is not None and region_id is not None and region_id not in shown:
        areas.append((region.name, region_id, region.name))
    found = list(
        access.figures_visible_to(authority)
        .overall()
        .filter(
            indicator=indicator,
            period_id=period.pk,
            area_id__in=[area_id for _label, area_id, _name in areas],
            value__isnull=False,
        )
        .values_list("area_id", "value", "published_decimals")
    )
    values = {area_id: value for area_id, value, _decimals in found}
    decimals = {area_id: places for area_id, _value, places in found}
    return [
        PublishedValue(
            label=label,
            area_name=name,
            value=values.get(area_id),
            text=(
                format_value(
                    values[area_id],
                    indicator.unit,
                    figure_decimals(indicator.decimals, decimals[area_id]),
                )
                if area_id in values
                else f"no published figure for {period.label}"
            ),
        )
        for label, area_id, name in areas
    ]
