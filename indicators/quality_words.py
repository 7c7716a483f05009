"""A figure's data quality in words (issue 19), as the pages, packs and downloads show it
beside the value: counts in, a sentence out, never only a colour (`quality_words`, pure);
the few words where there is no room for more (`quality_short`); and both for a figure as the
pages read it (`figure_quality_text`, `figure_quality_short`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .models import Figure
from .quality_models import FigureQuality


def _share(counted: int, affected: int) -> str:
    share = affected / counted * 100
    return f"{share:.1f}%" if share >= 0.1 else "under 0.1%"


def _children(count: int) -> str:
    return "child" if count == 1 else "children"


def quality_words(
    rule_set: str, counted: int, affected: int, rules: Sequence[Mapping[str, Any]]
) -> str:
    """ "Data quality: 12 of the 4,210 children counted (0.3%) are in records with errors that
    can change this figure (DfE rules 408 for 9 children, 164 for 3; SSDA903 2025/26)." A
    figure no error touches says that it was checked, and against what."""
    if counted == 0:
        return f"Data quality: checked against the DfE's {rule_set} rules; it counts no children."
    if affected == 0:
        return (
            f"Data quality: no DfE rule error ({rule_set}) touches the {counted:,} "
            f"{_children(counted)} it counts."
        )
    listed = ", ".join(
        f"{rule['code']} for {rule['children']:,} {_children(rule['children'])}" for rule in rules
    )
    verb = "is" if affected == 1 else "are"
    return (
        f"Data quality: {affected:,} of the {counted:,} {_children(counted)} counted "
        f"({_share(counted, affected)}) {verb} in records with errors that can change this "
        f"figure (DfE rules {listed}; {rule_set})."
    )


def quality_short(counted: int, affected: int) -> str:
    """The few words for where there is room for no more (a dashboard tile, a cell of a pack's
    table or scorecard), the full sentence being shown beside them: "Data quality: 12 of 400
    children (3.0%) have errors that can change it"."""
    if counted == 0:
        return "Data quality: checked; it counts no children"
    if affected == 0:
        return "Data quality: no DfE rule errors can change it"
    verb = "has" if affected == 1 else "have"
    return (
        f"Data quality: {affected:,} of {counted:,} {_children(counted)} "
        f"({_share(counted, affected)}) {verb} errors that can change it"
    )


@dataclass(frozen=True)
class _Held:
    rule_set: str
    counted: int
    affected: int
    rules: list[dict[str, Any]]


def _held(figure: Any) -> _Held | None:
    """The figure's data quality, if it was read with it and is held for this version of the
    figure: a light record (`figure_context.FigureRecord`) carries the quality's columns; a
    model instance its `select_related("quality")`. Anything else has none."""
    if hasattr(figure, "quality__version"):
        if figure.quality__version != figure.version or figure.quality__rule_set is None:
            return None
        return _Held(
            figure.quality__rule_set,
            figure.quality__counted or 0,
            figure.quality__affected or 0,
            figure.quality__rules or [],
        )
    if not isinstance(figure, Figure) or not Figure.quality.is_cached(figure):
        return None
    try:
        held = figure.quality
    except FigureQuality.DoesNotExist:
        return None
    if not held.applies_to(figure):
        return None
    return _Held(held.rule_set, held.counted, held.affected, held.rules)


def figure_quality_text(figure: Any) -> str:
    """A figure's data quality in words (`quality_words`), or "" when none is held for it."""
    held = _held(figure)
    return (
        ""
        if held is None
        else quality_words(held.rule_set, held.counted, held.affected, held.rules)
    )


def figure_quality_short(figure: Any) -> str:
    """The few words of it (`quality_short`), or "" when none is held for it."""
    held = _held(figure)
    return "" if held is None else quality_short(held.counted, held.affected)
