"""The review of an authority's figures: officers submit a period's figures, managers approve
or return each one. What each step does to a figure is `figure_states`'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access
from accounts.access import SystemActor

from ..figure_states import Action, Transition, figure_transition
from ..models import Area, ChangeChannel, Figure, Indicator, Period
from .figure_writes import change_record, figure_snapshot, figure_state, figure_transition_or_raise

if TYPE_CHECKING:
    from accounts.models import User


def _status_apply(figure: Figure, transition: Transition, *, user: User | None) -> Figure:
    """Write a submission, approval or return: the status and review comment, with its row in
    the audit trail."""
    before = figure_snapshot(figure)
    figure.status = transition.status
    if transition.review_comment is not None:
        figure.review_comment = transition.review_comment
    figure.version += 1
    figure.updated_by = user
    figure.save(update_fields=["status", "review_comment", "version", "updated_by", "updated_at"])
    change_record(
        figure, user=user, channel=ChangeChannel.FORM, before=before, reason=transition.reason or ""
    )
    return figure


@dataclass(frozen=True)
class SubmitResult:
    submitted: list[Figure]
    already: int  # figures that were already submitted or approved


@transaction.atomic
def figures_submit(*, user: User | SystemActor, authority: Area, period: Period) -> SubmitResult:
    """Send an authority's figures for a period to its managers, once every due one is in."""
    access.require_figures_writer(user, authority)
    who = access.person(user)
    due = list(Indicator.objects.due_for(period).applicable_to(authority))
    figures = list(
        Figure.objects.select_for_update()
        .filter(area=authority, period=period, indicator__in=due)
        .select_related("indicator")
    )
    # A measure entered by category (categories of abuse, say) counts as entered once its
    # categories are, since for some of them a total means nothing.
    entered = {
        figure.indicator_id
        for figure in figures
        if figure.breakdown_id is None or figure.indicator.dimensions
    }
    missing = [indicator.title for indicator in due if indicator.id not in entered]
    if missing:
        raise ValidationError(
            [
                f"{title}: enter a figure, or a suppression code, before submitting."
                for title in missing
            ]
        )
    submitted = []
    for figure in figures:
        transition = figure_transition(figure_state(figure), Action.SUBMIT)
        if transition.writes:
            submitted.append(_status_apply(figure, transition, user=who))
    return SubmitResult(submitted=submitted, already=len(figures) - len(submitted))


def _reviewed(
    figure: Figure,
    action: Action,
    *,
    who: User | None,
    expected_version: int | None,
    comment: str = "",
) -> Figure:
    """Approve or return a locked figure whose reviewer has been checked."""
    transition = figure_transition_or_raise(
        figure,
        action,
        subject=f"{figure.indicator.title} for {figure.period.label}",
        expected_version=expected_version,
        comment=comment,
    )
    return _status_apply(figure, transition, user=who)


def _locked(figure: Figure) -> Figure:
    """The figure read again, locked for the review, with what the refusals name."""
    locked: Figure = (
        Figure.objects.select_for_update()
        .select_related("area", "indicator", "period")
        .get(pk=figure.pk)
    )
    return locked


@transaction.atomic
def figure_approve(
    *, user: User | SystemActor, figure: Figure, expected_version: int | None = None
) -> Figure:
    """Approve a submitted figure. Approved figures are locked against casual change."""
    figure = _locked(figure)
    access.require_figures_reviewer(user, figure.area)
    return _reviewed(
        figure, Action.APPROVE, who=access.person(user), expected_version=expected_version
    )


@transaction.atomic
def figures_approve(
    *,
    user: User | SystemActor,
    figures: list[Figure],
    seen_versions: dict[int, int] | None = None,
) -> list[Figure]:
    """Approve several submitted figures at once (a manager's "approve all"); all or none.
    `seen_versions` (figure id -> version the manager saw) refuses any changed since."""
    # Every area first, once each, so that a refusal comes before the first approval.
    for area in Area.objects.filter(pk__in={figure.area_id for figure in figures}):
        access.require_figures_reviewer(user, area)
    seen = seen_versions or {}
    locked = Figure.objects.select_for_update().select_related("indicator", "period")
    return [
        _reviewed(
            locked.get(pk=figure.pk),
            Action.APPROVE,
            who=access.person(user),
            expected_version=seen.get(figure.pk),
        )
        for figure in figures
    ]


@transaction.atomic
def figure_return(
    *,
    user: User | SystemActor,
    figure: Figure,
    comment: str,
    expected_version: int | None = None,
) -> Figure:
    """Send a submitted figure back to the officers, saying what needs to change."""
    figure = _locked(figure)
    access.require_figures_reviewer(user, figure.area)
    return _reviewed(
        figure,
        Action.RETURN,
        who=access.person(user),
        expected_version=expected_version,
        comment=comment,
    )
