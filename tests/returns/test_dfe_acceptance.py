"""Issue 18's acceptance test: every published file in ../shared/data/dfe imported through the
import pages' own services (upload, validation, commit), onto a database holding only the
shipped catalogue, and figures worked out by hand from the files checked for England and
authorities of each file, a joint authority (North and West Northamptonshire's workforce) and
reorganised ones (Northamptonshire before April 2021 and North Northamptonshire after it;
Cumbria and Cumberland) among them.

The files are never committed to the project (their README): where the folder is missing the
test is skipped and says so.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts import access
from accounts.services import user_set
from indicators.inspection_models import InspectionJudgement
from indicators.lineage_models import AreaSuccession
from indicators.models import Area, AreaKind, Figure, NeighbourSet, StatisticalNeighbour
from returns import services
from returns.models import BatchStatus

DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"

pytestmark = pytest.mark.skipif(
    not DFE.is_dir(),
    reason=f"the published DfE files are not here ({DFE}); they are never committed",
)

NEIGHBOUR_FILES = ("statistical_neighbour", "sn_model")


def import_kind(path: Path) -> str:
    if path.suffix.casefold() == ".ods":
        return "ofsted"
    if any(part in path.name.casefold() for part in NEIGHBOUR_FILES):
        return "neighbours"
    return "published"


# Figures worked out by hand from the files: (file, measure, area, year ending 31 March, value
# as published or a suppression code). An area is its ONS code, or the joint area's name.
ENGLAND = "E92000001"
WILTSHIRE = "E06000054"
NORTH_NORTHAMPTONSHIRE = "E06000061"  # from April 2021 (lineage)
NORTHAMPTONSHIRE = "E10000021"  # until March 2021
CUMBERLAND = "E06000063"  # from April 2023
CUMBRIA = "E10000006"  # until March 2023
BCP = "E06000058"  # Bournemouth, Christchurch and Poole, from April 2019
NORTHAMPTONSHIRE_JOINT = "North Northamptonshire / West Northamptonshire (joint)"

EXPECTED: list[tuple[str, str, str, int, str]] = [
    # c1: referrals and re-referrals
    ("c1", "REF-REREF", ENGLAND, 2025, "22.6"),
    ("c1", "REF-REREF", WILTSHIRE, 2024, "19.1"),
    ("c1", "REF-REREF", NORTH_NORTHAMPTONSHIRE, 2025, "23.9"),
    ("c1", "REF-REREF", NORTHAMPTONSHIRE, 2020, "32.8"),
    ("c1", "REF-COUNT", ENGLAND, 2025, "632830"),
    ("c1", "REF-NFA", BCP, 2020, "c"),
    ("c1", "REF-REREF", BCP, 2020, "x"),
    # b1: children in need
    ("b1", "CIN-AT31", ENGLAND, 2025, "402400"),
    ("b1", "CIN-AT31", WILTSHIRE, 2024, "2617"),
    ("b1", "CIN-AT31", CUMBRIA, 2020, "2766"),
    ("b1", "CIN-AT31", CUMBERLAND, 2025, "2071"),
    ("b1", "CIN-AWAIT-ASMT", NORTHAMPTONSHIRE, 2020, "466"),
    # d3: second or subsequent plans
    ("d3", "CPP-2ND", ENGLAND, 2025, "24.5"),
    ("d3", "CPP-2ND", CUMBERLAND, 2025, "27.6"),
    ("d3", "CPP-2ND", CUMBRIA, 2020, "27"),
    ("d3", "CPP-START", WILTSHIRE, 2025, "416"),
    # d5: plans open at 31 March by duration
    ("d5", "CPP-2YR-OPEN", ENGLAND, 2025, "2.3"),
    ("d5", "CPP-2YR-OPEN", CUMBERLAND, 2025, "c"),
    ("d5", "CPP-2YR-OPEN", WILTSHIRE, 2025, "1.9"),
    ("d5", "CPP-2YR-OPEN", NORTHAMPTONSHIRE, 2020, "1.1"),
    ("d5", "CPP-DUR-3M", NORTH_NORTHAMPTONSHIRE, 2025, "45.8"),
    # placement stability (long file)
    ("stability", "CLA-3PLAC", ENGLAND, 2025, "10"),
    ("stability", "CLA-3PLAC", NORTH_NORTHAMPTONSHIRE, 2025, "13"),
    ("stability", "CLA-3PLAC", CUMBRIA, 2025, "z"),
    ("stability", "CLA-STAB-LT", WILTSHIRE, 2025, "70"),
    # care leavers' accommodation (long file)
    ("care leavers", "CL-ACC-1921", ENGLAND, 2025, "89"),
    ("care leavers", "CL-ACC-1921", CUMBERLAND, 2025, "73"),
    ("care leavers", "CL-ACC-1718", CUMBERLAND, 2025, "c"),
    # children looked after: numbers and rates
    ("cla", "CLA-COUNT", ENGLAND, 2025, "81770"),
    ("cla", "CLA-RATE", NORTH_NORTHAMPTONSHIRE, 2025, "68"),
    ("cla", "CLA-STARTED", WILTSHIRE, 2025, "145"),
    ("cla", "CLA-COUNT", NORTHAMPTONSHIRE, 2025, "z"),
    # the social work workforce census, a joint authority among its rows
    ("csww", "SW-TURNOVER", ENGLAND, 2025, "11.8"),
    ("csww", "WF-AGENCY", NORTHAMPTONSHIRE_JOINT, 2025, "19.5"),
    ("csww", "SW-CASELOAD", NORTHAMPTONSHIRE_JOINT, 2025, "14.8"),
    ("csww", "WF-SHORTFALL", WILTSHIRE, 2025, "14.8"),
    ("csww", "SW-CASELOAD", NORTHAMPTONSHIRE, 2020, "17.7"),
    # ONS mid-year estimates: mid-N is stored on the year ending 31 March N
    ("ons", "POP-0-17", ENGLAND, 2024, "12183016"),
    ("ons", "POP-0-17", CUMBERLAND, 2024, "52489"),
    ("ons", "POP-0-17", NORTHAMPTONSHIRE, 2020, "170287"),
]

# Rates per 10,000 derived from a count and the ONS estimate of mid-(N-1), worked out by hand:
# (measure, area, year ending 31 March, count, population).
DERIVED: list[tuple[str, str, int, int, int]] = [
    ("CIN-RATE-31MAR", ENGLAND, 2025, 402400, 12183016),
    ("CIN-RATE-31MAR", WILTSHIRE, 2025, 2372, 104201),
    ("REF-RATE", NORTH_NORTHAMPTONSHIRE, 2025, 4682, 83113),
]


def import_every_file(admin) -> dict[str, object]:
    """Every file through upload, validation and commit, as an admin would import them; each
    must validate with no errors and commit."""
    batches = {}
    paths = sorted(
        (p for p in DFE.iterdir() if p.suffix.casefold() in (".csv", ".ods")),
        key=lambda p: (0 if "population" in p.name else 1, import_kind(p), p.name),
    )
    for path in paths:
        batch = services.batch_create(
            user=admin,
            kind=import_kind(path),
            upload=SimpleUploadedFile(path.name, path.read_bytes()),
        )
        batch = services.batch_validate(batch=batch)
        errors = [str(f) for f in batch.findings.filter(severity="error")[:5]]
        assert batch.error_count == 0, (path.name, errors)
        batch = services.batch_commit(user=admin, batch=batch)
        assert batch.status == BatchStatus.COMMITTED, (path.name, batch.message)
        batches[path.name] = batch
    return batches


def area(key: str) -> Area:
    if key.startswith(("E", "W")) and key[1:].isdigit():
        return Area.objects.get(ons_code=key)
    return Area.objects.get(name=key, kind=AreaKind.JOINT)


def stored(code: str, key: str, year_ending: int) -> Figure:
    return Figure.objects.get(
        indicator__code=code,
        area=area(key),
        breakdown__isnull=True,
        period__kind="fy",
        period__start=date(year_ending - 1, 4, 1),
    )


def test_every_published_file_imports_with_the_figures_worked_out_by_hand(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_catalogue", verbosity=0)
    admin = user_set(
        actor=access.SYSTEM, username="acceptance.admin", password="x" * 20, is_admin=True
    )
    batches = import_every_file(admin)
    assert len(batches) == len([p for p in DFE.iterdir() if p.suffix in (".csv", ".ods")])

    wrong = []
    for source, code, key, year, expected in EXPECTED:
        figure = stored(code, key, year)
        got: object
        wanted: object = expected
        if expected.isalpha():
            got = figure.suppression or f"value {figure.value}"
        else:
            got = figure.value if figure.value is None else figure.value.normalize()
            wanted = Decimal(expected).normalize()
        if got != wanted:
            wrong.append(f"{source} {code} {key} {year}: {got} (expected {wanted})")
    for code, key, year, count, population in DERIVED:
        figure = stored(code, key, year)
        # Stored to the database's four places (shown to the measure's own decimals).
        rate = (Decimal(count) * 10000 / Decimal(population)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
        if (figure.value, figure.numerator, figure.denominator) != (rate, count, population):
            wrong.append(f"derived {code} {key} {year}: {figure.value} (expected {rate})")
        if f"mid-{year - 1}" not in figure.source_note:
            wrong.append(f"derived {code} {key} {year}: the note {figure.source_note!r}")
    assert not wrong, "\n".join(wrong)

    # Published figures keep the precision they were published with.
    assert stored("REF-REREF", WILTSHIRE, 2024).published_decimals == 1
    assert stored("CLA-3PLAC", ENGLAND, 2025).published_decimals == 0

    # The joint authority is one area with its two members, each an authority of its own.
    joint = area(NORTHAMPTONSHIRE_JOINT)
    assert sorted(m.ons_code for m in joint.members.all()) == ["E06000061", "E06000062"]
    # The reorganisations are a lineage, not a silent gap.
    assert AreaSuccession.objects.filter(
        predecessor=area(NORTHAMPTONSHIRE),
        successor=area(NORTH_NORTHAMPTONSHIRE),
        took_effect=date(2021, 4, 1),
    ).exists()
    assert AreaSuccession.objects.filter(
        predecessor=area(CUMBRIA), successor=area(CUMBERLAND), took_effect=date(2023, 4, 1)
    ).exists()

    # Ofsted: Barnet's latest judgement (a short inspection, published 23 July 2024) was good.
    barnet = InspectionJudgement.objects.filter(authority__ons_code="E09000003").first()
    assert (barnet.overall, barnet.published_on) == ("good", date(2024, 7, 23))
    # Statistical neighbours: Wiltshire's closest is Gloucestershire (2021), Hampshire (2025).
    closest = {
        neighbour_set.published_on.year: StatisticalNeighbour.objects.get(
            neighbour_set=neighbour_set, authority=area(WILTSHIRE), rank=1
        ).neighbour.name
        for neighbour_set in NeighbourSet.objects.all()
    }
    assert sorted(closest.values()) == ["Gloucestershire", "Hampshire"]
