"""The indicator page's statistical-neighbour chart: the authority against each of its
neighbours for the latest period with neighbours' figures, with the neighbours' mean and the
nation's figure drawn across it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .. import metrics, summaries
from ..figure_context import (
    NATIVE_KINDS,
    ComparatorSetup,
    FigureRecord,
    ListedNeighbour,
    ValueRecord,
)
from ..formatting import figure_decimals, format_value, mean_decimals
from ..models import Area, Comparator, ComparatorKind, FigureSource, Indicator, Period


@dataclass(frozen=True)
class NeighbourBar:
    """One authority on the statistical-neighbour chart: the authority itself or a neighbour."""

    name: str
    value: Decimal | None
    text: str  # "22.6%", "suppressed (c)" or "no figure"
    is_own: bool
    position: int | None  # 1 = best (highest, for a measure without polarity); None: no value
    neighbour_rank: int | None  # the neighbour model's rank, 1 = most alike; None for itself
    closeness: str  # the model's closeness band ("Very close"), where the list has one


@dataclass(frozen=True)
class ReferenceLine:
    """A value drawn across the neighbour chart: the neighbours' mean, England's figure."""

    label: str
    value: Decimal
    text: str
    note: str


@dataclass(frozen=True)
class NeighbourComparison:
    set_name: str  # which publication of neighbours ("DfE statistical neighbours 2021")
    neighbour_count: int
    period: Period | None  # the latest period with neighbours' figures; None when none loaded
    bars: list[NeighbourBar]  # best first; the authority itself among them
    references: list[ReferenceLine]
    summary: str  # one sentence, for the chart
    message: str  # why there is no chart, when there is none

    @property
    def has_chart(self) -> bool:
        return self.period is not None and any(bar.value is not None for bar in self.bars)

    @property
    def has_closeness(self) -> bool:
        return any(bar.closeness for bar in self.bars)


# A value read without its figure: value, suppression code, published decimals, source.
Found = tuple[Decimal | None, str, int | None, str]


def _plain_text(indicator: Indicator, found: Found | None) -> str:
    """A value read without its figure, as `value_text` writes a figure's: as published."""
    if found is None:
        return "no figure"
    value, suppression, decimals, _source = found
    if value is None:
        return f"suppressed ({suppression})"
    return format_value(value, indicator.unit, figure_decimals(indicator.decimals, decimals))


def chart_neighbours(setup: ComparatorSetup) -> tuple[Comparator | None, list[ListedNeighbour]]:
    """The comparator the chart is of (the first statistical neighbours' comparator with a
    neighbour set) and the neighbours it lists for the authority, in rank order."""
    comparator = next(
        (
            c
            for c in setup.comparators
            if c.kind == ComparatorKind.NEIGHBOURS and c.neighbour_set_id
        ),
        None,
    )
    if comparator is None or comparator.neighbour_set_id is None:
        return None, []
    return comparator, setup.neighbours.get(comparator.neighbour_set_id, [])


def neighbour_comparison(
    authority: Area,
    indicator: Indicator,
    setup: ComparatorSetup,
    *,
    own: Sequence[FigureRecord],
    others: Mapping[int, Sequence[ValueRecord]],
) -> NeighbourComparison:
    """The authority against each of its statistical neighbours, for the latest period for
    which neighbours' figures are loaded (of the indicator's own kind of period if any), from
    figures already read: the authority's own overall figures, and by area every figure of
    the neighbours and the nations that the authority may see (`figures_visible_to`)."""
    comparator, neighbours = chart_neighbours(setup)
    if comparator is None:
        return NeighbourComparison(
            "", 0, None, [], [], "", f"No statistical neighbours are set for {authority.name}."
        )
    if not neighbours:
        return NeighbourComparison(
            "", 0, None, [], [], "", f"No statistical neighbours are listed for {authority.name}."
        )
    set_name = neighbours[0].set_name
    neighbour_ids = [row.area_id for row in neighbours]
    native = NATIVE_KINDS[indicator.frequency]
    # The latest period with a neighbour's value: of the indicator's own kind first, then the
    # latest end, then the earliest start.
    latest = max(
        (
            record
            for area_id in neighbour_ids
            for record in others.get(area_id, ())
            if record.value is not None
        ),
        key=lambda record: (
            record.period.kind in native,
            record.period.end,
            -record.period.start.toordinal(),
        ),
        default=None,
    )
    if latest is None:
        return NeighbourComparison(
            set_name,
            len(neighbours),
            None,
            [],
            [],
            "",
            f"No figures of {authority.name}’s statistical neighbours are loaded for this measure.",
        )
    period = latest.period
    nations = [c for c in setup.comparators if c.kind == ComparatorKind.NATION]
    found: dict[int, Found] = {
        record.area_id: (
            record.value,
            record.suppression,
            record.published_decimals,
            record.source,
        )
        for area_id in (*neighbour_ids, *(c.area_id for c in nations))
        for record in others.get(area_id, ())
        if record.period_id == period.id
    }
    for figure in own:
        if figure.period_id == period.id:
            found[authority.id] = (
                figure.value,
                figure.suppression,
                figure.published_decimals,
                figure.source,
            )
    entries = [(authority.name, authority.id, True, None, "")] + [
        (row.name, row.area_id, False, row.rank, row.closeness) for row in neighbours
    ]
    values = [found[area_id][0] if area_id in found else None for _n, area_id, *_ in entries]
    bars = []
    position = 0
    for index in summaries.neighbour_order(values, indicator.polarity):
        name, area_id, is_own, rank, closeness = entries[index]
        if values[index] is not None:
            position += 1
        bars.append(
            NeighbourBar(
                name=name,
                value=values[index],
                text=_plain_text(indicator, found.get(area_id)),
                is_own=is_own,
                position=position if values[index] is not None else None,
                neighbour_rank=rank,
                closeness=closeness,
            )
        )
    neighbour_values = values[1:]
    references = []
    mean = metrics.mean_of_available(neighbour_values)
    if mean.value is not None:
        decimals = mean_decimals(
            indicator.decimals,
            [found[area_id][2] for area_id in neighbour_ids if area_id in found],
        )
        of = len(neighbour_ids)
        references.append(
            ReferenceLine(
                "Neighbours’ mean",
                mean.value,
                format_value(mean.value, indicator.unit, decimals),
                f"mean of {mean.count} {'neighbour' if mean.count == 1 else 'neighbours'}"
                if mean.count == of
                else f"mean of {mean.count} of {of} neighbours",
            )
        )
    for nation in nations:
        nation_found = found.get(nation.area_id)
        if nation_found is not None and nation_found[0] is not None:
            references.append(
                ReferenceLine(
                    nation.label,
                    nation_found[0],
                    _plain_text(indicator, nation_found),
                    "published" if nation_found[3] == FigureSource.PUBLISHED else "entered",
                )
            )
    return NeighbourComparison(
        set_name=set_name,
        neighbour_count=len(neighbours),
        period=period,
        bars=bars,
        references=references,
        summary=summaries.neighbour_summary(
            authority.name,
            values[0],
            period.label,
            neighbour_values,
            indicator.unit,
            mean_decimals(indicator.decimals, [entry[2] for entry in found.values()]),
        ),
        message="",
    )
