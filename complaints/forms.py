"""Entry forms for complaints, compliments, surveys and comments, and the redaction review."""

from __future__ import annotations

from typing import Any

from django import forms

from indicators.record_pages import removal_reason_field

from .models import Audience, Measure, Outcome, Stage

DATE_HELP = "For example, 27 3 2018"


def _themes(text: str) -> list[str]:
    return [theme.strip() for theme in text.replace("|", ";").split(";") if theme.strip()]


class ComplaintForm(forms.Form):
    reference = forms.CharField(
        max_length=40,
        help_text="The case system's complaint number, e.g. CMP-2018-0042. Never a name.",
    )
    stage = forms.ChoiceField(choices=[("", "Choose the stage"), *Stage.choices])
    received = forms.DateField(label="Date received", help_text="dd/mm/yyyy")
    responded = forms.DateField(
        label="Date of the response", required=False, help_text="dd/mm/yyyy; leave empty if open"
    )
    outcome = forms.ChoiceField(
        choices=[("", "Not answered yet"), *Outcome.choices], required=False
    )
    extended = forms.BooleanField(
        label="The timescale was extended, as the regulations allow", required=False
    )
    team = forms.CharField(max_length=120, required=False)
    themes = forms.CharField(
        max_length=500, required=False, help_text="Separate themes with semicolons."
    )

    def clean_themes(self) -> list[str]:
        return _themes(self.cleaned_data["themes"])


class ResponseForm(forms.Form):
    responded = forms.DateField(label="Date of the response", help_text="dd/mm/yyyy")
    outcome = forms.ChoiceField(choices=[("", "Choose the outcome"), *Outcome.choices])
    extended = forms.BooleanField(
        label="The timescale was extended, as the regulations allow", required=False
    )


class ComplimentForm(forms.Form):
    received = forms.DateField(label="Date received", help_text="dd/mm/yyyy")
    team = forms.CharField(max_length=120, required=False)
    themes = forms.CharField(
        max_length=500, required=False, help_text="Separate themes with semicolons."
    )
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=(
            "The words as written. Names and other details are flagged for you to review: "
            "the quote is shown nowhere until you clear it."
        ),
    )

    def clean_themes(self) -> list[str]:
        return _themes(self.cleaned_data["themes"])


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=200)
    audience = forms.ChoiceField(choices=[("", "Choose who answered"), *Audience.choices])
    conducted_on = forms.DateField(label="Date the survey closed", help_text="dd/mm/yyyy")


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=255, required=False)
    percent_positive = forms.DecimalField(
        label="% positive", min_value=0, max_value=100, decimal_places=1, required=False
    )
    respondents = forms.IntegerField(min_value=1, required=False)
    measure = forms.ChoiceField(label="Counts towards", choices=Measure.choices, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("text") and data.get("percent_positive") is None:
            self.add_error("percent_positive", "Give the % positive for this question.")
        if data.get("percent_positive") is not None and not data.get("text"):
            self.add_error("text", "Give the question this % answers.")
        return data


QuestionFormSet = forms.formset_factory(QuestionForm, extra=5, max_num=20)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The words as written: they are flagged for review before they are shown.",
    )


class AddFlagForm(forms.Form):
    words = forms.CharField(
        label="Add a name or detail the flags missed",
        max_length=120,
        help_text="Type the word or words as they appear; every occurrence is flagged.",
    )


class RemovalForm(forms.Form):
    """Why a record is being removed: kept with the removal on the record of removals, which
    the authority's managers read."""

    reason = removal_reason_field(
        "For example, it was entered twice or for the wrong authority. Your reason is kept "
        "on the record of removals. Do not name a child, family or complainant."
    )
