"""Rates per 10,000 children derived from published counts and the ONS population (issue 18;
docs/0011, "Rates from population"). The arithmetic, the population year and the note are the
pure `indicators.population_rates`; this module reads the figures and writes the differences.

Which rates are derived from which count is data: `catalogue/derived_rates.csv`, checked with
the catalogue (`derived_rates_check`). `derived_rates_refresh` runs inside the published
import's transaction after its figures are written (and after a rollback), so a rate always
agrees with the count and the population held: all of it commits, or none.

A derived rate is an approved published figure whose source note begins "Derived: " and states
the count, the population and the year of the estimate. A refresh creates a rate where none is
held, changes or removes only rates it derived itself, and never touches a published rate (a
file's own, which an import writes over a derived one) or an authority's own figure.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts import access

from .. import bulk, dashboards, locks
from ..models import (
    Area,
    ChangeChannel,
    Figure,
    FigureChange,
    FigureSource,
    FigureStatus,
    Indicator,
    PeriodKind,
    RatioKind,
    Unit,
)
from ..population_rates import (
    DERIVED_PREFIX,
    DefinitionError,
    DerivedRate,
    RateDefinition,
    derive,
    estimate_year,
    is_derived,
    population_year,
    read_definitions,
)
from .figure_writes import import_writer_require, rows_update

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

DERIVED_RATES_CSV = Path(__file__).resolve().parent.parent / "catalogue" / "derived_rates.csv"
REFRESH_REASON = "Rate per 10,000 children derived from the published count and population"
# Populations are published for years; a year is a period of one of these kinds.
YEAR_KINDS = (PeriodKind.FINANCIAL_YEAR, PeriodKind.SNAPSHOT, PeriodKind.ACADEMIC_YEAR)
_WRITTEN = (
    "value",
    "numerator",
    "denominator",
    "suppression",
    "source_note",
    "status",
    "is_provisional",
    "version",
    "updated_at",
    "updated_by",
)


class DerivedRatesError(ValueError):
    """The definitions of derived rates were refused; the message names every row at fault."""


def definitions(path: Path | None = None) -> list[RateDefinition]:
    """The rates to derive: the shipped file's (read when asked, so a test may name another)."""
    path = path or DERIVED_RATES_CSV
    try:
        return read_definitions(path.read_text(encoding="utf-8"), file_name=path.name)
    except DefinitionError as error:
        raise DerivedRatesError(str(error)) from None


def derived_rates_check(path: Path | None = None) -> int:
    """Check the definitions against the catalogue as loaded: each code is a measure, the
    rate is a rate per 10,000 and the count and the population are counts. Raises
    `DerivedRatesError` naming every problem (the catalogue load then writes nothing);
    returns how many rates are derived."""
    path = path or DERIVED_RATES_CSV
    found = definitions(path)
    units = dict(
        Indicator.objects.filter(
            code__in={
                code for d in found for code in (d.rate_code, d.count_code, d.population_code)
            }
        ).values_list("code", "unit")
    )
    problems = []
    for line, definition in enumerate(found, start=2):
        for role, code, unit in (
            ("rate", definition.rate_code, Unit.RATE_PER_10K),
            ("count", definition.count_code, Unit.COUNT),
            ("population", definition.population_code, Unit.COUNT),
        ):
            if code not in units:
                problems.append(f"line {line}: the {role} {code!r} is not in the catalogue.")
            elif units[code] != unit:
                problems.append(
                    f"line {line}: the {role} {code!r} has unit '{units[code]}', not '{unit}'."
                )
    if problems:
        lines = "\n".join(f"- {problem}" for problem in problems)
        raise DerivedRatesError(f"{path.name} was refused and nothing was written:\n{lines}")
    return len(found)


@dataclass(frozen=True)
class RefreshOutcome:
    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class _Wanted:
    rate: DerivedRate
    is_provisional: bool


def _wanted(
    found: list[RateDefinition], indicators: dict[str, Indicator], area_ids: Collection[int] | None
) -> dict[tuple[int, int, int], _Wanted]:
    """The rate each count held calls for, by (area, rate indicator, period)."""
    usable = [
        d for d in found if {d.rate_code, d.count_code, d.population_code} <= indicators.keys()
    ]
    if not usable:
        return {}
    counts = Figure.objects.filter(
        indicator__in=[indicators[d.count_code] for d in usable],
        breakdown__isnull=True,
        status=FigureStatus.APPROVED,
        source=FigureSource.PUBLISHED,
    )
    populations = Figure.objects.filter(
        indicator__in=[indicators[d.population_code] for d in usable],
        breakdown__isnull=True,
        status=FigureStatus.APPROVED,
        value__isnull=False,
        period__kind__in=YEAR_KINDS,
    )
    if area_ids is not None:
        counts = counts.filter(area_id__in=list(area_ids))
        populations = populations.filter(area_id__in=list(area_ids))
    # Each estimate by its year; of two periods ending in one year, the later (ordering).
    population: dict[tuple[int, int, int], Decimal | None] = {
        (area_id, indicator_id, estimate_year(end)): value
        for area_id, indicator_id, end, value in populations.order_by("period__end").values_list(
            "area_id", "indicator_id", "period__end", "value"
        )
    }
    by_count: dict[int, list[RateDefinition]] = {}
    for d in usable:
        by_count.setdefault(indicators[d.count_code].pk, []).append(d)
    wanted: dict[tuple[int, int, int], _Wanted] = {}
    for area_id, indicator_id, period_id, end, value, code, provisional in counts.values_list(
        "area_id",
        "indicator_id",
        "period_id",
        "period__end",
        "value",
        "suppression",
        "is_provisional",
    ):
        year = population_year(end)
        for d in by_count[indicator_id]:
            pop_id = indicators[d.population_code].pk
            rate = derive(
                count=value,
                count_suppression=code,
                counted=d.counted,
                population=population.get((area_id, pop_id, year)),
                year=year,
            )
            if rate is not None:
                wanted[(area_id, indicators[d.rate_code].pk, period_id)] = _Wanted(
                    rate, provisional
                )
    return wanted


def derived_rates_refresh(
    *,
    user: User | SystemActor,
    reason: str = REFRESH_REASON,
    area_ids: Collection[int] | None = None,
    indicator_ids: Collection[int] | None = None,
    path: Path | None = None,
) -> RefreshOutcome:
    """Bring every derived rate (of `area_ids`, or of every area) into line with the counts
    and populations held: create the missing, change the stale, remove those whose count or
    population is gone (a created or changed rate with an audit row, channel "derived"; a
    removed one goes with its history, since it can be derived again). With `indicator_ids`
    (the measures an import wrote), only the rates whose count or population is one of them:
    a file of other measures costs one query and takes no lock. Call inside the caller's
    transaction. Refused
    (PermissionDenied, before anything is written) unless `user` may import published
    figures of every area it would write."""
    found = definitions(path)
    codes = {code for d in found for code in (d.rate_code, d.count_code, d.population_code)}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    if indicator_ids is not None:
        wrote = {code for code, i in indicators.items() if i.pk in set(indicator_ids)}
        found = [d for d in found if {d.count_code, d.population_code} & wrote]
        if not found:
            return RefreshOutcome()
    # Two imports committing at once (a counts file and the population) would otherwise both
    # find a rate missing and both create it: the second waits, then reads the first's.
    locks.hold_until_commit("indicators.derived_rates")
    rate_ids = [indicators[d.rate_code].pk for d in found if d.rate_code in indicators]
    wanted = _wanted(found, indicators, area_ids)
    held = Figure.objects.filter(indicator__in=rate_ids, breakdown__isnull=True)
    if area_ids is not None:
        held = held.filter(area_id__in=list(area_ids))
    stored: dict[tuple[int, int, int], Figure] = {
        (f.area_id, f.indicator_id, f.period_id): f
        for f in held.only(
            "id", "area_id", "indicator_id", "period_id", "source", "commentary", *_WRITTEN[:-2]
        )
    }
    ours = {key: f for key, f in stored.items() if _is_ours(f)}
    new = [key for key in wanted if key not in stored]
    changed = [key for key in wanted if key in ours and _differs(ours[key], wanted[key])]
    stale = [f for key, f in ours.items() if key not in wanted]
    touched = {key[0] for key in (*new, *changed)} | {f.area_id for f in stale}
    for area in _areas(touched):
        import_writer_require(
            user, area, status=FigureStatus.APPROVED, source=FigureSource.PUBLISHED
        )
    who = access.person(user)
    now = timezone.now()
    audit: list[tuple[Any, ...]] = []
    created = Figure.objects.bulk_create(
        [_new_figure(key, wanted[key], who, now) for key in new], batch_size=1000
    )
    audit += [_audit(f, None, None, who, now, reason) for f in created]
    updates = []
    for key in changed:
        figure = ours[key]
        old_value, old_status = figure.value, figure.status
        _apply(figure, wanted[key], who, now)
        figure.version += 1
        updates.append(figure)
        audit.append(_audit(figure, old_value, old_status, who, now, reason))
    rows_update(updates, _WRITTEN)
    bulk.insert_rows(FigureChange, bulk.FIGURE_CHANGE_COLUMNS, audit)
    # What a removed rate held goes with it: it can be derived again from the same figures.
    Figure.objects.filter(pk__in=[f.pk for f in stale]).delete()
    if touched:
        dashboards.dashboards_changed(area_ids=touched)
    return RefreshOutcome(
        created=len(created),
        changed=len(changed),
        removed=len(stale),
        unchanged=sum(1 for key in wanted if key in ours) - len(changed),
    )


def _is_ours(figure: Figure) -> bool:
    return figure.source == FigureSource.PUBLISHED and is_derived(figure.source_note)


def _differs(figure: Figure, wanted: _Wanted) -> bool:
    rate = wanted.rate
    return (
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.suppression,
        figure.source_note,
        figure.status,
        figure.is_provisional,
    ) != (
        rate.value,
        rate.numerator,
        rate.denominator,
        rate.suppression,
        rate.note[:255],
        FigureStatus.APPROVED,
        wanted.is_provisional,
    )


def _apply(figure: Figure, wanted: _Wanted, who: User | None, now: Any) -> None:
    rate = wanted.rate
    figure.value = rate.value
    figure.numerator = rate.numerator
    figure.denominator = rate.denominator
    figure.suppression = rate.suppression
    figure.source_note = rate.note[:255]
    figure.status = FigureStatus.APPROVED
    figure.is_provisional = wanted.is_provisional
    figure.updated_at = now
    figure.updated_by = who


def _new_figure(key: tuple[int, int, int], wanted: _Wanted, who: User | None, now: Any) -> Figure:
    area_id, indicator_id, period_id = key
    figure = Figure(
        area_id=area_id,
        indicator_id=indicator_id,
        period_id=period_id,
        source=FigureSource.PUBLISHED,
        ratio_kind=RatioKind.PROPORTION,
        version=1,
    )
    _apply(figure, wanted, who, now)
    return figure


def _audit(
    figure: Figure,
    old_value: Decimal | None,
    old_status: str | None,
    who: User | None,
    now: Any,
    reason: str,
) -> tuple[Any, ...]:
    return (
        figure.pk,
        now,
        who.pk if who is not None else None,
        ChangeChannel.DERIVED,
        old_value,
        figure.value,
        old_status or "",
        figure.status,
        figure.commentary,
        figure.commentary,
        reason[:255],
    )


def _areas(area_ids: Collection[int]) -> Iterable[Area]:
    return Area.objects.filter(pk__in=list(area_ids))


__all__ = [
    "DERIVED_PREFIX",
    "DERIVED_RATES_CSV",
    "DerivedRatesError",
    "RefreshOutcome",
    "definitions",
    "derived_rates_check",
    "derived_rates_refresh",
]
