"""A compact table's trend sparkline: inline SVG drawn on the server, with its text alternative.

The geometry is the dashboards' (`indicators.sparklines`); unlike a dashboard tile's, a pack's
sparkline is the only trend its row shows, so it is not hidden from assistive technology: it
is an image whose name says what the line shows (first and latest figures, lowest and
highest), and the PDF (made without a browser's script) gets the same vectors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from indicators import sparklines

from .line_charts import OWN_STYLE


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def sparkline_text(title: str, points: Sequence[Mapping[str, Any]]) -> str:
    """The sparkline in words: "Trend of <title> over 12 periods: from 80% (April 2017) to
    87% (March 2018); lowest 78% (June 2017), highest 88% (February 2018)"."""
    valued = [point for point in points if point.get("value") is not None]
    if not valued:
        return f"{title}: no figures to show a trend."
    first, last = valued[0], valued[-1]
    if len(valued) == 1:
        return f"{title}: one figure, {first['text']} ({first['period']})."
    low = min(valued, key=lambda point: float(point["value"]))
    high = max(valued, key=lambda point: float(point["value"]))
    return (
        f"Trend of {title} over {len(points)} periods: from {first['text']} "
        f"({first['period']}) to {last['text']} ({last['period']}); lowest {low['text']} "
        f"({low['period']}), highest {high['text']} ({high['period']})."
    )


def sparkline_svg(title: str, points: Sequence[Mapping[str, Any]]) -> str:
    """The trend of `points` (a content dict's `trend`, oldest first) as an SVG image named
    by its text alternative; "" when fewer than two figures have a value."""
    if sum(1 for point in points if point.get("value") is not None) < 2:
        return ""
    line = sparklines.sparkline([_number(point.get("value")) for point in points])
    width, height = sparklines.WIDTH, sparklines.HEIGHT
    words = escape(sparkline_text(title, points))
    polylines = "".join(
        f'<polyline points="{segment}" fill="none" stroke="{OWN_STYLE.colour}" '
        'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        for segment in line.segments
    )
    marker = (
        f'<circle cx="{line.last[0]}" cy="{line.last[1]}" r="3" fill="{OWN_STYLE.colour}"/>'
        if line.last is not None
        else ""
    )
    return (
        f'<svg class="app-pack-sparkline" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{words}"><title>{words}</title>{polylines}{marker}</svg>'
    )
