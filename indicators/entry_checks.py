"""Pure checks of one indicator's figures as an officer types them in. No ORM, no request.

Two kinds of finding, each a plain-English sentence that names the indicator:

- **Errors** make the whole save refuse (nothing is written while anything is invalid). They
  are the rules every figure obeys, however it arrives, stated once in `value_rules` and
  shared with the spreadsheet and published-data imports: a proportion's numerator above its
  denominator; a numerator or denominator that is negative or (for a proportion) not whole; a
  denominator of zero; only one of the two given; a value that disagrees with them; a
  percentage outside 0 to 100; a count that is negative or not whole; a negative FTE, rate,
  number of days (or any other measure that cannot be below zero); a number the database
  cannot hold (more than 12 digits before the point or 4 after).
- **Warnings** are saved only once the officer confirms them:
  - *Far outside its usual range.* With at least `RANGE_MIN_HISTORY` earlier values (up to the
    last `RANGE_HISTORY` are used), the usual range is ``[min - spread, max + spread]`` where
    ``spread = max(Q3 - Q1, RANGE_SHARE_OF_MEDIAN * |median|, one unit of the last shown
    decimal place)``. So a value inside the range of the history itself never warns, and a
    flat history still allows a tenth of its level either side.
  - *A big change from last period:* the value moved by more than `CHANGE_SHARE` (50%) of the
    previous value **and** by more than `CHANGE_MIN_ABSOLUTE` in the indicator's units (five
    percentage points, five children, five days...), so 2 -> 4 does not warn but 40 -> 90 does.
  - *Breakdowns that do not add up:* for counts and FTE (units that are sums), the values of
    one dimension add up to more than the total, or, once every category is filled in, to
    anything other than the total (compared at the indicator's decimals).
  - *Rated red with no commentary:* against the year's target (`rag.rate_against_target`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from . import metrics, value_rules
from .formatting import format_value, round_half_up
from .rag import Rating, TargetBand, rate_against_target
from .value_rules import PROPORTION_MULTIPLIERS

# --- thresholds (module constants, so a council can see and change them in one place) -----

RANGE_HISTORY = 12  # how many earlier values make the "usual range"
RANGE_MIN_HISTORY = 4  # fewer earlier values than this: no range check
RANGE_SHARE_OF_MEDIAN = Decimal("0.10")  # the least spread: a tenth of the median
CHANGE_SHARE = Decimal("0.50")  # more than 50% up or down on last period...
CHANGE_MIN_ABSOLUTE = Decimal(5)  # ...and more than 5 of the indicator's units

# Units whose breakdown values add up to the overall figure.
ADDITIVE_UNITS = frozenset({"count", "fte"})

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One error or warning. `field` is the input it is about, relative to the indicator:
    "value", "numerator", "denominator", "commentary" or a breakdown's key + "-value"."""

    level: str
    code: str  # the indicator's code
    field: str
    message: str


@dataclass(frozen=True)
class BreakdownValue:
    key: str  # e.g. "b12": unique within the indicator
    dimension: str
    name: str
    value: Decimal | None


@dataclass(frozen=True)
class IndicatorEntry:
    """What was typed for one indicator, with what it is checked against."""

    code: str
    title: str
    unit: str
    polarity: str
    decimals: int = 0
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str = ""
    breakdowns: tuple[BreakdownValue, ...] = ()
    previous: Decimal | None = None  # the previous period's value
    history: tuple[Decimal, ...] = ()  # earlier values, oldest first (the previous one last)
    target: TargetBand | None = None
    breakdown_counts: dict[str, int] = field(default_factory=dict)  # dimension -> categories

    @property
    def is_proportion(self) -> bool:
        return self.unit in PROPORTION_MULTIPLIERS

    @property
    def effective_value(self) -> Decimal | None:
        """The value that will be stored: derived from the counts when they are usable."""
        if (
            self.is_proportion
            and self.numerator is not None
            and self.denominator is not None
            and self.denominator > 0
        ):
            return metrics.ratio_value(
                self.numerator, self.denominator, PROPORTION_MULTIPLIERS[self.unit]
            )
        return self.value

    @property
    def measure(self) -> value_rules.Measure:
        return value_rules.Measure(self.title, self.unit, self.decimals)

    def shown(self, value: Decimal) -> str:
        return format_value(value, self.unit, self.decimals)


def _warning(entry: IndicatorEntry, field_name: str, message: str) -> Finding:
    return Finding(WARNING, entry.code, field_name, f"{entry.title}: {message}")


def _refusal(entry: IndicatorEntry, problem: value_rules.Problem, field_name: str) -> Finding:
    # value_rules' messages already name the indicator.
    return Finding(ERROR, entry.code, field_name, problem.message)


def errors(entry: IndicatorEntry) -> list[Finding]:
    """What makes this entry impossible to save: `value_rules` applied to the overall figure
    (when anything was typed for it) and to each breakdown value. An empty list means it may
    be saved."""
    measure = entry.measure
    found: list[Finding] = []
    if entry.value is not None or entry.numerator is not None or entry.denominator is not None:
        checked = value_rules.check_figure(
            measure, value=entry.value, numerator=entry.numerator, denominator=entry.denominator
        )
        found += [_refusal(entry, problem, problem.field) for problem in checked.problems]
    for breakdown in entry.breakdowns:
        if breakdown.value is not None:
            found += [
                _refusal(entry, problem, f"{breakdown.key}-value")
                for problem in value_rules.check_value(
                    measure, breakdown.value, what=f"The value for {breakdown.name}"
                )
            ]
    return found


def usual_range(history: Sequence[Decimal], decimals: int) -> tuple[Decimal, Decimal] | None:
    """The range a new value is expected in, from earlier values (see the module's rule)."""
    recent = list(history)[-RANGE_HISTORY:]
    if len(recent) < RANGE_MIN_HISTORY:
        return None
    ordered = sorted(recent)
    middle = Decimal(median(ordered))
    lower_half = ordered[: len(ordered) // 2]
    upper_half = ordered[(len(ordered) + 1) // 2 :]
    spread_iqr = Decimal(median(upper_half)) - Decimal(median(lower_half))
    spread = max(
        spread_iqr,
        RANGE_SHARE_OF_MEDIAN * abs(middle),
        Decimal(1).scaleb(-decimals),
    )
    return ordered[0] - spread, ordered[-1] + spread


def _range_warnings(entry: IndicatorEntry, value: Decimal) -> list[Finding]:
    bounds = usual_range(entry.history, entry.decimals)
    if bounds is None:
        return []
    low, high = bounds
    if low <= value <= high:
        return []
    recent = list(entry.history)[-RANGE_HISTORY:]
    return [
        _warning(
            entry,
            "value",
            f"{entry.shown(value)} is far outside its usual range (the last {len(recent)} "
            f"figures were between {entry.shown(min(recent))} and {entry.shown(max(recent))}). "
            "Check it is right.",
        )
    ]


def _change_warnings(entry: IndicatorEntry, value: Decimal) -> list[Finding]:
    previous = entry.previous
    if previous is None:
        return []
    change = abs(value - previous)
    if change <= CHANGE_MIN_ABSOLUTE or change <= CHANGE_SHARE * abs(previous):
        return []
    return [
        _warning(
            entry,
            "value",
            f"{entry.shown(value)} is a big change from last period's {entry.shown(previous)}. "
            "Check it is right.",
        )
    ]


def _breakdown_warnings(entry: IndicatorEntry, total: Decimal | None) -> list[Finding]:
    if entry.unit not in ADDITIVE_UNITS or total is None:
        return []
    found: list[Finding] = []
    by_dimension: dict[str, list[BreakdownValue]] = {}
    for breakdown in entry.breakdowns:
        by_dimension.setdefault(breakdown.dimension, []).append(breakdown)
    for dimension, values in by_dimension.items():
        given = [b for b in values if b.value is not None]
        if not given:
            continue
        added = sum((b.value for b in given if b.value is not None), Decimal(0))
        complete = len(given) == entry.breakdown_counts.get(dimension, len(values))
        added_shown = round_half_up(added, entry.decimals)
        total_shown = round_half_up(total, entry.decimals)
        if (complete and added_shown != total_shown) or added_shown > total_shown:
            found.append(
                _warning(
                    entry,
                    f"{given[0].key}-value",
                    f"the values by {dimension} add up to {entry.shown(added)}, not the total "
                    f"of {entry.shown(total)}.",
                )
            )
    return found


def warnings(entry: IndicatorEntry) -> list[Finding]:
    """What may be right but should be checked: saved only once the officer confirms."""
    value = entry.effective_value
    found: list[Finding] = []
    if value is not None:
        found += _range_warnings(entry, value)
        found += _change_warnings(entry, value)
    found += _breakdown_warnings(entry, value)
    if (
        value is not None
        and not entry.commentary.strip()
        and rate_against_target(value, entry.target, entry.polarity).rating == Rating.RED
    ):
        found.append(
            _warning(
                entry,
                "commentary",
                f"{entry.shown(value)} is rated red against its target: add commentary saying "
                "why, and what is being done.",
            )
        )
    return found


def check(entry: IndicatorEntry) -> tuple[list[Finding], list[Finding]]:
    """Errors and warnings together; warnings only when there are no errors."""
    found = errors(entry)
    return (found, []) if found else ([], warnings(entry))
