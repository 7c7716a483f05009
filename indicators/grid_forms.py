"""The benchmarking grid's form: the rows (a region, an authority and its statistical
neighbours, or a group) and the measures, read from GET parameters to try a grid and from a
POST to save it as a named view. The checks on what the rows and measures may be are the
selector's (`selectors.grid.rows_problem`, `measures_problem`), which the saving service asks
again."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Area, AreaKind, Indicator, NeighbourSet
from .selectors import grid as grid_selectors
from .selectors.grid import GridSpec
from .view_models import BenchmarkView, GridRows

# Which field names the area for each kind of rows.
AREA_FIELD = {GridRows.REGION: "region", GridRows.GROUP: "group", GridRows.NEIGHBOURS: "authority"}


class GridForm(forms.Form):
    rows = forms.ChoiceField(
        label="Rows",
        choices=GridRows.choices,
        error_messages={"required": "Choose which authorities are the rows."},
    )
    region = forms.ModelChoiceField(
        label="Region",
        queryset=Area.objects.filter(kind=AreaKind.REGION).order_by("name"),
        to_field_name="slug",
        required=False,
    )
    authority = forms.ModelChoiceField(
        label="Authority",
        queryset=Area.objects.filter(kind=AreaKind.AUTHORITY).order_by("name"),
        to_field_name="slug",
        required=False,
    )
    neighbour_set = forms.ModelChoiceField(
        label="Statistical neighbour set",
        queryset=NeighbourSet.objects.order_by("-published_on", "name"),
        required=False,
    )
    group = forms.ModelChoiceField(
        label="Group",
        queryset=Area.objects.filter(kind=AreaKind.GROUP).order_by("name"),
        to_field_name="slug",
        required=False,
    )
    measures = forms.ModelMultipleChoiceField(
        label="Measures",
        queryset=Indicator.objects.all(),
        to_field_name="code",
        error_messages={
            "required": "Choose at least one measure.",
            "invalid_choice": "%(value)s is not a measure in the catalogue.",
        },
    )

    def __init__(self, *args: Any, nations: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered: the measures due in the user's nations; any measure of the catalogue is
        # accepted and then checked against the rows' nation.
        self.offered = list(grid_selectors.measures_for(nations or set()))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        rows = cleaned.get("rows")
        if not rows:
            return cleaned
        field = AREA_FIELD[GridRows(rows)]
        area = cleaned.get(field)
        if area is None:
            self.add_error(field, f"Choose the {self.fields[field].label.lower()}.")  # type: ignore[union-attr]
            return cleaned
        neighbour_set = cleaned.get("neighbour_set") if rows == GridRows.NEIGHBOURS else None
        problem = grid_selectors.rows_problem(rows, area, neighbour_set)
        if problem:
            self.add_error("neighbour_set" if rows == GridRows.NEIGHBOURS else field, problem)
        measures = cleaned.get("measures")
        if measures is not None:
            problem = grid_selectors.measures_problem(self.codes(), area.nation)
            if problem:
                self.add_error("measures", problem)
        return cleaned

    def codes(self) -> tuple[str, ...]:
        """The chosen measures' codes, in the order the form offered them."""
        chosen = {indicator.code for indicator in self.cleaned_data.get("measures") or []}
        offered = [indicator.code for indicator in self.offered if indicator.code in chosen]
        return tuple(offered + sorted(chosen - set(offered)))

    def spec(self) -> GridSpec:
        """What the valid form asks for."""
        rows = GridRows(self.cleaned_data["rows"])
        return GridSpec(
            rows=rows,
            area=self.cleaned_data[AREA_FIELD[rows]],
            neighbour_set=(
                self.cleaned_data["neighbour_set"] if rows == GridRows.NEIGHBOURS else None
            ),
            indicator_codes=self.codes(),
        )

    def chosen_codes(self) -> set[str]:
        """The measures ticked, valid or not, to keep them ticked when the form comes back."""
        if self.is_bound:
            return set(self.data.getlist("measures")) if hasattr(self.data, "getlist") else set()
        initial = self.initial.get("measures") or []
        return set(initial)


class GridSaveForm(GridForm):
    name = forms.CharField(
        label="Name of the view",
        max_length=80,
        error_messages={
            "required": "Give the view a name.",
            "max_length": "Give the view a name of at most 80 characters.",
        },
    )

    field_order = ["name"]

    @staticmethod
    def initial_for(view: BenchmarkView) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": view.name,
            "rows": view.rows,
            "measures": view.indicator_codes,
        }
        initial[AREA_FIELD[GridRows(view.rows)]] = view.area.slug
        if view.neighbour_set_id is not None:
            initial["neighbour_set"] = view.neighbour_set_id
        return initial
