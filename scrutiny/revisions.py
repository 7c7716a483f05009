"""Revision since publication: pure comparisons of a frozen figure with the figure as it is now.

A published pack shows each figure as it stood when the pack was published. When the figure
has changed since (its version has moved on), the pack says so beside it, with the new value
and when it changed: never a silent change, and never a silently kept stale value either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

REVISED = "revised since publication"


@dataclass(frozen=True)
class LiveFigure:
    """What the revision check reads of a figure now."""

    figure_id: int
    version: int
    text: str
    value: str | None
    updated_at: datetime | None


def revision_note(frozen: dict[str, Any], live: LiveFigure | None) -> dict[str, Any] | None:
    """A note when `live` is a later version of the frozen figure; None when it is the same
    version (or the frozen dict names no figure). A figure removed since publication is a
    revision too: the pack says so rather than showing a number that no longer stands."""
    figure_id = frozen.get("figure_id")
    if figure_id is None:
        return None
    if live is None:
        return {
            "note": REVISED,
            "text": "figure withdrawn",
            "value": None,
            "at": None,
            "at_text": "",
        }
    if live.figure_id != figure_id or live.version <= int(frozen.get("version") or 0):
        return None
    at = live.updated_at
    return {
        "note": REVISED,
        "text": live.text,
        "value": live.value,
        "at": at.isoformat() if at else None,
        "at_text": f"{at:%-d %B %Y}" if at else "",  # "5 December 2026"
    }


def frozen_figures(content: Any) -> Iterator[dict[str, Any]]:
    """Every dict in frozen content that names a figure (a value shown, a comparator cell)."""
    if isinstance(content, dict):
        if content.get("figure_id") is not None and "version" in content:
            yield content
        for value in content.values():
            yield from frozen_figures(value)
    elif isinstance(content, list):
        for item in content:
            yield from frozen_figures(item)


def revised_figures(shown: dict[int, int], live: dict[int, LiveFigure]) -> list[tuple[int, int]]:
    """Of the frozen figures {id: version}, those revised or withdrawn since, as (id, version
    now; 0 when withdrawn), in order of id: exactly those `annotate` gives a note."""
    return sorted(
        (pk, live[pk].version if pk in live else 0)
        for pk, version in shown.items()
        if pk not in live or live[pk].version > version
    )


def annotate(content: Any, live: dict[int, LiveFigure]) -> Any:
    """A copy of frozen content in which every figure dict whose figure has been revised
    carries a `revision` note. The frozen value itself is never replaced."""
    if isinstance(content, dict):
        copy = {key: annotate(value, live) for key, value in content.items()}
        if content.get("figure_id") is not None and "version" in content:
            note = revision_note(content, live.get(content["figure_id"]))
            if note is not None:
                copy["revision"] = note
        return copy
    if isinstance(content, list):
        return [annotate(item, live) for item in content]
    return content
