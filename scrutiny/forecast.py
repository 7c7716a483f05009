"""The forecast of a Turning the Curve report: where the baseline goes "if nothing changes".

Pure: numbers in, numbers out, no ORM. The rule (docs/0024):

- take the last `WINDOW` periods of the history (a missing figure, suppressed or not yet
  entered, is left out but keeps its place in time);
- with fewer than `MIN_POINTS` figures among them there is no forecast: a line through two
  points says nothing about a trend;
- otherwise fit an ordinary least-squares straight line to those figures against their
  period's position, and extend it `HORIZON` periods past the latest period;
- clamp each projected value to the measure's valid range (0-100 for a percentage, never below
  zero for a count, rate or duration), since a straight line would otherwise forecast the
  impossible;
- round to `PLACES` decimals, as the figures are shown.

The arithmetic is exact (fractions), so a history that is already a straight line is extended
exactly, and a flat one stays flat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

WINDOW = 6
HORIZON = 3
MIN_POINTS = 3
PLACES = 1


@dataclass(frozen=True)
class ValidRange:
    """The values a measure can take: None for no bound on that side."""

    low: Decimal | None = None
    high: Decimal | None = None

    def clamp(self, value: Fraction) -> Fraction:
        if self.low is not None and value < Fraction(self.low):
            return Fraction(self.low)
        if self.high is not None and value > Fraction(self.high):
            return Fraction(self.high)
        return value


PERCENTAGE = ValidRange(Decimal(0), Decimal(100))
NOT_NEGATIVE = ValidRange(Decimal(0), None)
UNBOUNDED = ValidRange()


@dataclass(frozen=True)
class Forecast:
    """The projected values, one per period after the latest, and the line they came from."""

    values: tuple[Decimal, ...]
    slope: Fraction  # change per period
    points_used: int


def _rounded(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def forecast(
    history: Sequence[Decimal | None],
    *,
    valid: ValidRange = UNBOUNDED,
    window: int = WINDOW,
    horizon: int = HORIZON,
    min_points: int = MIN_POINTS,
    places: int = PLACES,
) -> Forecast | None:
    """The forecast "if nothing changes" of `history` (oldest first, one value or None per
    period), or None when the last `window` periods hold fewer than `min_points` figures."""
    if window < 1 or horizon < 0 or min_points < 2:
        raise ValueError("A forecast needs a window, a horizon and at least two points.")
    recent = list(history)[-window:]
    points = [(Fraction(x), Fraction(value)) for x, value in enumerate(recent) if value is not None]
    if len(points) < min_points:
        return None
    count = len(points)
    mean_x = sum((x for x, _ in points), Fraction(0)) / count
    mean_y = sum((y for _, y in points), Fraction(0)) / count
    spread = sum(((x - mean_x) ** 2 for x, _ in points), Fraction(0))
    # At least two points at distinct positions (min_points >= 2), so the spread is positive.
    slope = sum(((x - mean_x) * (y - mean_y) for x, y in points), Fraction(0)) / spread
    intercept = mean_y - slope * mean_x
    latest = len(recent) - 1
    values = tuple(
        _rounded(valid.clamp(intercept + slope * (latest + ahead)), places)
        for ahead in range(1, horizon + 1)
    )
    return Forecast(values=values, slope=slope, points_used=count)


def rule_text(window: int = WINDOW, horizon: int = HORIZON, min_points: int = MIN_POINTS) -> str:
    """The rule in words, as the report page states it under the chart."""
    return (
        f"The forecast extends a straight line fitted (by least squares) to the last {window} "
        f"periods' figures, {horizon} periods ahead, kept within the measure's possible "
        f"range. With fewer than {min_points} figures in those periods there is no forecast."
    )
