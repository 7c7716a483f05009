"""The published reader's part in issue 18 (pure, no database): joint authorities read as one
joint area; every code, number and name the Area columns could not hold found at validation
with its row and column; a file whose value column is known but whose other columns differ
told which; a file that gives no figure refused; each figure's published precision kept."""

from decimal import Decimal

import pytest

from indicators import value_rules
from returns.findings import Severity
from returns.published import Mapping, load_mappings, parse_published
from returns.published_areas_read import AREA_LIMITS, PublishedArea, area_problems

GEOGRAPHY = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name"
)
CSWW = "csww_indicators_2017_to_2025.csv"
TURNOVER = Mapping(
    name="social worker turnover",
    indicator_code="WF-TURNOVER",
    file_hint="csww_indicators",
    value_column="turnover_rate_fte",
)
EAST_MIDLANDS = "Reporting year,Local authority,E92000001,England,E12000004,East Midlands"
NORTHANTS = (
    f"{EAST_MIDLANDS},940 / 941,E06000061 / E06000062,"
    "North Northamptonshire / West Northamptonshire"
)
DERBY = f"{EAST_MIDLANDS},831,E06000015,Derby"


def csww(*rows: str) -> str:
    return "\n".join([f"{GEOGRAPHY},turnover_rate_fte", *rows, ""])


def errors(result) -> list[tuple[int, str, str]]:
    return [(f.row, f.column, f.message) for f in result.findings if f.is_error]


def test_a_joint_row_is_one_joint_area_with_its_members() -> None:
    result = parse_published(
        csww(f"2025,{NORTHANTS},10.4", f"2024,{NORTHANTS},11.2", f"2025,{DERBY},9.0"),
        [TURNOVER],
        source_name=CSWW,
    )
    assert errors(result) == []
    joint = result.areas[0]
    assert joint.is_joint
    assert joint.display_name == "North Northamptonshire / West Northamptonshire (joint)"
    assert [(m.la_number, m.code, m.name) for m in joint.members()] == [
        ("940", "E06000061", "North Northamptonshire"),
        ("941", "E06000062", "West Northamptonshire"),
    ]
    assert [(f.area_code, f.value) for f in result.figures] == [
        ("E06000061 / E06000062", Decimal("10.4")),
        ("E06000061 / E06000062", Decimal("11.2")),
        ("E06000015", Decimal("9.0")),
    ]
    assert not result.areas[1].is_joint and result.areas[1].members() == []


def test_a_joint_row_whose_parts_do_not_pair_up_is_an_error_on_its_row() -> None:
    broken = f"{EAST_MIDLANDS},940 / 941,E06000061,North Northamptonshire"
    result = parse_published(
        csww(f"2025,{DERBY},9.0", f"2025,{broken},10.4"), [TURNOVER], source_name=CSWW
    )
    assert [(row, column) for row, column, _ in errors(result)] == [(3, "new_la_code")]
    assert "do not name the same authorities" in errors(result)[0][2]


@pytest.mark.parametrize(
    ("area_cells", "column", "words"),
    [
        (f"{EAST_MIDLANDS},831,E060000150,Derby", "new_la_code", "longer than the 9"),
        (f"{EAST_MIDLANDS},831,E0600001X,Derby", "new_la_code", "is not an ONS code"),
        (f"{EAST_MIDLANDS},8310,E06000015,Derby", "old_la_code", "longer than the 3"),
        (f"{EAST_MIDLANDS},83a,E06000015,Derby", "old_la_code", "not a DfE LA number"),
        (f"{EAST_MIDLANDS},831,E06000015,{'D' * 121}", "la_name", "longer than the 120"),
        (
            "Reporting year,Regional,E92000001,England,E120000040,East Midlands,,,",
            "region_code",
            "longer than the 9",
        ),
    ],
)
def test_what_an_area_column_cannot_hold_is_an_error_at_validation(area_cells, column, words):
    result = parse_published(
        csww(f"2025,{DERBY},9.0", f"2024,{area_cells},10.4"), [TURNOVER], source_name=CSWW
    )
    found = errors(result)
    assert [(row, col) for row, col, _ in found] == [(3, column)]
    assert words in found[0][2]


def test_the_area_limits_are_the_area_models(db) -> None:
    from indicators.models import Area

    assert {
        "code": Area._meta.get_field("ons_code").max_length,
        "la_number": Area._meta.get_field("dfe_code").max_length,
        "name": Area._meta.get_field("name").max_length,
    } == AREA_LIMITS


def test_a_joint_name_too_long_with_its_suffix_is_an_error() -> None:
    long_names = f"{'A' * 58} / {'B' * 58}"
    area = PublishedArea("local", "E06000061 / E06000062", "940 / 941", long_names, "", "")
    assert [column for column, _ in area_problems(area)] == ["la_name"]


STABILITY = Mapping(
    name="3 or more placements",
    indicator_code="CLA-3PLAC",
    file_hint="placement_stability",
    value_column="percentage",
    filters={"cla_group": "CLA on 31 March", "placement_stability": "3 or more placements"},
)


def test_a_file_with_a_known_value_column_but_other_filter_columns_is_told_which() -> None:
    text = "\n".join(
        [
            f"{GEOGRAPHY},looked_after_group,placement_stability,percentage",
            f"2025,{DERBY},CLA on 31 March,3 or more placements,9",
            "",
        ]
    )
    result = parse_published(text, [STABILITY], source_name="la_cla_placement_stability.csv")
    [message] = [m for _r, _c, m in errors(result)]
    assert "none of the columns of the published files we know" not in message
    assert "percentage" in message and "3 or more placements" in message
    assert "filter column cla_group" in message
    assert "placement_stability" not in message.split("but not its")[1]
    assert "aliases" in message


def test_a_file_that_gives_no_figures_cannot_be_committed() -> None:
    # The rows are of a level the reader does not read: nothing would be imported.
    text = csww("2025,Reporting year,Local skills improvement plan area,E92000001,England,,,,,,9.0")
    result = parse_published(text, [TURNOVER], source_name=CSWW)
    assert result.has_errors and result.figures == []
    assert any("gives no figures" in m for _r, _c, m in errors(result))
    # The warning saying why is still there.
    assert any(f.severity == Severity.WARNING for f in result.findings)


def test_a_file_whose_filters_select_no_row_gives_no_figures() -> None:
    text = "\n".join(
        [
            f"{GEOGRAPHY},cla_group,placement_stability,percentage",
            f"2025,{DERBY},Some other group,3 or more placements,9",
            "",
        ]
    )
    result = parse_published(text, [STABILITY], source_name="la_cla_placement_stability.csv")
    assert result.has_errors
    assert any("gives no figures" in m for _r, _c, m in errors(result))


def test_each_figure_keeps_the_places_it_is_published_to() -> None:
    text = csww(f"2025,{DERBY},19.1", f"2024,{DERBY},21", f"2023,{DERBY},18.80", f"2022,{DERBY},c")
    result = parse_published(text, [TURNOVER], source_name=CSWW)
    assert [f.decimals for f in result.figures] == [1, 0, 2, None]
    fixed = Mapping(**{**TURNOVER.__dict__, "decimals": 1})
    result = parse_published(text, [fixed], source_name=CSWW)
    assert [f.decimals for f in result.figures] == [1, 1, 1, 1]


def test_a_mappings_decimals_are_read_written_and_checked(tmp_path) -> None:
    assert Mapping.from_row({**TURNOVER.as_row(), "decimals": "1"}).decimals == 1
    assert Mapping.from_row(TURNOVER.as_row()).decimals is None
    assert Mapping.from_row({**TURNOVER.as_row(), "decimals": "2"}).as_row()["decimals"] == "2"
    with pytest.raises(ValueError, match="decimals"):
        Mapping.from_row({**TURNOVER.as_row(), "decimals": "one"})
    with pytest.raises(ValueError, match="decimals"):
        Mapping(name="x", indicator_code="X", value_column="v", decimals=7)
    # A mappings file with the optional decimals column last, and one without it.
    with_column = tmp_path / "with.csv"
    with_column.write_text(
        "name,indicator_code,file_hint,value_column,numerator_column,denominator_column,"
        "filters,period_column,period_kind,aliases,decimals\n"
        "turnover,WF-TURNOVER,csww,turnover_rate_fte,,,,time_period,fy,,1\n"
        "agency,WF-AGENCY,csww,agency_rate_fte,,,,time_period,fy,,\n"
    )
    assert [m.decimals for m in load_mappings(with_column)] == [1, None]
    without = tmp_path / "without.csv"
    without.write_text("name,indicator_code,value_column\nturnover,WF-TURNOVER,turnover_rate_fte\n")
    assert [m.decimals for m in load_mappings(without)] == [None]


def test_a_measure_check_still_applies_to_a_joint_area() -> None:
    measures = {"WF-TURNOVER": value_rules.Measure(title="Turnover", unit="percent", decimals=1)}
    result = parse_published(
        csww(f"2025,{NORTHANTS},140"), [TURNOVER], source_name=CSWW, measures=measures
    )
    assert [(row, column) for row, column, _ in errors(result)] == [(2, "turnover_rate_fte")]
