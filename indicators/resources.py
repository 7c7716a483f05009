"""django-import-export resources for the catalogue tables (themes and indicators).

The catalogue ships as CSV in `indicators/catalogue/`; `catalogue.catalogue_load` reads it through
these resources, and the admin uses them for spreadsheet imports and exports.
"""

from __future__ import annotations

from typing import Any

from import_export import fields, resources, widgets

from .models import Indicator, Theme

THEME_COLUMNS = ("slug", "name", "order")
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
