"""The lineage of areas through local-government reorganisation (issue 18): loading the shipped
`catalogue/lineage.csv` into `AreaSuccession`, and reading an authority's breaks for its trend.

Authorities appear and disappear between years of the published files: Northamptonshire's
figures stop at 2020/21 and North and West Northamptonshire's start at 2021/22. A chart that
knows why draws a labelled break there ("Northamptonshire split into North Northamptonshire
and West Northamptonshire, April 2021") instead of a line that silently stops or starts.

The load runs with the catalogue (`reference.reference_areas_load`, in `catalogue_load`'s
transaction): every row is checked first and a file with any bad row is refused as a whole,
naming the rows; loading it again changes nothing. Areas are found by DfE number first (an
authority keeps its number through a change of ONS code, as the published import finds it),
then by ONS code; a missing one is created with its code, number, name and region, so that the
lineage holds before any published file has been imported.

The wording of a break (`break_labels`) and which breaks fall on a chart (`breaks_within`) are
pure, tested without the database.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.utils.text import slugify

from .lineage_models import AreaSuccession, SuccessionChange
from .models import Area, AreaKind, Nation
from .reference_cache import SUCCESSIONS, cached
from .year_ends import HasPeriod

LINEAGE_CSV = Path(__file__).resolve().parent / "catalogue" / "lineage.csv"
LINEAGE_COLUMNS = (
    "predecessor_name",
    "predecessor_ons_code",
    "predecessor_la_number",
    "successor_name",
    "successor_ons_code",
    "successor_la_number",
    "region_code",
    "region_name",
    "took_effect",
    "change",
    "note",
)
# English authorities only: the reorganisations the DfE's files show. A Welsh authority's
# lineage would need its nation; none has been reorganised since 1996.
AUTHORITY_CODE = re.compile(r"E0[6-9]\d{6}|E10\d{6}")
REGION_CODE = re.compile(r"E12\d{6}")
LA_NUMBER = re.compile(r"\d{3}")


class LineageError(ValueError):
    """The lineage file was refused: the message names every row that was wrong."""


@dataclass(frozen=True)
class LineageCounts:
    areas_created: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Every authority the file names, found or created: each is given its nation's comparator
    # by the reference load, as the shipped authorities are.
    authorities: tuple[Area, ...] = ()


# --- pure: the words of a break and where it falls ------------------------------------------


@dataclass(frozen=True)
class Step:
    """One succession as plain names: `predecessor` gave way (wholly or in part) to
    `successor` on `took_effect`."""

    predecessor: str
    successor: str
    took_effect: date
    change: str


@dataclass(frozen=True)
class LineageBreak:
    """A labelled break on a chart: the day a reorganisation took effect, and what happened."""

    took_effect: date
    label: str


def _joined(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def break_labels(steps: Iterable[Step]) -> list[LineageBreak]:
    """One break per day a reorganisation took effect, worded from its steps in their order:
    "Northamptonshire split into North Northamptonshire and West Northamptonshire, April 2021";
    "Bournemouth and Poole merged into Bournemouth, Christchurch and Poole"; a recoded
    authority "took a new ONS code" (it is one area before and after)."""
    by_day: dict[date, list[Step]] = {}
    for step in steps:
        by_day.setdefault(step.took_effect, []).append(step)
    breaks = []
    for day in sorted(by_day):
        day_steps = by_day[day]
        sentences: list[str] = []
        for predecessor in _unique(s.predecessor for s in day_steps):
            mine = [s for s in day_steps if s.predecessor == predecessor]
            change = mine[0].change
            successors = _unique(s.successor for s in mine)
            if change == SuccessionChange.SPLIT:
                sentences.append(f"{predecessor} split into {_joined(successors)}")
            elif change == SuccessionChange.ABSORBED:
                sentences.append(f"{predecessor} became part of {_joined(successors)}")
            elif change == SuccessionChange.RECODED:
                sentences.append(f"{predecessor} took a new ONS code")
        for successor in _unique(
            s.successor for s in day_steps if s.change == SuccessionChange.MERGED
        ):
            merged = _unique(
                s.predecessor
                for s in day_steps
                if s.successor == successor and s.change == SuccessionChange.MERGED
            )
            sentences.append(f"{_joined(merged)} merged into {successor}")
        breaks.append(LineageBreak(day, f"{'; '.join(_unique(sentences))}, {day:%B %Y}"))
    return breaks


def breaks_within(breaks: Iterable[LineageBreak], first: date, last: date) -> list[LineageBreak]:
    """The breaks a chart from `first` to `last` shows: those that took effect within it, or
    on the day after its last period (an authority whose figures stop the day before it was
    replaced)."""
    return [item for item in breaks if first <= item.took_effect <= last + timedelta(days=1)]


# --- reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Held:
    """A succession as the cache keeps it: the two areas' ids and names, and the change."""

    took_effect: date
    predecessor: tuple[int, str, str]  # id, name, DfE number
    successor: tuple[int, str, str]
    change: str


def _successions() -> list[_Held]:
    """Every succession held (a dozen or so), in order: one query when not cached."""

    def read() -> list[_Held]:
        return [
            _Held(s.took_effect, _side(s.predecessor), _side(s.successor), s.change)
            for s in AreaSuccession.objects.select_related("predecessor", "successor").order_by(
                "took_effect", "pk"
            )
        ]

    return cached(SUCCESSIONS, read)


def _side(area: Area) -> tuple[int, str, str]:
    return (area.pk, area.name, area.dfe_code)


def area_breaks(area: Area) -> list[LineageBreak]:
    """The breaks in an authority's line: every reorganisation it took part in, worded with
    the others on the same day that share a predecessor or successor with it (BCP's says that
    Dorset County split as well as that Bournemouth and Poole merged into BCP)."""
    held = _successions()
    own = [s for s in held if area.pk in (s.predecessor[0], s.successor[0])]
    if not own:
        return []
    related = {(s.took_effect, side) for s in own for side in (s.predecessor[0], s.successor[0])}
    successions = [
        s
        for s in held
        if {(s.took_effect, s.predecessor[0]), (s.took_effect, s.successor[0])} & related
    ]
    # Two areas of one name (Dorset County Council's area is "Dorset" in the DfE's files, as
    # is the Dorset Council that replaced it) are told apart by their DfE numbers.
    names: dict[str, set[int]] = {}
    for s in successions:
        for pk, name, _code in (s.predecessor, s.successor):
            names.setdefault(name, set()).add(pk)

    def named(side: tuple[int, str, str]) -> str:
        _pk, name, code = side
        return f"{name} ({code})" if len(names[name]) > 1 and code else name

    return break_labels(
        Step(named(s.predecessor), named(s.successor), s.took_effect, s.change) for s in successions
    )


def trend_breaks(area: Area, rows: Sequence[HasPeriod]) -> list[LineageBreak]:
    """The breaks that fall on a trend of `rows` (its periods in order)."""
    if not rows:
        return []
    return breaks_within(area_breaks(area), rows[0].period.start, rows[-1].period.end)


# --- load -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    name: str
    code: str
    number: str


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, UnicodeDecodeError) as error:
        raise LineageError(f"{path.name}: could not be read ({error}).") from None
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != LINEAGE_COLUMNS:
        raise LineageError(f"{path.name}: the header must be {','.join(LINEAGE_COLUMNS)}.")
    return [
        (line, {key: (value or "").strip() for key, value in row.items()})
        for line, row in enumerate(reader, start=2)
        if any((value or "").strip() for value in row.values())
    ]


def _row_problems(row: dict[str, str]) -> list[str]:
    problems = []
    for side in ("predecessor", "successor"):
        if not row[f"{side}_name"]:
            problems.append(f"the {side}'s name is empty")
        if not AUTHORITY_CODE.fullmatch(row[f"{side}_ons_code"]):
            problems.append(
                f"the {side}'s ONS code {row[f'{side}_ons_code']!r} is not an English "
                "authority's (E06, E08, E09 or E10 and six digits)"
            )
        if not LA_NUMBER.fullmatch(row[f"{side}_la_number"]):
            problems.append(
                f"the {side}'s DfE number {row[f'{side}_la_number']!r} is not three digits"
            )
    if not REGION_CODE.fullmatch(row["region_code"]) or not row["region_name"]:
        problems.append("give the region's ONS code (E12 and six digits) and its name")
    try:
        date.fromisoformat(row["took_effect"])
    except ValueError:
        problems.append(f"took_effect {row['took_effect']!r} is not a date (2021-04-01)")
    change = row["change"]
    if change not in SuccessionChange.values:
        problems.append(f"change {change!r} is not one of {', '.join(SuccessionChange.values)}")
    same_number = row["predecessor_la_number"] == row["successor_la_number"]
    if change == SuccessionChange.RECODED and not same_number:
        problems.append("a recoded authority keeps its DfE number: give the same number twice")
    if change in SuccessionChange.values and change != SuccessionChange.RECODED and same_number:
        problems.append(
            f"a {change} authority's successor has a DfE number of its own, not the same one"
        )
    if len(row["note"]) > 255:
        problems.append("the note is longer than 255 characters")
    return problems


def _find(side: _Side, by_number: dict[str, Area], by_code: dict[str, Area]) -> Area | None:
    return by_number.get(side.number) or by_code.get(side.code)


def _conflict(side: _Side, by_number: dict[str, Area], by_code: dict[str, Area]) -> str:
    """Why `side` cannot be matched to one area: its code is another authority's."""
    area = by_code.get(side.code)
    if area is not None and area.dfe_code and area.dfe_code != side.number:
        return (
            f"ONS code {side.code} belongs to {area.name}, whose DfE number is "
            f"{area.dfe_code}, not {side.number}"
        )
    return ""


def lineage_load(path: Path | None = None) -> LineageCounts:
    """Create or update the successions in the lineage file, creating any area it names that
    is not held yet. Raises LineageError, having written nothing of its own, if any row is
    wrong (the caller's transaction rolls back what the catalogue wrote before)."""
    path = path or LINEAGE_CSV
    rows = _read(path)
    by_number = {area.dfe_code: area for area in Area.objects.exclude(dfe_code="")}
    by_code = {area.ons_code: area for area in Area.objects.exclude(ons_code="")}
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        found = _row_problems(row)
        for side in ("predecessor", "successor"):
            side_value = _Side(
                row[f"{side}_name"], row[f"{side}_ons_code"], row[f"{side}_la_number"]
            )
            conflict = _conflict(side_value, by_number, by_code)
            if conflict:
                found.append(conflict)
        pair = (row["predecessor_la_number"], row["successor_la_number"])
        if pair in seen:
            found.append(f"the same predecessor and successor as line {seen[pair]}")
        seen.setdefault(pair, line)
        problems += [f"line {line}: {problem}." for problem in found]
    if problems:
        raise LineageError(f"{path.name} was refused:\n" + "\n".join(problems))

    areas_created = created = updated = unchanged = 0
    taken = set(Area.objects.values_list("slug", flat=True))
    named: dict[int, Area] = {}

    def ensure(side: _Side, region: Area) -> Area:
        nonlocal areas_created
        area = _find(side, by_number, by_code)
        if area is not None:
            return area
        slug = slugify(side.name)[:100] or "area"
        if slug in taken:
            slug = f"{slug}-{side.number}"
        taken.add(slug)
        area = Area.objects.create(
            name=side.name,
            slug=slug,
            kind=AreaKind.AUTHORITY,
            nation=Nation.ENGLAND,
            ons_code=side.code,
            dfe_code=side.number,
            region=region,
        )
        by_number[area.dfe_code] = area
        by_code[area.ons_code] = area
        areas_created += 1
        return area

    for _line, row in rows:
        region = by_code.get(row["region_code"])
        if region is None:
            slug = slugify(row["region_name"])[:100]
            if slug in taken:
                slug = f"{slug}-{row['region_code'].lower()}"
            taken.add(slug)
            region = Area.objects.create(
                name=row["region_name"],
                slug=slug,
                kind=AreaKind.REGION,
                nation=Nation.ENGLAND,
                ons_code=row["region_code"],
            )
            by_code[region.ons_code] = region
            areas_created += 1
        successor_side = _Side(
            row["successor_name"], row["successor_ons_code"], row["successor_la_number"]
        )
        predecessor_side = _Side(
            row["predecessor_name"], row["predecessor_ons_code"], row["predecessor_la_number"]
        )
        # A recoded authority is one area: created (if need be) under its current code.
        successor = ensure(successor_side, region)
        predecessor = (
            successor
            if row["change"] == SuccessionChange.RECODED
            else ensure(predecessor_side, region)
        )
        named.update({successor.pk: successor, predecessor.pk: predecessor})
        values = {
            "took_effect": date.fromisoformat(row["took_effect"]),
            "change": row["change"],
            "note": row["note"],
        }
        succession, was_created = AreaSuccession.objects.get_or_create(
            predecessor=predecessor, successor=successor, defaults=values
        )
        if was_created:
            created += 1
        elif any(getattr(succession, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(succession, field, value)
            succession.save(update_fields=list(values))
            updated += 1
        else:
            unchanged += 1
    return LineageCounts(areas_created, created, updated, unchanged, tuple(named.values()))
