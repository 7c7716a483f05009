"""The areas a published file names, found among the stored areas or created: England (or
Wales), the regions and the authorities, each with the nation its ONS code says
(`indicators.nations`: a W code is Wales), and the joint areas of authorities that run
children's services together (`returns.published_areas_read`). Shared by the portable and the
PostgreSQL paths of the published import, and by the neighbours import (`unique_slug`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from indicators.models import Area, AreaKind
from indicators.nations import nation_for_area
from indicators.reference import default_comparators_ensure

from .. import published, published_areas_read


@dataclass
class AreaIndex:
    """The stored areas a published file's areas are found among: by ONS code, by DfE number,
    and the joint areas by the set of their members' codes (and of their numbers)."""

    by_code: dict[str, Area] = field(default_factory=dict)
    by_number: dict[str, Area] = field(default_factory=dict)
    joint: dict[frozenset[str], Area] = field(default_factory=dict)

    def add(self, area: Area, member_codes: list[str], member_numbers: list[str]) -> None:
        if area.kind == AreaKind.JOINT:
            for codes in (member_codes, member_numbers):
                if key := published_areas_read.joint_key(codes):
                    self.joint[key] = area
            return
        if area.ons_code:
            self.by_code[area.ons_code] = area
        if area.dfe_code:
            self.by_number[area.dfe_code] = area


def area_lookup() -> AreaIndex:
    """Every stored area, to find a file's areas among."""
    index = AreaIndex()
    for area in Area.objects.prefetch_related("members"):
        members = list(area.members.all()) if area.kind == AreaKind.JOINT else []
        index.add(area, [m.ons_code for m in members], [m.dfe_code for m in members])
    return index


def area_find(seen: published.PublishedArea, index: AreaIndex) -> Area | None:
    if seen.is_joint:
        members = seen.members()
        return index.joint.get(
            published_areas_read.joint_key([m.la_number for m in members])
        ) or index.joint.get(published_areas_read.joint_key([m.code for m in members]))
    # An authority keeps its DfE number through a change of ONS code (a reorganisation).
    if seen.la_number and seen.la_number in index.by_number:
        return index.by_number[seen.la_number]
    return index.by_code.get(seen.code)


def unique_slug(name: str, taken: set[str], extra: str) -> str:
    """A new area's slug, made unique with `extra` (its number or code) when it is taken."""
    slug = slugify(name)[:100] or "area"
    if slug in taken:
        slug = f"{slug}-{extra}".strip("-")
    taken.add(slug)
    return slug


def areas_ensure(areas: Sequence[published.PublishedArea]) -> None:
    """England (or Wales), the regions and every authority the file names, as areas; a joint
    row as a joint area whose members are its authorities (created too when not stored); a
    new authority gets its nation's comparator (`default_comparators_ensure`)."""
    index = area_lookup()
    taken = set(Area.objects.values_list("slug", flat=True))
    for seen in sorted(areas, key=lambda a: ("national", "regional", "local").index(a.level)):
        if area_find(seen, index) is not None:
            continue
        if not seen.is_joint:
            _area_create(seen, index, taken)
            continue
        members = [
            area_find(member, index) or _area_create(member, index, taken)
            for member in seen.members()
        ]
        if not members:  # the parser refuses a joint row that does not pair up
            raise ValidationError("The file no longer validates: a joint row names no members.")
        joint = Area.objects.create(
            name=seen.display_name,
            slug=unique_slug(seen.display_name, taken, "joint"),
            kind=AreaKind.JOINT,
            nation=members[0].nation,
            region=members[0].region,
        )
        joint.members.set(members)
        index.add(joint, [m.ons_code for m in members], [m.dfe_code for m in members])


def _area_create(seen: published.PublishedArea, index: AreaIndex, taken: set[str]) -> Area:
    kind = {"national": AreaKind.NATION, "regional": AreaKind.REGION}.get(
        seen.level, AreaKind.AUTHORITY
    )
    region = index.by_code.get(seen.region_code) if kind == AreaKind.AUTHORITY else None
    # The parser refuses what the Area columns cannot hold, and a code of a nation not held,
    # at validation; a file changed since is refused here rather than stored wrongly.
    problems = published_areas_read.area_problems(seen)
    if problems:
        raise ValidationError(f"The file no longer validates: {problems[0][1]}")
    nation = nation_for_area(seen.code, "")
    area = Area.objects.create(
        name=seen.name,
        slug=unique_slug(seen.name, taken, seen.la_number or seen.code.lower()),
        kind=kind,
        nation=nation.nation,
        ons_code=seen.code,
        dfe_code=seen.la_number,
        region=region,
    )
    index.add(area, [], [])
    # A new authority is shown against its nation's average (England, or Wales) until an
    # admin chooses otherwise; the file's nation row, if any, was created first above.
    default_comparators_ensure(area)
    return area
