"""What a figure's numbers may be, stated once for every way a figure arrives. Pure: no ORM.

The entry form (through `entry_checks`, and `services.figure_set` for the admin and every
other caller), the figures spreadsheet import (`returns.spreadsheet_services`) and the
published-data import (`returns.published`) all ask this module, so a value the form refuses
is refused by the imports too, with the same sentence. Each problem names the measure, what is
wrong and the number that is wrong ("Children on CIN plans: The value cannot be below zero
(-5).") and the input it is about, so a form can show it at its field and an import on its row
and column.

Every rule here is an error: the figure cannot be right, or cannot be stored. What may be right
but deserves a second look (a value far outside its usual range, a big change from last
period, breakdowns that do not add up, red with no commentary) needs earlier figures and
targets: those warnings are the entry form's, in `entry_checks`.

The rules:

- **Storage.** A value, numerator or denominator, and a value worked out from them, fits the
  figure table's columns (``numeric(16, 4)``): at most 12 digits before the point and 4 after.
  The database would refuse a larger number, and silently round a finer one.
- **A value, by its unit.** A percentage is from 0 to 100; a count is a whole number of 0 or
  more; nothing else can be below zero except a score or an amount of money.
- **A numerator and denominator** belong to a ratio only (a proportion: a percentage or a rate
  per 10,000; or a mean: days, an average, a score), and come together. Neither is below zero
  and the denominator is above zero. A proportion's parts are whole numbers (children,
  assessments) and its numerator is not above its denominator.
- **A suppression code** (c, k, x, z, u, low: what published statistics print instead of a
  number, never zero) stands instead of the numbers, never beside them; a figure with no code
  has a value or its parts.
- **A value typed beside its parts** must agree with them to the measure's decimal places: the
  stored value is worked out from the parts. A published value is kept as published (it was
  rounded by its publisher), so the published import does not ask for agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from . import metrics

# --- what the figure table holds --------------------------------------------------------------

STORED_DECIMALS = 4
STORED_DIGITS = 16
LARGEST_STORED = Decimal(10) ** (STORED_DIGITS - STORED_DECIMALS) - Decimal(1).scaleb(
    -STORED_DECIMALS
)  # 999,999,999,999.9999
_STORED_STEP = Decimal(1).scaleb(-STORED_DECIMALS)

# Published statistics' codes for a figure that is not given. None of them means zero.
SUPPRESSION_CODES = ("c", "k", "x", "z", "u", "low")

# --- units --------------------------------------------------------------------------------------

# Ratio kinds, as `Figure.ratio_kind` stores them (the database checks its constraints by them).
NOT_A_RATIO = "none"
PROPORTION = "proportion"  # the numerator is part of the denominator
MEAN = "mean"  # a total divided by a count: the total may exceed the count

# value = numerator / denominator x multiplier.
PROPORTION_MULTIPLIERS: dict[str, Decimal] = {
    "percent": metrics.PERCENT,
    "rate_10k": metrics.PER_10K,
}
MEAN_UNITS = frozenset({"days", "average", "score"})
WHOLE_NUMBER_UNITS = frozenset({"count"})
# A score (a progress score, say) or an amount of money can be below zero; nothing else can.
MAY_BE_NEGATIVE = frozenset({"score", "currency"})


def ratio_kind_of(unit: str) -> str:
    """Whether a unit's figures are proportions, means or not ratios at all."""
    if unit in PROPORTION_MULTIPLIERS:
        return PROPORTION
    if unit in MEAN_UNITS:
        return MEAN
    return NOT_A_RATIO


class Described(Protocol):
    """Anything that says what a measure is: an indicator from the catalogue, say."""

    @property
    def title(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def decimals(self) -> int: ...


@dataclass(frozen=True)
class Measure:
    """What the rules need to know about an indicator: its title (to name it), its unit and
    the decimal places it is shown to (how closely a typed value must agree with its parts)."""

    title: str
    unit: str
    decimals: int = 0

    @classmethod
    def of(cls, indicator: Described) -> Measure:
        return cls(indicator.title, indicator.unit, indicator.decimals)

    @property
    def ratio_kind(self) -> str:
        return ratio_kind_of(self.unit)

    @property
    def multiplier(self) -> Decimal:
        return PROPORTION_MULTIPLIERS.get(self.unit, metrics.MEAN)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a figure's numbers. `field` is the input it is about: "value",
    "numerator", "denominator" or "suppression" (or the caller's own name for a value, such
    as a breakdown's); `message` a sentence naming the measure."""

    field: str
    message: str


@dataclass(frozen=True)
class FigureCheck:
    """What `check_figure` found: the value that would be stored (None when suppressed or
    refused) and every problem. A figure may be stored only when there are no problems."""

    value: Decimal | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def shown(number: Decimal) -> str:
    """A number as a person would write it: 650, 12.5, 0.0001; never 6.5E+2 or 650.0000."""
    if not number.is_finite() or abs(number.adjusted()) > 20:
        return str(number)  # NaN, 1E+400: no page of zeros
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _problem(measure: Measure, field: str, message: str) -> Problem:
    return Problem(field, f"{measure.title}: {message}")


def _storage_problem(measure: Measure, number: Decimal, field: str, what: str) -> Problem | None:
    if abs(number) > LARGEST_STORED:
        return _problem(
            measure,
            field,
            f"{what} is too large ({shown(number)}): a figure can hold at most "
            f"{LARGEST_STORED:,f}.",
        )
    if number != number.quantize(_STORED_STEP):
        return _problem(
            measure,
            field,
            f"{what} has more than {STORED_DECIMALS} decimal places ({shown(number)}): round "
            f"it to {STORED_DECIMALS} or fewer.",
        )
    return None


def check_value(
    measure: Measure, value: Decimal, *, field: str = "value", what: str = "The value"
) -> list[Problem]:
    """What is wrong with one value in the measure's own unit (the figure's value, or a
    breakdown category's): at most one problem, the first that applies. `what` names it in
    the message ("The value", "The value for North")."""
    if not value.is_finite():
        return [_problem(measure, field, f"{what} is not a number.")]
    unit = measure.unit
    if unit == "percent" and not Decimal(0) <= value <= Decimal(100):
        return [_problem(measure, field, f"{what} must be between 0% and 100% ({shown(value)}).")]
    if unit not in MAY_BE_NEGATIVE and value < 0:
        return [_problem(measure, field, f"{what} cannot be below zero ({shown(value)}).")]
    if unit in WHOLE_NUMBER_UNITS and value != value.to_integral_value():
        return [
            _problem(
                measure, field, f"{what} must be a whole number, like 650, not {shown(value)}."
            )
        ]
    stored = _storage_problem(measure, value, field, what)
    return [stored] if stored else []


def check_parts(
    measure: Measure, numerator: Decimal | None, denominator: Decimal | None
) -> list[Problem]:
    """What is wrong with a numerator and denominator (either may be missing)."""
    if numerator is None and denominator is None:
        return []
    if measure.ratio_kind == NOT_A_RATIO:
        return [
            _problem(
                measure,
                "numerator" if numerator is not None else "denominator",
                "a numerator and denominator are only for percentages, rates and averages: "
                "give the value only.",
            )
        ]
    if numerator is None:
        return [_problem(measure, "numerator", "enter the numerator as well as the denominator.")]
    if denominator is None:
        return [_problem(measure, "denominator", "enter the denominator as well as the numerator.")]
    found: list[Problem] = []
    whole = measure.ratio_kind == PROPORTION
    for number, field, what, example in (
        (numerator, "numerator", "The numerator", "45"),
        (denominator, "denominator", "The denominator", "50"),
    ):
        problem: Problem | None
        if not number.is_finite():
            problem = _problem(measure, field, f"{what} is not a number.")
        elif number < 0:
            problem = _problem(measure, field, f"{what} cannot be below zero ({shown(number)}).")
        elif whole and number != number.to_integral_value():
            problem = _problem(
                measure,
                field,
                f"{what} must be a whole number, like {example}, not {shown(number)}.",
            )
        else:
            problem = _storage_problem(measure, number, field, what)
        if problem is not None:
            found.append(problem)
    if found:
        return found
    if denominator == 0:
        return [_problem(measure, "denominator", "the denominator must be more than zero.")]
    if measure.ratio_kind == PROPORTION and numerator > denominator:
        return [
            _problem(
                measure,
                "numerator",
                f"the numerator ({shown(numerator)}) cannot be more than the denominator "
                f"({shown(denominator)}).",
            )
        ]
    return []


def derived_value(measure: Measure, numerator: Decimal, denominator: Decimal) -> Decimal:
    """The value a ratio's parts give, to the precision the figure table holds (pages round
    further for display). The parts must have passed `check_parts`."""
    return metrics.ratio_value(numerator, denominator, measure.multiplier).quantize(
        _STORED_STEP, rounding=ROUND_HALF_UP
    )


def check_figure(
    measure: Measure,
    *,
    value: Decimal | None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    suppression: str = "",
    value_from_parts: bool = True,
) -> FigureCheck:
    """Every problem with one figure's numbers, and the value that would be stored.

    With `value_from_parts` (typed and spreadsheet figures) a ratio's value is worked out from
    its numerator and denominator, and a value given beside them must agree with it. Without
    it (published figures) the value is stored as given and checked like any other value."""
    if suppression:
        if suppression not in SUPPRESSION_CODES:
            problem = _problem(
                measure,
                "suppression",
                f"{suppression!r} is not a suppression code: use c, k, x, z, u or low, or "
                "leave it empty.",
            )
            return FigureCheck(None, (problem,))
        if value is not None or numerator is not None or denominator is not None:
            problem = _problem(
                measure,
                "suppression",
                f"the figure is suppressed ({suppression}) but numbers are given too: give the "
                "numbers or the code, not both.",
            )
            return FigureCheck(None, (problem,))
        return FigureCheck(None, ())
    has_parts = numerator is not None or denominator is not None
    if value is None and not has_parts:
        ways = (
            "the value, the numerator and denominator, or a suppression code"
            if measure.ratio_kind != NOT_A_RATIO
            else "the value, or a suppression code"
        )
        return FigureCheck(None, (_problem(measure, "value", f"there is no value: give {ways}."),))
    found = check_parts(measure, numerator, denominator)
    if value is not None and not (value_from_parts and numerator is not None):
        found += check_value(measure, value)
    if found or numerator is None or denominator is None:
        return FigureCheck(None if found else value, tuple(found))
    if not value_from_parts:
        return FigureCheck(value, ())
    derived = derived_value(measure, numerator, denominator)
    if abs(derived) > LARGEST_STORED:
        problem = _problem(
            measure,
            "denominator",
            f"{shown(numerator)} / {shown(denominator)} gives {shown(derived)}, which is too "
            "large to store: check the numerator and denominator.",
        )
        return FigureCheck(None, (problem,))
    tolerance = Decimal("0.5") * Decimal(10) ** -measure.decimals
    if value is not None and (not value.is_finite() or abs(value - derived) > tolerance):
        rounded = derived.quantize(Decimal(1).scaleb(-measure.decimals), rounding=ROUND_HALF_UP)
        problem = _problem(
            measure,
            "value",
            f"the value {shown(value)} does not match {shown(numerator)} / "
            f"{shown(denominator)}, which gives {rounded:f}. Leave the value empty to derive it.",
        )
        return FigureCheck(None, (problem,))
    return FigureCheck(derived, ())
