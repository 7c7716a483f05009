"""Import batches: an uploaded file, what validating it found, and what committing it changed.

A batch keeps its file (not a temporary file on one web container), so validation and commit
can run in a Celery worker, and keeps each figure's state before the commit, so a rollback
restores exactly what the batch replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from indicators.db_indexes import AppendOnlyIndex


class ImportKind(models.TextChoices):
    # More kinds (CIN census, SSDA903, spreadsheets) join as they are wired in; their pure
    # readers are in this app already.
    PUBLISHED = "published", "Published national data (DfE CSV)"
    NEIGHBOURS = "neighbours", "Statistical neighbours (DfE CSV, 2021 or 2025 layout)"
    CIN = "cin", "CIN census return (XML)"
    SSDA903 = "ssda903", "SSDA903 return (a ZIP of its CSV tables, or its XML file)"
    SHEET_FIGURES = "sheet_figures", "Figures (spreadsheet: XLSX or CSV)"
    SHEET_TARGETS = "sheet_targets", "Targets (spreadsheet: XLSX or CSV)"
    SHEET_INDICATORS = "sheet_indicators", "Indicator catalogue (spreadsheet: XLSX or CSV)"
    SHEET_AREAS = "sheet_areas", "Areas (spreadsheet: XLSX or CSV)"
    AUDIT_LOG = "audit_log", "Case audit results log (spreadsheet: XLSX or CSV)"
    COMPLAINTS_LOG = "complaints_log", "Complaints log (spreadsheet: XLSX or CSV)"
    STATSWALES = "statswales", "Welsh performance measures (StatsWales download: CSV or XLSX)"
    OFSTED = "ofsted", "Ofsted inspection outcomes (OpenDocument spreadsheet)"


# Spreadsheets of the app's own tables (docs/0010). An authority's performance officers import
# the first two for their own authority; the catalogue and areas are for admins.
SHEET_KINDS = (
    ImportKind.SHEET_FIGURES,
    ImportKind.SHEET_TARGETS,
    ImportKind.SHEET_INDICATORS,
    ImportKind.SHEET_AREAS,
)
# An authority's own record logs (returns/kinds/record_logs.py), imported by its officers.
LOG_KINDS = (ImportKind.AUDIT_LOG, ImportKind.COMPLAINTS_LOG)
AUTHORITY_SHEET_KINDS = (ImportKind.SHEET_FIGURES, ImportKind.SHEET_TARGETS, *LOG_KINDS)
# Statutory returns hold child-level data: their file is deleted once derived (or rejected).
RETURN_KINDS = (ImportKind.CIN, ImportKind.SSDA903)


class BatchStatus(models.TextChoices):
    """Where a batch is. Validating, committing and rolling back are work a worker is doing;
    each has a way out when that work dies (docs/0009, "Batch states and their ways out").
    A validated batch with errors is READY with errors: pages show it as "Has errors"
    (`ImportBatch.status_label`)."""

    VALIDATING = "validating", "Validating"
    READY = "ready", "Ready to commit"
    COMMITTING = "committing", "Committing"
    COMMITTED = "committed", "Committed"
    ROLLING_BACK = "rolling_back", "Rolling back"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Validation failed"
    ROLLED_BACK = "rolled_back", "Rolled back"


class ImportBatch(models.Model):
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        max_length=14, choices=BatchStatus.choices, default=BatchStatus.VALIDATING
    )
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    note = models.CharField(
        max_length=255, blank=True, help_text="e.g. the publication and its date."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rows_read = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    # 100 once validated. While a worker is on the batch its progress is in the cache (see
    # returns/progress.py), since a commit's own transaction hides what it has written so far.
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Why the batch failed, if it did.")
    # The worker's bookkeeping (returns.services.batch_work_start, batches_stalled_fail): how
    # many deliveries of the current work (validate, commit or roll back) have begun, and
    # when the batch was queued for that work or its latest attempt began. A delivery that
    # finds an earlier attempt which never finished knows its worker died; a batch in a working
    # status that no worker holds past a stated time is marked as failed.
    attempts = models.PositiveSmallIntegerField(default=0)
    working_since = models.DateTimeField(null=True, blank=True)
    # A statutory return is the authority's own, for one collection year (2025 = the year to
    # 31 March 2025). Its file holds child-level data: it is derived into `derived` (counts
    # only) while validating, and deleted then, or kept for the error report while a return
    # with rule failures is in review and deleted on commit, rejection or expiry (docs/0028).
    authority = models.ForeignKey(
        "indicators.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    collection_year = models.PositiveSmallIntegerField(null=True, blank=True)
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Children aged 0 to 17, for rates per 10,000."
    )
    derived = models.JSONField(null=True, blank=True)
    # The DfE's validation rules a statutory return was checked by (issue 19): the set's name
    # ("SSDA903 2025/26"), and for each rule that failed its code, severity, message and the
    # rows that failed ({"103": {"severity": "error", "message": ..., "rows": 12}}): counts
    # only, nothing child-level. A return with rule errors may be committed once an admin
    # confirms it; who did and when is kept.
    rule_set = models.CharField(max_length=40, blank=True)
    rule_counts = models.JSONField(null=True, blank=True)
    errors_accepted_at = models.DateTimeField(null=True, blank=True)
    errors_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A statistical-neighbour import creates one neighbour set; rolling it back removes it.
    neighbour_set = models.ForeignKey(
        "indicators.NeighbourSet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BatchStatus]), name="batch_status_known"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def can_commit(self) -> bool:
        return self.status == BatchStatus.READY and self.error_count == 0

    @property
    def status_label(self) -> str:
        """The status as every page and the admin show it: a validated batch with errors
        "Has errors" (it cannot be committed), and a batch whose last commit or rollback did
        not complete says so beside where it stands."""
        if self.status == BatchStatus.READY and self.error_count:
            return "Has errors"
        if self.status == BatchStatus.READY and self.message:
            return "Ready to commit (the last commit did not complete)"
        if self.status == BatchStatus.COMMITTED and self.message:
            return "Committed (the last rollback did not complete)"
        return str(self.get_status_display())

    @property
    def may_retry(self) -> bool:
        """A batch whose validation failed may be validated again (if its file is kept)."""
        return self.status == BatchStatus.FAILED and self.derived is None

    @property
    def may_reject(self) -> bool:
        return self.status in (BatchStatus.READY, BatchStatus.FAILED)

    @property
    def is_officers_kind(self) -> bool:
        """A kind an authority's officers import for their own authority (accounts.access,
        `require_import_batch`)."""
        return self.kind in AUTHORITY_SHEET_KINDS


class ImportFinding(models.Model):
    """One problem the file has: row (1-based, the header being row 1), column, message."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="findings")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=120, blank=True)
    message = models.TextField()
    severity = models.CharField(max_length=10)

    class Meta:
        ordering = ["batch", "row", "id"]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.message}"


class BatchChange(models.Model):
    """A figure a committed batch created or changed, with its state before, for rollback."""

    # Indexed by range of pages (Meta): a batch's rows are written together.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    # No database constraint: a commit writes one of these per figure (a million for a large
    # publication), in the transaction that wrote the figure, and the database would check
    # each row again at commit (about 8 µs a row here). Deleting a figure through Django
    # still sets this to null.
    figure = models.ForeignKey(
        "indicators.Figure",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    # The figure's state before the batch (null when the batch created it), and the version
    # the batch left it at: a rollback is refused for a figure changed since (its version has
    # moved on), so nothing newer is overwritten.
    before = models.JSONField(null=True)
    version = models.PositiveIntegerField()

    class Meta:
        indexes = [AppendOnlyIndex(fields=["batch"], name="batchchange_batch")]

    def __str__(self) -> str:
        return f"batch {self.batch_id}: figure {self.figure_id}"


class SheetChange(models.Model):
    """A target, indicator or area a committed spreadsheet batch created or changed, with its
    fields before and after (JSON-safe), for rollback. Figures use BatchChange."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="sheet_changes")
    table = models.CharField(max_length=20, help_text="target, indicator or area")
    object_id = models.PositiveBigIntegerField()
    before = models.JSONField(null=True)  # null when the batch created the row
    after = models.JSONField()

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"batch {self.batch_id}: {self.table} {self.object_id}"


class PublishedMapping(models.Model):
    """Which column (and rows) of a published file feeds which indicator: data an admin can
    edit. Its fields are the columns of the shipped `returns/mappings/dfe_published.csv`, which
    is used while this table is empty (`manage.py load_mappings` copies it here to edit)."""

    name = models.CharField(max_length=120, unique=True)
    indicator_code = models.CharField(max_length=30)
    file_hint = models.CharField(
        max_length=120, blank=True, help_text="Part of the file names it applies to."
    )
    value_column = models.CharField(max_length=120)
    numerator_column = models.CharField(max_length=120, blank=True)
    denominator_column = models.CharField(max_length=120, blank=True)
    filters = models.TextField(blank=True, help_text="Rows to take, as column=value; column=value.")
    period_column = models.CharField(max_length=120, default="time_period")
    period_kind = models.CharField(max_length=10, default="fy")
    aliases = models.TextField(
        blank=True, help_text="Earlier names of columns, as column=other|other; column=other."
    )
    is_active = models.BooleanField(default=True)
    # Shipped mappings come with the catalogue (`returns/mappings/dfe_published.csv`) and are
    # refreshed by each load; local ones are an admin's own and are never touched by a load.
    is_shipped = models.BooleanField(default=False, editable=False)
    decimals = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The decimal places the publication gives, e.g. 1."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_row(self) -> dict[str, str]:
        return {
            "name": self.name,
            "indicator_code": self.indicator_code,
            "file_hint": self.file_hint,
            "value_column": self.value_column,
            "numerator_column": self.numerator_column,
            "denominator_column": self.denominator_column,
            "filters": self.filters,
            "period_column": self.period_column,
            "period_kind": self.period_kind,
            "aliases": self.aliases,
        }
