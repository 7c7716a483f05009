"""The rules engine: tables read as text frames, a year's set bound to its functions, failures
counted per rule and by child, and a broken rule reported rather than raised. No database."""

from __future__ import annotations

import polars as pl
import pytest

from returns.dfe_rules import engine
from returns.dfe_rules.engine import ReturnTables, failing, rule_set

HEADER = "CHILD,SEX,DOB\nA1,M,01/02/2010\nA2,3,01/02/2011\nA3,F,31/02/2012\n\nA4, F ,2013-05-06\n"


def test_a_table_is_text_with_row_numbers_blank_lines_skipped_and_cells_trimmed():
    frame = engine.frame_of(HEADER)
    assert frame["_row"].to_list() == [2, 3, 4, 5]
    assert frame["SEX"].to_list() == ["M", "3", "F", "F"]
    assert engine.frame_of([["CHILD", "SEX"], ["B1", ""]])["SEX"].to_list() == [None]


def test_table_names_are_read_as_the_rules_name_them():
    assert engine.table_key("Episodes.csv") == "episodes"
    assert engine.table_key("upload/PlacedAdoption.CSV") == "placedadoption"
    assert engine.table_key("SW_Episodes") == "swepisodes"


def test_a_missing_table_or_column_is_empty_or_null_not_an_error():
    tables = ReturnTables.of(2026, {"header": HEADER})
    assert tables.table("episodes", "DECOM").is_empty()
    assert tables.table("header", "ETHNIC")["ETHNIC"].null_count() == 4


def test_dates_read_both_forms_and_null_where_not_a_date():
    frame = engine.frame_of(HEADER).with_columns(engine.dates("DOB").alias("day"))
    assert [d.isoformat() if d else None for d in frame["day"].to_list()] == [
        "2010-02-01",
        "2011-02-01",
        None,
        "2013-05-06",
    ]


def test_the_years_rules_run_and_count_failing_rows_and_children():
    year = rule_set("ssda903", 2026)
    two = engine.RuleSet("ssda903", 2026, tuple(r for r in year.rules if r.code in {"101", "102"}))
    outcome = two.run(ReturnTables.of(2026, {"Header.csv": HEADER}))
    assert outcome.rule_set == "SSDA903 2025/26"
    assert outcome.counts == {"101": 1, "102": 1}
    assert outcome.children == {"101": frozenset({"A2"}), "102": frozenset({"A3"})}
    assert outcome.failures.sort("code").rows() == [
        ("101", "header", 3, "A2"),
        ("102", "header", 4, "A3"),
    ]
    assert outcome.error_count == 2 and outcome.warning_count == 0


def test_a_later_year_without_its_own_rules_is_checked_by_the_latest_before_it():
    assert rule_set("ssda903", 2031).collection_year == max(engine.years_held("ssda903"))


def test_a_rule_that_raises_is_reported_as_not_checked_and_the_rest_run():
    def broken(tables: ReturnTables) -> pl.DataFrame:
        raise KeyError("NO_SUCH_COLUMN")

    def fine(tables: ReturnTables) -> pl.DataFrame:
        return failing(tables.table("header"), "header", pl.col("CHILD") == "A1")

    rules = engine.RuleSet(
        "ssda903",
        2026,
        (
            engine.Rule("X1", "broken", (), engine.ERROR, broken),
            engine.Rule("X2", "fine", (), engine.WARNING, fine),
        ),
    )
    outcome = rules.run(ReturnTables.of(2026, {"header": HEADER}))
    assert outcome.not_checked == {"X1": "KeyError: 'NO_SUCH_COLUMN'"}
    assert outcome.counts == {"X2": 1}
    assert outcome.warning_count == 1


def test_a_definition_naming_no_function_is_refused(tmp_path, monkeypatch):
    year = tmp_path / "ssda903" / "2026"
    year.mkdir(parents=True)
    (year / "bad.csv").write_text("code,severity,message,fields,function\n1,error,m,SEX,nope\n")
    monkeypatch.setattr(engine, "RULES_DIR", tmp_path)
    engine.rule_set.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"bad\.csv row 2: no rule function 'nope'"):
            rule_set("ssda903", 2026)
    finally:
        engine.rule_set.cache_clear()
