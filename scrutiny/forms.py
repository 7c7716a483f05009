"""Forms of the pack pages: they check what was typed; the services decide what may change."""

from __future__ import annotations

from typing import Any

from django import forms

from indicators.models import Indicator, Period, PeriodKind, Theme

from . import blueprints, exempt
from .models import SectionKind, SectionLayout, TemplateKind

# What each template starts with, beside its radio on the create form.
TEMPLATE_DESCRIPTIONS = {
    TemplateKind.ANNUAL_REPORT: (
        "The year’s report to committee: introduction and summary, a page for every theme, "
        "quality assurance, the voice of children and families, the appendix data set and a "
        "glossary."
    ),
    TemplateKind.SCRUTINY_PACK: (
        "A regular report to a scrutiny committee: a summary, a page for every theme with its "
        "figures and chart, and a glossary."
    ),
    TemplateKind.IMPROVEMENT_UPDATE: (
        "An update on the improvement plan: recommendation, inspection history, progress, "
        "areas for development, key performance indicators and a glossary."
    ),
    TemplateKind.WELSH_HALF_YEAR: (
        "The half-year report to a Welsh scrutiny committee: an introduction, the national "
        "performance measures by quality standard, each quarter by quarter beside last year’s "
        "year end and the Welsh average, then local measures by theme and a glossary. Reports "
        "on a quarter (Q2 for the half year)."
    ),
}


class RadiosLabelledByFirst(forms.RadioSelect):
    """GOV.UK radios: the first radio has the field's id, so that an error summary's link
    (to `id_for_label`) lands on it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index is None else super().id_for_label(id_, index)


class PackForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the pack’s title"})
    committee = forms.CharField(
        max_length=200,
        help_text="For example, Children’s Select Committee",
        error_messages={"required": "Enter the committee the pack is for"},
    )
    meeting_date = forms.DateField(
        help_text="For example, 19/06/2018",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "required": "Enter the date of the meeting",
            "invalid": "Enter the date of the meeting as day/month/year, like 19/06/2018",
        },
    )
    period = forms.ModelChoiceField(
        label="Reporting period",
        queryset=Period.objects.none(),
        help_text="Figures are shown as they stood at the end of this period",
        error_messages={"required": "Choose the period the pack reports on"},
    )
    # Asked, never defaulted (docs/0023): each template gives a different set of sections.
    template = forms.ChoiceField(
        label="Template",
        choices=TemplateKind.choices,
        widget=RadiosLabelledByFirst,
        help_text="The sections the pack starts with. You can add, move and remove them after.",
        error_messages={"required": "Choose a template", "invalid_choice": "Choose a template"},
    )

    def __init__(self, *args: Any, nation: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Years and quarters, newest first (read when the form is made, not at import).
        self.fields["period"].queryset = Period.objects.filter(  # type: ignore[attr-defined]
            kind__in=[PeriodKind.FINANCIAL_YEAR, PeriodKind.QUARTER]
        ).order_by("-end", "start")
        # Only the templates offered in the authority's nation (`blueprints.templates_for`):
        # the Welsh half-year report to Welsh authorities only.
        offered = blueprints.templates_for(nation) if nation else TemplateKind.values
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in TemplateKind.choices if value in offered
        ]

    def template_choices(self) -> list[tuple[str, str, str]]:
        """(value, name, description) of each template offered, for the radios."""
        return [
            (value, str(label), TEMPLATE_DESCRIPTIONS[TemplateKind(value)])
            for value, label in self.fields["template"].choices  # type: ignore[attr-defined]
        ]


class SectionAddForm(forms.Form):
    # A Turning the Curve section is added from its report's page (it needs the report).
    kind = forms.ChoiceField(
        label="Kind of section",
        choices=[c for c in SectionKind.choices if c[0] != SectionKind.TURNING_THE_CURVE],
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="Left empty, the kind’s usual title"
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("order", "name"),
        required=False,
        help_text="For a theme page: the theme it shows",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == SectionKind.THEME_PAGE and not data.get("theme"):
            self.add_error("theme", "Choose the theme this page shows")
        return data


class SectionForm(forms.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Enter the section’s title"}
    )
    narrative = forms.CharField(
        required=False,
        widget=forms.Textarea,
        help_text=(
            "Markdown: a blank line between paragraphs, # for a heading, - for a list, "
            "[words](https://address) for a link"
        ),
    )

    # Exempt information (docs/0023): a paragraph of Schedule 12A as its number, or 0 (not
    # exempt), as `section_edit` takes them; absent from the post, left as it is (None).
    exempt_paragraph = forms.TypedChoiceField(
        label="Exempt information",
        choices=exempt.choices,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=(
            "Mark the section exempt if it may not be published: the paragraph of Part 1 of "
            "Schedule 12A to the Local Government Act 1972 it falls under. Councillors see it "
            "marked “Not for publication”, and no public version of the pack shows it."
        ),
        error_messages={"invalid_choice": "Choose a paragraph from 1 to 7, or not exempt"},
    )

    def __init__(
        self,
        *args: Any,
        lists_indicators: bool = False,
        offered: list[int] | None = None,
        lays_out: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if lays_out:
            # A theme page or indicator set: how it shows its indicators (`SectionLayout`).
            self.fields["layout"] = forms.ChoiceField(
                label="Layout",
                choices=SectionLayout.choices,
                widget=forms.RadioSelect,
                # Left unposted, the layout stays as it is (`services.section_edit`).
                required=False,
                help_text=(
                    "Cards give each measure its definition and chart; a compact table puts "
                    "the section on a page or two; a period grid shows each month or quarter "
                    "of the year so far beside last year's"
                ),
                error_messages={
                    "required": "Choose how this section shows its measures",
                    "invalid_choice": "Choose one of the layouts listed",
                },
            )
        if lists_indicators:
            # An indicator set or the appendix: the page shows the catalogue as checkboxes,
            # grouped by theme (see `selectors.section_page`); none ticked is a valid choice.
            # Only those the page offers (`selectors.section_page`: the measures that apply
            # in the authority's nation); anything else posted is refused as not on the list.
            self.fields["indicators"] = forms.ModelMultipleChoiceField(
                queryset=(
                    Indicator.objects.all()
                    if offered is None
                    else Indicator.objects.filter(pk__in=offered)
                ),
                required=False,
                error_messages={
                    "invalid_choice": "Choose indicators from the list: %(value)s is not one",
                    "invalid_pk_value": "Choose indicators from the list: “%(pk)s” is not one",
                },
            )

    def clean_layout(self) -> str | None:
        return self.cleaned_data.get("layout") or None

    def ticked(self) -> set[str]:
        """The ids of the indicators to show ticked: as posted, or as stored."""
        if "indicators" not in self.fields:
            return set()
        return {str(pk) for pk in self["indicators"].value() or ()}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea,
        error_messages={"required": "Say what needs to change before returning the pack"},
    )
