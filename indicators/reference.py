"""Reference data that ships with the catalogue (issue 17): England, Wales and the 22 Welsh
unitary authorities (`catalogue/areas.csv`), the pairs of measures that sound alike but are
defined differently (`catalogue/pairings.csv`), and each authority's default comparator: its
nation's published average.

Loaded by `catalogue.catalogue_load`, in its transaction: a bad row refuses both files and the
catalogue with them. Areas are found by ONS code first, so an area the demo data or a published
file created already is updated, not duplicated; loading twice changes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from . import lineage
from .models import (
    Area,
    AreaKind,
    Comparator,
    ComparatorKind,
    Indicator,
    IndicatorPairing,
    Nation,
)
from .nations import nation_for_area

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
AREAS_CSV = CATALOGUE_DIR / "areas.csv"
PAIRINGS_CSV = CATALOGUE_DIR / "pairings.csv"
AREA_COLUMNS = ("slug", "name", "name_cy", "kind", "ons_code")
PAIRING_COLUMNS = ("first", "second", "difference")

# The column heading of a nation's comparator, as the committee reports write it.
NATION_LABELS: dict[str, str] = {Nation.ENGLAND: "England", Nation.WALES: "Wales"}


class ReferenceDataError(ValueError):
    """A reference file was refused; the message names every row that was wrong."""


@dataclass(frozen=True)
class LoadCounts:
    """How many rows a load created, updated and left as they were (here and in
    `catalogue`)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, UnicodeDecodeError) as error:
        raise ReferenceDataError(f"{path.name}: could not be read ({error}).") from None
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != columns:
        raise ReferenceDataError(f"{path.name}: the header must be {','.join(columns)}.")
    return [
        (line, {key: (value or "").strip() for key, value in row.items()})
        for line, row in enumerate(reader, start=2)
        if any((value or "").strip() for value in row.values())
    ]


def reference_areas_load(path: Path | None = None) -> LoadCounts:
    """Create or update the shipped areas, then give every shipped authority that has no
    national comparator its nation's (`default_comparators_ensure`)."""
    path = path or AREAS_CSV
    rows = _rows(path, AREA_COLUMNS)
    problems: list[str] = []
    created = updated = unchanged = 0
    shipped_authorities: list[Area] = []
    for line, row in rows:
        check = nation_for_area(row["ons_code"], "")
        if check.problem or row["kind"] not in AreaKind.values:
            problems.append(f"line {line}: {check.problem or 'unknown kind ' + row['kind']}")
            continue
        values = {
            "name": row["name"],
            "name_cy": row["name_cy"],
            "kind": row["kind"],
            "nation": check.nation,
        }
        area = Area.objects.filter(ons_code=row["ons_code"]).first()
        if area is None:
            slug = row["slug"]
            if Area.objects.filter(slug=slug).exists():
                slug = f"{slug}-{row['ons_code'].lower()}"
            area = Area.objects.create(slug=slug, ons_code=row["ons_code"], **values)
            created += 1
        elif any(getattr(area, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(area, field, value)
            area.save(update_fields=list(values))
            updated += 1
        else:
            unchanged += 1
        if area.kind == AreaKind.AUTHORITY:
            shipped_authorities.append(area)
    if problems:
        raise ReferenceDataError(f"{path.name} was refused:\n" + "\n".join(problems))
    if path == AREAS_CSV:
        # The shipped lineage of reorganised authorities (issue 18) comes with the shipped
        # areas. The counts stay those of areas.csv: the lineage is checked by its own tests.
        try:
            shipped_authorities += lineage.lineage_load().authorities
        except lineage.LineageError as error:
            raise ReferenceDataError(str(error)) from None
    # Only the shipped authorities (those of the areas and the lineage): others (the demo's, a
    # published file's) have the comparators their own loader or an admin gave them.
    for authority in shipped_authorities:
        default_comparators_ensure(authority)
    return LoadCounts(created, updated, unchanged)


def default_comparators_ensure(authority: Area) -> Comparator | None:
    """An authority with no national comparator is shown against its own nation's average:
    a Welsh authority against Wales, an English one against England. Nothing changes for an
    authority that has one, or whose nation has no area yet."""
    if authority.kind != AreaKind.AUTHORITY:
        return None
    if Comparator.objects.filter(authority=authority, kind=ComparatorKind.NATION).exists():
        return None
    nation = Area.objects.filter(kind=AreaKind.NATION, nation=authority.nation).first()
    if nation is None:
        return None
    return Comparator.objects.create(
        authority=authority,
        kind=ComparatorKind.NATION,
        area=nation,
        label=NATION_LABELS.get(authority.nation, nation.name),
        order=0,
    )


def pairings_load(path: Path | None = None) -> LoadCounts:
    """Create or update the shipped pairs of alike-but-different measures."""
    path = path or PAIRINGS_CSV
    rows = _rows(path, PAIRING_COLUMNS)
    by_code = {indicator.code: indicator for indicator in Indicator.objects.all()}
    problems = [
        f"line {line}: there is no indicator {row[side]!r} in the catalogue."
        for line, row in rows
        for side in ("first", "second")
        if row[side] not in by_code
    ]
    problems += [
        f"line {line}: the difference is empty." for line, row in rows if not row["difference"]
    ]
    if problems:
        raise ReferenceDataError(f"{path.name} was refused:\n" + "\n".join(problems))
    created = updated = unchanged = 0
    for _line, row in rows:
        pairing, was_created = IndicatorPairing.objects.get_or_create(
            first=by_code[row["first"]],
            second=by_code[row["second"]],
            defaults={"difference": row["difference"]},
        )
        if was_created:
            created += 1
        elif pairing.difference != row["difference"]:
            pairing.difference = row["difference"]
            pairing.save(update_fields=["difference"])
            updated += 1
        else:
            unchanged += 1
    return LoadCounts(created, updated, unchanged)
