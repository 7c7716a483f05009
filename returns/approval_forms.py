"""The forms of the admin's approval of comparator figures (docs/0025): its filter, and the
approval of the groups chosen or of everything the filter matches."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from .approvals import NO_BATCH, ApprovalFilter


class ApprovalFilterForm(forms.Form):
    """The page's filter. Its choices are those the page offers (areas, years and imports
    with waiting figures); a value not among them is refused with a message, not guessed."""

    area = forms.TypedChoiceField(label="Area", required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(
        label="Financial year",
        required=False,
        coerce=lambda text: date(int(text), 4, 1),
        empty_value=None,
    )
    batch = forms.ChoiceField(label="Import", required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        areas: list[tuple[int, str]],
        years: list[tuple[date, str]],
        batches: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        choices = {
            "area": [("", "Any area"), *((str(pk), name) for pk, name in areas)],
            "year": [("", "Any year"), *((str(start.year), label) for start, label in years)],
            "batch": [("", "Any import"), *batches],
        }
        for name, offered in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
            field.choices = offered

    def chosen(self) -> ApprovalFilter:
        """The filter, once valid."""
        data = self.cleaned_data
        return ApprovalFilter(
            area_id=data.get("area"), year_start=data.get("year"), batch=data.get("batch") or None
        )


def filter_from(data: Any) -> ApprovalFilter | None:
    """The filter the approval form carries back (the page's own hidden fields), or None when
    it is not one the page could have written."""
    area, year, batch = data.get("area", ""), data.get("year", ""), data.get("batch", "")
    if (area and not area.isdigit()) or (year and not year.isdigit()):
        return None
    if batch and batch != NO_BATCH and not batch.isdigit():
        return None
    if year and not 1990 <= int(year) <= 2100:
        return None
    return ApprovalFilter(
        area_id=int(area) if area else None,
        year_start=date(int(year), 4, 1) if year else None,
        batch=batch or None,
    )


class ApproveForm(forms.Form):
    """Approve the groups ticked (`group`: each "area:indicator:batch:count", the count the
    admin was shown), or everything the filter matches (`everything`, with `total`, the count
    shown for it). Cleaned, it gives `keys` (the groups') and `expected` (the figures the admin
    was shown for what they chose: a different count at approval refuses it)."""

    group = forms.MultipleChoiceField(required=False)
    everything = forms.BooleanField(required=False)
    total = forms.IntegerField(min_value=0, required=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        # Any key may be posted: the selector matches only the waiting figures' groups.
        self.fields["group"].valid_value = lambda value: True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("everything"):
            if data.get("total") is None:
                raise forms.ValidationError("Open the page again and approve from there.")
            data["keys"], data["expected"] = None, data["total"]
            return data
        keys, expected = [], 0
        for value in data.get("group") or []:
            key, _, count = value.rpartition(":")
            if not key or not count.isdigit():
                raise forms.ValidationError("Open the page again and approve from there.")
            keys.append(key)
            expected += int(count)
        if not keys:
            raise forms.ValidationError(
                "Choose the groups of figures to approve, or approve everything listed."
            )
        data["keys"], data["expected"] = keys, expected
        return data
