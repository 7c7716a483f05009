"""StatsWales downloads of the Welsh national performance measures read into figures. Pure: no
Django, no ORM. Never raises on bad input.

Welsh Government publishes the social services performance measures (the children's measures
PM24 to PM35 of the 2016 framework) on StatsWales, for Wales and each of its 22 authorities.
A download is a CSV (or XLSX) file that `read_statswales` reads into `WelshFigure`s and
`Finding`s; the importer (`returns.kinds.statswales`) decides what to write. The rules:

- **The file.** It is read with the spreadsheet reader (`sheet_tables.read_table`: CSV UTF-8,
  with or without a byte-order mark, or XLSX), which streams it and refuses it past the
  spreadsheet limits (`returns.limits`: rows, cells, line length). Up to `PREAMBLE_ROWS` lines
  of title and metadata may come before the header; the header is the first row with an area
  column and a value or period column. Other columns (notes, units) are not read (a warning
  says so), nor are lines under the header with at most one filled cell (footnotes, the source).
- **Two layouts.** *Long*: a row per area, measure and period, with columns such as ``Area`` or
  ``Local authority``, ``Area code`` or ``AreaCode``, ``Measure`` or ``Performance measure``,
  ``Year`` or ``Period`` (and optionally ``Quarter``), and ``Data`` or ``Value``. *Wide*: a row
  per area (and measure), with a column per period headed ``2016-17``, ``2017-18 Q1``... Welsh
  headers (``Ardal``, ``Cod ardal``, ``Mesur``, ``Blwyddyn``, ``Cyfnod``, ``Chwarter``,
  ``Gwerth``) are read too. Without a measure column, the file's one measure is named in its
  title lines or its file name (``PM24``); a file naming none, or several, is refused.
- **Areas** are named by ONS code (``W06000015``; Wales is ``W92000004``) or by name, English or
  Welsh, matched without regard to case, accents, spacing or punctuation ("rhondda-cynon-taf").
  Only the areas the caller knows (Wales and its authorities) are read: any other is an error on
  its row, never a new area.
- **Measures** are named by code (``PM24``, ``PMC024``, ``PM 29a``, ``PM24: % of ...``) or by
  the catalogue's title (``%`` and "percentage" alike). A framework code the catalogue does not
  hold (an adult measure, PM18) is a warning and its rows are not read; a text naming no
  measure at all is an error.
- **Periods.** ``2016-17`` (also ``2016/17``, ``2016-17 year end``) is the financial year 2016/17
  (never December 2016, as `indicators.periods.parse` reads ``2016-12``); ``2017-18 Q1`` and
  ``Q1 2017-18`` are quarters, and every other label the product prints is read by
  `periods.parse`. A quarter of an annual measure, a month or a date is an error.
- **StatsWales's marks** stand for no number, with footnote letters after them (``..r``,
  ``45.2 (p)``) ignored. Each maps to a `SuppressionCode` (indicators.models):

  =====  =======================================  ==================================
  mark   StatsWales means                         stored as
  =====  =======================================  ==================================
  ``..`` not available                            no value, code ``x`` (not available)
  ``.``  not applicable                           no value, code ``z`` (not applicable)
  ``*``  disclosive, or not robust enough         no value, code ``c`` (confidential)
  ``-``  nil, or rounds to zero as published      the value 0, no code
  empty  nothing published                        no value, code ``x`` (not available)
  =====  =======================================  ==================================

  Only ``-`` is a number: StatsWales prints it where the published figure is zero at its
  published precision, which is what a printed 0 means too (a DfE ``k`` says "not zero",
  which StatsWales does not say). Any other text is an error on its row and column.
- **Rounding.** Values are published rounded (percentages to one decimal place, days to whole
  days). A value is kept exactly as published, never re-rounded to the measure's decimals, and
  each figure carries `places`, the decimal places it was published to, so the importer can
  record that it is rounded. No numerator or denominator is published, so none is given and
  no ratio is recomputed from a rounded value.
- **Values obey the rules every figure obeys** (`indicators.value_rules`): a percentage above
  100, a negative count of days or a value finer than the database holds is an error.
- **Errors** (nothing may be committed): no header, no readable rows, an unknown area, an
  unreadable measure, period or value, and the same area, measure and period twice (both rows
  named).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import IO

from indicators import periods, value_rules

from .findings import Finding, Severity
from .limits import DEFAULT_LIMITS, ImportLimits
from .sheet_cells import Cell, CellProblem, as_text
from .sheet_tables import read_table

PREAMBLE_ROWS = 30  # title and metadata lines looked through for the header
MAX_FINDINGS = 1000  # listed; beyond them findings are counted

# StatsWales's marks, and the suppression codes (SuppressionCode values) they are stored as.
MARKS = {"..": "x", ".": "z", "*": "c"}
NIL = "-"
NOT_AVAILABLE = "x"  # an empty cell

# Header names, normalised by `_key` (letters and digits only), English and Welsh.
AREA_NAME_COLUMNS = frozenset(
    {"area", "areaname", "localauthority", "localauthorityname", "authority", "ardal",
     "enwrardal", "awdurdodlleol"}
)  # fmt: skip
AREA_CODE_COLUMNS = frozenset(
    {"areacode", "onscode", "gsscode", "localauthoritycode", "code", "codardal", "codyrardal"}
)
MEASURE_COLUMNS = frozenset(
    {"measure", "performancemeasure", "measurecode", "indicator", "mesur", "mesurperfformiad"}
)
PERIOD_COLUMNS = frozenset({"year", "period", "financialyear", "blwyddyn", "cyfnod"})
QUARTER_COLUMNS = frozenset({"quarter", "chwarter"})
VALUE_COLUMNS = frozenset({"data", "value", "gwerth"})
# What a quarter column says on a row that holds the whole year.
WHOLE_YEAR = frozenset({"", "year", "annual", "allquarters", "fullyear", "yearend", "total"})

_CODE = re.compile(r"\bpm\s*c?\s*0*(\d{1,3})\s*([ab])?(?![a-z0-9])")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
# A cell: a number or a mark, then footnote letters ("r", "(p)", "[a]").
_CELL = re.compile(
    r"(?P<core>\.\.|\.|\*|-|[^\s(\[]+?)\s*(?P<notes>(?:\([a-z]{1,3}\)|\[[a-z]{1,3}\]|[a-z]{1,3})\s*)?",
    re.IGNORECASE,
)
_FINANCIAL_YEAR = re.compile(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})(?:\s+year[\s-]end)?")
_DIGITS_JOINED = re.compile(r"(?<=\d)_(?=\d)")


@dataclass(frozen=True, slots=True)
class KnownArea:
    """An area a file may name: its ONS code and its names (English, Welsh)."""

    code: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KnownMeasure:
    """A catalogue measure a file may hold: its code, title, frequency and value rules."""

    code: str
    title: str
    frequency: str
    rules: value_rules.Measure


@dataclass(frozen=True, slots=True)
class WelshFigure:
    row: int
    area_code: str
    indicator_code: str
    period_kind: str
    period_start: date
    value: Decimal | None
    suppression: str
    places: int  # the decimal places the value was published to (0 for none)


@dataclass
class StatsWalesResult:
    figures: list[WelshFigure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    findings_not_listed: int = 0
    rows_read: int = 0
    layout: str = ""  # "long" or "wide"

    @property
    def has_errors(self) -> bool:
        return self.findings_not_listed > 0 or any(f.is_error for f in self.findings)

    def add(self, row: int, column: str, message: str, severity: Severity = Severity.ERROR) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(row, column, message, severity))
        else:
            self.findings_not_listed += 1


# --- names, codes and cells ------------------------------------------------------------------


def _key(text: str) -> str:
    """Letters and digits only, lower case, accents dropped: how names and headers match."""
    plain = unicodedata.normalize("NFKD", text.replace("&", " and "))
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


def _words(text: str) -> str:
    """A measure's title as words, "%" and "percentage" alike, for matching titles."""
    text = text.casefold().replace("%", " percentage ").replace("&", " and ")
    text = re.sub(r"\bper\s*cent\b", "percentage", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def area_index(areas: Iterable[KnownArea]) -> dict[str, str]:
    """Every way the known areas are named (code and names, as `_key`s) to their codes."""
    index: dict[str, str] = {}
    for area in areas:
        for name in area.names:
            index.setdefault(_key(name), area.code)
        index[_key(area.code)] = area.code
    return index


def measure_code(text: str, measures: dict[str, KnownMeasure]) -> tuple[str, str]:
    """The catalogue code a measure cell names, and the framework code it names when the
    catalogue has no such measure (("", "PM18")); ("", "") for a text naming no measure."""
    found = _CODE.match(text.strip().casefold())
    if found:
        code = f"PM{int(found[1])}{found[2] or ''}"
        known = {c.casefold(): c for c in measures}.get(code.casefold())
        return (known, code) if known else ("", code)
    words = _words(text.split(":", 1)[1] if ":" in text else text)
    for measure in measures.values():
        if words and words == _words(measure.title):
            return measure.code, measure.code
    return "", ""


def codes_mentioned(text: str, measures: dict[str, KnownMeasure]) -> set[str]:
    """The catalogue measures a title line or file name mentions, by code or by title."""
    lowered = text.casefold()
    mentioned = {
        measure_code(hit.group(0), measures)[0] for hit in _CODE.finditer(lowered.replace("_", " "))
    }
    words = _words(text)
    mentioned |= {m.code for m in measures.values() if _words(m.title) in words}
    return mentioned - {""}


def read_value(text: str) -> tuple[Decimal | None, str, int] | None:
    """A value cell as (value, suppression code, decimal places published), or None when it
    is neither a number nor one of StatsWales's marks (see the module's table)."""
    text = text.strip()
    if not text:
        return None, NOT_AVAILABLE, 0
    cell = _CELL.fullmatch(text)
    if cell is None:
        return None
    core = cell["core"]
    if core in MARKS:
        return None, MARKS[core], 0
    if core == NIL:
        return Decimal(0), "", 0
    if _NUMBER.fullmatch(core) is None:
        return None
    try:
        value = Decimal(core.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    exponent = value.as_tuple().exponent
    return value, "", -exponent if isinstance(exponent, int) and exponent < 0 else 0


def read_period(text: str) -> tuple[str, date]:
    """A StatsWales period label as (kind, start); ValueError saying why for anything else."""
    cleaned = " ".join(re.sub(r"quarter\s*", "q", text.casefold()).split())
    year = _FINANCIAL_YEAR.fullmatch(cleaned)
    if year:
        first, second = int(year[1]), int(year[2])
        if second % 100 == (first + 1) % 100 and (second < 100 or second == first + 1):
            return periods.FINANCIAL_YEAR, date(first, 4, 1)
    kind, start = periods.parse(cleaned)
    if kind in (periods.MONTH, periods.SNAPSHOT):
        raise ValueError(
            f"{text.strip()!r} is a month or a date: StatsWales publishes these measures by "
            "year (2016-17) and quarter (2017-18 Q1)."
        )
    return kind, start


def _header_period(name: str) -> tuple[str, date] | None:
    """The period a wide file's column heads, or None for a column that is not a period."""
    text = name.strip()
    if not any(ch.isdigit() for ch in text):
        return None
    try:
        return read_period(text)
    except ValueError:
        return None


# --- the reader ------------------------------------------------------------------------------


@dataclass
class _Columns:
    """Where the header puts what the reader reads (-1: not there)."""

    area_name: int = -1
    area_code: int = -1
    measure: int = -1
    period: int = -1
    quarter: int = -1
    value: int = -1
    # A wide file: its period columns, with the period each heads.
    periods: list[tuple[int, str, tuple[str, date]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, header: Sequence[str]) -> _Columns:
        found = cls()
        for position, name in enumerate(header):
            key = _key(name)
            slot = next(
                (
                    slot
                    for slot, names in (
                        ("area_name", AREA_NAME_COLUMNS),
                        ("area_code", AREA_CODE_COLUMNS),
                        ("measure", MEASURE_COLUMNS),
                        ("period", PERIOD_COLUMNS),
                        ("quarter", QUARTER_COLUMNS),
                        ("value", VALUE_COLUMNS),
                    )
                    if key in names
                ),
                None,
            )
            if slot is not None:
                if getattr(found, slot) < 0:
                    setattr(found, slot, position)
            elif (period := _header_period(name)) is not None:
                found.periods.append((position, name.strip(), period))
            elif key:
                found.ignored.append(name.strip())
        return found

    @property
    def is_header(self) -> bool:
        has_area = self.area_name >= 0 or self.area_code >= 0
        return has_area and ((self.value >= 0 and self.period >= 0) or bool(self.periods))

    @property
    def is_long(self) -> bool:
        return self.value >= 0 and self.period >= 0


def _texts(cells: Sequence[Cell]) -> list[str]:
    texts = []
    for cell in cells:
        try:
            texts.append(as_text(cell))
        except CellProblem as problem:
            texts.append(f"#{problem}")  # an error cell: read as text no rule accepts
    return texts


def _header_texts(key: str) -> str:
    """A header cell as the spreadsheet reader keys it ("2017_18_q1"), as written again."""
    return _DIGITS_JOINED.sub("-", key).replace("_", " ")


@dataclass
class _Reader:
    measures: dict[str, KnownMeasure]
    areas: dict[str, str]
    result: StatsWalesResult
    limits: ImportLimits
    columns: _Columns = field(default_factory=_Columns)
    column_names: list[str] = field(default_factory=list)
    file_measure: str = ""
    seen: dict[tuple[str, str, str, date], int] = field(default_factory=dict)
    skipped: dict[str, list[int]] = field(default_factory=dict)

    def area(self, row: int, cells: list[str]) -> str:
        columns = self.columns
        code = cells[columns.area_code].strip() if 0 <= columns.area_code < len(cells) else ""
        name = cells[columns.area_name].strip() if 0 <= columns.area_name < len(cells) else ""
        found = self.areas.get(_key(code)) if code else self.areas.get(_key(name))
        if found is None:
            column = self.column_names[columns.area_code if code else max(columns.area_name, 0)]
            named = repr(code or name) if (code or name) else "no area"
            self.result.add(
                row,
                column,
                f"Row {row} names {named}, which is not Wales or one of the 22 Welsh "
                "authorities (by ONS code, such as W06000015, or by name): correct it or remove "
                "the row.",
            )
            return ""
        return found

    def measure(self, row: int, cells: list[str]) -> str:
        at = self.columns.measure
        if at < 0:
            return self.file_measure
        text = cells[at].strip() if at < len(cells) else ""
        code, framework_code = measure_code(text, self.measures)
        if code:
            return code
        if framework_code:
            self.skipped.setdefault(framework_code, []).append(row)
            return ""
        self.result.add(
            row,
            self.column_names[at],
            f"Row {row}: {text!r} names none of the Welsh performance measures in the catalogue "
            f"({', '.join(sorted(self.measures))}): give its code, such as PM24, or its title.",
        )
        return ""

    def period(self, row: int, cells: list[str]) -> tuple[str, date] | None:
        at, quarter_at = self.columns.period, self.columns.quarter
        text = cells[at].strip() if at < len(cells) else ""
        if 0 <= quarter_at < len(cells) and _key(cells[quarter_at]) not in WHOLE_YEAR:
            text = f"{text} {cells[quarter_at].strip()}"
        try:
            return read_period(text)
        except ValueError as problem:
            self.result.add(row, self.column_names[at], f"Row {row}: {problem}")
            return None

    def figure(
        self, row: int, area: str, code: str, period: tuple[str, date], raw: str, column: str
    ) -> None:
        measure = self.measures[code]
        kind, start = period
        if kind == periods.QUARTER and measure.frequency == "annual":
            self.result.add(
                row,
                column,
                f"Row {row}: {code} is an annual measure, so it has no quarters' figures.",
            )
            return
        read = read_value(raw)
        if read is None:
            self.result.add(
                row,
                column,
                f"Row {row}: {raw.strip()!r} is not a number or one of StatsWales's marks "
                "(.. not available, . not applicable, * disclosive, - nil).",
            )
            return
        value, code_given, places = read
        where = (area, code, kind, start)
        if where in self.seen:
            self.result.add(
                row,
                column,
                f"Rows {self.seen[where]} and {row} both give {code} for {area} in "
                f"{periods.label(kind, *periods.bounds(kind, start))}. Remove one of them.",
            )
            return
        self.seen[where] = row
        if value is not None:
            checked = value_rules.check_figure(measure.rules, value=value, value_from_parts=False)
            if checked.problems:
                for problem in checked.problems:
                    self.result.add(row, column, f"Row {row}: {problem.message}")
                return
        if len(self.result.figures) >= self.limits.sheet_rows:
            raise _TooMany(row)
        self.result.figures.append(
            WelshFigure(row, area, code, kind, start, value, code_given, places)
        )


class _TooMany(Exception):
    """More figures than `limits.sheet_rows`: reading stops."""

    def __init__(self, row: int) -> None:
        self.row = row


def read_statswales(
    source: bytes | IO[bytes],
    *,
    areas: Iterable[KnownArea],
    measures: Iterable[KnownMeasure],
    source_name: str,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> StatsWalesResult:
    """The figures a StatsWales download holds, and what is wrong with it (module docstring)."""
    result = StatsWalesResult()
    table = read_table(source, source_name, limits=limits)
    result.findings.extend(table.findings)
    if table.has_errors:
        return result
    by_code = {m.code: m for m in measures}
    reader = _Reader(by_code, area_index(areas), result, limits)
    # The reader keys the first row it keeps as a header; StatsWales puts titles first. Rows
    # are turned into text as they are read, not all at once beside the table.
    lines = [(1, [_header_texts(key) for key in table.header])]
    lines.extend((number, _texts(cells)) for number, cells in table.rows[: PREAMBLE_ROWS - 1])
    header_at = next(
        (i for i, (_, cells) in enumerate(lines) if _Columns.of(cells).is_header), None
    )
    if header_at is None:
        result.add(
            1,
            "",
            f"{source_name} has no header that a StatsWales download has: a column of areas "
            "(Area, Local authority or Area code) with a Data or Value column and a Year or "
            "Period column, or a column per year (2016-17) or quarter (2017-18 Q1).",
        )
        return result
    header_row, header = lines[header_at]
    reader.columns = _Columns.of(header)
    reader.column_names = [name.strip() for name in header]
    result.layout = "long" if reader.columns.is_long else "wide"
    if reader.columns.measure < 0 and not _file_measure(reader, lines[:header_at], source_name):
        return result
    for name in reader.columns.ignored:
        result.add(header_row, name, f"Column {name} is not read.", Severity.WARNING)
    try:
        # lines[i] is table.rows[i - 1]: the data begins at table.rows[header_at].
        for row, cells in ((n, _texts(c)) for n, c in islice(table.rows, header_at, None)):
            if sum(1 for cell in cells if cell.strip()) <= 1:
                continue  # a blank line, or a footnote or source line under the table
            result.rows_read += 1
            if result.rows_read > limits.sheet_rows:
                raise _TooMany(row)
            _read_row(reader, row, cells + [""] * (len(header) - len(cells)))
    except _TooMany as stop:
        result.figures.clear()
        result.add(
            stop.row,
            "",
            f"The file holds more than {limits.sheet_rows:,} rows or figures, far more than "
            "StatsWales publishes for these measures: check it is the file you meant.",
        )
        return result
    _summarise(reader, source_name)
    return result


def _file_measure(reader: _Reader, preamble: list[tuple[int, list[str]]], name: str) -> bool:
    """The one measure a file without a measure column holds, from its title lines or its
    name; False (with the finding) when they name none or several."""
    for texts in ([" ".join(cells) for _, cells in preamble], [name]):
        mentioned = set().union(*(codes_mentioned(text, reader.measures) for text in texts))
        if len(mentioned) == 1:
            reader.file_measure = mentioned.pop()
            return True
        if len(mentioned) > 1:
            reader.result.add(
                1,
                "",
                f"The file's title names several measures ({', '.join(sorted(mentioned))}) "
                "and it has no Measure column: download one measure per file, or with its "
                "Measure column.",
            )
            return False
    reader.result.add(
        1,
        "",
        "The file has no Measure column and its title and name do not say which measure it "
        "holds: download it with its Measure column, or put the measure's code (PM24) in its "
        "title or file name.",
    )
    return False


def _read_row(reader: _Reader, row: int, cells: list[str]) -> None:
    area = reader.area(row, cells)
    code = reader.measure(row, cells)
    if not (area and code):
        return
    if reader.columns.is_long:
        period = reader.period(row, cells)
        if period is not None:
            at = reader.columns.value
            reader.figure(row, area, code, period, cells[at], reader.column_names[at])
        return
    for at, name, period in reader.columns.periods:
        reader.figure(row, area, code, period, cells[at], name)


def _summarise(reader: _Reader, source_name: str) -> None:
    result = reader.result
    for code, rows in sorted(reader.skipped.items()):
        result.add(
            rows[0],
            reader.column_names[reader.columns.measure],
            f"{len(rows)} row{'s' * (len(rows) > 1)} of {code} (first at row {rows[0]}) not "
            "read: the catalogue has no such Welsh measure.",
            Severity.WARNING,
        )
    if not result.figures and not result.has_errors:
        result.add(
            1,
            "",
            f"{source_name} has no figures of the Welsh performance measures for Wales or its "
            "authorities: nothing would be imported.",
        )
