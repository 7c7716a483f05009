"""SSDA903 returns sent as one XML file: the same synthetic children, worked out by hand, give the
same aggregates from the XML as from the CSV tables; findings say which <CHILD> and element;
files that are not SSDA903 XML are refused with one clear finding. No database.

Every return here is for the collection year 2025 (1 April 2024 to 31 March 2025).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returns.derive_903 import REQUIRED_COLUMNS, Derived903, derive_903
from returns.findings import Finding, Severity
from returns.ssda903_xml import derive_903_xml, looks_like_xml, read_903_xml
from tests.returns.test_derive_cin import census
from tests.returns.test_derive_cin import child as cin_child
from tests.returns.test_derive_cin import episode as cin_episode

YEAR = 2025
EPISODE_COLUMNS = list(REQUIRED_COLUMNS["episodes"])


# --- One model of a return, written both ways -----------------------------------------------------


@dataclass
class Child:
    """A synthetic child: the items of the HEADER, its episodes and optional OC2/OC3/AD1."""

    id: str
    dob: str = "01/01/2015"
    episodes: list[dict[str, str]] = field(default_factory=list)
    uasc_ceased: str | None = None  # None: not UASC; "": UASC, not ceased
    oc2: dict[str, str] | None = None
    oc3: tuple[str, str, str] | None = None  # IN_TOUCH, ACTIV, ACCOM
    ad1: tuple[str, str] | None = None  # DATE_INT, DATE_MATCH


def ep(
    decom: str,
    rne: str,
    ls: str,
    place: str,
    dec: str = "",
    rec: str = "",
    urn: str = "SC000001",
    provider: str = "PR1",
    **other: str,
) -> dict[str, str]:
    """One episode's items, by CSV column name."""
    return {
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": "",
        "PL_POST": "",
        "URN": urn,
        **other,
    }


def as_csv(children: list[Child]) -> dict[str, str]:
    def table(columns: list[str], rows: list[list[str]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue()

    tables = {
        "header": table(
            list(REQUIRED_COLUMNS["header"]),
            [[c.id, "1", c.dob, "WBRI", "", "", ""] for c in children],
        ),
        "episodes": table(
            EPISODE_COLUMNS,
            [
                [c.id, *(e[column] for column in EPISODE_COLUMNS[1:])]
                for c in children
                for e in c.episodes
            ],
        ),
    }
    uasc = [[c.id, "1", c.dob, c.uasc_ceased] for c in children if c.uasc_ceased is not None]
    oc2 = [
        [c.id, "1", c.dob, *(c.oc2.get(k, "") for k in ("SDQ_SCORE", "HEALTH_CHECK"))]
        + [c.oc2.get(k, "") for k in ("TEETH_CHECK", "IMMUNISATIONS")]
        for c in children
        if c.oc2 is not None
    ]
    oc3 = [[c.id, "1", c.dob, *c.oc3] for c in children if c.oc3 is not None]
    ad1 = [[c.id, *c.ad1] for c in children if c.ad1 is not None]
    if uasc:
        tables["uasc"] = table(["CHILD", "SEX", "DOB", "DUC"], uasc)
    if oc2:
        columns = ["SDQ_SCORE", "HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS"]
        tables["oc2"] = table(["CHILD", "SEX", "DOB", *columns], oc2)
    if oc3:
        tables["oc3"] = table(["CHILD", "SEX", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], oc3)
    if ad1:
        tables["ad1"] = table(["CHILD", "DATE_INT", "DATE_MATCH"], ad1)
    return tables


def as_xml(children: list[Child], *, root: str = "EXPSSDA903") -> bytes:
    """The same children as a case-management system's SSDA903 XML export."""
    top = ET.Element(root)
    for c in children:
        node = ET.SubElement(top, "CHILD")
        header = ET.SubElement(node, "HEADER")
        items = {"CHILDID": c.id, "UPN": "", "SEX": "1", "DOB": c.dob, "ETHNIC": "WBRI"}
        items["UASC"] = "" if c.uasc_ceased is None else "1"
        if c.uasc_ceased:
            items["DUC"] = c.uasc_ceased
        items |= {"MOTHER": "", "MC_DOB": ""}
        if c.oc3 is not None:
            items |= dict(zip(("IN_TOUCH", "ACTIV", "ACCOM"), c.oc3, strict=True))
        if c.ad1 is not None:
            items |= dict(zip(("DATE_INT", "DATE_MATCH"), c.ad1, strict=True))
        for name, value in items.items():
            ET.SubElement(header, name).text = value or None
        review = ET.SubElement(header, "AREVIEW")  # a group the import does not read
        ET.SubElement(review, "REVIEW").text = "01/01/2024"
        if c.oc2 is not None:
            oc2 = ET.SubElement(header, "OC2")
            for name, value in c.oc2.items():
                ET.SubElement(oc2, name).text = value
        for e in c.episodes:
            episode = ET.SubElement(node, "EPISODE")
            for name, value in e.items():
                ET.SubElement(episode, "PL" if name == "PLACE" else name).text = value or None
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def both(children: list[Child], population: int | None = None) -> tuple[Derived903, Derived903]:
    from_csv = derive_903(as_csv(children), YEAR, population=population)
    from_xml = derive_903_xml(as_xml(children), YEAR, population=population)
    return from_csv, from_xml


def errors(result: Derived903) -> list[Finding]:
    return [finding for finding in result.findings if finding.is_error]


# --- The hand-worked returns of test_derive_903, as children --------------------------------------

OPEN_AT_31_MARCH = [
    # A open since 1 Jan 2025, U1 (foster), still UASC; B ended ON 31 March (not looked after),
    # UASC; C ends 15 April 2025 (looked after at 31 March), U3, ceased UASC 1 March 2025;
    # D s20 in a children's home from 31 March; E starts 1 April 2025.
    # CLA 3; foster 2/3; s20 1/3; rate 3 per 30,000 = 1.0 per 10,000; UASC 1 (A).
    Child("A", "01/01/2008", [ep("01/01/2025", "S", "C2", "U1")], uasc_ceased=""),
    Child(
        "B",
        "01/01/2008",
        [ep("01/06/2024", "S", "V2", "K2", "31/03/2025", "E4A")],
        uasc_ceased="",
    ),
    Child(
        "C",
        "01/01/2008",
        [ep("01/06/2024", "S", "C1", "U3", "15/04/2025", "E4A")],
        uasc_ceased="01/03/2025",
    ),
    Child("D", episodes=[ep("31/03/2025", "S", "V2", "K2")]),
    Child("E", episodes=[ep("01/04/2025", "S", "C2", "U1")]),
]
SAME_DAY = [
    # U1 to 1 Sep 2024 (X1), then U4 from 1 Sep (RNE P): one period of care, 2 placements.
    Child(
        "A",
        episodes=[
            ep("01/05/2024", "S", "C2", "U1", "01/09/2024", "X1"),
            ep("01/09/2024", "P", "C2", "U4"),
        ],
    )
]
SHORT_BREAKS = [
    # A (V3) and B (V4) on short breaks at 31 March: not counted. C moved from V3 to s20 (L).
    Child("A", episodes=[ep("01/01/2024", "S", "V3", "U1")]),
    Child("B", episodes=[ep("01/01/2024", "S", "V4", "K2")]),
    Child(
        "C",
        episodes=[
            ep("01/01/2024", "S", "V3", "U1", "01/02/2025", "X1"),
            ep("01/02/2025", "L", "V2", "U1"),
        ],
    ),
]
THREE_PLACEMENTS = [
    # X: 4 placements in the year (P, L = same, T, B); Y: 2; Z: 2 (a respite T1 and the return
    # to the same carers do not count). 3+ placements: X, 1 of 3.
    Child(
        "X",
        episodes=[
            ep("01/01/2022", "S", "C2", "U1", "01/05/2024", "X1"),
            ep("01/05/2024", "P", "C2", "U4", "01/08/2024", "X1"),
            ep("01/08/2024", "L", "E1", "U4", "01/10/2024", "X1"),
            ep("01/10/2024", "T", "C2", "U5", "01/12/2024", "X1"),
            ep("01/12/2024", "B", "C2", "K2"),
        ],
    ),
    Child(
        "Y",
        episodes=[
            ep("01/03/2023", "S", "C1", "U1", "01/06/2024", "X1"),
            ep("01/06/2024", "L", "C2", "U1", "01/09/2024", "X1"),
            ep("01/09/2024", "P", "C2", "U2"),
        ],
    ),
    Child(
        "Z",
        episodes=[
            ep("01/06/2024", "S", "C2", "U1", "01/07/2024", "X1"),
            ep("01/07/2024", "P", "C2", "T1", "05/07/2024", "X1", urn="SC000009", provider=""),
            ep("05/07/2024", "P", "C2", "U1", "01/02/2025", "X1"),
            ep("01/02/2025", "P", "C2", "U2", urn="SC000002"),
        ],
    ),
]
LONG_TERM = [
    # Looked after since 30/09/2022 or before, same placement since 31/03/2023 or before, under
    # 16 at 31 March: cohort K1 K3 K4 K5 K6 K8 (6); stable all but K4 (5).
    Child("K1", episodes=[ep("30/09/2022", "S", "C2", "U1")]),
    Child("K2", episodes=[ep("01/10/2022", "S", "C2", "U1")]),
    Child(
        "K3",
        episodes=[
            ep("01/01/2020", "S", "C2", "U1", "31/03/2023", "X1"),
            ep("31/03/2023", "P", "C2", "U2"),
        ],
    ),
    Child(
        "K4",
        episodes=[
            ep("01/01/2020", "S", "C2", "U1", "01/04/2023", "X1"),
            ep("01/04/2023", "P", "C2", "U2"),
        ],
    ),
    Child(
        "K5",
        episodes=[
            ep("01/01/2020", "S", "C1", "U1", "01/01/2024", "X1"),
            ep("01/01/2024", "L", "E1", "U1"),
        ],
    ),
    Child(
        "K6",
        episodes=[
            ep("01/01/2020", "S", "C2", "U4", "01/06/2024", "X1"),
            ep("01/06/2024", "P", "E1", "A5"),
        ],
    ),
    Child("K7", "31/03/2009", [ep("30/09/2022", "S", "C2", "U1")]),
    Child("K8", "01/04/2009", [ep("30/09/2022", "S", "C2", "U1")]),
]
CARE_LEAVERS = [
    # 17-18 in touch: L1 (EET, suitable), L2 (neither), L3 (EET) -> EET 2/3, accommodation 1/3.
    # 19-21 in touch: L7 (both), L8 (neither), L9 (both) -> 2/3 and 2/3. L4 died, L5 returned
    # home, L6 not in touch, L10 is 22: none counted. (L0 is looked after: a return always has
    # episodes.)
    Child("L0", episodes=[ep("01/05/2024", "S", "C2", "U1")]),
    Child("L1", "15/06/2007", oc3=("YES", "F1", "B1")),
    Child("L2", "15/06/2006", oc3=("YES", "G4", "B2")),
    Child("L3", "01/04/2007", oc3=("YES", "P1", "C2")),
    Child("L4", "15/06/2007", oc3=("DIED", "0", "0")),
    Child("L5", "15/06/2006", oc3=("RHOM", "F1", "B1")),
    Child("L6", "15/06/2006", oc3=("NO", "0", "0")),
    Child("L7", "10/10/2004", oc3=("YES", "F2", "D1")),
    Child("L8", "31/03/2004", oc3=("YES", "G6", "0")),
    Child("L9", "01/04/2003", oc3=("YES", "P2", "E1")),
    Child("L10", "31/03/2003", oc3=("YES", "F1", "B1")),
]
HEALTH = [
    # Looked after 12 months+: H1, H2 (exactly 12 months), H4 (no OC2): checks 2/3, dental
    # 1/3, immunisations 1/3; SDQ (aged 5-16): H1 12, H4 none -> 1 of 2, average 12.
    Child(
        "H1",
        "01/01/2015",
        [ep("01/01/2023", "S", "C2", "U1")],
        oc2={"SDQ_SCORE": "12", "HEALTH_CHECK": "1", "TEETH_CHECK": "1", "IMMUNISATIONS": "0"},
    ),
    Child(
        "H2",
        "01/01/2021",
        [ep("31/03/2024", "S", "C2", "U1")],
        oc2={"SDQ_SCORE": "", "HEALTH_CHECK": "1", "TEETH_CHECK": "0", "IMMUNISATIONS": "1"},
    ),
    Child(
        "H3",
        "01/01/2015",
        [ep("01/04/2024", "S", "C2", "U1")],
        oc2={"SDQ_SCORE": "20", "HEALTH_CHECK": "1", "TEETH_CHECK": "1", "IMMUNISATIONS": "1"},
    ),
    Child("H4", "01/01/2013", [ep("01/01/2023", "S", "C2", "U1")]),
]
ADOPTION = [
    # V entered care 01/01/2023, placement order 01/06/2023, matched 15/08/2023, placed 01/09/2023,
    # adopted 01/02/2025: A1 243 days, A2 75 days. W was adopted before the year.
    Child(
        "V",
        episodes=[
            ep("01/01/2023", "S", "C2", "U1", "01/06/2023", "X1"),
            ep("01/06/2023", "L", "E1", "U1", "01/09/2023", "X1"),
            ep("01/09/2023", "P", "E1", "A6", "01/02/2025", "E11"),
        ],
        ad1=("01/03/2023", "15/08/2023"),
    ),
    Child(
        "W",
        episodes=[ep("01/01/2022", "S", "E1", "A6", "01/01/2023", "E11")],
        ad1=("01/03/2022", "01/05/2022"),
    ),
]

THIRD = pytest.approx(100 / 3)
SCENARIOS = {
    "open episodes at 31 March": (
        OPEN_AT_31_MARCH,
        {
            "CLA-COUNT": (3.0, 3, None),
            "CLA-RATE": (1.0, 3, 30_000),
            "CLA-FOSTER": (pytest.approx(200 / 3), 2, 3),
            "CLA-S20": (THIRD, 1, 3),
            "UASC-COUNT": (1.0, 1, None),
        },
    ),
    "an episode ending and another starting the same day": (
        SAME_DAY,
        {"CLA-COUNT": (1.0, 1, None), "CLA-3PLAC": (0.0, 0, 1), "CLA-FOSTER": (100.0, 1, 1)},
    ),
    "short breaks": (SHORT_BREAKS, {"CLA-COUNT": (1.0, 1, None), "CLA-S20": (100.0, 1, 1)}),
    "three or more placements": (THREE_PLACEMENTS, {"CLA-3PLAC": (THIRD, 1, 3)}),
    "long-term stability": (LONG_TERM, {"CLA-STAB-LT": (pytest.approx(500 / 6), 5, 6)}),
    "care leavers": (
        CARE_LEAVERS,
        {
            "CL-EET-1718": (pytest.approx(200 / 3), 2, 3),
            "CL-ACC-1718": (THIRD, 1, 3),
            "CL-EET-1921": (pytest.approx(200 / 3), 2, 3),
            "CL-ACC-1921": (pytest.approx(200 / 3), 2, 3),
        },
    ),
    "health": (
        HEALTH,
        {
            "HLT-CHECK": (pytest.approx(200 / 3), 2, 3),
            "HLT-DENTAL": (THIRD, 1, 3),
            "HLT-IMMS": (THIRD, 1, 3),
            "HLT-SDQ-PCT": (50.0, 1, 2),
            "HLT-SDQ": (12.0, 12, 1),
        },
    ),
    "adoption": (ADOPTION, {"ADOPT-A1": (243.0, 243, 1), "ADOPT-A2": (75.0, 75, 1)}),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_same_children_give_the_same_figures_from_xml_and_csv(name: str) -> None:
    children, expected = SCENARIOS[name]
    from_csv, from_xml = both(children, population=30_000)
    assert errors(from_csv) == [] and errors(from_xml) == []
    for code, figure in expected.items():
        assert from_csv.figures[code] == figure, code
    assert from_xml.figures == from_csv.figures
    assert (from_xml.children, from_xml.episodes) == (from_csv.children, from_csv.episodes)


def test_all_the_scenarios_in_one_return_agree_too() -> None:
    everyone = [child for children, _expected in SCENARIOS.values() for child in children]
    # Children's identifiers repeat between scenarios: make them unique.
    for number, child in enumerate(everyone):
        child.id = f"{child.id}-{number}"
    from_csv, from_xml = both(everyone, population=50_000)
    assert errors(from_xml) == []
    assert from_xml.figures == from_csv.figures
    # Looked after at 31 March, scenario by scenario: 3 + 1 + 1 + 3 + 8 + 1 + 4 + 0 = 21.
    assert from_xml.figures["CLA-COUNT"].numerator == 21


def test_a_missing_postcode_is_accepted_without_a_finding() -> None:
    # The derivation does not use distance, so blank or unknown postcodes change nothing: no
    # finding, and the child is counted as any other.
    children = [
        Child("P1", episodes=[ep("01/05/2024", "S", "C2", "U1", HOME_POST="", PL_POST="")]),
        Child("P2", episodes=[ep("01/05/2024", "S", "C2", "U1", HOME_POST="ZZ9", PL_POST="")]),
    ]
    from_csv, from_xml = both(children)
    assert from_csv.findings == [] and from_xml.findings == []
    assert from_xml.figures["CLA-COUNT"].numerator == 2


# --- Findings placed on the XML -------------------------------------------------------------------


def test_findings_name_the_child_and_the_element() -> None:
    children = [
        Child("A", episodes=[ep("01/05/2024", "S", "C2", "U1")]),
        Child(
            "B",
            "32/01/2015",
            [
                ep("01/05/2024", "S", "C2", "U1", "01/06/2024", "X1"),
                ep("01/06/2024", "P", "C2", "H7"),  # not a placement code in any year
            ],
        ),
        Child(
            "C",
            episodes=[
                ep("01/05/2024", "S", "C2", "U1", "01/09/2024", "X1"),
                ep("01/08/2024", "P", "C2", "U2"),  # starts inside the first
                ep("01/08/2024", "P", "C2", "U2"),  # and twice over
            ],
        ),
    ]
    result = derive_903_xml(as_xml(children), YEAR)
    found = {(f.row, f.column): f.message for f in errors(result)}
    assert found == {
        (2, "HEADER/DOB"): "CHILD 2, HEADER: DOB is not a date in the form dd/mm/yyyy.",
        (2, "EPISODE 2/PL"): (
            "CHILD 2, EPISODE 2: PL 'H7' is not a valid code in 2024/25 (the year to 31 March "
            "2025)."
        ),
        (3, "EPISODE 3"): "CHILD 3, EPISODE 3: it duplicates EPISODE 2; it is ignored.",
        (3, "EPISODE 2/DECOM"): (
            "CHILD 3, EPISODE 2: the episode overlaps the same child's episode on EPISODE 1; it "
            "is ignored."
        ),
        (3, "EPISODE 1/REC"): (
            "CHILD 3, EPISODE 1: REC is X1 (continues in care) but no episode follows."
        ),
    }
    assert "32/01/2015" not in repr(result)  # a date of birth is never quoted


def test_a_child_twice_and_a_missing_oc2_are_placed_on_the_xml() -> None:
    # CHILD 2 repeats CHILD 1's CHILDID (and HEADER) with an episode over CHILD 1's; CHILD 3 has
    # been looked after for 12 months but has no <OC2> (a warning).
    children = [
        Child("A", episodes=[ep("01/05/2022", "S", "C2", "U1")], oc2={"HEALTH_CHECK": "1"}),
        Child("A", episodes=[ep("01/05/2022", "S", "C2", "U1", urn="SC000009")]),
        Child("B", episodes=[ep("01/05/2022", "S", "C2", "U1")]),
    ]
    result = derive_903_xml(as_xml(children), YEAR)
    assert [(f.row, f.column, f.message) for f in result.findings] == [
        (2, "HEADER", "CHILD 2, HEADER: it duplicates CHILD 1's HEADER; it is ignored."),
        (
            2,
            "EPISODE 1/DECOM",
            "CHILD 2, EPISODE 1: the episode overlaps the same child's episode on CHILD 1's "
            "EPISODE 1; it is ignored.",
        ),
        (
            3,
            "EPISODE 1",
            "CHILD 3, EPISODE 1: the child has been looked after for 12 months or more but has "
            "no <OC2>.",
        ),
    ]


def test_a_code_withdrawn_for_the_year_is_an_error_naming_the_year() -> None:
    # H5 and Z1 were withdrawn from 2025/26; K3 arrived in 2024/25.
    children = [
        Child("A", episodes=[ep("01/05/2025", "S", "C2", "H5")]),
        Child("B", episodes=[ep("01/05/2025", "S", "C2", "Z1", provider="")]),
        Child("C", episodes=[ep("01/05/2025", "S", "C2", "K3")]),
    ]
    result = derive_903_xml(as_xml(children), 2026)
    assert [(f.row, f.column, f.message) for f in errors(result)] == [
        (
            1,
            "EPISODE 1/PL",
            "CHILD 1, EPISODE 1: PL 'H5' is not a valid code in 2025/26 (the year to 31 March "
            "2026): it was withdrawn after 2024/25.",
        ),
        (
            2,
            "EPISODE 1/PL",
            "CHILD 2, EPISODE 1: PL 'Z1' is not a valid code in 2025/26 (the year to 31 March "
            "2026): it was withdrawn after 2024/25.",
        ),
    ]
    k3_early = [Child("C", episodes=[ep("01/05/2023", "S", "C2", "K3")])]
    earlier = derive_903_xml(as_xml(k3_early), 2024)
    assert [f.message for f in errors(earlier)] == [
        "CHILD 1, EPISODE 1: PL 'K3' is not a valid code in 2023/24 (the year to 31 March "
        "2024): it is valid from 2024/25."
    ]


def test_structure_problems_are_findings_on_their_child() -> None:
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD><EPISODE><DECOM>01/05/2024</DECOM></EPISODE></CHILD>
  <CHILD><HEADER><CHILDID></CHILDID><DOB>01/01/2015</DOB></HEADER>
    <EPISODE><DECOM>01/05/2024</DECOM></EPISODE></CHILD>
  <CHILD><HEADER><CHILDID>C</CHILDID><DOB>01/01/2015</DOB><NICKNAME>x</NICKNAME></HEADER>
    <EPISODE><DECOM>01/05/2024</DECOM><DECOM>02/05/2024</DECOM><RNE>S</RNE><LS>C2</LS>
      <CIN>N1</CIN><PL><CODE>U1</CODE></PL><COLOUR>blue</COLOUR></EPISODE>
    <EPISODE><DECOM>01/06/2024</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
      <COLOUR>red</COLOUR></EPISODE>
    <PHOTO/></CHILD>
  <LEAFLET/>
</EXPSSDA903>"""
    read = read_903_xml(xml)
    assert read.children == 3
    found = [(f.row, f.column, f.severity, f.message) for f in read.findings]
    assert found == [
        (
            1,
            "HEADER",
            Severity.ERROR,
            "CHILD 1 has no <HEADER>, so the child it belongs to is unknown: its 1 <EPISODE> "
            "element(s) were not read.",
        ),
        (
            2,
            "HEADER/CHILDID",
            Severity.ERROR,
            "CHILD 2, HEADER: <CHILDID> is blank or missing, so the child's records cannot be "
            "linked: its HEADER and 1 <EPISODE> element(s) were not read.",
        ),
        (3, "CHILD/PHOTO", Severity.WARNING, _unknown("PHOTO", "CHILD")),
        (3, "HEADER/NICKNAME", Severity.WARNING, _unknown("NICKNAME", "HEADER")),
        (
            3,
            "EPISODE 1/DECOM",
            Severity.ERROR,
            "CHILD 3, EPISODE 1: <DECOM> appears twice; the first is used.",
        ),
        (
            3,
            "EPISODE 1/PL",
            Severity.ERROR,
            "CHILD 3, EPISODE 1: <PL> holds other elements where a value belongs; it is read as "
            "blank.",
        ),
        (3, "EPISODE/COLOUR", Severity.WARNING, _unknown("COLOUR", "EPISODE")),  # once only
        (0, "root/LEAFLET", Severity.WARNING, _unknown("LEAFLET", "root")),
    ]
    # Child C's first episode is kept, with a blank placement type, and its first DECOM.
    assert read.tables["episodes"][1][:7] == ["C", "01/05/2024", "S", "C2", "N1", "", ""]


def _unknown(name: str, parent: str) -> str:
    return (
        f"<{name}> inside <{parent}> is not part of the SSDA903 layout this import knows, so it "
        "was not read (reported once)."
    )


def test_items_in_groups_any_case_and_namespaces_are_read() -> None:
    # OC3 and AD1 items in their own groups, <PLACE> for <PL>, lower case, a namespace, UTF-16.
    text = """<?xml version="1.0" encoding="UTF-16"?>
<s:ssda903 xmlns:s="urn:example:903"><s:child><s:header><s:childid>Q</s:childid>
<s:dob>15/06/2007</s:dob><s:oc3><s:in_touch>YES</s:in_touch><s:activ>F1</s:activ>
<s:accom>B1</s:accom></s:oc3></s:header>
<s:episode><s:decom>01/05/2024</s:decom><s:rne>S</s:rne><s:ls>V2</s:ls><s:cin>N1</s:cin>
<s:place>U1</s:place></s:episode></s:child></s:ssda903>"""
    result = derive_903_xml(text.encode("utf-16"), YEAR)
    assert result.findings == []
    assert result.figures["CLA-FOSTER"] == (100.0, 1, 1)
    assert result.figures["CL-EET-1718"] == (100.0, 1, 1)


def test_a_byte_order_mark_and_leading_white_space_are_fine() -> None:
    xml = as_xml(SAME_DAY)
    for raw in (b"\xef\xbb\xbf" + xml, b"\n\n  " + xml):
        assert looks_like_xml(raw)
        assert derive_903_xml(raw, YEAR).findings == []
    assert not looks_like_xml(b"PK\x03\x04rest of a zip")


# --- Files that are not SSDA903 XML: one clear finding, no figures --------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE EXPSSDA903 [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<EXPSSDA903><CHILD><HEADER><CHILDID>&lol3;</CHILDID></HEADER></CHILD></EXPSSDA903>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE EXPSSDA903 [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<EXPSSDA903><CHILD><HEADER><CHILDID>&secret;</CHILDID></HEADER></CHILD></EXPSSDA903>"""
DOCTYPE_REFUSED = (
    "The file declares a DOCTYPE (which can define entities); an SSDA903 return never does, so "
    "it was refused unread."
)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "The file is empty."),
        (b"<EXPSSDA903><CHILD></EXPSSDA903>", "The file is not well-formed XML (line 1, column"),
        (b"<EXPSSDA903><CHILD>&nbsp;</CHILD></EXPSSDA903>", "undefined entity"),
        (b"<EXPSSDA903>", "The file is not well-formed XML"),
        (BILLION_LAUGHS, DOCTYPE_REFUSED),
        (EXTERNAL_ENTITY, DOCTYPE_REFUSED),
        (b"<!DOCTYPE EXPSSDA903><EXPSSDA903/>", DOCTYPE_REFUSED),
        (
            b"<Returns><CHILD/></Returns>",
            "This is not an SSDA903 return: its root element is <Returns>, not <EXPSSDA903>.",
        ),
        (
            census(cin_child("A1", cin_episode("2024-05-01", None))),
            "This is a CIN census file (its root element is <Message>), not an SSDA903 return: "
            "upload it as a CIN census return.",
        ),
        (
            b"<EXPSSDA903></EXPSSDA903>",
            "The file has no <CHILD> elements: nothing to read.",
        ),
    ],
)
def test_files_that_are_not_ssda903_xml_are_one_clear_finding(raw: bytes, message: str) -> None:
    result = derive_903_xml(raw, YEAR)
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert (finding.row, finding.severity) == (0, Severity.ERROR)
    assert message in finding.message
    assert result.figures == {}
    assert "lol" not in finding.message and "root:" not in finding.message


def test_the_result_holds_no_child_level_data() -> None:
    children = [Child("CHILD-SECRET-1", "07/07/2015", [ep("01/05/2024", "P", "C2", "U1")])]
    result = derive_903_xml(as_xml(children), YEAR)
    assert result.findings  # RNE P with nothing before it
    assert "CHILD-SECRET" not in repr(result)
    assert "2015" not in repr(result)


# --- Malformed elements never raise ---------------------------------------------------------------

NAMES = st.sampled_from(
    [
        *("CHILDID", "DOB", "DECOM", "DEC", "RNE", "LS", "PL", "REC", "UASC", "DUC", "IN_TOUCH"),
        *("ACTIV", "OC2", "SDQ_SCORE", "HEADER", "EPISODE", "CHILD", "AREVIEW", "X", "PLACE"),
    ]
)
TEXT = st.one_of(
    st.sampled_from(["", "S", "P", "X1", "C2", "V3", "U1", "H5", "K3", "YES", "1", "A", "B"]),
    st.sampled_from(["01/04/2024", "31/03/2025", "29/02/2024", "31/02/2024", "2024-05-01"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)
Spec = tuple[str, str, list["Spec"]]  # an element: name, text, children
ELEMENTS: st.SearchStrategy[Spec] = st.recursive(
    st.tuples(NAMES, TEXT, st.just([])),
    lambda inner: st.tuples(NAMES, TEXT, st.lists(inner, max_size=6)),
    max_leaves=40,
)


def _build(parent: ET.Element, spec: Spec) -> None:
    name, text, children = spec
    element = ET.SubElement(parent, name)
    element.text = text or None
    for child_spec in children:
        _build(element, child_spec)


@settings(max_examples=150, deadline=None)
@given(st.lists(ELEMENTS, max_size=8), st.sampled_from(["EXPSSDA903", "SSDA903", "Other"]))
def test_random_elements_never_raise(specs: list[Spec], root: str) -> None:
    top = ET.Element(root)
    for spec in specs:
        _build(top, spec)
    raw = ET.tostring(top, encoding="utf-8")
    result = derive_903_xml(raw, YEAR, population=0)
    assert isinstance(result, Derived903)
    children = len(top.findall(".//CHILD"))  # one nested deeper is read as a child too
    assert all(0 <= finding.row <= children for finding in result.findings)
    for figure in result.figures.values():
        assert figure.value is None or figure.value >= 0


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.integers(min_value=0, max_value=2000))
def test_damaged_files_never_raise(junk: bytes, at: int) -> None:
    good = as_xml(THREE_PLACEMENTS)
    at = min(at, len(good))
    for raw in (good[:at] + junk + good[at:], good[:at], junk):
        result = derive_903_xml(raw, YEAR)
        assert isinstance(result, Derived903)
        assert all(finding.row >= 0 for finding in result.findings)
