"""Loading the indicator catalogue that ships as CSV in `indicators/catalogue/`.

`catalogue_load` is a service: it checks every row of both files and writes nothing unless all are
right (it runs in one transaction), and is idempotent (loading the same files twice changes
nothing).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from import_export.results import RowResult

from . import reference
from .reference import LoadCounts
from .resources import (
    INDICATOR_COLUMNS,
    OPTIONAL_INDICATOR_COLUMNS,
    THEME_COLUMNS,
    IndicatorResource,
    ThemeResource,
)
from .services import derived_rates
from .signals import catalogue_loaded

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
THEMES_CSV = CATALOGUE_DIR / "themes.csv"
INDICATORS_CSV = CATALOGUE_DIR / "indicators.csv"


# Plain words for the database rules that a row can break (see `Indicator.Meta.constraints`).
CONSTRAINT_MESSAGES = {
    "ratio_roll_up_needs_a_ratio_unit": (
        "roll_up: 'ratio' needs a unit of percent, rate_10k, days, average or score; use 'sum' "
        "for event counts, 'latest' for snapshots or 'none'."
    ),
    "indicator_decimals_at_most_4": "decimals: at most 4.",
}


class CatalogueError(ValidationError):
    """The catalogue files were refused: the message lists every row and problem found."""


@dataclass(frozen=True)
class CatalogueResult:
    themes: LoadCounts
    indicators: LoadCounts
    areas: LoadCounts = dataclasses.field(default_factory=LoadCounts)
    pairings: LoadCounts = dataclasses.field(default_factory=LoadCounts)

    @property
    def changed(self) -> bool:
        return bool(
            self.themes.created
            or self.themes.updated
            or self.indicators.created
            or self.indicators.updated
        )


def _read(
    path: Path, columns: tuple[str, ...], key: str, optional: tuple[str, ...] = ()
) -> tablib.Dataset:
    """Read a catalogue CSV, refusing a wrong header, a blank key or a repeated key. Columns
    in `optional` may be left out (their model defaults apply)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError(f"{path.name}: the file {path} does not exist.") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"{path.name}: the file is not UTF-8 text.") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise CatalogueError(f"{path.name}: the file is empty; it needs a header row.")
    header = [column.strip() for column in rows[0]]
    missing = [column for column in columns if column not in header and column not in optional]
    unexpected = [column for column in header if column not in columns]
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f"missing column(s): {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected column(s): {', '.join(unexpected)}")
        raise CatalogueError(
            f"{path.name}: {'; '.join(problems)}. The header must be: {','.join(columns)}."
        )
    dataset = tablib.Dataset(headers=header)
    problems = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in raw):
            continue  # a blank line at the end of a hand-edited file
        if len(raw) != len(header):
            problems.append(
                f"row {number} (line {number + 1}): has {len(raw)} cells, the header has "
                f"{len(header)}."
            )
            continue
        values = [cell.strip() for cell in raw]
        row_key = values[header.index(key)]
        if not row_key:
            problems.append(f"row {number} (line {number + 1}): the {key} is empty.")
        elif row_key in seen:
            problems.append(
                f"row {number} (line {number + 1}): {key} {row_key!r} repeats row {seen[row_key]}."
            )
        else:
            seen[row_key] = number
        dataset.append(values)
    if problems:
        raise CatalogueError(_message(path.name, problems))
    return dataset


def _message(file_name: str, problems: list[str]) -> str:
    lines = "\n".join(f"- {problem}" for problem in problems)
    return f"{file_name} was refused and nothing was written:\n{lines}"


def _choices_hint(model: Any, field: str, message: str) -> str:
    if "is not a valid choice" not in message:
        return message
    try:
        choices = model._meta.get_field(field).choices or []
    except Exception:  # not a model field: say nothing more
        return message
    return f"{message.rstrip('.')}: use one of {', '.join(str(c[0]) for c in choices)}."


def _row_problems(result: Any, dataset: tablib.Dataset, key: str, model: Any = None) -> list[str]:
    """Every problem in an import result, as 'row N (line N+1, code X): field: message'."""
    problems = [f"could not be read: {error.error}" for error in result.base_errors]
    keys = dataset[key] if len(dataset) else []

    def where(number: int) -> str:
        row_key = keys[number - 1] if 0 < number <= len(keys) else ""
        return f"row {number} (line {number + 1}, {key} {row_key!r})"

    for invalid in result.invalid_rows:
        messages = []
        for field, field_messages in invalid.error_dict.items():
            text = "; ".join(
                _choices_hint(model, field, _plain(str(message))) for message in field_messages
            )
            messages.append(text if field == NON_FIELD_ERRORS else f"{field}: {text}")
        problems.append(f"{where(invalid.number)}: {' '.join(messages)}")
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(f"{where(number)}: {error.error}")
    return problems


def _plain(message: str) -> str:
    for name, plain in CONSTRAINT_MESSAGES.items():
        if name in message:
            return plain
    return message


def _load(resource: Any, dataset: tablib.Dataset, file_name: str, key: str) -> LoadCounts:
    """Import every row (each checked with full_clean), and refuse the file if any was wrong.

    One pass, not a dry run and then a real one: a row that is refused is not saved, every row
    is still checked so that the message names them all, and refusing raises inside the
    caller's transaction, which rolls back the rows that were saved.
    """
    model = resource._meta.model
    result = resource.import_data(dataset, dry_run=False, raise_errors=False)
    if result.has_errors() or result.has_validation_errors():
        raise CatalogueError(_message(file_name, _row_problems(result, dataset, key, model)))
    return LoadCounts(
        created=result.totals[RowResult.IMPORT_TYPE_NEW],
        updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
        unchanged=result.totals[RowResult.IMPORT_TYPE_SKIP],
    )


def catalogue_load(
    *,
    themes_csv: Path | None = None,
    indicators_csv: Path | None = None,
    reference_data: bool = True,
) -> CatalogueResult:
    """Create or update the themes and indicators from the catalogue CSV files.

    Both files are checked row by row through the import resources; any problem raises
    `CatalogueError` naming the rows, and the transaction is rolled back so that nothing is
    written. Rows that match the database are left untouched. With `reference_data` (the
    default) the shipped areas and pairs of measures are loaded too (`reference`); without
    it, only the themes and measures, for a caller that keeps areas of its own.
    """
    themes_path = Path(themes_csv) if themes_csv is not None else THEMES_CSV
    indicators_path = Path(indicators_csv) if indicators_csv is not None else INDICATORS_CSV
    themes = _read(themes_path, THEME_COLUMNS, key="slug")
    indicators = _read(
        indicators_path, INDICATOR_COLUMNS, key="code", optional=OPTIONAL_INDICATOR_COLUMNS
    )
    with transaction.atomic():
        # Indicators name their theme by slug, so the themes go in first; an error in the
        # indicators then rolls the themes back with them.
        theme_counts = _load(ThemeResource(), themes, themes_path.name, key="slug")
        indicator_counts = _load(IndicatorResource(), indicators, indicators_path.name, key="code")
        if not reference_data:
            catalogue_loaded.send(sender=CatalogueResult, reference_data=False)
            return CatalogueResult(themes=theme_counts, indicators=indicator_counts)
        try:
            # The shipped reference data goes in with the catalogue (issue 17): the areas of
            # Wales and their default comparator, and the pairs of alike measures.
            area_counts = reference.reference_areas_load()
            # Pairs name shipped codes: a catalogue of other files may not hold them.
            pairing_counts = reference.pairings_load() if indicators_csv is None else LoadCounts()
            if indicators_csv is None:  # the rates derived from population name shipped codes
                derived_rates.derived_rates_check()
        except (reference.ReferenceDataError, derived_rates.DerivedRatesError) as error:
            raise CatalogueError(str(error)) from None
        catalogue_loaded.send(sender=CatalogueResult, reference_data=True)
    return CatalogueResult(
        themes=theme_counts,
        indicators=indicator_counts,
        areas=area_counts,
        pairings=pairing_counts,
    )
