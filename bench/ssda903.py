"""Time to validate and derive an SSDA903 return of 100,000 episodes (issue 4), as CSV tables
and as one XML file, and to check it with the year's full DfE rule set as well (issue 19).

    .venv/bin/python bench/ssda903.py [--episodes N] [--children N] [--runs N] [--seed N]

Generates a synthetic return in memory (header, episodes, UASC, OC2, OC3 and AD1 tables as CSV
text; about 30,000 children with realistic mixes of codes, chained episodes and some periods
of care ending), then times `returns.derive_903.derive_903` on it: reading the CSV, validating
every row and the chain of episodes, and deriving the figures. The same return is then written
as the XML a case-management system exports and `returns.ssda903_xml.derive_903_xml` is timed
on its bytes (parsing, building the tables, deriving, placing findings on the XML); the two
must give the same figures. Last, the whole validation as an import runs it is timed: deriving
the figures and running every DfE rule held for the year (`returns.dfe_rules`) over the same
tables, with the process's peak memory (ru_maxrss; it includes the generated return). No
database, no Django.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from returns.derive_903 import REQUIRED_COLUMNS, Derived903, derive_903  # noqa: E402
from returns.dfe_rules.engine import ReturnTables, RuleOutcome, rule_set  # noqa: E402
from returns.ssda903_xml import derive_903_xml  # noqa: E402

TARGET_S = 10.0
# Issue 19: validating with the full rule set and deriving the figures.
RULES_TARGET_S = 8.0
RULES_TARGET_MB = 1024
YEAR = 2025
YEAR_END = date(YEAR, 3, 31)

EPISODE_COLUMNS = list(REQUIRED_COLUMNS["episodes"])
RNE_NEXT = (["P"] * 50) + (["L"] * 20) + (["T"] * 15) + (["B"] * 8) + (["U"] * 7)
LS = (["C2"] * 45) + (["C1"] * 15) + (["V2"] * 20) + (["E1"] * 8) + ["V3", "V4", "J2", "L2"] * 3
PLACE = (
    (["U1", "U2", "U3", "U4", "U5", "U6"] * 12)
    + (["K2"] * 8)
    + (["R1", "H5", "P1", "P2", "S1", "Z1", "A4", "A6"] * 2)
    + ["A3", "A5", "T0", "T3", "R2", "R5", "K1"]
)
REC_END = (["E4A"] * 25) + (["E8"] * 20) + (["E45"] * 10) + (["E11", "E12"] * 5) + ["E13", "E3"]
CIN = ["N1"] * 6 + ["N2", "N3", "N4", "N5", "N6", "N7", "N8"]


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def generate(episodes: int, children: int, seed: int) -> dict[str, str]:
    """A synthetic return of about `episodes` episodes over `children` children."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    per_child = episodes / children
    header: list[list[str]] = []
    rows: list[list[str]] = []
    uasc: list[list[str]] = []
    oc2: list[list[str]] = []
    oc3: list[list[str]] = []
    ad1: list[list[str]] = []
    remaining = episodes
    for number in range(children):
        child = f"C{number:06d}"
        dob = YEAR_END - timedelta(days=rng.randint(30, 17 * 365))
        header.append([child, rng.choice("12"), _d(dob), "WBRI", f"A{number:012d}", "", ""])
        left = children - number
        count = max(1, min(remaining - (left - 1), round(rng.expovariate(1 / per_child)) + 1))
        if number == children - 1:
            count = max(1, remaining)
        remaining -= count
        age_days = (YEAR_END - dob).days
        start = YEAR_END - timedelta(days=rng.randint(1, max(2, min(age_days - 1, 6 * 365))))
        rne = "S"
        for index in range(count):
            last = index == count - 1
            length = rng.randint(1, 400)
            end: date | None = start + timedelta(days=length)
            rec = "X1"
            if last:
                if rng.random() < 0.65 or end is None or end > YEAR_END:
                    end, rec = None, ""
                else:
                    rec = rng.choice(REC_END)
            elif end is not None and end > YEAR_END:
                end = start  # squeeze the rest of the chain into the year's last days
            place = rng.choice(PLACE)
            rows.append(
                [
                    child,
                    _d(start),
                    rne,
                    rng.choice(LS),
                    rng.choice(CIN),
                    place,
                    rng.choice(["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"]),
                    _d(end) if end else "",
                    rec,
                    "CARPL" if rne in ("P", "T", "B", "U") else "",
                    "AB1 2",
                    "AB3 4",
                    f"SC{rng.randint(100000, 999999)}",
                ]
            )
            if end is None:
                break
            start = end
            rne = rng.choice(RNE_NEXT)
        if rng.random() < 0.06:
            uasc.append([child, "1", _d(dob), ""])
        if age_days > 365 and rng.random() < 0.55:
            oc2.append(
                [
                    child,
                    "1",
                    _d(dob),
                    str(rng.randint(0, 40)) if rng.random() < 0.8 else "",
                    rng.choice("0111111"),
                    rng.choice("0111111"),
                    rng.choice("0111111"),
                ]
            )
    for number in range(children // 6):
        dob = date(YEAR - rng.randint(17, 21), rng.randint(1, 12), rng.randint(1, 28))
        oc3.append(
            [
                f"L{number:06d}",
                "1",
                _d(dob),
                rng.choice(["YES"] * 8 + ["NO", "DIED", "REFU", "NREQ", "RHOM"]),
                rng.choice(["F1", "P1", "F2", "P2", "G4", "G5", "G6", "0"]),
                rng.choice(["B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "S2", "0"]),
            ]
        )
    return {
        "header": _csv(list(REQUIRED_COLUMNS["header"]), header),
        "episodes": _csv(EPISODE_COLUMNS, rows),
        "uasc": _csv(["CHILD", "SEX", "DOB", "DUC"], uasc),
        "oc2": _csv(
            ["CHILD", "SEX", "DOB", "SDQ_SCORE", "HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS"],
            oc2,
        ),
        "oc3": _csv(["CHILD", "SEX", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], oc3),
        "ad1": _csv(["CHILD", "DATE_INT", "DATE_MATCH", "FOSTER_CARE"], ad1),
    }


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def as_xml(tables: dict[str, str]) -> bytes:
    """The generated return as one XML file: a <CHILD> per child, HEADER then EPISODEs."""
    children: dict[str, dict[str, list[dict[str, str]]]] = {}

    def record(table: str) -> None:
        for row in _rows(tables[table]):
            children.setdefault(row["CHILD"], {}).setdefault(table, []).append(row)

    for table in ("header", "episodes", "uasc", "oc2", "oc3", "ad1"):
        record(table)
    out = ["<?xml version='1.0' encoding='utf-8'?>\n<EXPSSDA903>"]
    for child, parts in children.items():
        head = (parts.get("header") or parts.get("oc3") or [{}])[0]
        out.append(f"<CHILD><HEADER><CHILDID>{child}</CHILDID>")
        for name in ("SEX", "DOB", "ETHNIC", "UPN"):
            out.append(f"<{name}>{head.get(name, '')}</{name}>")
        for uasc in parts.get("uasc", []):
            out.append(f"<UASC>1</UASC><DUC>{uasc['DUC']}</DUC>")
        for leaver in parts.get("oc3", []):
            for name in ("IN_TOUCH", "ACTIV", "ACCOM"):
                out.append(f"<{name}>{leaver[name]}</{name}>")
        out.append("<AREVIEW><REVIEW>01/01/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>")
        for oc2 in parts.get("oc2", []):
            out.append("<OC2>")
            for name in ("SDQ_SCORE", "HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS"):
                out.append(f"<{name}>{oc2[name]}</{name}>")
            out.append("</OC2>")
        out.append("</HEADER>")
        for row in parts.get("episodes", []):
            out.append("<EPISODE>")
            for name in EPISODE_COLUMNS[1:]:
                tag = "PL" if name == "PLACE" else name
                out.append(f"<{tag}>{row[name]}</{tag}>")
            out.append("</EPISODE>")
        out.append("</CHILD>")
    out.append("</EXPSSDA903>\n")
    return "".join(out).encode()


def _time(
    derive: Callable[[], Derived903], runs: int
) -> tuple[Derived903, list[float], list[float]]:
    """The result, and each run's wall-clock and CPU seconds (this process's CPU time: on a
    shared machine the wall clock also counts time spent waiting for a core)."""
    times: list[float] = []
    cpu: list[float] = []
    result = None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = derive()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    if result is None:
        raise SystemExit("--runs must be at least 1")
    return result, times, cpu


def _summary(label: str, times: list[float], cpu: list[float]) -> str:
    worst = max(times)
    return (
        f"{label}: best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
        f"worst {worst:.2f} s over {len(times)} runs (CPU {min(cpu):.2f}-{max(cpu):.2f} s; "
        f"load average {os.getloadavg()[0]:.1f}); target <= {TARGET_S:.0f} s: "
        f"{'met' if worst <= TARGET_S else 'NOT MET'}"
    )


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def validate_with_rules(tables: dict[str, str]) -> tuple[Derived903, RuleOutcome]:
    """What an import's validation does: derive the figures, then run the year's DfE rules
    over the same tables (read into frames once)."""
    derived = derive_903(tables, YEAR, population=250_000)
    outcome = rule_set("ssda903", YEAR).run(ReturnTables.of(YEAR, tables))
    return derived, outcome


def rules_summary(tables: dict[str, str], runs: int) -> bool:
    """Time the full validation and print it with the peak memory; whether both targets are met."""
    times: list[float] = []
    cpu: list[float] = []
    outcome = None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        _derived, outcome = validate_with_rules(tables)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    if outcome is None:
        raise SystemExit("--runs must be at least 1")
    peak = peak_mb()
    worst = max(times)
    met = worst <= RULES_TARGET_S and peak <= RULES_TARGET_MB
    print(
        f"Full validation ({outcome.rule_set}, {len(outcome.rules)} rules run, "
        f"{len(outcome.counts)} failed on {sum(outcome.counts.values())} rows, "
        f"{len(outcome.not_checked)} not checked): derive and run the rules: best "
        f"{min(times):.2f} s, worst {worst:.2f} s over {runs} runs (CPU {min(cpu):.2f}-"
        f"{max(cpu):.2f} s; load average {os.getloadavg()[0]:.1f}); peak memory {peak:.0f} MB; "
        f"targets <= {RULES_TARGET_S:.0f} s and <= {RULES_TARGET_MB} MB: "
        f"{'met' if met else 'NOT MET'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--children", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=903)
    arguments = parser.parse_args()

    tables = generate(arguments.episodes, arguments.children, arguments.seed)
    # First, so that the peak memory it prints is not the XML's below.
    rules_met = rules_summary(tables, arguments.runs)
    result, times, cpu = _time(lambda: derive_903(tables, YEAR, population=250_000), arguments.runs)
    errors = sum(finding.is_error for finding in result.findings)
    print(
        f"SSDA903 {YEAR}: {result.episodes} episodes, {result.children} children, "
        f"rows {result.rows}, {len(result.findings)} findings ({errors} errors)"
    )
    for code, figure in sorted(result.figures.items()):
        value = "n/a" if figure.value is None else f"{figure.value:.1f}"
        print(f"  {code:12} {value:>8}  ({figure.numerator}/{figure.denominator})")
    print(_summary("CSV tables: validate and derive", times, cpu))

    xml = as_xml(tables)
    from_xml, xml_times, xml_cpu = _time(
        lambda: derive_903_xml(xml, YEAR, population=250_000), arguments.runs
    )
    xml_errors = sum(finding.is_error for finding in from_xml.findings)
    print(
        f"XML file ({len(xml) / 1_048_576:.1f} MB): {from_xml.episodes} episodes, "
        f"{len(from_xml.findings)} findings ({xml_errors} errors); same figures as the CSV: "
        f"{'yes' if from_xml.figures == result.figures else 'NO'}"
    )
    print(_summary("XML file: parse, validate and derive", xml_times, xml_cpu))
    met = max(times) <= TARGET_S and max(xml_times) <= TARGET_S and rules_met
    return 0 if met and from_xml.figures == result.figures else 1


if __name__ == "__main__":
    raise SystemExit(main())
