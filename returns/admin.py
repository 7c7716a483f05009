"""Admin for imports: the published-file mappings (editable data: shipped ones, which each
catalogue load refreshes, and an admin's local ones) and past batches (read
only: batches change through their pages and services, never here)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import published
from .kinds.published_mappings_store import mapping_copy_local
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
        # A shipped mapping's fields are read only (not in `data`): its own are checked.
        fields = {name: getattr(self.instance, name, None) for name in published.MAPPING_FIELDS}
        fields.update(data)
        try:
            published.Mapping.from_row({k: "" if v is None else str(v) for k, v in fields.items()})
        except ValueError as wrong:
            raise forms.ValidationError(str(wrong)) from wrong
        return data


class OriginFilter(admin.SimpleListFilter):
    """Shipped (with the catalogue, refreshed by each load) or local (an admin's own)."""

    title = "origin"
    parameter_name = "origin"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("shipped", SHIPPED), ("local", LOCAL)]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PublishedMapping]
    ) -> QuerySet[PublishedMapping]:
        if self.value() in ("shipped", "local"):
            return queryset.filter(is_shipped=self.value() == "shipped")
        return queryset


SHIPPED = "Shipped"
LOCAL = "Local"
SHIPPED_NOTE = (
    "A shipped mapping comes with the catalogue, and every catalogue load refreshes it from "
    "returns/mappings/dfe_published.csv: an edit here would be undone, so its fields cannot be "
    'changed. Switch it off (Active) to stop using it, or use the action "Copy to a local '
    'mapping" in the list to make a local copy to change (the shipped one is switched off).'
)
LOCAL_NOTE = (
    "A local mapping is yours: catalogue loads never change it. It is used with the shipped "
    "mappings, not instead of them. If it reads the same file as a shipped mapping for the "
    "same measure, switch the shipped one off, or the file gives each figure twice."
)


@admin.register(PublishedMapping)
class PublishedMappingAdmin(admin.ModelAdmin[PublishedMapping]):
    form = PublishedMappingForm
    list_display = ["name", "indicator_code", "file_hint", "value_column", "origin", "is_active"]
    list_filter = [OriginFilter, "is_active"]
    search_fields = ["name", "indicator_code", "file_hint"]
    actions = ["copy_to_local"]

    class Media:
        css = {"all": ["css/admin_targets.css"]}

    @admin.display(description="origin", ordering="is_shipped")
    def origin(self, mapping: PublishedMapping) -> str:
        return SHIPPED if mapping.is_shipped else LOCAL

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.is_shipped:
            return list(published.MAPPING_FIELDS)
        return []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        shipped = obj is not None and obj.is_shipped
        return [
            (
                SHIPPED if shipped else LOCAL,
                {
                    "fields": [*published.MAPPING_FIELDS, "is_active"],
                    "description": SHIPPED_NOTE if shipped else LOCAL_NOTE,
                },
            )
        ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A deleted shipped mapping would come back with the next load: switch it off.
        if obj is not None and obj.is_shipped:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Copy to a local mapping (and switch the shipped one off)")
    def copy_to_local(self, request: HttpRequest, queryset: QuerySet[PublishedMapping]) -> None:
        copied = [
            mapping_copy_local(user=request.user, mapping=mapping)  # type: ignore[arg-type]
            for mapping in queryset.filter(is_shipped=True)
        ]
        self.message_user(
            request,
            f"{len(copied)} local copies made: "
            + (", ".join(copy.name for copy in copied) or "only shipped mappings are copied")
            + ".",
            messages.SUCCESS if copied else messages.WARNING,
        )


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
