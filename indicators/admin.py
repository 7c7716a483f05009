"""Django admin for the core model: the catalogue (with spreadsheet import and export), areas,
statistical neighbours, comparators, periods, figures and targets."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin

from . import dashboards, services
from .draft_removal import why_not_removable
from .lineage_models import AreaSuccession, SuccessionChange
from .models import (
    Area,
    BreakdownCategory,
    ChangeChannel,
    Comparator,
    Figure,
    FigureChange,
    Indicator,
    NeighbourSet,
    Period,
    StatisticalNeighbour,
    Target,
    TargetChange,
    Theme,
)
from .reference import default_comparators_ensure
from .removal_models import FigureRemoval
from .resources import IndicatorResource, ThemeResource

if TYPE_CHECKING:
    from accounts.models import User


def _acting(request: HttpRequest) -> User:
    """The person saving in the admin, for the services to check: the admin site lets only
    signed-in staff in (and a service refuses anyone else, an anonymous user included)."""
    return cast("User", request.user)


class ChangesDashboards:
    """For the catalogue, areas, neighbours and comparators edited here: what the admin saves or
    deletes queues a rebuild of the dashboards that show it (figures and targets edited here
    go through their services, which do the same)."""

    def authorities_shown(self, obj: Any) -> set[int]:
        """The authorities whose dashboards show `obj`: by default, all of them (a theme's
        or an indicator's name is on every dashboard that shows its figures)."""
        return set(Area.objects.authorities().values_list("pk", flat=True))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        dashboards.dashboards_changed(authority_ids=self.authorities_shown(obj))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        dashboards.dashboards_changed(authority_ids=self.authorities_shown(form.instance))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        shown = self.authorities_shown(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        dashboards.dashboards_changed(authority_ids=shown)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        shown = set().union(*(self.authorities_shown(obj) for obj in queryset))
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        dashboards.dashboards_changed(authority_ids=shown)


@admin.register(Theme)
class ThemeAdmin(ChangesDashboards, ImportExportModelAdmin):
    resource_classes = [ThemeResource]
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Indicator)
class IndicatorAdmin(ChangesDashboards, ImportExportModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["code", "title", "theme", "unit", "polarity", "frequency", "roll_up"]
    list_filter = [
        "theme",
        "nations",
        "unit",
        "polarity",
        "frequency",
        "measure_type",
        "source",
        "roll_up",
    ]
    search_fields = ["code", "title", "definition"]
    list_select_related = ["theme"]
    ordering = ["theme__order", "order", "title"]


@admin.register(Area)
class AreaAdmin(ChangesDashboards, admin.ModelAdmin[Area]):
    list_display = ["name", "kind", "ons_code", "dfe_code", "region", "nation"]
    list_filter = ["kind", "nation", "region"]
    search_fields = ["name", "slug", "ons_code", "dfe_code"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["members"]

    def save_model(self, request: HttpRequest, obj: Area, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # A new authority is shown against its nation's average (Wales for a Welsh one)
            # until an admin adds comparators of their choosing.
            default_comparators_ensure(obj)


class StatisticalNeighbourInline(admin.TabularInline[StatisticalNeighbour, NeighbourSet]):
    model = StatisticalNeighbour
    extra = 0
    fields = ["authority", "rank", "neighbour", "closeness"]
    ordering = ["authority__name", "rank"]
    autocomplete_fields = ["authority", "neighbour"]


@admin.register(NeighbourSet)
class NeighbourSetAdmin(ChangesDashboards, admin.ModelAdmin[NeighbourSet]):
    list_display = ["name", "published_on", "source"]

    def authorities_shown(self, obj: NeighbourSet) -> set[int]:
        return set(
            Comparator.objects.filter(neighbour_set=obj).values_list("authority_id", flat=True)
        )

    search_fields = ["name", "source"]
    date_hierarchy = "published_on"
    inlines = [StatisticalNeighbourInline]


@admin.register(Comparator)
class ComparatorAdmin(ChangesDashboards, admin.ModelAdmin[Comparator]):
    list_display = ["authority", "label", "kind", "area", "neighbour_set", "order"]

    def authorities_shown(self, obj: Comparator) -> set[int]:
        return {obj.authority_id}

    list_filter = ["kind", "authority"]
    search_fields = ["label", "authority__name", "area__name"]
    list_select_related = ["authority", "area", "neighbour_set"]
    autocomplete_fields = ["authority", "area"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin[Period]):
    list_display = ["label", "kind", "start", "end"]
    list_filter = ["kind"]
    date_hierarchy = "start"
    ordering = ["-end", "kind"]


@admin.register(BreakdownCategory)
class BreakdownCategoryAdmin(ChangesDashboards, admin.ModelAdmin[BreakdownCategory]):
    list_display = ["dimension", "name", "order"]
    list_filter = ["dimension"]
    search_fields = ["dimension", "name"]


ChangeRow = TypeVar("ChangeRow", bound=models.Model)
Parent = TypeVar("Parent", bound=models.Model)


class AuditTrailInline(admin.TabularInline[ChangeRow, Parent]):
    """An audit trail, read only: changes are made through the services, never here."""

    extra = 0
    can_delete = False
    ordering = ["-changed_at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FigureChangeInline(AuditTrailInline[FigureChange, Figure]):
    model = FigureChange
    fields = readonly_fields = (
        "changed_at",
        "changed_by",
        "channel",
        "old_value",
        "new_value",
        "old_status",
        "new_status",
        "reason",
    )


class FigureAdminForm(forms.ModelForm[Figure]):
    """Admin edits go through the same service as the entry form, with a reason for the audit
    trail; refusals (stale edits, an approved figure changed without a reason, inconsistent
    numbers) appear on the form and nothing is written."""

    change_reason = forms.CharField(
        max_length=200,
        help_text="Kept in the figure's history. For an approved figure, this is the reason "
        "for the correction.",
    )

    class Meta:
        model = Figure
        fields = [
            "area",
            "indicator",
            "period",
            "breakdown",
            "value",
            "numerator",
            "denominator",
            "suppression",
            "status",
            "is_provisional",
            "is_estimated",
            "commentary",
            "source",
            "source_note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loaded_version = self.instance.version if self.instance.pk else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            services.figure_validate(
                area=data["area"],
                indicator=data["indicator"],
                period=data["period"],
                breakdown=data.get("breakdown"),
                value=None if data.get("numerator") is not None else data.get("value"),
                numerator=data.get("numerator"),
                denominator=data.get("denominator"),
                suppression=data.get("suppression") or "",
                expected_version=self.loaded_version,
                correction_reason=data.get("change_reason", ""),
            )
        except ValidationError as refusal:
            raise forms.ValidationError(refusal.messages) from refusal
        return data


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin[Figure]):
    form = FigureAdminForm
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
    readonly_fields = ["ratio_kind", "version", "updated_at", "updated_by", "removal"]
    inlines = [FigureChangeInline]

    @admin.display(description="Remove")
    def removal(self, figure: Figure) -> str:
        """Deleting is refused below; a draft saved by mistake is removed on its removal page,
        which keeps the record (docs/0008)."""
        if figure.pk is None:
            return "-"
        refusal = why_not_removable(figure)
        if refusal:
            return refusal
        if not figure.area.is_authority or figure.breakdown_id is not None:
            return "Only an authority's overall draft figures are removed, on their entry page."
        url = reverse(
            "entry_remove_draft",
            args=[figure.area.slug, figure.period.url_key, figure.indicator.code],
        )
        return format_html('<a href="{}">Remove this draft figure</a>', url)

    def save_model(
        self, request: HttpRequest, obj: Figure, form: forms.ModelForm[Figure], change: bool
    ) -> None:
        data = form.cleaned_data
        saved = services.figure_set(
            user=_acting(request),
            area=data["area"],
            indicator=data["indicator"],
            period=data["period"],
            breakdown=data.get("breakdown"),
            value=None if data.get("numerator") is not None else data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            suppression=data.get("suppression") or "",
            is_provisional=data["is_provisional"],
            is_estimated=data["is_estimated"],
            commentary=data.get("commentary") or "",
            source=data["source"],
            source_note=data.get("source_note") or "",
            status=data["status"],
            expected_version=getattr(form, "loaded_version", None),
            channel=ChangeChannel.ADMIN,
            correction_reason=data["change_reason"],
            reason=f"Admin: {data['change_reason']}",
        )
        # The admin goes on to log the change and redirect using this object.
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a figure would take its audit trail with it: correct it instead.
        return False


class TargetChangeInline(AuditTrailInline[TargetChange, Target]):
    model = TargetChange
    fields = readonly_fields = (
        "changed_at",
        "changed_by",
        "channel",
        "old_lower",
        "new_lower",
        "old_upper",
        "new_upper",
        "old_tolerance",
        "new_tolerance",
        "reason",
    )


class TargetAdminForm(forms.ModelForm[Target]):
    change_reason = forms.CharField(max_length=200, help_text="Kept in the target's history.")

    class Meta:
        model = Target
        fields = ["authority", "indicator", "financial_year", "lower", "upper", "tolerance"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin[Target]):
    form = TargetAdminForm
    inlines = [TargetChangeInline]

    def save_model(
        self, request: HttpRequest, obj: Target, form: forms.ModelForm[Target], change: bool
    ) -> None:
        data = form.cleaned_data
        saved = services.target_set(
            user=_acting(request),
            authority=data["authority"],
            indicator=data["indicator"],
            financial_year=data["financial_year"],
            lower=data.get("lower"),
            upper=data.get("upper"),
            tolerance=data.get("tolerance") or Decimal(0),
            channel=ChangeChannel.ADMIN,
            reason=f"Admin: {data['change_reason']}",
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    list_display = ["indicator", "authority", "financial_year", "lower", "upper", "tolerance"]
    list_filter = ["authority", "financial_year", "indicator__theme"]
    search_fields = ["indicator__code", "indicator__title", "authority__name"]
    list_select_related = ["indicator", "authority", "financial_year"]
    autocomplete_fields = ["authority", "indicator"]


@admin.register(FigureRemoval)
class FigureRemovalAdmin(admin.ModelAdmin[FigureRemoval]):
    """Draft figures removed by mistake, as kept (docs/0008): read only."""

    list_display = ["summary", "authority", "removed_by_name", "removed_at", "reason"]
    list_select_related = ["authority"]
    search_fields = ["summary", "authority__name", "removed_by_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AreaSuccessionForm(forms.ModelForm[AreaSuccession]):
    class Meta:
        model = AreaSuccession
        fields = ["predecessor", "successor", "took_effect", "change", "note"]

    def clean(self) -> dict[str, Any]:
        """A recoded authority is one area, named twice; any other change joins two areas."""
        data = super().clean() or {}
        predecessor, successor = data.get("predecessor"), data.get("successor")
        if predecessor is None or successor is None:
            return data
        recoded = data.get("change") == SuccessionChange.RECODED
        if recoded and predecessor != successor:
            raise ValidationError(
                "A recoded authority keeps its services as one area: choose the same area as "
                "predecessor and successor, or choose another kind of change."
            )
        if not recoded and predecessor == successor:
            raise ValidationError(
                "An authority cannot split into, merge into or become part of itself: choose "
                "another successor, or 'recoded' if only its code changed."
            )
        return data


@admin.register(AreaSuccession)
class AreaSuccessionAdmin(admin.ModelAdmin[AreaSuccession]):
    """The lineage of areas through reorganisations (`catalogue/lineage.csv` ships the English
    ones; loading the catalogue again restores a shipped row an admin changed). Each row is
    drawn as a labelled break on the authorities' trend charts."""

    form = AreaSuccessionForm
    list_display = ["predecessor", "successor", "took_effect", "change", "note"]
    list_filter = ["change"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__dfe_code"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]

    class Media:
        # The list filter's links as 24-pixel touch targets (WCAG 2.2; see the stylesheet).
        css = {"all": ["css/admin_targets.css"]}
