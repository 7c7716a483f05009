"""How the reading view and the PDF lay out each section, from its content dict (live or frozen).

Pure: dicts in, dicts out, no ORM. Each section kind is drawn by its own include,
`scrutiny/sections/_<kind>.html`, and each indicator layout (cards, compact table, period grid)
by `scrutiny/sections/layouts/_<layout>.html`: the names are chosen here, so a new kind of
section is a new include file and nothing else in the pack body changes.

A compact table, a period grid, the scorecard and the appendix leave out a column that would be
empty all the way down (no target anywhere in the section, no statistical neighbours'
figure...), so that what is left fits A4 and says something in every column. The national
comparator's column is headed with the authority's own nation (England, Wales).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop

from . import grid as period_grids
from . import scorecard
from .sparklines import sparkline_svg

CARDS, TABLE, GRID = "cards", "table", "grid"
LAYOUTS = (CARDS, TABLE, GRID)
NO_TARGET = "no target"


def section_template(kind: str) -> str:
    return f"scrutiny/sections/_{kind}.html"


def layout_template(layout: str) -> str:
    # A pack published before layouts existed has none: it was shown as cards.
    return f"scrutiny/sections/layouts/_{layout if layout in LAYOUTS else CARDS}.html"


def _has_target(target: str | None) -> bool:
    return bool(target) and target != NO_TARGET


def _has_figure(cell: dict[str, Any] | None) -> bool:
    """Whether a comparator's cell has something to show (a value, or words such as a
    suppression mark), rather than nothing or "no figure"."""
    return cell is not None and (
        cell.get("value") is not None or cell.get("text") not in (None, "", "no figure")
    )


def _comparator_columns(indicators: Sequence[dict[str, Any]]) -> list[str]:
    """The comparators (by label, in the pack's order) with a figure for at least one of the
    section's indicators."""
    labels: dict[str, None] = {}
    for indicator in indicators:
        for cell in indicator.get("comparators", []):
            if _has_figure(cell):
                labels.setdefault(cell["label"], None)
    return list(labels)


def _cell(indicator: dict[str, Any], label: str) -> dict[str, Any] | None:
    return next((c for c in indicator.get("comparators", []) if c["label"] == label), None)


def compact_table(indicators: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The compact table: a row per indicator, and only the columns something fills."""
    comparators = _comparator_columns(indicators)
    prior = any(indicator.get("prior") for indicator in indicators)
    # A monthly or quarterly measure's latest year-end outturn ("2016-17 year end").
    year_end = any(indicator.get("year_end") for indicator in indicators)
    target = any(_has_target(indicator.get("target")) for indicator in indicators)
    trend = any(indicator.get("sparkline") for indicator in indicators)
    # Measure, current and rating always; the rest where filled (the commentary's row spans all).
    span = 3 + prior + year_end + target + len(comparators) + trend
    return {
        "prior": prior,
        "year_end": year_end,
        "target": target,
        "comparators": comparators,
        "trend": trend,
        "rows": [
            {
                "indicator": indicator,
                "cells": [_cell(indicator, label) for label in comparators],
                "symbol": scorecard.travel_symbol(indicator.get("direction", "")),
                "css": scorecard.rating_css(indicator.get("rag", "")),
                "span": span,
            }
            for indicator in indicators
        ],
    }


def period_grid(indicators: Sequence[dict[str, Any]], nation: str = "") -> dict[str, Any]:
    """The period grid's columns: target, rating, the national average (headed with the
    authority's `nation`'s: "Welsh average") and comment only where the section has something
    for them."""
    grids = [indicator.get("grid") or {} for indicator in indicators]
    rows = [row for grid in grids for row in [*grid.get("rows", []), grid.get("previous")] if row]
    target = any(_has_target(row.get("target")) for row in rows)
    national = any((row.get("national") or {}).get("value") is not None for row in rows)
    commentary = any(row.get("commentary") for row in rows)
    return {
        "target": target,
        "national": national,
        "national_heading": period_grids.national_heading(nation),
        "commentary": commentary,
        # The columns after the period's: figure and rating always, the rest where filled.
        "span": 2 + target + national + commentary,
    }


def _value_at(cells: Sequence[dict[str, Any] | None], index: int) -> str | None:
    cell = cells[index] if index < len(cells) else None
    return None if cell is None else cell.get("value")


def table_quality_notes(rows: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Under a table of many measures, whose cells give a figure's data quality in a few words
    (issue 19): each one's full sentence, headed with its measure and period."""
    return [
        {"title": row.get("title", ""), **note}
        for row in rows
        for note in row.get("quality_notes", [])
    ]


def scorecard_table(rows: Sequence[dict[str, Any]], nation: str = "") -> dict[str, Any]:
    """The scorecard's comparator columns (those with a figure for some indicator; the
    national one headed with the authority's `nation`), its rows marked with their rating's
    colour, travel symbol and exception group, and its key."""
    columns = [
        (index, heading)
        for index, heading in enumerate(scorecard.comparator_headings(nation))
        if any(_value_at(row.get("comparators", []), index) is not None for row in rows)
    ]
    return {
        "comparators": [heading for _, heading in columns],
        "target": any(_has_target(row.get("target")) for row in rows),
        "rows": [
            {
                **row,
                "cells": [row["comparators"][index] for index, _ in columns],
                "symbol": scorecard.travel_symbol(row.get("direction", "")),
                "css": scorecard.rating_css(row.get("rag", "")),
                "exception": scorecard.exception_label(
                    scorecard.exception_rank(row.get("rag", ""), row.get("direction", ""))
                ),
            }
            for row in rows
        ],
        "key": scorecard.scorecard_key(rows, nation),
        "quality_notes": table_quality_notes(rows),
    }


# The appendix's comparator columns: (the row's key, its heading; "" for the national one,
# headed with the authority's nation).
APPENDIX_COMPARATORS = (("national", ""), ("neighbours", gettext_noop("Statistical neighbours")))


def appendix_table(rows: Sequence[dict[str, Any]], nation: str = "") -> dict[str, Any]:
    """The appendix's comparator columns, by the compact table's rule: only those with a
    figure in some row (an appendix with no neighbours' figure has no neighbours column), the
    national one headed with the authority's `nation` ("England", "Wales")."""
    columns = [
        (key, gettext(heading) if heading else scorecard.national_heading(nation))
        for key, heading in APPENDIX_COMPARATORS
        if any(_has_figure(row.get(key)) for row in rows)
    ]
    return {
        "comparators": [heading for _, heading in columns],
        "rows": [{**row, "cells": [row.get(key) for key, _ in columns]} for row in rows],
        "quality_notes": table_quality_notes(rows),
    }


def laid_out(section: dict[str, Any]) -> dict[str, Any]:
    """The section with its include's name and what its layout needs (a shallow copy)."""
    section = {**section, "template": section_template(section.get("kind", ""))}
    layout = section.get("layout") or CARDS
    if "indicators" in section:
        section["layout_template"] = layout_template(layout)
        if layout == TABLE:
            section["indicators"] = [
                {
                    **indicator,
                    # Markup built from numbers and escaped words only (sparklines.py).
                    "sparkline": mark_safe(  # noqa: S308
                        sparkline_svg(indicator["title"], indicator.get("trend", []))
                    ),
                }
                for indicator in section["indicators"]
            ]
            section["table"] = compact_table(section["indicators"])
        elif layout == GRID:
            section["grid"] = period_grid(section["indicators"], section.get("nation", ""))
    if section.get("kind") == "scorecard":
        section["scorecard"] = scorecard_table(section.get("rows", []), section.get("nation", ""))
    if section.get("kind") == "appendix":
        section["appendix"] = appendix_table(section.get("rows", []), section.get("nation", ""))
    return section
