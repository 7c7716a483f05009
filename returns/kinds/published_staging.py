"""Published files on PostgreSQL, at national scale: the file is read as a stream, each figure
COPYed into a temporary table as it is read (nothing kept in Python for a row), and the
preview and the commit are set-based SQL over that table (`indicators.services.
staged_imports`). What a file holds, which findings it gets and what a commit writes are the
same as on the portable path (`published.published_plan`, which SQLite uses): the reader and
its rules are one; only two rows giving the same figure are found here by a query rather than
by remembering every figure read.

The temporary tables live as long as the transaction (the batch core's, for a validation or a
commit) and are made again by each.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import ContentFile, File
from django.db import connection, transaction

from indicators import value_rules
from indicators.models import FigureSource, FigureStatus, Indicator, Period
from indicators.services.staged_imports import (
    StagedKeys,
    StagedOutcome,
    WrittenRecord,
    figures_compare_staged,
    figures_import_staged,
)

from .. import published
from ..findings import Finding
from ..models import BatchChange, ImportBatch
from ..progress import progress_report
from .base import batch_file_open, batch_note, batch_reason
from .published_areas import area_find, area_lookup, areas_ensure

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User

ROWS = "published_rows"
AREAS = "published_areas"
MAPPINGS = "published_mappings_read"
PERIODS = "published_periods"
SOURCE = "published_source"

# Rows sent to the database at a time while the file is read.
CHUNK = 20_000
PROGRESS_EVERY = 200_000
NULL = "\\N"
WORK_MEM = "64MB"
PLACES_KEPT = 100_000  # the distinct value texts whose decimal places are remembered


@dataclass
class StagedPlan:
    """A published file read into the temporary tables: the reader's findings, areas and
    counts (no figures), the areas not known yet, and the ids every figure may refer to."""

    result: published.ParseResult
    new_area_positions: list[int] = field(default_factory=list)
    new_area_rows: int = 0
    keys: StagedKeys = field(default_factory=lambda: StagedKeys((), (), ()))


def _execute(sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def _tables_create() -> None:
    # Room for the sorts and hashes over a million rows (the duplicates, the figures in key
    # order) in memory rather than on disk, for this transaction only.
    _execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    _execute(f"DROP VIEW IF EXISTS {SOURCE}")
    for table in (ROWS, AREAS, MAPPINGS, PERIODS):
        _execute(f"DROP TABLE IF EXISTS {table}")
    # The row as read: where it is in the file, its area and mapping (positions in the
    # reader's lists), the indicator and period kind it counts against (`seen`: rows of two
    # mappings of one indicator are duplicates too), the period's start and the numbers.
    _execute(
        f"CREATE TEMPORARY TABLE {ROWS} (row_number integer, area integer, mapping integer, "
        "seen integer, period_start date, value numeric, numerator numeric, "
        "denominator numeric, suppression varchar(3), decimals smallint) ON COMMIT DROP"
    )
    _execute(
        f"CREATE TEMPORARY TABLE {AREAS} (area integer PRIMARY KEY, area_id bigint) ON COMMIT DROP"
    )
    _execute(
        f"CREATE TEMPORARY TABLE {MAPPINGS} (mapping integer PRIMARY KEY, "
        "indicator_id bigint, period_kind varchar(12)) ON COMMIT DROP"
    )
    _execute(
        f"CREATE TEMPORARY TABLE {PERIODS} (period_kind varchar(12), period_start date, "
        "period_id bigint, PRIMARY KEY (period_kind, period_start)) ON COMMIT DROP"
    )


@dataclass
class _Read:
    """What reading the file gave besides the rows in ROWS: the reader's result, the period
    starts each mapping read, and how many figures each area has (by position)."""

    result: published.ParseResult
    starts: list[set[date]]
    area_rows: list[int]


def _rows_copy(
    batch: ImportBatch,
    mappings: list[published.Mapping],
    measures: dict[str, value_rules.Measure],
    keep: IO[bytes] | None,
) -> _Read:
    """Read the batch's file as a stream, COPYing each figure into ROWS as it is read (and
    writing the same lines to `keep`, when given)."""
    seen_of: dict[tuple[str, str], int] = {}
    # The places each figure is published to: the mapping's, or those of the cell's text.
    # A mapping's own decimals are every figure's; otherwise they follow the value's text,
    # worked out once per distinct text (a million figures hold a few thousand values).
    fixed = [_text_of(mapping.decimals) for mapping in mappings]
    places_of_text: dict[str, str] = {}
    middles = [
        f"\t{position}\t{seen_of.setdefault((m.indicator_code, m.period_kind), len(seen_of))}\t"
        for position, m in enumerate(mappings)
    ]
    days: dict[date, str] = {}
    lines: list[str] = []
    sent = [0]  # figures sent so far
    read = _Read(published.ParseResult(), [set() for _ in mappings], [0] * published.MAX_AREAS)
    starts, area_rows = read.starts, read.area_rows

    with (
        connection.cursor() as cursor,
        batch_file_open(batch) as handle,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {ROWS} FROM STDIN") as copy,
    ):

        def send() -> None:
            text = "".join(lines)
            copy.write(text)
            if keep is not None:
                keep.write(text.encode())
            sent[0] += len(lines)
            lines.clear()

        def emit(
            row: int,
            area_at: int,
            mapping_at: int,
            start: date,
            value: Decimal | None,
            suppression: str,
            numerator: Decimal | None,
            denominator: Decimal | None,
        ) -> None:
            day = days.get(start)
            if day is None:
                day = days[start] = start.isoformat()
            starts[mapping_at].add(start)
            area_rows[area_at] += 1
            # `!s`: formatting a Decimal through format() costs four times its str().
            value_text = NULL if value is None else f"{value!s}"
            places = fixed[mapping_at]
            if places == NULL and value is not None:
                found = places_of_text.get(value_text)
                if found is None:
                    found = _text_of(mappings[mapping_at].decimals_of(value))
                    if len(places_of_text) < PLACES_KEPT:
                        places_of_text[value_text] = found
                places = found
            lines.append(
                f"{row}\t{area_at}{middles[mapping_at]}{day}\t{value_text}\t"
                f"{NULL if numerator is None else numerator!s}\t"
                f"{NULL if denominator is None else denominator!s}\t{suppression}\t{places}\n"
            )
            if len(lines) == CHUNK:
                send()
                if not sent[0] % PROGRESS_EVERY:
                    progress_report(
                        batch.pk, percent=10, note=f"Reading the file: {sent[0]:,} figures"
                    )

        published.read_published(
            handle,
            mappings,
            source_name=batch.file_name,
            emit=emit,
            measures=measures,
            find_duplicates=False,
            result=read.result,
        )
        if lines:
            send()
    _execute(f"ANALYZE {ROWS}")
    return read


# --- the rows kept from validation for the commit -----------------------------------------
#
# Validation writes the lines it COPYs to a file beside the batch's own (with a small header:
# what they were read with, the areas, the periods), and the commit COPYs them back instead of
# reading and checking the file again, if nothing they depend on has changed: the file (its
# digest), the mappings and the catalogue's measures they name. Otherwise the commit reads the
# file again, as it always did. About a quarter of the upload's size; deleted by the commit.

KEPT_VERSION = 2  # 2: the rows carry the published decimals


def _text_of(number: int | None) -> str:
    return NULL if number is None else str(number)


def _kept_names(batch: ImportBatch) -> tuple[str, str]:
    return f"{batch.file.name}.rows.json", f"{batch.file.name}.rows"


def _fingerprint(
    batch: ImportBatch, mappings: list[published.Mapping], indicators: dict[str, Indicator]
) -> str:
    """What the kept rows depend on besides the reader's code."""
    described = [
        KEPT_VERSION,
        batch.sha256,
        [m.as_row() for m in mappings],
        sorted((code, i.pk, i.title, i.unit, i.decimals) for code, i in indicators.items()),
    ]
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def _kept_save(batch: ImportBatch, fingerprint: str, read: _Read, rows: IO[bytes]) -> None:
    storage = batch.file.storage
    header_name, rows_name = _kept_names(batch)
    for name in (header_name, rows_name):
        storage.delete(name)
    rows.seek(0)
    saved_rows = storage.save(rows_name, File(rows))
    header = {
        "fingerprint": fingerprint,
        "rows": saved_rows,
        "rows_read": read.result.rows_read,
        "areas": [dataclasses.astuple(area) for area in read.result.areas],
        "area_rows": read.area_rows[: len(read.result.areas)],
        "starts": [sorted(day.isoformat() for day in days) for days in read.starts],
    }
    storage.save(header_name, ContentFile(json.dumps(header).encode()))


def _kept_read(batch: ImportBatch, fingerprint: str) -> _Read | None:
    """COPY the rows validation kept into ROWS, if they were read as the commit would read
    them; None (nothing copied) otherwise."""
    storage = batch.file.storage
    header_name, _rows_name = _kept_names(batch)
    try:
        with storage.open(header_name, "rb") as handle:
            header = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    if header.get("fingerprint") != fingerprint:
        return None
    try:
        rows = storage.open(header["rows"], "rb")
    except OSError:  # deleted since: the commit reads the file
        return None
    with (
        rows,
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {ROWS} FROM STDIN") as copy,
    ):
        while chunk := rows.read(1 << 20):
            copy.write(chunk)
    _execute(f"ANALYZE {ROWS}")
    result = published.ParseResult(
        rows_read=header["rows_read"],
        areas=[published.PublishedArea(*area) for area in header["areas"]],
    )
    starts = [{date.fromisoformat(day) for day in days} for days in header["starts"]]
    return _Read(result, starts, header["area_rows"])


def kept_rows_delete(batch: ImportBatch) -> None:
    """Delete the rows validation kept beside the batch's file (after a commit, or when the
    batch is rejected)."""
    storage = batch.file.storage
    for name in _kept_names(batch):
        storage.delete(name)


def _period_text(kind: str, start: date) -> str:
    """A period as the files name it (202425), for a finding."""
    if kind == "snapshot":
        return str(start.year)
    return f"{start.year}{(start.year + 1) % 100:02d}"


def _duplicates_find(result: published.ParseResult, mappings: list[published.Mapping]) -> None:
    """Two rows giving the same indicator, area and period: an error on the later row, naming
    the first, as the reader words it."""
    found = _execute(
        "SELECT row_number, first_row, mapping, area, period_start FROM ("  # noqa: S608
        "SELECT row_number, mapping, area, period_start, min(row_number) OVER "
        "(PARTITION BY seen, area, period_start) AS first_row, count(*) OVER "
        f"(PARTITION BY seen, area, period_start) AS rows FROM {ROWS} "
        f"WHERE (seen, area, period_start) IN (SELECT seen, area, period_start FROM {ROWS} "
        "GROUP BY seen, area, period_start HAVING count(*) > 1)) AS repeated "
        f"WHERE row_number <> first_row ORDER BY row_number LIMIT {published.MAX_FINDINGS + 1}"
    )
    for row, first_row, mapping_at, area_at, start in found:
        mapping = mappings[mapping_at]
        message = published.duplicate_message(
            first_row,
            row,
            mapping,
            result.areas[area_at],
            _period_text(mapping.period_kind, start),
        )
        if len(result.findings) < published.MAX_FINDINGS:
            result.findings.append(Finding(row, "", message))
        else:
            result.findings_not_listed += 1
    result.findings.sort(key=lambda finding: finding.row)


def staged_plan(
    batch: ImportBatch,
    mappings: list[published.Mapping],
    indicators: dict[str, Indicator],
    *,
    create_areas: bool,
) -> StagedPlan:
    """Read the batch's file into the temporary tables and the view SOURCE (the figures of
    known areas and indicators, with their ids). Validation (not `create_areas`) keeps the
    rows it read for the commit; the commit (`create_areas`) COPYs them back when they were
    read as it would read them, and otherwise reads the file again, then creates the areas
    the file names that are not known yet."""
    _tables_create()
    fingerprint = _fingerprint(batch, mappings, indicators)
    read = _kept_read(batch, fingerprint) if create_areas else None
    if read is None:
        measures = {code: value_rules.Measure.of(i) for code, i in indicators.items()}
        with tempfile.TemporaryFile() as kept:
            read = _rows_copy(batch, mappings, measures, None if create_areas else kept)
            if not read.result.has_errors:
                _duplicates_find(read.result, mappings)
            if not create_areas and not read.result.has_errors:
                _kept_save(batch, fingerprint, read, kept)
    result = read.result
    plan = StagedPlan(result)
    if result.has_errors:
        return plan
    progress_report(batch.pk, percent=50, note="Matching areas, measures and periods")
    if create_areas:
        areas_ensure(result.areas)
    areas_known = area_lookup()
    known: list[tuple[int, int]] = []
    for position, seen in enumerate(result.areas):
        area = area_find(seen, areas_known)
        if area is None:
            plan.new_area_positions.append(position)
        else:
            known.append((position, area.pk))
    used = [
        (position, indicators[m.indicator_code].pk, m.period_kind)
        for position, m in enumerate(mappings)
        if m.indicator_code in indicators
    ]
    plan.new_area_rows = sum(read.area_rows[position] for position in plan.new_area_positions)
    periods: list[tuple[str, date, int]] = []
    starts = {(kind, start) for position, _pk, kind in used for start in read.starts[position]}
    for kind, start in sorted(starts):
        periods.append((kind, start, Period.objects.get_or_create_for(kind, start).pk))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {AREAS} VALUES (%s, %s)", known)  # noqa: S608
        cursor.executemany(f"INSERT INTO {MAPPINGS} VALUES (%s, %s, %s)", used)  # noqa: S608
        cursor.executemany(f"INSERT INTO {PERIODS} VALUES (%s, %s, %s)", periods)  # noqa: S608
    _execute(
        f"CREATE TEMPORARY VIEW {SOURCE} AS SELECT a.area_id, m.indicator_id, p.period_id, "  # noqa: S608
        "r.value, r.numerator, r.denominator, r.suppression, "
        # Published: the final figure, no longer provisional (issue 18).
        "r.decimals AS published_decimals, false AS is_provisional "
        f"FROM {ROWS} r JOIN {AREAS} a ON a.area = r.area "
        f"JOIN {MAPPINGS} m ON m.mapping = r.mapping "
        f"JOIN {PERIODS} p ON p.period_kind = m.period_kind AND p.period_start = r.period_start"
    )
    plan.keys = StagedKeys(
        area_ids=[pk for _position, pk in known],
        indicator_ids=sorted({pk for _position, pk, _kind in used}),
        period_ids=[pk for _kind, _start, pk in periods],
    )
    return plan


def staged_compare(plan: StagedPlan) -> tuple[int, int, int]:
    """What a commit would create, change and leave alone; the figures of areas the commit
    will create are new too (every row of theirs, as the portable path counts them)."""
    new, changed, unchanged = figures_compare_staged(
        source=SOURCE, figure_source=FigureSource.PUBLISHED, status=FigureStatus.APPROVED
    )
    return new + plan.new_area_rows, changed, unchanged


def staged_commit(*, user: User | SystemActor, batch: ImportBatch, plan: StagedPlan) -> None:
    """Write the figures, keep what each replaced (BatchChange) and count what changed."""
    outcome: StagedOutcome = figures_import_staged(
        user=user,
        source=SOURCE,
        keys=plan.keys,
        status=FigureStatus.APPROVED,
        figure_source=FigureSource.PUBLISHED,
        source_note=batch_note(batch),
        reason=batch_reason(batch),
        # The rollback record, written with the figures.
        record=WrittenRecord(BatchChange, "batch", batch.pk),
        progress=lambda note: progress_report(batch.pk, percent=60, note=f"Committing: {note}"),
    )
    transaction.on_commit(partial(kept_rows_delete, batch))
    batch.new_count = outcome.created
    batch.changed_count = outcome.changed
    batch.unchanged_count = outcome.unchanged
