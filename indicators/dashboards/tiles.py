"""A dashboard's tiles as HTML, written from its snapshot in Python.

The page shows eighty tiles or more, each a dozen values with a rating tag, a list of
comparators and a sparkline. Through the template language that took 15 ms or more a page
(each of some 4,000 variables looked up, localised and escaped in turn, and an included
template a tag); written here it takes a tenth of that. The markup is the template's was:
GOV.UK classes, the same elements and order, every value escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe

from .. import sparklines
from ..rag import Comparison, Rating
from ..templatetags.performance import COMPARISON_TAGS, RATING_TAGS, TRAVEL_SYMBOLS
from ..trend import Direction


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def rating_tag(rating: Mapping[str, str]) -> str:
    """A tile's rating as a coloured tag whose words carry the meaning on their own: against
    the target (a RAG rating), or against the first comparator where there is no target."""
    if rating["kind"] == "comparison":
        css = COMPARISON_TAGS[Comparison(rating["code"])]
    else:
        css = RATING_TAGS[Rating(rating["code"])]
    return f'<strong class="govuk-tag {css} app-rag">{_text(rating["words"])}</strong>'


def sparkline_svg(line: Mapping[str, Any]) -> str:
    """The tile's sparkline as inline SVG: decoration only, hidden from assistive technology,
    since the tile says the same in words beside it."""
    width, height = sparklines.WIDTH, sparklines.HEIGHT
    parts = [
        f'<svg class="app-sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
    ]
    for points in line["segments"]:
        parts.append(
            f'<polyline points="{_text(points)}" fill="none" stroke="currentColor" '
            'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"></polyline>'
        )
    if line.get("last"):
        x, y = line["last"]
        parts.append(f'<circle cx="{float(x)}" cy="{float(y)}" r="3" fill="currentColor"></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _facts(tile: Mapping[str, Any]) -> str:
    travel = tile["travel"]
    direction = (
        f'<span aria-hidden="true">{TRAVEL_SYMBOLS[Direction(travel["direction"])]}</span> '
        f"{_text(travel['text'])}"
    )
    if tile["travel_year"]:
        direction += (
            '<br><span class="govuk-hint app-inline-hint">Against a year before: '
            f"{_text(tile['travel_year'])}</span>"
        )
    parts = [
        '<dl class="app-tile__facts">',
        f"<div><dt>Target</dt><dd>{_text(tile['target'])}</dd></div>",
        f"<div><dt>Rating</dt><dd>{rating_tag(tile['rating'])}</dd></div>",
        f"<div><dt>Direction</dt><dd>{direction}</dd></div>",
    ]
    if tile["comparators"]:
        cells = "".join(
            f'<li><span class="app-comparators__label">{_text(cell["label"])}</span> '
            f"{_text(cell['text'])} "
            f'<span class="govuk-hint app-inline-hint">({_text(cell["period"])}'
            f"{', ' + _text(cell['note']) if cell['note'] else ''})</span></li>"
            for cell in tile["comparators"]
        )
        parts.append(
            "<div><dt>Compared with</dt><dd>"
            f'<ul class="govuk-list app-comparators">{cells}</ul></dd></div>'
        )
    parts.append("</dl>")
    return "".join(parts)


def _quality(latest: Mapping[str, Any]) -> str:
    """The latest figure's data quality (issue 19), when it was derived from a return committed
    with DfE rule errors: a few words always on show, opening onto the full sentence. In words,
    never a colour alone; a snapshot built before qualities were kept has none."""
    words = latest.get("quality") or ""
    if not words:
        return ""
    short = latest.get("quality_short") or "Data quality"
    return (
        '<details class="govuk-details govuk-!-font-size-16 govuk-!-margin-bottom-3 '
        'app-tile__quality" data-testid="tile-quality">'
        '<summary class="govuk-details__summary">'
        f'<span class="govuk-details__summary-text">{_text(short)}</span></summary>'
        f'<div class="govuk-details__text">{_text(words)}</div></details>'
    )


def tile_html(tile: Mapping[str, Any], href: str) -> str:
    """One measure's tile: its latest figure, target, rating, direction of travel, comparators
    and 18-month sparkline with a sentence naming the range."""
    parts = [
        f'<li class="app-tile" data-indicator="{_text(tile["code"])}">',
        '<h3 class="govuk-heading-s app-tile__title">'
        f'<a class="govuk-link" href="{_text(href)}">{_text(tile["title"])}</a></h3>',
    ]
    latest = tile["latest"]
    if latest:
        flags = "".join(f", {_text(flag)}" for flag in latest["flags"])
        parts.append(
            f'<p class="app-tile__value"><span class="app-figure">{_text(latest["text"])}</span> '
            f'<span class="govuk-hint app-inline-hint">{_text(latest["period"])}{flags}</span></p>'
        )
        parts.append(_quality(latest))
        parts.append(_facts(tile))
    elif tile["only_by"]:
        parts.append(
            f'<p class="govuk-body-s">Kept by {_text(" and ".join(tile["only_by"]))} only: '
            "see the measure’s page.</p>"
        )
    else:
        parts.append('<p class="govuk-body-s">No figure.</p>')
    line = tile["sparkline"]
    if line["segments"]:
        parts.append('<div class="app-tile__trend">')
        parts.append(sparkline_svg(line))
        if line["summary"]:
            parts.append(
                f'<p class="govuk-body-s app-tile__trend-text">{_text(line["summary"])}</p>'
            )
        parts.append("</div>")
    parts.append("</li>")
    return "".join(parts)


_CODE = "~code~"


def indicator_hrefs(slug: str) -> Callable[[str], str]:
    """The address of each measure's page of authority `slug`, by code: the address resolved
    once and each code put in its place, quoted as `reverse` quotes it (resolving a hundred
    addresses one by one took a few milliseconds of the page)."""
    head, tail = reverse("indicator_detail", args=[slug, _CODE]).split(_CODE)
    return lambda code: f"{head}{quote(code, safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"


def themes_html(slug: str, themes: Iterable[Mapping[str, Any]]) -> SafeString:
    """Each theme's heading and its tiles, linking to the measures' pages of authority
    `slug`. Every value from the snapshot is escaped here."""
    href = indicator_hrefs(slug)
    parts = []
    for theme in themes:
        heading = f"theme-{_text(theme['slug'])}"
        parts.append(f'<h2 class="govuk-heading-m" id="{heading}">{_text(theme["name"])}</h2>')
        parts.append(f'<ul class="app-tiles" aria-labelledby="{heading}">')
        parts.extend(tile_html(tile, href(tile["code"])) for tile in theme["tiles"])
        parts.append("</ul>")
    # Everything above is markup written here or a value escaped with `escape`.
    return mark_safe("\n".join(parts))  # noqa: S308
