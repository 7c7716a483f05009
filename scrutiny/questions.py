"""Questions and actions from a committee: the pure rules, on plain values (docs/0022).

- A meeting is an authority's committee on a date. Committee names are typed by people (in a
  pack's details and on the question form), so two spellings that differ only in case, spaces
  or the kind of apostrophe name the same committee (`committee_key`).
- A pack's "Matters arising from the last meeting" lists what the same committee asked at
  earlier meetings that is still open (however old: an open item carries forward until it is
  answered or closed) or that was answered or closed since the committee last met (the latest
  meeting before the pack's, known from the committee's packs and questions): each is reported
  once, at the next meeting after it was settled, and old closed ones are not repeated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

OPEN = "open"  # models.QuestionStatus.OPEN: this module stays free of the ORM

# Apostrophes and quotes people type for the same mark ("Children’s" and "Children's").
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
_SPACES = re.compile(r"\s+")

# The sections a pack's evidence begins with; matters arising goes before the first of them.
EVIDENCE_KINDS = frozenset(
    {
        "theme_page",
        "indicator_set",
        "quality_assurance",
        "voice",
        "inspections",
        "appendix",
        "glossary",
    }
)


def committee_key(name: str) -> str:
    """The committee a typed name means, for comparing: case, surrounding and repeated spaces
    and curly or straight apostrophes do not make a different committee."""
    return _SPACES.sub(" ", name.translate(_QUOTES)).strip().casefold()


def same_committee(one: str, other: str) -> bool:
    return committee_key(one) == committee_key(other)


def previous_meeting(meetings: Iterable[date], before: date) -> date | None:
    """The committee's latest meeting before `before`, or None when it has met before none."""
    earlier = [meeting for meeting in meetings if meeting < before]
    return max(earlier) if earlier else None


@dataclass(frozen=True)
class Item:
    """What the matters-arising rule reads of a question or action."""

    meeting_date: date
    status: str
    answered_on: date | None
    closed_on: date | None

    @property
    def settled_on(self) -> date | None:
        """When it stopped being open: answered, or closed without an answer (withdrawn)."""
        return self.answered_on or self.closed_on


def is_matter_arising(item: Item, *, meeting: date, since: date | None) -> bool:
    """Whether a pack for the committee's meeting on `meeting` lists `item`, the committee's
    last meeting before it being `since`: asked at an earlier meeting, and either still open
    or settled on or after the last meeting (so reported once, at the next meeting)."""
    if item.meeting_date >= meeting:
        return False
    if item.status == OPEN:
        return True
    settled = item.settled_on
    return settled is not None and (since is None or settled >= since)


def is_overdue(*, status: str, due: date | None, on: date) -> bool:
    """Open past its due date, on the day `on` (a pack's meeting, or today on the list)."""
    return status == OPEN and due is not None and due < on


def matters_position(kinds: Sequence[str]) -> int:
    """Where a new pack's matters arising goes (a 0-based index into its sections' kinds):
    after its opening sections (an introduction, a summary, a scorecard) and before the
    first section of evidence, or at the end when there is none. Committees take matters
    arising from the last meeting before the new business."""
    return next((index for index, kind in enumerate(kinds) if kind in EVIDENCE_KINDS), len(kinds))


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[list[str]]:
    """The fields that differ, as [label, before, after] in text, in `after`'s order: a line
    of a question's history each."""
    return [
        [label, _text(before.get(label)), _text(value)]
        for label, value in after.items()
        if _text(before.get(label)) != _text(value)
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(value)
