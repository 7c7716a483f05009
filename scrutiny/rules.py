"""Rules a pack follows before it may go for review, configurable per template (docs/0023).

Councils' own guidance for committee papers: no blank commentary on a measure that is red or
getting worse. So, unless an admin has switched the rule off for the pack's template
(`TemplateRule`, in Django admin), a pack may not be submitted while an indicator it shows
(on a theme page or in an indicator set) that is rated red, or whose direction of travel is
worsening, has no commentary on the figure it shows. The commentary is the officer's, entered
with the figure on the entry page.

`exceptions_without_commentary` is pure, on the content dicts `content.py` makes; the rest
reads the rule and the figures' periods for the submit page's links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indicators.models import Figure

from .content import pack_content
from .models import Pack, TemplateRule

# The sections whose indicators carry a rating, a direction of travel and commentary.
INDICATOR_SECTIONS = ("theme_page", "indicator_set")
RED = "red"
WORSENING = "Worsening"  # how `indicators.trend` words a worsening direction of travel


@dataclass(frozen=True)
class MissingCommentary:
    """An indicator the pack shows, rated red or worsening, with no commentary."""

    code: str
    title: str
    section: str
    period: str  # the label of the figure's period
    figure_id: int | None
    red: bool
    worsening: bool

    @property
    def why(self) -> str:
        if self.red and self.worsening:
            return "rated red and getting worse"
        return "rated red" if self.red else "getting worse"


def needs_commentary(indicator: dict[str, Any]) -> bool:
    """Red against its target, or worsening on the previous period or the same period a year
    before, and no commentary (blank counts as none)."""
    if indicator.get("latest") is None or (indicator.get("commentary") or "").strip():
        return False
    return _is_red(indicator) or _is_worsening(indicator)


def _is_red(indicator: dict[str, Any]) -> bool:
    return indicator.get("rag") == RED


def _is_worsening(indicator: dict[str, Any]) -> bool:
    return any(
        (indicator.get(key) or "").startswith(WORSENING) for key in ("travel", "travel_year")
    )


def exceptions_without_commentary(contents: list[dict[str, Any]]) -> list[MissingCommentary]:
    """Each indicator shown red or worsening without commentary, once (in the first section
    that shows it), in the pack's order."""
    missing: list[MissingCommentary] = []
    seen: set[str] = set()
    for content in contents:
        if content.get("kind") not in INDICATOR_SECTIONS:
            continue
        for indicator in content.get("indicators", []):
            if indicator["code"] in seen or not needs_commentary(indicator):
                continue
            seen.add(indicator["code"])
            latest = indicator["latest"]
            missing.append(
                MissingCommentary(
                    code=indicator["code"],
                    title=indicator["title"],
                    section=content.get("title", ""),
                    period=latest.get("period", ""),
                    figure_id=latest.get("figure_id"),
                    red=_is_red(indicator),
                    worsening=_is_worsening(indicator),
                )
            )
    return missing


def requires_commentary(template: str) -> bool:
    """Whether the template's packs need commentary on red or worsening indicators: yes,
    unless an admin has said otherwise."""
    rule = TemplateRule.objects.filter(template=template).first()
    return True if rule is None else rule.require_commentary_on_exceptions


def missing_commentary(pack: Pack, *, user: Any) -> list[MissingCommentary]:
    """What stops the pack going for review under its template's rule: nothing when the rule
    is off, else each red or worsening indicator without commentary (from live content)."""
    if not requires_commentary(pack.template):
        return []
    return exceptions_without_commentary(pack_content(pack, user=user))


def refusal(missing: list[MissingCommentary]) -> str:
    """The service's refusal: how many, and which."""
    names = "; ".join(f"{item.title} ({item.code}, {item.why})" for item in missing)
    count = len(missing)
    return (
        f"{count} indicator{'s' if count != 1 else ''} rated red or getting worse "
        f"{'have' if count != 1 else 'has'} no commentary: {names}. Add commentary to "
        f"{'each figure' if count != 1 else 'the figure'} on the entry page, then submit again."
    )


def entry_periods(missing: list[MissingCommentary]) -> dict[int, str]:
    """{figure id: its period's address key}, for links to the entry page where each
    figure's commentary is written."""
    ids = [item.figure_id for item in missing if item.figure_id is not None]
    figures = Figure.objects.filter(pk__in=ids).select_related("period")
    return {figure.pk: figure.period.url_key for figure in figures}


@dataclass(frozen=True)
class MissingWithLink:
    item: MissingCommentary
    period_key: str  # the entry page's period, "" when the figure is not found


@dataclass(frozen=True)
class SubmitChecks:
    """The submit page: whether the template's rule is on, and what it finds."""

    rule_on: bool
    missing: list[MissingWithLink]


def submit_checks(pack: Pack, *, user: Any) -> SubmitChecks:
    rule_on = requires_commentary(pack.template)
    missing = missing_commentary(pack, user=user) if rule_on else []
    periods = entry_periods(missing)
    return SubmitChecks(
        rule_on=rule_on,
        missing=[MissingWithLink(item, periods.get(item.figure_id or 0, "")) for item in missing],
    )
