"""The interface in the reader's language (docs/0026): the words the rules write, period
labels and area names, translated as the page is drawn (`indicators.translated`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from indicators import translated

register = template.Library()


@register.filter
def words(text: Any) -> str:
    """A rating, a direction of travel, a figure's words ("no figure", "12 days")."""
    return translated.sentence(str(text)) if text else ""


@register.filter
def period_label(period: Any) -> str:
    """A period (or its label, as a pack's content keeps it) in the active language."""
    label = getattr(period, "label", period)
    return translated.period_label(str(label)) if label else ""


@register.filter
def area_name(area: Any) -> str:
    """An area's name, in Welsh where the page is and the area has one."""
    return translated.area_name(area)


@register.simple_tag
def html_lang() -> str:
    """The active language as <html lang> wants it: "cy", "en-GB"."""
    return translation.to_locale(translation.get_language() or "en-gb").replace("_", "-")
