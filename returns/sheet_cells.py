"""A spreadsheet's cells and the table of them a reader gives, and how one cell is read as
text, a number, yes or no, or a period. Pure: no Django, no ORM.

`Table` is what `sheet_tables.read_table` returns for a CSV or XLSX file; the converters raise
`CellProblem` with words that finish "Row N, column X: ...", for the parsers to turn into
findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from indicators import periods, value_rules

from .findings import Finding


@dataclass(frozen=True)
class CellError:
    """A cell that shows an error (#DIV/0!, #N/A, ...) or a formula with no saved result."""

    text: str


Cell = str | Decimal | bool | date | CellError | None

# Reading stops after this many empty rows in a row: what follows is formatting, not data.
# (How many rows and cells a sheet may have is an import limit: `returns.limits`.)
BLANK_RUN = 1000


@dataclass
class Table:
    """What a file holds: its header (as normalised column names) and its data rows, each with
    its row number in the file (the header is row 1), and what reading it found wrong."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    file_format: str = ""

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings)


def column_key(name: object) -> str:
    """A header cell as a column name: 'Financial year ' and 'financial-year' are both
    'financial_year'."""
    text = "" if name is None else str(name)
    return re.sub(r"[\s\-]+", "_", text.strip().lower()).strip("_")


# --- cells -----------------------------------------------------------------------------------


class CellProblem(ValueError):
    """What is wrong with one cell, in words that finish 'Row N, column X: ...'."""


def as_text(cell: Cell) -> str:
    """A cell as text: numbers as written (865, not 865.0), an exported formula escape undone."""
    if cell is None:
        return ""
    if isinstance(cell, CellError):
        raise CellProblem(cell.text)
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, Decimal):
        return _plain_number(cell)
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    value = cell.strip()
    if value.startswith("'") and value[1:2] and value[1] in "=+-@":
        return value[1:]
    return value


def _plain_number(number: Decimal) -> str:
    return f"{number.normalize():f}"


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
# The largest number a figure or target column holds (16 digits, 4 after the point).
LARGEST = value_rules.LARGEST_STORED
STORED_DECIMALS = value_rules.STORED_DECIMALS


def as_number(cell: Cell) -> Decimal | None:
    """A number, or None for an empty cell. Accepts 1,234.5 and 87% (as 87)."""
    if isinstance(cell, bool):
        raise CellProblem(f"{'TRUE' if cell else 'FALSE'} is not a number")
    if isinstance(cell, Decimal):
        result = cell
    else:
        written = as_text(cell)
        if not written:
            return None
        cleaned = written.replace("£", "").rstrip("%").strip()
        if _THOUSANDS.match(cleaned):
            cleaned = cleaned.replace(",", "")
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise CellProblem(f"{written!r} is not a number") from None
    if not result.is_finite():
        raise CellProblem(f"{as_text(cell)!r} is not a number")
    if abs(result) > LARGEST:
        raise CellProblem(f"{as_text(cell)} is too large")
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -STORED_DECIMALS:
        result = result.quantize(Decimal(1).scaleb(-STORED_DECIMALS), rounding=ROUND_HALF_UP)
    return result


_YES = {"yes", "y", "true", "1", "provisional"}
_NO = {"", "no", "n", "false", "0"}


def as_yes_no(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    written = as_text(cell).lower()
    if written in _YES:
        return True
    if written in _NO:
        return False
    raise CellProblem(f"{as_text(cell)!r} is not yes or no")


PERIOD_HINT = (
    "write a month (September 2021 or 2021-09), a quarter (Q2 2021/22) or a year (2021/22)"
)


def as_period(cell: Cell) -> tuple[str, date]:
    """A period's kind and start. A date cell is a month when it is the 1st (Excel turns
    2021-09 into 1 September 2021), otherwise a snapshot at that date."""
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        if cell.day == 1:
            return periods.MONTH, cell
        return periods.SNAPSHOT, cell
    written = as_text(cell)
    if not written:
        raise CellProblem(f"the period is empty; {PERIOD_HINT}")
    for reader in (periods.parse_url_key, periods.parse):
        try:
            return reader(written)
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{2}", written):
        try:  # 2021-22: a financial year as some publications write it (2021-12 is a month)
            first, second = (int(part) for part in written.split("-"))
            if (first + 1) % 100 == second and 1900 < first < 2200:
                return periods.FINANCIAL_YEAR, date(first, 4, 1)
        except ValueError:
            pass
    raise CellProblem(f"{written!r} is not a period; {PERIOD_HINT}")


def period_bounds(cell: Cell) -> tuple[str, date, date]:
    kind, start = as_period(cell)
    first, last = periods.bounds(kind, start)
    return kind, first, last


def period_label(kind: str, start: date) -> str:
    first, last = periods.bounds(kind, start)
    return periods.label(kind, first, last)
