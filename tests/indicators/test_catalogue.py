"""The indicator catalogue that ships as CSV, and the service that loads it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.catalogue import (
    INDICATORS_CSV,
    THEMES_CSV,
    CatalogueError,
    catalogue_load,
)
from indicators.models import (
    Frequency,
    Indicator,
    MeasureType,
    Polarity,
    RollUp,
    Source,
    Theme,
    Unit,
)
from indicators.resources import INDICATOR_COLUMNS, THEME_COLUMNS

RATIO_UNITS = {Unit.PERCENT, Unit.RATE_PER_10K, Unit.DAYS, Unit.AVERAGE, Unit.SCORE}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _snapshot() -> list[tuple]:
    themes = list(Theme.objects.order_by("pk").values_list("pk", "slug", "name", "order"))
    indicators = list(Indicator.objects.order_by("pk").values_list())
    return [*themes, *indicators]


# --- the shipped files ----------------------------------------------------------------------


def test_shipped_files_have_exactly_the_model_columns() -> None:
    with INDICATORS_CSV.open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == INDICATOR_COLUMNS
    with THEMES_CSV.open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == THEME_COLUMNS
    model_fields = {f.name for f in Indicator._meta.get_fields() if f.concrete and f.name != "id"}
    assert set(INDICATOR_COLUMNS) == model_fields


def test_shipped_catalogue_loads(db) -> None:
    result = catalogue_load()

    themes, indicators = _csv_rows(THEMES_CSV), _csv_rows(INDICATORS_CSV)
    assert result.themes.created == len(themes) == Theme.objects.count()
    assert result.indicators.created == len(indicators) == Indicator.objects.count()
    assert len(indicators) >= 60
    assert (
        Indicator.objects.get(title="% single assessments completed by 45 days").code == "ASMT-45"
    )


def test_every_indicator_is_complete_and_valid(db) -> None:
    catalogue_load()

    for indicator in Indicator.objects.select_related("theme"):
        assert indicator.definition.strip(), indicator.code
        assert indicator.what_good_looks_like.strip(), indicator.code
        assert indicator.unit in Unit.values, indicator.code
        assert indicator.polarity in Polarity.values, indicator.code
        assert indicator.frequency in Frequency.values, indicator.code
        assert indicator.measure_type in MeasureType.values, indicator.code
        assert indicator.source in Source.values, indicator.code
        assert indicator.roll_up in RollUp.values, indicator.code
        assert indicator.decimals <= 4, indicator.code
        if indicator.roll_up == RollUp.RATIO:
            assert indicator.unit in RATIO_UNITS, indicator.code
        if indicator.unit == Unit.COUNT and indicator.measure_type == MeasureType.SNAPSHOT:
            assert indicator.roll_up == RollUp.LATEST, indicator.code
        if indicator.unit == Unit.COUNT and indicator.measure_type == MeasureType.EVENTS:
            assert indicator.roll_up == RollUp.SUM, indicator.code
        full_stops = indicator.definition.count(". ") + 1
        assert 1 <= full_stops <= 4, indicator.code


def test_catalogue_codes_and_titles_are_unique() -> None:
    rows = _csv_rows(INDICATORS_CSV)
    codes = [row["code"] for row in rows]
    titles = [row["title"] for row in rows]
    assert len(codes) == len(set(codes))
    assert len(titles) == len(set(titles))


def test_counting_rules_are_in_the_definitions(db) -> None:
    catalogue_load()

    assert "45 working days" in Indicator.objects.get(code="ASMT-45").definition
    assert "15 working days" in Indicator.objects.get(code="ICPC-15").definition
    assert "12 months of a previous referral" in Indicator.objects.get(code="REF-REREF").definition
    # A target band with both sides a miss.
    assert Indicator.objects.get(code="REF-REREF").polarity == Polarity.BAND
    assert Indicator.objects.get(code="CLA-S20").polarity == Polarity.BAND
    assert Indicator.objects.get(code="CLA-20MILES").polarity == Polarity.LOWER
    assert Indicator.objects.get(code="ADOPT-A1").polarity == Polarity.LOWER


def test_loading_twice_changes_nothing(db) -> None:
    catalogue_load()
    before = _snapshot()

    again = catalogue_load()

    assert _snapshot() == before
    assert not again.changed
    assert again.themes.unchanged == Theme.objects.count()
    assert again.indicators.unchanged == Indicator.objects.count()


def test_a_changed_row_is_updated_in_place(db, tmp_path: Path) -> None:
    catalogue_load()
    rows = _csv_rows(INDICATORS_CSV)
    rows[0]["title"] = "Referrals received"
    pk = Indicator.objects.get(code=rows[0]["code"]).pk

    result = catalogue_load(indicators_csv=_write(tmp_path / "i.csv", rows, INDICATOR_COLUMNS))

    assert (result.indicators.created, result.indicators.updated) == (0, 1)
    assert Indicator.objects.get(pk=pk).title == "Referrals received"


# --- bad input is refused, and nothing is written -------------------------------------------


def _refused(tmp_path: Path, change: dict[str, str], row_index: int = 1) -> str:
    rows = _csv_rows(INDICATORS_CSV)
    rows[row_index].update(change)
    path = _write(tmp_path / "indicators.csv", rows, INDICATOR_COLUMNS)
    with pytest.raises(CatalogueError) as refused:
        catalogue_load(indicators_csv=path)
    assert Theme.objects.count() == 0
    assert Indicator.objects.count() == 0
    return "\n".join(refused.value.messages)


def test_a_bad_unit_is_refused_naming_the_row(db, tmp_path: Path) -> None:
    code = _csv_rows(INDICATORS_CSV)[1]["code"]

    message = _refused(tmp_path, {"unit": "percentage"})

    assert "row 2 (line 3" in message
    assert code in message
    assert "unit" in message
    assert "percentage" in message
    assert "nothing was written" in message


def test_an_unknown_theme_is_refused_naming_the_row(db, tmp_path: Path) -> None:
    message = _refused(tmp_path, {"theme": "no-such-theme"}, row_index=4)

    assert "row 5 (line 6" in message
    assert "no-such-theme" in message


def test_a_ratio_roll_up_of_a_count_is_refused(db, tmp_path: Path) -> None:
    message = _refused(tmp_path, {"unit": "count", "roll_up": "ratio"}, row_index=0)

    assert "row 1 (line 2" in message


def test_several_problems_are_all_listed(db, tmp_path: Path) -> None:
    rows = _csv_rows(INDICATORS_CSV)
    rows[2]["polarity"] = "up"
    rows[7]["frequency"] = "weekly"
    path = _write(tmp_path / "indicators.csv", rows, INDICATOR_COLUMNS)

    with pytest.raises(CatalogueError) as refused:
        catalogue_load(indicators_csv=path)

    message = "\n".join(refused.value.messages)
    assert "row 3 (line 4" in message and "polarity" in message
    assert "row 8 (line 9" in message and "frequency" in message
    assert Indicator.objects.count() == 0


def test_an_existing_catalogue_is_left_alone_when_a_file_is_refused(db, tmp_path: Path) -> None:
    catalogue_load()
    before = _snapshot()
    rows = _csv_rows(INDICATORS_CSV)
    rows[0]["title"] = "Changed"
    rows[-1]["unit"] = "bananas"

    with pytest.raises(CatalogueError):
        catalogue_load(indicators_csv=_write(tmp_path / "i.csv", rows, INDICATOR_COLUMNS))

    assert _snapshot() == before


def test_a_repeated_code_is_refused(db, tmp_path: Path) -> None:
    rows = _csv_rows(INDICATORS_CSV)
    rows.append(dict(rows[0]))
    path = _write(tmp_path / "indicators.csv", rows, INDICATOR_COLUMNS)

    with pytest.raises(CatalogueError, match="repeats row 1"):
        catalogue_load(indicators_csv=path)
    assert Indicator.objects.count() == 0


def test_a_wrong_header_is_refused(db, tmp_path: Path) -> None:
    rows = [{k: v for k, v in row.items() if k != "roll_up"} for row in _csv_rows(INDICATORS_CSV)]
    columns = tuple(c for c in INDICATOR_COLUMNS if c != "roll_up")
    path = _write(tmp_path / "indicators.csv", rows, columns)

    with pytest.raises(CatalogueError, match="missing column"):
        catalogue_load(indicators_csv=path)
    assert Indicator.objects.count() == 0


# --- the command ----------------------------------------------------------------------------


def test_load_catalogue_command_prints_counts(db, capsys) -> None:
    call_command("load_catalogue")
    call_command("load_catalogue")

    out = capsys.readouterr().out
    themes, indicators = len(_csv_rows(THEMES_CSV)), len(_csv_rows(INDICATORS_CSV))
    assert f"Themes: {themes} created, 0 updated, 0 unchanged." in out
    assert f"Indicators: {indicators} created, 0 updated, 0 unchanged." in out
    assert f"Indicators: 0 created, 0 updated, {indicators} unchanged." in out


def test_load_catalogue_command_reports_a_refused_file(db, tmp_path: Path) -> None:
    rows = _csv_rows(INDICATORS_CSV)
    rows[0]["unit"] = "percentage"
    path = _write(tmp_path / "indicators.csv", rows, INDICATOR_COLUMNS)

    with pytest.raises(CommandError, match="row 1"):
        call_command("load_catalogue", "--indicators", str(path))
    assert Indicator.objects.count() == 0
