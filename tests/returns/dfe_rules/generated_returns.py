"""Realistic clean returns for the 2025/26 collection, generated from a seed: an SSDA903 return
(this year's tables and last year's header and episodes) and a CIN census XML, each of which
passes every DfE rule of the year. The planted-errors test spoils them in known ways.

Everything is made up: no child is real. The histories are plain but plausible: a period of
care starting before or during the year, placement and legal status changes, some children
adopted, some returning home or placed with their parents, care leavers who left at 18 last
year, UASC young people, short breaks, young mothers, reviews, missing periods, social worker
episodes and a few deprivation of liberty orders. A 29 February birthday falls on 28
February in other years, as the rules count it.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from returns.derive_903 import REQUIRED_COLUMNS

YEAR = 2026
YEAR_START = date(2025, 4, 1)
YEAR_END = date(2026, 3, 31)
LAST_YEAR_START = date(2024, 4, 1)

HEADER = REQUIRED_COLUMNS["header"]
EPISODES = REQUIRED_COLUMNS["episodes"]
UASC = ("CHILD", "SEX", "DOB", "DUC")
OC2 = (
    "CHILD",
    "DOB",
    "SDQ_SCORE",
    "SDQ_REASON",
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)
OC3 = ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")
AD1 = (
    "CHILD",
    "DOB",
    "DATE_INT",
    "DATE_MATCH",
    "FOSTER_CARE",
    "NB_ADOPTR",
    "SEX_ADOPTR",
    "LS_ADOPTR",
)
PLACED_ADOPTION = ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")
PREV_PERM = ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM")
MISSING = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
REVIEWS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
SW_EPISODES = ("CHILD", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")
DOLO = ("CHILD", "DOLO_START", "DOLO_END")

ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MWBA", "AIND", "APKN", "BAFR", "BCRB")
FOSTER = ("U1", "U3", "U4", "U5", "U6")
PLACE_CHANGE_REASONS = ("CARPL", "CLOSE", "STAND", "APPRR", "CREQB", "CHILD", "LAREQ", "OTHER")
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the check letter's alphabet: no I, O or S


def show(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February: the 28th in other years, as the rules count it
        return date(born.year + years, 2, 28)


def upn(rng: random.Random, number: int) -> str:
    """A well-formed UPN, one to a child: a check letter, the LA's number, a school (a
    thousand children to each, so no two children share a UPN), a year and a serial."""
    school = 1000 + number // 1000
    body = f"{rng.choice(['201', '202', '815'])}{school}{rng.randint(10, 25)}{number % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] + body


@dataclass
class Episode:
    start: date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    urn: str
    end: date | None = None
    rec: str = ""
    reason_change: str = ""

    def row(self, child: str, home: str, post: str) -> list[str]:
        return [
            child,
            show(self.start),
            self.rne,
            self.ls,
            self.cin,
            self.place,
            self.provider,
            show(self.end),
            self.rec,
            self.reason_change,
            home,
            post,
            self.urn,
        ]


@dataclass
class Child:
    code: str
    sex: str
    born: date
    ethnic: str
    upn: str
    home: str
    post: str
    episodes: list[Episode] = field(default_factory=list)
    first_child_born: date | None = None  # a girl who became a mother this year


class Return903:
    """Builds a clean SSDA903 return child by child."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: dict[str, list[list[str]]] = {}
        self.last: dict[str, list[list[str]]] = {"header": [], "episodes": []}
        self.number = 0

    def add(self, table: str, row: list[str]) -> None:
        self.rows.setdefault(table, []).append(row)

    # --- a child's history ------------------------------------------------------------------

    def new_child(self, age_years: float, sex: str | None = None) -> Child:
        rng = self.rng
        self.number += 1
        born = YEAR_START - timedelta(days=int(age_years * 365.25) + rng.randint(0, 300))
        if (born.month, born.day) == (4, 1):
            # Born on 1 April, a child turns 17 on the first day of the year: rule 189 (17 or
            # over on 1 April: no SDQ) and 197B (turned 17 in the year: an SDQ or a reason)
            # then contradict each other, as the DfE's texts do.
            born -= timedelta(days=1)
        return Child(
            code=f"C{self.number:05d}",
            sex=sex or rng.choice("MF"),
            born=born,
            ethnic=rng.choice(ETHNICITIES),
            upn=upn(rng, self.number),
            home=f"BN{rng.randint(1, 27)} {rng.randint(1, 9)}",
            post=f"BN{rng.randint(1, 27)} {rng.randint(1, 9)}",
        )

    def foster(self, start: date, rne: str, ls: str, cin: str) -> Episode:
        place = self.rng.choice(FOSTER)
        provider = "PR1" if place in ("U1", "U2", "U3") else "PR4"
        return Episode(
            start, rne, ls, cin, place, provider, f"SC{self.rng.randint(100000, 999999)}"
        )

    def history(self, child: Child, start: date, changes: int, ls: str = "C2") -> None:
        """A period of care from `start` in foster care, with placement and legal status
        changes spaced out until the end of the year."""
        rng = self.rng
        start = max(start, child.born + timedelta(days=30))
        cin = rng.choice(("N1", "N1", "N2", "N4", "N5", "N6"))
        episodes = [self.foster(start, "S", ls, cin)]
        day = start
        for _ in range(changes):
            day = day + timedelta(days=rng.randint(60, 240))
            if day >= YEAR_END - timedelta(days=10):
                break
            previous = episodes[-1]
            previous.end, previous.rec = day, "X1"
            if previous.ls == "C1" and rng.random() < 0.5:
                episode = Episode(
                    day, "L", "C2", cin, previous.place, previous.provider, previous.urn
                )
            else:
                episode = self.foster(day, "P", previous.ls, cin)
                while episode.place == previous.place:
                    episode = self.foster(day, "P", previous.ls, cin)
                previous.reason_change = rng.choice(PLACE_CHANGE_REASONS)
            episodes.append(episode)
        child.episodes = episodes

    def leave_at_18(self, child: Child) -> None:
        """A young person still looked after on their 18th birthday leaves care that day,
        staying put with their foster carers."""
        eighteen = birthday(child.born, 18)
        if eighteen > YEAR_END:
            return
        child.episodes = [e for e in child.episodes if e.start < eighteen - timedelta(days=3)]
        last = child.episodes[-1]
        if last.end is None or last.end > eighteen or last.rec == "X1":
            last.end, last.rec, last.reason_change = eighteen, "E17", ""

    def end_period(self, child: Child, day: date, rec: str) -> None:
        last = child.episodes[-1]
        if day <= last.start + timedelta(days=2):
            day = last.start + timedelta(days=3)
        last.end, last.rec = day, rec

    # --- writing a child's tables -----------------------------------------------------------

    def write(self, child: Child, *, mother: bool = True) -> None:
        this_year = [e for e in child.episodes if e.end is None or e.end >= YEAR_START]
        last_year = [
            e
            for e in child.episodes
            if e.start < YEAR_START and (e.end is None or e.end >= LAST_YEAR_START)
        ]
        header = [child.code, child.sex, show(child.born), child.ethnic, child.upn, "", ""]
        if mother and child.sex == "F" and this_year:
            header[5] = "0"
        last_header = list(header)  # last year she was not yet a mother
        if child.first_child_born is not None:
            header[5], header[6] = "1", show(child.first_child_born)
        self.add("header", header)
        for episode in this_year:
            self.add("episodes", episode.row(child.code, child.home, child.post))
        if last_year:
            self.last["header"].append(last_header)
            for episode in last_year:
                row = episode.row(child.code, child.home, child.post)
                if episode.end is not None and episode.end >= YEAR_START:
                    row[7:10] = ["", "", ""]  # still open when last year's return was made
                self.last["episodes"].append(row)
        if this_year:
            self.extras(child, this_year)

    def extras(self, child: Child, this_year: list[Episode]) -> None:
        rng = self.rng
        dob = show(child.born)
        period_start = child.episodes[0].start
        last = child.episodes[-1]
        open_at_end = last.end is None
        if period_start >= YEAR_START:
            self.add("prevperm", [child.code, dob, "Z1", "", ""])
        if all(e.ls in ("V3", "V4") for e in child.episodes):
            return  # short breaks only: no reviews, outcomes or social worker are returned
        # Reviews: the first within 20 days, then every six months while looked after.
        review = period_start + timedelta(days=rng.randint(10, 20))
        end = last.end or YEAR_END
        while review <= end:
            if review >= YEAR_START:
                aged_4 = birthday(child.born, 4) <= review
                code = rng.choice(("PN1", "PN2", "PN3", "PN5", "PN6")) if aged_4 else "PN0"
                self.add("reviews", [child.code, dob, show(review), code])
            review += timedelta(days=rng.randint(150, 180))
        # Social worker episodes: one open at the start of the year (or from the start of
        # care), sometimes a change of worker.
        if open_at_end:
            sw_start = max(period_start, date(2024, 9, 1))
            change = sw_start + timedelta(days=rng.randint(30, 300))
            if rng.random() < 0.4 and change < YEAR_END - timedelta(days=20):
                self.add(
                    "swepisodes",
                    [
                        child.code,
                        f"SW{rng.randint(10000, 99999)}",
                        show(sw_start),
                        show(change),
                        "FCONTA",
                    ],
                )
                self.add(
                    "swepisodes",
                    [child.code, f"SW{rng.randint(10000, 99999)}", show(change), "", "MANAGE"],
                )
            else:
                self.add(
                    "swepisodes",
                    [child.code, f"SW{rng.randint(10000, 99999)}", show(sw_start), "", "FCONTA"],
                )
        # A missing period within one of this year's episodes, for some.
        longest = max(this_year, key=lambda e: (e.end or YEAR_END) - max(e.start, YEAR_START))
        begin = max(longest.start, YEAR_START) + timedelta(days=2)
        finish = (longest.end or YEAR_END) - timedelta(days=3)
        if rng.random() < 0.15 and (finish - begin).days > 10 and birthday(child.born, 11) < begin:
            gone = begin + timedelta(days=rng.randint(0, (finish - begin).days - 5))
            back = gone + timedelta(days=rng.randint(1, 3))
            self.add("missing", [child.code, dob, rng.choice("MA"), show(gone), show(back)])
        # OC2: looked after continuously for 12 months at 31 March.
        if open_at_end and period_start <= YEAR_START - timedelta(days=1):
            self.oc2(child)

    def oc2(self, child: Child) -> None:
        rng = self.rng
        convicted = "0" if birthday(child.born, 10) <= YEAR_END else ""
        check = "1" if birthday(child.born, 5) > YEAR_END else ""
        score, reason = "", ""
        if birthday(child.born, 4) <= YEAR_END and birthday(child.born, 17) > YEAR_START:
            if rng.random() < 0.85:
                score = str(rng.randint(0, 40))
            else:
                reason = rng.choice(("SDQ2", "SDQ3", "SDQ4", "SDQ5"))
        misuse = "1" if birthday(child.born, 13) < YEAR_END and rng.random() < 0.1 else "0"
        received = rng.choice("01") if misuse == "1" else ""
        offered = rng.choice("01") if received == "0" else ""
        self.add(
            "oc2",
            [
                child.code,
                show(child.born),
                score,
                reason,
                convicted,
                check,
                "1",
                rng.choice("11110"),
                "1",
                misuse,
                received,
                offered,
            ],
        )

    # --- children of particular kinds -------------------------------------------------------

    def uasc(self) -> None:
        """An unaccompanied asylum-seeking young person, arriving at 15 to 17; some turn 18
        during the year, when their UASC status ceases."""
        rng = self.rng
        child = self.new_child(rng.uniform(15.0, 16.8), sex="M")
        before_18 = (birthday(child.born, 18) - YEAR_START).days - 30
        start = YEAR_START + timedelta(days=rng.randint(0, min(200, before_18)))
        self.history(child, start, rng.randint(0, 1), ls="V2")
        for episode in child.episodes:
            episode.cin = "N8"
        self.leave_at_18(child)
        eighteen = birthday(child.born, 18)
        ceased = eighteen if eighteen <= YEAR_END else None
        self.add("uasc", [child.code, child.sex, show(child.born), show(ceased)])
        self.write(child)

    def adopted(self) -> None:
        """A young child in foster care, placed for adoption under a placement order and
        adopted during the year."""
        rng = self.rng
        child = self.new_child(rng.uniform(1.0, 3.0))
        start = YEAR_START - timedelta(days=rng.randint(150, 250))
        first = self.foster(start, "S", "C2", "N1")
        order = first.start + timedelta(days=rng.randint(150, 200))
        first.end, first.rec = order, "X1"
        under_order = Episode(order, "L", "E1", "N1", first.place, first.provider, first.urn)
        placed = order + timedelta(days=rng.randint(60, 120))
        under_order.end, under_order.rec, under_order.reason_change = placed, "X1", "APPRR"
        with_adopters = Episode(placed, "P", "E1", "N1", "A4", "PR1", "XXXXXXX")
        adoption = placed + timedelta(days=rng.randint(70, 150))
        with_adopters.end, with_adopters.rec = adoption, "E11"
        child.episodes = [first, under_order, with_adopters]
        decided = start + timedelta(days=rng.randint(20, 100))
        matched = placed - timedelta(days=rng.randint(5, 30))
        dob = show(child.born)
        self.add("placedadoption", [child.code, dob, show(decided), "", ""])
        self.add("ad1", [child.code, dob, show(decided), show(matched), "0", "2", "MF", "L3"])
        self.write(child)

    def care_leaver(self) -> None:
        """A young person who left care on their 18th birthday last year: in last year's
        episodes, and this year only in the header and OC3."""
        rng = self.rng
        child = self.new_child(18.05 + rng.uniform(0.0, 0.1))
        eighteen = birthday(child.born, 18)
        start = birthday(child.born, 15) + timedelta(days=rng.randint(0, 200))
        episode = self.foster(start, "S", "C2", "N1")
        episode.end, episode.rec = eighteen, "E17"
        child.episodes = [episode]
        self.write(child)
        accommodation = rng.choice(("Z1", "S2", "T1", "U1", "V1"))
        self.add(
            "oc3",
            [child.code, show(child.born), "YES", rng.choice(("F1", "F2", "G4")), accommodation],
        )

    def short_breaks(self) -> None:
        """A disabled child who stays with foster carers for a few days at a time under an
        agreed series of short breaks (LS V4): each break its own period of care, with no
        postcodes or URN (the DfE collects none for short breaks)."""
        rng = self.rng
        child = self.new_child(rng.uniform(5.0, 14.0))
        day = YEAR_START + timedelta(days=rng.randint(5, 40))
        breaks: list[Episode] = []
        while day < YEAR_END - timedelta(days=30) and len(breaks) < 8:
            stay = Episode(day, "S", "V4", "N4", "U6", "PR1", "")
            stay.end, stay.rec = day + timedelta(days=rng.randint(2, 4)), "E13"
            breaks.append(stay)
            day += timedelta(days=rng.randint(30, 50))
        child.episodes = breaks
        child.home = child.post = ""
        self.write(child, mother=False)

    def placed_at_home(self) -> None:
        """A child on a care order who has gone home to live with parents (PLACE P1, the
        parents the provider, PR0), still looked after."""
        rng = self.rng
        child = self.new_child(rng.uniform(3.0, 12.0))
        start = YEAR_START - timedelta(days=rng.randint(200, 600))
        first = self.foster(start, "S", "C2", "N1")
        home = YEAR_START + timedelta(days=rng.randint(20, 250))
        first.end, first.rec, first.reason_change = home, "X1", "CARPL"
        child.episodes = [first, Episode(home, "P", "C2", "N1", "P1", "PR0", "")]
        self.write(child)

    def young_mother(self) -> None:
        """A girl of 15 or 16 in foster care who had a baby this year."""
        rng = self.rng
        child = self.new_child(rng.uniform(15.0, 16.3), sex="F")
        start = YEAR_START - timedelta(days=rng.randint(100, 700))
        self.history(child, start, rng.randint(0, 1))
        self.leave_at_18(child)
        still_in_care = child.episodes[-1].end or YEAR_END
        child.first_child_born = YEAR_START + timedelta(
            days=rng.randint(20, max(21, (still_in_care - YEAR_START).days - 5))
        )
        self.write(child)

    def deprived_of_liberty(self) -> None:
        """A young person in a children's home under a deprivation of liberty order."""
        rng = self.rng
        child = self.new_child(rng.uniform(13.0, 15.5))
        start = YEAR_START - timedelta(days=rng.randint(200, 500))
        episode = Episode(start, "S", "C2", "N4", "K2", "PR4", f"SC{rng.randint(100000, 999999)}")
        child.episodes = [episode]
        order = YEAR_START + timedelta(days=rng.randint(10, 150))
        ended = order + timedelta(days=rng.randint(30, 120))
        self.add("dolo", [child.code, show(order), show(ended)])
        self.write(child)


def generate_903(seed: int = 26, children: int = 300) -> tuple[dict[str, str], dict[str, str]]:
    """This year's tables and last year's (header and episodes), as CSV text by table name."""
    build = Return903(seed)
    rng = build.rng
    for _ in range(children):
        kind = rng.random()
        if kind < 0.45:  # in care since before the year, still in care
            child = build.new_child(rng.uniform(1.5, 16.5))
            start = YEAR_START - timedelta(days=rng.randint(400, 1500))
            build.history(child, start, rng.randint(0, 4))
        elif kind < 0.65:  # came into care during the year
            child = build.new_child(rng.uniform(0.5, 16.0))
            start = YEAR_START + timedelta(days=rng.randint(0, 300))
            build.history(child, start, rng.randint(0, 2), ls=rng.choice(("C2", "C1", "V2")))
        elif kind < 0.82:  # went home during the year
            child = build.new_child(rng.uniform(1.0, 15.0))
            start = YEAR_START - timedelta(days=rng.randint(30, 500))
            build.history(child, start, rng.randint(0, 2))
            home = YEAR_START + timedelta(days=rng.randint(10, 340))
            if home <= child.episodes[-1].start:
                home = child.episodes[-1].start + timedelta(days=5)
            if home < YEAR_END:
                build.end_period(child, home, rng.choice(("E4A", "E4A", "E41", "E45", "E46")))
        else:
            child = build.new_child(rng.uniform(1.0, 15.0))
            start = YEAR_START - timedelta(days=rng.randint(100, 700))
            build.history(child, start, rng.randint(0, 3))
        build.leave_at_18(child)
        build.write(child)
    for _ in range(children // 15):
        build.uasc()
        build.adopted()
        build.care_leaver()
        build.deprived_of_liberty()
        build.short_breaks()
        build.placed_at_home()
    for _ in range(children // 60):
        build.young_mother()
    return _as_csv(build.rows, THIS_YEAR), _as_csv(build.last, LAST_YEAR)


THIS_YEAR = {
    "header": HEADER,
    "episodes": EPISODES,
    "uasc": UASC,
    "oc2": OC2,
    "oc3": OC3,
    "ad1": AD1,
    "placedadoption": PLACED_ADOPTION,
    "prevperm": PREV_PERM,
    "missing": MISSING,
    "reviews": REVIEWS,
    "swepisodes": SW_EPISODES,
    "dolo": DOLO,
}
LAST_YEAR = {"header": HEADER, "episodes": EPISODES}


def _as_csv(rows: dict[str, list[list[str]]], tables: dict[str, tuple[str, ...]]) -> dict[str, str]:
    texts = {}
    for name, columns in tables.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows.get(name, []))
        texts[name] = out.getvalue()
    return texts


# --- the CIN census ---------------------------------------------------------------------------

CIN_SOURCES = ("1A", "1B", "2A", "2B", "3A", "3B", "3C", "3E", "4")
CIN_NEEDS = ("N1", "N1", "N2", "N3", "N4", "N5", "N6", "N8", "N9")
CIN_DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT")
FACTORS = ("1B", "2B", "3A", "3B", "4B", "2C", "9A", "10A", "11A", "14A", "16A", "22A")
ABUSE = ("NEG", "PHY", "SAB", "EMO")


def working_days_after(day: date, count: int) -> date:
    """The working day `count` working days after `day` (weekends apart: the generator
    keeps its conferences clear of bank holidays by allowing a few days' slack)."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _element(name: str, value: object) -> str:
    return "" if value in (None, "") else f"<{name}>{value}</{name}>"


class CinCensus:
    """Builds a clean CIN census child by child, as XML text."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.children: list[str] = []
        self.number = 0

    def child(self) -> None:
        rng = self.rng
        self.number += 1
        unborn = rng.random() < 0.01
        born = None if unborn else YEAR_END - timedelta(days=rng.randint(200, 17 * 365))
        disabilities = ["NONE"]
        if not unborn and rng.random() < 0.15:
            disabilities = rng.sample(CIN_DISABILITIES, rng.choice((1, 1, 2, 3)))
        earlier: list[str] = []
        floor = YEAR_START
        if born is not None and born < YEAR_START - timedelta(days=800) and rng.random() < 0.12:
            # Known before: a referral from last year on a CIN plan, closed early this year;
            # the child is referred again later.
            closed = YEAR_START + timedelta(days=rng.randint(10, 60))
            referred = YEAR_START - timedelta(days=rng.randint(100, 200))
            plan = referred + timedelta(days=rng.randint(40, 55))
            body = self.details_open(referred, closed, "RC1")
            body += f"<CINPlanDates>{_element('CINPlanStartDate', plan.isoformat())}"
            body += _element("CINPlanEndDate", closed.isoformat()) + "</CINPlanDates>"
            earlier.append(f"<CINdetails>{body}</CINdetails>")
            floor = closed + timedelta(days=rng.randint(20, 90))
        referrals = earlier + self.referrals(born, disabilities != ["NONE"], floor)
        identifiers = _element("LAchildID", f"CIN{self.number:05d}")
        if born is not None and born < YEAR_END - timedelta(days=4 * 365):
            identifiers += _element("UPN", upn(rng, self.number))
        elif born is not None:
            identifiers += _element("UPNunknown", "UN1")
        if unborn:
            expected = YEAR_END + timedelta(days=rng.randint(20, 200))
            identifiers += _element("ExpectedPersonBirthDate", expected.isoformat())
            identifiers += _element("Sex", "U")
        else:
            assert born is not None
            identifiers += _element("PersonBirthDate", born.isoformat())
            identifiers += _element("Sex", rng.choice("MF"))
        characteristics = _element("Ethnicity", rng.choice(ETHNICITIES))
        if not unborn:
            characteristics += (
                "<Disabilities>"
                + "".join(_element("Disability", code) for code in disabilities)
                + "</Disabilities>"
            )
        self.children.append(
            f"<Child><ChildIdentifiers>{identifiers}</ChildIdentifiers>"
            f"<ChildCharacteristics>{characteristics}</ChildCharacteristics>"
            + "".join(referrals)
            + "</Child>"
        )

    def referrals(self, born: date | None, disabled: bool, floor: date = YEAR_START) -> list[str]:
        """The child's referrals from `floor` on (or one carried over from last year)."""
        rng = self.rng
        earliest = floor if born is None else max(floor, born + timedelta(days=10))
        if born is None:
            earliest = YEAR_END - timedelta(days=80)
        kind = rng.random()
        carried_over = born is not None and born < YEAR_START - timedelta(days=400)
        if kind < 0.12 and carried_over and floor == YEAR_START:
            # Referred in an earlier year, on a CIN plan still open (or closed this year).
            referred = YEAR_START - timedelta(days=rng.randint(60, 300))
            plan = referred + timedelta(days=rng.randint(40, 55))
            closed = None
            if rng.random() < 0.4:
                closed = YEAR_START + timedelta(days=rng.randint(10, 300))
            body = self.details_open(referred, closed, "RC1" if closed else "")
            body += f"<CINPlanDates>{_element('CINPlanStartDate', plan.isoformat())}"
            body += _element("CINPlanEndDate", closed.isoformat() if closed else "")
            body += "</CINPlanDates>"
            return [f"<CINdetails>{body}</CINdetails>"]
        days = (YEAR_END - timedelta(days=70) - earliest).days
        referred = earliest + timedelta(days=rng.randint(0, max(days, 0)))
        if kind < 0.22:  # no further action at referral
            body = self.details_open(referred, None, "", nfa=True)
            return [f"<CINdetails>{body}</CINdetails>"]
        assessed = referred + timedelta(days=rng.randint(1, 4))
        authorised = assessed + timedelta(days=rng.randint(15, 40))
        factors = rng.sample(FACTORS, rng.choice((1, 2, 3)))
        if disabled:
            factors.append("5A")
        assessment = (
            "<Assessments>"
            + _element("AssessmentActualStartDate", assessed.isoformat())
            + _element("AssessmentAuthorisationDate", authorised.isoformat())
            + "<FactorsIdentifiedAtAssessment>"
            + "".join(_element("AssessmentFactors", code) for code in factors)
            + "</FactorsIdentifiedAtAssessment></Assessments>"
        )
        if kind < 0.40:  # closed after assessment, no further action
            closed = authorised + timedelta(days=rng.randint(0, 5))
            body = self.details_open(referred, closed, "RC8") + assessment
            return [f"<CINdetails>{body}</CINdetails>"]
        if kind < 0.60 and referred < YEAR_END - timedelta(days=120):
            return [self.protection(referred, assessed, assessment)]
        # A CIN plan after the assessment, open or ended and the case closed.
        plan = authorised + timedelta(days=rng.randint(1, 10))
        closed = None
        if rng.random() < 0.35 and plan < YEAR_END - timedelta(days=60):
            closed = plan + timedelta(days=rng.randint(30, (YEAR_END - plan).days - 5))
        body = self.details_open(referred, closed, "RC3" if closed else "") + assessment
        body += f"<CINPlanDates>{_element('CINPlanStartDate', plan.isoformat())}"
        body += _element("CINPlanEndDate", closed.isoformat() if closed else "") + "</CINPlanDates>"
        return [f"<CINdetails>{body}</CINdetails>"]

    def protection(self, referred: date, assessed: date, assessment: str) -> str:
        """An enquiry under section 47, an initial conference and a child protection plan,
        reviewed and sometimes ended."""
        rng = self.rng
        enquiry = assessed + timedelta(days=rng.randint(0, 3))
        target = working_days_after(enquiry, 15)
        conference = weekday_on_or_before(target - timedelta(days=rng.randint(0, 7)))
        section47 = (
            "<Section47>"
            + _element("S47ActualStartDate", enquiry.isoformat())
            + _element("InitialCPCtarget", target.isoformat())
            + _element("DateOfInitialCPC", conference.isoformat())
            + _element("ICPCnotRequired", "false")
            + "</Section47>"
        )
        ended = None
        if rng.random() < 0.3 and conference < YEAR_END - timedelta(days=100):
            ended = conference + timedelta(days=rng.randint(90, (YEAR_END - conference).days - 1))
        reviews = []
        review = conference + timedelta(days=rng.randint(80, 90))
        while review < (ended or YEAR_END):
            reviews.append(_element("CPPreviewDate", review.isoformat()))
            review += timedelta(days=rng.randint(150, 180))
        plan = (
            "<ChildProtectionPlans>"
            + _element("CPPstartDate", conference.isoformat())
            + _element("CPPendDate", ended.isoformat() if ended else "")
            + _element("InitialCategoryOfAbuse", rng.choice(ABUSE))
            + _element("LatestCategoryOfAbuse", rng.choice(ABUSE))
            + _element("NumberOfPreviousCPP", rng.choice("0001"))
            + ("<Reviews>" + "".join(reviews) + "</Reviews>" if reviews else "")
            + "</ChildProtectionPlans>"
        )
        body = self.details_open(referred, None, "") + assessment + section47 + plan
        return f"<CINdetails>{body}</CINdetails>"

    def details_open(
        self, referred: date, closed: date | None, reason: str, nfa: bool = False
    ) -> str:
        rng = self.rng
        return (
            _element("CINreferralDate", referred.isoformat())
            + _element("ReferralSource", rng.choice(CIN_SOURCES))
            + _element("PrimaryNeedCode", rng.choice(CIN_NEEDS))
            + _element("CINclosureDate", closed.isoformat() if closed else "")
            + _element("ReasonForClosure", reason)
            + _element("ReferralNFA", "true" if nfa else "false")
        )


CIN_HEADER = (
    "<Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>"
    "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>"
    "<Source><SourceLevel>L</SourceLevel><LEA>846</LEA><SoftwareCode>Generated</SoftwareCode>"
    "<Release>1</Release><SerialNo>1</SerialNo><DateTime>2026-04-10T12:00:00</DateTime>"
    "</Source></Header>"
)


def generate_cin(seed: int = 26, children: int = 300) -> bytes:
    """A clean CIN census for 2025/26 as XML bytes."""
    return cin_xml(cin_children(seed, children))


def cin_children(seed: int = 26, children: int = 300) -> list[str]:
    """The clean census's <Child> elements, one string each (to be spoilt by a test)."""
    census = CinCensus(seed)
    for _ in range(children):
        census.child()
    return census.children


def cin_xml(children: list[str]) -> bytes:
    """A census of these <Child> elements, under the generator's header."""
    text = f'<?xml version="1.0" encoding="UTF-8"?><Message>{CIN_HEADER}<Children>'
    return (text + "".join(children) + "</Children></Message>").encode()
