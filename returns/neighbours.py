"""Read the DfE's statistical-neighbour files. Pure: no Django, no database.

The DfE publishes, for every English authority, its ten closest statistical neighbours in rank
order with a closeness band. Two layouts are in use (see `../shared/data/dfe/`):

- **2021** ("New Statistical Neighbour Groupings April 2021"): ``LA num, LA Name, LA number,
  GOInd, GOReg, SN1, SNP, SN2, SNP, ... SN10, SNP,`` -- every closeness column is headed ``SNP``,
  the header ends with an empty column, and the rows are followed by a section headed
  ``Old SNs:`` that lists neighbours for authorities which local-government reorganisations have
  since replaced (Dorset, Poole and Bournemouth before 2019; Northamptonshire before 2021).
- **2025** (``sn_model_2025_wide``): ``old_la_code, la_name, region_ind, region_name, SN_1,
  SN_1P, ... SN_10, SN_10P``; closeness bands may carry trailing spaces ("Close ").

`parse_neighbours` reads either into one shape, `NeighbourParse`, and reports every problem as
a `Finding` (never an exception) so that an import batch can show them and refuse to commit
while any error remains. Authorities are identified by their three-digit DfE LA number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .findings import Finding, Severity, has_errors

LAYOUT_2021 = "2021"
LAYOUT_2025 = "2025"
NEIGHBOURS_PER_AUTHORITY = 10

# The DfE's closeness bands, closest first, as this project writes them.
CLOSENESS_BANDS: tuple[str, ...] = (
    "Extremely close",
    "Very close",
    "Close",
    "Somewhat close",
    "Not close",
)
_BANDS_BY_KEY = {band.lower(): band for band in CLOSENESS_BANDS}

_LA_NUMBER = re.compile(r"\d{3}")
_BOM = "\ufeff"


@dataclass(frozen=True)
class NeighbourRow:
    """One authority's neighbour at one rank, as read from one row of the file."""

    la_number: str  # the authority's three-digit DfE LA number, e.g. "865"
    la_name: str
    region_name: str
    rank: int  # 1 (closest) to 10
    neighbour_la_number: str
    closeness: str  # one of CLOSENESS_BANDS, or "" when the file gives none
    row: int  # 1-based row of the file, the header being row 1


@dataclass
class NeighbourParse:
    """What a statistical-neighbour file holds, and what is wrong with it."""

    layout: str | None  # LAYOUT_2021, LAYOUT_2025, or None when the file is neither
    rows: list[NeighbourRow] = field(default_factory=list)
    # la_number -> (name, region name), for every authority that has a row of its own.
    authorities: dict[str, tuple[str, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    source_name: str = ""
    # The 2021 file's "Old SNs:" section: neighbours of authorities that no longer exist. They
    # are kept apart so that an importer can decide what to do with them.
    superseded_rows: list[NeighbourRow] = field(default_factory=list)
    superseded_authorities: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_error]

    def neighbours_of(self, la_number: str) -> list[NeighbourRow]:
        """The authority's neighbours in rank order (current or superseded section)."""
        found = [row for row in self.rows if row.la_number == la_number]
        if not found:
            found = [row for row in self.superseded_rows if row.la_number == la_number]
        return sorted(found, key=lambda row: row.rank)


def normalise_closeness(text: str) -> str | None:
    """ "Very Close", "close " and "SOMEWHAT  close" become the project's bands; "" stays "";
    anything else is None."""
    key = " ".join(text.split()).lower()
    if not key:
        return ""
    return _BANDS_BY_KEY.get(key)


def _key(header_cell: str) -> str:
    """A header cell reduced to compare: "SN_1P" -> "sn1p", "LA num" -> "lanum"."""
    return re.sub(r"[\s_]+", "", header_cell.replace(_BOM, "")).lower()


@dataclass(frozen=True)
class _Columns:
    """Where each field is in a file of a known layout (0-based indexes into a row)."""

    layout: str
    la: int
    la_label: str
    name: int
    name_label: str
    region: int
    # 2021 repeats the authority's number in a second column ("LA number"); they must agree.
    la_check: int | None
    la_check_label: str
    # rank -> (neighbour column, closeness column or None, their labels for findings)
    ranks: dict[int, tuple[int, int | None, str, str]]


def _resolve(header: Sequence[str]) -> _Columns | None:
    keys = [_key(cell) for cell in header]
    labels = [cell.replace(_BOM, "").strip() for cell in header]

    def find(*names: str) -> int | None:
        for name in names:
            if name in keys:
                return keys.index(name)
        return None

    name = find("laname")
    first = find("sn1")
    if name is None or first is None:
        return None
    la_num, la_number, goreg = find("lanum"), find("lanumber"), find("goreg")
    old_code, region_name = find("oldlacode"), find("regionname")
    la_check: int | None = None
    if la_num is not None and goreg is not None:
        layout, region, la, la_check = LAYOUT_2021, goreg, la_num, la_number
    elif la_number is not None and goreg is not None:
        layout, region, la = LAYOUT_2021, goreg, la_number
    elif old_code is not None and region_name is not None:
        layout, region, la = LAYOUT_2025, region_name, old_code
    else:
        return None

    ranks: dict[int, tuple[int, int | None, str, str]] = {}
    for rank in range(1, NEIGHBOURS_PER_AUTHORITY + 1):
        column = find(f"sn{rank}")
        if column is None:
            continue
        closeness = find(f"sn{rank}p")
        if closeness is None and column + 1 < len(keys) and keys[column + 1] == "snp":
            closeness = column + 1
        closeness_label = ""
        if closeness is not None:
            closeness_label = labels[closeness]
            if keys[closeness] == "snp":  # 2021: every closeness column is headed "SNP"
                closeness_label = f"SNP after {labels[column]}"
        ranks[rank] = (column, closeness, labels[column], closeness_label)
    return _Columns(
        layout=layout,
        la=la,
        la_label=labels[la],
        name=name,
        name_label=labels[name],
        region=region,
        la_check=la_check,
        la_check_label=labels[la_check] if la_check is not None else "",
        ranks=ranks,
    )


def detect_layout(header: Sequence[str]) -> str | None:
    """LAYOUT_2021 or LAYOUT_2025 for a statistical-neighbour file's header row, else None.

    Column names are compared ignoring case, spaces, underscores and a byte-order mark."""
    columns = _resolve(header)
    return columns.layout if columns else None


def _records(text: str, findings: list[Finding]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for each record; a record csv cannot read ends the file with an
    error rather than an exception."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            findings.append(Finding(number, "", f"Row {number} could not be read as CSV ({exc})."))
            return
        yield number, cells


def _is_old_section_heading(cells: list[str]) -> bool:
    return any(_key(cell).startswith("oldsn") for cell in cells)


def parse_neighbours(text: str, *, source_name: str) -> NeighbourParse:
    """Read a DfE statistical-neighbour CSV (2021 or 2025 layout) given as text."""
    findings: list[Finding] = []
    if not text.replace(_BOM, "").strip():
        findings.append(Finding(1, "", f"The file is empty: {source_name} has no rows at all."))
        return NeighbourParse(layout=None, findings=findings, source_name=source_name)

    records = _records(text.lstrip(_BOM), findings)
    header_number, header = next(records, (1, []))
    columns = _resolve(header)
    if columns is None:
        shown = ", ".join(cell.strip() for cell in header[:6] if cell.strip()) or "nothing"
        findings.append(
            Finding(
                header_number,
                "",
                f"This is not a statistical-neighbour file: {source_name} does not have the "
                "columns of the DfE's 2021 or 2025 layout (an LA number, LA name, region and "
                f"SN1 to SN10 with their closeness). Its first row has: {shown}.",
            )
        )
        return NeighbourParse(layout=None, findings=findings, source_name=source_name)

    result = NeighbourParse(layout=columns.layout, source_name=source_name, findings=findings)
    _check_header(columns, header_number, findings)
    _read_rows(columns, records, result)
    if not result.authorities and not result.superseded_authorities and not result.has_errors:
        findings.append(Finding(2, "", f"{source_name} has a header but no authorities under it."))
    _check_neighbours_exist(columns, result)
    return result


def _check_header(columns: _Columns, row: int, findings: list[Finding]) -> None:
    prefix = "SN" if columns.layout == LAYOUT_2021 else "SN_"
    for rank in range(1, NEIGHBOURS_PER_AUTHORITY + 1):
        if rank not in columns.ranks:
            findings.append(
                Finding(
                    row,
                    f"{prefix}{rank}",
                    f"The file has no column for neighbour {rank} ({prefix}{rank}); the DfE "
                    f"model always lists {NEIGHBOURS_PER_AUTHORITY}.",
                )
            )
        elif columns.ranks[rank][1] is None:
            findings.append(
                Finding(
                    row,
                    columns.ranks[rank][2],
                    f"The file has no closeness column for neighbour {rank}; its closeness "
                    "bands will be left blank.",
                    Severity.WARNING,
                )
            )


def _read_rows(
    columns: _Columns, records: Iterator[tuple[int, list[str]]], result: NeighbourParse
) -> None:
    findings = result.findings
    seen: dict[str, int] = {}  # la_number -> the row it was first listed on
    old_section_row: int | None = None
    old_names: list[str] = []

    for number, raw in records:
        cells = [cell.strip() for cell in raw]

        def cell(index: int | None, cells: list[str] = cells) -> str:
            return cells[index] if index is not None and index < len(cells) else ""

        if not any(cells):
            continue
        la = cell(columns.la)
        if not la:
            if old_section_row is None and _is_old_section_heading(cells):
                old_section_row = number
                continue
            findings.append(
                Finding(
                    number,
                    columns.la_label,
                    f"Row {number} has no LA number, so it cannot be matched to an authority.",
                )
            )
            continue
        if not _LA_NUMBER.fullmatch(la):
            findings.append(
                Finding(
                    number,
                    columns.la_label,
                    f'"{la}" is not a DfE LA number: these are three digits, such as 865.',
                )
            )
            continue
        check = cell(columns.la_check)
        if columns.la_check is not None and check and check != la:
            findings.append(
                Finding(
                    number,
                    columns.la_check_label,
                    f"{columns.la_label} says {la} but {columns.la_check_label} says {check}: "
                    "which authority is this row?",
                )
            )
            continue
        name, region = cell(columns.name), cell(columns.region)
        who = f"{name} ({la})" if name else la
        if la in seen:
            findings.append(
                Finding(
                    number,
                    columns.la_label,
                    f"{who} is listed twice, here and on row {seen[la]}; the DfE model has one "
                    "row per authority.",
                )
            )
            continue
        seen[la] = number
        if not name:
            findings.append(
                Finding(
                    number,
                    columns.name_label,
                    f"Authority {la} has no name.",
                )
            )
        if old_section_row is None:
            result.authorities[la] = (name, region)
            target = result.rows
        else:
            result.superseded_authorities[la] = (name, region)
            old_names.append(who)
            target = result.superseded_rows
        target.extend(_read_neighbours(columns, number, cells, la, name, region, findings))

    if old_section_row is not None and old_names:
        findings.append(
            Finding(
                old_section_row,
                "",
                f"The {len(old_names)} authorities after the heading on row {old_section_row} "
                f"({', '.join(old_names)}) are neighbours for authorities that existed before "
                "a local-government reorganisation. They are kept apart from the current "
                "groupings.",
                Severity.WARNING,
            )
        )


def _read_neighbours(
    columns: _Columns,
    number: int,
    cells: list[str],
    la: str,
    name: str,
    region: str,
    findings: list[Finding],
) -> list[NeighbourRow]:
    who = f"{name} ({la})" if name else la
    rows: list[NeighbourRow] = []
    ranks_of: dict[str, int] = {}
    for rank, (column, closeness_column, label, closeness_label) in sorted(columns.ranks.items()):
        neighbour = cells[column] if column < len(cells) else ""
        raw_closeness = ""
        if closeness_column is not None and closeness_column < len(cells):
            raw_closeness = cells[closeness_column]
        if not neighbour:
            findings.append(
                Finding(
                    number,
                    label,
                    f"{who} is missing neighbour {rank}: the DfE model always lists "
                    f"{NEIGHBOURS_PER_AUTHORITY}.",
                )
            )
            continue
        if not _LA_NUMBER.fullmatch(neighbour):
            findings.append(
                Finding(
                    number,
                    label,
                    f'Neighbour {rank} of {who} is "{neighbour}", which is not a DfE LA '
                    "number: these are three digits, such as 865.",
                )
            )
            continue
        if neighbour == la:
            findings.append(
                Finding(
                    number,
                    label,
                    f"{who} is listed as its own neighbour {rank}.",
                )
            )
            continue
        if neighbour in ranks_of:
            findings.append(
                Finding(
                    number,
                    label,
                    f"Neighbour {rank} of {who} is {neighbour}, which is already its neighbour "
                    f"{ranks_of[neighbour]}.",
                )
            )
            continue
        ranks_of[neighbour] = rank
        closeness = normalise_closeness(raw_closeness)
        if closeness is None:
            findings.append(
                Finding(
                    number,
                    closeness_label,
                    f'The closeness of neighbour {rank} of {who} is "{raw_closeness}", which is '
                    f"not one of the DfE's bands ({', '.join(CLOSENESS_BANDS)}).",
                )
            )
            closeness = ""
        elif not closeness and closeness_column is not None:
            findings.append(
                Finding(
                    number,
                    closeness_label,
                    f"Neighbour {rank} of {who} has no closeness band.",
                    Severity.WARNING,
                )
            )
        rows.append(
            NeighbourRow(
                la_number=la,
                la_name=name,
                region_name=region,
                rank=rank,
                neighbour_la_number=neighbour,
                closeness=closeness,
                row=number,
            )
        )
    return rows


def _check_neighbours_exist(columns: _Columns, result: NeighbourParse) -> None:
    """A neighbour should have a row of its own; one that has not may have been abolished."""
    labels = {rank: label for rank, (_, _, label, _) in columns.ranks.items()}
    everyone = result.authorities.keys() | result.superseded_authorities.keys()
    for rows, known in (
        (result.rows, result.authorities.keys()),
        (result.superseded_rows, everyone),
    ):
        for row in rows:
            if row.neighbour_la_number in known:
                continue
            who = f"{row.la_name} ({row.la_number})" if row.la_name else row.la_number
            if row.neighbour_la_number in result.superseded_authorities:
                where = "is listed only among the authorities that no longer exist"
            else:
                where = (
                    "has no row of its own in this file: it may be an authority that no "
                    "longer exists"
                )
            result.findings.append(
                Finding(
                    row.row,
                    labels[row.rank],
                    f"Neighbour {row.rank} of {who} is {row.neighbour_la_number}, which {where}.",
                    Severity.WARNING,
                )
            )
    result.findings.sort(key=lambda finding: finding.row)
