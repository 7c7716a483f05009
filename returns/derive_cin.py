"""Read a CIN census XML file and derive the year's aggregate figures. Pure: no Django, no ORM.

The file is Message / Header / Children / Child, each Child with ChildIdentifiers,
ChildCharacteristics and one or more CINdetails (one referral each) holding Assessments,
CINPlanDates, Section47 and ChildProtectionPlans records (each of those elements is ONE record,
repeated as often as needed, as in the DfE schema). Elements are read by local name, so a
namespace prefix or a year's renaming (GenderCurrent became Sex in 2024) does not matter;
elements this module does not know are reported once each as a WARNING, never guessed at.

Privacy (DESIGN.md): the child's LAchildID links one child's records within the file; dates of
birth, UPNs and the like are not read at all. A `CinResult` holds aggregates (figures, a
category-of-abuse breakdown, record counts and findings) and one thing more: `counted`, for
each figure, the LAchildIDs of the children it counts. That is the only way an LAchildID
leaves this module, and only in memory: the caller validating the return matches them with the
children each DfE rule error touches (`dfe_rules.quality`, whose CIN tables key children by
LAchildID in CHILD), keeps the counts, and lets the identifiers go with the result. They are
never stored, logged or shown, never in a finding, and left out of the result's repr. A
finding never quotes an identifier, only the offending date or code.

Findings: `row` is the 1-based position of the <Child> element in the file (the first <Child>
is row 1), 0 for the file or its header; `column` is the element's name.

Rules chosen where the guidance is ambiguous (DOMAIN.md says "verify") are the module
constants below; each says which way it was decided.
"""

from __future__ import annotations

import calendar
import datetime
import re
import xml.etree.ElementTree as ET  # DOCTYPEs refused: see _StreamingTarget.doctype
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import IO

from indicators.working_days import working_days_between

from .findings import Finding, Severity, has_errors
from .limits import DEFAULT_LIMITS, SETTINGS, ImportLimits, too_many

# --- Indicator codes (indicators/catalogue/indicators.csv) -----------------------------------
REF_COUNT = "REF-COUNT"
REF_RATE = "REF-RATE"
REF_REREF = "REF-REREF"
ASMT_COUNT = "ASMT-COUNT"
ASMT_45 = "ASMT-45"
ICPC_15 = "ICPC-15"
CPP_COUNT = "CPP-COUNT"
CPP_RATE = "CPP-RATE"
CPP_2ND = "CPP-2ND"
CPP_2YR_OPEN = "CPP-2YR-OPEN"
CPP_2YR_CEASED = "CPP-2YR-CEASED"
CPP_U3M = "CPP-U3M"
CPP_CAT = "CPP-CAT"
CATEGORY_OF_ABUSE_DIMENSION = "category of abuse"

# Census codes for the category of abuse, and the breakdown category each becomes.
CATEGORIES_OF_ABUSE: dict[str, str] = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}

# --- Rules (verify against the year's CIN census guidance) ----------------------------------
# Assessment timeliness: within this many working days of the clock start...
ASSESSMENT_TIMESCALE_WORKING_DAYS = 45
# ...where the clock starts at AssessmentActualStartDate (the DfE's published measure). Some
# authorities count from the referral date instead: pass assessment_clock_from_referral=True.
ASSESSMENT_CLOCK_FROM_REFERRAL = False
# ICPC within this many working days of S47ActualStartDate (Section47's DateOfInitialCPC; the
# older CINdetails-level DateOfInitialCPC is read for validation only, not for this measure).
ICPC_TIMESCALE_WORKING_DAYS = 15
# A re-referral is a referral made on or before the same calendar date this many months after
# the child's immediately previous referral (29 February + 12 months = 28 February).
REREFERRAL_WINDOW_MONTHS = 12
# Referrals that led to no further action (ReferralNFA true) are still referrals: counted in
# REF-COUNT and REF-REREF, as in the DfE's published referral figures.
COUNT_NFA_REFERRALS = True
# A plan whose CPPendDate is 31 March ended that day, so it is not open at 31 March.
PLAN_ENDING_ON_YEAR_END_IS_OPEN = False
# "Lasting two years or more": open at 31 March since on or before the same date two years
# earlier (CPP-2YR-OPEN), or ended on or after its start date's second anniversary
# (CPP-2YR-CEASED). Plans under three months (CPP-U3M) ended before the date 3 months on.
LONG_PLAN_MONTHS = 24
SHORT_PLAN_MONTHS = 3
# Dates more than this many years before the collection year starts are implausible for a
# children's return; any date after the year's 31 March is an error (the census is a
# snapshot at 31 March).
PLAUSIBLE_YEARS_BEFORE_YEAR_START = 25

PER_10K = Decimal(10_000)
PERCENT = Decimal(100)
VALUE_PLACES = Decimal("0.0001")  # Figure.value has four decimal places

ROOT = "Message"
COLLECTION = "CIN"

# Each element this module knows, with the child elements it may have, across the schema's
# years. An element not listed under its parent is reported as unknown structure.
KNOWN_CHILDREN: dict[str, frozenset[str]] = {
    "Message": frozenset({"Header", "Children"}),
    "Header": frozenset({"CollectionDetails", "Source"}),
    "CollectionDetails": frozenset({"Collection", "Year", "ReferenceDate"}),
    "Source": frozenset({"SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"}),
    "Children": frozenset({"Child"}),
    "Child": frozenset({"ChildIdentifiers", "ChildCharacteristics", "CINdetails"}),
    "ChildIdentifiers": frozenset(
        {
            "LAchildID",
            "UPN",
            "FormerUPN",
            "UPNunknown",
            "PersonBirthDate",
            "ExpectedPersonBirthDate",
            "GenderCurrent",  # to 2023
            "Sex",  # from 2024
            "PersonDeathDate",
        }
    ),
    "ChildCharacteristics": frozenset({"Ethnicity", "Disabilities"}),
    "Disabilities": frozenset({"Disability"}),
    "CINdetails": frozenset(
        {
            "CINreferralDate",
            "ReferralSource",
            "PrimaryNeedCode",
            "CINclosureDate",
            "ReasonForClosure",
            "DateOfInitialCPC",
            "ReferralNFA",
            "Assessments",
            "CINPlanDates",
            "Section47",
            "ChildProtectionPlans",
        }
    ),
    "Assessments": frozenset(
        {
            "AssessmentActualStartDate",
            "AssessmentInternalReviewDate",
            "AssessmentAuthorisationDate",
            "FactorsIdentifiedAtAssessment",
            "AssessmentFactors",
        }
    ),
    "FactorsIdentifiedAtAssessment": frozenset({"AssessmentFactors"}),
    "CINPlanDates": frozenset({"CINPlanStartDate", "CINPlanEndDate"}),
    "Section47": frozenset(
        {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"}
    ),
    "ChildProtectionPlans": frozenset(
        {
            "CPPstartDate",
            "CPPendDate",
            "InitialCategoryOfAbuse",
            "LatestCategoryOfAbuse",
            "NumberOfPreviousCPP",
            "Reviews",
        }
    ),
    "Reviews": frozenset({"CPPreviewDate"}),
}

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")  # xs:date, optional zone
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


# --- Records: what one child's part of the file says, with no identifiers but a link key ----
@dataclass(frozen=True)
class Assessment:
    start: datetime.date | None
    authorised: datetime.date | None


@dataclass(frozen=True)
class S47:
    start: datetime.date | None
    icpc: datetime.date | None
    icpc_not_required: bool | None


@dataclass(frozen=True)
class Plan:
    start: datetime.date | None
    end: datetime.date | None
    initial_category: str | None
    latest_category: str | None
    previous_plans: int | None


@dataclass(frozen=True)
class Referral:
    date: datetime.date | None
    closed: datetime.date | None
    no_further_action: bool | None
    assessments: tuple[Assessment, ...] = ()
    s47s: tuple[S47, ...] = ()
    plans: tuple[Plan, ...] = ()


@dataclass(frozen=True)
class Child:
    """One <Child>. `key` (the LAchildID, or a per-row stand-in when it is missing) links
    records within the file; it is dropped with the Child once the figures are derived."""

    key: str
    row: int
    referrals: tuple[Referral, ...]


# --- Results: aggregates only ----------------------------------------------------------------
@dataclass(frozen=True)
class DerivedFigure:
    """A figure's value and, for a ratio, the numerator and denominator it comes from."""

    value: Decimal
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class CinCounts:
    """Records read from the file (all of them, not only those in the year)."""

    children: int = 0
    referrals: int = 0
    assessments: int = 0
    s47s: int = 0
    plans: int = 0


@dataclass(frozen=True)
class CinResult:
    collection_year: int
    figures: dict[str, DerivedFigure] = field(default_factory=dict)
    # CPP-CAT by breakdown category ("Neglect", ...): % of children on a plan at 31 March.
    category_of_abuse: dict[str, DerivedFigure] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    counts: CinCounts = field(default_factory=CinCounts)
    not_listed: int = 0  # errors found beyond the findings kept (ImportLimits.findings)
    # Figure code -> the LAchildIDs of the children in its numerator or denominator: for a
    # count, the children counted; for a percentage, its denominator's children. In memory
    # only, for the figures' data quality during validation: never stored (module docstring).
    counted: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_errors(self) -> bool:
        return self.not_listed > 0 or has_errors(self.findings)


@dataclass(frozen=True)
class CollectionYear:
    """Collection year 2025 is 1 April 2024 to 31 March 2025."""

    year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year - 1, 4, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 3, 31)

    @property
    def earliest_plausible(self) -> datetime.date:
        return datetime.date(self.year - 1 - PLAUSIBLE_YEARS_BEFORE_YEAR_START, 4, 1)

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class CinParse:
    """What the reader got from the file. Holds link keys: derive from it, never store it."""

    children: list[Child]
    findings: list[Finding]
    counts: CinCounts
    readable: bool  # False when the file could not be read as a CIN census at all
    not_listed: int = 0  # errors found beyond the findings kept


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Reading -----------------------------------------------------------------------------------
class _Refused(Exception):
    """Stops the parser: the file declares a DOCTYPE, is not a CIN census, or is larger than
    the import limits allow."""


@lru_cache(maxsize=4096)
def _local(tag: str) -> str:
    """The element's name without its namespace; "" for a comment or processing instruction."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _shown(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:30] + "...")


class _StreamingTarget:
    """The XMLParser's target: builds each <Child> as a small tree, hands it to the reader,
    then drops it, so a large census never sits in memory whole.

    Entity expansion is refused here: the C XMLParser calls `doctype()` as soon as expat meets
    the start of a <!DOCTYPE ...> declaration, before any <!ENTITY> in its internal subset is
    read, and the exception raised stops the parse. Entities can only be declared inside a
    DOCTYPE, so no file can define one (billion laughs) or point one at a file or URL
    (external entities); a reference to an undeclared entity is a plain ParseError. Checking
    in the parser rather than searching the bytes also covers UTF-16 and other encodings.
    """

    def __init__(self, reader: _Reader) -> None:
        self._builder = ET.TreeBuilder()
        self._stack: list[ET.Element] = []
        self._reader = reader
        # Elements and characters held since the reader last took an element: one child's
        # record at most, unless the file is not what it says (refused past the limits).
        self._held = self._chars = 0
        self._most_held = reader.limits.record_elements
        self._most_chars = reader.limits.record_chars

    def _too_much(self) -> _Refused:
        return _Refused(
            f"One <Child> (or what lies around the children) holds more than "
            f"{self._most_held:,} elements or {self._most_chars:,} characters, which no CIN "
            "census does: it was refused before it was read in full, and nothing was imported. "
            "Check that this is the census file exported by the case-management system."
        )

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _Refused(
            "The file declares a DOCTYPE (which can define entities); a CIN census never "
            "does, so it was refused unread."
        )

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        if not self._stack:
            self._reader.root(_local(tag))
        element = self._builder.start(tag, attrs)
        self._stack.append(element)
        self._held += 1
        if self._held > self._most_held:
            raise self._too_much()
        return element

    def data(self, text: str) -> None:
        self._chars += len(text)
        if self._chars > self._most_chars:
            raise self._too_much()
        self._builder.data(text)

    def end(self, tag: str) -> ET.Element:
        element = self._builder.end(tag)
        self._stack.pop()
        depth = len(self._stack)
        if depth == 1:
            self._reader.top_level(element)
            self._stack[0].remove(element)
            self._held = self._chars = 0
        elif depth == 2 and _local(self._stack[1].tag) == "Children":
            self._reader.child_or_other(element)
            self._stack[1].remove(element)
            self._held = self._chars = 0
        return element

    def close(self) -> ET.Element:
        return self._builder.close()


class _Reader:
    def __init__(
        self, year: CollectionYear, *, check_year: bool = True, limits: ImportLimits
    ) -> None:
        self.year = year
        self.check_year = check_year
        self.limits = limits
        self.not_listed = 0
        self.findings: list[Finding] = []
        self.children: list[Child] = []
        self.child_rows = 0
        self.saw_header = False
        self.saw_children = False
        self._reported_unknown: set[tuple[str, str]] = set()
        self._records = {"referrals": 0, "assessments": 0, "s47s": 0, "plans": 0}

    # findings
    def error(self, row: int, column: str, message: str) -> None:
        if len(self.findings) < self.limits.findings:
            self.findings.append(Finding(row, column, message, Severity.ERROR))
        else:
            self.not_listed += 1

    def warning(self, row: int, column: str, message: str) -> None:
        if len(self.findings) < self.limits.findings:
            self.findings.append(Finding(row, column, message, Severity.WARNING))

    def counts(self) -> CinCounts:
        return CinCounts(children=self.child_rows, **self._records)

    # structure
    def root(self, name: str) -> None:
        if name != ROOT:
            raise _Refused(
                f"This is not a CIN census file: its root element is <{name}>, not <{ROOT}>."
            )

    def top_level(self, element: ET.Element) -> None:
        name = _local(element.tag)
        if name == "Header":
            self.saw_header = True
            self.header(element)
        elif name == "Children":
            self.saw_children = True
        else:
            self.unknown(0, "Message", name)

    def child_or_other(self, element: ET.Element) -> None:
        name = _local(element.tag)
        if name == "Child":
            self.child_rows += 1
            if self.child_rows > self.limits.cin_children:
                raise _Refused(
                    too_many(
                        "The file lists",
                        f"{self.limits.cin_children:,} children",
                        SETTINGS["cin_children"],
                        "Check that this is one authority's census for one year.",
                    )
                )
            self.child(element, self.child_rows)
        else:
            self.unknown(0, "Children", name)

    def unknown(self, row: int, parent: str, name: str) -> None:
        if (parent, name) in self._reported_unknown:
            return
        self._reported_unknown.add((parent, name))
        self.warning(
            row,
            name,
            f"<{name}> inside <{parent}> is not part of the CIN census layout this import "
            "knows, so it was not read (reported once; the schema may have changed this year).",
        )

    def elements(self, element: ET.Element, row: int) -> dict[str, list[ET.Element]]:
        """The element's children by local name; unknown names are reported."""
        parent = _local(element.tag)
        known = KNOWN_CHILDREN.get(parent, frozenset())
        by_name: dict[str, list[ET.Element]] = defaultdict(list)
        for sub in element:
            name = _local(sub.tag)
            if not name:  # a comment or processing instruction
                continue
            if name not in known:
                self.unknown(row, parent, name)
            by_name[name].append(sub)
        return by_name

    # values
    def text(self, by_name: dict[str, list[ET.Element]], name: str, row: int) -> str | None:
        found = by_name.get(name, [])
        if not found:
            return None
        if len(found) > 1:
            self.warning(row, name, f"<{name}> appears {len(found)} times; the first was read.")
        value = (found[0].text or "").strip()
        return value or None

    def date(
        self,
        by_name: dict[str, list[ET.Element]],
        name: str,
        row: int,
        *,
        required: str | None = None,
    ) -> datetime.date | None:
        """A date, or None when absent or unusable; `required` names the record that must
        have it (absence is then an error)."""
        value = self.text(by_name, name, row)
        if value is None:
            if required:
                self.error(row, name, f"{required} has no {name}, which is mandatory.")
            return None
        match = _DATE.fullmatch(value)
        day: datetime.date | None = None
        if match:
            try:
                day = datetime.date.fromisoformat(match.group(1))
            except ValueError:
                day = None
        if day is None:
            self.error(row, name, f"{name} {_shown(value)} is not a date in the form YYYY-MM-DD.")
            return None
        if day < self.year.earliest_plausible:
            self.error(
                row,
                name,
                f"{name} {day:%d/%m/%Y} is implausibly early for the {self.year.year} census "
                f"(before {self.year.earliest_plausible:%d/%m/%Y}).",
            )
            return None
        if day > self.year.end:
            self.error(
                row,
                name,
                f"{name} {day:%d/%m/%Y} is after the end of the collection year "
                f"({self.year.end:%d/%m/%Y}).",
            )
            return None
        return day

    def boolean(self, by_name: dict[str, list[ET.Element]], name: str, row: int) -> bool | None:
        value = self.text(by_name, name, row)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.error(row, name, f"{name} {_shown(value)} is not true/false (or 1/0).")
        return None

    def category(self, by_name: dict[str, list[ET.Element]], name: str, row: int) -> str | None:
        value = self.text(by_name, name, row)
        if value is None:
            return None
        if value.upper() not in CATEGORIES_OF_ABUSE:
            codes = ", ".join(CATEGORIES_OF_ABUSE)
            self.error(row, name, f"{name} {_shown(value)} is not a category of abuse ({codes}).")
            return None
        return value.upper()

    def order(
        self,
        row: int,
        column: str,
        earlier: datetime.date | None,
        later: datetime.date | None,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> bool:
        """True when both dates are known and `later` is before `earlier` (reported)."""
        if earlier is not None and later is not None and later < earlier:
            text = f"{message} ({later:%d/%m/%Y} is before {earlier:%d/%m/%Y})."
            self.findings.append(Finding(row, column, text, severity))
            return True
        return False

    # sections
    def header(self, element: ET.Element) -> None:
        header = self.elements(element, 0)
        for details in header.get("CollectionDetails", [])[:1]:
            fields = self.elements(details, 0)
            collection = self.text(fields, "Collection", 0)
            if collection is not None and collection.upper() != COLLECTION:
                raise _Refused(
                    f"This is a {_shown(collection)} return, not a CIN census "
                    f"(Header Collection should be {COLLECTION})."
                )
            year = self.text(fields, "Year", 0)
            reference = self.text(fields, "ReferenceDate", 0)
            if not self.check_year:
                continue
            if year is not None and year != str(self.year.year):
                self.error(
                    0,
                    "Year",
                    f"The file is for collection year {_shown(year)}, not {self.year.year} "
                    "as chosen for this import.",
                )
            if reference is not None and reference[:10] != self.year.end.isoformat():
                self.warning(
                    0,
                    "ReferenceDate",
                    f"The header's ReferenceDate {_shown(reference)} is not "
                    f"{self.year.end:%d/%m/%Y}, the end of the collection year.",
                )
        for source in header.get("Source", []):
            self.elements(source, 0)

    def child(self, element: ET.Element, row: int) -> None:
        parts = self.elements(element, row)
        key: str | None = None
        for identifiers in parts.get("ChildIdentifiers", [])[:1]:
            key = self.text(self.elements(identifiers, row), "LAchildID", row)
        if key is None:
            self.error(
                row,
                "LAchildID",
                "The child has no LAchildID, so their records cannot be linked to any others.",
            )
            key = f"\x00row {row}"  # cannot clash with a real identifier
        for characteristics in parts.get("ChildCharacteristics", []):
            for disabilities in self.elements(characteristics, row).get("Disabilities", []):
                self.elements(disabilities, row)
        details = parts.get("CINdetails", [])
        if not details:
            self.error(row, "CINdetails", "The child has no CINdetails (no referral).")
        referrals = tuple(self.referral(episode, row) for episode in details)
        self.children.append(Child(key=key, row=row, referrals=referrals))

    def referral(self, element: ET.Element, row: int) -> Referral:
        self._records["referrals"] += 1
        fields = self.elements(element, row)
        referred = self.date(fields, "CINreferralDate", row, required="A CINdetails record")
        closed = self.date(fields, "CINclosureDate", row)
        self.order(row, "CINclosureDate", referred, closed, "The case closed before its referral")
        nfa = self.boolean(fields, "ReferralNFA", row)
        self.date(fields, "DateOfInitialCPC", row)  # older schemas: validated, not counted
        assessments = tuple(
            self.assessment(record, row, referred) for record in fields.get("Assessments", [])
        )
        for plan_dates in fields.get("CINPlanDates", []):
            dates = self.elements(plan_dates, row)
            begun = self.date(dates, "CINPlanStartDate", row, required="A CIN plan")
            ended = self.date(dates, "CINPlanEndDate", row)
            self.order(row, "CINPlanEndDate", begun, ended, "The CIN plan ends before it starts")
        s47s = tuple(self.section47(record, row) for record in fields.get("Section47", []))
        plans = tuple(self.plan(record, row) for record in fields.get("ChildProtectionPlans", []))
        return Referral(referred, closed, nfa, assessments, s47s, plans)

    def assessment(
        self, element: ET.Element, row: int, referred: datetime.date | None
    ) -> Assessment:
        self._records["assessments"] += 1
        fields = self.elements(element, row)
        start = self.date(fields, "AssessmentActualStartDate", row, required="An assessment")
        authorised = self.date(fields, "AssessmentAuthorisationDate", row)
        self.date(fields, "AssessmentInternalReviewDate", row)
        self.order(
            row,
            "AssessmentAuthorisationDate",
            start,
            authorised,
            "The assessment was authorised before it started",
        )
        self.order(
            row,
            "AssessmentActualStartDate",
            referred,
            start,
            "The assessment started before the referral",
            Severity.WARNING,
        )
        for factors in fields.get("FactorsIdentifiedAtAssessment", []):
            self.elements(factors, row)
        return Assessment(start, authorised)

    def section47(self, element: ET.Element, row: int) -> S47:
        self._records["s47s"] += 1
        fields = self.elements(element, row)
        start = self.date(fields, "S47ActualStartDate", row, required="A Section 47 enquiry")
        icpc = self.date(fields, "DateOfInitialCPC", row)
        self.date(fields, "InitialCPCtarget", row)
        not_required = self.boolean(fields, "ICPCnotRequired", row)
        self.order(
            row, "DateOfInitialCPC", start, icpc, "The ICPC was held before the S47 enquiry began"
        )
        if icpc is not None and not_required:
            self.warning(
                row,
                "ICPCnotRequired",
                "ICPCnotRequired is true but a DateOfInitialCPC is given; the ICPC is counted.",
            )
        return S47(start, icpc, not_required)

    def plan(self, element: ET.Element, row: int) -> Plan:
        self._records["plans"] += 1
        fields = self.elements(element, row)
        start = self.date(fields, "CPPstartDate", row, required="A child protection plan")
        end = self.date(fields, "CPPendDate", row)
        self.order(row, "CPPendDate", start, end, "The child protection plan ends before it starts")
        initial = self.category(fields, "InitialCategoryOfAbuse", row)
        if "InitialCategoryOfAbuse" not in fields:
            self.error(
                row,
                "InitialCategoryOfAbuse",
                "A child protection plan has no InitialCategoryOfAbuse, which is mandatory.",
            )
        latest = self.category(fields, "LatestCategoryOfAbuse", row)
        previous: int | None = None
        previous_text = self.text(fields, "NumberOfPreviousCPP", row)
        if previous_text is not None:
            if previous_text.isascii() and previous_text.isdigit():
                previous = int(previous_text)
            else:
                self.error(
                    row,
                    "NumberOfPreviousCPP",
                    f"NumberOfPreviousCPP {_shown(previous_text)} is not a whole number.",
                )
        for reviews in fields.get("Reviews", []):
            dates = self.elements(reviews, row)
            for _ in dates.get("CPPreviewDate", [])[:1]:
                reviewed = self.date(dates, "CPPreviewDate", row)
                self.order(
                    row,
                    "CPPreviewDate",
                    start,
                    reviewed,
                    "A plan review is dated before the plan started",
                    Severity.WARNING,
                )
        return Plan(start, end, initial, latest, previous)


CHUNK = 1 << 16


def _chunks(source: bytes | IO[bytes]) -> Iterable[bytes]:
    if isinstance(source, bytes):
        return (source[offset : offset + CHUNK] for offset in range(0, len(source), CHUNK))
    source.seek(0)
    return iter(lambda: source.read(CHUNK), b"")


def parse_cin(
    source: bytes | IO[bytes],
    *,
    collection_year: int,
    check_year: bool = True,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> CinParse:
    """Read the file (its bytes, or the file as a seekable binary stream, read a chunk at a
    time) into Child records and findings. Never raises on the file's content; a file past
    `limits` gives the one finding that refuses it.

    `check_year=False` reads an earlier year's file for history: its header's Year and
    ReferenceDate are then not compared with `collection_year`.
    """
    year = CollectionYear(collection_year)
    if not any(chunk.strip(b"\xef\xbb\xbf \t\r\n\x00") for chunk in _chunks(source)):
        return CinParse([], [Finding(0, "", "The file is empty.")], CinCounts(), readable=False)
    reader = _Reader(year, check_year=check_year, limits=limits)
    # Safe against entity expansion: see _StreamingTarget.doctype.
    parser = ET.XMLParser(target=_StreamingTarget(reader))  # noqa: S314
    try:
        for chunk in _chunks(source):
            parser.feed(chunk)
        parser.close()
    except _Refused as refused:
        return CinParse([], [Finding(0, "", str(refused))], CinCounts(), readable=False)
    except (LookupError, UnicodeError) as error:  # an encoding Python cannot read
        message = f"The file cannot be read ({str(error)[:80]}); nothing was read."
        return CinParse([], [Finding(0, "", message)], CinCounts(), readable=False)
    except ET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        message = (
            f"The file is not well-formed XML (line {line}, column {column}: "
            f"{str(error).split(':')[0]}); nothing was read."
        )
        return CinParse([], [Finding(0, "", message)], CinCounts(), readable=False)
    if not reader.saw_children:
        reader.error(0, "Children", "The file has no <Children> element: nothing to read.")
    elif not reader.child_rows:
        reader.warning(0, "Child", "The file lists no children.")
    if not reader.saw_header:
        reader.warning(
            0, "Header", "The file has no <Header>, so its collection year is unchecked."
        )
    return CinParse(
        reader.children,
        reader.findings,
        reader.counts(),
        readable=True,
        not_listed=reader.not_listed,
    )


# --- Deriving ----------------------------------------------------------------------------------
def _ratio(numerator: int, denominator: int, multiplier: Decimal) -> DerivedFigure:
    value = (Decimal(numerator) * multiplier / Decimal(denominator)).quantize(
        VALUE_PLACES, rounding=ROUND_HALF_UP
    )
    return DerivedFigure(value=value, numerator=numerator, denominator=denominator)


def _count(value: int) -> DerivedFigure:
    return DerivedFigure(value=Decimal(value))


class _Figures:
    def __init__(self) -> None:
        self.figures: dict[str, DerivedFigure] = {}
        self.findings: list[Finding] = []

    def percent(self, code: str, numerator: int, denominator: int, of_what: str) -> None:
        if denominator:
            self.figures[code] = _ratio(numerator, denominator, PERCENT)
        else:
            self.findings.append(
                Finding(
                    0, "", f"No {of_what} in the year, so {code} is not derived.", Severity.WARNING
                )
            )


def _by_child(children: Iterable[Child]) -> dict[str, list[Child]]:
    grouped: dict[str, list[Child]] = defaultdict(list)
    for child in children:
        grouped[child.key].append(child)
    return grouped


def derive_figures(
    children: list[Child],
    *,
    collection_year: int,
    population: int | None = None,
    assessment_clock_from_referral: bool = ASSESSMENT_CLOCK_FROM_REFERRAL,
    earlier_children: Iterable[Child] = (),
) -> tuple[
    dict[str, DerivedFigure], dict[str, DerivedFigure], list[Finding], dict[str, frozenset[str]]
]:
    """Figures, the category-of-abuse breakdown, derivation findings for the year, and the
    children (link keys) each figure counts (`CinResult.counted`).

    `earlier_children` (from earlier years' files) are history only: their referral and plan
    start dates before this year are looked back at for re-referrals and repeat plans; nothing
    in them is counted in this year's figures, so a file given twice changes nothing.
    """
    year = CollectionYear(collection_year)
    history = _history(earlier_children, year)
    out = _Figures()
    referrals_in_year = rereferrals = 0
    assessed = assessed_in_time = 0
    icpcs = icpcs_in_time = 0
    plans_started = repeat_plans = 0
    plans_ended = ended_long = ended_short = 0
    on_plan = open_long = 0
    categories: dict[str, int] = dict.fromkeys(CATEGORIES_OF_ABUSE, 0)
    # The children each kind of record is counted for, each child once.
    referred: list[str] = []
    assessed_children: list[str] = []
    conferenced: list[str] = []
    starting_plans: list[str] = []
    ending_plans: list[str] = []
    on_plan_children: list[str] = []

    for key, key_children in _by_child(children).items():
        row = key_children[0].row
        if len(key_children) > 1:
            out.findings.append(
                Finding(
                    key_children[1].row,
                    "LAchildID",
                    f"This child's LAchildID is also used by <Child> {row}; their records are "
                    "linked as one child's.",
                    Severity.WARNING,
                )
            )
        referrals = [r for child in key_children for r in child.referrals]
        earlier_referrals, earlier_plan_starts = history.get(key, ((), ()))
        referral_dates = sorted(
            {r.date for r in referrals if r.date is not None}.union(earlier_referrals)
        )
        plans = [p for r in referrals for p in r.plans if p.start is not None]

        # The counts before this child's records: a child whose records add to one is listed.
        referrals_before, assessed_before, icpcs_before = referrals_in_year, assessed, icpcs
        started_before, ended_before = plans_started, plans_ended
        # Referrals and re-referrals: compared with the immediately previous referral.
        for referral in referrals:
            if not year.contains(referral.date) or referral.date is None:
                continue
            if referral.no_further_action and not COUNT_NFA_REFERRALS:
                continue
            referrals_in_year += 1
            earlier = [d for d in referral_dates if d < referral.date]
            if earlier and referral.date <= add_months(earlier[-1], REREFERRAL_WINDOW_MONTHS):
                rereferrals += 1
        if len({r.date for r in referrals if r.date}) < sum(1 for r in referrals if r.date):
            out.findings.append(
                Finding(
                    row,
                    "CINreferralDate",
                    "The child has two referrals on the same date.",
                    Severity.WARNING,
                )
            )

        # Assessments authorised in the year, timed from start (or referral) to authorisation.
        for referral in referrals:
            for assessment in referral.assessments:
                if not year.contains(assessment.authorised) or assessment.authorised is None:
                    continue
                clock = referral.date if assessment_clock_from_referral else assessment.start
                if clock is None or assessment.authorised < clock:
                    continue  # reported when read
                assessed += 1
                days = working_days_between(clock, assessment.authorised)
                if days <= ASSESSMENT_TIMESCALE_WORKING_DAYS:
                    assessed_in_time += 1

        # ICPCs held in the year, timed from the S47 start.
        for referral in referrals:
            for s47 in referral.s47s:
                if not year.contains(s47.icpc) or s47.icpc is None or s47.start is None:
                    continue
                if s47.icpc < s47.start:
                    continue  # reported when read
                icpcs += 1
                if working_days_between(s47.start, s47.icpc) <= ICPC_TIMESCALE_WORKING_DAYS:
                    icpcs_in_time += 1

        # Child protection plans.
        for plan in plans:
            if plan.start is None:
                continue
            if year.contains(plan.start):
                plans_started += 1
                had_before = any(other.start < plan.start for other in plans if other.start) or any(
                    earlier < plan.start for earlier in earlier_plan_starts
                )
                if (plan.previous_plans or 0) > 0 or had_before:
                    repeat_plans += 1
            if year.contains(plan.end) and plan.end is not None and plan.end >= plan.start:
                plans_ended += 1
                if plan.end >= add_months(plan.start, LONG_PLAN_MONTHS):
                    ended_long += 1
                if plan.end < add_months(plan.start, SHORT_PLAN_MONTHS):
                    ended_short += 1
        open_plans = [p for p in plans if _open_at_year_end(p, year)]
        if open_plans:
            if len(open_plans) > 1:
                out.findings.append(
                    Finding(
                        row,
                        "CPPstartDate",
                        f"The child has {len(open_plans)} child protection plans open at "
                        f"{year.end:%d/%m/%Y}; counted once, by the latest to start.",
                        Severity.WARNING,
                    )
                )
            current = max(open_plans, key=lambda p: p.start or year.start)
            on_plan += 1
            on_plan_children.append(key)
            if current.start and add_months(current.start, LONG_PLAN_MONTHS) <= year.end:
                open_long += 1
            category = current.latest_category or current.initial_category
            if category in categories:
                categories[category] += 1
        if referrals_in_year > referrals_before:
            referred.append(key)
        if assessed > assessed_before:
            assessed_children.append(key)
        if icpcs > icpcs_before:
            conferenced.append(key)
        if plans_started > started_before:
            starting_plans.append(key)
        if plans_ended > ended_before:
            ending_plans.append(key)

    figures = out.figures
    sections = _sections(children)
    if not sections.referrals:
        # Nothing read: counted over nothing, every count would be a 0 made out of nothing.
        out.findings.append(
            Finding(0, "CINdetails", "No referral could be read, so no figure is derived.")
        )
        return {}, {}, out.findings, {}
    figures[REF_COUNT] = _count(referrals_in_year)
    out.percent(REF_REREF, rereferrals, referrals_in_year, "referrals")
    if sections.assessments:
        figures[ASMT_COUNT] = _count(assessed)
        out.percent(ASMT_45, assessed_in_time, assessed, "assessments authorised")
    else:
        out.findings.append(_section_missing("Assessments", "assessment", (ASMT_COUNT, ASMT_45)))
    out.percent(ICPC_15, icpcs_in_time, icpcs, "initial child protection conferences")
    if sections.plans:
        figures[CPP_COUNT] = _count(on_plan)
        out.percent(CPP_2ND, repeat_plans, plans_started, "child protection plans starting")
        out.percent(CPP_2YR_OPEN, open_long, on_plan, f"children on a plan at {year.end:%d/%m/%Y}")
        out.percent(CPP_2YR_CEASED, ended_long, plans_ended, "child protection plans ending")
        out.percent(CPP_U3M, ended_short, plans_ended, "child protection plans ending")
    else:
        out.findings.append(
            _section_missing(
                "ChildProtectionPlans",
                "child protection plan",
                (CPP_COUNT, CPP_RATE, CPP_2ND, CPP_2YR_OPEN, CPP_2YR_CEASED, CPP_U3M, CPP_CAT),
            )
        )
    if population is not None and population > 0:
        figures[REF_RATE] = _ratio(referrals_in_year, population, PER_10K)
        if sections.plans:
            figures[CPP_RATE] = _ratio(on_plan, population, PER_10K)
    else:
        why = "no population was given" if population is None else "the population is not above 0"
        out.findings.append(
            Finding(
                0,
                "population",
                f"{REF_RATE} and {CPP_RATE} are not derived: {why} (children aged 0 to 17, "
                "ONS mid-year estimate).",
                Severity.WARNING,
            )
        )
    breakdown = (
        {
            CATEGORIES_OF_ABUSE[code]: _ratio(count, on_plan, PERCENT)
            for code, count in categories.items()
        }
        if on_plan
        else {}
    )
    children_of = {
        (REF_COUNT, REF_RATE, REF_REREF): referred,
        (ASMT_COUNT, ASMT_45): assessed_children,
        (ICPC_15,): conferenced,
        (CPP_COUNT, CPP_RATE, CPP_2YR_OPEN): on_plan_children,
        (CPP_2ND,): starting_plans,
        (CPP_2YR_CEASED, CPP_U3M): ending_plans,
    }
    counted = {
        code: frozenset(children)
        for codes, children in children_of.items()
        for code in codes
        if code in figures
    }
    if breakdown:
        counted[CPP_CAT] = frozenset(on_plan_children)
    return figures, breakdown, out.findings, counted


@dataclass(frozen=True)
class _Sections:
    """Whether the file holds any record at all of each kind, in any year."""

    referrals: bool
    assessments: bool
    plans: bool


def _sections(children: Sequence[Child]) -> _Sections:
    referrals = [referral for child in children for referral in child.referrals]
    return _Sections(
        referrals=bool(referrals),
        assessments=any(referral.assessments for referral in referrals),
        plans=any(referral.plans for referral in referrals),
    )


def _section_missing(element: str, record: str, codes: Sequence[str]) -> Finding:
    """Why the counts of a kind of record the file holds none of are not derived. Every
    authority assesses children and has children on plans in a year: a census without one
    <Assessments> or <ChildProtectionPlans> is an extract that left them out, and counting
    them as 0 would write 0 over the authority's real figures. A file that holds them, none
    in the year, still gives 0."""
    return Finding(
        0,
        element,
        f"The file holds no <{element}> at all (no {record} for any child, in any year), so "
        f"{', '.join(codes)} {'is' if len(codes) == 1 else 'are'} not derived: check that the "
        "extract includes them.",
        Severity.WARNING,
    )


def _history(
    earlier_children: Iterable[Child], year: CollectionYear
) -> dict[str, tuple[tuple[datetime.date, ...], tuple[datetime.date, ...]]]:
    """Per link key, referral dates and plan start dates before the year (history only)."""
    referrals: dict[str, set[datetime.date]] = defaultdict(set)
    plan_starts: dict[str, set[datetime.date]] = defaultdict(set)
    for child in earlier_children:
        for referral in child.referrals:
            if referral.date is not None and referral.date < year.start:
                referrals[child.key].add(referral.date)
            for plan in referral.plans:
                if plan.start is not None and plan.start < year.start:
                    plan_starts[child.key].add(plan.start)
    return {
        key: (tuple(referrals.get(key, ())), tuple(plan_starts.get(key, ())))
        for key in referrals.keys() | plan_starts.keys()
    }


def _open_at_year_end(plan: Plan, year: CollectionYear) -> bool:
    if plan.start is None or plan.start > year.end:
        return False
    if plan.end is None:
        return True
    if plan.end < plan.start:
        return False  # reported when read
    return plan.end >= year.end if PLAN_ENDING_ON_YEAR_END_IS_OPEN else plan.end > year.end


def derive_cin(
    source: bytes | IO[bytes],
    *,
    collection_year: int,
    population: int | None = None,
    assessment_clock_from_referral: bool = ASSESSMENT_CLOCK_FROM_REFERRAL,
    earlier_files: Sequence[bytes] = (),
    limits: ImportLimits = DEFAULT_LIMITS,
) -> CinResult:
    """The year's figures from a CIN census file; collection_year 2025 is April 2024-March 2025.

    `population` is the number of children aged 0 to 17 (ONS mid-year estimate) for the
    rates per 10,000; without it the rates are left out with a WARNING. A file that cannot be
    read gives one ERROR finding and no figures; this never raises on the file's content.

    `earlier_files` are earlier years' census files, read for history only: a census holds
    only the episodes open during its year, so a referral whose previous referral's episode
    closed before 1 April finds that previous referral only there. Without them re-referrals
    and repeat plans can only look back as far as this file goes.
    """
    if not 1900 < collection_year < 2200:
        raise ValueError(f"Collection year {collection_year} is out of range.")
    parsed = parse_cin(source, collection_year=collection_year, limits=limits)
    if not parsed.readable:
        return CinResult(collection_year, findings=parsed.findings, counts=parsed.counts)
    earlier_children: list[Child] = []
    history_findings: list[Finding] = []
    for number, earlier in enumerate(earlier_files, start=1):
        # Read against this year's bounds: earlier years' dates all fall within them.
        earlier_parse = parse_cin(
            earlier, collection_year=collection_year, check_year=False, limits=limits
        )
        earlier_children.extend(earlier_parse.children)
        if not earlier_parse.readable or has_errors(earlier_parse.findings):
            history_findings.append(
                Finding(
                    0,
                    "",
                    f"Earlier file {number} could not be read in full, so re-referrals and "
                    "repeat plans may be under-counted.",
                    Severity.WARNING,
                )
            )
    figures, breakdown, findings, counted = derive_figures(
        parsed.children,
        collection_year=collection_year,
        population=population,
        assessment_clock_from_referral=assessment_clock_from_referral,
        earlier_children=earlier_children,
    )
    findings = [*history_findings, *findings]
    # The Child records go out of scope here: only aggregates remain, and the link keys of the
    # children each figure counts (in memory only, see the module's docstring).
    return CinResult(
        collection_year=collection_year,
        figures=figures,
        category_of_abuse=breakdown,
        findings=[*parsed.findings, *findings],
        counts=parsed.counts,
        not_listed=parsed.not_listed,
        counted=counted,
    )


__all__: list[str] = [
    "CATEGORIES_OF_ABUSE",
    "S47",
    "Assessment",
    "Child",
    "CinCounts",
    "CinParse",
    "CinResult",
    "CollectionYear",
    "DerivedFigure",
    "Plan",
    "Referral",
    "add_months",
    "derive_cin",
    "derive_figures",
    "parse_cin",
]
