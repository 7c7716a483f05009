"""State changes of import batches: upload, validate (a dry run), commit, reject, roll back.

Each reads the batch's own file with the pure reader of its kind, so validating and
committing see exactly the same rows; figures are written through the indicators app's
services, which keep the audit trail.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify

from accounts import access
from accounts.access import SystemActor
from indicators import bulk, value_rules
from indicators import services as figure_services
from indicators.models import (
    Area,
    AreaKind,
    BreakdownCategory,
    Comparator,
    FigureSource,
    FigureStatus,
    Indicator,
    NeighbourSet,
    Period,
    PeriodKind,
    StatisticalNeighbour,
)

from . import (
    derive_903,
    derive_cin,
    neighbours,
    published,
    record_logs,
    spreadsheet_services,
    ssda903_xml,
)
from .findings import Finding
from .memory import gc_paused
from .models import (
    AUTHORITY_SHEET_KINDS,
    LOG_KINDS,
    SHEET_KINDS,
    BatchChange,
    BatchStatus,
    ImportBatch,
    ImportFinding,
    ImportKind,
    PublishedMapping,
)
from .progress import progress_clear, progress_report, stage_reporter
from .uploads import RefusedUpload, max_upload_bytes

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

# Findings kept on a batch: beyond this a file is badly wrong and the count says so.
FINDINGS_KEPT = 1000


@transaction.atomic
def batch_create(
    *,
    user: User | SystemActor,
    kind: str,
    upload: UploadedFile,
    note: str = "",
    authority: Area | None = None,
    collection_year: int | None = None,
    population: int | None = None,
) -> ImportBatch:
    """Keep an uploaded file as a new batch, refusing it before it is read if it is too big
    or empty. Validation follows (in a worker when one is configured)."""
    if kind not in ImportKind.values:
        raise ValidationError(f"{kind!r} is not a kind of import.")
    access.require_import_batch(
        user, authority=authority, officers_may=kind in AUTHORITY_SHEET_KINDS
    )
    size = upload.size or 0
    limit = max_upload_bytes()
    if size > limit:
        reached = "more than " if isinstance(upload, RefusedUpload) else ""
        raise ValidationError(
            f"{upload.name} is {reached}{filesizeformat(size)}: files over "
            f"{filesizeformat(limit)} are refused. Split the file, or ask an administrator "
            "to raise IMPORT_MAX_BYTES."
        )
    if size == 0:
        raise ValidationError(f"{upload.name} is empty.")
    if kind in RETURN_KINDS and (authority is None or not authority.is_authority):
        raise ValidationError("Choose the authority whose return this is.")
    if kind in LOG_KINDS and (authority is None or not authority.is_authority):
        raise ValidationError("Choose the authority whose log this is.")
    if kind in RETURN_KINDS and collection_year is None:
        raise ValidationError("Give the collection year: 2025 for the year to 31 March 2025.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    batch = ImportBatch(
        kind=kind,
        file_name=(upload.name or "upload")[:255],
        size=size,
        sha256=digest.hexdigest(),
        note=note[:255],
        created_by=access.person(user),
        authority=authority,
        collection_year=collection_year,
        population=population,
    )
    batch.file.save(slugify(batch.file_name) or "upload", upload, save=False)
    batch.save()
    from .tasks import validate_batch

    transaction.on_commit(lambda: validate_batch.delay(batch.pk))
    return batch


# --- published national data -----------------------------------------------------------------


@dataclass
class _PublishedPlan:
    """What committing a published file would write, worked out without writing it."""

    result: published.ParseResult
    contents: list[figure_services.FigureContent] = field(default_factory=list)
    new_areas: list[published.PublishedArea] = field(default_factory=list)


def _read(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as handle:
        return handle.read()


def _area_lookup() -> tuple[dict[str, Area], dict[str, Area]]:
    by_code: dict[str, Area] = {}
    by_number: dict[str, Area] = {}
    for area in Area.objects.all():
        if area.ons_code:
            by_code[area.ons_code] = area
        if area.dfe_code:
            by_number[area.dfe_code] = area
    return by_code, by_number


def _find_area(
    seen: published.PublishedArea, by_code: dict[str, Area], by_number: dict[str, Area]
) -> Area | None:
    # An authority keeps its DfE number through a change of ONS code (a reorganisation).
    if seen.la_number and seen.la_number in by_number:
        return by_number[seen.la_number]
    return by_code.get(seen.code)


def _unique_slug(name: str, taken: set[str], extra: str) -> str:
    slug = slugify(name)[:100] or "area"
    if slug in taken:
        slug = f"{slug}-{extra}".strip("-")
    taken.add(slug)
    return slug


def _ensure_areas(areas: Sequence[published.PublishedArea]) -> None:
    """England (or Wales), the regions and every authority the file names, as areas."""
    by_code, by_number = _area_lookup()
    taken = set(Area.objects.values_list("slug", flat=True))
    for seen in sorted(areas, key=lambda a: ("national", "regional", "local").index(a.level)):
        if _find_area(seen, by_code, by_number) is not None:
            continue
        kind = {"national": AreaKind.NATION, "regional": AreaKind.REGION}.get(
            seen.level, AreaKind.AUTHORITY
        )
        region = by_code.get(seen.region_code) if kind == AreaKind.AUTHORITY else None
        area = Area.objects.create(
            name=seen.name,
            slug=_unique_slug(seen.name, taken, seen.la_number or seen.code.lower()),
            kind=kind,
            ons_code=seen.code,
            dfe_code=seen.la_number,
            region=region,
        )
        by_code[area.ons_code] = area
        if area.dfe_code:
            by_number[area.dfe_code] = area


def current_mappings() -> list[published.Mapping]:
    """The mappings an admin keeps in the database; the shipped file while there are none."""
    kept = list(PublishedMapping.objects.all())
    if not kept:
        return published.load_mappings(published.SHIPPED_MAPPINGS)
    return [published.Mapping.from_row(m.as_row()) for m in kept if m.is_active]


@transaction.atomic
def mappings_load(
    *, user: User | SystemActor, path: Path = published.SHIPPED_MAPPINGS
) -> tuple[int, int]:
    """Copy a mappings file into the database, where admins edit them: (created, updated).
    Admins only (and the set-up command, as the system): the mappings decide which published
    figures every authority is compared with."""
    access.require_admin_actor(user, doing="change the mappings of published files")
    created = updated = 0
    for mapping in published.load_mappings(path):
        _row, was_created = PublishedMapping.objects.update_or_create(
            name=mapping.name,
            defaults={k: v for k, v in mapping.as_row().items() if k != "name"},
        )
        created += was_created
        updated += not was_created
    return created, updated


def _plan_published(batch: ImportBatch, *, create_areas: bool) -> _PublishedPlan:
    mappings = current_mappings()
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(
            code__in={mapping.indicator_code for mapping in mappings}
        )
    }
    # The reader checks every value with the rules the entry form uses (value_rules).
    result = published.parse_published(
        _read(batch),
        mappings,
        source_name=batch.file_name,
        measures={code: value_rules.Measure.of(i) for code, i in indicators.items()},
    )
    plan = _PublishedPlan(result)
    if result.has_errors:
        return plan
    if create_areas:
        _ensure_areas(result.areas)
    by_code, by_number = _area_lookup()
    plan.new_areas = [a for a in result.areas if _find_area(a, by_code, by_number) is None]
    periods: dict[tuple[str, object], Period] = {}
    note = f"{batch.file_name} (import {batch.pk})"
    # Rows name a few hundred areas a million times: each is looked up once.
    areas: dict[tuple[str, str], Area | None] = {}
    for row in result.figures:
        where = (row.la_number, row.area_code)
        if where in areas:
            area = areas[where]
        else:
            area = areas[where] = _find_area(
                published.PublishedArea(row.level, row.area_code, row.la_number, "", "", ""),
                by_code,
                by_number,
            )
        indicator = indicators.get(row.indicator_code)
        if area is None or indicator is None:
            continue  # a new area (shown in the preview) or an indicator not in the catalogue
        key = (row.period_kind, row.period_start)
        if key not in periods:
            periods[key] = Period.objects.get_or_create_for(row.period_kind, row.period_start)
        plan.contents.append(
            figure_services.FigureContent(
                area=area,
                indicator=indicator,
                period=periods[key],
                value=row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                suppression=row.suppression,
                status=FigureStatus.APPROVED,
                source=FigureSource.PUBLISHED,
                source_note=note,
            )
        )
    return plan


def _counts(plan: _PublishedPlan) -> tuple[int, int, int]:
    """New, changed and unchanged figures, comparing the plan with what is stored."""
    new, changed, unchanged = _compare(plan.contents)
    # Figures of areas the commit will create are new too.
    new_codes = {area.code for area in plan.new_areas}
    new_area_rows = sum(1 for row in plan.result.figures if row.area_code in new_codes)
    return new + new_area_rows, changed, unchanged


def _compare(contents: Sequence[figure_services.FigureContent]) -> tuple[int, int, int]:
    """How many of these figures are new, would change, or are already stored as they are."""
    return figure_services.figures_compare(contents)


def _keep_findings(batch: ImportBatch, findings: Sequence[Finding], not_listed: int) -> None:
    batch.findings.all().delete()
    ImportFinding.objects.bulk_create(
        ImportFinding(
            batch=batch,
            row=finding.row,
            column=finding.column[:120],
            message=finding.message,
            severity=str(finding.severity),
        )
        for finding in list(findings)[:FINDINGS_KEPT]
    )
    errors = sum(1 for finding in findings if finding.is_error)
    batch.error_count = errors + not_listed
    batch.warning_count = sum(1 for finding in findings if not finding.is_error)


@transaction.atomic
def batch_validate(*, batch: ImportBatch) -> ImportBatch:
    """The dry run: read the file, keep its findings, and count what a commit would create,
    change and leave alone. Writes nothing but the batch itself; does nothing for a batch
    past validation.

    It takes no acting user: it is the system finishing the upload that `batch_create`
    checked, run by the worker for every new batch, and it writes nothing outside the batch
    (its findings and counts; a return's file is deleted, as privacy requires)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.VALIDATING, BatchStatus.READY):
        # A second delivery of the task after the batch has moved on (committing, committed,
        # rejected...): validating again would undo nothing and must not mark it failed.
        return batch
    if batch.derived is not None:
        # A return is derived once, and its file deleted: a second delivery of the task has
        # nothing left to do.
        return batch
    progress_report(batch.pk, percent=5, note="Reading the file")
    with gc_paused():
        if batch.kind == ImportKind.NEIGHBOURS:
            _validate_neighbours(batch)
        elif batch.kind in SHEET_KINDS:
            spreadsheet_services.sheet_validate(batch)
        elif batch.kind in LOG_KINDS:
            record_logs.log_validate(batch)
        elif batch.kind in RETURN_KINDS:
            _validate_return(batch)
        else:
            plan = _plan_published(batch, create_areas=False)
            progress_report(batch.pk, percent=70, note="Comparing with the stored figures")
            _keep_findings(batch, plan.result.findings, plan.result.findings_not_listed)
            batch.rows_read = plan.result.rows_read
            batch.new_count, batch.changed_count, batch.unchanged_count = _counts(plan)
    batch.status = BatchStatus.READY
    batch.progress = 100
    batch.save()
    transaction.on_commit(partial(progress_clear, batch.pk))
    return batch


def _hand_to_worker(
    batch: ImportBatch, user: User | SystemActor, status: str, task: Any
) -> ImportBatch:
    """Mark the (locked) batch as being worked on and queue the task once this transaction
    has committed, so the worker reads the batch as marked. The worker acts for `user` (the
    task carries their id), so the service it runs checks them again. The system has no id
    to hand a task: it commits and rolls back by calling `batch_commit` and `batch_rollback`."""
    who = access.person(user)
    if who is None:
        raise TypeError("Only a person asks a worker to commit or roll back a batch.")
    batch.status = status
    batch.message = ""
    batch.save(update_fields=["status", "message"])
    progress_report(batch.pk, percent=0, note="Waiting for a worker")
    transaction.on_commit(partial(task.delay, batch.pk, who.pk))
    return batch


def _locked_for(user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """The batch's row, locked until commit, once `user` may act on it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    access.require_import_batch(
        user, authority=batch.authority, officers_may=batch.is_officers_kind
    )
    return batch


@transaction.atomic
def batch_commit_request(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Ask for a validated batch to be committed: it is marked committing and a worker commits
    it (in-process with the embedded default), reporting its progress as it goes."""
    batch = _locked_for(user, batch)
    if not batch.can_commit:
        raise ValidationError(
            "Only a validated batch with no errors can be committed: this one is "
            f"{batch.get_status_display().lower()} with {batch.error_count} errors."
        )
    from .tasks import commit_batch

    return _hand_to_worker(batch, user, BatchStatus.COMMITTING, commit_batch)


@transaction.atomic
def batch_commit(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Write the batch's figures in one transaction, remembering what each replaced. Run by
    the worker for a batch marked committing, acting for whoever asked; committing a committed
    batch again (a task delivered twice) does nothing."""
    batch = _locked_for(user, batch)
    if batch.status == BatchStatus.COMMITTED:
        return batch
    if batch.status not in (BatchStatus.READY, BatchStatus.COMMITTING) or batch.error_count:
        raise ValidationError(
            "Only a validated batch with no errors can be committed: this one is "
            f"{batch.get_status_display().lower()} with {batch.error_count} errors."
        )
    progress_report(batch.pk, percent=2, note="Reading the file again")
    with gc_paused():
        if batch.kind == ImportKind.NEIGHBOURS:
            _commit_neighbours(batch)
        elif batch.kind in SHEET_KINDS:
            spreadsheet_services.sheet_commit(user=user, batch=batch)
        elif batch.kind in LOG_KINDS:
            record_logs.log_commit(user=user, batch=batch)
        elif batch.kind in RETURN_KINDS:
            _write_figures(user, batch, _return_contents(batch, create=True))
        else:
            _commit_published(user, batch)
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.committed_by = access.person(user)
    batch.progress = 100
    batch.save()
    transaction.on_commit(partial(progress_clear, batch.pk))
    return batch


def _commit_published(user: User | SystemActor, batch: ImportBatch) -> None:
    plan = _plan_published(batch, create_areas=True)
    if plan.result.has_errors:  # the file cannot change, but the catalogue can
        raise ValidationError("The file no longer validates: validate it again.")
    _write_figures(user, batch, plan.contents)


# The share of a commit's progress bar spent writing figures (reading the file comes first).
WRITING_FROM, WRITING_TO = 30, 90


def _write_figures(
    user: User | SystemActor, batch: ImportBatch, contents: Sequence[figure_services.FigureContent]
) -> None:
    """Write the figures, remembering what each replaced, and count what changed."""
    outcomes = figure_services.figures_import(
        user=user,
        contents=contents,
        reason=f"Import {batch.pk}: {batch.file_name}",
        progress=stage_reporter(
            batch.pk, start=WRITING_FROM, end=WRITING_TO, total=len(contents), verb="Committing"
        ),
    )
    progress_report(batch.pk, percent=WRITING_TO, note="Committing: keeping what to roll back")
    bulk.insert_rows(
        BatchChange,
        ("batch_id", "figure_id", "before", "version"),
        ((batch.pk, o.figure_id, o.before, o.version) for o in outcomes),
    )
    batch.new_count = sum(1 for o in outcomes if o.before is None)
    batch.changed_count = len(outcomes) - batch.new_count
    batch.unchanged_count = len(contents) - len(outcomes)


@transaction.atomic
def batch_reject(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Decide not to commit a validated batch. Nothing was written, and nothing will be."""
    batch = _locked_for(user, batch)
    if batch.status not in (BatchStatus.READY, BatchStatus.FAILED):
        raise ValidationError(f"This batch is {batch.get_status_display().lower()}.")
    batch.status = BatchStatus.REJECTED
    batch.save(update_fields=["status"])
    return batch


@transaction.atomic
def batch_rollback_request(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Ask for a committed batch to be rolled back: it is marked rolling back and a worker does
    it (in-process with the embedded default). A rollback the worker refuses (something has
    changed since) leaves the batch committed, with the reason as its message."""
    batch = _locked_for(user, batch)
    if batch.status != BatchStatus.COMMITTED:
        raise ValidationError("Only a committed batch can be rolled back.")
    from .tasks import rollback_batch

    return _hand_to_worker(batch, user, BatchStatus.ROLLING_BACK, rollback_batch)


@transaction.atomic
def batch_rollback(*, user: User | SystemActor, batch: ImportBatch) -> ImportBatch:
    """Undo a committed batch: restore every figure it changed and remove those it created.
    Refused when a figure has changed since (a later import or an edit), so nothing newer is
    overwritten. Rolling back a rolled-back batch again (a task delivered twice) does nothing.
    Run by the worker, acting for whoever asked."""
    batch = _locked_for(user, batch)
    if batch.status == BatchStatus.ROLLED_BACK:
        return batch
    if batch.status not in (BatchStatus.COMMITTED, BatchStatus.ROLLING_BACK):
        raise ValidationError("Only a committed batch can be rolled back.")
    progress_report(batch.pk, percent=5, note="Rolling back: checking nothing has changed since")
    with gc_paused():
        if batch.kind == ImportKind.NEIGHBOURS:
            _rollback_neighbours(batch)
        elif batch.kind in SHEET_KINDS:
            spreadsheet_services.sheet_rollback(user=user, batch=batch)
        elif batch.kind in LOG_KINDS:
            record_logs.log_rollback(user=user, batch=batch)
        else:
            _rollback_figures(user, batch)
    batch.status = BatchStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = access.person(user)
    batch.save()
    transaction.on_commit(partial(progress_clear, batch.pk))
    return batch


def _rollback_figures(user: User | SystemActor, batch: ImportBatch) -> None:
    changes = batch.changes.filter(figure__isnull=False)
    since = changes.exclude(figure__version=F("version")).count()
    if since:
        raise ValidationError(
            f"{since} of this batch's figures have changed since it was committed (for "
            "example by a later import or a correction): roll that back first, or correct the "
            "figures instead."
        )
    progress_report(batch.pk, percent=30, note="Rolling back: restoring the figures")
    figure_services.figures_restore(
        user=user,
        figures=list(changes.values_list("figure_id", "before")),
        reason=f"Rollback of import {batch.pk}: {batch.file_name}",
    )
    # A figure restored to the state an earlier batch wrote holds that batch's figure again,
    # at the version after this rollback's (one more than this batch left it at): so that
    # earlier batch can still be rolled back in turn.
    restored_from = BatchChange.objects.filter(
        batch=batch,
        before__isnull=False,
        figure_id=OuterRef("figure_id"),
        version=OuterRef("version") + 1,
    )
    BatchChange.objects.exclude(batch=batch).filter(Exists(restored_from)).update(
        version=F("version") + 2
    )


def batch_work_failed(*, batch_id: int, status: str, message: str) -> None:
    """After a commit or rollback failed in the worker (its transaction undone, so nothing was
    written), put the batch back as it was, saying why. The worker's own bookkeeping, with
    no acting user: it undoes the mark its request made, so it leaves alone a batch no longer
    marked (a task delivered again after the work was done, then refused)."""
    ImportBatch.objects.filter(
        pk=batch_id, status__in=(BatchStatus.COMMITTING, BatchStatus.ROLLING_BACK)
    ).update(status=status, message=message[:2000])
    progress_clear(batch_id)


# --- statistical neighbours ------------------------------------------------------------------

# The DfE models' dates: the 2021 groupings were published in April 2021 (the file says so);
# the 2025 model's month is not in its file, so April is assumed: correct it in the admin.
MODEL_DATES = {neighbours.LAYOUT_2021: date(2021, 4, 1), neighbours.LAYOUT_2025: date(2025, 4, 1)}


def _parse_neighbours(batch: ImportBatch) -> neighbours.NeighbourParse:
    raw = _read(batch)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed = neighbours.NeighbourParse(layout=None, rows=[], authorities={}, findings=[])
        parsed.findings.append(
            Finding(1, "", f"{batch.file_name} is not UTF-8 text: save it as CSV UTF-8.")
        )
        return parsed
    return neighbours.parse_neighbours(text, source_name=batch.file_name)


def _source_of(batch: ImportBatch) -> str:
    # Identifies the file, so that importing the same file again changes nothing.
    return f"{batch.file_name[:150]} sha256:{batch.sha256}"


def _validate_neighbours(batch: ImportBatch) -> None:
    parsed = _parse_neighbours(batch)
    _keep_findings(batch, parsed.findings, 0)
    batch.rows_read = len(parsed.authorities)
    already = NeighbourSet.objects.filter(source=_source_of(batch)).exists()
    batch.new_count = 0 if already else len(parsed.rows)
    batch.unchanged_count = len(parsed.rows) if already else 0
    batch.changed_count = 0


def _commit_neighbours(batch: ImportBatch) -> None:
    parsed = _parse_neighbours(batch)
    if parsed.has_errors or parsed.layout is None:
        raise ValidationError("The file no longer validates: validate it again.")
    if NeighbourSet.objects.filter(source=_source_of(batch)).exists():
        batch.new_count, batch.unchanged_count = 0, len(parsed.rows)
        return
    authorities = {area.dfe_code: area for area in Area.objects.exclude(dfe_code="")}
    taken = set(Area.objects.values_list("slug", flat=True))
    for number, (name, _region) in sorted(parsed.authorities.items()):
        if number not in authorities:
            authorities[number] = Area.objects.create(
                name=name,
                slug=_unique_slug(name, taken, number),
                kind=AreaKind.AUTHORITY,
                dfe_code=number,
            )
    name = batch.note or f"DfE statistical neighbours {parsed.layout}"
    if NeighbourSet.objects.filter(name=name).exists():
        name = f"{name} (import {batch.pk})"
    neighbour_set = NeighbourSet.objects.create(
        name=name[:120], published_on=MODEL_DATES[parsed.layout], source=_source_of(batch)
    )
    StatisticalNeighbour.objects.bulk_create(
        StatisticalNeighbour(
            neighbour_set=neighbour_set,
            authority=authorities[row.la_number],
            neighbour=authorities[row.neighbour_la_number],
            rank=row.rank,
            closeness=row.closeness,
        )
        for row in parsed.rows
        if row.neighbour_la_number in authorities
    )
    batch.neighbour_set = neighbour_set
    batch.new_count = len(parsed.rows)


def _rollback_neighbours(batch: ImportBatch) -> None:
    """Remove the neighbour set the batch created (authorities it added stay: they are real
    authorities, and figures may have arrived for them since)."""
    if batch.neighbour_set is None:
        return  # the same file had been imported before: this batch wrote nothing
    users = Comparator.objects.filter(neighbour_set=batch.neighbour_set)
    if users.exists():
        names = ", ".join(sorted({c.authority.name for c in users.select_related("authority")}))
        raise ValidationError(
            f"{batch.neighbour_set.name} is used by the statistical-neighbour comparators of "
            f"{names}: point them at another set first."
        )
    batch.neighbour_set.delete()
    batch.neighbour_set = None


def batch_fail(*, batch_id: int, message: str) -> None:
    """Mark a batch whose validation crashed, with a message a person can act on. The
    worker's own bookkeeping, as `batch_validate` is, with no acting user."""
    ImportBatch.objects.filter(pk=batch_id).update(
        status=BatchStatus.FAILED, message=message[:2000]
    )


# --- statutory returns: the CIN census -------------------------------------------------------

RETURN_KINDS = (ImportKind.CIN, ImportKind.SSDA903)
CATEGORY_OF_ABUSE = "category of abuse"


def _as_json(figure: derive_cin.DerivedFigure) -> list[str | int | None]:
    return [str(figure.value), figure.numerator, figure.denominator]


@dataclass(frozen=True)
class _Derived:
    """A return's aggregates, as kept on its batch: JSON-safe, and nothing child-level."""

    figures: dict[str, list[Any]]
    categories: dict[str, list[Any]]
    findings: list[Finding]
    rows: int


def _derive_cin(batch: ImportBatch, raw: bytes, year: int) -> _Derived:
    result = derive_cin.derive_cin(raw, collection_year=year, population=batch.population)
    return _Derived(
        figures={code: _as_json(figure) for code, figure in result.figures.items()},
        categories={name: _as_json(f) for name, f in result.category_of_abuse.items()},
        findings=result.findings,
        rows=result.counts.children,
    )


# The most a return's ZIP may hold once unpacked: refused beyond, whatever the ZIP says.
UNPACKED_LIMIT = 1024 * 1024 * 1024


def _tables(raw: bytes) -> tuple[dict[str, str], list[Finding]]:
    """The CSV tables of an SSDA903 return sent as one ZIP file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return {}, [
            Finding(1, "", "This is not a ZIP file of the return's CSV tables, nor its XML file.")
        ]
    members = [info for info in archive.infolist() if not info.is_dir()]
    if sum(info.file_size for info in members) > UNPACKED_LIMIT:
        return {}, [Finding(1, "", "The ZIP file unpacks to more than 1 GB: it is refused.")]
    tables: dict[str, str] = {}
    findings: list[Finding] = []
    for info in members:
        name = info.filename.rsplit("/", 1)[-1]
        try:
            tables[name] = archive.read(info).decode("utf-8-sig")
        except UnicodeDecodeError:
            findings.append(Finding(1, name, f"{name} is not UTF-8 text: save it as CSV UTF-8."))
    return tables, findings


def _derive_903(batch: ImportBatch, raw: bytes, year: int) -> _Derived:
    findings: list[Finding] = []
    if ssda903_xml.looks_like_xml(raw):  # the return as one XML file
        result = ssda903_xml.derive_903_xml(raw, year, batch.population)
    else:
        tables, findings = _tables(raw)
        if not tables:
            return _Derived({}, {}, findings, 0)
        result = derive_903.derive_903(tables, year, batch.population)
    figures = {
        code: [str(round(Decimal(str(f.value)), 4)), f.numerator, f.denominator]
        for code, f in result.figures.items()
        if f.value is not None
    }
    return _Derived(figures, {}, [*findings, *result.findings], result.children)


DERIVERS = {ImportKind.CIN: _derive_cin, ImportKind.SSDA903: _derive_903}


def _validate_return(batch: ImportBatch) -> None:
    """Derive the year's aggregates, keep them and the findings, then delete the file: it
    holds child-level data, which is not kept (DESIGN.md, Privacy)."""
    if batch.collection_year is None:
        raise ValidationError("A return needs its collection year.")
    derived = DERIVERS[ImportKind(batch.kind)](batch, _read(batch), batch.collection_year)
    _keep_findings(batch, derived.findings, 0)
    batch.rows_read = derived.rows
    batch.derived = {"figures": derived.figures, "categories": derived.categories}
    batch.file.delete(save=False)
    batch.new_count, batch.changed_count, batch.unchanged_count = _compare(
        _return_contents(batch, create=False)
    )
    # Categories of abuse not yet known are created on commit, with their figures.
    if Indicator.objects.filter(code="CPP-CAT").exists():
        batch.new_count += sum(
            1 for name in derived.categories if _cin_category(name, create=False) is None
        )


def _cin_category(name: str, *, create: bool) -> BreakdownCategory | None:
    if create:
        return BreakdownCategory.objects.get_or_create(
            authority=None, dimension=CATEGORY_OF_ABUSE, name=name
        )[0]
    return BreakdownCategory.objects.filter(
        authority=None, dimension=CATEGORY_OF_ABUSE, name=name
    ).first()


def _return_contents(batch: ImportBatch, *, create: bool) -> list[figure_services.FigureContent]:
    """The authority's figures for the collection year, from the aggregates kept at validation.
    Categories of abuse are shared breakdown categories, created on commit when missing."""
    derived = batch.derived or {}
    authority, year_number = batch.authority, batch.collection_year
    if authority is None or year_number is None:
        return []
    year = Period.objects.get_or_create_for(PeriodKind.FINANCIAL_YEAR, date(year_number - 1, 4, 1))
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(code__in=[*derived.get("figures", {}), "CPP-CAT"])
    }
    note = f"{batch.file_name} (import {batch.pk})"

    def content(
        indicator: Indicator, parts: list[Any], breakdown: BreakdownCategory | None = None
    ) -> figure_services.FigureContent:
        value, numerator, denominator = parts
        if denominator is None or indicator.ratio_kind == "none":
            # A count has no parts: the figure holds the number itself.
            numerator = denominator = None
        return figure_services.FigureContent(
            area=authority,
            indicator=indicator,
            period=year,
            value=Decimal(value),
            numerator=None if numerator is None else Decimal(str(numerator)),
            denominator=None if denominator is None else Decimal(str(denominator)),
            status=FigureStatus.APPROVED,
            source=FigureSource.RETURN,
            source_note=note,
            breakdown=breakdown,
        )

    contents = [
        content(indicators[code], parts)
        for code, parts in derived.get("figures", {}).items()
        if code in indicators
    ]
    if "CPP-CAT" in indicators:
        for name, parts in derived.get("categories", {}).items():
            category = _cin_category(name, create=create)
            if category is not None:
                contents.append(content(indicators["CPP-CAT"], parts, category))
    return contents
