from typing import Any

from django import forms

from indicators.models import Area, AreaKind

from .models import AUTHORITY_SHEET_KINDS, ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What is in the file", choices=ImportKind.choices)
    file = forms.FileField(
        label="File",
        help_text="A CSV file as the Department for Education publishes it, a StatsWales "
        "download of the Welsh performance measures (CSV or XLSX), a CIN census return (XML), "
        "an SSDA903 return (a ZIP of its CSV tables, or its XML file), Ofsted's inspection "
        "outcomes (ODS), or a spreadsheet (XLSX or CSV) of figures, targets, indicators or "
        "areas.",
        error_messages={"required": "Choose a file to import"},
    )
    authority = forms.ModelChoiceField(
        label="Authority (returns; optional for spreadsheets of figures or targets)",
        queryset=Area.objects.filter(kind=AreaKind.AUTHORITY).order_by("name"),
        required=False,
        help_text="The authority whose return this is. For a spreadsheet of figures or targets, "
        "rows of any other authority are then refused.",
    )
    collection_year = forms.IntegerField(
        label="Collection year (returns only)",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="2025 for the year to 31 March 2025.",
    )
    population = forms.IntegerField(
        label="Children aged 0 to 17 (optional)",
        required=False,
        min_value=1,
        help_text="The ONS mid-year estimate, for rates per 10,000.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=255,
        help_text="For example the publication and its date.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in (ImportKind.CIN, ImportKind.SSDA903):
            if not data.get("authority"):
                self.add_error("authority", "Choose the authority whose return this is")
            if not data.get("collection_year"):
                self.add_error("collection_year", "Give the collection year, such as 2025")
        elif data.get("kind") not in AUTHORITY_SHEET_KINDS:
            data["authority"] = None
        return data


class SheetUploadForm(forms.Form):
    """An authority's performance officer uploading a spreadsheet of its figures or targets."""

    kind = forms.ChoiceField(
        label="What is in the spreadsheet",
        choices=[
            (ImportKind.SHEET_FIGURES.value, "Figures"),
            (ImportKind.SHEET_TARGETS.value, "Targets"),
            (ImportKind.AUDIT_LOG.value, "Case audit results log"),
            (ImportKind.COMPLAINTS_LOG.value, "Complaints log"),
        ],
        initial=ImportKind.SHEET_FIGURES.value,
        error_messages={"required": "Choose whether the spreadsheet holds figures or targets"},
    )
    file = forms.FileField(
        label="Spreadsheet",
        help_text="An Excel workbook (.xlsx) or a CSV file, in the columns of the template.",
        error_messages={"required": "Choose a spreadsheet to import"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=255,
        help_text="For example where the figures came from.",
    )


class JudgementsDateForm(forms.Form):
    """The date the Ofsted judgements page lists the latest judgements as at."""

    on = forms.DateField(
        label="As at",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="A date, such as 31/03/2025. Blank: today.",
        error_messages={"invalid": "Enter the date as day/month/year, such as 31/03/2025"},
    )
