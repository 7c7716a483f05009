"""Django admin for the core model: the catalogue (with spreadsheet import and export), areas,
statistical neighbours, comparators, periods, figures and targets."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin

from .models import (
    Area,
    BreakdownCategory,
    Comparator,
    Figure,
    FigureChange,
    Indicator,
    NeighbourSet,
    Period,
    StatisticalNeighbour,
    Target,
    Theme,
)
from .resources import IndicatorResource, ThemeResource


@admin.register(Theme)
class ThemeAdmin(ImportExportModelAdmin):
    resource_classes = [ThemeResource]
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Indicator)
class IndicatorAdmin(ImportExportModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["code", "title", "theme", "unit", "polarity", "frequency", "roll_up"]
    list_filter = ["theme", "unit", "polarity", "frequency", "measure_type", "source", "roll_up"]
    search_fields = ["code", "title", "definition"]
    list_select_related = ["theme"]
    ordering = ["theme__order", "order", "title"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ons_code", "dfe_code", "region", "nation"]
    list_filter = ["kind", "nation", "region"]
    search_fields = ["name", "slug", "ons_code", "dfe_code"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["members"]


class StatisticalNeighbourInline(admin.TabularInline):
    model = StatisticalNeighbour
    extra = 0
    fields = ["authority", "rank", "neighbour", "closeness"]
    ordering = ["authority__name", "rank"]
    autocomplete_fields = ["authority", "neighbour"]


@admin.register(NeighbourSet)
class NeighbourSetAdmin(admin.ModelAdmin):
    list_display = ["name", "published_on", "source"]
    search_fields = ["name", "source"]
    date_hierarchy = "published_on"
    inlines = [StatisticalNeighbourInline]


@admin.register(Comparator)
class ComparatorAdmin(admin.ModelAdmin):
    list_display = ["authority", "label", "kind", "area", "neighbour_set", "order"]
    list_filter = ["kind", "authority"]
    search_fields = ["label", "authority__name", "area__name"]
    list_select_related = ["authority", "area", "neighbour_set"]
    autocomplete_fields = ["authority", "area"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "start", "end"]
    list_filter = ["kind"]
    date_hierarchy = "start"
    ordering = ["-end", "kind"]


@admin.register(BreakdownCategory)
class BreakdownCategoryAdmin(admin.ModelAdmin):
    list_display = ["dimension", "name", "order"]
    list_filter = ["dimension"]
    search_fields = ["dimension", "name"]


class FigureChangeInline(admin.TabularInline):
    """The audit trail, read only: changes are made through the services, never here."""

    model = FigureChange
    extra = 0
    can_delete = False
    fields = (
        "changed_at",
        "changed_by",
        "old_value",
        "new_value",
        "old_status",
        "new_status",
        "reason",
    )
    readonly_fields = (
        "changed_at",
        "changed_by",
        "old_value",
        "new_value",
        "old_status",
        "new_status",
        "reason",
    )
    ordering = ["-changed_at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = [
        "indicator",
        "area",
        "period",
        "breakdown",
        "value",
        "status",
        "source",
        "is_provisional",
        "version",
        "updated_at",
    ]
    list_filter = [
        "status",
        "source",
        "is_provisional",
        "is_estimated",
        "area__kind",
        "indicator__theme",
        "period__kind",
    ]
    search_fields = ["indicator__code", "indicator__title", "area__name"]
    list_select_related = ["indicator", "area", "period", "breakdown"]
    autocomplete_fields = ["area", "indicator"]
    raw_id_fields = ["period", "breakdown", "updated_by"]
    readonly_fields = ["ratio_kind", "version", "updated_at", "updated_by"]
    inlines = [FigureChangeInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "authority", "financial_year", "lower", "upper", "tolerance"]
    list_filter = ["authority", "financial_year", "indicator__theme"]
    search_fields = ["indicator__code", "indicator__title", "authority__name"]
    list_select_related = ["indicator", "authority", "financial_year"]
    autocomplete_fields = ["authority", "indicator"]
