"""One figure created or changed: `figure_set`, the way every caller but the entry form's
period save and the imports writes a figure, and `figure_validate`, its refusals asked ahead."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from accounts import access
from accounts.access import SystemActor

from ..figure_states import Action, Status
from ..models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    RollUp,
    ratio_kind_for,
)
from .figure_writes import (
    change_record,
    derived_value,
    figure_snapshot,
    figure_transition_or_raise,
    refuse_unfinished_period,
    roll_ups_queue,
)

if TYPE_CHECKING:
    from accounts.models import User

# What a change through each channel is, in the workflow (`figure_states.Action`).
ACTION_OF_CHANNEL: dict[str, Action] = {
    ChangeChannel.FORM: Action.FORM_SAVE,
    ChangeChannel.ADMIN: Action.EDIT,
    ChangeChannel.IMPORT: Action.EDIT,
    # Derived figures follow their parts; set-up commands load reference data.
    ChangeChannel.DERIVED: Action.FOLLOW,
    ChangeChannel.SYSTEM: Action.FOLLOW,
}


def figure_validate(
    *,
    area: Area,
    indicator: Indicator,
    period: Period,
    breakdown: BreakdownCategory | None = None,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    suppression: str = "",
    expected_version: int | None = None,
    correction_reason: str = "",
) -> None:
    """Raise the ValidationError that `figure_set` would raise for these values, writing
    nothing: for forms (such as the admin's) that must show refusals beside their fields.
    Any change of an approved figure is taken to be a correction, needing its reason."""
    derived_value(
        area=area,
        indicator=indicator,
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
    )
    refuse_unfinished_period(period)
    current = Figure.objects.filter(
        area=area, indicator=indicator, period=period, breakdown=breakdown
    ).first()
    if current is None:
        return
    figure_transition_or_raise(
        current,
        Action.EDIT,
        subject=f"{indicator.title} for {period.label}",
        expected_version=expected_version,
        requested=current.status,
        correction_reason=correction_reason,
    )


@transaction.atomic
def figure_set(
    *,
    user: User | SystemActor,
    area: Area,
    indicator: Indicator,
    period: Period,
    breakdown: BreakdownCategory | None = None,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    suppression: str = "",
    is_provisional: bool = False,
    is_estimated: bool = False,
    commentary: str = "",
    source: str = FigureSource.TYPED,
    source_note: str = "",
    status: str = FigureStatus.DRAFT,
    expected_version: int | None = None,
    channel: str = ChangeChannel.FORM,
    correction_reason: str = "",
    reason: str,
) -> Figure:
    """Create or change one figure, recording the change in the audit trail.

    - `expected_version` is the version the caller read: if the figure has moved on since, the
      change is refused (StaleFigureError carries the newer figure) rather than overwriting.
    - Saving the same content again writes nothing: no version, no audit row.
    - An approved figure is locked: changing it needs a `correction_reason`, marks it revised
      and sends it back for a fresh approval. Derived figures follow their parts. What each
      channel's change does to the status is `figure_states`' (see ACTION_OF_CHANNEL).
    - Refused (PermissionDenied, nothing written) unless `user` may write this figure so:
      see `access.require_figure_writer` and `access.require_approval_by_writing`.
    """
    access.require_figure_writer(user, area, source=source, channel=channel)
    who = access.person(user)
    stored_value = derived_value(
        area=area,
        indicator=indicator,
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
    )
    refuse_unfinished_period(period)
    figure: Figure | None = (
        Figure.objects.select_for_update()
        .filter(area=area, indicator=indicator, period=period, breakdown=breakdown)
        .first()
    )
    content = (
        stored_value,
        numerator,
        denominator,
        suppression,
        is_provisional,
        is_estimated,
        commentary,
        source,
    )
    transition = figure_transition_or_raise(
        figure,
        ACTION_OF_CHANNEL[channel],
        subject=f"{indicator.title} for {period.label}",
        expected_version=expected_version,
        changed=figure is None or _content_of(figure) != content,
        requested=status,
        correction_reason=correction_reason,
    )
    before: Figure | None = None
    if figure is None:
        figure = Figure(area=area, indicator=indicator, period=period, breakdown=breakdown)
    elif not transition.writes:
        return figure
    else:
        before = figure_snapshot(figure)
        figure.version += 1
    # Nothing has been written yet: the figure was only read (and locked).
    access.require_approval_by_writing(
        user,
        area,
        status=transition.status,
        was_approved=before is not None and before.status == Status.APPROVED,
    )
    figure.value = stored_value
    figure.numerator = numerator
    figure.denominator = denominator
    figure.ratio_kind = ratio_kind_for(indicator.unit)
    figure.suppression = suppression
    figure.is_provisional = is_provisional
    figure.is_estimated = is_estimated
    figure.commentary = commentary
    figure.source = source
    figure.source_note = source_note
    figure.status = transition.status
    figure.is_revised = transition.is_revised
    figure.updated_by = who
    figure.full_clean(validate_unique=False, validate_constraints=False)
    figure.save()
    change_record(
        figure, user=who, channel=channel, before=before, reason=transition.reason or reason
    )
    if breakdown is None and indicator.roll_up != RollUp.NONE and source != FigureSource.ROLLED_UP:
        roll_ups_queue(area=area, indicator_ids=[indicator.id], period=period)
    return figure


def _content_of(figure: Figure) -> tuple[object, ...]:
    """What a stored figure says, in the order figure_set compares it: a save of the same
    content is not a change."""
    return (
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.suppression,
        figure.is_provisional,
        figure.is_estimated,
        figure.commentary,
        figure.source,
    )
