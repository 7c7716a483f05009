"""What every way of writing figures shares: the refusals the pages show, the stored value,
the workflow transition (`figure_states`) with its refusals raised as those errors, the audit
trail, the bulk update of many figures, and the queueing of roll-ups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts import access

from .. import dashboards, value_rules
from ..figure_states import (
    Action,
    FigureRefused,
    FigureState,
    Refusal,
    Status,
    Transition,
    figure_transition,
)
from ..formatting import format_value
from ..models import Area, ChangeChannel, Figure, FigureChange, Indicator, Period, PeriodKind
from ..queue import task_queue_on_commit

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


def import_writer_require(
    user: User | SystemActor, area: Area, *, status: str, source: str
) -> None:
    """May `user` import figures of `area` from `source`, as `status`? An import that writes
    figures as approved (published statistics, statutory returns) approves them, whatever
    they were before: asked as for a new figure. Both import paths ask it once per area."""
    access.require_figure_writer(user, area, source=source, channel=ChangeChannel.IMPORT)
    access.require_approval_by_writing(user, area, status=status, was_approved=False)


class StaleFigureError(ValidationError):
    """Someone else changed the figure after the form was opened. Carries their figure, so the
    page can show the newer value beside the one that was not saved."""

    def __init__(self, current: Figure) -> None:
        who = f" by {current.updated_by}" if current.updated_by else ""
        indicator = current.indicator
        now = (
            format_value(current.value, indicator.unit, indicator.decimals)
            if current.value is not None
            else f"suppressed ({current.suppression})"
        )
        super().__init__(
            f"{indicator.title} was changed{who} while you were editing it: it is now {now}. "
            "Your change was not saved. Check their figure, then enter yours again if it is "
            "still right."
        )
        self.current = current


class ApprovedFigureError(ValidationError):
    """An approved figure was changed without a reason for the correction."""


def figure_state(figure: Figure) -> FigureState:
    """Where a stored figure stands in the workflow, for `figure_states`."""
    return FigureState(figure.status, figure.is_revised)


def figure_transition_or_raise(
    figure: Figure | None,
    action: Action,
    *,
    subject: str,
    expected_version: int | None = None,
    changed: bool = True,
    requested: str = Status.DRAFT,
    correction_reason: str = "",
    comment: str = "",
) -> Transition:
    """`figure_states.figure_transition` for `figure` (None: not stored yet), its refusals
    raised as the errors the pages show: StaleFigureError (carrying the figure, now newer than
    `expected_version`), ApprovedFigureError, or ValidationError with the refusal's message."""
    try:
        return figure_transition(
            figure_state(figure) if figure is not None else None,
            action,
            changed=changed,
            requested=requested,
            correction_reason=correction_reason,
            comment=comment,
            stale=figure is not None
            and expected_version is not None
            and figure.version != expected_version,
            subject=subject,
        )
    except FigureRefused as refused:
        if refused.refusal == Refusal.STALE and figure is not None:
            raise StaleFigureError(figure) from refused
        if refused.refusal == Refusal.CORRECTION_WITHOUT_REASON:
            raise ApprovedFigureError(refused.message) from refused
        raise ValidationError(refused.message) from refused


def derived_value(
    *,
    indicator: Indicator,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    suppression: str,
    area: Area,
) -> Decimal | None:
    """The value to store: derived from the numerator and denominator when they are given.
    Raises ValidationError with every problem `value_rules` finds (each naming the indicator),
    the refusal of a measure that does not apply in the area's nation first."""
    checked = value_rules.check_figure(
        value_rules.Measure.of(indicator),
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppression=suppression,
        nation=area.nation,
    )
    if checked.problems:
        raise ValidationError([problem.message for problem in checked.problems])
    return checked.value


def refuse_unfinished_period(period: Period) -> None:
    """Figures describe what happened: a period that has not ended has no figure yet. Raises
    ValidationError saying when its figures can be entered."""
    today = timezone.localdate()
    if period.end > today:
        raise ValidationError(
            f"{period.label} has not ended yet: its figures can be entered from "
            f"{period.end + timedelta(days=1):%-d %B %Y}."
        )


def figure_snapshot(figure: Figure) -> Figure:
    """What the audit trail keeps of a figure before it changes."""
    return Figure(value=figure.value, status=figure.status, commentary=figure.commentary)


def change_row(
    figure: Figure,
    *,
    user: User | None,
    channel: str,
    before: Figure | None,
    reason: str,
) -> FigureChange:
    """The audit-trail row (unsaved) for a change of `figure` from `before` (None when it is
    new)."""
    return FigureChange(
        figure=figure,
        changed_by=user,
        channel=channel,
        old_value=before.value if before else None,
        new_value=figure.value,
        old_status=before.status if before else "",
        new_status=figure.status,
        old_commentary=before.commentary if before else "",
        new_commentary=figure.commentary,
        reason=reason[:255],
    )


def change_record(
    figure: Figure,
    *,
    user: User | None,
    channel: str,
    before: Figure | None,
    reason: str,
) -> None:
    """Save the audit-trail row for one changed figure and mark its area's dashboards stale."""
    change_row(figure, user=user, channel=channel, before=before, reason=reason).save()
    dashboards.dashboards_changed(area_ids=[figure.area_id])


def rows_update(figures: Sequence[Figure], fields: Sequence[str]) -> None:
    """Write `fields` of many figures (model instances) in one statement run for each."""
    attnames = [Figure._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    columns_update(
        fields, [(figure.pk, [getattr(figure, name) for name in attnames]) for figure in figures]
    )


def columns_update(fields: Sequence[str], rows: Sequence[tuple[int, Sequence[Any]]]) -> None:
    """Write `fields` of many figures, given as (id, values in the order of `fields`), with one
    statement run for each (executemany: batched by the driver, pipelined by psycopg 3).
    QuerySet.bulk_update builds a CASE per field and row, which costs more to compile than the
    database takes to run it. Values are adapted by each field, as the ORM does."""
    if not rows:
        return
    meta = Figure._meta
    quote = connection.ops.quote_name
    by_name = {field.name: field for field in meta.concrete_fields}
    columns = [by_name[name] for name in fields]
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
    table, key = quote(meta.db_table), quote(str(meta.pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 (names from the model)
    prepared = [
        [
            column.get_db_prep_save(value, connection)
            for column, value in zip(columns, values, strict=True)
        ]
        + [figure_id]
        for figure_id, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


# Longer periods that a figure of one kind rolls up into.
ROLL_UP_TARGETS: dict[str, tuple[str, ...]] = {
    PeriodKind.MONTH: (PeriodKind.QUARTER, PeriodKind.FINANCIAL_YEAR),
    PeriodKind.QUARTER: (PeriodKind.FINANCIAL_YEAR,),
}


# Queued by name (indicators/queue.py): the task calls `figures_roll_up_many` back.
ROLL_UP_TASK = "indicators.tasks.roll_up_figures_many"


def roll_ups_queue(*, area: Area, indicator_ids: Iterable[int], period: Period) -> None:
    """Queue the roll-up of the quarter and year containing `period` for these indicators of
    `area` (none for a period that rolls up into nothing). Queued only once the figures are
    committed, so the worker reads what was written. One task for them all."""
    if period.kind not in ROLL_UP_TARGETS:
        return
    keys = [[area.id, indicator_id, period.id] for indicator_id in indicator_ids]
    if keys:
        task_queue_on_commit(ROLL_UP_TASK, keys)
