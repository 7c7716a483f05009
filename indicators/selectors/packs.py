"""Figures as a scrutiny pack shows them (issue 7): the same summaries (ratings, travel,
comparators, from `figure_context`) the pages and dashboards show, as they stood at the end
of the pack's reporting period, with the id and version of each figure shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .. import year_ends as year_end_rules
from ..figure_context import (
    FigureRow,
    IndicatorSummary,
    figure_row,
    indicator_summary,
    load_context,
    native_figures,
)
from ..models import Area, Indicator


@dataclass(frozen=True)
class ShownFigure:
    """A figure a pack shows, with what identifies it (for the revision check after
    publication): its id and version."""

    figure_id: int
    version: int
    row: FigureRow


@dataclass(frozen=True)
class PackIndicator:
    """One indicator as a pack shows it at the end of its reporting period: the same summary
    (rating, travel, comparators) the pages and dashboards show, each comparator's kind, and
    the figures behind it, oldest first."""

    summary: IndicatorSummary
    comparator_kinds: tuple[str, ...]  # the kind of each of summary.latest.comparators
    history: tuple[ShownFigure, ...]
    # For each comparator cell of the latest row whose value is a published figure: its id and
    # version, so a correction to England's figure is caught as well as one to the authority's.
    comparator_figures: tuple[tuple[int, int] | None, ...] = ()
    # A monthly or quarterly measure's financial-year figures (entered, imported or rolled up
    # from its parts), oldest first: its year-end outturns, which `history` (the measure's own
    # months or quarters) leaves out. A period grid shows last year's beside this year's
    # quarters (issue 17). Empty for an annual measure, whose years are its history.
    year_ends: tuple[ShownFigure, ...] = ()
    # A monthly or quarterly measure's latest year-end outturn by the pack's period end
    # ("2016-17 year end"), which `history` (the measure's own periods) does not hold.
    year_end: ShownFigure | None = None


def pack_indicators(
    authority: Area,
    indicators: Sequence[Indicator],
    *,
    as_at: date,
    since: date | None = None,
    history_points: int | None = None,
) -> list[PackIndicator]:
    """The indicators' summaries as they stood for periods ending on or before `as_at` (a
    pack reporting on September 2021 shows September 2021, whatever has been entered since).
    With `since`, only figures of periods ending on or after it are read (a pack's window);
    with `history_points`, only that many of the latest figures are shown in `history`.

    No access check: a pack's content is composed by its services and selectors, which check
    the acting user on the pack (`accounts.access`) first. The rules are those of
    `figure_context.indicator_summary` and `figure_row`; a few queries whatever the number of
    indicators."""
    context = load_context(authority, indicators, since=since)
    for indicator_id, figures in context.own.items():
        context.own[indicator_id] = [f for f in figures if f.period.end <= as_at]
    result = []
    for indicator in indicators:
        summary = indicator_summary(context, indicator)
        native = native_figures(indicator, context.own.get(indicator.id, []))
        shown = native[-history_points:] if history_points else native
        history = tuple(
            ShownFigure(figure.id, figure.version, figure_row(context, indicator, figure))
            for figure in shown
        )
        outturns = [
            figure
            for figure in context.own.get(indicator.id, [])
            if year_end_rules.is_year_end(indicator.frequency, figure.period.kind)
        ]
        year_ends = tuple(
            ShownFigure(figure.id, figure.version, figure_row(context, indicator, figure))
            for figure in outturns
        )
        comparator_figures: list[tuple[int, int] | None] = []
        if summary.latest is not None:
            for comparator, cell in zip(
                context.comparators, summary.latest.comparators, strict=True
            ):
                found = None
                if cell.method == "published" and cell.period is not None:
                    found = next(
                        (
                            (figure.id, figure.version)
                            for figure in context.comparator_figures.get(
                                (comparator.area_id, indicator.id), []
                            )
                            if figure.period.id == cell.period.id
                        ),
                        None,
                    )
                comparator_figures.append(found)
        outturn = year_end_rules.latest_year_end(indicator.frequency, outturns, ending_by=as_at)
        if outturn is not None and any(figure.id == outturn.id for figure in native):
            outturn = None  # no month or quarter of its own: its years are its history
        result.append(
            PackIndicator(
                summary=summary,
                comparator_kinds=tuple(c.kind for c in context.comparators),
                history=history,
                comparator_figures=tuple(comparator_figures),
                year_ends=year_ends,
                # The outturn's row as `year_ends` drew it, not drawn a second time.
                year_end=next(
                    (shown for shown in year_ends if outturn and shown.figure_id == outturn.id),
                    None,
                ),
            )
        )
    return result
