"""The entry form: one Django form built from the entry page, one group of fields per indicator.

Field names (and ids, so the error summary links straight to them) follow the indicator's code:
``ASMT-45-numerator``, ``ASMT-45-denominator``, ``ASMT-45-value``, ``ASMT-45-commentary``,
``ASMT-45-version`` (hidden), ``ASMT-45-correction`` and, for a breakdown category,
``ASMT-45-b<category id>-value`` with its hidden ``-version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from . import entry_checks
from .selectors import EntryBreakdown, EntryPage, EntryRow
from .services import BreakdownInput, EntryInput, StaleFigureError

COMMENTARY_MAX = 4000
CORRECTION_MAX = 200

# What the value input is called, by unit, when it is the only number asked for.
VALUE_LABELS = {
    "percent": "Percentage",
    "rate_10k": "Rate per 10,000 children",
    "count": "Number",
    "days": "Days",
    "average": "Average",
    "score": "Score",
    "fte": "Full-time equivalent (FTE)",
    "currency": "Amount in pounds",
}
STATE_TAGS = {
    "missing": "govuk-tag--grey",
    "draft": "govuk-tag--yellow",
    "returned": "govuk-tag--orange",
    "submitted": "govuk-tag--blue",
    "approved": "govuk-tag--green",
}


def plain_number(number: Decimal | None) -> str:
    """A stored figure as an officer would type it: 650, not 650.0000."""
    if number is None:
        return ""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class FigureField(forms.DecimalField):
    """A number typed in a form: "1,234", " 87 " and "87%" are read as the number. Whether
    the number may be stored (its size and decimal places among the rest) is for
    `value_rules`, which the imports share, so the field reads the number and no more."""

    def __init__(self, what: str, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            error_messages={"invalid": f"{what} must be a number, like 650 or 12.5."},
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", "").removesuffix("%").strip()
        return super().to_python(value)


@dataclass
class BreakdownFields:
    item: EntryBreakdown
    value: forms.BoundField
    version: forms.BoundField


@dataclass
class RowFields:
    """One indicator's fields, as the template lays them out."""

    row: EntryRow
    value: forms.BoundField
    numerator: forms.BoundField | None
    denominator: forms.BoundField | None
    commentary: forms.BoundField
    version: forms.BoundField
    correction: forms.BoundField
    breakdowns: list[tuple[str, list[BreakdownFields]]]
    warnings: list[entry_checks.Finding]

    @property
    def value_label(self) -> str:
        return VALUE_LABELS.get(self.row.indicator.unit, "Value")

    @property
    def state_css(self) -> str:
        return STATE_TAGS[self.row.state]

    @property
    def show_correction(self) -> bool:
        return self.row.state == "approved" or bool(self.correction.errors)

    @property
    def first_field_id(self) -> str:
        return (self.numerator or self.value).id_for_label


@dataclass(frozen=True)
class SummaryItem:
    message: str
    href: str


class EntryForm(forms.Form):
    confirm_warnings = forms.BooleanField(
        required=False,
        label="I have checked these figures and want to save them as they are",
    )

    def __init__(self, page: EntryPage, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.page = page
        self.warnings: list[entry_checks.Finding] = []
        for row in page.rows:
            self._add_fields(row)

    def _add_fields(self, row: EntryRow) -> None:
        code, title, figure = row.code, row.indicator.title, row.figure
        if row.is_proportion:
            self.fields[f"{code}-numerator"] = FigureField(f"{title}: the numerator")
            self.fields[f"{code}-denominator"] = FigureField(f"{title}: the denominator")
        self.fields[f"{code}-value"] = FigureField(f"{title}: the value")
        self.fields[f"{code}-commentary"] = forms.CharField(
            required=False,
            widget=forms.Textarea,
            max_length=COMMENTARY_MAX,
            error_messages={
                "max_length": f"{title}: the commentary must be {COMMENTARY_MAX:,} characters "
                "or fewer."
            },
        )
        self.fields[f"{code}-version"] = forms.IntegerField(
            required=False, min_value=0, widget=forms.HiddenInput
        )
        self.fields[f"{code}-correction"] = forms.CharField(
            required=False,
            max_length=CORRECTION_MAX,
            error_messages={
                "max_length": f"{title}: the reason must be {CORRECTION_MAX} characters or fewer."
            },
        )
        self.initial[f"{code}-version"] = row.version
        if figure is not None:
            if row.is_proportion and figure.numerator is not None:
                self.initial[f"{code}-numerator"] = plain_number(figure.numerator)
                self.initial[f"{code}-denominator"] = plain_number(figure.denominator)
            else:
                self.initial[f"{code}-value"] = plain_number(figure.value)
            self.initial[f"{code}-commentary"] = figure.commentary
        for item in row.all_breakdowns:
            name = f"{code}-{item.key}"
            self.fields[f"{name}-value"] = FigureField(f"{title}: the value for {item.category}")
            self.fields[f"{name}-version"] = forms.IntegerField(
                required=False, min_value=0, widget=forms.HiddenInput
            )
            self.initial[f"{name}-version"] = item.figure.version if item.figure else 0
            if item.figure is not None:
                self.initial[f"{name}-value"] = plain_number(item.figure.value)

    # --- reading what was typed ----------------------------------------------------------

    def _entry(self, row: EntryRow) -> EntryInput:
        data, code = self.cleaned_data, row.code
        return EntryInput(
            indicator=row.indicator,
            value=data.get(f"{code}-value"),
            numerator=data.get(f"{code}-numerator"),
            denominator=data.get(f"{code}-denominator"),
            commentary=(data.get(f"{code}-commentary") or "").strip(),
            expected_version=data.get(f"{code}-version"),
            correction_reason=(data.get(f"{code}-correction") or "").strip(),
            breakdowns=tuple(
                BreakdownInput(
                    category=item.category,
                    value=data.get(f"{code}-{item.key}-value"),
                    expected_version=data.get(f"{code}-{item.key}-version"),
                )
                for item in row.all_breakdowns
            ),
            previous=row.previous_value,
            history=row.history,
            target=row.target,
        )

    def _field_names(self, row: EntryRow) -> set[str]:
        code = row.code
        names = {f"{code}-{part}" for part in ("numerator", "denominator", "value", "version")}
        return names | {f"{code}-{item.key}-value" for item in row.all_breakdowns}

    def _row_is_clean(self, row: EntryRow) -> bool:
        return not (self._field_names(row) & set(self.errors))

    def clean(self) -> dict[str, Any]:
        """The errors that need no database (numerator above denominator, a percentage above
        100, a count of 2.5...), for every indicator whose numbers could be read."""
        cleaned = super().clean() or {}
        for row in self.page.rows:
            if self._row_is_clean(row):
                self.add_findings(entry_checks.errors(self._entry(row).checked()))
        return cleaned

    def entries(self) -> list[EntryInput]:
        return [self._entry(row) for row in self.page.rows]

    # --- showing what the service said -----------------------------------------------------

    def add_findings(self, findings: Iterable[entry_checks.Finding]) -> None:
        for finding in findings:
            name = f"{finding.code}-{finding.field}"
            self.add_error(name if name in self.fields else None, finding.message)

    def add_conflicts(self, figures: Iterable[Any]) -> None:
        """Someone else's newer figures: say so at the field, keep what was typed, and take
        their version, so that saving again (once checked) replaces theirs knowingly."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        for figure in figures:
            code = figure.indicator.code
            name = f"{code}-b{figure.breakdown_id}" if figure.breakdown_id else code
            data[f"{name}-version"] = str(figure.version)
            field = f"{name}-value"
            if not figure.breakdown_id and f"{code}-numerator" in self.fields:
                field = f"{code}-numerator"
            message = StaleFigureError(figure).messages[0]
            self.add_error(field if field in self.fields else None, message)
        self.data = data

    def add_refusal(self, refusal: ValidationError) -> None:
        """A refusal naming indicators by title ("... : enter a figure before submitting"):
        each message at the first field of the indicator it names."""
        rows = {row.indicator.title: row for row in self.page.rows}
        if not self.is_bound:  # a fresh form showing the refusal: add_error needs these
            self._errors = self.errors
            self.cleaned_data = {}
        for message in refusal.messages:
            title = message.split(":", 1)[0]
            row = rows.get(title)
            if row is None:
                self.add_error(None, message)
            else:
                field = f"{row.code}-numerator" if row.is_proportion else f"{row.code}-value"
                self.add_error(field, message)

    # --- laying out the page -----------------------------------------------------------------

    def sections(self) -> list[tuple[Any, list[RowFields]]]:
        warnings_by_code: dict[str, list[entry_checks.Finding]] = {}
        for finding in self.warnings:
            warnings_by_code.setdefault(finding.code, []).append(finding)
        return [
            (theme, [self._row_fields(row, warnings_by_code.get(row.code, [])) for row in rows])
            for theme, rows in self.page.themes
        ]

    def _row_fields(self, row: EntryRow, warnings: list[entry_checks.Finding]) -> RowFields:
        code = row.code
        return RowFields(
            row=row,
            value=self[f"{code}-value"],
            numerator=self[f"{code}-numerator"] if row.is_proportion else None,
            denominator=self[f"{code}-denominator"] if row.is_proportion else None,
            commentary=self[f"{code}-commentary"],
            version=self[f"{code}-version"],
            correction=self[f"{code}-correction"],
            breakdowns=[
                (
                    dimension,
                    [
                        BreakdownFields(
                            item,
                            self[f"{code}-{item.key}-value"],
                            self[f"{code}-{item.key}-version"],
                        )
                        for item in items
                    ],
                )
                for dimension, items in row.breakdowns
            ],
            warnings=warnings,
        )

    def error_summary(self) -> list[SummaryItem]:
        """Every error, in page order, each linking to its field."""
        items = [SummaryItem(str(message), "") for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                items.append(SummaryItem(str(message), f"#{self[name].id_for_label}"))
        return items

    def warning_summary(self) -> list[SummaryItem]:
        items = []
        for finding in self.warnings:
            name = f"{finding.code}-{finding.field}"
            numerator = f"{finding.code}-numerator"
            if finding.field == "value" and self.data.get(numerator):
                name = numerator  # the value was worked out from the numbers typed
            items.append(SummaryItem(finding.message, f"#{name}"))
        return items
