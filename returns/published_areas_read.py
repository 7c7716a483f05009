"""The areas of a published file, as its rows name them: England, a region, an authority, or
the joint children's services of two or more authorities. Pure: no Django. `returns.published`
places each row with `Places`; `returns.kinds.published_areas` finds or creates the areas.

**Joint authorities.** The workforce census gives one row for authorities that run children's
services together, with every column joined by " / ": old_la_code "940 / 941", new_la_code
"E06000061 / E06000062", la_name "North Northamptonshire / West Northamptonshire". Such a row
is one area, a *joint* area whose members are those authorities (each its own area, with its
own codes), named "North Northamptonshire / West Northamptonshire (joint)". It has no codes of
its own (no ONS code or DfE number is joint), so it is found again by the set of its members.

**Validation finds what the database would refuse.** Every code, number and name is checked
against the Area columns it will go into (`AREA_LIMITS`, the model's lengths; a test holds the
two together) and against the shape of ONS codes and DfE numbers, with the row and column, so
that a file that previews without errors never meets a database error at commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from indicators.nations import HELD, nation_for_area
from returns.findings import Finding, Severity

from .published_mappings import STANDARD_ALIASES

NATIONAL = "national"
REGIONAL = "regional"
LOCAL = "local"

# The geographic_level values of the files, normalised (stripped, lower case).
LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL}
# The nation of an area by the first letter of its ONS code (W is Wales), as
# `indicators.nations` reads it.
NATION_OF_CODE = HELD

AREA_COLUMNS = frozenset(STANDARD_ALIASES) - {"time_period"}

# The most distinct areas a file may name (England, 9 regions and about 150 authorities, with
# the authorities of earlier years), and the most rows' area cells remembered to place the next.
MAX_AREAS = 2_000
AREA_CACHE = 20_000

# The lengths of the Area columns a published area is written to (indicators.models.Area:
# ons_code, dfe_code, name).
AREA_LIMITS = {"code": 9, "la_number": 3, "name": 120}
JOINT_SEPARATOR = " / "
JOINT_SUFFIX = " (joint)"
ONS_CODE = re.compile(r"[A-Z]\d{8}")
LA_NUMBER = re.compile(r"\d{1,3}")


class TooBig(Exception):
    """The file is beyond one of the reader's limits: reading stops with this message."""


@dataclass(frozen=True, slots=True)
class PublishedArea:
    """An area as a published file names it. ``code`` is the ONS code (country, region or
    authority); ``la_number`` the DfE three-digit number, "" for England and the regions. A
    joint area's code, number and name are its members', joined by " / " as the file has them.
    """

    level: str
    code: str
    la_number: str
    name: str
    region_code: str
    region_name: str

    @property
    def is_joint(self) -> bool:
        return self.level == LOCAL and (
            JOINT_SEPARATOR.strip() in self.code or JOINT_SEPARATOR.strip() in self.la_number
        )

    def members(self) -> list[PublishedArea]:
        """A joint area's member authorities (in the file's order); [] for any other area, or
        for a joint row whose codes, numbers and names do not pair up (`area_problems`)."""
        if not self.is_joint:
            return []
        codes = _parts(self.code)
        numbers = _parts(self.la_number)
        names = _parts(self.name)
        if not (len(codes) == len(numbers) == len(names)) or len(codes) < 2:
            return []
        return [
            PublishedArea(LOCAL, code, number, name, self.region_code, self.region_name)
            for code, number, name in zip(codes, numbers, names, strict=True)
        ]

    @property
    def display_name(self) -> str:
        """The name the area is stored under: a joint area's says it is joint."""
        return f"{self.name}{JOINT_SUFFIX}" if self.is_joint else self.name


def _parts(text: str) -> list[str]:
    return [part.strip() for part in text.split(JOINT_SEPARATOR.strip())]


def joint_key(codes: list[str]) -> frozenset[str]:
    """What a joint area is found again by: the set of its members' codes (ONS codes or DfE
    numbers), in any order."""
    return frozenset(code for code in codes if code)


def area_problems(area: PublishedArea) -> list[tuple[str, str]]:
    """What the database would refuse of an area, as (column, message): codes, numbers and
    names too long or of the wrong shape, a joint row whose parts do not pair up, a code of a
    nation not held, members of two nations. Empty when the area can be stored."""
    if area.is_joint:
        members = area.members()
        if not members:
            return [
                (
                    "new_la_code",
                    f"{area.la_number!r}, {area.code!r} and {area.name!r} do not name the same "
                    "authorities: a joint row gives each member's number, code and name, in "
                    "the same order, separated by ' / '.",
                )
            ]
        problems = [problem for member in members for problem in _one_area_problems(member)]
        nations = {nation_for_area(member.code, "").nation for member in members}
        if len(nations) > 1:
            problems.append(
                ("new_la_code", f"The joint authorities {area.code} are in different nations.")
            )
        if len(area.display_name) > AREA_LIMITS["name"]:
            problems.append(("la_name", _too_long("name", area.display_name)))
        return problems
    return _one_area_problems(area)


def _too_long(what: str, text: str) -> str:
    key = "la_number" if what == "LA number" else "code" if what == "code" else "name"
    return (
        f"The {what} {text!r} is longer than the {AREA_LIMITS[key]} characters an area's "
        f"{what} may have."
    )


def _one_area_problems(area: PublishedArea) -> list[tuple[str, str]]:
    code_column = {LOCAL: "new_la_code", REGIONAL: "region_code"}.get(area.level, "country_code")
    name_column = {LOCAL: "la_name", REGIONAL: "region_name"}.get(area.level, "country_name")
    problems: list[tuple[str, str]] = []
    if area.code and not ONS_CODE.fullmatch(area.code):
        if len(area.code) > AREA_LIMITS["code"]:
            problems.append((code_column, _too_long("code", area.code)))
        else:
            problems.append(
                (code_column, f"{area.code!r} is not an ONS code (a letter and 8 digits).")
            )
    if area.la_number and not LA_NUMBER.fullmatch(area.la_number):
        if len(area.la_number) > AREA_LIMITS["la_number"]:
            problems.append(("old_la_code", _too_long("LA number", area.la_number)))
        else:
            problems.append(
                ("old_la_code", f"{area.la_number!r} is not a DfE LA number (three digits).")
            )
    if len(area.name) > AREA_LIMITS["name"]:
        problems.append((name_column, _too_long("name", area.name)))
    if area.code and (problem := nation_for_area(area.code, "").problem):
        problems.append((code_column, problem))
    return problems


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    """A figure as the reader gives it (`returns.published.parse_published`). ``decimals``:
    the places the publication gives it to (the mapping's, or those of the cell's text)."""

    level: str
    area_code: str
    la_number: str
    area_name: str
    region_code: str
    region_name: str
    indicator_code: str
    period_kind: str
    period_start: date
    value: Decimal | None
    suppression: str
    numerator: Decimal | None
    denominator: Decimal | None
    row: int
    decimals: int | None = None


@dataclass
class ParseResult:
    figures: list[PublishedFigure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    areas: list[PublishedArea] = field(default_factory=list)
    # How many figures each mapping (by name) produced: 0 means its rows were never found.
    figures_by_mapping: dict[str, int] = field(default_factory=dict)
    findings_not_listed: int = 0

    @property
    def has_errors(self) -> bool:
        return self.findings_not_listed > 0 or any(f.is_error for f in self.findings)


MAX_FINDINGS = 1000  # beyond this a broken file's findings are counted, not listed


@dataclass
class Collector:
    """Adds findings to a result, counting rather than listing those beyond MAX_FINDINGS."""

    result: ParseResult

    def add(self, row: int, column: str, message: str, severity: Severity = Severity.ERROR) -> None:
        if len(self.result.findings) < MAX_FINDINGS:
            self.result.findings.append(Finding(row, column, message, severity))
        else:
            self.result.findings_not_listed += 1


Placed = tuple[PublishedArea, str, int]  # the area, its identity, its position in the list


class Places:
    """Turns a row's area cells into a PublishedArea, remembering every distinct one, and
    reports authorities whose code or name changed, areas the database would refuse, and rows
    at levels that are not read."""

    def __init__(self, geography: dict[str, int], found: Collector, result: ParseResult):
        self.columns = [
            column
            for column, position in geography.items()
            if position >= 0 and column in AREA_COLUMNS
        ]
        self.positions = [geography[column] for column in self.columns]
        self.found = found
        self.result = result
        self.area_cache: dict[tuple[str, ...], Placed] = {}
        self.by_number: dict[str, tuple[PublishedArea, int]] = {}
        self.reported: set[tuple[str, str, str]] = set()
        self.unknown_levels: dict[str, list[int]] = {}
        self.known: dict[PublishedArea, int] = {}

    def area(self, cells: tuple[str, ...], row_number: int) -> Placed | None:
        """The area a row's area cells name, its identity (level and number or code) and its
        position in the file's list of areas; None (with a finding) for a row that names none,
        or one area more than MAX_AREAS."""
        get = dict(zip(self.columns, (cell.strip() for cell in cells), strict=True)).get
        level_text = get("geographic_level", "")
        level = LEVELS.get(level_text.casefold())
        if level is None:
            self.unknown_levels.setdefault(level_text, []).append(row_number)
            return None
        region_code = get("region_code", "")
        region_name = get("region_name", "")
        la_number = ""
        if level == LOCAL:
            la_number = get("old_la_code", "")
            code = get("new_la_code", "")
            name = get("la_name", "")
        elif level == REGIONAL:
            code, name = region_code, region_name
        else:
            code = get("country_code", "")
            name = get("country_name", "") or "England"
            region_code = region_name = ""
        if not (la_number or code):
            self.found.add(
                row_number, "", f"Row {row_number} is a {level_text} row with no area code."
            )
            return None
        area = PublishedArea(level, code, la_number, name, region_code, region_name)
        position = self.known.get(area)
        if position is None:
            if len(self.known) == MAX_AREAS:
                raise TooBig(
                    f"The file names more than {MAX_AREAS:,} areas (row {row_number} names "
                    f"another): a published file names England, its regions and at most a few "
                    "hundred authorities. Check that it is a DfE authority-level file."
                )
            position = self.known[area] = len(self.result.areas)
            self.result.areas.append(area)
            self._check_number(area, row_number)
            for column, problem in area_problems(area):
                self.found.add(row_number, column, f"Row {row_number}: {problem}")
        placed = (area, f"{level}:{la_number or code}", position)
        if len(self.area_cache) < AREA_CACHE:
            self.area_cache[cells] = placed
        return placed

    def _check_number(self, area: PublishedArea, row_number: int) -> None:
        if not area.la_number:
            return
        earlier = self.by_number.get(area.la_number)
        if earlier is None:
            self.by_number[area.la_number] = (area, row_number)
            return
        first, first_row = earlier
        variant = (area.la_number, area.code, area.name)
        if (first.code, first.name) == (area.code, area.name) or variant in self.reported:
            return
        self.reported.add(variant)
        self.found.add(
            row_number,
            "new_la_code",
            f"LA number {area.la_number} is {first.name} ({first.code}) at row {first_row} and "
            f"{area.name} ({area.code}) at row {row_number}: the authority was reorganised or "
            f"renamed. Its figures are kept under {area.la_number}.",
            Severity.WARNING,
        )
