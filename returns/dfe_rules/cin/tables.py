"""A CIN census XML file as the rules engine's tables (`ReturnTables`). Pure: no Django.

One frame per table, one row per record element, every value the element's text (stripped;
empty is null; a date's time zone, if any, dropped), columns the elements' local names
upper-cased, the child's LAchildID in ``CHILD`` and ``_row`` the record's 1-based position
within its table in file order (the header is header record 1; a child's second referral
may be cindetails record 7). Each record is so told from every other, which the engine
needs (it counts a rule's failures by table and row), and the error report can say
"cindetails record 7 (the child's referral 2)" from ``_row`` and CINDETAILSID. See
docs/0028, "CIN records".

- header: COLLECTION, YEAR, REFERENCEDATE, SOURCELEVEL, LEA, SOFTWARECODE, RELEASE, SERIALNO,
  DATETIME (one row, no CHILD).
- childidentifiers: UPN, FORMERUPN, UPNUNKNOWN, PERSONBIRTHDATE, EXPECTEDPERSONBIRTHDATE,
  GENDERCURRENT (the element's name to 2023), SEX (from 2024), PERSONDEATHDATE. Both gender
  columns are always present; only the one the file uses is filled.
- childcharacteristics: ETHNICITY. disabilities: DISABILITY, one row per <Disability>.
- cindetails: CINDETAILSID, CINREFERRALDATE, REFERRALSOURCE, PRIMARYNEEDCODE, CINCLOSUREDATE,
  REASONFORCLOSURE, DATEOFINITIALCPC, REFERRALNFA. CINDETAILSID is the file's own
  <CINdetailsID> where it has one, otherwise the referral's position within the child
  ("1", "2", ...): the key that links a referral's records below to it.
- assessments: CINDETAILSID, ASSESSMENTACTUALSTARTDATE, ASSESSMENTINTERNALREVIEWDATE,
  ASSESSMENTAUTHORISATIONDATE, ASSESSMENTFACTORS: one row per <Assessments>, its factors
  (under <FactorsIdentifiedAtAssessment> or directly) joined with commas in file order
  ("2A,3B"); null where it has none.
- cinplandates: CINDETAILSID, CINPLANSTARTDATE, CINPLANENDDATE.
- section47: CINDETAILSID, S47ACTUALSTARTDATE, INITIALCPCTARGET, DATEOFINITIALCPC,
  ICPCNOTREQUIRED.
- childprotectionplans: CINDETAILSID, CPPID, CPPSTARTDATE, CPPENDDATE, INITIALCATEGORYOFABUSE,
  LATESTCATEGORYOFABUSE, NUMBEROFPREVIOUSCPP. CPPID is the file's <CPPID> where it has one,
  otherwise the plan's position within its referral.
- reviews: CINDETAILSID, CPPID, CPPREVIEWDATE, one row per <CPPreviewDate>.

Elements this module does not know are skipped (`derive_cin` reports them to the user).

Reading is safe and bounded as `derive_cin`'s: expat reads the file a chunk at a time and a
DOCTYPE is refused as soon as it starts (so no entity can ever be declared, let alone
expanded); the import limits bound the children, the elements of one child and the text
held at once. No tree is built: the handlers below fill the tables' columns directly, one
<Child> at a time, which is the quickest way the standard library has (building elements
and walking them took twice as long).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.parsers import expat

import polars as pl

from returns.limits import DEFAULT_LIMITS, ImportLimits

from ..engine import CHILD, ROW, ReturnTables

CHUNK = 1 << 16

# Each table's columns in order (CHILD and _row are added), by the element whose children
# fill one row.
COLUMNS: dict[str, tuple[str, ...]] = {
    "header": (
        "COLLECTION",
        "YEAR",
        "REFERENCEDATE",
        "SOURCELEVEL",
        "LEA",
        "SOFTWARECODE",
        "RELEASE",
        "SERIALNO",
        "DATETIME",
    ),
    "childidentifiers": (
        "UPN",
        "FORMERUPN",
        "UPNUNKNOWN",
        "PERSONBIRTHDATE",
        "EXPECTEDPERSONBIRTHDATE",
        "GENDERCURRENT",
        "SEX",
        "PERSONDEATHDATE",
    ),
    "childcharacteristics": ("ETHNICITY",),
    "disabilities": ("DISABILITY",),
    "cindetails": (
        "CINDETAILSID",
        "CINREFERRALDATE",
        "REFERRALSOURCE",
        "PRIMARYNEEDCODE",
        "CINCLOSUREDATE",
        "REASONFORCLOSURE",
        "DATEOFINITIALCPC",
        "REFERRALNFA",
    ),
    "assessments": (
        "CINDETAILSID",
        "ASSESSMENTACTUALSTARTDATE",
        "ASSESSMENTINTERNALREVIEWDATE",
        "ASSESSMENTAUTHORISATIONDATE",
        "ASSESSMENTFACTORS",
    ),
    "cinplandates": ("CINDETAILSID", "CINPLANSTARTDATE", "CINPLANENDDATE"),
    "section47": (
        "CINDETAILSID",
        "S47ACTUALSTARTDATE",
        "INITIALCPCTARGET",
        "DATEOFINITIALCPC",
        "ICPCNOTREQUIRED",
    ),
    "childprotectionplans": (
        "CINDETAILSID",
        "CPPID",
        "CPPSTARTDATE",
        "CPPENDDATE",
        "INITIALCATEGORYOFABUSE",
        "LATESTCATEGORYOFABUSE",
        "NUMBEROFPREVIOUSCPP",
    ),
    "reviews": ("CINDETAILSID", "CPPID", "CPPREVIEWDATE"),
}


# The elements that are one row of a table; the leaves directly inside each fill its columns.
RECORDS: dict[str, str] = {
    "HEADER": "header",
    "CHILDIDENTIFIERS": "childidentifiers",
    "CHILDCHARACTERISTICS": "childcharacteristics",
    "CINDETAILS": "cindetails",
    "ASSESSMENTS": "assessments",
    "CINPLANDATES": "cinplandates",
    "SECTION47": "section47",
    "CHILDPROTECTIONPLANS": "childprotectionplans",
}
# The columns holding an xs:date, which may carry a time zone ("2025-05-01Z"): kept as the
# date alone, as derive_cin reads them, so that the rules' `dates` reads them too.
DATE_COLUMNS = frozenset(
    {name for columns in COLUMNS.values() for name in columns if "DATE" in name} - {"DATETIME"}
    | {"INITIALCPCTARGET"}
)
_ZONED_DATE = r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})$"
# The header's leaves sit one level further down, in these.
HEADER_PARTS = frozenset({"COLLECTIONDETAILS", "SOURCE"})
# The records that belong to a referral, and so carry its CINDETAILSID.
REFERRAL_PARTS = frozenset({"ASSESSMENTS", "CINPLANDATES", "SECTION47", "CHILDPROTECTIONPLANS"})


class UnreadableCensus(ValueError):
    """The file cannot be read as a CIN census (not XML, a DOCTYPE, past the limits). The
    message says why and never quotes the file's content."""


class _Columns:
    """One table's rows as growing columns (far quicker to make a frame of than row dicts)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.rows: list[int] = []
        self.children: list[str | None] = []
        self.values: dict[str, list[str | None]] = {name: [] for name in names}

    def add(self, child: str | None, values: dict[str, str | None]) -> None:
        self.rows.append(len(self.rows) + 1)  # the record's position within its table
        self.children.append(child)
        for name, column in self.values.items():
            column.append(values.get(name))

    def frame(self) -> pl.DataFrame:
        data: dict[str, pl.Series] = {
            ROW: pl.Series(self.rows, dtype=pl.Int64),
            CHILD: pl.Series(self.children, dtype=pl.String),
        }
        data.update({n: pl.Series(v, dtype=pl.String) for n, v in self.values.items()})
        frame = pl.DataFrame(data)
        return frame.with_columns(
            pl.col(name).str.replace(_ZONED_DATE, "${1}")
            for name in frame.columns
            if name in DATE_COLUMNS
        )


def _chunks(source: bytes | IO[bytes]) -> Iterator[bytes]:
    if isinstance(source, bytes):
        return (source[offset : offset + CHUNK] for offset in range(0, len(source), CHUNK))
    source.seek(0)
    return iter(lambda: source.read(CHUNK), b"")


_NAMES: dict[str, str] = {}


def _name(tag: str) -> str:
    """An element's local name (expat gives "namespace}Name"), upper-cased."""
    name = _NAMES.get(tag)
    if name is None:
        name = _NAMES[tag] = tag.rsplit("}", 1)[-1].upper()
    return name


class _Census:
    """expat's handlers: the open elements, the record each leaf belongs to, and the rows of
    the <Child> being read, added to the tables (with its LAchildID) when it ends."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.tables = {name: _Columns(columns) for name, columns in COLUMNS.items()}
        self.open: list[str] = []  # the names of the elements open, outermost first
        self.leaf = False  # no element has started inside the innermost open one
        self.text = ""  # the innermost open element's text so far
        # The innermost open record, and how deep it is (its leaves are one deeper).
        self.record: dict[str, str | None] | None = None
        self.record_depth = 0
        self.records: list[tuple[dict[str, str | None] | None, int]] = []
        self.referral: dict[str, str | None] = {}
        self.plan: dict[str, str | None] = {}
        self.assessment_factors: list[str] = []
        # The <Child> being read: its position in the file, its LAchildID and rows so far.
        self.children = 0
        self.in_child = False
        self.child_id: str | None = None
        self.child_rows: list[tuple[str, dict[str, str | None]]] = []
        self.referrals = self.plans = 0
        self.elements = self.chars = 0  # held since the last <Child> (or header) ended

    def start(self, tag: str, _attributes: object) -> None:
        name = _NAMES.get(tag) or _name(tag)
        depth = len(self.open)
        self.open.append(name)
        self.leaf = True
        self.text = ""
        self.elements += 1
        if self.elements > self.limits.record_elements:
            raise _too_much(self.limits)
        if depth == 0:
            if name != "MESSAGE":
                raise UnreadableCensus(
                    "This is not a CIN census file: its root element is not <Message>."
                )
        elif depth == 2 and name == "CHILD" and self.open[1] == "CHILDREN":
            self.children += 1
            if self.children > self.limits.cin_children:
                raise UnreadableCensus(
                    f"The file lists more than {self.limits.cin_children:,} children."
                )
            self.child_id = None
            self.in_child = True
            self.referrals = 0
        table = RECORDS.get(name)
        if table is not None and (
            (name == "HEADER" and depth == 1) or (self.in_child and name != "HEADER")
        ):
            self.records.append((self.record, self.record_depth))
            record: dict[str, str | None] = {}
            self.record, self.record_depth = record, depth + 1
            if name == "CINDETAILS":
                self.referrals += 1
                self.plans = 0
                self.referral = record
                record["CINDETAILSID"] = str(self.referrals)
            elif name == "CHILDPROTECTIONPLANS":
                self.plans += 1
                self.plan = record
                record["CPPID"] = str(self.plans)
            elif name == "ASSESSMENTS":
                self.assessment_factors = []

    def data(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > self.limits.record_chars:
            raise _too_much(self.limits)
        self.text += text  # one piece for almost every element (buffer_text)

    def end(self, _tag: str) -> None:
        name = self.open.pop()
        depth = len(self.open)  # the element's own depth: Message is 0
        if self.leaf:
            self.leaf = False
            if self.record is not None:
                self.leaf_ends(self.record, name, depth, self.text.strip() or None)
        self.text = ""
        if self.record is not None and depth + 1 == self.record_depth:
            self.record_ends(name, self.record)
        elif depth == 2 and name == "CHILD":
            self.child_ends()

    def leaf_ends(
        self, record: dict[str, str | None], name: str, depth: int, value: str | None
    ) -> None:
        if depth == self.record_depth or (
            depth == self.record_depth + 1 and self.open[-1] in HEADER_PARTS
        ):
            # The file's own ids (CINdetailsID, CPPID) replace the positions given at start.
            if name not in record or (name in ("CINDETAILSID", "CPPID") and value is not None):
                record[name] = value
            if name == "LACHILDID":
                self.child_id = value
        elif name == "DISABILITY" and self.open[-1] == "DISABILITIES":
            self.child_rows.append(("disabilities", {"DISABILITY": value}))
        elif name == "ASSESSMENTFACTORS" and value is not None:
            self.assessment_factors.append(value)
        elif name == "CPPREVIEWDATE" and self.open[-1] == "REVIEWS":
            review = {
                "CINDETAILSID": self.referral.get("CINDETAILSID"),
                "CPPID": self.plan.get("CPPID"),
                "CPPREVIEWDATE": value,
            }
            self.child_rows.append(("reviews", review))

    def record_ends(self, name: str, record: dict[str, str | None]) -> None:
        if name == "ASSESSMENTS":
            record["ASSESSMENTFACTORS"] = ",".join(self.assessment_factors) or None
        if name in REFERRAL_PARTS:
            record["CINDETAILSID"] = self.referral.get("CINDETAILSID")
        if name == "HEADER":
            self.tables["header"].add(None, record)
            self.elements = self.chars = 0
        else:
            self.child_rows.append((RECORDS[name], record))
        self.record, self.record_depth = self.records.pop()

    def child_ends(self) -> None:
        tables, child_id = self.tables, self.child_id
        for table, values in self.child_rows:
            tables[table].add(child_id, values)
        self.child_rows = []
        self.in_child = False
        self.elements = self.chars = 0


def _refuse_doctype(*_: object) -> None:
    raise UnreadableCensus(
        "The file declares a DOCTYPE (which can define entities); a CIN census never does, "
        "so it was refused unread."
    )


def cin_tables(
    source: bytes | IO[bytes],
    *,
    collection_year: int,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ReturnTables:
    """The census's tables for the rules of `collection_year` (2026: the 2025/26 census,
    reference date 31 March 2026). Raises `UnreadableCensus` when the file cannot be read
    (what `derive_cin.parse_cin` reports to the user as a finding)."""
    census = _Census(limits)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype  # unreachable without a DOCTYPE: belt and braces
    parser.StartElementHandler = census.start
    parser.EndElementHandler = census.end
    parser.CharacterDataHandler = census.data
    try:
        for chunk in _chunks(source):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        reason = str(error).split(":")[0][:80]
        raise UnreadableCensus(f"The file is not well-formed XML ({reason}).") from None
    except (LookupError, UnicodeError):
        raise UnreadableCensus("The file's encoding cannot be read.") from None
    return ReturnTables(
        collection_year, {name: columns.frame() for name, columns in census.tables.items()}
    )


def _too_much(limits: ImportLimits) -> UnreadableCensus:
    return UnreadableCensus(
        f"One <Child> (or what lies around the children) holds more than "
        f"{limits.record_elements:,} elements or {limits.record_chars:,} characters, which no "
        "CIN census does: it was refused before it was read in full."
    )
