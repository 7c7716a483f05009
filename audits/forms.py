"""Forms for quality assurance records. They check what a person typed; the services decide
what may be written. Choices are limited to the authority's own programmes, teams and themes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms

from indicators.models import Area
from indicators.record_pages import removal_reason_field

from . import selectors
from .models import (
    CASE_REFERENCE_HINT,
    CASE_REFERENCE_PATTERN,
    Action,
    AuditProgramme,
    CaseAudit,
    Finding,
    ImprovementPlan,
    Inspection,
    InspectionKind,
    PracticeObservation,
    PracticeWeek,
    Priority,
    Rag,
)

# django-stubs types ModelForm by its model; Django's own class takes no subscript at run time.
if TYPE_CHECKING:
    ModelForm = forms.ModelForm[Any]
else:
    ModelForm = forms.ModelForm

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HINT = "For example, 27/03/2018."


def _date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages={"invalid": f"Enter {label.lower()} as a date, for example 27/03/2018."},
        widget=forms.DateInput(format="%d/%m/%Y"),
    )


class AuthorityRecordForm(ModelForm):
    """A form for one of an authority's records: its choices are the authority's own."""

    def __init__(self, *args: Any, authority: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.choices = selectors.form_choices(authority)

    def values(self) -> dict[str, Any]:
        """The cleaned fields a service writes (many-to-many fields are passed separately)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name != "themes"  # type: ignore[operator]
        }


class ProgrammeForm(AuthorityRecordForm):
    start = _date_field("Start", required=False)
    end = _date_field("End", required=False)

    class Meta:
        model = AuditProgramme
        fields = ["name", "theme", "kind", "start", "end", "description"]


class CaseAuditForm(AuthorityRecordForm):
    audit_date = _date_field("Audit date")

    class Meta:
        model = CaseAudit
        fields = [
            "case_reference",
            "audit_date",
            "programme",
            "team",
            "auditor",
            "judgement",
            "moderated_judgement",
            "moderator",
            "themes",
        ]
        labels = {"judgement": "Overall judgement", "moderated_judgement": "Moderated judgement"}
        help_texts = {
            "auditor": "Who audited the case: a member of staff.",
            "judgement": "Leave empty only if the audit gave no overall judgement.",
            "moderated_judgement": "Only if the audit was moderated.",
            "themes": "What the audit found about: used to count learning themes.",
        }
        widgets = {"themes": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = self.choices.programmes  # type: ignore[attr-defined]
        self.fields["team"].queryset = self.choices.teams  # type: ignore[attr-defined]
        self.fields["themes"].queryset = self.choices.themes  # type: ignore[attr-defined]
        self.fields["case_reference"].help_text = CASE_REFERENCE_HINT

    def clean_case_reference(self) -> str:
        reference: str = self.cleaned_data["case_reference"].strip()
        if not re.fullmatch(CASE_REFERENCE_PATTERN, reference.upper()):
            raise forms.ValidationError(
                f"“{reference}” is not a case code. Never enter a child’s name. "
                + CASE_REFERENCE_HINT
            )
        return reference.upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("moderated_judgement") and not cleaned.get("judgement"):
            self.add_error(
                "moderated_judgement", "A moderated judgement needs the auditor’s judgement."
            )
        return cleaned

    def validate_constraints(self, exclude: Any = None) -> None:
        # The authority is set by the service, not the form: its unique check runs there.
        return None


class FindingForm(AuthorityRecordForm):
    recorded_on = _date_field("Date")

    class Meta:
        model = Finding
        fields = ["kind", "text", "programme", "audit", "recorded_on", "themes"]
        labels = {"kind": "Kind of finding", "text": "Finding"}
        help_texts = {"audit": "The case audit it came from, or choose a programme."}
        widgets = {"themes": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = self.choices.programmes  # type: ignore[attr-defined]
        self.fields["audit"].queryset = self.choices.audits  # type: ignore[attr-defined]
        self.fields["themes"].queryset = self.choices.themes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("programme") and not cleaned.get("audit"):
            self.add_error("programme", "Choose the programme or the case audit it came from.")
        return cleaned


class ThemeForm(forms.Form):
    name = forms.CharField(label="Learning theme", max_length=120)


class ObservationForm(AuthorityRecordForm):
    observed_on = _date_field("Date observed")

    class Meta:
        model = PracticeObservation
        fields = ["observed_on", "observed_by", "setting", "went_well", "to_improve"]
        labels = {"went_well": "What went well", "to_improve": "What could be better"}


class PracticeWeekForm(AuthorityRecordForm):
    start = _date_field("First day")
    end = _date_field("Last day")

    class Meta:
        model = PracticeWeek
        fields = ["name", "start", "end", "focus", "headline_findings", "quick_wins"]


class InspectionForm(AuthorityRecordForm):
    start = _date_field("Date")

    class Meta:
        model = Inspection
        fields = ["body", "framework", "kind", "start", "focus", "judgement", "headlines"]
        labels = {"kind": "Kind of visit", "judgement": "Overall judgement"}
        help_texts = {"judgement": "Leave empty for a monitoring visit: it gives no judgement."}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == InspectionKind.MONITORING_VISIT and cleaned.get("judgement"):
            self.add_error("judgement", "A monitoring visit gives no overall judgement.")
        return cleaned


class PlanForm(AuthorityRecordForm):
    start = _date_field("Start", required=False)
    end = _date_field("End", required=False)

    class Meta:
        model = ImprovementPlan
        fields = ["name", "start", "end"]

    def validate_constraints(self, exclude: Any = None) -> None:
        return None


class PriorityForm(ModelForm):
    class Meta:
        model = Priority
        fields = ["title", "order"]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def validate_constraints(self, exclude: Any = None) -> None:
        return None


class ActionForm(ModelForm):
    due = _date_field("Due date", required=False)

    class Meta:
        model = Action
        fields = ["text", "owner", "due", "rag", "completed", "order"]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ActionUpdateForm(forms.Form):
    written_on = _date_field("Date")
    note = forms.CharField(label="Progress", widget=forms.Textarea)
    rag = forms.ChoiceField(label="RAG status now", choices=Rag.choices)
    completed = forms.BooleanField(label="The action is complete", required=False)


class RemovalForm(forms.Form):
    """Why a record is being removed: kept with the removal on the record of removals, which
    the authority's managers read."""

    reason = removal_reason_field(
        "For example, it was entered twice or for the wrong case. Your reason is kept on "
        "the record of removals. Do not name a child or family."
    )
