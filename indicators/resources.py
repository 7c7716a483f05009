"""django-import-export resources for the catalogue tables (themes and indicators).

The catalogue ships as CSV in `indicators/catalogue/`; `catalogue.catalogue_load` reads it through
these resources, and the admin uses them for spreadsheet imports and exports.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from .formatting import spreadsheet_safe
from .models import Area, FigureChange, Indicator, Theme
from .nations import nation_for_area

THEME_COLUMNS = ("slug", "name", "order")
AREA_COLUMNS = ("name", "slug", "kind", "nation", "ons_code", "dfe_number", "region")
INDICATOR_COLUMNS = (
    "code",
    "title",
    "definition",
    "what_good_looks_like",
    "theme",
    "unit",
    "polarity",
    "frequency",
    "measure_type",
    "decimals",
    "source",
    "roll_up",
    "breakdown_dimensions",
    "order",
    "nations",
    "framework_group",
    "source_publication",
    "benchmarking_only",
)
# Columns a catalogue file may leave out (files written before issues 17 and 18): their
# defaults apply.
OPTIONAL_INDICATOR_COLUMNS = (
    "nations",
    "framework_group",
    "source_publication",
    "benchmarking_only",
)


class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A ForeignKeyWidget that reads the related table once per import, not once per row."""

    def __init__(self, model: Any, field: str = "pk", **kwargs: Any) -> None:
        super().__init__(model, field=field, **kwargs)
        self._cache: dict[str, Any] | None = None

    def reset_cache(self) -> None:
        self._cache = None

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if self._cache is None:
            self._cache = {
                str(getattr(obj, self.field)): obj for obj in self.model._default_manager.all()
            }
        try:
            return self._cache[text]
        except KeyError:
            name = self.model._meta.verbose_name
            raise ValueError(f"There is no {name} with {self.field} {text!r}.") from None


class WholeNumberWidget(widgets.IntegerWidget):
    """An integer column that says plainly what was wrong with a cell."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(f"{text!r} is not a whole number of 0 or more.")
        return int(text)


class AreaReferenceWidget(widgets.ForeignKeyWidget):
    """An area named by its slug or its ONS code (regions are known by both), read from the
    database each time so that a region created by an earlier row of the same file is found."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Area, field="slug", **kwargs)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        area = (
            Area.objects.filter(slug=text.lower()).first()
            or Area.objects.filter(ons_code=text.upper()).first()
        )
        if area is None:
            raise ValueError(f"There is no area with the slug or ONS code {text!r}.")
        return area


class AreaResource(resources.ModelResource):
    """Areas as a spreadsheet, keyed by slug. The DfE LA number is the column dfe_number; a
    region is named by its slug (or, on import, its ONS code). An empty nation is taken from
    the ONS code (W... is Wales), else England; a nation contradicting the code, or a code of
    a nation the product does not hold, refuses the row (`indicators.nations`)."""

    dfe_number = fields.Field(column_name="dfe_number", attribute="dfe_code")
    region = fields.Field(column_name="region", attribute="region", widget=AreaReferenceWidget())

    class Meta:
        model = Area
        import_id_fields = ["slug"]
        fields = AREA_COLUMNS
        import_order = AREA_COLUMNS
        export_order = AREA_COLUMNS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for column in ("ons_code", "dfe_number"):
            if column in row and row[column] in (None, ""):
                row[column] = ""
        for column in ("ons_code", "slug"):
            if row.get(column):
                row[column] = str(row[column]).strip()
        if row.get("ons_code"):
            row["ons_code"] = row["ons_code"].upper()
        code = str(row.get("ons_code") or "")
        stated = str(row.get("nation") or "")
        # With neither a stated nation nor a telling code, an area already stored keeps its
        # own nation (a Welsh area re-imported without the column stays Welsh).
        stored = Area.objects.filter(slug=str(row.get("slug") or "")).first()
        check = nation_for_area(code, stated, default=stored.nation if stored else "england")
        if check.problem:
            # Refused as the row's own finding (column nation): nothing of it is written.
            raise ValidationError({"nation": check.problem})
        if "nation" in row or code:
            # Also when the sheet has no nation column: a W code is never left as England.
            row["nation"] = check.nation

    def get_queryset(self) -> Any:
        return Area.objects.select_related("region")


class ThemeResource(resources.ModelResource):
    order = fields.Field(column_name="order", attribute="order", widget=WholeNumberWidget())

    class Meta:
        model = Theme
        import_id_fields = ["slug"]
        fields = THEME_COLUMNS
        export_order = THEME_COLUMNS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class IndicatorResource(resources.ModelResource):
    theme = fields.Field(
        column_name="theme",
        attribute="theme",
        widget=CachedForeignKeyWidget(Theme, field="slug"),
    )
    decimals = fields.Field(
        column_name="decimals", attribute="decimals", widget=WholeNumberWidget()
    )
    order = fields.Field(column_name="order", attribute="order", widget=WholeNumberWidget())

    class Meta:
        model = Indicator
        import_id_fields = ["code"]
        fields = INDICATOR_COLUMNS
        import_order = INDICATOR_COLUMNS
        export_order = INDICATOR_COLUMNS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        # Themes may have been loaded a moment ago in the same transaction: read them afresh.
        widget = self.fields["theme"].widget
        if isinstance(widget, CachedForeignKeyWidget):
            widget.reset_cache()
        super().before_import(dataset, **kwargs)

    def get_queryset(self) -> Any:
        return Indicator.objects.select_related("theme")


class FigureChangeResource(resources.ModelResource):
    """A figure's audit trail as a spreadsheet. Cells that look like formulae are escaped on
    export (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), since commentary and reasons are free
    text typed by people."""

    period = fields.Field(column_name="period")
    breakdown = fields.Field(column_name="breakdown")
    changed_by = fields.Field(column_name="changed by")
    channel = fields.Field(column_name="how")

    def __init__(self, *, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.indicator = indicator

    class Meta:
        model = FigureChange
        fields = (
            "period",
            "breakdown",
            "changed_at",
            "changed_by",
            "channel",
            "old_value",
            "new_value",
            "old_status",
            "new_status",
            "old_commentary",
            "new_commentary",
            "reason",
        )
        export_order = fields

    def dehydrate_period(self, change: FigureChange) -> str:
        return change.figure.period.label

    def dehydrate_breakdown(self, change: FigureChange) -> str:
        return change.figure.breakdown.name if change.figure.breakdown else ""

    def dehydrate_changed_by(self, change: FigureChange) -> str:
        return str(change.changed_by) if change.changed_by else "the system"

    def dehydrate_channel(self, change: FigureChange) -> str:
        return change.get_channel_display()

    # Free text typed by people is made safe to open in a spreadsheet.
    def dehydrate_old_commentary(self, change: FigureChange) -> str:
        return spreadsheet_safe(change.old_commentary)

    def dehydrate_new_commentary(self, change: FigureChange) -> str:
        return spreadsheet_safe(change.new_commentary)

    def dehydrate_reason(self, change: FigureChange) -> str:
        return spreadsheet_safe(change.reason)
