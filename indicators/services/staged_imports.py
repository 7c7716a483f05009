"""Many figures at once, set-based, on PostgreSQL: the figures an import wants to hold are
first loaded into a temporary relation (the *source*: COPY, by the importer), and the compare,
the writes, the audit rows and the record of what each write replaced are then a handful of
SQL statements over it, inside the caller's transaction. No figure becomes a Python object:
this is how a published file of a million rows is previewed and committed in seconds
(docs/0009-imports.md, "Writing a million figures").

The result is the same as `figures_import` given the same figures (one per area, indicator and
period, for the whole area): the same figures created and changed, the same statuses
(`figure_states`, asked once per stored status), the same audit rows, and for each figure
written its id, its state before (None when new) and the version left, kept in the caller's
record table (`WrittenRecord`: an import batch's rollback record). Commentary and the estimated
flag are not imported: a stored figure keeps its own, a new one has none. The source's
``published_decimals`` is written as given; its ``is_provisional``, when not null, too (a
published import clears it: the final figure is not provisional), and null keeps the stored
flag (false for a new figure).

The source has the columns SOURCE_COLUMNS, at most one row per area, indicator and period.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import ForeignKey, Model
from django.utils import timezone

from accounts import access
from accounts.access import SystemActor

from .. import bulk, dashboards
from ..figure_states import Action, FigureState, figure_transition
from ..models import (
    Area,
    ChangeChannel,
    Figure,
    FigureChange,
    FigureStatus,
    Indicator,
    ratio_kind_for,
)
from .figure_writes import import_writer_require

if TYPE_CHECKING:
    from accounts.models import User

SOURCE_COLUMNS = (
    "area_id",
    "indicator_id",
    "period_id",
    "value",
    "numerator",
    "denominator",
    "suppression",
    "published_decimals",
    "is_provisional",
)
_CHANGED_TABLE = "import_changed"
_RATIO_KINDS_TABLE = "import_ratio_kinds"

# The stored figure with the source row's key (the whole area: no breakdown category).
_STORED = (
    "f.area_id = s.area_id AND f.indicator_id = s.indicator_id "
    "AND f.period_id = s.period_id AND f.breakdown_id IS NULL"
)
# Whether the row says something other than the stored figure: its numbers, code and source
# (not its status or source note: the same numbers from a newer file change nothing).
_DIFFERS = (
    "(s.value, s.numerator, s.denominator, s.suppression, %(source)s::varchar, "
    "s.published_decimals, COALESCE(s.is_provisional, f.is_provisional)) "
    "IS DISTINCT FROM (f.value, f.numerator, f.denominator, f.suppression, f.source, "
    "f.published_decimals, f.is_provisional)"
)


@dataclass(frozen=True)
class StagedKeys:
    """Every area, indicator and period id the source may hold (a superset will do): what
    the access rules are asked about and what the foreign keys are checked against."""

    area_ids: Collection[int]
    indicator_ids: Collection[int]
    period_ids: Collection[int]


@dataclass(frozen=True)
class WrittenRecord:
    """Where the import keeps, for each figure it writes, the figure's id, its state before
    (JSON as `figures_import`'s outcomes give it; null for a new figure) and the version it
    left: `model`'s table, with columns ``figure_id``, ``before`` and ``version``, and its
    foreign key `owner` set to `owner_id` (an import batch's `BatchChange`, owned by the
    batch). Written in the same statements as the figures, not through Python."""

    model: type[Model]
    owner: str
    owner_id: int


@dataclass(frozen=True)
class StagedOutcome:
    created: int
    changed: int
    unchanged: int


@cache
def _transitions(requested: str) -> tuple[tuple[str, bool, bool, str], ...]:
    """`figure_states`' answer for an import asking for `requested` over a stored figure of
    each status, changed or not: (status before, changed, writes, status after)."""
    return tuple(
        (before, changed, transition.writes, transition.status)
        for before in FigureStatus.values
        for changed in (True, False)
        for transition in [
            figure_transition(
                FigureState(before), Action.IMPORT, changed=changed, requested=requested
            )
        ]
    )


def _transitions_sql(requested: str) -> tuple[str, dict[str, Any]]:
    """The transitions as a VALUES list to join (as `t`), and its named parameters."""
    rows = _transitions(requested)
    values = ", ".join(
        f"(%(t{i}_0)s::varchar, %(t{i}_1)s::boolean, %(t{i}_2)s::boolean, %(t{i}_3)s::varchar)"
        for i in range(len(rows))
    )
    return (
        f"(VALUES {values}) AS t (before_status, changed, writes, after_status)",
        {f"t{i}_{j}": value for i, row in enumerate(rows) for j, value in enumerate(row)},
    )


def _execute(sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
    """The rows a statement gives, or the number of rows it wrote."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else int(cursor.rowcount)


def _scalar(sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def figures_compare_staged(*, source: str, figure_source: str, status: str) -> tuple[int, int, int]:
    """How many of the source's figures an import would create, change and leave as they are
    (the preview of `figures_import_staged`), in one query, writing nothing."""
    transitions, params = _transitions_sql(status)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE f.id IS NULL), "  # noqa: S608
            "count(*) FILTER (WHERE t.writes) "
            f"FROM {source} s LEFT JOIN indicators_figure f ON {_STORED} "
            f"LEFT JOIN {transitions} ON t.before_status = f.status AND t.changed = ({_DIFFERS})",
            {**params, "source": figure_source},
        )
        total, new, changed = (int(count) for count in cursor.fetchone())
    return new, changed, total - new - changed


def _require_writer(
    user: User | SystemActor, area_ids: Collection[int], status: str, source: str
) -> None:
    """`import_writer_require` for every area, as `figures_import` asks it."""
    for area in Area.objects.filter(pk__in=list(area_ids)):
        import_writer_require(user, area, status=status, source=source)


def figures_import_staged(
    *,
    user: User | SystemActor,
    source: str,
    keys: StagedKeys,
    status: str,
    figure_source: str,
    source_note: str,
    reason: str,
    record: WrittenRecord,
    progress: Callable[[str], None] | None = None,
) -> StagedOutcome:
    """Write the source's figures, with an audit row (channel "import") for each one created
    or changed, leaving the stored ones that already hold the same alone, and keep what each
    write replaced in `record`. Call inside the caller's transaction (which the temporary
    tables last). Refused (PermissionDenied, before anything is written) unless `user` may
    write figures of every area in `keys` as given."""
    _require_writer(user, keys.area_ids, status, figure_source)
    report = progress or (lambda note: None)
    now = timezone.now()
    who = access.person(user)
    params: dict[str, Any] = {
        "source": figure_source,
        "note": source_note[:255],
        "reason": reason[:255],
        "user": who.pk if who is not None else None,
        "now": now,
        "channel": ChangeChannel.IMPORT,
    }
    meta = record.model._meta
    owner = _foreign_key(record.model, record.owner)
    params["owner"] = record.owner_id
    # Names from the models, never from input.
    kept = f"{meta.db_table} ({owner.column}, figure_id, before, version)"
    for table in (_CHANGED_TABLE, _RATIO_KINDS_TABLE):
        _execute(f"DROP TABLE IF EXISTS {table}")
    _execute(
        f"CREATE TEMPORARY TABLE {_RATIO_KINDS_TABLE} (indicator_id bigint PRIMARY KEY, "
        "ratio_kind varchar(12)) ON COMMIT DROP"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_RATIO_KINDS_TABLE} VALUES (%s, %s)",  # noqa: S608
            [
                (pk, ratio_kind_for(unit))
                for pk, unit in Indicator.objects.filter(pk__in=list(keys.indicator_ids))
                .values_list("pk", "unit")
                .iterator()
            ],
        )
    report("Reading the stored figures to compare")
    # Lock every stored figure the file names, as figures_import does, so that nothing
    # changes between the compare and the write; each is either changed or left alone.
    stored = _scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM indicators_figure f JOIN {source} s "  # noqa: S608
        f"ON {_STORED} FOR UPDATE OF f) AS locked"
    )
    with bulk.key_checks_at_once(Figure, FigureChange, record.model) as checked_at_once:
        changed = _changed(source, status, params)
        report(f"Changing {changed:,} figures")
        if changed:
            _execute(
                f"UPDATE indicators_figure f SET value = c.value, numerator = c.numerator, "  # noqa: S608
                "denominator = c.denominator, suppression = c.suppression, "
                "published_decimals = c.published_decimals, "
                "is_provisional = COALESCE(c.is_provisional, f.is_provisional), "
                "status = c.after_status, source = %(source)s, source_note = %(note)s, "
                "ratio_kind = c.ratio_kind, version = c.version, updated_by_id = %(user)s, "
                f"updated_at = %(now)s FROM {_CHANGED_TABLE} c WHERE f.id = c.figure_id",
                params,
            )
            _execute(
                "INSERT INTO indicators_figurechange (figure_id, changed_at, changed_by_id, "  # noqa: S608
                "channel, old_value, new_value, old_status, new_status, old_commentary, "
                "new_commentary, reason) SELECT figure_id, %(now)s, %(user)s, %(channel)s, "
                "old_value, value, old_status, after_status, commentary, commentary, %(reason)s "
                f"FROM {_CHANGED_TABLE}",
                params,
            )
            _execute(
                f"INSERT INTO {kept} SELECT %(owner)s, figure_id, before, version "  # noqa: S608
                f"FROM {_CHANGED_TABLE}",
                params,
            )
        report("Writing the new figures, their audit rows and what to roll back")
        created_in = _create(source, status, kept, params)
        if checked_at_once:
            # The audit rows and the record refer only to figures this transaction has just
            # created or changed (and so locked): nobody else can delete them before it
            # commits. The areas, indicators, periods, the user and the record's owner are a
            # few hundred keys, checked here.
            for name, ids in (
                ("area", keys.area_ids),
                ("indicator", keys.indicator_ids),
                ("period", keys.period_ids),
                ("updated_by", [params["user"]]),
            ):
                bulk.keys_check(_foreign_key(Figure, name), ids)
            bulk.keys_check(owner, [record.owner_id])
    changed_areas = _execute(f"SELECT DISTINCT area_id FROM {_CHANGED_TABLE}")  # noqa: S608
    dashboards.dashboards_changed(area_ids={*created_in, *(row[0] for row in changed_areas)})
    return StagedOutcome(sum(created_in.values()), changed, int(stored) - changed)


# The state a figure had, as `figures_import` keeps it (its IMPORTED_FIELDS, numbers as text).
_BEFORE = (
    "jsonb_build_object('value', f.value::text, 'numerator', f.numerator::text, "
    "'denominator', f.denominator::text, 'suppression', f.suppression, 'status', f.status, "
    "'source', f.source, 'source_note', f.source_note, 'is_provisional', f.is_provisional, "
    "'is_estimated', f.is_estimated, 'commentary', f.commentary, "
    "'published_decimals', f.published_decimals)"
)


def _foreign_key(model: type[Model], name: str) -> ForeignKey[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, ForeignKey):  # pragma: no cover - a mistake in the caller
        raise TypeError(f"{model.__name__}.{name} is not a foreign key.")
    return field


def _changed(source: str, status: str, params: dict[str, Any]) -> int:
    """Work out the stored figures the import changes, with their state before, into
    _CHANGED_TABLE; their number."""
    transitions, named = _transitions_sql(status)
    return int(
        _execute(
            f"CREATE TEMPORARY TABLE {_CHANGED_TABLE} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT f.id AS figure_id, f.version + 1 AS version, f.area_id, "
            f"f.value AS old_value, f.status AS old_status, f.commentary, {_BEFORE} AS before, "
            "s.value, s.numerator, s.denominator, s.suppression, s.published_decimals, "
            "s.is_provisional, t.after_status, r.ratio_kind "
            f"FROM {source} s JOIN indicators_figure f ON {_STORED} "
            f"JOIN {_RATIO_KINDS_TABLE} r ON r.indicator_id = s.indicator_id "
            f"JOIN {transitions} ON t.before_status = f.status AND t.changed = ({_DIFFERS}) "
            "WHERE t.writes",
            {**params, **named},
        )
    )


def _create(source: str, status: str, kept: str, params: dict[str, Any]) -> dict[int, int]:
    """Insert the source's figures that are not stored yet, with their audit rows and their
    record (`kept`) in the same statement; how many for each area id."""
    transition = figure_transition(None, Action.IMPORT, changed=True, requested=status)
    if not transition.writes:  # pragma: no cover - an import always creates what is new
        return {}
    # In the source's order, not sorted into key order: a published file already lists an
    # area's figures for a year together, and sorting a million rows spilled to disk and cost
    # a third of the commit (bench/README.md, issue 15). The stored figures are skipped by
    # the unique index the insert maintains anyway ("ON CONFLICT DO NOTHING"), not by a
    # NOT EXISTS over the figure table: when that table is empty on disk (a new database
    # vacuumed, or after a rollback) the planner reads it afresh for every source row while
    # the statement itself makes it grow, and a million rows never finished (issue 18).
    rows = _execute(
        "WITH created AS (INSERT INTO indicators_figure (area_id, indicator_id, period_id, "  # noqa: S608
        "breakdown_id, value, numerator, denominator, suppression, status, source, "
        "source_note, is_provisional, is_estimated, commentary, ratio_kind, is_revised, "
        "review_comment, version, updated_at, updated_by_id, published_decimals) "
        "SELECT s.area_id, s.indicator_id, s.period_id, NULL, s.value, s.numerator, "
        "s.denominator, s.suppression, %(status)s, %(source)s, %(note)s, "
        "COALESCE(s.is_provisional, false), false, '', "
        "r.ratio_kind, false, '', 1, %(now)s, %(user)s, s.published_decimals "
        f"FROM {source} s JOIN {_RATIO_KINDS_TABLE} r ON r.indicator_id = s.indicator_id "
        "ON CONFLICT (area_id, indicator_id, period_id) WHERE breakdown_id IS NULL DO NOTHING "
        "RETURNING id, area_id, value, status), "
        "audit AS (INSERT INTO indicators_figurechange (figure_id, changed_at, changed_by_id, "
        "channel, old_value, new_value, old_status, new_status, old_commentary, "
        "new_commentary, reason) SELECT id, %(now)s, %(user)s, %(channel)s, NULL, value, '', "
        "status, '', '', %(reason)s FROM created), "
        f"record AS (INSERT INTO {kept} SELECT %(owner)s, id, NULL, 1 FROM created) "
        "SELECT area_id, count(*) FROM created GROUP BY area_id",
        {**params, "status": transition.status},
    )
    return {area_id: int(count) for area_id, count in rows}
