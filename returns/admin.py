"""Admin for imports: the published-file mappings (editable data) and past batches (read
only: batches change through their pages and services, never here)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from . import published
from .models import ImportBatch, PublishedMapping


class PublishedMappingForm(forms.ModelForm[PublishedMapping]):
    class Meta:
        model = PublishedMapping
        fields = [*published.MAPPING_FIELDS, "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        from indicators.models import Indicator

        code = data.get("indicator_code")
        if code and not Indicator.objects.filter(code=code).exists():
            self.add_error("indicator_code", f"There is no indicator with the code {code}.")
        try:
            published.Mapping.from_row({k: str(v or "") for k, v in data.items()})
        except ValueError as wrong:
            raise forms.ValidationError(str(wrong)) from wrong
        return data


@admin.register(PublishedMapping)
class PublishedMappingAdmin(admin.ModelAdmin[PublishedMapping]):
    form = PublishedMappingForm
    list_display = ["name", "indicator_code", "file_hint", "value_column", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "indicator_code", "file_hint"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["file_name", "kind", "status", "created_at", "created_by", "error_count"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
