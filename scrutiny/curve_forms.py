"""Forms of the Turning the Curve pages: they check what was typed; the services decide what
may change. Partners and what works are typed one to a line ("Partner: their role"), so that
the page needs no script to add a row; the action plan is a set of rows, with room for more."""

from __future__ import annotations

from typing import Any

from django import forms

from audits.models import Action
from indicators.models import Indicator

from .curve_services import Partner, PlannedAction, WhatWorks
from .models import CurveActionStatus, CurveReport

# Blank action rows the edit page offers below the plan's actions.
SPARE_ACTION_ROWS = 2


def _pairs(text: str, *, what: str, example: str) -> list[tuple[str, str]]:
    """Lines of "first: second", blank lines ignored; a line without both halves is refused
    with its number, so the officer can find it."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        first, colon, second = line.partition(":")
        if not colon or not first.strip() or not second.strip():
            raise forms.ValidationError(
                f"Line {number} of {what} needs a colon between its two parts, like “{example}”"
            )
        pairs.append((first.strip(), second.strip()))
    return pairs


class CurveReportForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="For example, Repeat child protection plans",
        error_messages={"required": "Enter the report’s title"},
    )
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(),
        help_text="The measure whose curve the report is to turn: its figures are the baseline",
        error_messages={"required": "Choose the indicator"},
    )
    story = forms.CharField(
        label="The story behind the baseline",
        widget=forms.Textarea,
        required=False,
        help_text="Why the figures are as they are. You can use Markdown: lists, bold, links",
    )
    partners = forms.CharField(
        label="Partners with a role to play",
        widget=forms.Textarea,
        required=False,
        help_text="One a line: the partner, a colon, then their role. For example, "
        "Police: share domestic abuse notifications the same day",
    )
    what_works = forms.CharField(
        label="What works",
        widget=forms.Textarea,
        required=False,
        help_text="One a line: what works, a colon, then the evidence for it. For example, "
        "Step-down plans: repeat plans fell in the pilot teams",
    )

    def __init__(self, *args: Any, nation: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The measures that apply in the authority's nation (issue 17): a Welsh council turns
        # the curve of its own framework's measures, not England's.
        measures = Indicator.objects.applicable_in(nation) if nation else Indicator.objects.all()
        self.fields["indicator"].queryset = measures.order_by("title")  # type: ignore[attr-defined]

    def clean_partners(self) -> list[Partner]:
        pairs = _pairs(
            self.cleaned_data["partners"],
            what="partners",
            example="Police: share notifications the same day",
        )
        return [Partner(partner=a, role=b) for a, b in pairs]

    def clean_what_works(self) -> list[WhatWorks]:
        pairs = _pairs(
            self.cleaned_data["what_works"],
            what="what works",
            example="Step-down plans: repeat plans fell in the pilot",
        )
        return [WhatWorks(what=a, evidence=b) for a, b in pairs]

    @staticmethod
    def initial_for(report: CurveReport) -> dict[str, Any]:
        return {
            "title": report.title,
            "indicator": report.indicator_id,
            "story": report.story,
            "partners": "\n".join(f"{p['partner']}: {p['role']}" for p in report.partners),
            "what_works": "\n".join(f"{w['what']}: {w['evidence']}" for w in report.what_works),
        }


class CurveActionForm(forms.Form):
    what = forms.CharField(label="What", widget=forms.Textarea, required=False)
    who = forms.CharField(label="Who", max_length=200, required=False)
    by_when = forms.DateField(
        label="By when",
        required=False,
        help_text="For example, 31/03/2013",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date as day/month/year, like 31/03/2013"},
    )
    status = forms.ChoiceField(
        label="Status", choices=CurveActionStatus.choices, initial=CurveActionStatus.NOT_STARTED
    )
    plan_action = forms.ModelChoiceField(
        label="Improvement plan action",
        queryset=Action.objects.none(),
        required=False,
        empty_label="Not linked",
        help_text="An action of the authority’s improvement plan this is part of",
    )

    def __init__(self, *args: Any, actions: list[Action] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan_action"]
        field.queryset = Action.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in actions or []]
        )
        labels = {a.pk: f"{a.priority.plan.name}: {a.text[:90]}" for a in actions or []}
        field.label_from_instance = lambda action: labels.get(action.pk, str(action))  # type: ignore[attr-defined]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("what") or "").strip() and not (data.get("who") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_words = (data.get("what") or "").strip()
        if not has_words and ((data.get("who") or "").strip() or data.get("by_when")):
            self.add_error("what", "Say what will be done, or clear the row")
        return data

    def planned(self) -> PlannedAction:
        data = self.cleaned_data
        return PlannedAction(
            what=data["what"],
            who=data.get("who") or "",
            by_when=data.get("by_when"),
            status=data["status"],
            plan_action_id=data["plan_action"].pk if data.get("plan_action") else None,
        )


CurveActionFormSet = forms.formset_factory(CurveActionForm, extra=SPARE_ACTION_ROWS)


def action_initial(report: CurveReport) -> list[dict[str, Any]]:
    return [
        {
            "what": action.what,
            "who": action.who,
            "by_when": action.by_when,
            "status": action.status,
            "plan_action": action.plan_action_id,
        }
        for action in report.actions.order_by("order")
    ]
