from django import forms

from .models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What is in the file", choices=ImportKind.choices)
    file = forms.FileField(
        label="File",
        help_text="A CSV file as published by the Department for Education.",
        error_messages={"required": "Choose a file to import"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=255,
        help_text="For example the publication and its date.",
    )
