"""The columns of each spreadsheet of the app's own tables (figures, targets, indicators,
areas), and the check of a file's header against them. Pure: no Django, no ORM.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from .findings import Finding, Severity
from .sheet_cells import Table

# --- columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    what: str  # what to write, for the guidance sheet and messages
    example: str


FIGURE_COLUMNS = (
    Column(
        "authority",
        True,
        "The authority's DfE number (865), ONS code (E06000054) or its "
        "short name in this system's addresses (wiltshire).",
        "865",
    ),
    Column("indicator", True, "The indicator's code in the catalogue.", "ASMT-45"),
    Column(
        "period",
        True,
        "A month (2021-09), quarter (fy-2021-22-q2), financial year "
        "(fy-2021-22 or 2021/22), academic year (ay-2021-22) or date (at-2022-03-31). "
        "The period must have ended.",
        "2021-09",
    ),
    Column(
        "breakdown",
        False,
        "Empty for the whole authority, or a category as "
        "dimension: name (locality: North). The category must exist.",
        "",
    ),
    Column(
        "value",
        False,
        "The figure. Leave it empty for a ratio given by its numerator "
        "and denominator: it is then worked out as data entry does.",
        "",
    ),
    Column("numerator", False, "For a percentage, rate or average: the count on top.", "87"),
    Column("denominator", False, "For a percentage, rate or average: the count below.", "100"),
    Column("suppression", False, "Instead of a value: c, k, x, z, u or low.", ""),
    Column("provisional", False, "yes if the figure may still change; empty or no if not.", "no"),
    Column(
        "commentary",
        False,
        "What the figure shows. Leave empty to keep the commentary already held.",
        "",
    ),
)
# Columns an export adds for people to read; importing ignores them. A figure derived from a
# statutory return carries its data quality in words (issue 19).
FIGURE_EXPORT_ONLY = ("indicator_title", "status", "revised", "source", "data_quality")

TARGET_COLUMNS = (
    Column("authority", True, "The authority's DfE number, ONS code or short name.", "865"),
    Column("indicator", True, "The indicator's code in the catalogue.", "ASMT-45"),
    Column("financial_year", True, "The year the target is for: 2021/22 or fy-2021-22.", "2021/22"),
    Column("lower", False, "The lowest value on target (empty for none).", "90"),
    Column(
        "upper",
        False,
        "The highest value on target (empty for none). For a single target "
        "such as 85%, give it as both lower and upper.",
        "95",
    ),
    Column(
        "amber_tolerance",
        False,
        "How far beyond the target, in the indicator's units, "
        "is amber rather than red. Empty means 0.",
        "2",
    ),
)
TARGET_EXPORT_ONLY = ("indicator_title",)

INDICATOR_COLUMNS = (
    Column("code", True, "A unique code, local, DfE or Welsh.", "ASMT-45"),
    Column("title", True, "The title shown on pages and in packs.", "% assessments within 45 days"),
    Column(
        "definition",
        True,
        "What is counted, in plain English.",
        "Assessments completed within 45 working days as a percentage of assessments completed.",
    ),
    Column("what_good_looks_like", False, "What good looks like.", "Higher is better."),
    Column("theme", True, "The theme's short name (slug).", "assessment"),
    Column(
        "unit", True, "percent, rate_10k, count, days, average, score, fte or currency.", "percent"
    ),
    Column("polarity", True, "higher, lower, band or none.", "higher"),
    Column("frequency", True, "monthly, quarterly or annual.", "monthly"),
    Column("measure_type", True, "snapshot, events, rolling_12 or ytd.", "events"),
    Column("decimals", True, "Decimal places shown, 0 to 4.", "1"),
    Column(
        "source",
        True,
        "cin_census, ssda903, workforce, local, audits, complaints, surveys, "
        "education, health, welsh or finance.",
        "local",
    ),
    Column("roll_up", True, "sum, ratio, latest or none.", "ratio"),
    Column(
        "breakdown_dimensions", False, "Dimensions it is entered by, e.g. locality,service.", ""
    ),
    Column("order", False, "Its place within its theme.", "1"),
)

AREA_COLUMNS = (
    Column("name", True, "The area's name.", "Wiltshire"),
    Column(
        "slug", True, "Its short name in addresses: lower case, digits and hyphens.", "wiltshire"
    ),
    Column("kind", True, "authority, region, nation or group.", "authority"),
    Column("nation", False, "england or wales. Empty means england.", "england"),
    Column("ons_code", False, "The nine-character ONS code.", "E06000054"),
    Column("dfe_number", False, "The three-digit DfE LA number (English authorities).", "865"),
    Column("region", False, "For an authority: its region's slug or ONS code.", "south-west"),
)

COLUMNS = {
    "figures": FIGURE_COLUMNS,
    "targets": TARGET_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "areas": AREA_COLUMNS,
}
EXPORT_ONLY = {"figures": FIGURE_EXPORT_ONLY, "targets": TARGET_EXPORT_ONLY}


def check_columns(table: Table, table_name: str) -> dict[str, int]:
    """Where each known column is in the header, adding a finding for each missing required
    column, each repeated column and each unknown one (with the name it was probably meant to
    be). A file of another kind is named as such."""
    columns = COLUMNS[table_name]
    known = [column.name for column in columns]
    ignored = EXPORT_ONLY.get(table_name, ())
    positions: dict[str, int] = {}
    for index, name in enumerate(table.header):
        if not name:
            continue
        if name in positions:
            table.findings.append(Finding(1, name, f"The column {name} appears twice: keep one."))
        elif name in known:
            positions[name] = index
        elif name not in ignored:
            close = difflib.get_close_matches(
                name, [k for k in known if k not in table.header], 1, 0.6
            )
            hint = f": did you mean {close[0]}?" if close else ", so it is ignored."
            table.findings.append(
                Finding(
                    1,
                    name,
                    f"The column {name} is not one this import reads{hint}",
                    Severity.ERROR if close else Severity.WARNING,
                )
            )
    missing = [
        column.name for column in columns if column.required and column.name not in positions
    ]
    if missing:
        other = _looks_like(table.header, table_name)
        hint = (
            f" It looks like a spreadsheet of {other}: choose that kind of import."
            if other
            else (f" The columns are: {', '.join(known)} (download the template to start from).")
        )
        table.findings.append(
            Finding(
                1,
                "",
                f"The file has no {_join(missing)} column{'s' if len(missing) > 1 else ''}.{hint}",
            )
        )
    if table_name == "figures" and not {"value", "numerator", "suppression"} & set(positions):
        table.findings.append(
            Finding(1, "", "The file needs a value column, or numerator and denominator columns.")
        )
    if table_name == "figures" and ("numerator" in positions) != ("denominator" in positions):
        table.findings.append(
            Finding(1, "", "Give both a numerator and a denominator column, or neither.")
        )
    return positions


def _looks_like(header: Sequence[str], table_name: str) -> str:
    for other, columns in COLUMNS.items():
        required = {column.name for column in columns if column.required}
        if other != table_name and required <= set(header):
            return other
    return ""


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
