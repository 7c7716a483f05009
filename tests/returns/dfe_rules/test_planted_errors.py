"""A generated clean return, spoilt in known ways: the rule set finds exactly the errors
planted, as many times as they were planted, and no others (issue 19's "Done when").

The clean returns come from `generated_returns` and pass every rule of 2025/26 (the first
tests say so: a rule that fails there is wrong, or the generator is). Each planting changes
a field or two as a council's case system might, chosen so that it breaks one rule; where
the DfE's rules overlap, so that one mistake breaks two, both are expected and the reason is
said beside it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable

import polars as pl
import pytest

from returns.dfe_rules.cin.tables import cin_tables
from returns.dfe_rules.engine import CHILD, ROW, ReturnTables, RuleOutcome, rule_set

from .generated_returns import YEAR, cin_children, cin_xml, generate_903, generate_cin

Rows = list[dict[str, str]]


def parse(texts: dict[str, str]) -> dict[str, Rows]:
    return {name: list(csv.DictReader(io.StringIO(text))) for name, text in texts.items()}


def unparse(tables: dict[str, Rows], texts: dict[str, str]) -> dict[str, str]:
    out = {}
    for name, text in texts.items():
        columns = next(csv.reader(io.StringIO(text)))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(tables[name])
        out[name] = buffer.getvalue()
    return out


def run_903(this: dict[str, str], last: dict[str, str]) -> RuleOutcome:
    return rule_set("ssda903", YEAR).run(ReturnTables.of(YEAR, this, last))


def run_cin(xml: bytes) -> RuleOutcome:
    return rule_set("cin", YEAR).run(cin_tables(xml, collection_year=YEAR))


@pytest.mark.parametrize("seed", [26, 7, 1999])
def test_a_generated_ssda903_return_passes_every_rule(seed):
    this, last = generate_903(seed)
    outcome = run_903(this, last)
    assert outcome.not_checked == {}
    assert outcome.counts == {}
    assert len(parse(this)["header"]) > 300


@pytest.mark.parametrize("seed", [26, 7, 1999])
def test_a_generated_cin_census_passes_every_rule(seed):
    outcome = run_cin(generate_cin(seed))
    assert outcome.not_checked == {}
    assert outcome.counts == {}


# --- the SSDA903 ------------------------------------------------------------------------------


class Planter903:
    """The clean return's tables as rows, the errors planted in them and the count expected
    of each rule."""

    def __init__(self) -> None:
        self.texts, self.last_texts = generate_903()
        self.this = parse(self.texts)
        self.last = parse(self.last_texts)
        self.expected: Counter[str] = Counter()
        self.touched: dict[str, set[str]] = {}
        self.used: set[str] = set()

    def expect(self, child: str, *codes: str) -> None:
        for code in codes:
            self.expected[code] += 1
            self.touched.setdefault(code, set()).add(child)

    def children(
        self, table: str, where: Callable[[dict[str, str]], bool] = lambda _: True
    ) -> list[str]:
        """Children of `table` meeting `where` that no planting has touched yet, in order."""
        seen: list[str] = []
        for row in self.this[table] if table != "last_episodes" else self.last["episodes"]:
            child = row["CHILD"]
            if child not in self.used and child not in seen and where(row):
                seen.append(child)
        return seen

    def take(self, table: str, where: Callable[[dict[str, str]], bool] = lambda _: True) -> str:
        found = self.children(table, where)
        assert found, f"no child left in {table} to plant an error in"
        child = found[0]
        self.used.add(child)
        return child

    def rows(self, table: str, child: str) -> Rows:
        return [row for row in self.this[table] if row["CHILD"] == child]

    def row(self, table: str, child: str, index: int = 0) -> dict[str, str]:
        return self.rows(table, child)[index]

    def find(
        self, table: str, child: str, where: Callable[[dict[str, str]], bool]
    ) -> dict[str, str]:
        """The child's first row of `table` meeting `where` (the row `take` chose it by)."""
        return next(row for row in self.rows(table, child) if where(row))

    def run(self) -> RuleOutcome:
        this = unparse(self.this, self.texts)
        last = unparse(self.last, self.last_texts)
        self.tables = ReturnTables.of(YEAR, this, last)
        return rule_set("ssda903", YEAR).run(self.tables)


def assert_each_failure_is_its_childs_record(outcome: RuleOutcome, tables: ReturnTables) -> None:
    """Every failure names a record of its table, and that record is its child's: what the
    error report shows the people who fix the data. (A rule about the whole CIN return
    points at the return itself: header row 0, no child.)"""
    for table, row, child in outcome.failures.select("table", "row", CHILD).iter_rows():
        if table == "header" and row == 0 and child is None:
            continue
        record = tables.table(table).filter(pl.col(ROW) == row)
        assert record.height == 1, (table, row)
        assert record[CHILD].item() == child, (table, row)


def episodes_of(planter: Planter903, child: str) -> Rows:
    return planter.rows("episodes", child)


def test_planted_errors_in_an_ssda903_return_are_counted_exactly():
    p = Planter903()
    in_last_year = {row["CHILD"] for row in p.last["header"]}

    def new(row: dict[str, str]) -> bool:
        return row["CHILD"] not in in_last_year  # no comparison with last year to trip

    # Codes not valid for the year, each in a child of its own.
    for _ in range(3):  # three children, each with a sex code that is not M, F or U
        child = p.take("header", new)
        p.row("header", child)["SEX"] = "1"
        p.expect(child, "101")
    child = p.take("header", new)
    p.row("header", child)["SEX"] = "U"
    p.expect(child, "232")  # a query, not an error
    child = p.take("header", new)
    p.row("header", child)["ETHNIC"] = "XXXX"
    p.expect(child, "103")
    child = p.take("header", lambda row: new(row) and row["UPN"][:1].isalpha())
    p.row("header", child)["UPN"] = "A1234"
    p.expect(child, "168")
    # Two children given one UPN: both rows fail.
    first = p.take("header", lambda row: new(row) and row["UPN"][:1].isalpha())
    second = p.take("header", lambda row: new(row) and row["UPN"][:1].isalpha())
    p.row("header", second)["UPN"] = p.row("header", first)["UPN"]
    p.expect(first, "444")
    p.expect(second, "444")
    starting = lambda row: new(row) and row["RNE"] == "S" and row["REC"] == ""  # noqa: E731
    child = p.take("episodes", starting)
    p.find("episodes", child, starting)["CIN"] = "N0"
    p.expect(child, "145")
    child = p.take("episodes", lambda row: new(row) and row["REC"] == "X1")
    p.find("episodes", child, lambda row: row["REC"] == "X1")["REC"] = "E99"
    # 388 too: an episode followed by one starting the day it ended must end X1.
    p.expect(child, "149", "388")
    child = p.take("episodes", lambda row: new(row) and row["REC"] == "")
    p.find("episodes", child, lambda row: row["REC"] == "")["PLACE_PROVIDER"] = "PR9"
    p.expect(child, "178")
    child = p.take("episodes", lambda row: new(row) and row["REASON_PLACE_CHANGE"] != "")
    p.find("episodes", child, lambda row: row["REASON_PLACE_CHANGE"] != "")[
        "REASON_PLACE_CHANGE"
    ] = "WHIMS"
    p.expect(child, "1009")

    # One child with three faults in its episodes: each rule counts the episode it points at.
    child = p.take("episodes", lambda row: new(row) and row["REC"] == "X1")
    opening, following = episodes_of(p, child)[:2]
    opening["LS"] = "Z9"
    p.expect(child, "144")
    following["RNE"] = "Q"
    p.expect(child, "143")
    assert p.row("episodes", child, -1)["REC"] == ""  # still in care
    p.row("episodes", child, -1)["REASON_PLACE_CHANGE"] = "CARPL"
    p.expect(child, "233")  # a reason for a change of placement on an open episode

    # A reason for placement change left out where the placement changed: three episodes.
    for _ in range(2):
        child = p.take("episodes", lambda row: new(row) and row["REASON_PLACE_CHANGE"] != "")
        p.find("episodes", child, lambda row: row["REASON_PLACE_CHANGE"] != "")[
            "REASON_PLACE_CHANGE"
        ] = ""
        p.expect(child, "225")

    # OC2: an SDQ score out of range, a reason that is not a code, a flag that is not 0/1.
    child = p.take("oc2", lambda row: row["SDQ_SCORE"] != "")
    p.row("oc2", child)["SDQ_SCORE"] = "41"
    p.expect(child, "180")
    child = p.take("oc2", lambda row: row["SDQ_REASON"] != "")
    p.row("oc2", child)["SDQ_REASON"] = "SDQ9"
    p.expect(child, "196")
    for _ in range(2):
        child = p.take("oc2")
        p.row("oc2", child)["IMMUNISATIONS"] = "2"
        p.expect(child, "181")

    # Reviews, missing periods, previous permanence, social workers, DoLOs.
    child = p.take("reviews")
    p.row("reviews", child)["REVIEW_CODE"] = "PN9"
    p.expect(child, "167")
    child = p.take("missing")
    p.row("missing", child)["MISSING"] = "X"
    p.expect(child, "1006")
    child = p.take("missing")
    missing = p.row("missing", child)
    missing["MIS_END"], missing["MIS_START"] = missing["MIS_START"], missing["MIS_END"]
    p.expect(child, "567")
    child = p.take("prevperm")
    p.row("prevperm", child)["PREV_PERM"] = "P9"
    # 630 too: a previous permanence option other than Z1 needs its LA and date.
    p.expect(child, "631", "630")
    for _ in range(2):
        child = p.take("swepisodes")
        p.row("swepisodes", child)["SW_ID"] = "AB123"
        p.expect(child, "SW02STG1")
    child = p.take("dolo")
    order = p.row("dolo", child)
    order["DOLO_START"], order["DOLO_END"] = order["DOLO_END"], order["DOLO_START"]
    p.expect(child, "702")

    # Adoption: codes that are not codes.
    child = p.take("ad1")
    p.row("ad1", child)["NB_ADOPTR"] = "3"
    p.expect(child, "175")
    child = p.take("ad1")
    p.row("ad1", child)["LS_ADOPTR"] = "L9"
    p.expect(child, "177")
    child = p.take("ad1")
    p.row("ad1", child)["FOSTER_CARE"] = "2"
    p.expect(child, "114")

    child = p.take("ad1")
    adoption = p.find("episodes", child, lambda row: row["REC"] == "E11")
    p.row("ad1", child)["DATE_MATCH"] = adoption["DEC"]
    # 582 and 331 (matched after the placement began), each at the adoption episode and the
    # AD1 row.
    p.expect(child, "582", "582", "331", "331")

    # Care leavers: codes that are not codes.
    child = p.take("oc3")
    p.row("oc3", child)["IN_TOUCH"] = "MAYBE"
    p.expect(child, "131")
    child = p.take("oc3")
    p.row("oc3", child)["ACTIV"] = "Q1"
    p.expect(child, "132")

    # Against last year's return: a child's fixed details changed.
    child = p.take("header", lambda row: not new(row) and row["SEX"] == "F")
    next(r for r in p.last["header"] if r["CHILD"] == child)["SEX"] = "M"
    p.expect(child, "202")
    child = p.take("header", lambda row: not new(row))
    next(r for r in p.last["header"] if r["CHILD"] == child)["ETHNIC"] = "WIRT"
    p.expect(child, "204")

    child = p.take("header", lambda row: not new(row))
    next(r for r in p.last["header"] if r["CHILD"] == child)["DOB"] = "01/01/2001"
    p.expect(child, "203")
    # Last year's open episode disagreeing with this year's first: 503B, C and D.
    this_years = {row["CHILD"] for row in p.this["episodes"]}
    open_last_year = p.children(
        "last_episodes", lambda row: row["DEC"] == "" and row["CHILD"] in this_years
    )
    for column, value, code in (
        ("LS", "C1", "503B"),
        ("CIN", "N7", "503C"),
        ("PLACE", "K1", "503D"),
    ):
        child = open_last_year.pop(0)
        p.used.add(child)
        still_open = next(r for r in p.last["episodes"] if r["CHILD"] == child and r["DEC"] == "")
        assert still_open[column] != value
        still_open[column] = value
        p.expect(child, code)

    # More single faults, one child each.
    child = p.take("oc3")
    p.row("oc3", child)["ACCOM"] = "Q1"
    p.expect(child, "133")
    child = p.take("uasc", lambda row: row["DUC"] != "")
    p.row("uasc", child)["DUC"] = "32/01/2026"
    p.expect(child, "104")
    child = p.take("missing")
    p.row("missing", child)["MIS_START"] = "yesterday"
    p.expect(child, "1004")
    child = p.take("reviews")
    p.row("reviews", child)["REVIEW"] = "31/09/2025"
    p.expect(child, "166")
    child = p.take("dolo")
    p.row("dolo", child)["DOLO_START"] = "2025-13-01"
    p.expect(child, "700")
    child = p.take("dolo")
    p.row("episodes", child)["URN"] = "XXXXXXX"
    # 503F too: the child's home was already its placement at the end of last year, under
    # its real URN.
    p.expect(child, "242", "503F")
    child = p.take("swepisodes", lambda row: row["SW_DEC"] != "")
    p.row("swepisodes", child, 1)["SW_REASON"] = "WHIMS"
    p.expect(child, "SW13STG1")
    child = p.take("header", lambda row: row["SEX"] == "F" and row["MOTHER"] == "0")
    p.row("header", child)["MOTHER"] = ""
    p.expect(child, "393", "165")  # both say a girl looked after must have MOTHER
    child = p.take("oc2", lambda row: row["CONVICTED"] == "" and row["HEALTH_CHECK"] == "")
    p.row("oc2", child)["TEETH_CHECK"] = ""
    p.expect(child, "191")
    child = p.take("oc2", lambda row: row["CONVICTED"] != "")
    p.row("oc2", child)["CONVICTED"] = ""
    p.expect(child, "543")
    child = p.take("oc2", lambda row: row["SDQ_SCORE"] != "")
    p.row("oc2", child)["SDQ_SCORE"] = ""
    p.expect(child, "186")
    child = p.take("episodes", lambda row: row["REC"] == "")
    p.row("episodes", child, -1)["HOME_POST"] = ""
    p.row("episodes", child, -1)["PL_POST"] = ""
    p.expect(child, "392B")
    # Short breaks, a child placed with parents, a young mother.
    child = p.take("episodes", lambda row: row["LS"] == "V4")
    p.find("episodes", child, lambda row: row["LS"] == "V4")["PL_POST"] = "BN1 1"
    p.expect(child, "214", "398")  # location not required, and no postcodes for short breaks
    child = p.take("episodes", lambda row: row["PLACE"] == "P1")
    p.find("episodes", child, lambda row: row["PLACE"] == "P1")["PLACE_PROVIDER"] = "PR1"
    p.expect(child, "527")  # the authority's own provision cannot be the parents' home
    child = p.take("header", lambda row: row["MOTHER"] == "1")
    p.row("header", child)["MC_DOB"] = ""
    p.expect(child, "611")

    care_leaver = p.take("oc3")
    p.this["uasc"].append(
        {"CHILD": care_leaver, "SEX": "M", "DOB": p.row("header", care_leaver)["DOB"], "DUC": ""}
    )
    p.expect(care_leaver, "1014", "1014")  # it points at the UASC row and the OC3 row
    p.this["reviews"].append(
        {
            "CHILD": care_leaver,
            "DOB": p.row("header", care_leaver)["DOB"],
            "REVIEW": "01/06/2025",
            "REVIEW_CODE": "PN1",
        }
    )
    p.expect(care_leaver, "1012")

    outcome = p.run()
    assert outcome.not_checked == {}
    assert outcome.counts == dict(p.expected)
    for code in ("101", "144", "143", "225", "181", "SW02STG1"):
        assert outcome.children[code] == frozenset(p.touched[code])
    assert_each_failure_is_its_childs_record(outcome, p.tables)


# --- the CIN census ---------------------------------------------------------------------------


class PlanterCin:
    """The clean census's <Child> elements, spoilt one by one by replacing text."""

    def __init__(self) -> None:
        self.children = cin_children()
        self.expected: Counter[str] = Counter()
        self.touched: dict[str, set[str]] = {}
        self.used: set[int] = set()

    def take(self, *having: str) -> int:
        """The first child not yet spoilt whose element holds every text in `having`."""
        for index, child in enumerate(self.children):
            if index not in self.used and all(text in child for text in having):
                self.used.add(index)
                return index
        raise AssertionError(f"no child left holding {having}")

    def replace(self, index: int, old: str, new: str) -> None:
        assert old in self.children[index], old
        self.children[index] = self.children[index].replace(old, new, 1)

    def sub(self, index: int, pattern: str, new: str) -> None:
        """Replace the first match of `pattern` (a regular expression)."""
        changed = re.sub(pattern, new, self.children[index], count=1)
        assert changed != self.children[index], pattern
        self.children[index] = changed

    def expect(self, index: int, *codes: str) -> None:
        child = re.search(r"<LAchildID>([^<]*)</LAchildID>", self.children[index])
        assert child is not None
        for code in codes:
            self.expected[code] += 1
            self.touched.setdefault(code, set()).add(child.group(1))

    def run(self) -> RuleOutcome:
        self.tables = cin_tables(cin_xml(self.children), collection_year=YEAR)
        return rule_set("cin", YEAR).run(self.tables)


def test_planted_errors_in_a_cin_census_are_counted_exactly():
    p = PlanterCin()
    # The child's identifiers and characteristics.
    for _ in range(3):
        child = p.take("<Sex>M</Sex>")
        p.replace(child, "<Sex>M</Sex>", "<Sex>1</Sex>")
        p.expect(child, "4180")
    child = p.take("<Ethnicity>")
    p.sub(child, r"<Ethnicity>\w+</Ethnicity>", "<Ethnicity>ZZZZ</Ethnicity>")
    p.expect(child, "4220")
    child = p.take("<Disability>NONE</Disability>", "<ReferralNFA>false")
    p.replace(child, "<Disability>NONE</Disability>", "<Disability>WINGS</Disability>")
    # 8899Q too, at the disability and at the assessment: a child recorded as disabled has
    # no disability factor at assessment.
    p.expect(child, "8540", "8899Q", "8899Q")
    child = p.take("<Disability>NONE</Disability>")
    p.replace(child, "</Disabilities>", "<Disability>HEAR</Disability></Disabilities>")
    # Both disability records fail 8790; and now disabled, the child has no disability
    # factor at assessment (8899Q, at the disability and the assessment).
    p.expect(child, "8790", "8790", "8899Q", "8899Q")
    child = p.take("<Disability>MOB</Disability>")
    p.replace(child, "</Disabilities>", "<Disability>MOB</Disability></Disabilities>")
    p.expect(child, "8794", "8794")  # both records of the repeated code
    child = p.take("<UPN>")
    p.sub(child, r"<UPN>\w", "<UPN>I")
    p.expect(child, "1510")
    first, second = p.take("<UPN>"), p.take("<UPN>")
    shared = re.search(r"<UPN>(\w+)</UPN>", p.children[first])
    assert shared is not None
    p.sub(second, r"<UPN>\w+</UPN>", f"<UPN>{shared.group(1)}</UPN>")
    p.expect(first, "1520")
    p.expect(second, "1520")
    child = p.take("<UPN>")
    p.replace(child, "</LAchildID>", "</LAchildID><FormerUPN>T12</FormerUPN>")
    p.expect(child, "1560Q")
    child = p.take("<LAchildID>")
    p.replace(child, "<LAchildID>CIN", "<LAchildID>CIN-")
    p.expect(child, "1580")

    # Referrals.
    child = p.take("<ReferralSource>")
    p.sub(child, r"<ReferralSource>\w+</ReferralSource>", "<ReferralSource>9Z</ReferralSource>")
    p.expect(child, "8866")
    child = p.take("<PrimaryNeedCode>")
    p.sub(child, r"<PrimaryNeedCode>\w+<", "<PrimaryNeedCode>N99<")
    p.expect(child, "8650")
    child = p.take("<ReasonForClosure>RC3<")
    p.replace(child, "<ReasonForClosure>RC3<", "<ReasonForClosure>RC99<")
    p.expect(child, "8640")
    child = p.take("<ReasonForClosure>RC3<")
    p.replace(child, "<ReasonForClosure>RC3</ReasonForClosure>", "")
    p.expect(child, "8805")
    child = p.take("<ReferralNFA>true<")
    p.replace(child, "<ReferralNFA>true<", "<ReferralNFA>maybe<")
    p.expect(child, "8568")

    # Assessments.
    child = p.take("<AssessmentFactors>")
    p.sub(child, r"(<AssessmentFactors>\w+</AssessmentFactors>)", r"\1\1")
    p.expect(child, "8898")
    for _ in range(2):
        child = p.take("<AssessmentFactors>")
        p.sub(child, r"<AssessmentFactors>\w+<", "<AssessmentFactors>8A<")
        p.expect(child, "8617", "8897Q")  # 8897Q: each factor must be a code of the year

    # Child protection.
    child = p.take("<InitialCategoryOfAbuse>")
    p.sub(child, r"<InitialCategoryOfAbuse>\w+<", "<InitialCategoryOfAbuse>BAD<")
    p.expect(child, "8905")
    child = p.take("<LatestCategoryOfAbuse>")
    p.sub(child, r"<LatestCategoryOfAbuse>\w+<", "<LatestCategoryOfAbuse>BAD<")
    p.expect(child, "8910")
    child = p.take("<NumberOfPreviousCPP>")
    p.sub(child, r"<NumberOfPreviousCPP>\w+</NumberOfPreviousCPP>", "")
    p.expect(child, "8730")
    child = p.take("<CPPreviewDate>")
    start = re.search(r"<CPPstartDate>([^<]+)<", p.children[child])
    assert start is not None
    p.sub(child, r"<CPPreviewDate>[^<]+<", f"<CPPreviewDate>{start.group(1)}<")
    p.expect(child, "8841", "8841")  # at the review and at its plan

    # Dates out of order, one child each.
    child = p.take("<ReasonForClosure>RC8<", "<CINreferralDate>2025-1")
    p.sub(child, r"<CINclosureDate>[^<]+<", "<CINclosureDate>2025-04-02<")
    # 8565 too, at the referral and its assessment: the assessment now falls after the
    # case was closed.
    p.expect(child, "8630", "8565", "8565")
    child = p.take("<ReasonForClosure>RC8<")
    p.sub(child, r"<CINclosureDate>[^<]+</CINclosureDate>", "")
    p.expect(child, "8810")
    child = p.take("<AssessmentAuthorisationDate>")
    p.sub(child, r"<AssessmentActualStartDate>[^<]+<", "<AssessmentActualStartDate>2026-03-30<")
    p.expect(child, "8608")
    child = p.take("<DateOfInitialCPC>")
    p.sub(child, r"<InitialCPCtarget>[^<]+<", "<InitialCPCtarget>2025-11-01<")
    p.expect(child, "8870Q")  # a Saturday
    child = p.take("<LAchildID>")
    p.replace(child, "<LAchildID>CIN", "<LAchildID>CIN0123456789ABCDEFGHIJ")
    p.expect(child, "1570")

    # A child referred twice whose first referral is left open, and whose ethnicity is not a
    # code: four rules, one child.
    child = p.take("<ReasonForClosure>RC1</ReasonForClosure>", "</CINdetails><CINdetails>")
    p.sub(
        child, r"<CINclosureDate>[^<]+</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>", ""
    )
    p.expect(child, "8815", "8815")  # both open referrals
    p.expect(child, "8816")  # the open one that is not the latest
    p.expect(child, "8820")  # and, still open, it overlaps the later referral
    p.sub(child, r"<Ethnicity>\w+</Ethnicity>", "<Ethnicity>W</Ethnicity>")
    p.expect(child, "4220")

    outcome = p.run()
    assert outcome.not_checked == {}
    assert outcome.counts == dict(p.expected)
    for code in ("4180", "1520", "8617", "8815"):
        assert outcome.children[code] == frozenset(p.touched[code])
    assert_each_failure_is_its_childs_record(outcome, p.tables)
