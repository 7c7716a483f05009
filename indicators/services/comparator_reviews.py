"""Approving comparator figures: the figures of areas no one here reviews (England, Wales,
regions, groups, and authorities without officers or managers of their own), which an admin's
import leaves submitted. Approved by an admin, all at once, set-based: a national import can
leave hundreds of thousands of them (docs/0025).

What approval does to a figure is `figure_states`' rule, asked once for the whole set (every
figure approved here was submitted, so the same transition holds for each), and each approved
figure gets its audit-trail row, as `reviews.figures_approve` writes one, through the admin's
channel."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts import access

from .. import bulk, dashboards
from ..figure_states import Action, FigureState, Status, Transition, figure_transition
from ..models import Area, ChangeChannel, Figure, FigureChange, FigureStatus

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

# Figures updated a statement at a time: one UPDATE per chunk of ids, so no statement carries
# more than this many parameters (SQLite's limit is 32,766).
APPROVE_CHUNK = 10_000
# Areas named in a refusal, at most: the rest are counted.
NAMED_IN_REFUSAL = 5


@dataclass(frozen=True)
class ComparatorApproval:
    """What an approval did: how many figures it approved, and of which areas (by name)."""

    approved: int
    areas: tuple[str, ...]

    @property
    def message(self) -> str:
        """ "Approved 3 figures of Wales and Cardiff."."""
        noun = "figure" if self.approved == 1 else "figures"
        return f"Approved {self.approved:,} {noun} of {_names(list(self.areas))}."


def _names(names: Sequence[str]) -> str:
    shown = list(names[:NAMED_IN_REFUSAL])
    more = len(names) - len(shown)
    if more:
        shown.append(f"{more} other area{'s' if more != 1 else ''}")
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def comparator_figures_approve(
    *,
    user: User | SystemActor,
    figures: QuerySet[Figure],
    expected: int | None = None,
) -> ComparatorApproval:
    """Approve the submitted figures among `figures` (a selection, or a filter such as "Wales,
    2016/17"), all of them or none.

    Refused, with nothing written: a user who is not an admin; a selection holding submitted
    figures of an authority with officers or managers of its own (its managers approve them
    on its review page); a selection with no submitted figure; and, with `expected` (the count
    the admin was shown), a selection whose count has changed since (another import, another
    admin's approval). Figures in other statuses are left as they are.

    Set-based: the figures are locked and read once as plain values, their audit rows written
    in one load (`bulk.insert_rows`: COPY on PostgreSQL) and their status in one UPDATE per
    `APPROVE_CHUNK` figures."""
    access.require_comparator_approver(user)
    submitted = figures.filter(status=FigureStatus.SUBMITTED)
    own_review = list(
        submitted.filter(area_id__in=access.authorities_reviewed_by_members())
        .order_by("area__name")
        .values_list("area__name", flat=True)
        .distinct()
    )
    if own_review:
        one = len(own_review) == 1
        its, has = ("its", "has") if one else ("their", "have")
        raise ValidationError(
            f"{_names(own_review)} {has} officers or managers of {its} own: {its} figures are "
            f"approved on {its} own review page, by {its} managers. Nothing was approved."
        )
    # The figures locked (of the figure table only, whatever the filter joins) and read once.
    rows: list[tuple[int, int, Decimal | None, str]] = list(
        submitted.select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "area_id", "value", "commentary")
    )
    if not rows:
        raise ValidationError("No submitted comparator figure matches: nothing was approved.")
    if expected is not None and len(rows) != expected:
        raise ValidationError(
            f"The figures waiting have changed since the page was opened: {len(rows):,} now "
            f"match, not {expected:,}. Nothing was approved; check them and approve again."
        )
    transition = figure_transition(FigureState(Status.SUBMITTED), Action.APPROVE)
    who = access.person(user)
    now = timezone.now()
    bulk.insert_rows(
        FigureChange, bulk.FIGURE_CHANGE_COLUMNS, _audit_rows(rows, who, now, transition)
    )
    _approved_write([pk for pk, *_ in rows], transition, who, now)
    area_ids = {area_id for _pk, area_id, *_ in rows}
    # Comparators are shown on the dashboards of every authority compared with them.
    dashboards.dashboards_changed(area_ids=area_ids)
    names = Area.objects.filter(pk__in=area_ids).order_by("name").values_list("name", flat=True)
    return ComparatorApproval(approved=len(rows), areas=tuple(names))


def _approved_write(
    ids: Sequence[int], transition: Transition, who: User | None, now: datetime
) -> None:
    """Write the approval's status onto the figures `ids` (locked by the caller). PostgreSQL:
    one UPDATE given the ids as an array. Elsewhere (SQLite, the embedded default): one UPDATE
    per `APPROVE_CHUNK` ids, each id a parameter."""
    fields: dict[str, Any] = {
        "status": transition.status,
        "review_comment": transition.review_comment or "",
        "updated_by": who,
        "updated_at": now,
    }
    if connection.vendor == "postgresql":
        meta = Figure._meta
        quote = connection.ops.quote_name
        by_name = {field.name: field for field in meta.concrete_fields}
        columns = [by_name[name] for name in fields]
        assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
        version = quote(str(by_name["version"].column))
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {assignments}, "  # noqa: S608 (names from the model)
            f"{version} = {version} + 1 WHERE {quote(str(meta.pk.column))} = ANY(%s)"
        )
        values = [
            column.get_db_prep_save(who.pk if name == "updated_by" and who else value, connection)
            for (name, value), column in zip(fields.items(), columns, strict=True)
        ]
        # The one key the UPDATE writes (who approved) is checked once, not once a row.
        with bulk.key_checks_at_once(Figure) as checked_at_once, connection.cursor() as cursor:
            cursor.execute(sql, [*values, list(ids)])
            if checked_at_once and who is not None:
                bulk.keys_check(by_name["updated_by"], [who.pk])
        return
    for chunk in _chunks(ids, APPROVE_CHUNK):
        Figure.objects.filter(pk__in=chunk).update(version=F("version") + 1, **fields)


def _audit_rows(
    rows: Sequence[tuple[int, int, Decimal | None, str]],
    who: User | None,
    now: datetime,
    transition: Transition,
) -> Iterator[tuple[Any, ...]]:
    """One audit row a figure: its status before and after, value and commentary unchanged."""
    who_id = who.pk if who is not None else None
    for pk, _area_id, value, commentary in rows:
        yield (
            pk,
            now,
            who_id,
            ChangeChannel.ADMIN,
            value,
            value,
            Status.SUBMITTED.value,
            transition.status,
            commentary,
            commentary,
            transition.reason or "Approved",
        )
