"""Reads for the import pages. Each takes the acting user. Imports are for admins, except
spreadsheets of an authority's figures and targets, which its performance officers import
(accounts.access.require_import_batch)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.access import Permission
from indicators import selectors as indicator_selectors
from indicators.models import Area, AreaKind, Figure, Indicator, Target, Theme
from indicators.quality_words import figure_quality_text
from indicators.queue import task_waiting
from indicators.resources import AreaResource, IndicatorResource

from . import approvals, spreadsheets
from .models import (
    AUTHORITY_SHEET_KINDS,
    RETURN_KINDS,
    BatchStatus,
    ImportBatch,
    ImportFinding,
    ImportKind,
)
from .progress import progress_of
from .services import WORK_OF_STATUS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

FINDINGS_SHOWN = 200


def batches(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    access.require_admin(user)
    return ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")[:100]


# While a batch is in one of these, a worker is on it and the page follows its progress.
WORKING = (BatchStatus.VALIDATING, BatchStatus.COMMITTING, BatchStatus.ROLLING_BACK)


@dataclass(frozen=True)
class BatchProgress:
    status: str
    status_label: str
    working: bool
    percent: int
    note: str

    def as_json(self) -> dict[str, str | int | bool]:
        return {
            "status": self.status,
            "status_label": self.status_label,
            "working": self.working,
            "percent": self.percent,
            "note": self.note,
        }


# The batch's task is in the outbox, not yet with the broker (docs/0020).
WAITING_FOR_SERVICE = (
    "Waiting for the background service, which is not taking work at the moment. The file "
    "is kept and the work starts by itself when the service is back: there is nothing to "
    "upload or ask for again."
)


def _progress(batch: ImportBatch) -> BatchProgress:
    working = batch.status in WORKING
    reported = progress_of(batch.pk) if working else None
    if reported:
        percent, note = reported.percent, reported.note
    elif working:
        waiting = task_waiting(WORK_OF_STATUS[batch.status].task, batch.pk)
        percent, note = 0, WAITING_FOR_SERVICE if waiting else "Waiting for a worker"
    else:
        percent, note = 100, ""
    return BatchProgress(batch.status, batch.status_label, working, percent, note)


@dataclass(frozen=True)
class BatchPage:
    batch: ImportBatch
    findings: list[ImportFinding]
    findings_total: int
    progress: BatchProgress
    # What the batch writes ("figures", "targets"...), and the page listing it for this user.
    noun: str = "figures"
    back_url: str = ""
    back_label: str = "Imports"
    # For an admin, once committed: how many of its figures await approval as comparator
    # figures (docs/0025), which the page links to.
    awaiting_approval: int = 0


NOUNS = {
    ImportKind.NEIGHBOURS: "neighbours",
    ImportKind.SHEET_TARGETS: "targets",
    ImportKind.SHEET_INDICATORS: "indicators",
    ImportKind.SHEET_AREAS: "areas",
    ImportKind.OFSTED: "judgements",
}


def _batch_seen_by(user: User | AnonymousUser, batch_id: int, *related: str) -> ImportBatch:
    """The batch, if this user may see it (admins: any; an authority's officers: its
    spreadsheet batches). Others learn nothing, not even whether there is one."""
    batch = ImportBatch.objects.select_related("authority", *related).filter(pk=batch_id).first()
    if batch is None:
        access.require_admin(user)
        raise Http404("There is no such import.")
    access.require_import_batch(
        user, authority=batch.authority, officers_may=batch.is_officers_kind
    )
    return batch


def batch_for_rule_report(user: User | AnonymousUser, batch_id: int) -> ImportBatch:
    """A batch whose DfE rule failures this user may download: a statutory return's, for its
    authority's performance officers and admins (`access.require_return_report`); any other
    batch as its page allows."""
    batch = ImportBatch.objects.select_related("authority").filter(pk=batch_id).first()
    if batch is None or batch.kind not in RETURN_KINDS:
        return _batch_seen_by(user, batch_id)
    access.require_return_report(user, authority=batch.authority)
    return batch


def batch_page(user: User | AnonymousUser, batch_id: int) -> BatchPage:
    batch = _batch_seen_by(user, batch_id, "created_by", "committed_by", "rolled_back_by")
    findings = batch.findings.all()
    if access.is_admin(user) or batch.authority is None:
        back_url, back_label = reverse("returns:batches"), "Imports"
    else:
        back_url = reverse("authority_sheets:imports", kwargs={"slug": batch.authority.slug})
        back_label = f"{batch.authority.name} spreadsheets"
    return BatchPage(
        batch,
        list(findings[:FINDINGS_SHOWN]),
        findings.count(),
        _progress(batch),
        noun=NOUNS.get(ImportKind(batch.kind), "figures"),
        back_url=back_url,
        back_label=back_label,
        awaiting_approval=(
            approvals.batch_waiting_count(user, batch) if access.is_admin(user) else 0
        ),
    )


def batch_progress(user: User | AnonymousUser, batch_id: int) -> BatchProgress:
    """For the batch page to follow: the same people may see it as may see the page."""
    return _progress(_batch_seen_by(user, batch_id))


def batch_for_action(user: User | AnonymousUser, batch_id: int) -> ImportBatch:
    return _batch_seen_by(user, batch_id)


# --- spreadsheets (docs/0010) -------------------------------------------------------------------


@dataclass(frozen=True)
class AuthoritySheets:
    """An authority's spreadsheet imports page: its batches, newest first, and its statutory
    returns in review whose DfE rule failures its officers may download to fix."""

    authority: Area
    batches: list[ImportBatch]
    returns_in_review: list[ImportBatch] = field(default_factory=list)


def authority_sheets(user: User | AnonymousUser, slug: str) -> AuthoritySheets:
    authority = sheet_authority(user, slug)
    batches = (
        ImportBatch.objects.filter(authority=authority, kind__in=AUTHORITY_SHEET_KINDS)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:100]
    )
    in_review = (
        ImportBatch.objects.filter(
            authority=authority, kind__in=RETURN_KINDS, status=BatchStatus.READY
        )
        .exclude(file="")
        .exclude(rule_counts=None)
    )
    return AuthoritySheets(
        authority, list(batches), list(in_review.order_by("-created_at", "-id")[:20])
    )


def sheet_authority(user: User | AnonymousUser, slug: str) -> Area:
    """The authority whose figures and targets the user may import spreadsheets of: those who
    may enter its figures (accounts.access.may_import_spreadsheets)."""
    return indicator_selectors.authority_for(user, slug, Permission.EDIT_FIGURES)


@dataclass(frozen=True)
class SheetRows:
    """A table to write as a spreadsheet: its sheet name, header and rows, and a file name."""

    table: str
    header: list[str]
    rows: Iterable[list[Any]]
    file_name: str


AUTHORITY_TABLES = ("figures", "targets")
REFERENCE_TABLES = ("indicators", "areas")
FIGURE_EXPORT_HEADER = [
    *(column.name for column in spreadsheets.FIGURE_COLUMNS),
    *spreadsheets.FIGURE_EXPORT_ONLY,
]
TARGET_EXPORT_HEADER = [
    *(column.name for column in spreadsheets.TARGET_COLUMNS),
    *spreadsheets.TARGET_EXPORT_ONLY,
]


def authority_export(user: User | AnonymousUser, slug: str, table: str) -> SheetRows:
    """An authority's figures or targets, in the columns their import reads (plus a few to
    read), for its officers and managers and for admins."""
    if table not in AUTHORITY_TABLES:
        raise Http404("There is no such spreadsheet.")
    authority = indicator_selectors.authority_for(user, slug, Permission.VIEW_FIGURES)
    today = timezone.localdate()
    if table == "figures":
        return SheetRows(
            table,
            FIGURE_EXPORT_HEADER,
            _figure_rows(authority),
            f"{authority.slug}-figures-{today:%Y-%m-%d}",
        )
    return SheetRows(
        table,
        TARGET_EXPORT_HEADER,
        _target_rows(authority),
        f"{authority.slug}-targets-{today:%Y-%m-%d}",
    )


def _figure_rows(authority: Area) -> Iterator[list[Any]]:
    figures = (
        Figure.objects.filter(area=authority)
        # The figure's data quality, held for the version exported or not shown (issue 19).
        .select_related("indicator", "period", "breakdown", "quality")
        .order_by(
            "indicator__code",
            "period__start",
            "period__kind",
            "breakdown__dimension",
            "breakdown__name",
        )
    )
    for figure in figures.iterator(chunk_size=2000):
        breakdown = figure.breakdown
        yield [
            authority.slug,
            figure.indicator.code,
            figure.period.url_key,
            f"{breakdown.dimension}: {breakdown.name}" if breakdown else "",
            figure.value,
            figure.numerator,
            figure.denominator,
            figure.suppression,
            figure.is_provisional,
            figure.commentary,
            figure.indicator.title,
            figure.get_status_display(),
            figure.is_revised,
            figure.get_source_display(),
            figure_quality_text(figure),
        ]


def _target_rows(authority: Area) -> Iterator[list[Any]]:
    targets = (
        Target.objects.filter(authority=authority)
        .select_related("indicator", "financial_year")
        .order_by("indicator__code", "financial_year__start")
    )
    for target in targets:
        yield [
            authority.slug,
            target.indicator.code,
            target.financial_year.label,
            target.lower,
            target.upper,
            target.tolerance,
            target.indicator.title,
        ]


def reference_export(user: User | AnonymousUser, table: str) -> SheetRows:
    """The indicator catalogue or the areas, through their import resources' columns."""
    access.require_reference_reader(user)
    if table not in REFERENCE_TABLES:
        raise Http404("There is no such spreadsheet.")
    resource = IndicatorResource() if table == "indicators" else AreaResource()
    dataset = resource.export()
    return SheetRows(
        table,
        list(dataset.headers or []),
        (list(row) for row in dataset),
        f"{table}-{timezone.localdate():%Y-%m-%d}",
    )


def template_reference(
    user: User | AnonymousUser, table: str, authority_slug: str = ""
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Sheets a template carries to help fill it in: the indicator codes for figures and
    targets, the themes for indicators, the regions for areas. A figures or targets template
    for one authority (`authority_slug`, which the user must be able to enter figures of)
    lists only the measures that apply in its nation (issue 17): a Welsh authority's lists
    the Welsh framework's measures and none of the DfE's."""
    access.require_reference_reader(user)
    if table not in spreadsheets.COLUMNS:
        raise Http404("There is no such template.")
    if table in AUTHORITY_TABLES:
        measures = Indicator.objects.order_by("code")
        if authority_slug:
            measures = measures.applicable_to(sheet_authority(user, authority_slug))
        rows = [
            [
                i.code,
                i.title,
                i.get_unit_display(),
                i.get_frequency_display(),
                i.breakdown_dimensions,
                i.get_nations_display(),
            ]
            for i in measures
        ]
        header = ["code", "title", "unit", "frequency", "breakdowns", "applies in"]
        return [("indicators", header, rows)]
    if table == "indicators":
        themes = [[t.slug, t.name] for t in Theme.objects.order_by("order", "name")]
        return [("themes", ["slug", "name"], themes)]
    regions = [
        [a.slug, a.name, a.ons_code]
        for a in Area.objects.filter(kind=AreaKind.REGION).order_by("name")
    ]
    return [("regions", ["slug", "name", "ons_code"], regions)]


@dataclass(frozen=True)
class SheetTable:
    """One table on the spreadsheets page: its templates, and its export if it has one."""

    name: str
    title: str
    what: str
    exportable: bool


def sheet_tables(user: User | AnonymousUser) -> list[SheetTable]:
    access.require_reference_reader(user)
    return [
        SheetTable(
            "figures",
            "Figures",
            "An authority's monthly, quarterly or yearly figures, with breakdowns, "
            "suppression codes and commentary.",
            False,
        ),
        SheetTable("targets", "Targets", "An authority's targets for a financial year.", False),
        SheetTable(
            "indicators",
            "Indicator catalogue",
            "Every indicator's code, title, definition, unit, polarity and roll-up rule.",
            True,
        ),
        SheetTable(
            "areas",
            "Areas",
            "Authorities, regions, nations and groups, with their ONS codes and DfE numbers.",
            True,
        ),
    ]
