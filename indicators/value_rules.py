"""What a figure's numbers may be, stated once for every way a figure arrives. Pure: no ORM.

The entry form (through `entry_checks`, and `services.figure_set` for the admin and every
other caller), the figures spreadsheet import (`returns.kinds.spreadsheet_figures`) and the
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
- **Applicability** (issue 17). A measure applies in England, in Wales or in both
  (`Indicator.nations`); no figure is taken for an area of a nation the measure does not apply
  in (a Welsh framework measure for an English council, the DfE's for a Welsh one). Checked
  first, when the caller names the area's nation: no number is right for a measure not asked.
- **A value typed beside its parts** must agree with them to the measure's decimal places: the
  stored value is worked out from the parts. A published value is kept as published (it was
  rounded by its publisher), so the published import does not ask for agreement.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, Protocol

from . import metrics

# --- what the figure table holds --------------------------------------------------------------

STORED_DECIMALS = 4
STORED_DIGITS = 16
LARGEST_STORED = Decimal(10) ** (STORED_DIGITS - STORED_DECIMALS) - Decimal(1).scaleb(
    -STORED_DECIMALS
)  # 999,999,999,999.9999
_STORED_STEP = Decimal(1).scaleb(-STORED_DECIMALS)
_ZERO = Decimal(0)

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


# --- nations ------------------------------------------------------------------------------------

# `Indicator.nations` for a measure due from authorities in both nations.
BOTH_NATIONS = "both"
NATION_NAMES = {"england": "England", "wales": "Wales"}


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

    @property
    def nations(self) -> str: ...


@dataclass(frozen=True)
class Measure:
    """What the rules need to know about an indicator: its title (to name it), its unit and
    the decimal places it is shown to (how closely a typed value must agree with its parts).
    What follows from the unit is worked out once, since an import checks a million figures."""

    title: str
    unit: str
    decimals: int = 0
    # Which nations the measure applies in: "both", "england" or "wales" (`Applicability`).
    nations: str = "both"
    ratio_kind: str = dataclasses.field(init=False, repr=False, compare=False)
    multiplier: Decimal = dataclasses.field(init=False, repr=False, compare=False)
    # The range of a value in this unit, and whether it is a whole number.
    lowest: Decimal = dataclasses.field(init=False, repr=False, compare=False)
    highest: Decimal = dataclasses.field(init=False, repr=False, compare=False)
    whole: bool = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unit = self.unit
        for name, worked_out in (
            ("ratio_kind", ratio_kind_of(unit)),
            ("multiplier", PROPORTION_MULTIPLIERS.get(unit, metrics.MEAN)),
            ("lowest", -LARGEST_STORED if unit in MAY_BE_NEGATIVE else _ZERO),
            ("highest", metrics.PERCENT if unit == "percent" else LARGEST_STORED),
            ("whole", unit in WHOLE_NUMBER_UNITS),
        ):
            object.__setattr__(self, name, worked_out)

    @classmethod
    def of(cls, indicator: Described) -> Measure:
        return cls(indicator.title, indicator.unit, indicator.decimals, indicator.nations)

    def applies_in(self, nation: str) -> bool:
        return self.nations in (BOTH_NATIONS, nation)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a figure's numbers. `field` is the input it is about: "value",
    "numerator", "denominator" or "suppression" (or the caller's own name for a value, such
    as a breakdown's); `message` a sentence naming the measure."""

    field: str
    message: str


class FigureCheck(NamedTuple):
    """What `check_figure` found: the value that would be stored (None when suppressed or
    refused) and every problem. A figure may be stored only when there are no problems.
    (A named tuple: an import makes a million of them, and a frozen dataclass is slower.)"""

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


def check_applies(measure: Measure, nation: str) -> Problem | None:
    """The refusal of a figure for an area of `nation` when the measure does not apply there:
    a Welsh framework measure is not asked of an English council, nor the DfE's of a Welsh
    one, so a number given for it is a mistake (the wrong row, the wrong measure code)."""
    if measure.applies_in(nation):
        return None
    applies = NATION_NAMES.get(measure.nations, measure.nations)
    here = NATION_NAMES.get(nation, nation)
    return _problem(
        measure,
        "value",
        f"this measure applies in {applies} only, so no figure is taken for an area in {here}.",
    )


def _number_problem(
    measure: Measure,
    number: Decimal,
    field: str,
    what: str,
    lowest: Decimal,
    highest: Decimal,
    whole: bool,
    example: str,
) -> Problem | None:
    """The first thing wrong with one number, or None: every number a figure holds is within
    its range, whole when it must be, and no finer than the table's 4 decimal places.
    (Positional, and cheap when nothing is wrong: an import checks millions of numbers.)"""
    if (
        number.is_finite()
        and lowest <= number <= highest
        # A whole number has no decimal places to lose.
        and number == (number.to_integral_value() if whole else number.quantize(_STORED_STEP))
    ):
        return None
    if not number.is_finite():
        return _problem(measure, field, f"{what} is not a number.")
    if number < lowest or number > highest:
        if highest == metrics.PERCENT:  # a percentage: either side is out of its range
            words = f"{what} must be between 0% and 100% ({shown(number)})."
        elif number < 0 and lowest == 0:
            words = f"{what} cannot be below zero ({shown(number)})."
        else:
            words = (
                f"{what} is too large ({shown(number)}): a figure can hold at most "
                f"{LARGEST_STORED:,f}."
            )
        return _problem(measure, field, words)
    if whole and number != number.to_integral_value():
        return _problem(
            measure, field, f"{what} must be a whole number, like {example}, not {shown(number)}."
        )
    return _problem(
        measure,
        field,
        f"{what} has more than {STORED_DECIMALS} decimal places ({shown(number)}): round it to "
        f"{STORED_DECIMALS} or fewer.",
    )


def check_value(
    measure: Measure, value: Decimal, *, field: str = "value", what: str = "The value"
) -> list[Problem]:
    """What is wrong with one value in the measure's own unit (the figure's value, or a
    breakdown category's): at most one problem, the first that applies. A percentage is from
    0 to 100, a count whole, and nothing but a score or money below zero. `what` names the
    value in the message ("The value", "The value for North")."""
    problem = _number_problem(
        measure, value, field, what, measure.lowest, measure.highest, measure.whole, "650"
    )
    return [] if problem is None else [problem]


def check_parts(
    measure: Measure, numerator: Decimal | None, denominator: Decimal | None
) -> list[Problem]:
    """What is wrong with a numerator and denominator (either may be missing)."""
    if numerator is None and denominator is None:
        return []
    kind = measure.ratio_kind
    if kind == NOT_A_RATIO:
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
    # A proportion counts things (children, assessments): its parts are whole numbers.
    whole = kind == PROPORTION
    top = _number_problem(
        measure, numerator, "numerator", "The numerator", _ZERO, LARGEST_STORED, whole, "45"
    )
    bottom = _number_problem(
        measure, denominator, "denominator", "The denominator", _ZERO, LARGEST_STORED, whole, "50"
    )
    if top is not None or bottom is not None:
        return [problem for problem in (top, bottom) if problem is not None]
    if denominator == _ZERO:
        return [_problem(measure, "denominator", "the denominator must be more than zero.")]
    if kind == PROPORTION and numerator > denominator:
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
    nation: str = "",
) -> FigureCheck:
    """Every problem with one figure's numbers, and the value that would be stored.

    With `value_from_parts` (typed and spreadsheet figures) a ratio's value is worked out from
    its numerator and denominator, and a value given beside them must agree with it. Without
    it (published figures) a value given is stored as given and checked like any other value;
    with none given, it is worked out from the parts all the same.

    With `nation` (the area's: every channel that stores a figure names it) a measure that
    does not apply in that nation is refused before its numbers are looked at; a suppression
    code is refused alike, since the measure is not asked at all."""
    if nation and not measure.applies_in(nation):
        refused = check_applies(measure, nation)
        return FigureCheck(None, (refused,) if refused else ())
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
    if numerator is None and denominator is None:
        if value is None:
            ways = (
                "the value, the numerator and denominator, or a suppression code"
                if measure.ratio_kind != NOT_A_RATIO
                else "the value, or a suppression code"
            )
            problem = _problem(measure, "value", f"there is no value: give {ways}.")
            return FigureCheck(None, (problem,))
        found = check_value(measure, value)
        return FigureCheck(None, (found[0],)) if found else FigureCheck(value, ())
    found = check_parts(measure, numerator, denominator)
    if value is not None and not (value_from_parts and numerator is not None):
        found += check_value(measure, value)
    if found or numerator is None or denominator is None:
        return FigureCheck(None, tuple(found))
    if value is not None and not value_from_parts:
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
