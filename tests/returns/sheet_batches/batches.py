"""Uploading a spreadsheet as a validated batch, and reading what it found or wrote."""

from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import (
    Area,
    Figure,
    FigureSource,
)
from returns import services
from returns.models import ImportBatch, ImportKind


def upload(
    user,
    content: bytes,
    kind: str = ImportKind.SHEET_FIGURES,
    name: str = "figures.csv",
    authority: Area | None = None,
) -> ImportBatch:
    batch = services.batch_create(
        user=user, kind=kind, upload=SimpleUploadedFile(name, content), authority=authority
    )
    return services.batch_validate(batch=batch)


def messages(batch: ImportBatch) -> str:
    return " | ".join(
        f"{f.row}:{f.column}:{f.message}" for f in batch.findings.filter(severity="error")
    )


def imported() -> int:
    return Figure.objects.filter(source=FigureSource.IMPORTED).count()
