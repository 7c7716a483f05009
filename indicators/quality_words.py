"""A figure's data quality in words (issue 19), as the pages, packs and downloads show it
beside the value: counts in, a sentence out, never only a colour (`quality_words`, pure);
and the words for a figure as the pages read it (`figure_quality_text`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .models import Figure
from .quality_models import FigureQuality


def quality_words(
    rule_set: str, counted: int, affected: int, rules: Sequence[Mapping[str, Any]]
) -> str:
    """ "Data quality: 12 of the 4,210 children counted (0.3%) are in records with errors that
    can change this figure (DfE rules 408 for 9 children, 164 for 3; SSDA903 2025/26)." A
    figure no error touches says that it was checked, and against what."""
    if counted == 0:
        return f"Data quality: checked against the DfE's {rule_set} rules; it counts no children."
    children = "child" if counted == 1 else "children"
    if affected == 0:
        return (
            f"Data quality: no DfE rule error ({rule_set}) touches the {counted:,} {children} "
            "it counts."
        )
    share = affected / counted * 100
    shown = f"{share:.1f}%" if share >= 0.1 else "under 0.1%"
    listed = ", ".join(
        f"{rule['code']} for {rule['children']:,}"
        + (" child" if rule["children"] == 1 else " children")
        for rule in rules
    )
    verb = "is" if affected == 1 else "are"
    return (
        f"Data quality: {affected:,} of the {counted:,} {children} counted ({shown}) {verb} in "
        f"records with errors that can change this figure (DfE rules {listed}; {rule_set})."
    )


def figure_quality_text(figure: Any) -> str:
    """A figure's data quality in words, if it was read with it and is held for this version
    of the figure: a light record (`figure_context.FigureRecord`) carries the quality's
    columns; a model instance its `select_related("quality")`. Anything else has none."""
    if hasattr(figure, "quality__version"):
        if figure.quality__version != figure.version or figure.quality__rule_set is None:
            return ""
        return quality_words(
            figure.quality__rule_set,
            figure.quality__counted or 0,
            figure.quality__affected or 0,
            figure.quality__rules or [],
        )
    if not isinstance(figure, Figure) or not Figure.quality.is_cached(figure):
        return ""
    try:
        held = figure.quality
    except FigureQuality.DoesNotExist:
        return ""
    if not held.applies_to(figure):
        return ""
    return quality_words(held.rule_set, held.counted, held.affected, held.rules)
