"""What each section of a pack shows, read from live data, as plain JSON-able dicts.

Reads only. The figures come through `indicators.selectors.pack_indicators`, so ratings,
targets, comparators and direction of travel follow the same rules as every other page; audits
and complaints come through those apps' selectors (the voice section through `cleared_quotes`
and `cleared_comments` only, so no unredacted words reach a pack). Every figure shown carries
its id and version, so that publishing can freeze it and a later correction can be seen
(`revisions.py`).

The dicts are what `PackSection.frozen` stores at publication and what the pages will render:
one shape, live or frozen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from audits import selectors as audit_selectors
from complaints import selectors as complaint_selectors
from indicators import periods
from indicators import selectors as indicator_selectors
from indicators.models import ComparatorKind, Figure, Frequency, Indicator, PeriodKind
from indicators.selectors import ShownFigure

from . import curves, glossary, grid, scorecard
from .exempt import exempt_content
from .markdown import render
from .models import LAID_OUT_KINDS, LISTED_KINDS, Pack, PackSection, SectionKind, SectionLayout
from .question_selectors import matters_arising_content

if TYPE_CHECKING:
    from indicators.selectors import FigureRow, PackIndicator

# The appendix shows this many years (or periods) before the current one, as seed 000 does.
APPENDIX_PRIOR = 2
# A theme page's chart and table: the seeds' packs show 18 months, or three years.
TREND_POINTS = 18
# How far back a pack reads each kind of measure's figures: 18 months (or quarters) and the
# same period a year before the latest; for annual measures, the six years a chart has room
# for. Reading no further keeps a 40-indicator pack's live preview to a second or two.
HISTORY_YEARS = {Frequency.MONTHLY: 2, Frequency.QUARTERLY: 5, Frequency.ANNUAL: 6}


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def figure_dict(shown: ShownFigure) -> dict[str, Any]:
    row = shown.row
    shown_dict = {
        "figure_id": shown.figure_id,
        "version": shown.version,
        "period": row.period.label,
        "value": _decimal(row.value),
        "text": row.text,
        "flags": list(row.flags),
        "provisional": "provisional" in row.flags,
    }
    if row.quality:
        # Frozen with the rest at publication: a published pack keeps the quality it was
        # published with. Only a figure with a quality carries the keys (packs published
        # before qualities were kept have none, and read the same).
        shown_dict["quality"] = row.quality
        shown_dict["quality_short"] = row.quality_short
    return shown_dict


def quality_notes(figures: Iterable[dict[str, Any] | None]) -> list[dict[str, str]]:
    """The full sentence of each figure shown with a data quality, once each, in the order
    shown: the note under a block or table whose cells give the few words."""
    notes: list[dict[str, str]] = []
    seen: set[int] = set()
    for figure in figures:
        if not figure or not figure.get("quality") or figure["figure_id"] in seen:
            continue
        seen.add(figure["figure_id"])
        notes.append({"period": figure["period"], "words": figure["quality"]})
    return notes


def _with_notes(shown: dict[str, Any], figures: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    notes = quality_notes(figures)
    if notes:
        shown["quality_notes"] = notes
    return shown


def _comparators(item: PackIndicator, row: FigureRow) -> list[dict[str, Any]]:
    cells = []
    for index, cell in enumerate(row.comparators):
        ids = item.comparator_figures[index] if index < len(item.comparator_figures) else None
        cells.append(
            {
                "label": cell.label,
                "area": cell.area_name,
                "kind": item.comparator_kinds[index],
                "value": _decimal(cell.value),
                "text": cell.text,
                "period": cell.period_label,
                "method": cell.method,
                "note": cell.note,
                "figure_id": ids[0] if ids else None,
                "version": ids[1] if ids else None,
            }
        )
    return cells


def trend_point(item: PackIndicator, shown: ShownFigure) -> dict[str, Any]:
    """A figure of a theme page's trend, with each comparator's value beside it (by the same
    rule as every page: published for the same or latest earlier period, else computed), which
    its chart draws as the comparators' lines."""
    return {
        **figure_dict(shown),
        "comparators": [
            {
                "label": cell.label,
                "kind": kind,
                "value": _decimal(cell.value),
                "text": cell.text,
                "period": cell.period_label,
            }
            for cell, kind in zip(shown.row.comparators, item.comparator_kinds, strict=True)
        ],
    }


def _national(item: PackIndicator, row: FigureRow) -> dict[str, Any] | None:
    """England's (or Wales's) value beside a figure, by the same rule as every comparator;
    its period labelled as the measure's own are ("2016-17 year end" for the nation's year on
    a quarterly measure)."""
    frequency = item.summary.indicator.frequency
    for cell, kind in zip(row.comparators, item.comparator_kinds, strict=True):
        if kind == ComparatorKind.NATION:
            at = cell.period
            return {
                "label": cell.label,
                "value": _decimal(cell.value),
                "text": cell.text,
                "period": (
                    periods.label_for_frequency(frequency, at.kind, at.start, at.end)
                    if at is not None
                    else cell.period_label
                ),
            }
    return None


def _grid_row(item: PackIndicator, shown: ShownFigure, heading: str = "") -> dict[str, Any]:
    row = shown.row
    return {
        **figure_dict(shown),
        # What the row is: its period ("Q1 2017/18"), or last year's "2016-17 year end".
        "heading": heading or row.period.label,
        "target": row.target_text,
        "rag": str(row.rag.rating),
        "rating": row.rating_words,
        "national": _national(item, row),
        "commentary": row.commentary,
    }


def _missing_row(period: grid.GridPeriod) -> dict[str, Any]:
    """A month or quarter of the year so far with no figure: its row says so."""
    return {"period": period.label, "heading": period.label, "missing": True}


def _span(shown: ShownFigure) -> grid.Span:
    period = shown.row.period
    return (period.kind, period.start, period.end)


def year_so_far(item: PackIndicator, period_end: date) -> dict[str, Any]:
    """What a period grid shows of an indicator (`grid`): a row per month or quarter of the
    financial year of the pack's period so far (those with no figure say so; an annual
    measure's figures of the year, if any), and last year's outturn ("2016-17 year end"),
    each with the nation's figure beside it and the officer's comment."""
    indicator = item.summary.indicator
    year_start = periods.financial_year_start(period_end)
    this_year = {
        shown.row.period.start: shown
        for shown in item.history
        if grid.in_year(_span(shown), period_end)
    }
    expected = grid.periods_so_far(indicator.frequency, period_end)
    rows = [
        _grid_row(item, this_year[period.start])
        if period.start in this_year
        else _missing_row(period)
        for period in expected
    ]
    if not expected:
        rows = [_grid_row(item, shown) for shown in this_year.values()]
    found = grid.outturn(
        frequency=indicator.frequency,
        measure_type=indicator.measure_type,
        roll_up=indicator.roll_up,
        period_end=period_end,
        year_ends=[_span(shown) for shown in item.year_ends],
        native=[_span(shown) for shown in item.history],
    )
    previous = None
    if found is not None:
        how, index = found
        shown = (item.year_ends if how == grid.STORED else item.history)[index]
        previous = _grid_row(item, shown, grid.outturn_heading(how, _span(shown)))
    return {
        "year": periods.label(PeriodKind.FINANCIAL_YEAR, year_start, year_start),
        "rows": rows,
        "previous": previous,
    }


def indicator_dict(item: PackIndicator, period_end: date | None = None) -> dict[str, Any]:
    """An indicator as a theme page or indicator set shows it, in any layout (cards, table,
    grid: one shape, so a published pack can be shown in the layout it was published in)."""
    summary = item.summary
    indicator = summary.indicator
    latest = summary.latest
    current = item.history[-1] if latest is not None and item.history else None
    prior = item.history[:-1][-APPENDIX_PRIOR:] if current else ()
    latest_dict = figure_dict(current) if current else None
    prior_dicts = [figure_dict(figure) for figure in prior]
    # The latest year-end outturn of a monthly or quarterly measure, beside its periods,
    # labelled as one ("2016-17 year end").
    year_end = (
        {**figure_dict(item.year_end), "period": item.year_end.row.period_label}
        if item.year_end
        else None
    )
    grid_dict = year_so_far(item, period_end) if period_end else None
    indicator_shown: dict[str, Any] = {
        "code": indicator.code,
        "title": indicator.title,
        "definition": indicator.definition,
        "what_good_looks_like": indicator.what_good_looks_like,
        "unit": indicator.unit,
        "polarity": indicator.get_polarity_display(),
        "latest": latest_dict,
        "target": latest.target_text if latest else "no target",
        "rag": str(latest.rag.rating) if latest else "",
        "rating": latest.rating_words if latest else "no figure",
        "travel": summary.travel_text,
        "travel_year": summary.travel_year_text,
        "direction": str(summary.travel.direction),
        # In a word ("Worsening"), for the tables whose columns give the figures it is from.
        "travel_words": summary.travel.words,
        "comparators": _comparators(item, latest) if latest else [],
        "commentary": latest.commentary if latest else "",
        "prior": prior_dicts,
        "year_end": year_end,
        "trend": [trend_point(item, shown) for shown in item.history[-TREND_POINTS:]],
        "grid": grid_dict,
    }
    grid_rows = [*grid_dict["rows"], grid_dict["previous"]] if grid_dict else []
    return _with_notes(indicator_shown, [latest_dict, year_end, *prior_dicts, *grid_rows])


def scorecard_row(item: PackIndicator) -> dict[str, Any]:
    """An indicator's line of the scorecard: latest value and period, target, rating,
    direction of travel and the main comparators (`scorecard.MAIN_COMPARATORS`)."""
    shown = indicator_dict(item)
    row = {
        "code": shown["code"],
        "title": shown["title"],
        "latest": shown["latest"],
        "target": shown["target"],
        "rag": shown["rag"],
        "rating": shown["rating"],
        "direction": shown["direction"],
        # In a word ("Worsening"): the sections below give the change and what it was from.
        "travel": item.summary.travel.words,
        "comparators": [_cell_of(shown, (kind,)) for kind, _ in scorecard.MAIN_COMPARATORS],
    }
    return _with_notes(row, [shown["latest"]])


def _cell_of(indicator: dict[str, Any], kinds: tuple[str, ...]) -> dict[str, Any] | None:
    return next((cell for cell in indicator["comparators"] if cell["kind"] in kinds), None)


def appendix_row(item: PackIndicator) -> dict[str, Any]:
    """A row of the appendix data set: prior periods, current (provisional where so), target,
    the authority's nation, statistical neighbours, direction of travel (`layouts.appendix_table`
    leaves out a comparator column no row has a figure in)."""
    shown = indicator_dict(item)
    prior = item.history[:-1][-APPENDIX_PRIOR:] if item.history else ()
    row = {
        "code": shown["code"],
        "title": shown["title"],
        "unit": shown["unit"],
        "prior": [figure_dict(figure) for figure in prior],
        "current": shown["latest"],
        "target": shown["target"],
        "rag": shown["rag"],
        "national": _cell_of(shown, (ComparatorKind.NATION,)),
        "neighbours": _cell_of(shown, (ComparatorKind.NEIGHBOURS,)),
        "travel": shown["travel"],
    }
    return _with_notes(row, [*row["prior"], row["current"]])


def _indicators_of(section: PackSection) -> list[Indicator]:
    """A theme page: its theme's indicators. An indicator set or the appendix: the ones chosen,
    or, when none are, every indicator the authority has a figure for by the period's end.
    Only the measures that apply in the pack's authority's nation, whichever way they come
    (issue 17): a Welsh pack's theme page never lists the DfE's measures as missing."""
    pack = section.pack
    applicable = Indicator.objects.applicable_to(pack.authority)
    if section.kind == SectionKind.THEME_PAGE:
        # A theme page lists the measures an authority keeps; those published for every
        # authority only to compare with (issue 18) come in when a section chooses them.
        measures = applicable.filter(theme=section.theme, benchmarking_only=False)
        return list(measures.select_related("theme"))
    chosen = list(section.indicators.applicable_to(pack.authority).select_related("theme"))
    if chosen or section.kind not in LISTED_KINDS:
        return chosen
    with_figures = (
        Figure.objects.overall()
        .filter(area_id=pack.authority_id, period__end__lte=pack.period.end)
        .values("indicator_id")
    )
    kept = applicable.filter(id__in=with_figures, benchmarking_only=False)
    return list(kept.select_related("theme"))


def _read_indicators(pack: Pack, indicators: list[Indicator]) -> dict[int, PackIndicator]:
    """The pack's view of `indicators` (read once for the whole pack), by indicator id: each
    kind of measure over its own window (`HISTORY_YEARS`)."""
    end = pack.period.end
    read: dict[int, PackIndicator] = {}
    for frequency, years in HISTORY_YEARS.items():
        group = [i for i in indicators if i.frequency == frequency]
        if not group:
            continue
        since = end.replace(year=end.year - years, day=min(end.day, 28))
        items = indicator_selectors.pack_indicators(
            pack.authority, group, as_at=end, since=since, history_points=TREND_POINTS
        )
        read.update((item.summary.indicator.id, item) for item in items)
    return read


# The sections that show indicators' figures.
_WITH_FIGURES = (SectionKind.THEME_PAGE, SectionKind.INDICATOR_SET, SectionKind.APPENDIX)


@dataclass(frozen=True)
class _Read:
    """The pack's indicators, read once: each section's list, and every one's view."""

    of_section: dict[int, list[Indicator]]
    items: dict[int, PackIndicator]


def _default_indicators(pack: Pack) -> list[Indicator]:
    """Every indicator the authority has a figure for by the period's end: what each template's
    theme pages and indicator sets show between them when nothing narrows them."""
    with_figures = (
        Figure.objects.overall()
        .filter(area_id=pack.authority_id, period__end__lte=pack.period.end)
        .values("indicator_id")
    )
    return list(
        Indicator.objects.applicable_to(pack.authority)
        .filter(id__in=with_figures)
        .select_related("theme")
        .order_by("theme__order", "theme__name", "id")
    )


def _read_pack(pack: Pack, sections: list[PackSection]) -> _Read:
    of_section = {s.pk: _indicators_of(s) for s in sections if s.kind in _WITH_FIGURES}
    every = {i.id: i for indicators in of_section.values() for i in indicators}
    # The scorecard shows every indicator the pack shows elsewhere, once, in the pack's order;
    # or, in a pack that shows none elsewhere, what its template would.
    scorecards = [s for s in sections if s.kind == SectionKind.SCORECARD]
    if scorecards:
        shown = list(every.values()) or _default_indicators(pack)
        every.update((i.id, i) for i in shown)
        of_section.update((s.pk, shown) for s in scorecards)
    return _Read(of_section, _read_indicators(pack, list(every.values())))


def _pack_indicators(section: PackSection, read: _Read | None) -> list[PackIndicator]:
    if read is None:
        # The scorecard summarises the other sections: read the whole pack for it.
        alone = section.kind != SectionKind.SCORECARD
        read = _read_pack(
            section.pack,
            [section] if alone else list(section.pack.sections.select_related("theme")),
        )
    indicators = read.of_section.get(section.pk, [])
    shown = [read.items[i.id] for i in indicators if i.id in read.items]
    # An indicator with no figure by the period's end has nothing to show councillors.
    return [item for item in shown if item.summary.latest is not None]


def _quality_assurance(user: Any, pack: Pack) -> dict[str, Any]:
    page = audit_selectors.quality_page(user, pack.authority.slug)
    return {
        "audited": page.audited,
        "good_or_better": {
            "numerator": page.good_or_better.numerator,
            "denominator": page.good_or_better.denominator,
            "percent": page.good_or_better.percent,
        },
        "moderation_agreed": {
            "numerator": page.moderation.numerator,
            "denominator": page.moderation.denominator,
            "percent": page.moderation.percent,
        },
        "quarters": [
            {
                "label": quarter.label,
                "audited": quarter.results.audited,
                "good_or_better_percent": quarter.good_percent,
                "target": quarter.target_text,
            }
            for quarter in page.judged_quarters
        ],
        "themes": [{"theme": name, "count": count} for name, count in page.themes],
        "findings": [
            {"kind": finding.get_kind_display(), "text": finding.text} for finding in page.findings
        ],
        "observations": len(page.observations),
    }


def _voice(user: Any, pack: Pack) -> dict[str, Any]:
    page = complaint_selectors.voice_page(user, pack.authority.slug)
    quotes = complaint_selectors.cleared_quotes(user, pack.authority)
    comments = complaint_selectors.cleared_comments(user, pack.authority)
    return {
        "complaints_by_quarter": [
            {
                "label": quarter.label,
                "received": quarter.total_received,
                "upheld": quarter.upheld,
                "concluded": quarter.concluded,
            }
            for quarter in page.quarters
        ],
        "outcomes_by_year": [
            {"label": year.label, "counts": dict(year.counts)} for year in page.years
        ],
        "compliments": page.compliment_total,
        "compliment_themes": [{"theme": n, "count": c} for n, c in page.compliment_themes],
        "complaint_themes": [{"theme": n, "count": c} for n, c in page.complaint_themes],
        "surveys": [
            {
                "title": result.survey.title,
                "questions": [
                    {"text": q.text, "percent_positive": _decimal(q.percent_positive)}
                    for q in result.questions
                ],
            }
            for result in page.surveys
        ],
        # Cleared, redacted words only: never `page.compliment_records` or the like.
        "quotes": [{"text": q.text, "where": q.where} for q in quotes],
        "comments": [{"text": c.text, "where": c.where} for c in comments],
    }


def _inspections(user: Any, pack: Pack) -> dict[str, Any]:
    page = audit_selectors.quality_page(user, pack.authority.slug)
    return {
        "inspections": [
            {
                "date": inspection.start.isoformat(),
                # As committee reports name them ("the October 2016 inspection").
                "date_text": f"{inspection.start:%B %Y}",
                "body": inspection.get_body_display(),
                "kind": inspection.get_kind_display(),
                "focus": inspection.focus,
                "judgement": inspection.get_judgement_display() if inspection.judgement else "",
                "headlines": [line for line in inspection.headlines.splitlines() if line.strip()],
            }
            for inspection in page.inspections
            if inspection.start <= pack.meeting_date  # visits up to the meeting (seed 004)
        ],
        "plans": [
            {
                "name": plan.name,
                "priorities": [
                    {
                        "title": priority.title,
                        "actions": [
                            {
                                "text": action.text,
                                "owner": action.owner,
                                "due": action.due.isoformat() if action.due else None,
                                "rag": action.rag,
                                "completed": action.completed,
                            }
                            for action in priority.actions.all()
                        ],
                    }
                    for priority in plan.priorities.all()
                ],
            }
            for plan in page.plans
        ],
    }


def section_content(
    section: PackSection, *, user: Any, read: _Read | None = None
) -> dict[str, Any]:
    """One section's live content (the glossary's needs the whole pack: `pack_content`), from
    the pack's indicators as `pack_content` read them (or read for this section alone)."""
    base: dict[str, Any] = {
        "kind": section.kind,
        "title": section.title,
        "narrative": section.narrative,
        "narrative_html": render(section.narrative),
        # Exempt information (Schedule 12A): None, or the paragraph and its words.
        "exempt": exempt_content(section.exempt_paragraph),
    }
    pack = section.pack
    if section.kind in LAID_OUT_KINDS:
        base["layout"] = section.layout or SectionLayout.CARDS
        # Heads a period grid's national column: "Welsh average" (`grid.national_heading`).
        base["nation"] = pack.authority.get_nation_display()
    if section.kind == SectionKind.THEME_PAGE:
        base["theme"] = section.theme.name if section.theme else ""
    if section.kind in (SectionKind.THEME_PAGE, SectionKind.INDICATOR_SET):
        base["period"] = pack.period.label
        base["indicators"] = [
            indicator_dict(item, pack.period.end) for item in _pack_indicators(section, read)
        ]
    elif section.kind == SectionKind.SCORECARD:
        base["period"] = pack.period.label
        # Heads the national comparator's column: "England", "Wales" (scorecard.national_heading).
        base["nation"] = pack.authority.get_nation_display()
        base["rows"] = scorecard.exceptions_first(
            scorecard_row(item) for item in _pack_indicators(section, read)
        )
    elif section.kind == SectionKind.APPENDIX:
        base["period"] = pack.period.label
        base["nation"] = pack.authority.get_nation_display()
        base["rows"] = [appendix_row(item) for item in _pack_indicators(section, read)]
    elif section.kind == SectionKind.QUALITY_ASSURANCE:
        base["quality"] = _quality_assurance(user, pack)
    elif section.kind == SectionKind.VOICE:
        base["voice"] = _voice(user, pack)
    elif section.kind == SectionKind.INSPECTIONS:
        base["inspections"] = _inspections(user, pack)
    elif section.kind == SectionKind.TURNING_THE_CURVE:
        base["curve"] = curves.section_content(section)
    elif section.kind == SectionKind.MATTERS_ARISING:
        base["matters_arising"] = matters_arising_content(pack)
    return base


def _texts(value: Any) -> list[str]:
    """Every string in a section's content, for the glossary to search."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            text for key, item in value.items() if key != "narrative_html" for text in _texts(item)
        ]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def pack_content(pack: Pack, *, user: Any) -> list[dict[str, Any]]:
    """Every section's live content, in order; the glossary lists the abbreviations the other
    sections use (their titles, narrative, indicator titles and definitions...)."""
    sections = list(
        pack.sections.select_related(
            "pack__authority", "pack__period", "theme", "curve__authority", "curve__indicator"
        ).order_by("order")
    )
    read = _read_pack(pack, sections)
    contents = [section_content(section, user=user, read=read) for section in sections]
    words = [pack.title, pack.committee] + [
        text
        for section, content in zip(sections, contents, strict=True)
        if section.kind != SectionKind.GLOSSARY
        for text in _texts(content)
    ]
    terms = [
        {"abbreviation": t.abbreviation, "expansion": t.expansion} for t in glossary.used_in(words)
    ]
    for section, content in zip(sections, contents, strict=True):
        if section.kind == SectionKind.GLOSSARY:
            content["terms"] = terms
    return contents
