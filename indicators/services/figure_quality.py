"""Recording the data quality of figures derived from a statutory return (issue 19): called
by the return's commit, in its transaction, after the figures are written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from .. import dashboards
from ..models import Figure, FigureSource
from ..quality_models import FigureQuality
from .figure_writes import import_writer_require

if TYPE_CHECKING:
    from accounts.access import SystemActor
    from accounts.models import User


@dataclass(frozen=True)
class QualityRecord:
    """One figure's quality as a return's rules left it: the children it counts, those an
    error that can change it touches, and each such rule with its children."""

    figure_id: int
    counted: int
    affected: int
    rules: Sequence[dict[str, Any]]  # [{"code": "408", "children": 12}]


@transaction.atomic
def figure_qualities_record(
    *, user: User | SystemActor, rule_set: str, records: Sequence[QualityRecord]
) -> int:
    """Keep each figure's quality for its current version, replacing any held (a corrected
    return's figures carry the new return's quality). Refused (PermissionDenied) unless `user`
    may import a statutory return's figures for every area concerned; a count outside its
    bounds is a ValueError (a caller's mistake). How many were recorded."""
    figures = Figure.objects.select_related("area").in_bulk([r.figure_id for r in records])
    for area in {figure.area for figure in figures.values()}:
        import_writer_require(user, area, status="approved", source=FigureSource.RETURN)
    kept = []
    for record in records:
        if not 0 <= record.affected <= record.counted:
            raise ValueError(f"Figure {record.figure_id}: {record.affected} of {record.counted}.")
        figure = figures[record.figure_id]
        kept.append(
            FigureQuality(
                figure=figure,
                version=figure.version,
                rule_set=rule_set[:40],
                counted=record.counted,
                affected=record.affected,
                rules=[{"code": r["code"], "children": int(r["children"])} for r in record.rules],
            )
        )
    FigureQuality.objects.filter(figure_id__in=list(figures)).delete()
    FigureQuality.objects.bulk_create(kept)
    # The dashboards carry the latest figure's quality in their snapshots: a corrected return
    # whose figures are unchanged still changes what their tiles say.
    dashboards.dashboards_changed(area_ids={figure.area_id for figure in figures.values()})
    return len(kept)
