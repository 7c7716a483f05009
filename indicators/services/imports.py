"""Many figures at once, for imports: `figures_import` writes a million figures in a handful of
statements, `figures_compare` previews it, `figures_restore` undoes it, and
`figures_from_records_remove` removes figures whose records have gone. What an import does to
each figure's status is `figure_states`' (Action.IMPORT)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.access import SystemActor

from .. import bulk, dashboards, value_rules
from ..figure_states import Action, FigureState, Transition, figure_transition
from ..models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    ratio_kind_for,
)
from .figure_writes import (
    change_row,
    columns_update,
    figure_snapshot,
    import_writer_require,
    rows_update,
)
from .roll_ups import figures_roll_up

if TYPE_CHECKING:
    from accounts.models import User

# What an import writes of a figure, and what a rollback restores.
IMPORTED_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "suppression",
    "status",
    "source",
    "source_note",
    "is_provisional",
    "is_estimated",
    "commentary",
    "published_decimals",
)


class FigureContent(NamedTuple):
    """One figure an import wants to hold, for the whole area or one breakdown category.
    `is_provisional`, `is_estimated` and `commentary` left as None keep what a stored figure
    has (False, False and "" for a new one). A named tuple, not a dataclass: an import makes
    a million of them, and a tuple is built several times faster."""

    area: Area
    indicator: Indicator
    period: Period
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    suppression: str = ""
    status: str = FigureStatus.APPROVED
    source: str = FigureSource.PUBLISHED
    source_note: str = ""
    breakdown: BreakdownCategory | None = None
    is_provisional: bool | None = None
    is_estimated: bool | None = None
    commentary: str | None = None
    # The places a published figure is published to (written as given: None for others).
    published_decimals: int | None = None

    @property
    def key(self) -> tuple[int, int, int, int | None]:
        return (
            self.area.pk,
            self.indicator.pk,
            self.period.pk,
            self.breakdown.pk if self.breakdown else None,
        )


@dataclass(frozen=True)
class FigureOutcome:
    """A figure an import created or changed: its state before (None when it is new) and the
    version the import left it at, so a rollback can tell whether it has changed since."""

    figure_id: int
    before: dict[str, Any] | None
    version: int
    key: tuple[int, int, int, int | None]  # area, indicator, period and breakdown ids


DECIMAL_FIELDS = ("value", "numerator", "denominator")


def _state_of(values: Sequence[Any]) -> dict[str, Any]:
    """The JSON-safe state of a figure from its IMPORTED_FIELDS, in that order."""
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name, value in zip(IMPORTED_FIELDS, values, strict=True)
    }


def _from_state(figure: Figure, state: dict[str, Any]) -> None:
    for name in IMPORTED_FIELDS:
        # States kept before figures had published decimals have none.
        value = state.get(name) if name == "published_decimals" else state[name]
        if name in DECIMAL_FIELDS and value is not None:
            value = Decimal(value)
        setattr(figure, name, value)


# Where each imported field sits in the tuples figures_import reads and writes.
_AT = {name: position for position, name in enumerate(IMPORTED_FIELDS)}
_NOTE_AT = _AT["source_note"]
_STATUS_AT = _AT["status"]
_KEY_COLUMNS = ("area_id", "indicator_id", "period_id", "breakdown_id")
_NEW_FIGURE_COLUMNS = (
    *_KEY_COLUMNS,
    *IMPORTED_FIELDS,
    "ratio_kind",
    "is_revised",
    "review_comment",
    "version",
    "updated_at",
    "updated_by_id",
)
_UPDATED_FIELDS = (*IMPORTED_FIELDS, "ratio_kind", "version", "updated_by", "updated_at")

ImportProgress = Callable[[int, str], None]


FigureKey = tuple[int, int, int, int | None]


def _stored_figures(keys: Sequence[FigureKey], *, lock: bool) -> dict[FigureKey, tuple[Any, ...]]:
    """The stored figures with these keys (area, indicator, period, breakdown ids), by key:
    (id, version, *IMPORTED_FIELDS). Read as tuples, not model instances: an import may touch
    a million figures."""
    if not keys:
        return {}
    figures = Figure.objects.filter(
        area__in={key[0] for key in keys},
        indicator__in={key[1] for key in keys},
        period__in={key[2] for key in keys},
    )
    if lock:
        figures = figures.select_for_update()
    wanted = set(keys)
    stored: dict[FigureKey, tuple[Any, ...]] = {}
    for row in figures.values_list(*_KEY_COLUMNS, "id", "version", *IMPORTED_FIELDS):
        key = (row[0], row[1], row[2], row[3])
        if key in wanted:
            stored[key] = row[4:]
    return stored


def _imported_values(content: FigureContent, stored: Sequence[Any] | None) -> tuple[Any, ...]:
    """The IMPORTED_FIELDS a figure will hold once `content` is imported over `stored`."""

    def kept(given: Any, name: str, default: Any) -> Any:
        if given is not None:
            return given
        return stored[_AT[name]] if stored is not None else default

    return (
        content.value,
        content.numerator,
        content.denominator,
        content.suppression,
        content.status,
        content.source,
        content.source_note[:255],
        kept(content.is_provisional, "is_provisional", False),
        kept(content.is_estimated, "is_estimated", False),
        kept(content.commentary, "commentary", ""),
        content.published_decimals,
    )


# What a figure says, from its IMPORTED_FIELDS: all but its status and source note (a figure
# imported again from a newer file, with the same numbers, is not changed).
_content = itemgetter(*(at for name, at in _AT.items() if name not in ("status", "source_note")))


@cache
def _import_transition(before_status: str | None, changed: bool, requested: str) -> Transition:
    """`figure_states`' transition for an import over a figure whose status is
    `before_status` (None: a new figure). An import leaves the revised mark as it is (it does
    not write it), so the state passed says nothing of it. Cached: an import asks a million
    times for a handful of answers."""
    current = FigureState(before_status) if before_status is not None else None
    return figure_transition(current, Action.IMPORT, changed=changed, requested=requested)


def _transition(
    content: FigureContent, values: Sequence[Any], before: Sequence[Any] | None
) -> Transition:
    """What importing `content`, to hold `values`, does to a stored figure holding `before`
    (None: there is none)."""
    if before is None:
        return _import_transition(None, True, content.status)
    changed = _content(values) != _content(before)
    return _import_transition(before[_STATUS_AT], changed, content.status)


def _with_status(values: tuple[Any, ...], status: str) -> tuple[Any, ...]:
    return (*values[:_STATUS_AT], status, *values[_STATUS_AT + 1 :])


def figures_compare(contents: Sequence[FigureContent]) -> tuple[int, int, int]:
    """How many of these figures an import would create, change and leave as they are: the
    preview of figures_import, reading the same way and writing nothing."""
    keys = [content.key for content in contents]
    stored = _stored_figures(keys, lock=False)
    new = changed = 0
    for content, key in zip(contents, keys, strict=True):
        row = stored.get(key)
        if row is None:
            new += 1
        elif _transition(content, _imported_values(content, row[2:]), row[2:]).writes:
            changed += 1
    return new, changed, len(contents) - new - changed


def _require_contents_writer(user: User | SystemActor, contents: Sequence[FigureContent]) -> None:
    """`import_writer_require` for every figure an import holds, asked once per area, status
    and source: an import names a few hundred areas a million times."""
    distinct = {(content.area.pk, content.status, content.source): content for content in contents}
    for content in distinct.values():
        import_writer_require(user, content.area, status=content.status, source=content.source)


def _require_applicable(contents: Sequence[FigureContent]) -> None:
    """Refuse (ValidationError, before anything is written) an import holding a figure for a
    measure that does not apply in its area's nation (issue 17). Each kind of import checks
    its rows with `value_rules` to name them; this is the service's own guard, asked once per
    area and measure."""
    refused: dict[tuple[int, int], str] = {}
    for content in contents:
        pair = (content.area.pk, content.indicator.pk)
        if pair in refused:
            continue
        problem = value_rules.check_applies(
            value_rules.Measure.of(content.indicator), content.area.nation
        )
        refused[pair] = f"{content.area.name}: {problem.message}" if problem else ""
    messages = [message for message in refused.values() if message]
    if messages:
        raise ValidationError(messages)


def figures_import(
    *,
    user: User | SystemActor,
    contents: Sequence[FigureContent],
    reason: str,
    progress: ImportProgress | None = None,
) -> list[FigureOutcome]:
    """Write many figures, with an audit row (channel "import") for each one created or
    changed; figures already holding the same content are left alone. Call inside the
    caller's transaction. Published values are stored as published (with their counts where
    given), not re-derived: a rate published rounded must read as published.

    Built for imports of a million figures: rows travel as tuples, new figures and audit rows
    are loaded with bulk.insert_rows (COPY on PostgreSQL). `progress(done, note)` hears how
    many of the contents have been written so far. Refused (PermissionDenied, before anything
    is written) unless `user` may write every one of the figures as it is given."""
    _require_contents_writer(user, contents)
    _require_applicable(contents)
    report = progress or (lambda done, note: None)
    total = len(contents)
    report(0, f"Reading the stored figures to compare with {total:,} in the file")
    keys = [content.key for content in contents]
    stored = _stored_figures(keys, lock=True)
    now = timezone.now()
    who = access.person(user)
    user_id = who.pk if who is not None else None
    reason = reason[:255]
    new_rows: list[tuple[Any, ...]] = []
    new_keys: list[FigureKey] = []
    updates: list[tuple[int, int, tuple[Any, ...], str]] = []  # id, version, values, unit kind
    outcomes: list[FigureOutcome] = []
    changes: list[tuple[Any, ...]] = []
    ratio_kinds: dict[int, str] = {}
    for content, key in zip(contents, keys, strict=True):
        row = stored.get(key)
        before = row[2:] if row is not None else None
        values = _imported_values(content, before)
        transition = _transition(content, values, before)
        if not transition.writes:
            continue
        values = _with_status(values, transition.status)
        ratio_kind = ratio_kinds.get(key[1])
        if ratio_kind is None:
            ratio_kind = ratio_kinds[key[1]] = ratio_kind_for(content.indicator.unit)
        if before is None:
            new_keys.append(key)
            new_rows.append((*key, *values, ratio_kind, False, "", 1, now, user_id))
            continue
        figure_id, version = row[0], row[1] + 1  # type: ignore[index]
        updates.append((figure_id, version, values, ratio_kind))
        outcomes.append(FigureOutcome(figure_id, _state_of(before), version, key))
        changes.append(
            (
                figure_id,
                now,
                user_id,
                ChangeChannel.IMPORT,
                before[_AT["value"]],
                values[_AT["value"]],
                before[_AT["status"]],
                values[_AT["status"]],
                before[_AT["commentary"]],
                values[_AT["commentary"]],
                reason,
            )
        )
    written = len(updates)
    report(written, f"Changing {len(updates):,} figures")
    columns_update(
        _UPDATED_FIELDS,
        [
            (figure_id, (*values, ratio_kind, version, user_id, now))
            for figure_id, version, values, ratio_kind in updates
        ],
    )

    def note_new(count: int) -> None:
        report(written + count, f"Writing new figures: {count:,} of {len(new_rows):,}")

    bulk.insert_rows(Figure, _NEW_FIGURE_COLUMNS, new_rows, on_rows=note_new)
    if new_rows:
        report(written + len(new_rows), "Recording the new figures in the audit trail")
        # COPY returns no ids: read them back (only this import's rows were written just now).
        written_now = Figure.objects.filter(
            area__in={key[0] for key in new_keys},
            indicator__in={key[1] for key in new_keys},
            period__in={key[2] for key in new_keys},
            updated_at=now,
        ).values_list(*_KEY_COLUMNS, "id")
        created = {(row[0], row[1], row[2], row[3]): row[4] for row in written_now}
        for key, row in zip(new_keys, new_rows, strict=True):
            figure_id = created[key]
            values = row[4 : 4 + len(IMPORTED_FIELDS)]
            outcomes.append(FigureOutcome(figure_id, None, 1, key))
            changes.append(
                (
                    figure_id,
                    now,
                    user_id,
                    ChangeChannel.IMPORT,
                    None,
                    values[_AT["value"]],
                    "",
                    values[_AT["status"]],
                    "",
                    values[_AT["commentary"]],
                    reason,
                )
            )
    bulk.insert_rows(FigureChange, bulk.FIGURE_CHANGE_COLUMNS, changes)
    dashboards.dashboards_changed(area_ids={outcome.key[0] for outcome in outcomes})
    report(total, "Figures written")
    return outcomes


@transaction.atomic
def figures_from_records_remove(
    *, user: User | SystemActor, figures: Sequence[Figure], reason: str
) -> None:
    """Remove figures derived from an authority's records (case audits, complaints, surveys)
    whose records have gone, with their audit trail, and derive again the longer periods
    rolled up from them: a year's total must not go on counting a quarter that has gone.
    The apps that derive them pass `access.SYSTEM`: the figures follow the records, whoever
    changed those (and was checked by that app's service)."""
    figures_restore(user=user, figures=[(figure.pk, None) for figure in figures], reason=reason)
    # One order for every caller (area, indicator, period start): each roll-up takes a turn
    # that this transaction holds to its end, and two holding several must not wait on each
    # other in opposite orders.
    for figure in sorted(
        figures, key=lambda figure: (figure.area_id, figure.indicator_id, figure.period.start)
    ):
        figures_roll_up(
            user=user, area=figure.area, indicator=figure.indicator, period=figure.period
        )


REMOVED_CHUNK = 10_000


def figures_restore(
    *,
    user: User | SystemActor,
    figures: Sequence[tuple[int, dict[str, Any] | None]],
    reason: str,
) -> None:
    """Undo an import, given (figure id, state before) for each figure it wrote: those it
    created (state None) are removed with their audit trail; those it changed get back the
    state it replaced, recorded in their audit trail. Call inside the caller's transaction.

    Refused (PermissionDenied, before anything is written) unless `user` may change the
    figures of every area concerned. Giving back a state the import replaced (approved, say)
    undoes the import rather than approving anything: who may roll back which import is the
    import batches' rule (`returns`)."""
    removed = [figure_id for figure_id, before in figures if before is None]
    # Only the ids and areas are read: an import may have created a million figures.
    removed_areas: set[int] = set()
    for start in range(0, len(removed), REMOVED_CHUNK):
        chunk = Figure.objects.filter(pk__in=removed[start : start + REMOVED_CHUNK])
        removed_areas.update(chunk.values_list("area_id", flat=True).distinct())
    before_of = {figure_id: before for figure_id, before in figures if before is not None}
    to_restore = list(Figure.objects.filter(pk__in=before_of))
    areas = removed_areas | {figure.area_id for figure in to_restore}
    for area in Area.objects.filter(pk__in=areas):
        access.require_figures_writer(user, area)
    for start in range(0, len(removed), REMOVED_CHUNK):
        # Relations to figures (their audit rows, import records) follow their own on_delete
        # rules.
        Figure.objects.filter(pk__in=removed[start : start + REMOVED_CHUNK]).only("pk").delete()
    who = access.person(user)
    restored: list[Figure] = []
    changes: list[FigureChange] = []
    for figure in to_restore:
        previous = figure_snapshot(figure)
        _from_state(figure, before_of[figure.pk])
        figure.version += 1
        figure.updated_by = who
        figure.updated_at = timezone.now()
        restored.append(figure)
        changes.append(
            change_row(
                figure, user=who, channel=ChangeChannel.IMPORT, before=previous, reason=reason
            )
        )
    rows_update(restored, [*IMPORTED_FIELDS, "version", "updated_by", "updated_at"])
    FigureChange.objects.bulk_create(changes, batch_size=2000)
    dashboards.dashboards_changed(area_ids=areas)


# --- the benchmarking club (docs/0017) ------------------------------------------------------
