"""Read an SSDA903 return sent as one XML file into the tables `derive_903` reads. Pure: no Django.

The SSDA903 can be delivered as its CSV tables or as one XML file exported by the authority's
case-management system (DOMAIN.md, "SSDA903"). The XML holds the same items as the tables,
grouped by child rather than by table. Its layout, as case-management systems export it and
as the DfE-supported validator reads it (data-to-insight/csc-validator-be-903,
`lac_validator/ingress.py`, `read_xml_from_text`, and its test file `tests/fake_data/
fake_903.xml`):

    <EXPSSDA903>
      <CHILD>                                one per child; a finding's row is its position
        <HEADER>                             exactly one
          <CHILDID/> <UPN/> <SEX/> <DOB/> <ETHNIC/> <UASC/> <DUC/> <MOTHER/> <MC_DOB/>
          <IN_TOUCH/> <ACTIV/> <ACCOM/>                          care leavers (OC3)
          <DATE_INT/> <DATE_MATCH/> <FOSTER_CARE/> <NB_ADOPTR/> <SEX_ADOPTR/> <LS_ADOPTR/>  (AD1)
          <AREVIEW>...</AREVIEW>  <AMISSING>...</AMISSING>       repeated; not read here
          <OC2> <SDQ_SCORE/> <HEALTH_CHECK/> <TEETH_CHECK/> <IMMUNISATIONS/> ... </OC2>
          <PERMANENCE>...</PERMANENCE>  <AD_PLACED>...</AD_PLACED>   not read here
        </HEADER>
        <EPISODE>                            repeated, one per episode
          <DECOM/> <RNE/> <LS/> <CIN/> <PL/> <PL_POST/> <HOME_POST/> <URN/> <PLACE_PROVIDER/>
          <DEC/> <REC/> <REASON_PLACE_CHANGE/>
        </EPISODE>
      </CHILD>
    </EXPSSDA903>

Decisions where exports differ: the root may be any element whose name contains SSDA903
(EXPSSDA903 is the usual one); the OC3 and AD1 items are read whether they sit in HEADER itself
or in an <OC3> / <AD1> group inside it; <PL> (the placement type, PLACE in the CSV) is also
accepted as <PLACE>; element names are matched without their namespace and in any case. An
element this module does not know is reported once per place as a WARNING, never guessed at.
Dates are dd/mm/yyyy, as in the CSV tables; `derive_903` checks them and the codes.

`read_903_xml` builds the CSV tables (header, episodes, and uasc, oc2, oc3 and ad1 when any
child has them) and remembers where each row came from; `derive_903_xml` derives them with
`derive_903` and moves its findings back onto the XML: `row` is the position of the <CHILD>
element (the first is 1; 0 for the file as a whole), `column` the element's path inside it
("EPISODE 2/PL", "HEADER/DOB"), and the message says "CHILD 3, EPISODE 2: ...".

Safety: a DOCTYPE is refused before anything else is read. Expat reports the start of a
<!DOCTYPE ...> declaration before reading any <!ENTITY> inside it, and a DOCTYPE can only come
before the root element, so the file's prolog is checked first (expat, which also handles the
file's declared encoding) and the body is parsed only once it is known to declare none: no
entity can be defined (billion laughs) or point at a file or URL, and a reference to an
undeclared entity is a plain parse error. The body is streamed one <CHILD> at a time.

Privacy (DESIGN.md): as in `derive_903`, the result holds aggregates and findings only; no
finding quotes a CHILDID, date of birth or postcode.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET  # DOCTYPEs refused first: see _check_prolog
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import cast
from xml.parsers import expat

from .derive_903 import REQUIRED_COLUMNS, Derived903, derive_903
from .findings import Finding, Severity

ROOT_HINT = "EXPSSDA903"
CIN_CENSUS_ROOT = "MESSAGE"
CHUNK = 1 << 16

EPISODE_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS["episodes"]
HEADER_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS["header"]
UASC_COLUMNS = ("CHILD", "SEX", "DOB", "DUC")
OC2_COLUMNS = ("CHILD", "DOB", "SDQ_SCORE", "HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS")
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
OC3_COLUMNS = ("CHILD", "DOB", *OC3_ITEMS)
AD1_COLUMNS = ("CHILD", *AD1_ITEMS)

# The items (leaf elements) each record may hold, and the groups HEADER may hold.
HEADER_ITEMS = frozenset(
    {"CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "DUC", "MOTHER", "MC_DOB"}
    | set(OC3_ITEMS)
    | set(AD1_ITEMS)
)
EPISODE_ITEMS = frozenset(
    {"DECOM", "RNE", "LS", "CIN", "PL", "PLACE", "PL_POST", "HOME_POST", "URN"}
    | {"PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE", "PL_LA", "PL_LOCATION"}
    | {"PL_DISTANCE"}
)
OC2_ITEMS = frozenset(
    {"SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK"}
    | {"HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}
)
# Groups read by this module, and groups of the return it recognises without reading.
HEADER_GROUPS_READ = frozenset({"OC2", "OC3", "AD1"})
HEADER_GROUPS_NOT_READ = frozenset({"AREVIEW", "AMISSING", "PERMANENCE", "AD_PLACED"})

# CSV column -> the element that holds it in the XML, for findings.
_XML_NAMES = {"CHILD": "CHILDID", "PLACE": "PL"}
_WHAT_IS_MISSING = {
    "episodes": "The file has no <EPISODE> elements.",
    "header": "No <CHILD> element could be read.",
}


# --- Result ---------------------------------------------------------------------------------------


@dataclass
class Xml903:
    """The tables read from the XML (CSV text, as `derive_903` takes them), where each row
    came from, and the findings about the file's structure."""

    tables: dict[str, str] = field(default_factory=dict)
    # For each table, data row i (CSV row i + 2) came from (CHILD position, path in it).
    locations: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    children: int = 0  # <CHILD> elements read
    readable: bool = True


class _Refused(Exception):
    """Stops reading: the file declares a DOCTYPE, or is not an SSDA903 return."""


class _Root(Exception):
    """Stops the prolog check at the root element, with its name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@lru_cache(maxsize=512)
def _name(tag: object) -> str:
    """An element's name without namespace, upper-cased; "" for anything but an element."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].upper()


def looks_like_xml(raw: bytes) -> bool:
    """Whether an upload is XML (rather than a ZIP of CSV tables): it starts, after any
    byte-order mark and white space, with "<"."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16
        return True
    return raw.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def _check_prolog(raw: bytes) -> str:
    """The root element's name, once the prolog is known to declare no DOCTYPE."""

    def doctype(*_args: object) -> None:
        raise _Refused(
            "The file declares a DOCTYPE (which can define entities); an SSDA903 return never "
            "does, so it was refused unread."
        )

    def start(name: str, _attributes: object) -> None:
        raise _Root(name)

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    try:
        for offset in range(0, len(raw), CHUNK):
            parser.Parse(raw[offset : offset + CHUNK], False)
        parser.Parse(b"", True)
    except _Root as root:
        return root.name
    except expat.ExpatError as error:
        failed = ET.ParseError(str(error))
        failed.position = (error.lineno, error.offset)
        raise failed from error
    raise ET.ParseError("no element found")  # pragma: no cover - expat raises first


def _csv(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


class _Reader:
    """Turns each <CHILD> into table rows, collecting structural findings."""

    def __init__(self) -> None:
        self.out = Xml903()
        self.rows: dict[str, list[list[str]]] = {
            "header": [],
            "episodes": [],
            "uasc": [],
            "oc2": [],
            "oc3": [],
            "ad1": [],
        }
        self.where: dict[str, list[tuple[int, str]]] = {table: [] for table in self.rows}
        self._reported: set[tuple[str, str]] = set()

    # findings
    def error(self, row: int, column: str, message: str) -> None:
        self.out.findings.append(Finding(row, column, message, Severity.ERROR))

    def unknown(self, row: int, parent: str, name: str) -> None:
        if (parent, name) in self._reported:
            return
        self._reported.add((parent, name))
        self.out.findings.append(
            Finding(
                row,
                f"{parent}/{name}",
                f"<{name}> inside <{parent}> is not part of the SSDA903 layout this import knows, "
                "so it was not read (reported once).",
                Severity.WARNING,
            )
        )

    def items(
        self, element: ET.Element, row: int, path: str, known: frozenset[str]
    ) -> dict[str, str]:
        """The record's items by name; unknown, repeated or nested ones are reported."""
        values: dict[str, str] = {}
        parent = path.rsplit("/", 1)[-1].split(" ")[0]
        for sub in element:
            name = _name(sub.tag)
            if not name:
                continue
            if name not in known:
                self.unknown(row, parent, name)
                continue
            self.item(sub, name, values, row, path)
        return values

    def item(self, sub: ET.Element, name: str, values: dict[str, str], row: int, path: str) -> None:
        if name in values:
            self.error(
                row,
                f"{path}/{name}",
                f"CHILD {row}, {path}: <{name}> appears twice; the first is used.",
            )
            return
        if len(sub):
            self.error(
                row,
                f"{path}/{name}",
                f"CHILD {row}, {path}: <{name}> holds other elements where a value belongs; "
                "it is read as blank.",
            )
            values[name] = ""
            return
        values[name] = (sub.text or "").strip()

    # structure
    def top_level(self, element: ET.Element) -> None:
        name = _name(element.tag)
        if name == "CHILD":
            self.out.children += 1
            self.child(element, self.out.children)
        elif name:
            self.unknown(0, "root", name)

    def child(self, element: ET.Element, row: int) -> None:
        headers: list[ET.Element] = []
        episodes: list[ET.Element] = []
        for sub in element:
            name = _name(sub.tag)
            if name == "HEADER":
                headers.append(sub)
            elif name == "EPISODE":
                episodes.append(sub)
            elif name:
                self.unknown(row, "CHILD", name)
        if not headers:
            self.error(
                row,
                "HEADER",
                f"CHILD {row} has no <HEADER>, so the child it belongs to is unknown: its "
                f"{len(episodes)} <EPISODE> element(s) were not read.",
            )
            return
        if len(headers) > 1:
            self.error(
                row, "HEADER", f"CHILD {row} has {len(headers)} <HEADER>s; the first is used."
            )
        header = headers[0]
        values: dict[str, str] = {}
        groups: dict[str, list[ET.Element]] = {group: [] for group in HEADER_GROUPS_READ}
        for sub in header:
            name = _name(sub.tag)
            if not name or name in HEADER_GROUPS_NOT_READ:
                continue
            if name in HEADER_GROUPS_READ:
                groups[name].append(sub)
            elif name in HEADER_ITEMS:
                self.item(sub, name, values, row, "HEADER")
            else:
                self.unknown(row, "HEADER", name)
        child = values.get("CHILDID", "")
        if not child:
            self.error(
                row,
                "HEADER/CHILDID",
                f"CHILD {row}, HEADER: <CHILDID> is blank or missing, so the child's records "
                f"cannot be linked: its HEADER and {len(episodes)} <EPISODE> element(s) were "
                "not read.",
            )
            return
        self.header_rows(child, values, groups, row)
        for number, episode in enumerate(episodes, start=1):
            path = f"EPISODE {number}"
            items = self.items(episode, row, path, EPISODE_ITEMS)
            if "PL" in items and "PLACE" in items:
                self.error(
                    row, f"{path}/PLACE", f"CHILD {row}, {path}: both <PL> and <PLACE>; <PL> used."
                )
            items.setdefault("PL", items.get("PLACE", ""))
            self.add(
                "episodes",
                [child if column == "CHILD" else items.get(column, "") for column in _EPISODE_KEYS],
                row,
                path,
            )

    def header_rows(
        self, child: str, values: dict[str, str], groups: dict[str, list[ET.Element]], row: int
    ) -> None:
        self.add("header", [child, *(values.get(c, "") for c in HEADER_COLUMNS[1:])], row, "HEADER")
        uasc, ceased = values.get("UASC", ""), values.get("DUC", "")
        if uasc not in ("", "0", "1"):
            self.error(
                row,
                "HEADER/UASC",
                f"CHILD {row}, HEADER: <UASC> '{uasc[:10]}' is not 1, 0 or blank.",
            )
        if uasc == "1" or ceased:
            self.add("uasc", [child, values.get("SEX", ""), "", ceased], row, "HEADER")
        for number, oc2 in enumerate(groups["OC2"], start=1):
            path = "HEADER/OC2" if len(groups["OC2"]) == 1 else f"HEADER/OC2 {number}"
            items = self.items(oc2, row, path, OC2_ITEMS)
            self.add("oc2", [child, "", *(items.get(c, "") for c in OC2_COLUMNS[2:])], row, path)
        for table, group, names in (("oc3", "OC3", OC3_ITEMS), ("ad1", "AD1", AD1_ITEMS)):
            found = {name: values[name] for name in names if name in values}
            path = "HEADER"
            for element in groups[group]:
                path = f"HEADER/{group}"
                for name, value in self.items(element, row, path, frozenset(names)).items():
                    if name in found:
                        self.error(
                            row,
                            f"{path}/{name}",
                            f"CHILD {row}, HEADER: <{name}> is given twice; the first is used.",
                        )
                    else:
                        found[name] = value
            if any(found.values()):
                leading = [child, ""] if table == "oc3" else [child]
                self.add(table, [*leading, *(found.get(name, "") for name in names)], row, path)

    def add(self, table: str, cells: list[str], row: int, path: str) -> None:
        self.rows[table].append(cells)
        self.where[table].append((row, path))

    def finish(self) -> Xml903:
        out = self.out
        columns = {
            "header": HEADER_COLUMNS,
            "episodes": EPISODE_COLUMNS,
            "uasc": UASC_COLUMNS,
            "oc2": OC2_COLUMNS,
            "oc3": OC3_COLUMNS,
            "ad1": AD1_COLUMNS,
        }
        for table, rows in self.rows.items():
            # The header and episodes tables are always there (derive_903 reports them empty);
            # the others only when some child has them, as a return's CSV tables would be.
            if rows or table in ("header", "episodes"):
                out.tables[table] = _csv(columns[table], rows)
                out.locations[table] = self.where[table]
        return out


# Episode columns in CSV order, with the placement type under its XML name.
_EPISODE_KEYS = tuple(_XML_NAMES.get(c, c) if c == "PLACE" else c for c in EPISODE_COLUMNS)


def read_903_xml(raw: bytes) -> Xml903:
    """The return's tables and structural findings. Never raises on the file's content."""
    if raw.startswith((b" ", b"\t", b"\r", b"\n")):
        raw = raw.lstrip(b" \t\r\n")  # white space before the XML declaration is harmless
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        return Xml903(findings=[Finding(0, "", "The file is empty.")], readable=False)
    reader = _Reader()
    try:
        given = _check_prolog(raw)
        root = _name(given)
        if root == CIN_CENSUS_ROOT:
            raise _Refused(
                "This is a CIN census file (its root element is <Message>), not an SSDA903 "
                "return: upload it as a CIN census return."
            )
        if "SSDA903" not in root:
            raise _Refused(
                f"This is not an SSDA903 return: its root element is <{given[:40]}>, not "
                f"<{ROOT_HINT}>."
            )
        _stream(raw, reader)
    except _Refused as refused:
        return Xml903(findings=[Finding(0, "", str(refused))], readable=False)
    except ET.ParseError as error:
        position = getattr(error, "position", None)
        where = f"line {position[0]}, column {position[1]}: " if position else ""
        reason = str(error).split(":")[0]
        return Xml903(
            findings=[
                Finding(
                    0, "", f"The file is not well-formed XML ({where}{reason}); nothing was read."
                )
            ],
            readable=False,
        )
    if not reader.out.children:
        reader.error(0, "CHILD", "The file has no <CHILD> elements: nothing to read.")
        reader.out.readable = False
    return reader.finish()


def _stream(raw: bytes, reader: _Reader) -> None:
    """Parse the body, handing each top-level element to the reader and then dropping it."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    root: ET.Element | None = None

    def drain() -> None:
        nonlocal depth, root
        for item in parser.read_events():
            # Only start and end events were asked for: each is (event, element).
            event, element = cast(tuple[str, ET.Element], item)
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
            else:
                depth -= 1
                if depth == 1 and root is not None:
                    reader.top_level(element)
                    root.remove(element)

    for offset in range(0, len(raw), CHUNK):
        parser.feed(raw[offset : offset + CHUNK])
        drain()
    parser.close()
    drain()


# --- Deriving, with findings moved back onto the XML ----------------------------------------------

_ROW_REFERENCE = re.compile(r"\brow (\d+)")
_LEADING_COLUMN = re.compile(r"^(PLACE|CHILD)\b(?!_)")
_PHRASES = (
    ("the row duplicates", "it duplicates"),
    ("has no OC2 row", "has no <OC2>"),
    ("appears twice in the header table", "appears twice in the file (the same CHILDID)"),
)


def _xml_column(column: str) -> str:
    return _XML_NAMES.get(column, column)


def _words(message: str) -> str:
    message = _LEADING_COLUMN.sub(lambda match: _xml_column(match.group(1)), message)
    for old, new in _PHRASES:
        message = message.replace(old, new)
    return message


def relocate(finding: Finding, read: Xml903) -> Finding:
    """A finding of `derive_903` (table, CSV row) restated as CHILD position and element."""
    table, separator, rest = finding.message.partition(": ")
    where = read.locations.get(table)
    if not separator or where is None:
        return Finding(0, _xml_column(finding.column), finding.message, finding.severity)
    index = finding.row - 2
    if not 0 <= index < len(where):
        # About the table as a whole: an empty one is a file with no such elements.
        message = f"{table}: {rest}"
        if rest.startswith("the table has a header but no rows") and table in _WHAT_IS_MISSING:
            message = _WHAT_IS_MISSING[table]
        return Finding(0, _xml_column(finding.column), message, finding.severity)
    child, path = where[index]

    def refer(match: re.Match[str]) -> str:
        other = int(match.group(1)) - 2
        if not 0 <= other < len(where):
            return match.group(0)
        other_child, other_path = where[other]
        return other_path if other_child == child else f"CHILD {other_child}'s {other_path}"

    rest = _words(_ROW_REFERENCE.sub(refer, rest))
    column = f"{path}/{_xml_column(finding.column)}" if finding.column else path
    return Finding(child, column, f"CHILD {child}, {path}: {rest}", finding.severity)


def derive_903_xml(raw: bytes, collection_year: int, population: int | None = None) -> Derived903:
    """Validate and derive a return sent as XML: `derive_903` on the tables read from it, with
    every finding placed on the XML. A file that cannot be read gives its findings and no
    figures."""
    read = read_903_xml(raw)
    if not read.readable:
        return Derived903(collection_year, {}, read.findings, 0, 0, {})
    result = derive_903(read.tables, collection_year, population)
    return replace(result, findings=[*read.findings, *(relocate(f, read) for f in result.findings)])
