"""Which figures may be removed as drafts saved by mistake, and why not (docs/0008,
"Removing a draft figure"): a figure only its enterer has seen, still a draft, never approved
(a revised figure was approved once, and its correction is on record), typed or imported by the
authority rather than derived by the application. Pure rules on a figure's fields."""

from __future__ import annotations

from .models import Figure, FigureSource, FigureStatus

# Figures the application derives follow what they are derived from: removing one would
# only see it written again.
DERIVED_SOURCES = frozenset({FigureSource.ROLLED_UP, FigureSource.RECORDS})


def figure_subject(figure: Figure) -> str:
    """How a removal names the figure: "Children in need for Q1 2017/18 (Locality: North)"."""
    subject = f"{figure.indicator.title} for {figure.period.label}"
    if figure.breakdown is not None:
        subject += f" ({figure.breakdown.dimension}: {figure.breakdown.name})"
    return subject


def may_be_removed(figure: Figure) -> bool:
    """Whether the entry page offers to remove `figure`: asked of its own fields only, so the
    page asks it of every row without reading more."""
    return (
        figure.status == FigureStatus.DRAFT
        and not figure.is_revised
        and figure.source not in DERIVED_SOURCES
    )


def why_not_removable(figure: Figure) -> str:
    """Why `figure` may not be removed, in words for the page; empty when it may."""
    if may_be_removed(figure):
        return ""
    subject = figure_subject(figure)
    if figure.source in DERIVED_SOURCES:
        return (
            f"{subject} is worked out by the system from other records, so it cannot be "
            "removed: change the figures or records it comes from."
        )
    if figure.is_revised:
        return (
            f"{subject} was approved before and is being corrected, so it cannot be removed: "
            "the approved figure and its correction stay on record. Correct it instead."
        )
    if figure.status == FigureStatus.SUBMITTED:
        return (
            f"{subject} has been submitted for approval, so it cannot be removed. Ask your "
            "manager to return it if it is wrong, then correct it."
        )
    if figure.status == FigureStatus.APPROVED:
        return (
            f"{subject} is approved, so it cannot be removed: correct it instead, giving the "
            "reason for the correction."
        )
    return (
        f"{subject} was returned by your manager after it was submitted, so it stays on "
        "record: correct it and submit it again."
    )
