"""Published national data: DfE authority-level CSVs read into figures. Pure: no Django.

The Department for Education publishes its children's social care statistics as CSV files in
the Explore Education Statistics layout (see ``../shared/data/dfe/``): one row per area and
year (a *wide* file such as the referrals file, one column per measure) or per area, year and
group (a *long* file such as placement stability, where a group column says which measure the
row holds). National, regional and local authority rows sit in one file.

Which column of which file feeds which indicator is data, not code: a ``Mapping`` says it, and
the shipped mappings live in ``returns/mappings/dfe_published.csv`` (see the README there).

``parse_published`` turns the text of one file into ``PublishedFigure``s, the distinct areas
the file names, and ``Finding``s. It never touches the database: the importer decides what to
write. The rules it follows:

- **Values are the published ones.** England and regional figures are the file's own rows,
  never computed from authorities. A numerator and denominator are given beside the value when
  the mapping names their columns, the value is a number and both cells hold numbers, the
  denominator not zero (nothing is a share of none: DfE prints 0 and 0 beside a ``z``);
  otherwise both are None, since a figure holds both or neither.
- **Values obey the rules every figure obeys** (``indicators.value_rules``, which the entry
  form and the spreadsheet import use too) when the caller passes the indicators' ``measures``:
  a negative count, a percentage above 100, a numerator above its denominator, a number too
  large or too fine for the database... is an error on its row and column, and the figure is
  not given. The published value is kept as published, not checked against its parts.
- **Suppression codes are not numbers.** ``c`` (confidential), ``k`` (rounds to zero), ``x``
  (not available), ``z`` (not applicable), ``u`` (low reliability) and ``low``, in any case,
  give a figure with value None and that code in ``suppression``: never zero.
- **An empty cell is "x", not available**: an empty or ``""`` value cell gives a figure with
  value None and suppression ``"x"``, so the importer records that the year has no value.
- **Years become periods** by the mapping's ``period_kind``: DfE's reporting year ``2025`` (the
  year to 31 March 2025) and the EES form ``202425`` both mean financial year 2024/25, which
  starts on 1 April 2024. Snapshot measures "at 31 March" go on that financial year too, as the
  demo data does (the position at its end); ``snapshot`` puts them on 31 March itself and ``ay``
  on the academic year.
- **Reorganised authorities** are simply present for the years they exist. An authority is
  known by its DfE number (``old_la_code``): when one number appears with two ONS codes or
  names (North Yorkshire, E10000023 then E06000065), a WARNING says so and its figures stay
  under that number.
- **Joint authorities** (two authorities' codes in one row, "940 / 941") are one joint area
  (`returns.published_areas_read`); a code, number or name the Area columns cannot hold is an
  error on its row and column.
- **Each figure keeps its published precision**: the mapping's ``decimals``, or the places of
  the cell's text ("19.1": 1), as ``PublishedFigure.decimals``.
- **Errors** (the batch must not be committed): an empty file, a header none of the mappings
  fits (naming a mapping whose value column is there and the columns it lacks), a file that
  gives no figure at all, missing area or year columns, a bad number (row and column), a value
  the rules refuse, a bad year, a row with the wrong number of cells, the same area, indicator
  and period twice (both rows named).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import IO, Any

from indicators import value_rules
from returns.findings import Severity

from .published_areas_read import (
    AREA_CACHE,
    AREA_COLUMNS,
    LEVELS,
    LOCAL,
    MAX_AREAS,
    MAX_FINDINGS,
    NATION_OF_CODE,
    NATIONAL,
    REGIONAL,
    Collector,
    ParseResult,
    Places,
    PublishedArea,
    PublishedFigure,
    TooBig,
)
from .published_cells import (
    NOT_A_NUMBER,
    SUPPRESSION_CODES,
    CellReader,
    period_start,
    read_cell,
)
from .published_mappings import (
    MAPPING_FIELDS,
    PERIOD_KINDS,
    SHIPPED_MAPPINGS,
    STANDARD_ALIASES,
    Mapping,
    load_mappings,
    mappings_for_file,
    no_figures_message,
    parse_aliases,
    parse_filters,
)

# The mappings' names too, for callers that know the published import as one module.
__all__ = [
    "AREA_CACHE",
    "AREA_COLUMNS",
    "LEVELS",
    "LOCAL",
    "MAPPING_FIELDS",
    "MAX_AREAS",
    "MAX_FINDINGS",
    "NATIONAL",
    "PERIOD_KINDS",
    "REGIONAL",
    "SHIPPED_MAPPINGS",
    "STANDARD_ALIASES",
    "Mapping",
    "ParseResult",
    "PublishedArea",
    "PublishedFigure",
    "duplicate_message",
    "load_mappings",
    "mappings_for_file",
    "parse_aliases",
    "parse_filters",
    "parse_published",
    "period_start",
    "read_cell",
    "read_published",
]

# The columns without which no row can be placed: the year, the level and the area codes.
REQUIRED_COLUMNS = ("geographic_level", "country_code", "region_code", "old_la_code")

# The most rows of data a file may have. The DfE's authority-level files have a few thousand
# rows, and its longest national files (characteristics by year, area and group) a few hundred
# thousand to a couple of million: five million is well above any of them, and about what the
# largest upload allowed (IMPORT_MAX_BYTES, 250 MB by default) could hold. A file with more is
# refused as soon as its next row is read, before anything more is kept (docs/0009-imports.md).
MAX_ROWS = 5_000_000
# What the reader hands on for each figure it reads: the row number, the position of its area
# in ParseResult.areas, the position of its mapping in the mappings given, the period start,
# the value, the suppression code, the numerator and the denominator. Plain arguments, so that
# a caller streaming a million figures to the database builds no object for each.
Emit = Callable[[int, int, int, date, Decimal | None, str, Decimal | None, Decimal | None], None]


# --- the parser -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Compiled:
    mapping: Mapping
    index: int  # its position in the mappings given
    value: int
    numerator: int
    denominator: int
    period: int
    produced: int = 0
    periods: dict[str, date | None] = field(default_factory=dict)
    seen: dict[tuple[str, date], int] = field(default_factory=dict)
    measure: value_rules.Measure | None = None

    def column_of(self, field_name: str) -> int:
        """The file's column a problem's field is about (a code sits in the value's cell)."""
        if field_name == "numerator" and self.numerator >= 0:
            return self.numerator
        if field_name == "denominator" and self.denominator >= 0:
            return self.denominator
        return self.value


def _text(source: str | bytes | IO[Any]) -> tuple[Iterator[str], io.TextIOWrapper | None]:
    """Lines of text from a string, bytes or a text or binary stream, without a byte-order
    mark, and the wrapper put round a binary stream (to detach afterwards, leaving the caller's
    stream open). Raises UnicodeDecodeError, possibly while iterating, for text not in UTF-8."""
    if isinstance(source, bytes):
        source = source.decode("utf-8-sig")
    if isinstance(source, str):
        return iter(io.StringIO(source.removeprefix("\ufeff"), newline="")), None
    if isinstance(source.read(0), bytes):
        _check_head(source)
        wrapper = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
        return iter(wrapper), wrapper
    return iter(source), None


HEAD = 64 * 1024


def _check_head(stream: IO[bytes]) -> None:
    """Raise UnicodeDecodeError now if the start of a binary stream (all of a short one) is
    not UTF-8, before its header is read: decoding as it reads, the wrapper would hold back
    a last byte that may begin a character, and the file would be judged by its columns
    first. A stream that cannot go back is checked as it is read."""
    if not stream.seekable():
        return
    at = stream.tell()
    head = stream.read(HEAD)
    stream.seek(at)
    codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < HEAD)


def _header_index(header: list[str]) -> tuple[dict[str, int], list[str]]:
    index: dict[str, int] = {}
    repeated: list[str] = []
    for position, name in enumerate(header):
        key = name.strip().removeprefix("\ufeff").strip().casefold()
        if not key:
            continue
        if key in index:
            repeated.append(name.strip())
        else:
            index[key] = position
    return index, repeated


def _find(index: dict[str, int], names: Iterable[str]) -> int:
    for name in names:
        position = index.get(name.casefold())
        if position is not None:
            return position
    return -1


def _describe(mappings: list[Mapping]) -> str:
    known = sorted({f"{m.value_column} ({m.file_hint or m.name})" for m in mappings})
    return ", ".join(known) if known else "no mappings were given"


def _nearest(partly: list[Mapping], source_name: str) -> list[Mapping]:
    """Of the mappings whose value column a file has, those meant for it (by file hint), at
    most five: what its error names."""
    hinted = [m for m in partly if m.file_hint and m.applies_to_file(source_name)]
    return (hinted or partly)[:5]


def _getter(positions: tuple[int, ...] | list[int]) -> Any:
    """A function from a row to the tuple of its cells at `positions` (C speed)."""
    if not positions:
        return lambda row: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions)


def parse_published(
    text_or_stream: str | bytes | IO[Any],
    mappings: Iterable[Mapping],
    *,
    source_name: str,
    measures: dict[str, value_rules.Measure] | None = None,
    max_rows: int | None = None,
) -> ParseResult:
    """Read one published CSV file into figures, areas and findings (see the module's rules).

    Of the mappings given, those whose value, filter, numerator and denominator columns the
    header has (directly or through an alias) are used; if some of those have a file hint that
    is part of ``source_name``, only they are. A mapping whose rows never appear gets a
    warning. The file is refused with an error when no mapping fits its header.

    ``measures`` (by indicator code) are what the value rules need to know of each indicator;
    figures of an indicator with no measure are not checked (the importer skips indicators
    that are not in its catalogue).

    Every figure is kept in ``figures``: for files of up to a few hundred thousand rows. The
    importer streams a larger file with `read_published` instead.
    """
    given = list(mappings)
    result = ParseResult()
    areas = result.areas
    append = result.figures.append
    figure = PublishedFigure

    def keep(
        row: int,
        area_at: int,
        mapping_at: int,
        start: date,
        value: Decimal | None,
        suppression: str,
        numerator: Decimal | None,
        denominator: Decimal | None,
    ) -> None:
        area = areas[area_at]
        mapping = given[mapping_at]
        append(
            figure(
                area.level,
                area.code,
                area.la_number,
                area.name,
                area.region_code,
                area.region_name,
                mapping.indicator_code,
                mapping.period_kind,
                start,
                value,
                suppression,
                numerator,
                denominator,
                row,
                mapping.decimals_of(value),
            )
        )

    return read_published(
        text_or_stream,
        given,
        source_name=source_name,
        emit=keep,
        measures=measures,
        result=result,
        max_rows=max_rows,
    )


def read_published(
    text_or_stream: str | bytes | IO[Any],
    mappings: Sequence[Mapping],
    *,
    source_name: str,
    emit: Emit,
    measures: dict[str, value_rules.Measure] | None = None,
    find_duplicates: bool = True,
    max_rows: int | None = None,
    result: ParseResult | None = None,
) -> ParseResult:
    """`parse_published` one row at a time: each figure read is handed to `emit` (see
    `Emit`) and not kept, so a stream of any length is read in bounded memory. The result
    holds the findings, the areas, the counts and no figures.

    With `find_duplicates` false, two rows giving the same indicator, area and period are not
    looked for: the caller finds them (the importer does, in the database, since remembering
    every figure read is what streaming avoids); `duplicate_message` words the finding.
    A file of more than `max_rows` rows of data (MAX_ROWS unless given) is refused with an
    error as soon as the next row is read."""
    result = result if result is not None else ParseResult()
    found = Collector(result)
    wrapper: io.TextIOWrapper | None = None
    try:
        lines, wrapper = _text(text_or_stream)
        _parse(
            csv.reader(lines),
            list(mappings),
            source_name,
            result,
            measures or {},
            _Reading(emit, find_duplicates, MAX_ROWS if max_rows is None else max_rows),
        )
    except UnicodeDecodeError:
        found.add(1, "", f"{source_name} is not UTF-8 text: save it as CSV UTF-8 and try again.")
    finally:
        if wrapper is not None:
            wrapper.detach()
    return result


def duplicate_message(
    earlier_row: int, row: int, mapping: Mapping, area: PublishedArea, period_text: str
) -> str:
    """The finding for two rows giving the same indicator, area and period."""
    return (
        f"Rows {earlier_row} and {row} both give {mapping.name} ({mapping.indicator_code}) for "
        f"{area.name or area.code} in {period_text.strip()}. Remove one of them."
    )


@dataclass(frozen=True)
class _Reading:
    """How `_parse` hands on what it reads."""

    emit: Emit
    find_duplicates: bool
    max_rows: int


def _parse(
    reader: Iterator[list[str]],
    mappings: list[Mapping],
    source_name: str,
    result: ParseResult,
    measures: dict[str, value_rules.Measure],
    reading: _Reading,
) -> None:
    found = Collector(result)
    try:
        header = next(reader, None)
    except csv.Error as error:
        found.add(1, "", f"{source_name} cannot be read as CSV: {error}.")
        return
    if header is None or not any(cell.strip() for cell in header):
        found.add(1, "", f"{source_name} is empty: it has no header row and no data.")
        return

    index, repeated = _header_index(header)

    compiled: list[_Compiled] = []
    # Mappings whose value column is here but not every other column they read.
    partly: list[Mapping] = []
    for position, mapping in enumerate(mappings):
        i_value = _find(index, mapping.names_for(mapping.value_column))
        if i_value >= 0 and mapping.missing_columns(lambda names: _find(index, names) >= 0):
            partly.append(mapping)
        period = _find(index, mapping.names_for(mapping.period_column))
        filters_found = all(
            _find(index, mapping.names_for(column)) >= 0 for column in mapping.filters
        )
        numerator = denominator = -1
        if mapping.numerator_column:
            numerator = _find(index, mapping.names_for(mapping.numerator_column))
            denominator = _find(index, mapping.names_for(mapping.denominator_column))
        parts_found = not mapping.numerator_column or (numerator >= 0 and denominator >= 0)
        if i_value >= 0 and period >= 0 and filters_found and parts_found:
            compiled.append(
                _Compiled(
                    mapping,
                    position,
                    i_value,
                    numerator,
                    denominator,
                    period,
                    measure=measures.get(mapping.indicator_code),
                )
            )
    hinted = [c for c in compiled if c.mapping.file_hint and c.mapping.applies_to_file(source_name)]
    if hinted:
        compiled = hinted
    if not compiled and partly:
        for mapping in _nearest(partly, source_name):
            found.add(1, "", mapping.partly_found_message(lambda n: _find(index, n) >= 0))
        return
    if not compiled:
        found.add(
            1,
            "",
            "This file has none of the columns of the published files we know: "
            f"{_describe(mappings)}. Check that it is a DfE authority-level file and that its "
            "columns have not been renamed (a renamed column can be added to a mapping's aliases).",
        )
        return

    for name in sorted(set(repeated)):
        found.add(
            1, name, f"Column {name} appears more than once; the first is read.", Severity.WARNING
        )

    geography = {
        column: _find(index, (column, *names)) for column, names in STANDARD_ALIASES.items()
    }
    missing = [column for column in REQUIRED_COLUMNS if geography[column] < 0]
    if missing:
        found.add(
            1,
            "",
            f"The file has no {', '.join(missing)} column: without it rows cannot be placed in "
            "England, a region or an authority.",
        )
        return

    # Mappings grouped by the filter columns they read, then by the values they want there.
    groups: dict[tuple[int, ...], dict[tuple[str, ...], list[_Compiled]]] = {}
    for item in compiled:
        columns = sorted(
            (_find(index, item.mapping.names_for(column)), _norm(wanted))
            for column, wanted in item.mapping.filters.items()
        )
        positions = tuple(position for position, _ in columns)
        wanted_values = tuple(value for _, value in columns)
        groups.setdefault(positions, {}).setdefault(wanted_values, []).append(item)
    # One per group: a getter of the row's filter cells, what each combination of filter values
    # wants, and a cache from the raw cells to the mappings they select.
    selectors: list[tuple[Any, dict[tuple[str, ...], list[_Compiled]], dict[Any, Any]]] = [
        (_getter(positions), wanted, {}) for positions, wanted in groups.items()
    ]
    # Mappings for the same indicator and period kind share one record of what was seen.
    seen_by_indicator: dict[tuple[str, str], dict[tuple[str, date], int]] = {}
    for item in compiled:
        item.seen = seen_by_indicator.setdefault(
            (item.mapping.indicator_code, item.mapping.period_kind), {}
        )

    width = len(header)
    column_names = [name.strip().removeprefix("\ufeff") for name in header]
    i_level = geography["geographic_level"]
    place = Places(geography, found, result)
    area_of = place.area_cache.get
    area_getter = _getter(place.positions)
    cell_cache = CellReader()
    cell_get = cell_cache.cache.get
    check_figure = value_rules.check_figure
    emit = reading.emit
    find_duplicates = reading.find_duplicates
    max_rows = reading.max_rows

    row_number = 1
    rows_read = 0
    try:
        for row_number, row in enumerate(reader, start=2):
            if rows_read == max_rows:
                if not row or not any(c.strip() for c in row):
                    continue  # a blank line at the end
                raise TooBig(
                    f"The file has more than {max_rows:,} rows of data (row {row_number} is "
                    f"one more): files that long are refused, since no published file we "
                    "know is near that size. Check that it is the file you meant, or split "
                    "it by year and import each part."
                )
            if len(row) != width:
                if not row or not any(c.strip() for c in row):
                    continue  # a blank line
                if len(row) < width or any(c.strip() for c in row[width:]):
                    rows_read += 1
                    found.add(
                        row_number,
                        "",
                        f"Row {row_number} has {len(row)} cells but the header has {width}.",
                    )
                    continue
            rows_read += 1
            area_key = area_getter(row)
            placed = area_of(area_key)
            if placed is None:
                placed = place.area(area_key, row_number)
                if placed is None:
                    continue
            area, identity, area_at = placed
            nation = NATION_OF_CODE.get(area.code[:1], "")  # W is Wales (`indicators.nations`)

            for getter, wanted, chosen in selectors:
                raw = getter(row)
                items = chosen.get(raw)
                if items is None:
                    items = wanted.get(tuple(_norm(text) for text in raw), [])
                    if len(chosen) < 10_000:
                        chosen[raw] = items
                for item in items:
                    period_text = row[item.period]
                    start = item.periods.get(period_text, date.min)
                    if start is date.min:
                        try:
                            start = period_start(period_text, item.mapping.period_kind)
                        except ValueError:
                            start = None
                        if len(item.periods) < 10_000:
                            item.periods[period_text] = start
                    if start is None:
                        found.add(
                            row_number,
                            column_names[item.period],
                            f"{period_text.strip()!r} is not a year such as 2025 or 202425.",
                        )
                        continue
                    raw_value = row[item.value]
                    got = cell_get(raw_value) or cell_cache(raw_value)
                    value, suppression = got
                    if suppression == NOT_A_NUMBER:
                        found.add(
                            row_number,
                            column_names[item.value],
                            f"{raw_value.strip()!r} is not a number or a suppression "
                            f"code ({', '.join(SUPPRESSION_CODES)}).",
                        )
                        continue
                    part_n = part_d = None
                    if item.numerator >= 0:
                        raw_n = row[item.numerator]
                        raw_d = row[item.denominator]
                        part_n, code_n = cell_get(raw_n) or cell_cache(raw_n)
                        part_d, code_d = cell_get(raw_d) or cell_cache(raw_d)
                        if code_n == NOT_A_NUMBER or code_d == NOT_A_NUMBER:
                            for position, code_x in (
                                (item.numerator, code_n),
                                (item.denominator, code_d),
                            ):
                                if code_x == NOT_A_NUMBER:
                                    found.add(
                                        row_number,
                                        column_names[position],
                                        f"{row[position].strip()!r} is not a number or a "
                                        f"suppression code ({', '.join(SUPPRESSION_CODES)}).",
                                    )
                            continue
                        if value is None or part_n is None or part_d is None or part_d == 0:
                            part_n = part_d = None
                    if find_duplicates:
                        duplicate_key = (identity, start)
                        earlier_row = item.seen.get(duplicate_key)
                        if earlier_row is not None:
                            found.add(
                                row_number,
                                "",
                                duplicate_message(
                                    earlier_row, row_number, item.mapping, area, period_text
                                ),
                            )
                            continue
                        item.seen[duplicate_key] = row_number
                    item.produced += 1  # its rows were found, even if refused
                    measure = item.measure
                    # A suppressed figure has nothing to check (a code is not a value) unless
                    # its measure does not apply in the area's nation (issue 17).
                    if measure is not None and (
                        value is not None or not measure.applies_in(nation)
                    ):
                        checked = check_figure(
                            measure,
                            value=value,
                            numerator=part_n,
                            denominator=part_d,
                            value_from_parts=False,
                            nation=nation,
                        )
                        if checked.problems:
                            for problem in checked.problems:
                                found.add(
                                    row_number,
                                    column_names[item.column_of(problem.field)],
                                    problem.message,
                                )
                            continue  # the file cannot be committed: nothing is given
                    emit(
                        row_number,
                        area_at,
                        item.index,
                        start,
                        value,
                        suppression,
                        part_n,
                        part_d,
                    )
    except TooBig as refusal:
        found.add(row_number, "", str(refusal))
    except UnicodeDecodeError:
        found.add(
            row_number + 1,
            "",
            f"{source_name} is not UTF-8 text after row {row_number}: save it as CSV UTF-8.",
        )
    except csv.Error as error:
        found.add(row_number + 1, "", f"Row {row_number + 1} cannot be read as CSV: {error}.")

    result.rows_read = rows_read
    if rows_read == 0 and not result.has_errors:
        found.add(1, "", f"{source_name} has a header but no rows of data.")
    for level_text, rows in place.unknown_levels.items():
        found.add(
            rows[0],
            column_names[i_level],
            f"{len(rows)} rows at geographic level {level_text!r} (first at row {rows[0]}) are "
            "not read: only National, Regional and Local authority rows are.",
            Severity.WARNING,
        )
    if rows_read and not result.has_errors and not any(item.produced for item in compiled):
        found.add(1, "", no_figures_message(compiled_names=[c.mapping.name for c in compiled]))
    for item in compiled:
        result.figures_by_mapping[item.mapping.name] = item.produced
        if item.produced == 0 and rows_read:
            wanted_text = "; ".join(f"{c}={v}" for c, v in item.mapping.filters.items())
            found.add(
                1,
                item.mapping.value_column,
                f"No rows for {item.mapping.name} ({item.mapping.indicator_code})"
                + (f" with {wanted_text}" if wanted_text else "")
                + ": check the mapping's filters against the file.",
                Severity.WARNING,
            )
