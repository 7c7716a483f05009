"""Forms of the committee questions pages: they check what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from indicators.models import Area

from . import question_selectors
from .models import QuestionKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_messages(what: str) -> dict[str, str]:
    return {
        "required": f"Enter the date {what}",
        "invalid": f"Enter the date {what} as day/month/year, like 19/06/2018",
    }


class QuestionForm(forms.Form):
    committee = forms.CharField(
        max_length=200, error_messages={"required": "Enter the committee that asked"}
    )
    meeting_date = forms.DateField(
        label="Meeting date",
        help_text="The meeting at which it was asked, as day/month/year, like 19/06/2018",
        input_formats=DATE_FORMATS,
        error_messages=_date_messages("of the meeting"),
    )
    kind = forms.ChoiceField(
        label="Question or action",
        choices=QuestionKind.choices,
        help_text="A question a member asked, or an action the committee asked officers to take",
    )
    asked_by = forms.CharField(
        label="Asked by",
        max_length=200,
        help_text="The member’s name, for example Cllr Jon Hubbard",
        error_messages={"required": "Enter the name of the member who asked"},
    )
    text = forms.CharField(
        label="What was asked or requested",
        widget=forms.Textarea,
        error_messages={"required": "Enter the question, or the action the committee asked for"},
    )
    owner_user = forms.ModelChoiceField(
        label="Owner",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Not a user: type the officer’s name below",
        help_text="The officer or manager who will answer or act",
    )
    owner_name = forms.CharField(
        label="Owner’s name and role",
        max_length=200,
        required=False,
        help_text=(
            "When the owner does not sign in here, for example Director of Children’s Services"
        ),
    )
    due = forms.DateField(
        label="Due date",
        required=False,
        help_text="When the answer or action is due, as day/month/year",
        input_formats=DATE_FORMATS,
        error_messages=_date_messages("it is due"),
    )

    def __init__(self, *args: Any, authority: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = question_selectors.owner_choices(authority)  # type: ignore[attr-defined]
        known = question_selectors.committees_of(authority)
        if known:
            self.fields["committee"].help_text = "This authority’s committees: " + "; ".join(known)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner_user") and not (data.get("owner_name") or "").strip():
            self.add_error("owner_user", "Choose the owner, or type the officer’s name")
        meeting, due = data.get("meeting_date"), data.get("due")
        if meeting and due and due < meeting:
            self.add_error("due", "The due date cannot be before the meeting")
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer or what was done",
        widget=forms.Textarea,
        help_text="As the committee will read it in the next pack",
        error_messages={"required": "Enter the answer given, or what was done"},
    )
    answered_on = forms.DateField(
        label="Date answered",
        help_text="When the answer was given or circulated, as day/month/year",
        input_formats=DATE_FORMATS,
        error_messages=_date_messages("it was answered"),
    )


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label="Date closed",
        help_text="Usually the meeting at which the committee noted the answer",
        input_formats=DATE_FORMATS,
        error_messages=_date_messages("it was closed"),
    )
    note = forms.CharField(
        label="Why it is closed",
        widget=forms.Textarea,
        required=False,
        help_text="Needed when there is no answer, for example withdrawn by the member",
    )
