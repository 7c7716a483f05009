"""Presentation helpers for figures: how a rating or a direction of travel is tagged."""

from django import template

from indicators.rag import Comparison, ComparisonResult, RagResult, Rating, compared
from indicators.trend import Direction, Travel

register = template.Library()

RATING_TAGS = {
    Rating.GREEN: "govuk-tag--green",
    Rating.AMBER: "govuk-tag--yellow",
    Rating.RED: "govuk-tag--red",
    Rating.NOT_RATED: "govuk-tag--grey",
}

COMPARISON_TAGS = {
    Comparison.BETTER: "govuk-tag--green",
    Comparison.SIMILAR: "govuk-tag--blue",
    Comparison.WORSE: "govuk-tag--orange",
    Comparison.NOT_COMPARED: "govuk-tag--grey",
}

TRAVEL_SYMBOLS = {
    Direction.IMPROVING: "▲",
    Direction.WORSENING: "▼",
    Direction.UP: "↑",
    Direction.DOWN: "↓",
    Direction.NO_CHANGE: "=",
    Direction.NOT_KNOWN: "",
}


@register.inclusion_tag("indicators/includes/rag_tag.html")
def rag_tag(rag: RagResult) -> dict[str, str]:
    """The rating as a coloured tag whose words carry the meaning on their own."""
    return {"css": RATING_TAGS[rag.rating], "words": rag.words}


@register.inclusion_tag("indicators/includes/rag_tag.html")
def rating_tag(rag: RagResult, comparison: ComparisonResult | None) -> dict[str, str]:
    """Against the target where there is one; else against the first comparator."""
    if rag.rating == Rating.NOT_RATED and compared(comparison):
        return {"css": COMPARISON_TAGS[comparison.comparison], "words": comparison.words}
    return rag_tag(rag)


@register.simple_tag
def travel_symbol(travel: Travel) -> str:
    return TRAVEL_SYMBOLS[travel.direction]


STATE_TAGS = {
    "missing": "govuk-tag--red",
    "draft": "govuk-tag--grey",
    "returned": "govuk-tag--orange",
    "submitted": "govuk-tag--blue",
    "approved": "govuk-tag--green",
}


@register.inclusion_tag("indicators/includes/rag_tag.html")
def state_tag(state: str, label: str) -> dict[str, str]:
    """Where a figure is in the workflow: missing, draft, returned, submitted, approved."""
    return {"css": STATE_TAGS[state], "words": label}
