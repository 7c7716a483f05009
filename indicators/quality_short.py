"""A figure's data quality in a few words (issue 19), for the places with room for no more: a
dashboard tile, a cell of a pack's table or scorecard. The full sentence
(`quality_words.quality_words`) is shown beside it, in the tile's details or the pack's notes;
this short form never stands in for it, and like it never relies on a colour."""

from __future__ import annotations

from typing import Any


def quality_short(counted: int, affected: int) -> str:
    """ "Data quality: 12 of 400 children (3.0%) have errors that can change it." A figure no
    error touches says so, as plainly."""
    if counted == 0:
        return "Data quality: checked; it counts no children"
    if affected == 0:
        return "Data quality: no DfE rule errors can change it"
    share = affected / counted * 100
    shown = f"{share:.1f}%" if share >= 0.1 else "under 0.1%"
    children = "child" if counted == 1 else "children"
    verb = "has" if affected == 1 else "have"
    return (
        f"Data quality: {affected:,} of {counted:,} {children} ({shown}) {verb} errors that can "
        "change it"
    )


def record_quality_short(figure: Any) -> str:
    """The short form for a light figure record (`figure_context.FigureRecord`), which carries
    the quality's columns: empty unless a quality is held for this version of the figure, the
    rule `quality_words.figure_quality_text` applies to the full sentence."""
    if getattr(figure, "quality__rule_set", None) is None:
        return ""
    if figure.quality__version != figure.version:
        return ""
    return quality_short(figure.quality__counted or 0, figure.quality__affected or 0)
