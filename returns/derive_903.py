"""Validate one SSDA903 return (the CSV tables) and derive its aggregate figures. Pure: no Django.

The SSDA903 is England's children-looked-after return: one set of CSV tables per authority per
year to 31 March (see DOMAIN.md, "SSDA903"). `derive_903` reads the tables, reports every
problem as a `Finding` (never an exception), and derives the year's indicators:

- CLA-COUNT, CLA-RATE (given a population aged 0-17), CLA-FOSTER, CLA-S20, UASC-COUNT and
  CLA-3PLAC, all of children looked after at 31 March (short breaks, LS V3/V4, excluded);
- CLA-STAB-LT (long-term stability);
- CL-EET-1718, CL-EET-1921, CL-ACC-1718, CL-ACC-1921 (care leavers, OC3);
- HLT-CHECK, HLT-DENTAL, HLT-IMMS, HLT-SDQ, HLT-SDQ-PCT (looked after 12 months+, OC2);
- ADOPT-A1, ADOPT-A2 (children adopted in the year; single year, not the three-year average).

Distance and out-of-authority measures (CLA-20MILES, CLA-OUTCOUNTY) need postcode reference data
and are not derived here.

Privacy (DESIGN.md): child-level rows live only inside `derive_903`. The result, `Derived903`,
holds aggregates, findings and counts; no finding quotes a child's identifier, date of birth or
postcode (row numbers and code values only). The one exception is `Derived903.counted`: for each
figure, the CHILD identifiers it counts, so that validation can say how many of them a rule
error touches (`dfe_rules.quality`). It lives in memory only, while the return is validated:
it is never stored, logged, shown or put in a finding, and it is left out of the result's repr.

Codes are checked against the collection year's lists (`codes_for_year`; sources and the
changes by year are under "Codes by collection year" below): RNE, LS, CIN and PLACE must be
given; REC, PLACE_PROVIDER and REASON_PLACE_CHANGE may be blank; OC3's IN_TOUCH must be given,
ACTIV and ACCOM may be blank. A code not valid in the year is an ERROR naming the year (and,
for a withdrawn code, the last year it was valid). HOME_POST and PL_POST are not read: a blank
or unknown postcode is accepted without a finding.

Ambiguous rules are module constants: `PLACEMENT_CHANGE_RNE` (B counts as a placement change by
default) and `COUNT_TEMPORARY_PLACEMENTS` (temporary placements T0-T4 are not counted by
default); `OC3_IN_TOUCH` (the care-leaver denominator).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from .findings import Finding, Severity
from .limits import DEFAULT_LIMITS, SETTINGS, ImportLimits, too_many
from .memory import gc_paused
from .text_streams import LineTooLong, NotUtf8

# A table as CSV text, or as its rows (the header row first): as the XML reader builds them,
# or as a return's ZIP streams them (`kinds.statutory`), read once, row by row.
Table = str | Iterable[Sequence[str]]

# --- Rules ----------------------------------------------------------------------------------------

# Reasons for a new episode that mean the child changed placement. L (legal status only) is not a
# change. B is counted by default: the DfE's placement-stability tables count every RNE other
# than L (and S, a new period of care, which is a new placement anyway). Remove "B" here to stop
# counting it.
PLACEMENT_CHANGE_RNE: frozenset[str] = frozenset({"P", "T", "B", "U"})
NEW_PERIOD_RNE = "S"

# Temporary placements (PLACE T0-T4: holidays, respite, hospital, of three days or less) are not
# counted as placements by default, and a return to the placement the child was in before one is
# not counted either: that is the DfE's practice for placement stability. Set True to count them.
COUNT_TEMPORARY_PLACEMENTS = False
TEMPORARY_PLACEMENTS: frozenset[str] = frozenset({"T0", "T1", "T2", "T3", "T4"})

SHORT_BREAKS: frozenset[str] = frozenset({"V3", "V4"})
SECTION_20 = "V2"
FOSTER_CARE: frozenset[str] = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
PLACED_FOR_ADOPTION: frozenset[str] = frozenset({"A3", "A4", "A5", "A6"})
# Placed for adoption with the child's current foster carers: the same placement continues.
ADOPTION_WITH_CURRENT_CARERS: frozenset[str] = frozenset({"A3", "A5"})
_SAME_CARERS_BEFORE = FOSTER_CARE | ADOPTION_WITH_CURRENT_CARERS
CONTINUES_IN_CARE = "X1"
ADOPTED: frozenset[str] = frozenset({"E11", "E12"})
PLACEMENT_ORDER_LS: frozenset[str] = frozenset({"E1", "D1"})

# OC3: the denominator is the care leavers the authority is in touch with ("YES"); those who
# died (DIED) or returned home (RHOM) are thereby excluded, as are NO, REFU and NREQ.
OC3_IN_TOUCH: frozenset[str] = frozenset({"YES"})
OC3_IN_TOUCH_CODES: frozenset[str] = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})

LONG_TERM_AGE_UNDER = 16
SDQ_AGES = (5, 16)

# --- Codes by collection year ---------------------------------------------------------------------
# Each coded column's valid codes, by collection year (2025 = the year to 31 March 2025, the DfE's
# "2024 to 2025" collection). Written from the DfE's SSDA903 guidance as the DfE-supported
# validator encodes it year by year (data-to-insight/csc-validator-be-903, lac_validator/rules/
# lac2022_23 ... lac2025_26: rules 143 RNE, 144 LS, 145 CIN, 146 PLACE, 149 REC, 178
# PLACE_PROVIDER, 1009 REASON_PLACE_CHANGE, 131 IN_TOUCH, 132 ACTIV, 133 ACCOM). Only PLACE has
# changed since 2020/21:
# - to 2023/24 (collection years 2021-2024): the long-standing list, with H5 (semi-independent
#   living), P2 (independent living) and Z1 (other placements). 2023/24 changed no codes: from
#   28 October 2023 an English H5 placement needs an Ofsted URN (rule 230), a rule on URNs;
# - 2024/25 (2025): K3 added (supported accommodation registered with Ofsted under the
#   Supported Accommodation (England) Regulations 2023); H5 and P2 still valid;
# - 2025/26 (2026): H5, P2 and Z1 withdrawn; Z1 split into Z11, Z12, Z13 and Z14.
# A code is checked against its collection year's list, for every episode in the return (an
# episode that began years ago with a code since withdrawn is reported, as the DfE's own
# validation does). A year not listed uses the nearest year's list, with a warning.

_RNE = frozenset({"S", "L", "P", "T", "B", "U"})
_LS = frozenset({"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"})
_CATEGORY_OF_NEED = frozenset({"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"})
_PLACE_TO_2024 = frozenset(
    {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1"}
    | {"T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"}
)
_PLACE_2025 = _PLACE_TO_2024 | {"K3"}
_PLACE_FROM_2026 = (_PLACE_2025 - {"H5", "P2", "Z1"}) | {"Z11", "Z12", "Z13", "Z14"}
_REC = frozenset(
    {"X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46"}
    | {"E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9"}
)
_PLACE_PROVIDER = frozenset({"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"})
_REASON_PLACE_CHANGE = frozenset(
    {"ALLEG", "APPRR", "CARPL", "CHILD", "CLOSE", "CREQB", "CREQO", "CUSTOD", "LAREQ", "OTHER"}
    | {"PLACE", "STAND"}
)
# OC3: activity (F full-time, P part-time education or training ...; G not in education,
# employment or training; 0 no information) and accommodation (a letter for the kind, then 1
# suitable or 2 not suitable; 0 no information).
_ACTIV = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"})
_ACCOM = frozenset(
    {"B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1"}
    | {"R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2"}
    | {"0"}
)


def _year_codes(place: frozenset[str]) -> dict[str, frozenset[str]]:
    return {
        "RNE": _RNE,
        "LS": _LS,
        "CIN": _CATEGORY_OF_NEED,
        "PLACE": place,
        "REC": _REC,
        "PLACE_PROVIDER": _PLACE_PROVIDER,
        "REASON_PLACE_CHANGE": _REASON_PLACE_CHANGE,
        "IN_TOUCH": OC3_IN_TOUCH_CODES,
        "ACTIV": _ACTIV,
        "ACCOM": _ACCOM,
    }


_CODES: dict[int, dict[str, frozenset[str]]] = {
    **dict.fromkeys((2021, 2022, 2023, 2024), _year_codes(_PLACE_TO_2024)),
    2025: _year_codes(_PLACE_2025),
    2026: _year_codes(_PLACE_FROM_2026),
}


def codes_for_year(year: int) -> dict[str, frozenset[str]]:
    """The valid codes of each coded column for a collection year (nearest year known)."""
    nearest = min(_CODES, key=lambda known: (abs(known - year), -known))
    return _CODES[nearest]


def year_label(year: int) -> str:
    """The DfE's name for a collection year: 2025 is "2024/25"."""
    return f"{year - 1}/{year % 100:02d}"


def code_not_valid(column: str, code: str, year: int) -> str:
    """Why a code is not valid in a collection year, saying when it was valid if ever."""
    shown = f"{column} '{code[:10]}'"
    message = f"{shown} is not a valid code in {year_label(year)} (the year to 31 March {year})"
    valid_in = sorted(known for known, codes in _CODES.items() if code in codes.get(column, ()))
    if not valid_in:
        return f"{message}."
    if valid_in[-1] < year:
        return f"{message}: it was withdrawn after {year_label(valid_in[-1])}."
    return f"{message}: it is valid from {year_label(valid_in[0])}."


# --- Tables and columns ---------------------------------------------------------------------------

# Required columns of each table this module reads. Other tables are accepted and ignored.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "uasc": ("CHILD", "DUC"),
    "oc2": ("CHILD", "DOB", "SDQ_SCORE", "HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("CHILD", "DATE_INT", "DATE_MATCH"),
}
# Other tables of the return: recognised and their rows counted (for what the review says was
# read), not read: no figure derived here comes from them (the DfE's rules read them). Named as
# the DfE's specification and the open validator name them (data-to-insight/csc-validator-be-903,
# `lac_validator/config.py` and its rules), by `_table_name`: PlacedAdoption, PrevPerm, Missing,
# Reviews; and the tables added since the 2023-24 collection, SWEpisodes (social worker
# episodes: SW_ID, SW_DECOM, SW_DEC, SW_REASON; also sent as SW_Episodes) and DoLo
# (deprivation of liberty orders: DOLO_START, DOLO_END).
OTHER_TABLES: frozenset[str] = frozenset(
    {"placedadoption", "prevperm", "missing", "reviews", "swepisodes", "dolo"}
)
# Names the tables are also sent under, spelt out in full or singular.
TABLE_ALIASES = {
    "placedforadoption": "placedadoption",
    "previouspermanence": "prevperm",
    "swepisode": "swepisodes",
    "socialworkerepisodes": "swepisodes",
    "deprivationoflibertyorders": "dolo",
    "deprivationofliberty": "dolo",
}

# Columns whose values are personal data: never quoted in a finding.
_PERSONAL = frozenset({"CHILD", "DOB", "MC_DOB", "UPN", "HOME_POST", "PL_POST", "MOTHER"})

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NOT_TABLE_CHAR = re.compile(r"[^a-z0-9]")

# --- Result ---------------------------------------------------------------------------------------


class Figure(NamedTuple):
    """One derived figure: the value (None when the denominator is 0) and its parts.

    Percentages are 0-100; averages are numerator / denominator; counts have no denominator."""

    value: float | None
    numerator: float
    denominator: float | None


@dataclass(frozen=True)
class Derived903:
    """What leaves this module: aggregates, findings and counts; and, in memory only, the
    children each figure counts (`counted`, see the module's privacy note)."""

    collection_year: int
    figures: dict[str, Figure]
    findings: list[Finding]
    children: int  # distinct children in the episodes table
    episodes: int  # episode rows read (duplicates excluded)
    rows: dict[str, int] = field(default_factory=dict)  # data rows per table, as in the file
    not_listed: int = 0  # errors found beyond the findings kept (ImportLimits.findings)
    # Figure code -> the CHILD identifiers in its numerator or denominator: for a count, the
    # children counted; for a percentage or an average, its denominator's cohort. For the
    # figures' data quality during validation only: never stored, never in a finding.
    counted: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)


# --- Child-level records (internal) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Episode:
    child: str
    decom: date
    rne: str
    ls: str
    cin: str
    place: str
    dec: date | None
    rec: str
    reason_place_change: str
    provider: str
    urn: str
    row: int

    @property
    def placement_key(self) -> tuple[str, str, str]:
        return (self.place, self.provider, self.urn)


@dataclass(frozen=True, slots=True)
class CareLeaver:
    child: str
    dob: date | None
    in_touch: str
    activ: str
    accom: str


@dataclass(frozen=True, slots=True)
class Health:
    child: str
    dob: date | None
    sdq: int | None
    health_check: bool
    teeth_check: bool
    immunisations: bool


@dataclass(frozen=True, slots=True)
class Adoption:
    child: str
    date_int: date | None
    date_match: date | None


# --- Reading --------------------------------------------------------------------------------------


class _Bad:
    """A cell that should be a date and is not."""


_BAD = _Bad()


class TooLarge(Exception):
    """Stops reading: the return holds more than `ImportLimits.return_rows` rows of a table
    (or elements of a kind); the message is the finding that refuses it."""


def too_many_rows(what: str, limit: int, unit: str = "rows") -> TooLarge:
    """The refusal of a return past `limit`: "The episodes table has" more than 300,000 rows."""
    return TooLarge(
        too_many(
            what,
            f"{limit:,} {unit}",
            SETTINGS["return_rows"],
            "Check that this is one authority's return for one year.",
        )
    )


class _Reader:
    """Reads tables, collecting findings (the first `limits.findings`; errors beyond are
    counted); dates are parsed once per distinct string."""

    def __init__(self, limits: ImportLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.findings: list[Finding] = []
        self.not_listed = 0
        self._dates: dict[str, date | _Bad | None] = {"": None}

    def find(
        self, table: str, row: int, column: str, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        if len(self.findings) < self.limits.findings:
            self.findings.append(Finding(row, column, f"{table}: {message}", severity))
        elif severity == Severity.ERROR:
            self.not_listed += 1

    def parse_date(self, text: str) -> date | _Bad | None:
        try:
            return self._dates[text]
        except KeyError:
            pass
        parsed: date | _Bad | None = _BAD
        match = _DATE.fullmatch(text.strip())
        if match:
            day, month, year = (int(part) for part in match.groups())
            if 1900 <= year <= 2100:
                try:
                    parsed = date(year, month, day)
                except ValueError:
                    parsed = _BAD
        if not text.strip():
            parsed = None
        self._dates[text] = parsed
        return parsed

    def cell_date(
        self, table: str, row: int, column: str, text: str, required: bool = False
    ) -> date | _Bad | None:
        value = self.parse_date(text)
        if isinstance(value, _Bad):
            shown = "" if column in _PERSONAL else f" ('{text[:20]}')"
            self.find(table, row, column, f"{column}{shown} is not a date in the form dd/mm/yyyy.")
        elif value is None and required:
            self.find(table, row, column, f"{column} is blank.")
        return value

    def count(self, table: str, text: Table) -> int:
        """The data rows of a table this module does not read, counted as `rows` counts them
        (up to the last row with a cell filled), nothing kept; 0 when it cannot be read (the
        finding says why). Held to `limits.return_rows` as the tables read are."""
        limit = self.limits.return_rows + 1  # the header row is not counted
        number = last_filled = 0
        try:
            for record in _records(text):
                number += 1
                if number > limit:
                    raise too_many_rows(f"The {table} table has", self.limits.return_rows)
                if number > 1 and any(cell.strip() for cell in record):
                    last_filled = number
        except (csv.Error, NotUtf8, LineTooLong) as error:
            self.unreadable(table, error)
            return 0
        return max(last_filled - 1, 0)

    def unreadable(self, table: str, error: csv.Error | NotUtf8 | LineTooLong) -> None:
        """The finding for a table that cannot be read as CSV text."""
        if isinstance(error, NotUtf8):
            self.find(
                table,
                error.line,
                "",
                f"the file is not UTF-8 text (line {error.line:,} holds byte 0x{error.byte:02x}): "
                "save it as CSV UTF-8.",
            )
        elif isinstance(error, LineTooLong):
            self.find(
                table,
                error.line,
                "",
                f"line {error.line:,} is longer than {error.limit:,} characters, which no "
                "table of a return is: check that this is the return's CSV file.",
            )
        else:
            self.find(table, 1, "", f"the file cannot be read as CSV ({error}).")

    def rows(
        self, table: str, text: Table, required: tuple[str, ...]
    ) -> tuple[list[list[str]] | None, dict[str, int], int]:
        """The data rows (cells stripped, duplicates dropped with a finding), the column index
        and the number of data rows in the file; rows is None when the table cannot be read.

        The table is read row by row and only the rows kept are held: past
        `limits.return_rows` rows it raises `TooLarge`, whatever the file holds after."""
        records = _records(text)
        limit = self.limits.return_rows + 1  # the header row is not counted
        index: dict[str, int] = {}
        missing: list[str] = []
        width = 0
        number = last_filled = 0  # the last row with a cell filled; 0: none
        seen: dict[tuple[str, ...], int] = {}
        kept: list[list[str]] = []
        try:
            for record in records:
                number += 1
                if number == 1:
                    for position, name in enumerate(record):
                        index.setdefault(name.strip().upper(), position)
                    missing = [column for column in required if column not in index]
                    width = len(record)
                    if any(cell.strip() for cell in record):
                        last_filled = 1
                    continue
                if number > limit:
                    raise too_many_rows(f"The {table} table has", self.limits.return_rows)
                cells = list(map(str.strip, record))
                if not any(cells):
                    continue
                last_filled = number
                if missing:
                    continue  # counted, not kept: the table cannot be read
                if len(cells) < width:
                    cells.extend([""] * (width - len(cells)))
                key = tuple(cells)
                first = seen.get(key)
                if first is not None:
                    self.find(table, number, "", f"the row duplicates row {first}; it is ignored.")
                    continue
                seen[key] = number
                cells.append(str(number))  # the row number rides along as the last cell
                kept.append(cells)
        except (csv.Error, NotUtf8, LineTooLong) as error:
            self.unreadable(table, error)
            return None, {}, 0
        if not last_filled:
            self.find(table, 1, "", "the table is empty (no header row).")
            return None, {}, 0
        for column in missing:
            self.find(table, 1, column, f"the column {column} is missing.")
        count = last_filled - 1
        if not count:
            # No UASC, no adoptions or no care leavers in a year is possible; no episodes is not.
            severity = Severity.ERROR if table in ("episodes", "header") else Severity.WARNING
            self.find(table, 1, "", "the table has a header but no rows.", severity)
        if missing:
            return None, index, count
        return kept, index, count


def _records(text: Table) -> Iterable[Sequence[str]]:
    """A table's rows, the header row first: CSV text parsed, rows given passed through."""
    if isinstance(text, str):
        return csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    return text


def table_name(name: str) -> str:
    """A table's name as this module (and the rules) read it: lower case, letters and digits
    only, no ".csv", spelt-out names by their short ones ("PlacedForAdoption" is
    placedadoption)."""
    base = name.strip().lower()
    if base.endswith(".csv"):
        base = base[:-4]
    base = _NOT_TABLE_CHAR.sub("", base)
    return TABLE_ALIASES.get(base, base)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _minus_months(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (31 March - 6 = 30 September)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _percent(numerator: int, denominator: int) -> Figure:
    value = 100.0 * numerator / denominator if denominator else None
    return Figure(value, numerator, denominator)


def _average(total: int, count: int) -> Figure:
    return Figure(total / count if count else None, total, count)


# --- The derivation -------------------------------------------------------------------------------


def derive_903(
    tables: Mapping[str, Table],
    collection_year: int,
    population: int | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Derived903:
    """Validate and derive one return: see `_derive_903`. A table longer than
    `limits.return_rows` stops the reading: the result is that one finding, and no figures."""
    reader = _Reader(limits)
    with gc_paused():
        try:
            return _derive_903(reader, tables, collection_year, population)
        except TooLarge as refused:
            return Derived903(collection_year, {}, [Finding(1, "", str(refused))], 0, 0)


def _derive_903(
    reader: _Reader,
    tables: Mapping[str, Table],
    collection_year: int,
    population: int | None = None,
) -> Derived903:
    """Validate and derive one return. `tables` maps table name (any case; "Episodes",
    "episodes.csv") to the CSV text, or to its rows with the header row first (as
    `ssda903_xml` reads them, or as a ZIP's tables stream); `collection_year` 2025 is the year
    to 31 March 2025; `population` is the authority's children aged 0-17, for CLA-RATE
    (omitted when None)."""
    year_end = date(collection_year, 3, 31)
    year_start = date(collection_year - 1, 4, 1)
    codes = codes_for_year(collection_year)
    if collection_year not in _CODES:
        reader.find(
            "return",
            1,
            "",
            f"no code table for {collection_year} ({year_label(collection_year)}); the nearest "
            "year's codes were used.",
            Severity.WARNING,
        )

    texts: dict[str, Table] = {}
    rows: dict[str, int] = {}
    for name, text in tables.items():
        key = table_name(str(name))
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig", errors="replace")
        if key in REQUIRED_COLUMNS:
            texts[key] = text
        elif key in OTHER_TABLES:
            rows[key] = reader.count(key, text)
        else:
            reader.find(
                str(name)[:40], 1, "", "not a table of the SSDA903; ignored.", Severity.WARNING
            )
    if "episodes" not in texts:
        reader.find("episodes", 1, "", "the return has no episodes table.")
    if "header" not in texts:
        reader.find(
            "header",
            1,
            "",
            "the return has no header table: ages (long-term stability, SDQ) are unknown.",
            Severity.WARNING,
        )

    episodes = _read_episodes(reader, texts, codes, rows, year_end)
    dobs = _read_dobs(reader, texts, rows)
    uasc = _read_uasc(reader, texts, rows)
    health = _read_oc2(reader, texts, rows) if "oc2" in texts else None
    leavers = _read_oc3(reader, texts, rows, codes, collection_year)
    adoptions = _read_ad1(reader, texts, rows)

    figures: dict[str, Figure] = {}
    counted: dict[str, frozenset[str]] = {}
    by_child = _chains(reader, episodes, year_start)
    if episodes:
        _derive_cla(
            reader,
            by_child,
            dobs,
            uasc,
            health,
            adoptions,
            figures,
            counted,
            year_start,
            year_end,
            population,
        )
    else:
        # Counted over no episodes, the looked-after counts would be 0: figures made out of
        # nothing, which a commit would write over the authority's real ones. Why none could
        # be read is already an error; this says what follows from it.
        reader.find(
            "episodes",
            1,
            "",
            "no episode could be read, so no figure about children looked after is derived.",
            Severity.WARNING,
        )
    _derive_care_leavers(leavers, dobs, figures, counted, year_end)
    return Derived903(
        collection_year=collection_year,
        figures=figures,
        findings=reader.findings,
        children=len(by_child),
        episodes=len(episodes),
        rows=rows,
        not_listed=reader.not_listed,
        counted=counted,
    )


def _table(
    reader: _Reader, texts: dict[str, Table], rows: dict[str, int], table: str
) -> tuple[list[list[str]], dict[str, int]] | None:
    """A table's data rows and column index, counting its rows; None when the return has no
    such table or it cannot be read (the reader has recorded why)."""
    if table not in texts:
        return None
    data, index, count = reader.rows(table, texts[table], REQUIRED_COLUMNS[table])
    rows[table] = count
    return None if data is None else (data, index)


def _read_episodes(
    reader: _Reader,
    texts: dict[str, Table],
    codes: dict[str, frozenset[str]],
    rows: dict[str, int],
    year_end: date,
) -> list[Episode]:
    table = "episodes"
    found = _table(reader, texts, rows, table)
    if found is None:
        return []
    data, index = found
    i_child, i_decom, i_rne, i_ls, i_cin, i_place, i_provider, i_dec, i_rec, i_rpc, i_urn = (
        index[column]
        for column in (
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "URN",
        )
    )
    year = year_end.year
    coded = [(column, index[column], codes[column]) for column in ("RNE", "LS", "CIN", "PLACE")]
    # Coded columns that may be blank (REC is checked with DEC below).
    optional = [
        (column, index[column], codes[column])
        for column in ("REC", "PLACE_PROVIDER", "REASON_PLACE_CHANGE")
    ]
    find = reader.find
    out: list[Episode] = []
    for cells in data:
        number = int(cells[-1])
        # An episode with a code not valid stays in the chain (its code matches no rule), so
        # that one bad code does not make the child's next episode look like a gap.
        child = cells[i_child]
        ok = bool(child)
        if not ok:
            find(table, number, "CHILD", "CHILD is blank.")
        for column, position, valid in coded:
            value = cells[position]
            if value not in valid:
                if value:
                    find(table, number, column, code_not_valid(column, value, year))
                else:
                    find(table, number, column, f"{column} is blank.")
        for column, position, valid in optional:
            value = cells[position]
            if value and value not in valid:
                find(table, number, column, code_not_valid(column, value, year))
        decom = reader.cell_date(table, number, "DECOM", cells[i_decom], required=True)
        dec = reader.cell_date(table, number, "DEC", cells[i_dec])
        rec = cells[i_rec]
        if isinstance(dec, date) and not rec:
            find(table, number, "REC", "REC is blank although the episode has ended (DEC).")
        if rec and dec is None:
            find(table, number, "DEC", "DEC is blank although a reason for ending (REC) is given.")
        if not isinstance(decom, date) or isinstance(dec, _Bad):
            continue
        if dec is not None and dec < decom:
            find(table, number, "DEC", "the episode ends (DEC) before it starts (DECOM).")
            continue
        if decom > year_end:
            find(
                table,
                number,
                "DECOM",
                "the episode starts after the end of the collection year.",
                Severity.WARNING,
            )
        if dec is not None and dec > year_end:
            find(
                table,
                number,
                "DEC",
                "the episode ends after the end of the collection year; treated as open.",
                Severity.WARNING,
            )
        if not ok:
            continue
        out.append(
            Episode(
                child,
                decom,
                cells[i_rne],
                cells[i_ls],
                cells[i_cin],
                cells[i_place],
                dec,
                rec,
                cells[i_rpc],
                cells[i_provider],
                cells[i_urn],
                number,
            )
        )
    return out


def _read_dobs(reader: _Reader, texts: dict[str, Table], rows: dict[str, int]) -> dict[str, date]:
    table = "header"
    found = _table(reader, texts, rows, table)
    if found is None:
        return {}
    data, index = found
    dobs: dict[str, date] = {}
    i_child, i_dob = index["CHILD"], index["DOB"]
    for cells in data:
        number = int(cells[-1])
        child = cells[i_child]
        dob = reader.cell_date(table, number, "DOB", cells[i_dob], required=True)
        if not child:
            reader.find(table, number, "CHILD", "CHILD is blank.")
        elif child in dobs:
            reader.find(table, number, "CHILD", "the child appears twice in the header table.")
        elif isinstance(dob, date):
            dobs[child] = dob
    return dobs


def _read_uasc(
    reader: _Reader, texts: dict[str, Table], rows: dict[str, int]
) -> dict[str, date | None]:
    """Children in the UASC table, with the date they ceased to be UASC (None: still UASC)."""
    table = "uasc"
    found = _table(reader, texts, rows, table)
    if found is None:
        return {}
    data, index = found
    out: dict[str, date | None] = {}
    i_child, i_duc = index["CHILD"], index["DUC"]
    for cells in data:
        number = int(cells[-1])
        duc = reader.cell_date(table, number, "DUC", cells[i_duc])
        if not cells[i_child]:
            reader.find(table, number, "CHILD", "CHILD is blank.")
        elif not isinstance(duc, _Bad):
            out[cells[i_child]] = duc
    return out


def _flag(reader: _Reader, table: str, number: int, column: str, value: str) -> bool:
    if value not in ("", "0", "1"):
        reader.find(table, number, column, f"{column} '{value[:10]}' is not 0, 1 or blank.")
    return value == "1"


def _read_oc2(reader: _Reader, texts: dict[str, Table], rows: dict[str, int]) -> dict[str, Health]:
    table = "oc2"
    found = _table(reader, texts, rows, table)
    if found is None:
        return {}
    data, index = found
    out: dict[str, Health] = {}
    i_child, i_dob, i_sdq = index["CHILD"], index["DOB"], index["SDQ_SCORE"]
    i_hc, i_tc, i_imm = index["HEALTH_CHECK"], index["TEETH_CHECK"], index["IMMUNISATIONS"]
    for cells in data:
        number = int(cells[-1])
        child = cells[i_child]
        dob = reader.cell_date(table, number, "DOB", cells[i_dob])
        text = cells[i_sdq]
        sdq: int | None = None
        if text:
            if text.isdigit() and int(text) <= 40:
                sdq = int(text)
            else:
                reader.find(
                    table, number, "SDQ_SCORE", f"SDQ_SCORE '{text[:10]}' is not 0 to 40 or blank."
                )
        health = Health(
            child,
            dob if isinstance(dob, date) else None,
            sdq,
            _flag(reader, table, number, "HEALTH_CHECK", cells[i_hc]),
            _flag(reader, table, number, "TEETH_CHECK", cells[i_tc]),
            _flag(reader, table, number, "IMMUNISATIONS", cells[i_imm]),
        )
        if not child:
            reader.find(table, number, "CHILD", "CHILD is blank.")
        elif child in out:
            reader.find(table, number, "CHILD", "the child appears twice in OC2.")
        else:
            out[child] = health
    return out


def _read_oc3(
    reader: _Reader,
    texts: dict[str, Table],
    rows: dict[str, int],
    codes: dict[str, frozenset[str]],
    year: int,
) -> list[CareLeaver]:
    table = "oc3"
    found = _table(reader, texts, rows, table)
    if found is None:
        return []
    data, index = found
    out: list[CareLeaver] = []
    i_child, i_dob, i_touch = index["CHILD"], index["DOB"], index["IN_TOUCH"]
    i_activ, i_accom = index["ACTIV"], index["ACCOM"]
    seen: set[str] = set()
    for cells in data:
        number = int(cells[-1])
        child = cells[i_child]
        dob = reader.cell_date(table, number, "DOB", cells[i_dob])
        in_touch = cells[i_touch].upper()
        activ, accom = cells[i_activ].upper(), cells[i_accom].upper()
        if not in_touch:
            reader.find(table, number, "IN_TOUCH", "IN_TOUCH is blank.")
        elif in_touch not in codes["IN_TOUCH"]:
            reader.find(table, number, "IN_TOUCH", code_not_valid("IN_TOUCH", in_touch, year))
        for column, value in (("ACTIV", activ), ("ACCOM", accom)):
            if value and value not in codes[column]:
                reader.find(table, number, column, code_not_valid(column, value, year))
        if not child:
            reader.find(table, number, "CHILD", "CHILD is blank.")
            continue
        if child in seen:
            reader.find(table, number, "CHILD", "the care leaver appears twice in OC3.")
            continue
        seen.add(child)
        out.append(
            CareLeaver(
                child,
                dob if isinstance(dob, date) else None,
                in_touch,
                activ,
                accom,
            )
        )
    return out


def _read_ad1(
    reader: _Reader, texts: dict[str, Table], rows: dict[str, int]
) -> dict[str, Adoption]:
    table = "ad1"
    found = _table(reader, texts, rows, table)
    if found is None:
        return {}
    data, index = found
    out: dict[str, Adoption] = {}
    i_child, i_int, i_match = index["CHILD"], index["DATE_INT"], index["DATE_MATCH"]
    for cells in data:
        number = int(cells[-1])
        date_int = reader.cell_date(table, number, "DATE_INT", cells[i_int])
        date_match = reader.cell_date(table, number, "DATE_MATCH", cells[i_match])
        if not cells[i_child]:
            reader.find(table, number, "CHILD", "CHILD is blank.")
            continue
        out[cells[i_child]] = Adoption(
            cells[i_child],
            date_int if isinstance(date_int, date) else None,
            date_match if isinstance(date_match, date) else None,
        )
    return out


def _chains(reader: _Reader, episodes: list[Episode], year_start: date) -> dict[str, list[Episode]]:
    """Each child's episodes in order, after checking overlaps and the chain of episodes."""
    by_child: dict[str, list[Episode]] = {}
    for episode in episodes:
        chain = by_child.get(episode.child)
        if chain is None:
            by_child[episode.child] = [episode]
        else:
            chain.append(episode)
    find = reader.find
    table = "episodes"
    for child, chain in by_child.items():
        if len(chain) > 1:
            chain.sort(key=lambda episode: (episode.decom, episode.row))
        kept: list[Episode] = []
        previous: Episode | None = None
        for episode in chain:
            if previous is None:
                if episode.rne != NEW_PERIOD_RNE and episode.decom >= year_start:
                    find(
                        table,
                        episode.row,
                        "RNE",
                        "the child's first episode starts in the year but is not the start of a "
                        "period of care (RNE S), and no episode precedes it.",
                    )
            elif previous.dec is None or previous.dec > episode.decom:
                find(
                    table,
                    episode.row,
                    "DECOM",
                    f"the episode overlaps the same child's episode on row {previous.row}; "
                    "it is ignored.",
                )
                continue
            elif previous.dec == episode.decom:
                if episode.rne == NEW_PERIOD_RNE and previous.rec == CONTINUES_IN_CARE:
                    find(
                        table,
                        episode.row,
                        "RNE",
                        f"RNE is S (new period of care) but the episode on row {previous.row} "
                        "ended with REC X1 (continues in care).",
                    )
                elif episode.rne != NEW_PERIOD_RNE and previous.rec != CONTINUES_IN_CARE:
                    find(
                        table,
                        episode.row,
                        "RNE",
                        f"RNE is {episode.rne}, but the episode on row {previous.row} ended the "
                        f"period of care (REC {previous.rec or 'blank'}).",
                    )
            elif episode.rne != NEW_PERIOD_RNE:
                find(
                    table,
                    episode.row,
                    "DECOM",
                    f"RNE is {episode.rne} but the episode does not start on the day the episode "
                    f"on row {previous.row} ended (a gap in the chain of episodes).",
                )
            elif previous.rec == CONTINUES_IN_CARE:
                find(
                    table,
                    previous.row,
                    "REC",
                    "REC is X1 (continues in care) but the next episode does not start that day.",
                )
            kept.append(episode)
            previous = episode
        last = kept[-1]
        if last.rec == CONTINUES_IN_CARE and last.dec is not None:
            find(
                table,
                last.row,
                "REC",
                "REC is X1 (continues in care) but no episode follows.",
            )
        by_child[child] = kept
    return by_child


def _continues(previous: Episode, episode: Episode) -> bool:
    """Whether `episode` continues the period of care of `previous`."""
    return (
        previous.dec == episode.decom
        and previous.rec == CONTINUES_IN_CARE
        and episode.rne != NEW_PERIOD_RNE
    )


def _starts(chain: list[Episode]) -> tuple[list[int], list[int]]:
    """For each episode, the index of the first episode of its period of care and of its
    placement (a placement continues through legal-status changes, adoption with the current
    foster carers and, by default, a temporary placement the child returns from)."""
    period = [0] * len(chain)
    placement = [0] * len(chain)
    for i, episode in enumerate(chain):
        period[i] = i
        placement[i] = i
        if i == 0 or not _continues(chain[i - 1], episode):
            continue
        period[i] = period[i - 1]
        previous = chain[i - 1]
        if episode.rne not in PLACEMENT_CHANGE_RNE or (
            episode.place in ADOPTION_WITH_CURRENT_CARERS and previous.place in _SAME_CARERS_BEFORE
        ):
            placement[i] = placement[i - 1]
        elif (
            not COUNT_TEMPORARY_PLACEMENTS
            and previous.place in TEMPORARY_PLACEMENTS
            and i >= 2
            and period[i - 1] != i - 1
            and chain[i - 2].placement_key == episode.placement_key
        ):
            placement[i] = placement[i - 2]
    return period, placement


def _derive_cla(
    reader: _Reader,
    by_child: dict[str, list[Episode]],
    dobs: dict[str, date],
    uasc: dict[str, date | None],
    health: dict[str, Health] | None,
    adoptions: dict[str, Adoption],
    figures: dict[str, Figure],
    counted: dict[str, frozenset[str]],
    year_start: date,
    year_end: date,
    population: int | None,
) -> None:
    """The figures about children looked after, into `figures`; into `counted`, the children
    each counts (each cohort is listed as it is counted: its length is the denominator)."""
    foster = s20 = three_plus = 0
    stability_met = 0
    health_check = teeth = imms = 0
    sdq_total = 0
    a1_total = a2_total = 0
    looked_after: list[str] = []
    uasc_looked_after: list[str] = []
    stability_cohort: list[str] = []
    health_cohort: list[str] = []
    sdq_cohort: list[str] = []
    sdq_with: list[str] = []
    adopted_a1: list[str] = []
    adopted_a2: list[str] = []
    long_term_start = _minus_months(year_end, 30)  # 31 March - 2.5 years = 30 September
    placement_since = _minus_months(year_end, 24)
    twelve_months = _minus_months(year_end, 12)
    temporary_excluded = not COUNT_TEMPORARY_PLACEMENTS
    for child, chain in by_child.items():
        if not chain:
            continue
        period, placement = _starts(chain)
        # Adoption: children adopted in the year.
        for i, episode in enumerate(chain):
            if episode.rec in ADOPTED and episode.dec and year_start <= episode.dec <= year_end:
                first = period[i]
                moved_in = next(
                    (
                        chain[placement[j]].decom
                        for j in range(first, i + 1)
                        if chain[j].place in PLACED_FOR_ADOPTION
                    ),
                    None,
                )
                if moved_in is not None:
                    a1_total += (moved_in - chain[first].decom).days
                    adopted_a1.append(child)
                order = next(
                    (
                        chain[j].decom
                        for j in range(first, i + 1)
                        if chain[j].ls in PLACEMENT_ORDER_LS
                    ),
                    None,
                )
                adoption = adoptions.get(child)
                if order and adoption and adoption.date_match and adoption.date_match >= order:
                    a2_total += (adoption.date_match - order).days
                    adopted_a2.append(child)
        last = len(chain) - 1
        current = chain[last]
        if current.decom > year_end:
            last = next((i for i in range(last, -1, -1) if chain[i].decom <= year_end), -1)
            if last < 0:
                continue
            current = chain[last]
        if current.dec is not None and current.dec <= year_end:
            continue
        if current.ls in SHORT_BREAKS:
            continue
        looked_after.append(child)
        foster += current.place in FOSTER_CARE
        s20 += current.ls == SECTION_20
        if child in uasc:
            ceased = uasc[child]
            if ceased is None or ceased > year_end:
                uasc_looked_after.append(child)
        # Placements during the year.
        placements = 0
        counted_first = False
        for i in range(last + 1):
            episode = chain[i]
            if episode.dec is not None and episode.dec < year_start:
                continue
            if temporary_excluded and episode.place in TEMPORARY_PLACEMENTS:
                continue
            if not counted_first or placement[i] == i:
                placements += 1
                counted_first = True
        three_plus += placements >= 3
        period_start = chain[period[last]].decom
        dob = dobs.get(child)
        # Long-term stability.
        if (
            period_start <= long_term_start
            and dob is not None
            and _age(dob, year_end) < LONG_TERM_AGE_UNDER
        ):
            stability_cohort.append(child)
            stability_met += chain[placement[last]].decom <= placement_since
        # Health (OC2): looked after continuously for 12 months or more. A child of the cohort
        # without an OC2 row counts as having had nothing (and gets a warning).
        if health is not None and period_start <= twelve_months:
            health_cohort.append(child)
            record = health.get(child)
            if record is None:
                reader.find(
                    "episodes",
                    current.row,
                    "",
                    "the child has been looked after for 12 months or more but has no OC2 row.",
                    Severity.WARNING,
                )
            else:
                health_check += record.health_check
                teeth += record.teeth_check
                imms += record.immunisations
            birth = dob or (record.dob if record else None)
            if birth is not None and SDQ_AGES[0] <= _age(birth, year_end) <= SDQ_AGES[1]:
                sdq_cohort.append(child)
                if record is not None and record.sdq is not None:
                    sdq_with.append(child)
                    sdq_total += record.sdq

    # A child is looked after once at 31 March, and in each cohort once: its length counts.
    cohort = frozenset(looked_after)
    count = len(looked_after)
    figures["CLA-COUNT"] = Figure(float(count), count, None)
    if population is not None:
        rate = 10000.0 * count / population if population > 0 else None
        figures["CLA-RATE"] = Figure(rate, count, population)
        counted["CLA-RATE"] = cohort
    figures["CLA-FOSTER"] = _percent(foster, count)
    figures["CLA-S20"] = _percent(s20, count)
    figures["UASC-COUNT"] = Figure(float(len(uasc_looked_after)), len(uasc_looked_after), None)
    figures["CLA-3PLAC"] = _percent(three_plus, count)
    figures["CLA-STAB-LT"] = _percent(stability_met, len(stability_cohort))
    counted.update(dict.fromkeys(("CLA-COUNT", "CLA-FOSTER", "CLA-S20", "CLA-3PLAC"), cohort))
    counted["UASC-COUNT"] = frozenset(uasc_looked_after)
    counted["CLA-STAB-LT"] = frozenset(stability_cohort)
    if health_cohort:
        figures["HLT-CHECK"] = _percent(health_check, len(health_cohort))
        figures["HLT-DENTAL"] = _percent(teeth, len(health_cohort))
        figures["HLT-IMMS"] = _percent(imms, len(health_cohort))
        figures["HLT-SDQ-PCT"] = _percent(len(sdq_with), len(sdq_cohort))
        figures["HLT-SDQ"] = _average(sdq_total, len(sdq_with))
        health_children = frozenset(health_cohort)
        counted.update(dict.fromkeys(("HLT-CHECK", "HLT-DENTAL", "HLT-IMMS"), health_children))
        counted["HLT-SDQ-PCT"] = frozenset(sdq_cohort)
        counted["HLT-SDQ"] = frozenset(sdq_with)
    # A child adopted twice in a year counts twice in the average, once among the children.
    if adopted_a1:
        figures["ADOPT-A1"] = _average(a1_total, len(adopted_a1))
        counted["ADOPT-A1"] = frozenset(adopted_a1)
    if adopted_a2:
        figures["ADOPT-A2"] = _average(a2_total, len(adopted_a2))
        counted["ADOPT-A2"] = frozenset(adopted_a2)


def _derive_care_leavers(
    leavers: list[CareLeaver],
    dobs: dict[str, date],
    figures: dict[str, Figure],
    counted: dict[str, frozenset[str]],
    year_end: date,
) -> None:
    """The care leavers' figures, into `figures`; into `counted`, each age band's care leavers
    in touch (the denominator of its EET and accommodation percentages)."""
    if not leavers:
        return
    counts = {"1718": [0, 0, 0], "1921": [0, 0, 0]}  # in touch, in EET, suitably accommodated
    in_touch_by_band: dict[str, list[str]] = {"1718": [], "1921": []}
    for leaver in leavers:
        dob = leaver.dob or dobs.get(leaver.child)
        if dob is None or leaver.in_touch not in OC3_IN_TOUCH:
            continue
        # The age at 31 March is the age the care leaver turned on their birthday in the year.
        age = _age(dob, year_end)
        band = "1718" if age in (17, 18) else "1921" if 19 <= age <= 21 else None
        if band is None:
            continue
        tally = counts[band]
        tally[0] += 1
        in_touch_by_band[band].append(leaver.child)
        tally[1] += leaver.activ[:1] in ("F", "P")
        tally[2] += leaver.accom.endswith("1")
    for band, (in_touch, eet, accommodated) in counts.items():
        figures[f"CL-EET-{band}"] = _percent(eet, in_touch)
        figures[f"CL-ACC-{band}"] = _percent(accommodated, in_touch)
        children = frozenset(in_touch_by_band[band])
        counted[f"CL-EET-{band}"] = counted[f"CL-ACC-{band}"] = children
