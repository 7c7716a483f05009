"""Plotly figures for the quality assurance page, written as plotly's JSON (see the module
docstring of `indicators/chart_kit.py`). Each comes with a one-sentence summary computed here and
a table on the page, since plotly's SVG has no accessible name."""

from __future__ import annotations

from typing import Any

from indicators import chart_kit
from indicators.chart_kit import OWN_COLOUR, TARGET_LINE

from .metrics import JUDGEMENTS
from .models import Judgement
from .selectors import QuarterRow

# Best to worst; each keeps at least 3:1 contrast against white (WCAG 1.4.11), and the legend
# and the table name every band, so colour is never the only cue.
JUDGEMENT_COLOURS = {
    "outstanding": "#00703c",
    "good": "#1d70b8",
    "requires_improvement": "#b05400",
    "inadequate": "#d4351c",
}
NOT_JUDGED_COLOUR = "#505a5f"


def _percent(value: float | None) -> str:
    return "no judged audits" if value is None else f"{value:.0f}%"


def judgement_distribution(quarters: list[QuarterRow]) -> dict[str, Any] | None:
    """Audits each quarter by final judgement, stacked."""
    if not quarters:
        return None
    x = [q.label for q in quarters]
    data = [
        chart_kit.bar(
            x=x,
            y=[q.results.counts[judgement] for q in quarters],
            name=Judgement(judgement).label,
            marker={"color": JUDGEMENT_COLOURS[judgement]},
            hovertemplate=f"%{{x}}: %{{y}} {Judgement(judgement).label.lower()}<extra></extra>",
        )
        for judgement in JUDGEMENTS
    ]
    if any(q.results.not_judged for q in quarters):
        data.append(
            chart_kit.bar(
                x=x,
                y=[q.results.not_judged for q in quarters],
                name="No overall judgement",
                marker={"color": NOT_JUDGED_COLOUR},
                hovertemplate="%{x}: %{y} without a judgement<extra></extra>",
            )
        )
    return chart_kit.figure(
        data,
        chart_kit.small_layout(
            barmode="stack",
            yaxis={"title": {"text": "Case audits"}, "rangemode": "tozero"},
            xaxis={"type": "category"},
        ),
    )


def judgement_distribution_summary(quarters: list[QuarterRow]) -> str:
    if not quarters:
        return "No case audits have been recorded yet."
    latest = quarters[-1]
    counts = latest.results.counts
    return (
        f"In {latest.label}, {latest.results.audited} cases were audited: "
        f"{counts['outstanding']} outstanding, {counts['good']} good, "
        f"{counts['requires_improvement']} requiring improvement and {counts['inadequate']} "
        "inadequate"
        + (
            f", with {latest.results.not_judged} given no overall judgement."
            if latest.results.not_judged
            else "."
        )
    )


def good_or_better_trend(quarters: list[QuarterRow]) -> dict[str, Any] | None:
    """% good or better each quarter, with the year's target where one is set."""
    judged = [q for q in quarters if q.good_percent is not None]
    if len(judged) < 2:
        return None  # one point is not a trend; the table and summary give it
    x = [q.label for q in judged]
    data = [
        chart_kit.scatter(
            x=x,
            y=[q.good_percent for q in judged],
            text=[
                f"{q.label}: {_percent(q.good_percent)} "
                f"({q.results.good_or_better.numerator} of {q.results.good_or_better.denominator})"
                for q in judged
            ],
            hovertemplate="%{text}<extra></extra>",
            mode="lines+markers",
            name="% good or better",
            line={"color": OWN_COLOUR, "width": 3},
            marker={"size": 9},
        )
    ]
    if any(q.target is not None for q in judged):
        data.append(
            chart_kit.scatter(
                x=x,
                y=[None if q.target is None else float(q.target) for q in judged],
                mode="lines",
                name="Target",
                line={"color": TARGET_LINE, "dash": "dash", "width": 2},
                hovertemplate="%{x}: target %{y}%<extra></extra>",
            )
        )
    return chart_kit.figure(
        data,
        chart_kit.small_layout(
            yaxis={"title": {"text": "Percentage"}, "ticksuffix": "%", "range": [0, 100]},
            xaxis={"type": "category"},
        ),
    )


def good_or_better_summary(quarters: list[QuarterRow]) -> str:
    judged = [q for q in quarters if q.good_percent is not None]
    if not judged:
        return "No audit has an overall judgement yet, so there is no % good or better."
    latest = judged[-1]
    ratio = latest.results.good_or_better
    sentence = (
        f"In {latest.label}, {_percent(latest.good_percent)} of judged audits were good or "
        f"better ({ratio.numerator} of {ratio.denominator})"
    )
    if len(judged) > 1:
        first = judged[0]
        sentence += f", against {_percent(first.good_percent)} in {first.label}"
    if latest.target_text:
        sentence += f"; the target for the year is {latest.target_text}"
    return sentence + "."


def learning_themes(themes: list[tuple[str, int]]) -> dict[str, Any] | None:
    if not themes:
        return None
    shown = themes[:12][::-1]  # plotly draws horizontal bars bottom up: most frequent on top
    return chart_kit.figure(
        [
            chart_kit.bar(
                x=[count for _name, count in shown],
                y=[name for name, _count in shown],
                orientation="h",
                name="Audits and findings",
                marker={"color": OWN_COLOUR},
                hovertemplate="%{y}: %{x}<extra></extra>",
            )
        ],
        chart_kit.small_layout(
            height=max(220, 40 * len(shown) + 80),
            margin={"l": 260, "r": 20, "t": 20, "b": 50},
            xaxis={"title": {"text": "Audits and findings tagged"}, "rangemode": "tozero"},
            yaxis={"automargin": True},
            showlegend=False,
        ),
    )


def learning_themes_summary(themes: list[tuple[str, int]]) -> str:
    if not themes:
        return "No audit or finding has been tagged with a learning theme yet."
    name, count = themes[0]
    return (
        f"{len(themes)} learning themes are tagged; the most frequent is “{name}”, tagged "
        f"{count} time{'s' if count != 1 else ''}."
    )
