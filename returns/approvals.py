"""Reads for the admin's approval of comparator figures (docs/0025): the submitted figures of
areas no authority's own review covers (`indicators.selectors.comparator_figures_waiting`),
grouped by area, indicator and the import that last wrote them, with the filters the page
offers (area, financial year, import). Each figure belongs to the latest committed batch
that wrote it (a rollback record, `BatchChange`), or to none when no import did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from indicators import periods
from indicators import selectors as indicator_selectors
from indicators.models import Area, Figure, Indicator, PeriodKind

from .models import BatchChange, BatchStatus, ImportBatch

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Groups listed on the page at most; the rest are counted, and approved with "approve all".
GROUPS_SHOWN = 200
# A group's key when no import wrote its figures.
NO_BATCH = "none"


@dataclass(frozen=True)
class ApprovalFilter:
    """What the page is narrowed to: an area, a financial year (its 1 April), an import (its
    id, or `NO_BATCH`). None: any."""

    area_id: int | None = None
    year_start: date | None = None
    batch: str | None = None


@dataclass(frozen=True)
class WaitingGroup:
    """The waiting figures of one area and indicator from one import."""

    area: str
    indicator_code: str
    indicator_title: str
    batch_id: int | None
    batch_name: str
    first: str  # the earliest period's label
    last: str  # the latest period's
    count: int
    key: str  # "area_id:indicator_id:batch", as the page posts it back

    @property
    def periods(self) -> str:
        return self.first if self.first == self.last else f"{self.first} to {self.last}"


@dataclass(frozen=True)
class ApprovalPage:
    groups: list[WaitingGroup]
    total: int  # waiting figures the filter matches
    group_count: int  # groups the filter matches (only GROUPS_SHOWN are listed)
    areas: list[tuple[int, str]]  # the filter's choices: areas with waiting figures
    years: list[tuple[date, str]]  # financial years with waiting figures
    batches: list[tuple[str, str]]  # imports with waiting figures (and NO_BATCH)
    chosen: ApprovalFilter


def _latest_batch() -> Subquery:
    """The latest committed import that wrote the figure (None if none did)."""
    return Subquery(
        BatchChange.objects.filter(figure_id=OuterRef("pk"), batch__status=BatchStatus.COMMITTED)
        .order_by("-batch_id")
        .values("batch_id")[:1]
    )


def waiting_figures(
    user: User | AnonymousUser, chosen: ApprovalFilter = ApprovalFilter()
) -> QuerySet[Figure]:
    """The waiting figures the filter matches, each annotated with `batch` (its import's id)."""
    waiting = indicator_selectors.comparator_figures_waiting(
        user, area_id=chosen.area_id, year_start=chosen.year_start
    ).annotate(batch=_latest_batch())
    if chosen.batch == NO_BATCH:
        waiting = waiting.filter(batch__isnull=True)
    elif chosen.batch:
        waiting = waiting.filter(batch=int(chosen.batch))
    return waiting


def group_key(area_id: int, indicator_id: int, batch_id: int | None) -> str:
    return f"{area_id}:{indicator_id}:{NO_BATCH if batch_id is None else batch_id}"


def selected_figures(
    user: User | AnonymousUser, chosen: ApprovalFilter, keys: Sequence[str]
) -> QuerySet[Figure]:
    """The waiting figures of the groups whose keys the page posted back (within the filter);
    keys that are not "area:indicator:batch" match nothing."""
    matches = Q(pk__in=[])
    for key in keys:
        parts = key.split(":")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            continue
        batch = (
            Q(batch__isnull=True)
            if parts[2] == NO_BATCH
            else Q(batch=int(parts[2]))
            if parts[2].isdigit()
            else Q(pk__in=[])
        )
        matches |= Q(area_id=int(parts[0]), indicator_id=int(parts[1])) & batch
    return waiting_figures(user, chosen).filter(matches)


def batch_waiting_count(user: User | AnonymousUser, batch: ImportBatch) -> int:
    """How many of the figures a committed import last wrote await an admin's approval."""
    if batch.status != BatchStatus.COMMITTED:
        return 0
    return waiting_figures(user, ApprovalFilter(batch=str(batch.pk))).count()


def _year_label(start: date) -> str:
    return periods.label(PeriodKind.FINANCIAL_YEAR, start, start)


def approval_page(user: User | AnonymousUser, chosen: ApprovalFilter) -> ApprovalPage:
    """The page: the filter's groups, largest import first, and the choices of its filters
    (from every waiting figure, whatever is chosen). A handful of queries, however many
    figures wait."""
    everything = waiting_figures(user)
    area_ids = everything.values("area_id").distinct()
    areas = list(Area.objects.filter(pk__in=area_ids).order_by("name").values_list("pk", "name"))
    years = sorted(
        {
            periods.financial_year_start(start)
            for start in everything.values_list("period__start", flat=True).distinct()
        },
        reverse=True,
    )
    matching = waiting_figures(user, chosen)
    # django-stubs does not see the `batch` annotation (`waiting_figures`): hence the ignores.
    grouped = (
        matching.values("area_id", "indicator_id", "batch")  # type: ignore[misc]
        .annotate(count=Count("pk"))
        .order_by(F("batch").desc(nulls_last=True), "area_id", "indicator_id")
    )
    rows = list(grouped)
    shown = rows[:GROUPS_SHOWN]
    # Each figure's import is a subquery a figure: the unfiltered groups already name every
    # import, so only a filtered page reads them again.
    batch_ids: set[int | None] = (
        {row["batch"] for row in rows}
        if chosen == ApprovalFilter()
        else set(everything.values_list("batch", flat=True).distinct())  # type: ignore[misc]
    )
    batches = [
        (str(batch.pk), f"Import {batch.pk}: {batch.file_name}")
        for batch in ImportBatch.objects.filter(
            pk__in=[pk for pk in batch_ids if pk is not None]
        ).order_by("-pk")
    ]
    if None in batch_ids:
        batches.append((NO_BATCH, "Not from an import"))
    return ApprovalPage(
        groups=_groups(shown, matching),
        total=sum(row["count"] for row in rows),
        group_count=len(rows),
        areas=areas,
        years=[(start, _year_label(start)) for start in years],
        batches=batches,
        chosen=chosen,
    )


def _groups(rows: list[dict[str, object]], matching: QuerySet[Figure]) -> list[WaitingGroup]:
    """The groups with names and their first and last periods' labels."""
    if not rows:
        return []
    names = dict(
        Area.objects.filter(pk__in={row["area_id"] for row in rows}).values_list("pk", "name")
    )
    indicators = {
        pk: (code, title)
        for pk, code, title in Indicator.objects.filter(
            pk__in={row["indicator_id"] for row in rows}
        ).values_list("pk", "code", "title")
    }
    batch_names = dict(
        ImportBatch.objects.filter(
            pk__in={int(str(row["batch"])) for row in rows if row["batch"] is not None}
        ).values_list("pk", "file_name")
    )
    # The periods of the groups listed only: of their areas and measures.
    spans = _spans(
        matching.filter(
            area_id__in={row["area_id"] for row in rows},
            indicator_id__in={row["indicator_id"] for row in rows},
        )
    )
    groups = []
    for row in rows:
        area_id, indicator_id = int(str(row["area_id"])), int(str(row["indicator_id"]))
        batch_id = row["batch"] if isinstance(row["batch"], int) else None
        first, last = spans[(area_id, indicator_id, batch_id)]
        code, title = indicators[indicator_id]
        groups.append(
            WaitingGroup(
                area=names[area_id],
                indicator_code=code,
                indicator_title=title,
                batch_id=batch_id,
                batch_name=batch_names.get(batch_id, "") if batch_id else "",
                first=first,
                last=last,
                count=int(str(row["count"])),
                key=group_key(area_id, indicator_id, batch_id),
            )
        )
    return groups


def _spans(matching: QuerySet[Figure]) -> dict[tuple[int, int, int | None], tuple[str, str]]:
    """Each group's earliest and latest period, labelled: from the distinct periods of the
    waiting figures (a few hundred at most: periods, not figures)."""
    rows = (
        matching.values_list(  # type: ignore[misc]
            "area_id",
            "indicator_id",
            "batch",
            "period__kind",
            "period__start",
            "period__end",
            "indicator__frequency",
        )
        .order_by()
        .distinct()
    )
    spans: dict[tuple[int, int, int | None], tuple[tuple[date, int], str, tuple[date, int], str]]
    spans = {}
    for area_id, indicator_id, batch, kind, start, end, frequency in rows:
        key = (area_id, indicator_id, batch)
        text = periods.label_for_frequency(frequency, kind, start, end)
        # A year's outturn ends with its last quarter, and comes after it.
        order = (end, -start.toordinal())
        known = spans.get(key)
        if known is None:
            spans[key] = (order, text, order, text)
            continue
        low, low_text, high, high_text = known
        if order < low:
            low, low_text = order, text
        if order > high:
            high, high_text = order, text
        spans[key] = (low, low_text, high, high_text)
    return {key: (value[1], value[3]) for key, value in spans.items()}
