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
          <SW_EPISODE> <SW_ID/> <SW_DECOM/> <SW_DEC/> <SW_REASON/> </SW_EPISODE>   repeated
          <DOLO> <DOLO_START/> <DOLO_END/> </DOLO>   repeated; deprivation of liberty orders
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
The groups of the tables added since the 2023-24 collection, <SW_EPISODE> (social worker
episodes) and <DOLO> (deprivation of liberty orders), become the SWEpisodes and DoLo tables of
the CSV form (`derive_903` recognises and counts them; the DfE's rules read them); some exports
put them beside <HEADER> rather than inside it, and both places are read. The groups not read
are counted as rows of the CSV table each stands for (`UNREAD_GROUPS`: <AREVIEW> a row of
Reviews...), so that what the review says was read is the same for a return sent either way.
Dates are dd/mm/yyyy, as in the CSV tables; `derive_903` checks them and the codes.

`read_903_xml` builds the tables (header, episodes, and uasc, oc2, oc3, ad1, swepisodes and
dolo when any child has them; as rows, with the same columns as the CSV tables) and remembers
where each row came from; `derive_903_xml` derives them with `derive_903` and moves its
findings back onto the XML: `row` is the position of the <CHILD> element (the first is 1; 0 for
the file as a whole), `column` the element's path inside it ("EPISODE 2/PL", "HEADER/DOB"), and
the message says "CHILD 3, EPISODE 2: ...".

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

import re
import xml.etree.ElementTree as ET  # DOCTYPEs refused first: see _check_prolog
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO, cast
from xml.parsers import expat

from .derive_903 import REQUIRED_COLUMNS, Derived903, TooLarge, derive_903, too_many_rows
from .findings import Finding, Severity
from .limits import DEFAULT_LIMITS, ImportLimits
from .memory import gc_paused

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
# The tables added since the 2023-24 collection: each group, its table and its items, as the
# DfE and the open validator name them (the validator's SWEpisodes columns: CHILD, DOB, SW_ID,
# SW_DECOM, SW_DEC, SW_REASON; its DoLo rules: CHILD, DOLO_START, DOLO_END).
SW_ITEMS = ("SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")
DOLO_ITEMS = ("DOLO_START", "DOLO_END")
SW_COLUMNS = ("CHILD", "DOB", *SW_ITEMS)
DOLO_COLUMNS = ("CHILD", *DOLO_ITEMS)
NEWER_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "SW_EPISODE": ("swepisodes", SW_ITEMS),
    "DOLO": ("dolo", DOLO_ITEMS),
}
# Groups read by this module, and groups of the return it recognises without reading.
HEADER_GROUPS_READ = frozenset({"OC2", "OC3", "AD1", *NEWER_GROUPS})
# Each group not read, and the table of the CSV form (`derive_903.OTHER_TABLES`) it is a row of.
UNREAD_GROUPS: dict[str, str] = {
    "AREVIEW": "reviews",
    "AMISSING": "missing",
    "PERMANENCE": "prevperm",
    "AD_PLACED": "placedadoption",
}
HEADER_GROUPS_NOT_READ = frozenset(UNREAD_GROUPS)

# CSV column -> the element that holds it in the XML, for findings.
_XML_NAMES = {"CHILD": "CHILDID", "PLACE": "PL"}
_WHAT_IS_MISSING = {
    "episodes": "The file has no <EPISODE> elements.",
    "header": "No <CHILD> element could be read.",
}


# --- Result ---------------------------------------------------------------------------------------


@dataclass
class Xml903:
    """The tables read from the XML (as rows, the header row first, as `derive_903` takes
    them), where each row came from, and the findings about the file's structure."""

    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    # For each table, data row i (CSV row i + 2) came from (CHILD position, path in it).
    locations: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    children: int = 0  # <CHILD> elements read
    # Groups not read (`UNREAD_GROUPS`), counted as rows of the table each stands for.
    unread: dict[str, int] = field(default_factory=dict)
    readable: bool = True
    not_listed: int = 0  # errors found beyond the findings kept (ImportLimits.findings)


class _Refused(Exception):
    """Stops reading: the file declares a DOCTYPE, or is not an SSDA903 return."""


class _Root(Exception):
    """Stops the prolog check at the root element, with its name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


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


def _check_prolog(source: bytes | IO[bytes]) -> str:
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
        for chunk in _chunks(source):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Root as root:
        return root.name
    except expat.ExpatError as error:
        failed = ET.ParseError(str(error))
        failed.position = (error.lineno, error.offset)
        raise failed from error
    raise ET.ParseError("no element found")  # pragma: no cover - expat raises first


_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": HEADER_COLUMNS,
    "episodes": EPISODE_COLUMNS,
    "uasc": UASC_COLUMNS,
    "swepisodes": SW_COLUMNS,
    "dolo": DOLO_COLUMNS,
    "oc2": OC2_COLUMNS,
    "oc3": OC3_COLUMNS,
    "ad1": AD1_COLUMNS,
}
# Episode items in CSV column order, the placement type under its XML name (CHILD comes first,
# from the HEADER).
_EPISODE_KEYS = tuple(_XML_NAMES.get(c, c) if c == "PLACE" else c for c in EPISODE_COLUMNS[1:])


class _Reader:
    """Turns each <CHILD> into table rows, collecting structural findings.

    The loops here run once per element of the file (about 1.7 million for 100,000 episodes),
    so the usual case (a known item, once, holding text) is kept short; anything else goes
    to `odd_item`, which reports it."""

    def __init__(self, limits: ImportLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.out = Xml903()
        self.rows: dict[str, list[list[str]]] = {table: [] for table in _TABLE_COLUMNS}
        self.where: dict[str, list[tuple[int, str]]] = {table: [] for table in _TABLE_COLUMNS}
        self._reported: set[tuple[str, str]] = set()
        self._names: dict[object, str] = {}

    def name(self, tag: object) -> str:
        """The element's name without namespace, upper-cased ("" for a comment)."""
        try:
            return self._names[tag]
        except KeyError:
            name = self._names[tag] = _name(tag)
            return name

    # findings
    def error(self, row: int, column: str, message: str) -> None:
        if len(self.out.findings) < self.limits.findings:
            self.out.findings.append(Finding(row, column, message, Severity.ERROR))
        else:
            self.out.not_listed += 1

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
        names = self._names
        try:  # the usual record: every item known, once, holding text
            values = {names[sub.tag]: sub.text or "" for sub in element}
            if (
                len(values) == len(element)
                and values.keys() <= known
                and not any(map(len, element))
            ):
                return values
        except KeyError:  # a name not seen before: learnt below
            pass
        values = {}
        for sub in element:
            name = names.get(sub.tag) or self.name(sub.tag)
            if name in known and name not in values and not len(sub):
                values[name] = sub.text or ""
            elif name:
                self.odd_item(sub, name, values, row, path, known)
        return values

    def odd_item(
        self,
        sub: ET.Element,
        name: str,
        values: dict[str, str],
        row: int,
        path: str,
        known: frozenset[str],
    ) -> None:
        if name not in known:
            self.unknown(row, path.rsplit("/", 1)[-1].split(" ")[0], name)
        elif name in values:
            self.error(
                row,
                f"{path}/{name}",
                f"CHILD {row}, {path}: <{name}> appears twice; the first is used.",
            )
        else:
            self.error(
                row,
                f"{path}/{name}",
                f"CHILD {row}, {path}: <{name}> holds other elements where a value belongs; "
                "it is read as blank.",
            )
            values[name] = ""

    # structure
    def top_level(self, element: ET.Element) -> None:
        name = self.name(element.tag)
        if name == "CHILD":
            self.out.children += 1
            if self.out.children > self.limits.return_rows:
                raise too_many_rows("The file has", self.limits.return_rows, "<CHILD> elements")
            self.child(element, self.out.children)
            # Every table is held until the file ends: all of them together are held to
            # twice the limit of one (a return has more episodes than anything else).
            if sum(map(len, self.rows.values())) > 2 * self.limits.return_rows:
                raise too_many_rows(
                    "The file has", 2 * self.limits.return_rows, "records in all (twice the limit)"
                )
        elif name:
            self.unknown(0, "root", name)

    def child(self, element: ET.Element, row: int) -> None:
        headers: list[ET.Element] = []
        episodes: list[ET.Element] = []
        beside: list[ET.Element] = []  # the newer groups, where an export puts them by HEADER
        for sub in element:
            name = self.name(sub.tag)
            if name == "EPISODE":
                episodes.append(sub)
            elif name == "HEADER":
                headers.append(sub)
            elif name in NEWER_GROUPS:
                beside.append(sub)
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
        values: dict[str, str] = {}
        groups: dict[str, list[ET.Element]] = {group: [] for group in HEADER_GROUPS_READ}
        for sub in beside:
            groups[self.name(sub.tag)].append(sub)
        for sub in headers[0]:
            name = self.name(sub.tag)
            if name in HEADER_GROUPS_READ:
                groups[name].append(sub)
            elif name in HEADER_ITEMS and name not in values and not len(sub):
                values[name] = (sub.text or "").strip()
            elif name in HEADER_GROUPS_NOT_READ:
                self.count_unread(name)
            elif name:
                self.odd_item(sub, name, values, row, "HEADER", HEADER_ITEMS)
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
        rows, where = self.rows["episodes"], self.where["episodes"]
        for number, episode in enumerate(episodes, start=1):
            path = f"EPISODE {number}"
            items = self.items(episode, row, path, EPISODE_ITEMS)
            if "PLACE" in items:
                if "PL" in items:
                    self.error(
                        row,
                        f"{path}/PLACE",
                        f"CHILD {row}, {path}: both <PL> and <PLACE>; <PL> is used.",
                    )
                else:
                    items["PL"] = items["PLACE"]
            get = items.get
            rows.append([child, *[get(key, "") for key in _EPISODE_KEYS]])
            where.append((row, path))
        if len(rows) > self.limits.return_rows:
            raise too_many_rows("The file has", self.limits.return_rows, "<EPISODE> elements")

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
            if any(value.strip() for value in found.values()):
                leading = [child, ""] if table == "oc3" else [child]
                self.add(table, [*leading, *(found.get(name, "") for name in names)], row, path)
        for group, (newer, fields) in NEWER_GROUPS.items():
            for number, element in enumerate(groups[group], start=1):
                path = f"{group} {number}"
                items = self.items(element, row, path, frozenset(fields))
                leading = [child, values.get("DOB", "")] if newer == "swepisodes" else [child]
                self.add(newer, [*leading, *(items.get(name, "") for name in fields)], row, path)

    def count_unread(self, group: str) -> None:
        table = UNREAD_GROUPS[group]
        self.out.unread[table] = self.out.unread.get(table, 0) + 1

    def add(self, table: str, cells: list[str], row: int, path: str) -> None:
        self.rows[table].append(cells)
        self.where[table].append((row, path))

    def finish(self) -> Xml903:
        out = self.out
        for table, rows in self.rows.items():
            # The header and episodes tables are always there (derive_903 reports them empty);
            # the others only when some child has them, as a return's CSV tables would be.
            if rows or table in ("header", "episodes"):
                out.tables[table] = [list(_TABLE_COLUMNS[table]), *rows]
                out.locations[table] = self.where[table]
        return out


def _chunks(source: bytes | IO[bytes]) -> Iterator[bytes]:
    """The file from its start, a chunk at a time, without the white space before the XML
    declaration (harmless, but expat refuses it)."""
    if isinstance(source, bytes):
        chunks: Iterator[bytes] = (
            source[offset : offset + CHUNK] for offset in range(0, len(source), CHUNK)
        )
    else:
        source.seek(0)
        chunks = iter(lambda: source.read(CHUNK), b"")
    leading = True
    for chunk in chunks:
        if leading:
            chunk = chunk.lstrip(b" \t\r\n")
            if not chunk:
                continue
            leading = False
        yield chunk


def _is_empty(source: bytes | IO[bytes]) -> bool:
    return not any(chunk.removeprefix(b"\xef\xbb\xbf").strip() for chunk in _chunks(source))


def read_903_xml(source: bytes | IO[bytes], limits: ImportLimits = DEFAULT_LIMITS) -> Xml903:
    """The return's tables and structural findings, from the file's bytes or the file (a
    seekable binary stream), read a chunk at a time. Never raises on the file's content but
    `TooLarge`, for a return past `limits`."""
    if _is_empty(source):
        return Xml903(findings=[Finding(0, "", "The file is empty.")], readable=False)
    reader = _Reader(limits)
    try:
        given = _check_prolog(source)
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
        _stream(source, reader)
    except _Refused as refused:
        return Xml903(findings=[Finding(0, "", str(refused))], readable=False)
    except (LookupError, UnicodeError) as error:  # an encoding Python cannot read
        return Xml903(
            findings=[
                Finding(0, "", f"The file cannot be read ({str(error)[:80]}); nothing was read.")
            ],
            readable=False,
        )
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


def _stream(source: bytes | IO[bytes], reader: _Reader) -> None:
    """Parse the body, handing each <CHILD> to the reader as soon as it ends and then emptying
    it, so that a large return never sits in memory whole.

    Only end events are asked for (half the events, and the parse's main cost): a <CHILD> is
    read when it ends, and the root, the last element to end, then holds the emptied <CHILD>s
    and any other top-level elements, which are reported. A <CHILD> nested deeper (not the
    layout) is read as a child too, and reported where it sits.

    `held` counts the elements the tree holds that no <CHILD> has taken (a <CHILD> not yet
    ended, elements outside any <CHILD>): past `limits.record_elements` the file is refused,
    so that one enormous <CHILD>, or a flood of elements around them, cannot fill memory."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("end",))
    child_tags: dict[object, bool] = {}
    last: ET.Element | None = None
    held = 0
    most = reader.limits.record_elements

    def drain() -> None:
        nonlocal last, held
        # Only end events were asked for: each is ("end", element).
        events = cast(Iterator[tuple[str, ET.Element]], parser.read_events())
        for _event, element in events:
            held += 1
            tag = element.tag
            is_child = child_tags.get(tag)
            if is_child is None:
                is_child = child_tags[tag] = reader.name(tag) == "CHILD"
            if is_child:
                held -= len(list(element.iter()))
                reader.top_level(element)
                element.clear()
            last = element
        if held > most:
            raise TooLarge(
                f"The file holds more than {most:,} elements outside any complete <CHILD> "
                "(one child's record, or elements around them), which no SSDA903 return "
                "does: it was refused before it was read in full, and nothing was imported. "
                "Check that this is the return exported by the case-management system."
            )

    # A text (or tag) with no "<" in it for longer than a child's record may be is held whole
    # by the parser until it ends: such a file is refused first. ("<" is never inside a value.)
    most_chunks = reader.limits.record_chars // CHUNK + 1
    without_tag = 0
    for chunk in _chunks(source):
        without_tag = 0 if b"<" in chunk else without_tag + 1
        if without_tag > most_chunks:
            raise TooLarge(
                f"The file holds more than {most_chunks * CHUNK:,} bytes without an element, "
                "which no SSDA903 return does: it was refused before it was read in full, and "
                "nothing was imported. Check that this is the return exported by the "
                "case-management system."
            )
        parser.feed(chunk)
        drain()
    parser.close()
    drain()
    if last is not None:  # the root
        for element in last:
            if not child_tags.get(element.tag):
                reader.top_level(element)


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


def derive_903_xml(
    source: bytes | IO[bytes],
    collection_year: int,
    population: int | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Derived903:
    """Validate and derive a return sent as XML (its bytes, or the file as a seekable binary
    stream): `derive_903` on the tables read from it, with every finding placed on the XML. A
    file that cannot be read, or is larger than `limits` allow, gives its findings and no
    figures."""
    with gc_paused():
        try:
            read = read_903_xml(source, limits)
        except TooLarge as refused:
            return Derived903(collection_year, {}, [Finding(0, "", str(refused))], 0, 0, {})
        if not read.readable:
            return Derived903(collection_year, {}, read.findings, 0, 0, {})
        result = derive_903(read.tables, collection_year, population, limits)
    return replace(
        result,
        findings=[*read.findings, *(relocate(f, read) for f in result.findings)],
        rows={**result.rows, **read.unread},
        not_listed=read.not_listed + result.not_listed,
    )
