"""Time to validate a CIN census of 50,000 children with the year's DfE rules and derive its
figures (issue 19), with the peak memory.

    .venv/bin/python bench/cin.py [--children N] [--runs N] [--seed N]

Generates a synthetic census in memory (the DfE's XML: a <Child> per child with its identifiers,
characteristics and one to three referrals, most with an assessment, some with a section 47
enquiry and a child protection plan), then times what an import's validation does:
`returns.derive_cin.derive_cin` on its bytes, and the year's CIN rule set over the census's
tables (`returns.dfe_rules.cin.tables.cin_tables`). Peak memory is the process's ru_maxrss (it
includes the generated file). No database, no Django.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from returns.derive_cin import derive_cin  # noqa: E402
from returns.dfe_rules.cin.tables import cin_tables  # noqa: E402
from returns.dfe_rules.engine import rule_set  # noqa: E402

YEAR = 2026
TARGET_S = 8.0
TARGET_MB = 1024
SOURCES = ["1A", "1B", "2A", "3A", "3E", "4", "5A", "6", "9"]
NEEDS = ["N1", "N1", "N1", "N2", "N3", "N4", "N5", "N8", "N9"]
CATEGORIES = ["NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL"]
DISABILITIES = ["NONE"] * 20 + ["MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH"]


def upn(number: int) -> str:
    """A well-formed UPN: the check letter, an LA code (822), then digits; the letter is the
    DfE's: digits 2-13 weighted 2-13, summed, the remainder on dividing by 23."""
    digits = f"822{number:09d}"
    total = sum(int(digit) * weight for weight, digit in enumerate(digits, start=2))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + digits


def _el(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{value}</{name}>"


def _weekday(day: date) -> date:
    """The day, or the Monday after it when it falls at a weekend (conferences sit on weekdays)."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _referral(
    rng: random.Random, start: date, year_end: date, *, last: bool, disabled: bool
) -> tuple[str, date]:
    """One referral starting at `start` (in the year, at least 70 days before its end), with its
    assessment and, for the child's latest referral only (one plan open at a time), maybe a
    section 47 enquiry and a plan; and the day its last activity happened. An earlier
    referral is closed (one open referral at a time) before the next starts."""
    assessed = rng.random() < 0.85
    enquiry = last and assessed and rng.random() < 0.25
    parts = [
        "<CINdetails>",
        _el("CINreferralDate", start.isoformat()),
        _el("ReferralSource", rng.choice(SOURCES)),
        _el("PrimaryNeedCode", rng.choice(NEEDS)),
    ]
    records: list[str] = []
    latest = start
    if assessed:
        authorised = start + timedelta(days=rng.randint(5, 45))
        latest = authorised
        records.append(
            "<Assessments>"
            + _el("AssessmentActualStartDate", (start + timedelta(days=1)).isoformat())
            + _el("AssessmentAuthorisationDate", authorised.isoformat())
            + "<FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>"
            + ("<AssessmentFactors>6A</AssessmentFactors>" if disabled else "")
            + "<AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment>"
            "</Assessments>"
        )
    if enquiry:
        s47 = start + timedelta(days=rng.randint(0, 10))
        icpc = _weekday(s47 + timedelta(days=rng.randint(5, 12)))
        latest = max(latest, icpc)
        records.append(
            "<Section47>"
            + _el("S47ActualStartDate", s47.isoformat())
            + _el("DateOfInitialCPC", icpc.isoformat())
            + "</Section47>"
        )
        if rng.random() < 0.5:
            category = rng.choice(CATEGORIES)
            ended = icpc + timedelta(days=rng.randint(100, 400))
            review = min(icpc + timedelta(days=90), year_end)
            records.append(
                "<ChildProtectionPlans>"
                + _el("CPPstartDate", icpc.isoformat())
                + _el("CPPendDate", ended.isoformat() if ended <= year_end else None)
                + _el("InitialCategoryOfAbuse", category)
                + _el("LatestCategoryOfAbuse", category)
                + _el("NumberOfPreviousCPP", str(rng.choice([0, 0, 0, 1, 2])))
                + f"<Reviews><CPPreviewDate>{review.isoformat()}</CPPreviewDate></Reviews>"
                + "</ChildProtectionPlans>"
            )
            latest = max(latest, review, ended if ended <= year_end else review)
    closed = latest + timedelta(days=rng.randint(1, 60))
    # Earlier referrals are closed; the latest is closed now and then, never after the year.
    is_closed = closed <= year_end and not enquiry and (not last or rng.random() < 0.5)
    parts += [
        _el("CINclosureDate", closed.isoformat() if is_closed else None),
        _el("ReasonForClosure", "RC1" if is_closed else None),
        _el("ReferralNFA", "false"),
        *records,
        "</CINdetails>",
    ]
    return "".join(parts), closed if is_closed else year_end


def generate(children: int, seed: int) -> bytes:
    """A synthetic census of `children` children for the collection year, which the importer
    and the DfE's rules find clean (a return with no errors: the slowest case for neither)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    year_start, year_end = date(YEAR - 1, 4, 1), date(YEAR, 3, 31)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?><Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{YEAR}</Year><ReferenceDate>{year_end.isoformat()}"
        "</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA>"
        "</Source></Header><Children>"
    ]
    for number in range(children):
        born = year_end - timedelta(days=rng.randint(400, 17 * 365))
        disability = rng.choice(DISABILITIES)
        out.append(
            f"<Child><ChildIdentifiers><LAchildID>C{number:07d}</LAchildID>"
            f"<UPN>{upn(number)}</UPN><PersonBirthDate>{born.isoformat()}</PersonBirthDate>"
            f"<Sex>{rng.choice('MF')}</Sex></ChildIdentifiers><ChildCharacteristics>"
            "<Ethnicity>WBRI</Ethnicity><Disabilities><Disability>"
            f"{disability}</Disability></Disabilities></ChildCharacteristics>"
        )
        latest_start = year_end - timedelta(days=70)
        start = year_start + timedelta(days=rng.randint(0, 200))
        referrals = rng.choice([1, 1, 1, 2, 2, 3])
        for number_of in range(referrals):
            last = number_of == referrals - 1
            text, ended = _referral(rng, start, year_end, last=last, disabled=disability != "NONE")
            out.append(text)
            start = ended + timedelta(days=rng.randint(10, 60))
            if start > latest_start:  # no room for another: this one is the latest
                break
        out.append("</Child>")
    out.append("</Children></Message>")
    return "".join(out).encode()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()

    source = generate(arguments.children, arguments.seed)
    rules = rule_set("cin", YEAR)
    times: list[float] = []
    cpu: list[float] = []
    result = outcome = None
    for _ in range(max(1, arguments.runs)):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = derive_cin(source, collection_year=YEAR, population=250_000)
        outcome = rules.run(cin_tables(source, collection_year=YEAR))
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    if result is None or outcome is None:
        raise SystemExit("no run")
    errors = sum(finding.is_error for finding in result.findings)
    print(
        f"CIN census {YEAR} ({len(source) / 1_048_576:.1f} MB): {arguments.children} children, "
        f"{len(result.figures)} figures, {len(result.findings)} findings ({errors} errors)"
    )
    print(
        f"CIN rules ({outcome.rule_set}): {len(outcome.rules)} rules run, "
        f"{len(outcome.counts)} failed on {sum(outcome.counts.values())} rows, "
        f"{len(outcome.not_checked)} not checked"
    )
    peak = peak_mb()
    worst = max(times)
    met = worst <= TARGET_S and peak <= TARGET_MB
    print(
        f"derive and run the rules: best {min(times):.2f} s, worst {worst:.2f} s over "
        f"{len(times)} runs (CPU "
        f"{min(cpu):.2f}-{max(cpu):.2f} s; load average {os.getloadavg()[0]:.1f}); peak memory "
        f"{peak:.0f} MB; targets <= {TARGET_S:.0f} s and <= {TARGET_MB} MB: "
        f"{'met' if met else 'NOT MET'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
