"""What an import found wrong or doubtful in a file, row by row. Pure: no Django.

Every parser and derivation in this app reports problems as `Finding`s, so that an import
batch can show them in one table and refuse to commit while any error remains.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the file cannot be imported until this is fixed
    WARNING = "warning"  # imported, but worth a look


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (1-based row of the file, counting the header as row 1; the
    column's name, or "" for the whole row or file) and what it is, in plain English."""

    row: int
    column: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def has_errors(findings: list[Finding]) -> bool:
    return any(finding.is_error for finding in findings)
