"""Admin for imports: the published-file mappings (editable data) and past batches (read
only: batches change through their pages and services, never here)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import published
from .models import BatchStatus, ImportBatch, PublishedMapping


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


class BatchStatusFilter(admin.SimpleListFilter):
    """The statuses as the import pages name them: a validated batch with errors apart from
    one ready to commit."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        ready = [(BatchStatus.READY.value, str(BatchStatus.READY.label)), ("errors", "Has errors")]
        others = [(s.value, str(s.label)) for s in BatchStatus if s != BatchStatus.READY]
        return [*ready, *others]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ImportBatch]
    ) -> QuerySet[ImportBatch]:
        value = self.value()
        if value == "errors":
            return queryset.filter(status=BatchStatus.READY, error_count__gt=0)
        if value == BatchStatus.READY:
            return queryset.filter(status=BatchStatus.READY, error_count=0)
        if value:
            return queryset.filter(status=value)
        return queryset


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["file_name", "kind", "status_shown", "created_at", "created_by", "error_count"]
    list_filter = ["kind", BatchStatusFilter]
    search_fields = ["file_name", "sha256"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="status", ordering="status")
    def status_shown(self, batch: ImportBatch) -> str:
        """As the import pages show it: "Has errors" for a validated batch with errors."""
        return batch.status_label
