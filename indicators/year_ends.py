"""Year-end outturns on monthly and quarterly measures (issue 17): a financial year's figure
reported for a measure kept by the month or the quarter ("2016-17 year end", the words Welsh
and English half-year reports use; labelled by `periods.label_for_frequency`). Pages, downloads
and packs show each year's outturn beside its months or quarters, after the year's last one.

Pure: figures in, figures out, read only through their `period` (kind, start, end), so the
rules are tested without the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar

# One rule for what a year-end outturn is, the periods module's, which labels them too.
from .periods import SHORTER_THAN_A_YEAR
from .periods import is_year_end as is_year_end  # used by the pages and packs from here


class PeriodLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...


class HasPeriod(Protocol):
    @property
    def period(self) -> PeriodLike: ...


F = TypeVar("F", bound=HasPeriod)


def shown_order(figure: HasPeriod) -> tuple[date, int]:
    """The order figures are shown in, oldest first: by the end of their period, and of two
    ending together the shorter first, so a year's outturn follows its last quarter."""
    return (figure.period.end, -figure.period.start.toordinal())


def with_year_ends(frequency: str, native: Sequence[F], candidates: Sequence[F]) -> list[F]:
    """The measure's own figures (`native`: its months or quarters), with the year-end
    outturns among `candidates` of the financial years those figures reach into, in
    `shown_order`. A measure kept yearly, or with no figure of its own, is given back as it is:
    its years are its own figures."""
    if frequency not in SHORTER_THAN_A_YEAR or not native:
        return list(native)
    first = min(figure.period.start for figure in native)
    last = max(figure.period.end for figure in native)
    outturns = [
        figure
        for figure in candidates
        if is_year_end(frequency, figure.period.kind)
        and figure.period.end >= first
        and figure.period.start <= last
    ]
    return sorted([*native, *outturns], key=shown_order)


def latest_year_end(frequency: str, figures: Sequence[F], *, ending_by: date) -> F | None:
    """The latest year-end outturn among `figures` of a year that ended by `ending_by` (a
    pack's period end), or None."""
    outturns = [
        figure
        for figure in figures
        if is_year_end(frequency, figure.period.kind) and figure.period.end <= ending_by
    ]
    return max(outturns, key=shown_order, default=None)
