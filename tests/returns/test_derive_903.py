"""SSDA903 validation and derivation, on small returns whose answers are worked out by hand.

Every return here is for the collection year 2025: the year from 1 April 2024 to 31 March 2025.
No database.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returns import derive_903 as module
from returns.derive_903 import REQUIRED_COLUMNS, Derived903, derive_903
from returns.findings import Finding, Severity

YEAR = 2025
NOTHING_DERIVED = Finding(
    1,
    "",
    "episodes: no episode could be read, so no figure about children looked after is derived.",
    Severity.WARNING,
)
EPISODE_COLUMNS = list(REQUIRED_COLUMNS["episodes"])
HEADER_COLUMNS = list(REQUIRED_COLUMNS["header"])


def _csv(columns: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def episode(
    child: str,
    decom: str,
    rne: str,
    ls: str,
    place: str,
    dec: str = "",
    rec: str = "",
    urn: str = "SC000001",
    provider: str = "PR1",
) -> list[str]:
    """One row of the episodes table, in EPISODE_COLUMNS order."""
    return [child, decom, rne, ls, "N1", place, provider, dec, rec, "", "", "", urn]


def episodes(*rows: list[str]) -> str:
    return _csv(EPISODE_COLUMNS, list(rows))


def header(*children: tuple[str, str]) -> str:
    return _csv(HEADER_COLUMNS, [[child, "1", dob, "WBRI", "", "", ""] for child, dob in children])


def derive(population: int | None = None, **tables: str) -> Derived903:
    """Derive for 2025; without a header table, every child in the episodes is born 01/01/2015."""
    if "header" not in tables and "episodes" in tables:
        rows = list(csv.reader(io.StringIO(tables["episodes"])))[1:]
        tables["header"] = header(*((child, "01/01/2015") for child in {r[0] for r in rows}))
    return derive_903(tables, YEAR, population=population)


def errors(result: Derived903) -> list[Finding]:
    return [finding for finding in result.findings if finding.is_error]


def value(result: Derived903, code: str) -> float | None:
    return result.figures[code].value


# --- Children looked after at 31 March ------------------------------------------------------------


def test_open_episodes_at_31_march() -> None:
    # A: started 1 Jan 2025, open                      -> looked after, foster (U1), care order
    # B: ended on 31 March 2025 itself                 -> not looked after (DEC must be after)
    # C: ends 15 April 2025 (after the year)           -> still looked after at 31 March, U3
    # D: started on 31 March 2025, s20, children's home -> looked after, s20, not foster
    # E: starts 1 April 2025, after the year           -> not looked after
    # CLA 3 (A, C, D); foster 2/3; s20 1/3; rate 3 / 30,000 x 10,000 = 1.0.
    # UASC: A (still UASC) counts; B is UASC but not looked after; C ceased to be UASC on
    # 1 March 2025 -> UASC-COUNT 1.
    result = derive(
        population=30_000,
        episodes=episodes(
            episode("A", "01/01/2025", "S", "C2", "U1"),
            episode("B", "01/06/2024", "S", "V2", "K2", "31/03/2025", "E4A"),
            episode("C", "01/06/2024", "S", "C1", "U3", "15/04/2025", "E4A"),
            episode("D", "31/03/2025", "S", "V2", "K2"),
            episode("E", "01/04/2025", "S", "C2", "U1"),
        ),
        uasc=_csv(
            ["CHILD", "SEX", "DOB", "DUC"],
            [
                ["A", "1", "01/01/2008", ""],
                ["B", "1", "01/01/2008", ""],
                ["C", "1", "01/01/2008", "01/03/2025"],
            ],
        ),
    )
    assert errors(result) == []
    assert result.figures["CLA-COUNT"] == (3.0, 3, None)
    assert result.figures["CLA-RATE"] == (1.0, 3, 30_000)
    assert value(result, "CLA-FOSTER") == pytest.approx(200 / 3)
    assert result.figures["CLA-S20"].numerator == 1
    assert value(result, "UASC-COUNT") == 1
    # The two episodes running past the year are warnings, on their rows and columns.
    warnings = {(f.row, f.column) for f in result.findings if not f.is_error}
    assert warnings == {(4, "DEC"), (6, "DECOM")}
    assert result.children == 5
    assert result.episodes == 5
    assert result.rows == {"episodes": 5, "uasc": 3, "header": 5}
    assert "CLA-RATE" not in derive(episodes=episodes()).figures


def test_episode_ending_and_another_starting_the_same_day_is_one_period_of_care() -> None:
    # One child: foster placement U1 from 1 May 2024 to 1 September 2024 (REC X1: continues in
    # care), then a placement change (RNE P) to U4 on 1 September 2024, open. One period of care,
    # no chain findings, looked after at 31 March, two placements in the year (not 3+).
    result = derive(
        episodes=episodes(
            episode("A", "01/05/2024", "S", "C2", "U1", "01/09/2024", "X1"),
            episode("A", "01/09/2024", "P", "C2", "U4"),
        )
    )
    assert result.findings == []
    assert result.figures["CLA-COUNT"].value == 1
    assert result.figures["CLA-FOSTER"] == (100.0, 1, 1)
    assert result.figures["CLA-3PLAC"] == (0.0, 0, 1)


def test_short_breaks_are_excluded() -> None:
    # A is on short breaks (V3) and B on short breaks (V4) at 31 March: neither counts. C moved
    # from short breaks to s20 (an L episode) before 31 March: counts, under s20.
    result = derive(
        episodes=episodes(
            episode("A", "01/01/2024", "S", "V3", "U1"),
            episode("B", "01/01/2024", "S", "V4", "K2"),
            episode("C", "01/01/2024", "S", "V3", "U1", "01/02/2025", "X1"),
            episode("C", "01/02/2025", "L", "V2", "U1"),
        )
    )
    assert errors(result) == []
    assert result.figures["CLA-COUNT"].value == 1
    assert result.figures["CLA-S20"] == (100.0, 1, 1)


THREE_PLACEMENTS = episodes(
    # X: in care since 2022. Placements in the year: U1 (held at 1 April 2024) = 1, P to U4 on
    # 1 May = 2, L on 1 August (legal status only: same placement) = 2, T to U5 on 1 October = 3,
    # B to K2 on 1 December = 4. Three changes, four placements -> 3 or more.
    episode("X", "01/01/2022", "S", "C2", "U1", "01/05/2024", "X1"),
    episode("X", "01/05/2024", "P", "C2", "U4", "01/08/2024", "X1"),
    episode("X", "01/08/2024", "L", "E1", "U4", "01/10/2024", "X1"),
    episode("X", "01/10/2024", "T", "C2", "U5", "01/12/2024", "X1"),
    episode("X", "01/12/2024", "B", "C2", "K2"),
    # Y: U1 at 1 April, an L change, one P change -> 2 placements.
    episode("Y", "01/03/2023", "S", "C1", "U1", "01/06/2024", "X1"),
    episode("Y", "01/06/2024", "L", "C2", "U1", "01/09/2024", "X1"),
    episode("Y", "01/09/2024", "P", "C2", "U2"),
    # Z: U1 from 1 June 2024; respite T1 from 1 July; back to the same U1 carers (same provider
    # and URN) on 5 July; moves to U2 on 1 February 2025. By default the temporary placement and
    # the return from it do not count: 2 placements. Counting them: 4.
    episode("Z", "01/06/2024", "S", "C2", "U1", "01/07/2024", "X1"),
    episode("Z", "01/07/2024", "P", "C2", "T1", "05/07/2024", "X1", urn="SC000009"),
    episode("Z", "05/07/2024", "P", "C2", "U1", "01/02/2025", "X1"),
    episode("Z", "01/02/2025", "P", "C2", "U2", urn="SC000002"),
)


def test_three_or_more_placements() -> None:
    result = derive(episodes=THREE_PLACEMENTS)
    assert result.findings == []
    # X only: 1 of 3.
    assert result.figures["CLA-3PLAC"] == (pytest.approx(100 / 3), 1, 3)


def test_three_or_more_placements_counting_temporary_placements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(module, "COUNT_TEMPORARY_PLACEMENTS", True)
    result = derive(episodes=THREE_PLACEMENTS)
    # X and Z: 2 of 3.
    assert result.figures["CLA-3PLAC"].numerator == 2


def test_b_not_counted_when_the_constant_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "PLACEMENT_CHANGE_RNE", frozenset({"P", "T", "U"}))
    result = derive(episodes=THREE_PLACEMENTS)
    # X without the B change still has 3 placements; nobody else changes.
    assert result.figures["CLA-3PLAC"].numerator == 1


# --- Long-term stability --------------------------------------------------------------------------


def test_long_term_stability_boundaries() -> None:
    # At 31 March 2025: looked after since 30 September 2022 or earlier (2.5 years), in the same
    # placement since 31 March 2023 or earlier (2 years), under 16 (born after 31 March 2009).
    # K1 since 30/09/2022 in one placement                  -> cohort, stable
    # K2 since 01/10/2022                                   -> not 2.5 years: not in the cohort
    # K3 since 2020; moved on 31/03/2023                     -> cohort, stable (exactly 2 years)
    # K4 since 2020; moved on 01/04/2023                     -> cohort, not stable
    # K5 since 2020; legal status change (L) in 2024          -> cohort, stable (same placement)
    # K6 since 2020 with foster carers; placed for adoption with them (A5) in 2024 -> stable
    # K7 as K1 but born 31/03/2009: 16 at 31 March           -> not in the cohort
    # K8 as K1 but born 01/04/2009: 15 at 31 March           -> cohort, stable
    # Cohort 6 (K1, K3, K4, K5, K6, K8); stable 5 -> 83.3%.
    result = derive(
        header=header(
            ("K1", "01/01/2015"),
            ("K2", "01/01/2015"),
            ("K3", "01/01/2015"),
            ("K4", "01/01/2015"),
            ("K5", "01/01/2015"),
            ("K6", "01/01/2015"),
            ("K7", "31/03/2009"),
            ("K8", "01/04/2009"),
        ),
        episodes=episodes(
            episode("K1", "30/09/2022", "S", "C2", "U1"),
            episode("K2", "01/10/2022", "S", "C2", "U1"),
            episode("K3", "01/01/2020", "S", "C2", "U1", "31/03/2023", "X1"),
            episode("K3", "31/03/2023", "P", "C2", "U2"),
            episode("K4", "01/01/2020", "S", "C2", "U1", "01/04/2023", "X1"),
            episode("K4", "01/04/2023", "P", "C2", "U2"),
            episode("K5", "01/01/2020", "S", "C1", "U1", "01/01/2024", "X1"),
            episode("K5", "01/01/2024", "L", "E1", "U1"),
            episode("K6", "01/01/2020", "S", "C2", "U4", "01/06/2024", "X1"),
            episode("K6", "01/06/2024", "P", "E1", "A5"),
            episode("K7", "30/09/2022", "S", "C2", "U1"),
            episode("K8", "30/09/2022", "S", "C2", "U1"),
        ),
    )
    assert errors(result) == []
    assert result.figures["CLA-STAB-LT"] == (pytest.approx(500 / 6), 5, 6)


# --- Care leavers (OC3) ---------------------------------------------------------------------------


def test_care_leavers() -> None:
    # Age at 31 March 2025 (the age turned on the birthday in the year):
    # L1 17 YES F1 B1 -> EET, suitable        L2 18 YES G4 B2 -> neither
    # L3 born 01/04/2007: 17 (18 on 1 April 2025) YES P1 C2 -> EET, not suitable
    # L4 17 DIED, L5 18 RHOM, L6 18 NO        -> not in the denominator
    # L7 20 YES F2 D1 -> both                 L8 born 31/03/2004: 21 YES G6 0 -> neither
    # L9 born 01/04/2003: 21 YES P2 E1 -> both
    # L10 born 31/03/2003: 22                -> outside both bands
    # 17-18: L1, L2, L3 -> EET 2/3, accommodation 1/3. 19-21: L7, L8, L9 -> EET 2/3, acc. 2/3.
    rows = [
        ["L1", "1", "15/06/2007", "YES", "F1", "B1"],
        ["L2", "1", "15/06/2006", "YES", "G4", "B2"],
        ["L3", "1", "01/04/2007", "YES", "P1", "C2"],
        ["L4", "1", "15/06/2007", "DIED", "0", "0"],
        ["L5", "1", "15/06/2006", "RHOM", "F1", "B1"],
        ["L6", "1", "15/06/2006", "NO", "0", "0"],
        ["L7", "1", "10/10/2004", "YES", "F2", "D1"],
        ["L8", "1", "31/03/2004", "YES", "G6", "0"],
        ["L9", "1", "01/04/2003", "YES", "P2", "E1"],
        ["L10", "1", "31/03/2003", "YES", "F1", "B1"],
    ]
    result = derive(
        episodes=episodes(),
        oc3=_csv(["CHILD", "SEX", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], rows),
    )
    assert result.figures["CL-EET-1718"] == (pytest.approx(200 / 3), 2, 3)
    assert result.figures["CL-ACC-1718"] == (pytest.approx(100 / 3), 1, 3)
    assert result.figures["CL-EET-1921"] == (pytest.approx(200 / 3), 2, 3)
    assert result.figures["CL-ACC-1921"] == (pytest.approx(200 / 3), 2, 3)


# --- Health (OC2) ---------------------------------------------------------------------------------


def test_health_of_children_looked_after_12_months() -> None:
    # H1 in care since 2023, aged 10: health check, dental, not immunised, SDQ 12.
    # H2 in care since 31/03/2024 (exactly 12 months), aged 4: health check, immunised, no SDQ.
    # H3 in care since 01/04/2024 (under 12 months): its OC2 row is not in the cohort.
    # H4 in care since 2023, aged 12, no OC2 row: in the cohort, nothing done (and a warning).
    # Cohort 3: health checks 2/3, dental 1/3, immunisations 1/3.
    # SDQ cohort (aged 5-16): H1, H4 -> 1 of 2 with a score; average 12.
    oc2 = [
        ["H1", "1", "01/01/2015", "12", "1", "1", "0"],
        ["H2", "1", "01/01/2021", "", "1", "0", "1"],
        ["H3", "1", "01/01/2015", "20", "1", "1", "1"],
    ]
    result = derive(
        header=header(
            ("H1", "01/01/2015"), ("H2", "01/01/2021"), ("H3", "01/01/2015"), ("H4", "01/01/2013")
        ),
        episodes=episodes(
            episode("H1", "01/01/2023", "S", "C2", "U1"),
            episode("H2", "31/03/2024", "S", "C2", "U1"),
            episode("H3", "01/04/2024", "S", "C2", "U1"),
            episode("H4", "01/01/2023", "S", "C2", "U1"),
        ),
        oc2=_csv(
            ["CHILD", "SEX", "DOB", "SDQ_SCORE", "HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS"],
            oc2,
        ),
    )
    assert errors(result) == []
    assert [(f.row, f.severity) for f in result.findings] == [(5, Severity.WARNING)]
    assert result.figures["HLT-CHECK"] == (pytest.approx(200 / 3), 2, 3)
    assert result.figures["HLT-DENTAL"] == (pytest.approx(100 / 3), 1, 3)
    assert result.figures["HLT-IMMS"] == (pytest.approx(100 / 3), 1, 3)
    assert result.figures["HLT-SDQ-PCT"] == (50.0, 1, 2)
    assert result.figures["HLT-SDQ"] == (12.0, 12, 1)


# --- Adoption -------------------------------------------------------------------------------------


def test_adoption_a1_and_a2() -> None:
    # Entered care 01/01/2023; placement order (LS E1) 01/06/2023; matched 15/08/2023; placed
    # for adoption with new carers (A6) 01/09/2023; adopted (E11) 01/02/2025, in the year.
    # A1 = 01/01/2023 -> 01/09/2023 = 31+28+31+30+31+30+31+31 = 243 days.
    # A2 = 01/06/2023 -> 15/08/2023 = 30+31+14 = 75 days.
    # W was adopted in 2023 (before the year): not counted.
    result = derive(
        episodes=episodes(
            episode("V", "01/01/2023", "S", "C2", "U1", "01/06/2023", "X1"),
            episode("V", "01/06/2023", "L", "E1", "U1", "01/09/2023", "X1"),
            episode("V", "01/09/2023", "P", "E1", "A6", "01/02/2025", "E11"),
            episode("W", "01/01/2022", "S", "E1", "A6", "01/01/2023", "E11"),
        ),
        ad1=_csv(
            ["CHILD", "DATE_INT", "DATE_MATCH"],
            [["V", "01/03/2023", "15/08/2023"], ["W", "01/03/2022", "01/05/2022"]],
        ),
    )
    assert errors(result) == []
    assert result.figures["ADOPT-A1"] == (243.0, 243, 1)
    assert result.figures["ADOPT-A2"] == (75.0, 75, 1)
    assert result.figures["CLA-COUNT"].value == 0


# --- Bad input ------------------------------------------------------------------------------------


def test_missing_columns_one_error_each_on_row_1() -> None:
    columns = [column for column in EPISODE_COLUMNS if column not in ("DECOM", "LS")]
    result = derive(episodes=_csv(columns, [["A", "S", "N1", "U1", "PR1", "", "", "", "", "", ""]]))
    assert result.findings == [
        Finding(1, "DECOM", "episodes: the column DECOM is missing."),
        Finding(1, "LS", "episodes: the column LS is missing."),
        NOTHING_DERIVED,
    ]
    # The episodes could not be read: no count of 0 is made of them.
    assert "CLA-COUNT" not in result.figures


def test_bad_dates() -> None:
    result = derive(
        header=header(("A", "1/1/2015"), ("B", "32/01/2015")),
        episodes=episodes(
            episode("A", "31/02/2024", "S", "C2", "U1"),
            episode("B", "01/05/2024", "S", "C2", "U1", "2024-06-01", "E4A"),
            episode("C", "", "S", "C2", "U1"),
        ),
    )
    found = {(f.row, f.column): f.message for f in errors(result)}
    assert set(found) == {(3, "DOB"), (2, "DECOM"), (3, "DEC"), (4, "DECOM")}
    assert "DECOM ('31/02/2024') is not a date" in found[(2, "DECOM")]
    assert "32/01/2015" not in found[(3, "DOB")]  # a date of birth is never quoted
    assert found[(4, "DECOM")] == "episodes: DECOM is blank."


def test_invalid_codes() -> None:
    result = derive(
        episodes=episodes(
            episode("A", "01/05/2024", "Q", "C2", "U1"),
            episode("B", "01/05/2024", "S", "Z9", "U1"),
            episode("C", "01/05/2024", "S", "C2", "U9"),
            episode("D", "01/05/2024", "S", "C2", "U1", "01/06/2024", "E99"),
            episode("E", "01/05/2024", "S", "C2", ""),
        )
    )
    found = {(f.row, f.column) for f in errors(result)}
    assert found == {(2, "RNE"), (3, "LS"), (4, "PLACE"), (5, "REC"), (6, "PLACE")}
    assert "'Z9' is not a valid code" in next(f.message for f in result.findings if f.row == 3)


def test_a_bad_code_mid_chain_does_not_break_the_chain() -> None:
    # F moves U1 -> (U9, not a code) -> U2 on consecutive days' boundaries: one error, on the
    # bad code (row 3); the chain still holds, and F is looked after, in foster care (U2).
    result = derive(
        episodes=episodes(
            episode("F", "01/05/2024", "S", "C2", "U1", "01/06/2024", "X1"),
            episode("F", "01/06/2024", "P", "C2", "U9", "01/07/2024", "X1"),
            episode("F", "01/07/2024", "P", "C2", "U2"),
        )
    )
    assert [(f.row, f.column) for f in result.findings] == [(3, "PLACE")]
    assert result.figures["CLA-FOSTER"] == (100.0, 1, 1)


def test_placement_codes_by_collection_year() -> None:
    # K3 arrived in 2024/25; H5, P2 and Z1 went in 2025/26, when Z1 became Z11-Z14.
    place = {year: module.codes_for_year(year)["PLACE"] for year in (2021, 2024, 2025, 2026)}
    assert place[2021] == place[2024]
    assert place[2025] - place[2024] == {"K3"}
    assert place[2024] - place[2025] == set()
    assert place[2026] - place[2025] == {"Z11", "Z12", "Z13", "Z14"}
    assert place[2025] - place[2026] == {"H5", "P2", "Z1"}
    assert module.year_label(2026) == "2025/26"


def test_codes_not_valid_for_the_year_name_the_year() -> None:
    rows = episodes(
        episode("A", "01/05/2024", "S", "C2", "H5"),  # valid in 2024/25
        episode("B", "01/05/2024", "S", "C2", "K3", provider="PR9"),
        episode("C", "01/05/2024", "S", "C2", "U1"),
    ).replace("U1,PR1,,,,", "U1,PR1,,,MOVED,")  # C's REASON_PLACE_CHANGE: not a code
    result = derive(episodes=rows)
    found = {(f.row, f.column): f.message for f in errors(result)}
    assert found == {
        (3, "PLACE_PROVIDER"): (
            "episodes: PLACE_PROVIDER 'PR9' is not a valid code in 2024/25 (the year to 31 March "
            "2025)."
        ),
        (4, "REASON_PLACE_CHANGE"): (
            "episodes: REASON_PLACE_CHANGE 'MOVED' is not a valid code in 2024/25 (the year to "
            "31 March 2025)."
        ),
    }
    later = derive_903({"episodes": rows, "header": header(("A", "01/01/2015"))}, 2026)
    assert (
        "episodes: PLACE 'H5' is not a valid code in 2025/26 (the year to 31 March 2026): it was "
        "withdrawn after 2024/25."
    ) in [f.message for f in errors(later)]
    earlier = derive_903({"episodes": rows, "header": header(("B", "01/01/2015"))}, 2024)
    assert any(
        "PLACE 'K3'" in f.message and "valid from 2024/25" in f.message for f in earlier.findings
    )


def test_care_leaver_codes_are_checked() -> None:
    rows = [
        ["L1", "1", "15/06/2007", "YES", "F3", "B1"],  # F3 is not an activity code
        ["L2", "1", "15/06/2007", "YES", "F1", "B3"],  # B3 is not an accommodation code
        ["L3", "1", "15/06/2007", "", "", ""],
        ["L4", "1", "15/06/2007", "NO", "", ""],  # blanks are allowed when not in touch
    ]
    result = derive(
        episodes=episodes(episode("A", "01/05/2024", "S", "C2", "U1")),
        oc3=_csv(["CHILD", "SEX", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], rows),
    )
    assert {(f.row, f.column) for f in errors(result)} == {
        (2, "ACTIV"),
        (3, "ACCOM"),
        (4, "IN_TOUCH"),
    }
    assert "oc3: IN_TOUCH is blank." in [f.message for f in result.findings]


def test_missing_and_unknown_postcodes_are_accepted_without_a_finding() -> None:
    # Distance is not derived here, so HOME_POST and PL_POST are not read at all: blank ones,
    # or ones no reference data knows, make no finding and change no figure.
    rows = episodes(
        episode("A", "01/05/2024", "S", "C2", "U1"),
        episode("B", "01/05/2024", "S", "C2", "U1"),
    )
    lines = rows.splitlines()
    lines[2] = lines[2].replace(",,,SC000001", ",ZZ99 9ZZ,,SC000001")
    result = derive(episodes="\n".join(lines) + "\n")
    assert result.findings == []
    assert result.figures["CLA-FOSTER"] == (100.0, 2, 2)


def test_unknown_year_uses_the_nearest_code_table() -> None:
    result = derive_903({"episodes": episodes()}, 2031)
    assert any("no code table for 2031" in f.message for f in result.findings)
    assert module.codes_for_year(2031) is module.codes_for_year(2026)


def test_chain_problems() -> None:
    result = derive(
        episodes=episodes(
            # A: ends before it starts (row 2).
            episode("A", "01/06/2024", "S", "C2", "U1", "01/05/2024", "E4A"),
            # B: second episode starts inside the first (row 4 overlaps row 3).
            episode("B", "01/05/2024", "S", "C2", "U1", "01/09/2024", "X1"),
            episode("B", "01/08/2024", "P", "C2", "U2"),
            # C: a placement change two weeks after the last episode ended (row 6: a gap).
            episode("C", "01/05/2024", "S", "C2", "U1", "01/09/2024", "X1"),
            episode("C", "15/09/2024", "P", "C2", "U2"),
            # D: first episode in the year is a placement change with nothing before it (row 7).
            episode("D", "01/05/2024", "P", "C2", "U1"),
            # E: the period of care ended (E4A) but the next episode is a change, not S (row 9).
            episode("E", "01/05/2024", "S", "C2", "U1", "01/09/2024", "E4A"),
            episode("E", "01/09/2024", "P", "C2", "U2"),
            # F: REC X1 but the next episode is a new period of care (row 11).
            episode("F", "01/05/2024", "S", "C2", "U1", "01/09/2024", "X1"),
            episode("F", "01/09/2024", "S", "C2", "U2"),
            # G: REC X1 and nothing follows (row 12).
            episode("G", "01/05/2024", "S", "C2", "U1", "01/09/2024", "X1"),
            # H: an exact duplicate row (row 14 duplicates row 13).
            episode("H", "01/05/2024", "S", "C2", "U1"),
            episode("H", "01/05/2024", "S", "C2", "U1"),
        )
    )
    found = {(f.row, f.column) for f in errors(result)}
    assert found == {
        (2, "DEC"),
        (3, "REC"),  # B's X1 has no follower once the overlapping row 4 is left out
        (4, "DECOM"),
        (6, "DECOM"),
        (7, "RNE"),
        (9, "RNE"),
        (11, "RNE"),
        (12, "REC"),
        (14, ""),
    }
    assert "duplicates row 13" in next(f.message for f in result.findings if f.row == 14)
    assert result.episodes == 11  # 13 rows less the duplicate and A (ends before it starts)


def test_empty_tables_and_no_episodes() -> None:
    result = derive_903({"Episodes.CSV": "", "uasc": "CHILD,SEX,DOB,DUC\n"}, YEAR)
    messages = {(f.message, f.severity) for f in result.findings}
    assert ("episodes: the table is empty (no header row).", Severity.ERROR) in messages
    assert ("uasc: the table has a header but no rows.", Severity.WARNING) in messages
    no_episodes = derive_903({"header": header(("A", "01/01/2015"))}, YEAR)
    assert Finding(1, "", "episodes: the return has no episodes table.") in no_episodes.findings
    assert no_episodes.figures == {}
    header_only = derive_903({"episodes": episodes(), "header": header()}, YEAR)
    assert [(f.message, f.severity) for f in header_only.findings] == [
        ("episodes: the table has a header but no rows.", Severity.ERROR),
        ("header: the table has a header but no rows.", Severity.ERROR),
        (NOTHING_DERIVED.message, Severity.WARNING),
    ]
    assert header_only.figures == {}


def test_table_names_are_case_insensitive_and_unknown_tables_warned() -> None:
    result = derive_903(
        {"EPISODES": episodes(episode("A", "01/05/2024", "S", "C2", "U1")), "Other": "x"}, YEAR
    )
    assert result.figures["CLA-COUNT"].value == 1
    assert [(f.message, f.severity) for f in result.findings] == [
        ("Other: not a table of the SSDA903; ignored.", Severity.WARNING),
        (
            "header: the return has no header table: ages (long-term stability, SDQ) are unknown.",
            Severity.WARNING,
        ),
    ]


def test_the_result_holds_no_child_level_data() -> None:
    result = derive(
        header=header(("CHILD-SECRET-1", "07/07/2015")),
        episodes=episodes(episode("CHILD-SECRET-1", "01/05/2024", "P", "C2", "U1")),
    )
    assert result.findings  # RNE P with nothing before it
    text = repr(result)
    assert "CHILD-SECRET" not in text
    assert "07/07/2015" not in text
    assert "2015" not in text


# --- Malformed input never raises -----------------------------------------------------------------

CELLS = st.one_of(
    st.sampled_from(["", "S", "P", "L", "T", "X1", "E11", "C2", "V3", "U1", "A5", "T0", "YES"]),
    st.sampled_from(["01/04/2024", "31/03/2025", "29/02/2024", "31/02/2024", "00/00/0000"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(CELLS, min_size=0, max_size=15), max_size=12),
    st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6),
    st.sampled_from(["episodes", "header", "oc2", "oc3", "uasc", "ad1"]),
    st.text(max_size=60),
)
def test_random_cells_never_raise(
    episode_rows: list[list[str]], other_rows: list[list[str]], table: str, junk: str
) -> None:
    other_columns = ["CHILD", "DOB", *REQUIRED_COLUMNS[table][2:], "DUC", "IN_TOUCH"]
    tables = {
        "episodes": _csv(EPISODE_COLUMNS, episode_rows),
        table if table != "episodes" else "oc3": _csv(other_columns, other_rows),
        "reviews": junk,
        junk[:10] or "blank": junk,
    }
    result = derive_903(tables, YEAR, population=0)
    assert isinstance(result, Derived903)
    for figure in result.figures.values():
        assert figure.value is None or figure.value >= 0


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["episodes", "Header", "OC2", "oc3", "UASC", "ad1"]), st.text())
)
def test_random_tables_never_raise(tables: dict[str, str]) -> None:
    result = derive_903(tables, YEAR)
    assert isinstance(result, Derived903)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["episodes", "header", "oc2", "oc3", "uasc", "ad1"]),
        st.lists(st.lists(CELLS, max_size=14), max_size=8),
    ),
    st.booleans(),
)
def test_tables_given_as_rows_never_raise(tables: dict[str, list[list[str]]], named: bool) -> None:
    # The XML reader hands derive_903 its tables as rows, the header row first.
    if named:  # with the right header rows, so that the rows are read rather than refused
        for name, rows in tables.items():
            rows.insert(0, list(REQUIRED_COLUMNS[name]))
    result = derive_903(tables, YEAR)
    assert isinstance(result, Derived903)
    for figure in result.figures.values():
        assert figure.value is None or figure.value >= 0
