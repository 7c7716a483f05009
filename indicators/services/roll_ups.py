"""Quarters and years derived from their months or quarters, by each indicator's rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.access import SystemActor

from .. import dashboards, locks, metrics, periods
from ..models import (
    Area,
    ChangeChannel,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
    RollUp,
)
from .figure_writes import ROLL_UP_TARGETS
from .figures import figure_set

if TYPE_CHECKING:
    from accounts.models import User

# How many figures of a shorter period make up a longer one.
PARTS_PER_PERIOD: dict[tuple[str, str], int] = {
    (PeriodKind.MONTH, PeriodKind.QUARTER): 3,
    (PeriodKind.MONTH, PeriodKind.FINANCIAL_YEAR): 12,
    (PeriodKind.QUARTER, PeriodKind.FINANCIAL_YEAR): 4,
}


@transaction.atomic
def figures_roll_up(
    *, user: User | SystemActor, area: Area, indicator: Indicator, period: Period
) -> list[Figure]:
    """Derive the quarter and year that contain `period` from their parts, by the indicator's
    roll-up rule. A figure typed in or imported for the longer period is never overwritten;
    a derived figure that is missing a part is marked provisional. Safe to run twice, and
    safe beside another roll-up of the same year: they take turns (`roll_up_lock_hold`).

    `user` asks for the roll-up (the tasks that run after data entry and imports pass
    `access.SYSTEM`) and must be one who may change the area's figures; the derived figures
    themselves are written by the system, as their parts decide them (approved when every
    part is), not by the person who asked."""
    access.require_figures_writer(user, area)
    roll_up_lock_hold(area=area, indicator=indicator, period=period)
    derived: list[Figure] = []
    for kind in ROLL_UP_TARGETS.get(period.kind, ()):
        longer = Period.objects.get_or_create_for(kind, period.start)
        if longer.end > timezone.localdate():
            # A quarter or year still under way has no figure yet (see figure_set); it is
            # derived when a month entered after it ends completes it.
            continue
        parts = list(
            Figure.objects.overall()
            .filter(
                area=area,
                indicator=indicator,
                period__kind=period.kind,
                period__start__gte=longer.start,
                period__end__lte=longer.end,
            )
            .select_related("period")
        )
        rolled = metrics.roll_up(
            indicator.roll_up,
            [
                metrics.Part(part.value, part.numerator, part.denominator, part.period.end)
                for part in parts
            ],
            expected_parts=PARTS_PER_PERIOD[(period.kind, kind)],
            multiplier=indicator.multiplier,
        )
        existing = (
            Figure.objects.overall().filter(area=area, indicator=indicator, period=longer).first()
        )
        if existing is not None and existing.source != FigureSource.ROLLED_UP:
            continue
        # A total of the months so far is not the year's total, and reads as one.
        partial_sum = rolled is not None and indicator.roll_up == RollUp.SUM and not rolled.complete
        if rolled is None or rolled.value is None or partial_sum:
            if existing is not None:
                # Its parts have gone (an import rolled back, a month removed): a figure
                # derived from them would say what they no longer say.
                existing.delete()
                dashboards.dashboards_changed(area_ids=[area.pk])
            continue
        all_approved = all(part.status == FigureStatus.APPROVED for part in parts)
        status = FigureStatus.APPROVED if all_approved else FigureStatus.DRAFT
        unchanged = existing is not None and (
            existing.status == status
            and existing.value == rolled.value
            and existing.numerator == rolled.numerator
            and existing.denominator == rolled.denominator
            and existing.is_provisional == (not rolled.complete)
            and existing.is_estimated == any(part.is_estimated for part in parts)
        )
        if unchanged:
            continue
        derived.append(
            figure_set(
                user=access.SYSTEM,
                area=area,
                indicator=indicator,
                period=longer,
                # The value is passed only where there are no counts to derive it from.
                value=rolled.value if rolled.numerator is None else None,
                numerator=rolled.numerator,
                denominator=rolled.denominator,
                is_provisional=not rolled.complete,
                is_estimated=any(part.is_estimated for part in parts),
                source=FigureSource.ROLLED_UP,
                source_note=f"{indicator.get_roll_up_display()} of {rolled.parts_used} "
                f"{PeriodKind(period.kind).label.lower()} figures",
                status=status,
                channel=ChangeChannel.DERIVED,
                reason="Rolled up from shorter periods",
            )
        )
    return derived


def roll_up_lock_hold(*, area: Area, indicator: Indicator, period: Period) -> None:
    """Wait for, then hold until commit, the right to derive `indicator`'s quarters and year
    for `area` in the financial year that contains `period`.

    Why: the months of one quarter are saved (or imported) side by side, and each queues its
    own roll-up. Two of them at once both found no quarter and both created one, and the
    second died on the unique constraint (issue 15); worse, one that read its parts before
    the other month was committed could write an older sum over a newer one. Taken before
    the parts are read, the lock makes them take turns: the second reads the parts and the
    derived figures as the first left them (PostgreSQL's read committed shows each statement
    what was committed before it), so it writes only what is still different, or nothing.
    They converge by construction; a retry after a clash would still have let the stale
    write through.

    One lock covers the whole financial year, quarters included, because a month's roll-up
    writes its quarter and its year: one lock per call, so two roll-ups cannot each hold one
    lock and wait for the other's. A transaction that rolls up many keys (an import's) takes
    one lock per key, so it should go through them in a fixed order (area, indicator, start).
    """
    year = periods.financial_year_start(period.start)
    locks.hold_until_commit(f"roll-up:{area.pk}:{indicator.pk}:{year.isoformat()}")


def figures_roll_up_many(*, user: User | SystemActor, keys: Sequence[Sequence[int]]) -> int:
    """Derive the quarters and years containing each (area id, indicator id, period id): for
    a save or an import of many figures at once, one task rather than one a figure. Each key
    is rolled up in its own transaction, taking its own turn (`roll_up_lock_hold`), in one
    order (area, indicator, period start) so that two callers never wait on each other in
    opposite orders. Keys whose area, indicator or period has gone since are skipped.
    Idempotent. `figures_roll_up` checks `user` for each area (the tasks pass
    `access.SYSTEM`). Answers how many figures were derived."""
    areas = Area.objects.in_bulk({key[0] for key in keys})
    indicators = Indicator.objects.in_bulk({key[1] for key in keys})
    periods = Period.objects.in_bulk({key[2] for key in keys})
    known = sorted(
        {
            (area_id, indicator_id, period_id)
            for area_id, indicator_id, period_id in keys
            if area_id in areas and indicator_id in indicators and period_id in periods
        },
        key=lambda key: (key[0], key[1], periods[key[2]].start, key[2]),
    )
    return sum(
        len(
            figures_roll_up(
                user=user,
                area=areas[area_id],
                indicator=indicators[indicator_id],
                period=periods[period_id],
            )
        )
        for area_id, indicator_id, period_id in known
    )
