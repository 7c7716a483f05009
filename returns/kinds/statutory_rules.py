"""The DfE's validation rules run over an uploaded statutory return (issue 19, docs/0028).

Validating a return runs its collection year's rule set (`dfe_rules.engine.rule_set`) over the
same tables the figures are derived from, and keeps on the batch the set's name and, per rule
that failed, its code, severity, message and how many rows failed (`ImportBatch.rule_set`,
`rule_counts`): counts only, nothing child-level. The failing rows themselves exist only in
memory, here and when the error report is built again from the file (`returns.rule_reports`).

Last year's tables for the rules that compare with the previous return travel in the same ZIP:
a member inside a folder named ``previous`` (``previous/episodes.csv``), or whose file name
ends ``_last`` or ``_previous`` before ``.csv`` (``episodes_last.csv``). They are never read as
this year's tables.

A statutory return whose only errors are rule failures may be committed once an admin has
accepted them (`may_commit_with_rule_errors`); an error in the file's structure still blocks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from .. import derive_903
from ..derive_903 import TooLarge, too_many_rows
from ..dfe_rules.cin.tables import UnreadableCensus
from ..dfe_rules.cin.tables import cin_tables as read_census
from ..dfe_rules.engine import (
    ERROR,
    WARNING,
    ReturnTables,
    RuleOutcome,
    RuleSet,
    rule_set,
)
from ..dfe_rules.quality import figure_fields, figure_quality
from ..findings import Finding, Severity
from ..limits import ImportLimits
from ..models import BatchStatus, ImportBatch, ImportKind
from ..ssda903_xml import looks_like_xml, read_903_xml

if TYPE_CHECKING:
    from ..dfe_rules.engine import Table

CHUNK = 1 << 20
PREVIOUS_FOLDER = "previous"
PREVIOUS_SUFFIXES = ("_last", "_previous")


def is_last_years(member: str) -> bool:
    """Whether a ZIP member is last year's table: inside a folder named ``previous`` (at any
    depth, any case), or named ``..._last.csv`` / ``..._previous.csv``."""
    *folders, name = member.replace("\\", "/").split("/")
    stem = name.lower().removesuffix(".csv")
    return PREVIOUS_FOLDER in (folder.lower() for folder in folders) or stem.endswith(
        PREVIOUS_SUFFIXES
    )


def _this_years_name(member: str) -> str:
    """A table's name as the rules and the figures' derivation use it, without the marks of
    last year (``Episodes_last.csv`` is episodes, ``PlacedForAdoption.csv`` placedadoption)."""
    stem = member.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".csv")
    for suffix in PREVIOUS_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return derive_903.table_name(stem)


def _is_903_table(name: str) -> bool:
    return name in derive_903.REQUIRED_COLUMNS or name in derive_903.OTHER_TABLES


def ssda903_tables(source: IO[bytes], year: int, limits: ImportLimits) -> ReturnTables | None:
    """The return's tables as the rules read them: from the XML form, or from the ZIP (each
    member read again from the archive, once; the archive's unpacked size was held to the
    import limits when the figures were derived). None when the file gives no tables."""
    source.seek(0)
    head = source.read(4096)
    source.seek(0)
    if looks_like_xml(head):
        read = read_903_xml(source, limits)
        return ReturnTables.of(year, dict(read.tables)) if read.readable else None
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        return None
    this_year: dict[str, Table] = {}
    last_year: dict[str, Table] = {}
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if sum(info.file_size for info in members) > limits.unpacked_bytes:
            return None
        for info in members:
            name = _this_years_name(info.filename)
            if not info.filename.lower().endswith(".csv") or not _is_903_table(name):
                continue  # not a table of the return: the derivation's findings say so
            _rows_within(archive, info, limits)
            content = archive.read(info)
            if is_last_years(info.filename):
                last_year[name] = content
            else:
                this_year[name] = content
    if not this_year:
        return None
    return ReturnTables.of(year, this_year, last_year)


def _rows_within(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits) -> None:
    """Refuse (TooLarge) a member of more lines than a table may have rows, before it is read
    into memory: the figures' derivation holds this year's tables to the limit as it streams
    them, and last year's, which only the rules read, are held to the same. Lines are counted
    a chunk at a time, so nothing is held."""
    lines = 0
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            lines += chunk.count(b"\n")
            if lines > limits.return_rows + 1:
                name = _this_years_name(info.filename)
                raise too_many_rows(f"The {name} table has", limits.return_rows)


def cin_tables(source: IO[bytes], year: int, limits: ImportLimits) -> ReturnTables | None:
    """The CIN census's tables as its rules read them (`dfe_rules.cin.tables`); None for a
    file that cannot be read as a census (the figures' derivation has said why)."""
    source.seek(0)
    try:
        return read_census(source, collection_year=year, limits=limits)
    except UnreadableCensus:
        return None


def return_tables(
    kind: str, source: IO[bytes], year: int, limits: ImportLimits
) -> ReturnTables | None:
    """A return's tables as its rules read them (the file opened, seekable); None when the
    file gives none to check (its structure is unreadable: its findings say so)."""
    if kind == ImportKind.SSDA903:
        return ssda903_tables(source, year, limits)
    return cin_tables(source, year, limits)


def return_name(kind: str) -> str:
    """The rules' name of a statutory return's kind."""
    return "ssda903" if kind == ImportKind.SSDA903 else "cin"


def rules_of(kind: str, year: int) -> RuleSet:
    return rule_set(return_name(kind), year)


def rule_outcome(
    kind: str, source: IO[bytes], year: int, limits: ImportLimits
) -> RuleOutcome | None:
    """The year's DfE rules run over a return's file; None when it gives no tables. Raises
    TooLarge for a table past the import limits."""
    tables = return_tables(kind, source, year, limits)
    return None if tables is None else rules_of(kind, year).run(tables)


@dataclass(frozen=True)
class RulesChecked:
    """What validating a return adds: the rules' outcome (None when none could run), the
    findings about them (warnings: a rule that could not be checked, or a table too large to
    check, when no rule is run), and the names of last year's tables the upload held."""

    outcome: RuleOutcome | None
    findings: list[Finding]
    last_year: list[str]


def rules_check(kind: str, source: IO[bytes], year: int, limits: ImportLimits) -> RulesChecked:
    """The year's DfE rules run over a return's file, for its validation."""
    try:
        tables = return_tables(kind, source, year, limits)
    except TooLarge as refused:
        warning = Finding(1, "", f"The DfE rules were not run. {refused}", Severity.WARNING)
        return RulesChecked(None, [warning], [])
    if tables is None:
        return RulesChecked(None, [], [])
    outcome = rules_of(kind, year).run(tables)
    return RulesChecked(outcome, rule_findings(outcome), sorted(tables.previous))


def rule_counts_of(outcome: RuleOutcome) -> dict[str, dict[str, str | int]]:
    """What the batch keeps of the outcome: per failing rule, its severity, the DfE's message
    and how many rows failed. A rule that could not be checked is kept as a warning with no
    rows, so the review names it."""
    counts: dict[str, dict[str, str | int]] = {}
    for code, rows in outcome.counts.items():
        rule = outcome.rule(code)
        counts[code] = {"severity": rule.severity, "message": rule.message, "rows": rows}
    for code in outcome.not_checked:
        counts[code] = {
            "severity": WARNING,
            "message": not_checked_message(code),
            "rows": 0,
        }
    return counts


def not_checked_message(code: str) -> str:
    # Never the exception's own text: it may quote a value from the file.
    return f"DfE rule {code} could not be checked: the other rules were run."


def rule_findings(outcome: RuleOutcome) -> list[Finding]:
    """Findings for the rules that could not be checked (warnings naming each rule). The
    rule failures themselves are counted per rule (`rule_counts_of`), not listed as findings."""
    return [
        Finding(0, f"DfE rule {code}", not_checked_message(code), Severity.WARNING)
        for code in sorted(outcome.not_checked)
    ]


def rule_rows(counts: Mapping[str, Mapping[str, str | int]] | None, severity: str) -> int:
    """How many failing rows the rules of `severity` found, from a batch's `rule_counts`."""
    return sum(
        int(entry["rows"]) for entry in (counts or {}).values() if entry["severity"] == severity
    )


def rule_error_rows(batch: ImportBatch) -> int:
    return rule_rows(batch.rule_counts, ERROR)


def structural_errors(batch: ImportBatch) -> int:
    """The batch's errors that are not DfE rule failures: the file's structure, codes and
    dates as the importer reads them. These block a commit whatever an admin accepts."""
    return max(0, batch.error_count - rule_error_rows(batch))


def may_commit_with_rule_errors(batch: ImportBatch) -> bool:
    """A validated return whose only errors are DfE rule failures: an admin may commit it
    after accepting them."""
    return (
        batch.status == BatchStatus.READY
        and batch.error_count > 0
        and rule_error_rows(batch) > 0
        and structural_errors(batch) == 0
    )


def figure_qualities_of(
    return_name: str, counted: Mapping[str, frozenset[str]], outcome: RuleOutcome
) -> dict[str, dict[str, Any]]:
    """Each derived figure's data quality, as the batch keeps it (counts only: the children
    are in memory only while the return is validated): of the children the figure counts, how
    many an error able to change it touches, and which rules (`dfe_rules.quality`). A figure
    whose fields are not listed has none (it cannot be told)."""
    errors = {
        code: children
        for code, children in outcome.children.items()
        if outcome.rule(code).severity == ERROR
    }
    rule_fields = {rule.code: frozenset(rule.fields) for rule in outcome.rules}
    fields = figure_fields(return_name)
    kept: dict[str, dict[str, Any]] = {}
    for code, children in counted.items():
        if code not in fields:
            continue
        quality = figure_quality(children, fields[code], errors, rule_fields)
        kept[code] = {
            "counted": quality.counted,
            "affected": quality.affected,
            "rules": [{"code": t.code, "children": t.children} for t in quality.rules],
        }
    return kept
