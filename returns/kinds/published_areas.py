"""The areas a published file names, found among the stored areas or created: England (or
Wales), the regions and the authorities, each with the nation its ONS code says
(`indicators.nations`: a W code is Wales). Shared by the portable and the PostgreSQL paths of the
published import, and by the neighbours import (`unique_slug`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from indicators.models import Area, AreaKind
from indicators.nations import nation_for_area
from indicators.reference import default_comparators_ensure

from .. import published


def area_lookup() -> tuple[dict[str, Area], dict[str, Area]]:
    """Every area by its ONS code, and by its DfE number."""
    by_code: dict[str, Area] = {}
    by_number: dict[str, Area] = {}
    for area in Area.objects.all():
        if area.ons_code:
            by_code[area.ons_code] = area
        if area.dfe_code:
            by_number[area.dfe_code] = area
        # A new authority is shown against its nation's average (England, or Wales) until an
        # admin chooses otherwise; the file's nation row, if any, was created first above.
        default_comparators_ensure(area)
    return by_code, by_number


def area_find(
    seen: published.PublishedArea, by_code: dict[str, Area], by_number: dict[str, Area]
) -> Area | None:
    # An authority keeps its DfE number through a change of ONS code (a reorganisation).
    if seen.la_number and seen.la_number in by_number:
        return by_number[seen.la_number]
    return by_code.get(seen.code)


def unique_slug(name: str, taken: set[str], extra: str) -> str:
    """A new area's slug, made unique with `extra` (its number or code) when it is taken."""
    slug = slugify(name)[:100] or "area"
    if slug in taken:
        slug = f"{slug}-{extra}".strip("-")
    taken.add(slug)
    return slug


def areas_ensure(areas: Sequence[published.PublishedArea]) -> None:
    """England (or Wales), the regions and every authority the file names, as areas; a new
    authority gets its nation's comparator (`default_comparators_ensure`)."""
    by_code, by_number = area_lookup()
    taken = set(Area.objects.values_list("slug", flat=True))
    for seen in sorted(areas, key=lambda a: ("national", "regional", "local").index(a.level)):
        if area_find(seen, by_code, by_number) is not None:
            continue
        kind = {"national": AreaKind.NATION, "regional": AreaKind.REGION}.get(
            seen.level, AreaKind.AUTHORITY
        )
        region = by_code.get(seen.region_code) if kind == AreaKind.AUTHORITY else None
        # The parser refuses a code of a nation not held at validation; a file changed since
        # is refused here rather than stored under the wrong nation.
        nation = nation_for_area(seen.code, "")
        if nation.problem:
            raise ValidationError(f"The file no longer validates: {nation.problem}")
        area = Area.objects.create(
            name=seen.name,
            slug=unique_slug(seen.name, taken, seen.la_number or seen.code.lower()),
            kind=kind,
            nation=nation.nation,
            ons_code=seen.code,
            dfe_code=seen.la_number,
            region=region,
        )
        by_code[area.ons_code] = area
        if area.dfe_code:
            by_number[area.dfe_code] = area
        # A new authority is shown against its nation's average (England, or Wales) until an
        # admin chooses otherwise; the file's nation row, if any, was created first above.
        default_comparators_ensure(area)
