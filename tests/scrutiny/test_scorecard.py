"""The scorecard's order and key, the layouts' columns and the sparkline's words: pure rules on
content dicts, without the database (scrutiny.scorecard, scrutiny.layouts, scrutiny.sparklines)."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scrutiny import layouts, scorecard, sparklines

RAGS = ["red", "amber", "green", "not_rated", ""]
DIRECTIONS = ["improving", "worsening", "no_change", "up", "down", "not_known", ""]

rows_strategy = st.lists(
    st.fixed_dictionaries(
        {"rag": st.sampled_from(RAGS), "direction": st.sampled_from(DIRECTIONS)}
    ).map(lambda row: {**row}),
    max_size=30,
)


def numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "number": index} for index, row in enumerate(rows)]


@given(rows_strategy)
def test_exceptions_come_first_red_then_worsening_then_the_rest_in_the_packs_order(
    rows: list[dict[str, Any]],
) -> None:
    given_rows = numbered(rows)
    ordered = scorecard.exceptions_first(given_rows)
    # Nothing lost or added.
    assert sorted(row["number"] for row in ordered) == list(range(len(rows)))
    ranks = [scorecard.exception_rank(row["rag"], row["direction"]) for row in ordered]
    assert ranks == sorted(ranks)
    # Red before anything else; worsening (not red) before the rest.
    reds = [row for row in ordered if row["rag"] == "red"]
    assert ordered[: len(reds)] == reds
    rest = ordered[len(reds) :]
    worsening = [row for row in rest if row["direction"] == "worsening"]
    assert rest[: len(worsening)] == worsening
    # Within each group, the order the pack shows them in.
    for rank in set(ranks):
        numbers = [row["number"] for row, r in zip(ordered, ranks, strict=True) if r == rank]
        assert numbers == sorted(numbers)


def test_a_red_measure_getting_better_still_comes_before_a_green_one_getting_worse() -> None:
    rows = [
        {"code": "GREEN-WORSE", "rag": "green", "direction": "worsening"},
        {"code": "AMBER", "rag": "amber", "direction": "improving"},
        {"code": "RED-BETTER", "rag": "red", "direction": "improving"},
    ]
    assert [row["code"] for row in scorecard.exceptions_first(rows)] == [
        "RED-BETTER",
        "GREEN-WORSE",
        "AMBER",
    ]


@given(rows_strategy)
def test_the_key_explains_every_colour_and_symbol_used_and_nothing_else(
    rows: list[dict[str, Any]],
) -> None:
    key = scorecard.scorecard_key(rows)
    colours = {entry["css"] for entry in key if entry["css"]}
    symbols = {entry["symbol"] for entry in key if entry["symbol"]}
    assert colours == {scorecard.rating_css(row["rag"]) for row in rows}
    assert symbols == {scorecard.travel_symbol(row["direction"]) for row in rows}
    # Every entry says in words what it means: colour is never the only key.
    assert all(entry["label"] and entry["words"] for entry in key)


def indicator(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Visits on time",
        "code": "VISITS",
        "target": "no target",
        "rag": "not_rated",
        "direction": "improving",
        "comparators": [],
        "prior": [],
        "trend": [],
        "commentary": "",
        **fields,
    }


def cell(label: str, value: str | None) -> dict[str, Any]:
    return {"label": label, "kind": "nation", "value": value, "text": value or "no figure"}


def test_a_compact_table_leaves_out_columns_nothing_fills() -> None:
    bare = layouts.compact_table([indicator(), indicator(code="OTHER")])
    assert (bare["prior"], bare["target"], bare["comparators"], bare["trend"]) == (
        False,
        False,
        [],
        False,
    )
    full = layouts.compact_table(
        [
            indicator(
                target="90%",
                prior=[{"text": "80%"}],
                comparators=[cell("England", "83"), cell("Statistical neighbours", None)],
                sparkline="<svg></svg>",
            ),
            indicator(comparators=[cell("England", None), cell("Statistical neighbours", None)]),
        ]
    )
    # One target in the section is enough for the column; neighbours with no figure anywhere
    # get none.
    assert (full["prior"], full["target"], full["comparators"], full["trend"]) == (
        True,
        True,
        ["England"],
        True,
    )
    assert [row["cells"][0]["value"] for row in full["rows"]] == ["83", None]
    # The commentary's row spans the measure, current, rating and the four filled columns.
    assert full["rows"][0]["span"] == 3 + 4


def test_a_period_grid_leaves_out_target_england_and_comment_when_empty() -> None:
    bare_row = {"target": "no target", "national": None, "commentary": ""}
    bare = layouts.period_grid([indicator(grid={"rows": [bare_row], "previous": None})])
    assert (bare["target"], bare["national"], bare["commentary"], bare["span"]) == (
        False,
        False,
        False,
        2,
    )
    filled = layouts.period_grid(
        [
            indicator(grid={"rows": [bare_row], "previous": None}),
            indicator(
                grid={
                    "rows": [],
                    "previous": {
                        "target": "90%",
                        "national": {"value": "83", "text": "83%"},
                        "commentary": "Recovered after the summer",
                    },
                }
            ),
        ]
    )
    assert (filled["target"], filled["national"], filled["commentary"], filled["span"]) == (
        True,
        True,
        True,
        5,
    )


def test_each_kind_and_layout_has_its_own_include() -> None:
    assert layouts.section_template("scorecard") == "scrutiny/sections/_scorecard.html"
    assert layouts.layout_template("table") == "scrutiny/sections/layouts/_table.html"
    # A pack published before layouts existed was shown as cards, and still is.
    assert layouts.layout_template("") == "scrutiny/sections/layouts/_cards.html"
    section = layouts.laid_out({"kind": "theme_page", "indicators": []})
    assert section["layout_template"] == "scrutiny/sections/layouts/_cards.html"


def point(period: str, value: str | None) -> dict[str, Any]:
    return {"period": period, "value": value, "text": f"{value}%" if value else "suppressed"}


def test_the_sparkline_says_in_words_what_it_draws() -> None:
    points = [point("2015/16", "80"), point("2016/17", None), point("2017/18", "87")]
    words = sparklines.sparkline_text("% visits on time", points)
    assert words == (
        "Trend of % visits on time over 3 periods: from 80% (2015/16) to 87% (2017/18); "
        "lowest 80% (2015/16), highest 87% (2017/18)."
    )
    svg = sparklines.sparkline_svg("% visits on time", points)
    assert 'role="img"' in svg
    assert 'aria-label="Trend of % visits on time over 3 periods' in svg
    assert "<title>Trend of % visits on time" in svg
    # The suppressed figure breaks the line rather than dropping it to zero.
    assert svg.count("<polyline") == 2


def test_a_sparkline_needs_two_figures_and_escapes_its_words() -> None:
    assert sparklines.sparkline_svg("One", [point("2017/18", "87")]) == ""
    assert sparklines.sparkline_text("One", [point("2017/18", "87")]) == (
        "One: one figure, 87% (2017/18)."
    )
    svg = sparklines.sparkline_svg('<b>"x"</b>', [point("a", "1"), point("b", "2")])
    assert "<b>" not in svg and "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in svg


def appendix_row(national: dict[str, Any] | None, neighbours: dict[str, Any] | None) -> dict:
    return {"title": "Visits on time", "national": national, "neighbours": neighbours}


@given(
    nation=st.sampled_from(["England", "Wales"]),
    rows=st.lists(
        st.tuples(st.sampled_from([None, "83", "no figure"]), st.sampled_from([None, "85"])),
        max_size=6,
    ),
)
def test_the_appendix_shows_a_comparator_column_only_where_a_row_has_its_figure(
    nation: str, rows: list[tuple[str | None, str | None]]
) -> None:
    def as_cell(value: str | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return cell(nation, None if value == "no figure" else value)

    table = layouts.appendix_table([appendix_row(as_cell(n), as_cell(s)) for n, s in rows], nation)
    national = any(n not in (None, "no figure") for n, _ in rows)
    neighbours = any(s is not None for _, s in rows)
    expected = [nation] * national + ["Statistical neighbours"] * neighbours
    assert table["comparators"] == expected
    assert all(len(row["cells"]) == len(expected) for row in table["rows"])
    assert "England or Wales" not in table["comparators"]


def test_the_national_column_names_the_authoritys_nation_or_says_national_average() -> None:
    rows = [appendix_row(cell("Wales", "81"), None)]
    assert layouts.appendix_table(rows, "Wales")["comparators"] == ["Wales"]
    # A pack frozen before its content named the nation.
    assert layouts.laid_out({"kind": "appendix", "rows": rows})["appendix"]["comparators"] == [
        "National average"
    ]
    card = [{"rag": "not_rated", "direction": "", "comparators": [cell("Wales", "81")]}]
    table = layouts.scorecard_table(card, "Wales")
    assert table["comparators"] == ["Wales"]
    grey = next(entry for entry in table["key"] if entry["label"] == "Grey")
    assert "compares with Wales or its neighbours" in grey["words"]
    assert scorecard.comparator_headings("England") == [
        "England",
        "Statistical neighbours",
        "Region",
    ]
