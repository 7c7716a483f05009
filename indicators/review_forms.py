"""Forms of the review pages: approving, returning and setting targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms


class ApproveForm(forms.Form):
    """Approve one submitted figure (its id and the version the manager saw), or all of them."""

    figure = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    all_submitted = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("all_submitted") and not data.get("figure"):
            raise forms.ValidationError("Choose a figure to approve.")
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        help_text="The officers see this beside the figure on the entry page.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
        error_messages={"required": "Say what needs to change, so the officer can fix it"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TargetForm(forms.Form):
    lower = forms.DecimalField(
        label="Lower bound",
        required=False,
        max_digits=16,
        decimal_places=4,
        help_text="For a single figure such as 85%, give the same number in both boxes.",
    )
    upper = forms.DecimalField(label="Upper bound", required=False, max_digits=16, decimal_places=4)
    tolerance = forms.DecimalField(
        label="Amber tolerance",
        min_value=Decimal(0),
        initial=Decimal(0),
        max_digits=16,
        decimal_places=4,
        help_text="How far beyond the target, in the measure's units, still counts as amber.",
        error_messages={"min_value": "The tolerance cannot be negative"},
    )
    reason = forms.CharField(
        label="Why is the target being set or changed?",
        max_length=255,
        error_messages={"required": "Give a reason: it is kept in the target's history"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lower, upper = data.get("lower"), data.get("upper")
        if "lower" in data and "upper" in data:
            if lower is None and upper is None:
                self.add_error("lower", "Enter a lower bound, an upper bound, or both")
            elif lower is not None and upper is not None and lower > upper:
                self.add_error("upper", "The upper bound must not be below the lower bound")
        return data


class ClubSharingForm(forms.Form):
    """Turn the authority's benchmarking-club setting on or off, with the reason."""

    shares = forms.TypedChoiceField(
        label="Share approved figures with the benchmarking club?",
        choices=[
            ("yes", "Yes: other authorities here see the figures we approve and release"),
            ("no", "No: other authorities see only our published national statistics"),
        ],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to share approved figures with the club"},
    )
    reason = forms.CharField(
        label="Why is the setting changing?",
        max_length=255,
        help_text="Kept in the setting's history, with your name and the time.",
        error_messages={"required": "Give a reason: it is kept in the setting's history"},
    )
