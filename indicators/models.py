"""The core performance model: areas, comparators, indicators, periods, figures and targets.

Invariants that must hold whatever writes the data are database constraints, so that a bad
import or a slip in a service is refused by PostgreSQL rather than stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from . import inspection_models, lineage_models, quality_models, view_models  # noqa: F401
from . import periods as period_rules
from .nations import nation_for_area
from .outbox_models import OutboxMessage as OutboxMessage  # a model of this app, kept apart
from .pairing_models import IndicatorPairing as IndicatorPairing
from .querysets import AreaQuerySet, FigureQuerySet, IndicatorQuerySet, PeriodQuerySet
from .removal_models import FigureRemoval as FigureRemoval  # models of this app, kept apart
from .removal_models import RemovalRecord as RemovalRecord


class AreaKind(models.TextChoices):
    AUTHORITY = "authority", "Local authority"
    REGION = "region", "Region"
    NATION = "nation", "Nation"
    GROUP = "group", "Group"
    JOINT = "joint", "Joint children's services of two or more authorities"


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"


class Applicability(models.TextChoices):
    """Which nations' authorities a measure is due from (issue 17): the Welsh national
    measures are not asked of English councils, nor the DfE's of Welsh ones."""

    BOTH = "both", "England and Wales"
    ENGLAND = "england", "England only"
    WALES = "wales", "Wales only"


class Area(models.Model):
    """A local authority, a region, a nation or a named group of authorities."""

    name = models.CharField(max_length=120)
    # Shown on pages read in Welsh (issue 17); blank: the English name in both languages.
    name_cy = models.CharField("name in Welsh", max_length=120, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=AreaKind.choices)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    ons_code = models.CharField(
        "ONS code", max_length=9, blank=True, help_text="Nine characters, e.g. E06000054."
    )
    dfe_code = models.CharField(
        "DfE LA number",
        max_length=3,
        blank=True,
        help_text="The three-digit number used by statutory returns, e.g. 865.",
    )
    region = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorities",
        limit_choices_to={"kind": AreaKind.REGION},
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="groups",
        help_text="For a named group: the authorities in it.",
    )
    # In a benchmarking club: whether others see the figures it released (accounts.access,
    # `figures_visible_to`). Changed only through `club_sharing_set`, never in the admin.
    shares_with_club = models.BooleanField(
        "shares approved figures with the benchmarking club", default=False, editable=False
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"], condition=~Q(ons_code=""), name="area_ons_code_unique"
            ),
            models.UniqueConstraint(
                fields=["dfe_code"], condition=~Q(dfe_code=""), name="area_dfe_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in AreaKind]), name="area_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The admin's form and every full_clean: a Welsh ONS code on an English area (or the
        # reverse) is refused rather than stored, as the spreadsheets and imports refuse it.
        check = nation_for_area(self.ons_code or "", self.nation or "")
        if check.problem:
            raise ValidationError({"nation": check.problem})

    @property
    def is_authority(self) -> bool:
        return self.kind == AreaKind.AUTHORITY


class NeighbourSet(models.Model):
    """One publication of statistical neighbours (the DfE model of 2021, of 2025, ...)."""

    name = models.CharField(max_length=120, unique=True)
    published_on = models.DateField()
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-published_on"]

    def __str__(self) -> str:
        return self.name


class StatisticalNeighbour(models.Model):
    neighbour_set = models.ForeignKey(
        NeighbourSet, on_delete=models.CASCADE, related_name="neighbours"
    )
    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    neighbour = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    closeness = models.CharField(max_length=40, blank=True, help_text="e.g. Very close")

    class Meta:
        ordering = ["neighbour_set", "authority", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbour_set", "authority", "rank"], name="neighbour_rank_unique"
            ),
            models.UniqueConstraint(
                fields=["neighbour_set", "authority", "neighbour"], name="neighbour_once_per_set"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=10), name="neighbour_rank_1_to_10"
            ),
            models.CheckConstraint(
                condition=~Q(authority=F("neighbour")), name="neighbour_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} #{self.rank}: {self.neighbour}"


class ComparatorKind(models.TextChoices):
    NATION = "nation", "National average"
    REGION = "region", "Region"
    NEIGHBOURS = "neighbours", "Statistical neighbours"
    GOOD = "good", "Good and outstanding authorities"
    GROUP = "group", "Group"


class Comparator(models.Model):
    """Something an authority's figures are shown against.

    Its values are the figures published or entered for `area` (England, a region, or a group
    area such as "Wiltshire's statistical neighbours"); where there is none for a period they
    are computed from the member authorities' figures (see `members_of`).
    """

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="comparators")
    kind = models.CharField(max_length=20, choices=ComparatorKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="compared_with")
    neighbour_set = models.ForeignKey(
        NeighbourSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="For statistical neighbours: which publication's neighbours are the members.",
    )
    label = models.CharField(max_length=60, help_text="Short column heading, e.g. 'SN'.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["authority", "order"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "area"], name="comparator_once"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ComparatorKind]),
                name="comparator_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ComparatorKind.NEIGHBOURS) | Q(neighbour_set__isnull=False),
                name="neighbour_comparator_has_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority}: {self.label}"


class Theme(models.Model):
    """A heading under which indicators are grouped on pages and in packs."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.TextChoices):
    PERCENT = "percent", "Percentage"
    RATE_PER_10K = "rate_10k", "Rate per 10,000 children"
    COUNT = "count", "Count"
    DAYS = "days", "Days"
    AVERAGE = "average", "Average"
    SCORE = "score", "Score"
    FTE = "fte", "Full-time equivalent"
    CURRENCY = "currency", "Pounds"


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    BAND = "band", "Best within a band"
    NONE = "none", "No polarity"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class MeasureType(models.TextChoices):
    SNAPSHOT = "snapshot", "Snapshot at period end"
    EVENTS = "events", "Events in period"
    ROLLING_12 = "rolling_12", "Rolling 12 months"
    YEAR_TO_DATE = "ytd", "Year to date"


class Source(models.TextChoices):
    CIN_CENSUS = "cin_census", "CIN census"
    SSDA903 = "ssda903", "SSDA903"
    WORKFORCE = "workforce", "Children's social work workforce census"
    LOCAL = "local", "Local case system"
    AUDITS = "audits", "Case audits"
    COMPLAINTS = "complaints", "Complaints and compliments"
    SURVEYS = "surveys", "Surveys of children and families"
    EDUCATION = "education", "School performance data"
    HEALTH = "health", "Health partners"
    WELSH = "welsh", "Welsh performance measures"
    FINANCE = "finance", "Finance system"
    ONS = "ons", "ONS population estimates"


class RollUp(models.TextChoices):
    SUM = "sum", "Sum of counts"
    RATIO = "ratio", "Ratio of summed numerators and denominators"
    LATEST = "latest", "Latest snapshot"
    NONE = "none", "Not aggregatable"


class Indicator(models.Model):
    """A measure in the catalogue. Its attributes decide how figures are rated and rolled up."""

    code = models.CharField(max_length=30, unique=True, help_text="Local, DfE or Welsh code.")
    title = models.CharField(max_length=255)
    definition = models.TextField(help_text="What is counted, in plain English.")
    what_good_looks_like = models.TextField(blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="indicators")
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    measure_type = models.CharField(max_length=12, choices=MeasureType.choices)
    decimals = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=20, choices=Source.choices)
    roll_up = models.CharField(max_length=10, choices=RollUp.choices)
    breakdown_dimensions = models.CharField(
        max_length=120,
        blank=True,
        help_text="Comma-separated dimensions its figures are entered by, e.g. 'locality,service'.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    nations = models.CharField(
        "applies in",
        max_length=10,
        choices=Applicability.choices,
        default=Applicability.BOTH,
        help_text="Which nations' authorities the measure is due from.",
    )
    framework_group = models.CharField(
        max_length=160,
        blank=True,
        help_text="For a national framework's measure: the group its framework puts it in.",
    )
    source_publication = models.CharField(
        max_length=255,
        blank=True,
        help_text="Where the definition comes from: the guidance or publication to cite.",
    )
    # Published for every authority by the DfE or ONS (issue 18): never due for entry.
    benchmarking_only = models.BooleanField(default=False)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["theme__order", "order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decimals__lte=4), name="indicator_decimals_at_most_4"
            ),
            # A ratio roll-up needs numerators and denominators, which counts do not have.
            models.CheckConstraint(
                condition=~Q(roll_up=RollUp.RATIO)
                | Q(
                    unit__in=[Unit.PERCENT, Unit.RATE_PER_10K, Unit.DAYS, Unit.AVERAGE, Unit.SCORE]
                ),
                name="ratio_roll_up_needs_a_ratio_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ratio_kind(self) -> str:
        return ratio_kind_for(self.unit)

    def applies_in(self, nation: str) -> bool:
        return self.nations in (Applicability.BOTH, nation)

    @property
    def dimensions(self) -> list[str]:
        return [part.strip() for part in self.breakdown_dimensions.split(",") if part.strip()]

    @property
    def multiplier(self) -> Decimal:
        """value = numerator / denominator * multiplier."""
        return RATIO_MULTIPLIERS.get(self.unit, Decimal(1))


class RatioKind(models.TextChoices):
    NONE = "none", "Not a ratio"
    PROPORTION = "proportion", "Proportion: the numerator is part of the denominator"
    MEAN = "mean", "Mean: a total divided by a count"


RATIO_MULTIPLIERS: dict[str, Decimal] = {
    Unit.PERCENT: Decimal(100),
    Unit.RATE_PER_10K: Decimal(10_000),
}


def ratio_kind_for(unit: str) -> str:
    if unit in (Unit.PERCENT, Unit.RATE_PER_10K):
        return RatioKind.PROPORTION
    if unit in (Unit.DAYS, Unit.AVERAGE, Unit.SCORE):
        return RatioKind.MEAN
    return RatioKind.NONE


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Financial-year quarter"
    FINANCIAL_YEAR = "fy", "Financial year"
    ACADEMIC_YEAR = "ay", "Academic year"
    SNAPSHOT = "snapshot", "Snapshot date"


class Period(models.Model):
    """A month, quarter, financial year, academic year or snapshot date.

    Periods are identified by kind and start; the end and label follow from them (see
    `periods.py`), so two rows can never describe the same period differently.
    """

    kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    start = models.DateField()
    end = models.DateField()

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["end", "start"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "start"], name="period_unique"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="period_in_order"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PeriodKind]), name="period_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return period_rules.label(self.kind, self.start, self.end)

    @property
    def short_label(self) -> str:
        return period_rules.short_label(self.kind, self.start, self.end)

    @property
    def url_key(self) -> str:
        """How the period is written in a web address, e.g. 2021-09 or fy-2017-18-q4."""
        return period_rules.url_key(self.kind, self.start)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


class BreakdownCategory(models.Model):
    """A category figures can be broken down by: a locality, team, service, age band..."""

    dimension = models.CharField(max_length=40, help_text="e.g. locality, service, role")
    name = models.CharField(max_length=120)
    # Localities, teams, services: an authority's own; abuse categories, roles, ages: shared.
    authority = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="breakdown_categories",
        help_text="Leave empty for categories every authority uses.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dimension", "order", "name"]
        verbose_name_plural = "breakdown categories"
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "name"],
                condition=Q(authority__isnull=True),
                name="shared_breakdown_unique",
            ),
            models.UniqueConstraint(
                fields=["authority", "dimension", "name"],
                condition=Q(authority__isnull=False),
                name="own_breakdown_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.name}"


class FigureStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class ChangeChannel(models.TextChoices):
    """How a change reached a figure or target: kept with every row of the audit trail."""

    FORM = "form", "Entry form"
    IMPORT = "import", "Import"
    ADMIN = "admin", "Admin"
    DERIVED = "derived", "Derived (rolled up)"
    SYSTEM = "system", "Set-up command"


class FigureSource(models.TextChoices):
    TYPED = "typed", "Typed in"
    IMPORTED = "imported", "Imported"
    RETURN = "return", "Derived from a statutory return"
    ROLLED_UP = "rolled_up", "Rolled up from shorter periods"
    PUBLISHED = "published", "Published statistics"
    # Summaries of the authority's own records: % of case audits good or better, complaints
    # upheld, compliments, survey results (see the audits and complaints apps).
    RECORDS = "records", "Derived from records (audits, complaints, surveys)"


class SuppressionCode(models.TextChoices):
    """Codes that published statistics use instead of a number. None of them means zero."""

    NONE = "", "Not suppressed"
    C = "c", "c: suppressed to protect confidentiality"
    K = "k", "k: rounds to zero but is not zero"
    X = "x", "x: not available"
    Z = "z", "z: not applicable"
    U = "u", "u: low reliability"
    LOW = "low", "low: a small number, not shown"


class Figure(models.Model):
    """One value of one indicator for one area, period and optional breakdown category."""

    # Every index costs each of the millions of figures a national import writes (about a
    # second a million each): the area, indicator and period have none of their own (Meta's
    # serve; nothing reads one period of every area and indicator), the breakdown's covers
    # the few that have one, and `updated_by` none (nothing reads by it).
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="figures", db_index=False)
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="figures", db_index=False)
    period = models.ForeignKey(Period, models.PROTECT, related_name="figures", db_index=False)
    breakdown = models.ForeignKey(
        BreakdownCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    # Published figures are shown as published (19.1%), whatever the indicator's own decimals.
    published_decimals = models.PositiveSmallIntegerField(null=True, blank=True)
    # Copied from the indicator's unit when written, so the database itself can hold the
    # numerator of a proportion to its denominator (a mean's total may exceed its count).
    ratio_kind = models.CharField(max_length=12, choices=RatioKind.choices)
    status = models.CharField(
        max_length=10, choices=FigureStatus.choices, default=FigureStatus.DRAFT
    )
    is_provisional = models.BooleanField(default=False)
    is_estimated = models.BooleanField(default=False)
    suppression = models.CharField(
        max_length=3, choices=SuppressionCode.choices, blank=True, default=""
    )
    commentary = models.TextField(blank=True)
    source = models.CharField(max_length=12, choices=FigureSource.choices)
    source_note = models.CharField(max_length=255, blank=True)
    # Set when an approved figure is corrected: the correction then needs a fresh approval.
    is_revised = models.BooleanField(default=False)
    review_comment = models.TextField(
        blank=True, help_text="The manager's comment when returning the figure."
    )
    version = models.PositiveIntegerField(default=1)
    # The version a manager released to the benchmarking club (`figures_release`). Every
    # change of content or status moves `version` on, so a release covers exactly what was
    # approved when it was made: a corrected figure is unreleased until released again.
    released_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = FigureQuerySet.as_manager()

    class Meta:
        constraints = [
            # Indicator first: it also finds every area's figures of an indicator and period
            # (comparators, ranks, the grid), one index less for an import to keep (issue 18).
            models.UniqueConstraint(
                fields=["indicator", "period", "area"],
                condition=Q(breakdown__isnull=True),
                name="one_figure_per_area_indicator_period",
            ),
            models.UniqueConstraint(
                fields=["area", "indicator", "period", "breakdown"],
                condition=Q(breakdown__isnull=False),
                name="one_figure_per_breakdown",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True, denominator__isnull=True)
                | Q(numerator__isnull=False, denominator__isnull=False),
                name="numerator_and_denominator_together",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | ~Q(ratio_kind=RatioKind.NONE),
                name="numerator_only_for_ratios",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | (Q(numerator__gte=0) & Q(denominator__gt=0)),
                name="ratio_parts_positive",
            ),
            models.CheckConstraint(
                condition=~Q(ratio_kind=RatioKind.PROPORTION)
                | Q(numerator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="numerator_not_above_denominator",
            ),
            # A suppressed figure has no value, and a figure without a value says why.
            models.CheckConstraint(
                condition=(Q(value__isnull=True) & ~Q(suppression=""))
                | (Q(value__isnull=False) & Q(suppression="")),
                name="value_or_suppression_code",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in FigureStatus]),
                name="figure_status_known",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="figure_version_positive"),
        ]
        indexes = [
            # An area's figures of some periods: a dashboard rebuild reads the authority's
            # figures of its trend windows, and its comparators' members' of a period or two
            # (issue 15; without it PostgreSQL combined the area and period indexes, 400,000
            # entries of the period's, at 35-80 ms a read instead of 1-10).
            models.Index(fields=["area", "period"], name="figure_area_period"),
            models.Index(
                fields=["breakdown"],
                condition=Q(breakdown__isnull=False),
                name="figure_breakdown",
            ),
            # The few figures awaiting approval, found among millions (comparators: docs/0025).
            models.Index(fields=["area"], condition=Q(status="submitted"), name="figure_submitted"),
        ]

    def __str__(self) -> str:
        where = f" ({self.breakdown.name})" if self.breakdown_id and self.breakdown else ""
        return f"{self.indicator.code} {self.area} {self.period}{where}"


class FigureChange(models.Model):
    """The audit trail: every change to a figure, who made it, when and why."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    # No index of its own, as `Figure.updated_by`: a national import writes a change a figure,
    # and nothing reads the history by who made it (deleting a user account would, once).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(max_length=10, choices=ChangeChannel.choices)
    old_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, blank=True)
    old_commentary = models.TextField(blank=True)
    new_commentary = models.TextField(blank=True)
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.figure}: {self.old_value} -> {self.new_value}"


class Target(models.Model):
    """An authority's target for an indicator in one financial year: a bound, or a band.

    A single figure such as "85%" is stored with both bounds equal; which bound matters then
    follows from the indicator's polarity (see `rag.py`).
    """

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": PeriodKind.FINANCIAL_YEAR},
    )
    lower = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    tolerance = models.DecimalField(
        max_digits=16,
        decimal_places=4,
        default=Decimal(0),
        help_text="How far beyond the target, in the indicator's units, is still amber.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "indicator", "financial_year"], name="one_target_per_year"
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=False) | Q(upper__isnull=False),
                name="target_has_a_bound",
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=True) | Q(upper__isnull=True) | Q(lower__lte=F("upper")),
                name="target_bounds_in_order",
            ),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="tolerance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.authority} {self.financial_year}"


class TargetChange(models.Model):
    """The audit trail of targets: every change of bounds or tolerance, who, when and why."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=ChangeChannel.choices)
    old_lower = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    new_lower = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    old_upper = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    new_upper = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    old_tolerance = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    new_tolerance = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.target}: {self.old_lower}-{self.old_upper} -> {self.new_lower}-{self.new_upper}"
        )


class ClubSharingChange(models.Model):
    """The record of an authority's benchmarking-club setting: every change, who made it,
    when and why. Kept for the authority's managers and for anyone asking why its figures
    appeared in (or left) another council's benchmarking."""

    authority = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="sharing_changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shares = models.BooleanField(help_text="The setting after the change.")
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.authority}: {'shares' if self.shares else 'does not share'}"


class Dashboard(models.Model):
    """An authority's dashboard: when its snapshots were built, and when something they show
    last changed. Its snapshots are what the dashboard page reads (see `dashboards/`)."""

    authority = models.OneToOneField(
        Area, on_delete=models.CASCADE, primary_key=True, related_name="dashboard"
    )
    # When the current snapshots began reading the data (all committed before is in them).
    built_at = models.DateTimeField(null=True, blank=True)
    # The latest write to a figure, target or comparator the dashboard shows; later than
    # built_at while a rebuild is due.
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Dashboard of {self.authority_id}"

    @property
    def is_stale(self) -> bool:
        return self.built_at is None or (
            self.changed_at is not None and self.changed_at > self.built_at
        )


class DashboardSnapshot(models.Model):
    """One view of a dashboard as last built: the whole authority (no category), or one of its
    localities or teams. Replaced whole by each rebuild, inside one transaction, so a reader
    sees the old snapshot or the new one, never a mixture."""

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="snapshots")
    category = models.ForeignKey(
        BreakdownCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    built_at = models.DateTimeField()
    # The latest change to a figure or target the snapshot shows: "figures as at".
    data_as_at = models.DateTimeField(null=True, blank=True)
    content = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dashboard"],
                condition=Q(category__isnull=True),
                name="one_authority_snapshot",
            ),
            models.UniqueConstraint(
                fields=["dashboard", "category"],
                condition=Q(category__isnull=False),
                name="one_snapshot_per_category",
            ),
        ]

    def __str__(self) -> str:
        return f"Dashboard snapshot of {self.dashboard_id} ({self.category_id or 'all'})"
