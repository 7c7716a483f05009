"""Pure geometry of a sparkline: a small trend line drawn as inline SVG on a dashboard tile.

A tile's sparkline is decoration beside words that say the same (the latest value, the
direction of travel, and a one-line summary of the range): it is drawn server-side, with no
script, and hidden from assistive technology.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 120
HEIGHT = 32
# Room for the line's width and the end marker inside the box.
PAD = 3


@dataclass(frozen=True)
class Sparkline:
    # Polyline point lists ("x,y x,y ..."), one per unbroken run of values: a missing value
    # (suppressed, or no figure) breaks the line rather than being drawn as zero.
    segments: tuple[str, ...]
    # The latest value's point, marked so the eye finds "now".
    last: tuple[float, float] | None


def _y(value: float, low: float, high: float) -> float:
    if high == low:
        return HEIGHT / 2  # a flat series sits in the middle
    share = (value - low) / (high - low)
    return round(HEIGHT - PAD - share * (HEIGHT - 2 * PAD), 1)


def sparkline(values: Sequence[float | None]) -> Sparkline:
    """Points for `values` (oldest first) spread evenly across the box, higher values higher."""
    known = [value for value in values if value is not None]
    if not known:
        return Sparkline((), None)
    low, high = min(known), max(known)
    step = (WIDTH - 2 * PAD) / (len(values) - 1) if len(values) > 1 else 0
    segments: list[str] = []
    run: list[str] = []
    last: tuple[float, float] | None = None
    for position, value in enumerate(values):
        if value is None:
            if run:
                segments.append(" ".join(run))
            run = []
            continue
        x = round(PAD + position * step if len(values) > 1 else WIDTH / 2, 1)
        y = _y(value, low, high)
        run.append(f"{x},{y}")
        last = (x, y)
    if run:
        segments.append(" ".join(run))
    return Sparkline(tuple(segments), last if values[-1] is not None else None)
