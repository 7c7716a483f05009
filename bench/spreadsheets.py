"""Spreadsheet import speed (issue 4): an XLSX workbook of figures through a whole batch.

    DEBUG=true .venv/bin/python bench/spreadsheets.py [--rows N] [--database-url URL]

Generates its own workbook (written by openpyxl, as Excel would: a guidance sheet and a
figures sheet) of 50 authorities' figures for 25 indicators, half of them percentages given by
numerator and denominator (so every value is derived, as data entry does) and half counts,
over as many past months as the row count needs. Then, in a throwaway database, times the
batch's three steps as an admin would run them: upload (hash and keep the file), validate
(read, match, derive and count: the dry run) and commit (figures, audit trail, rollback
record). Prints each step's time and the rows per second against the target (at least 5,000
rows/s for 50,000 rows).

`measure(rows, database_url)` returns the printed lines, for bench/imports.py to call.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import time
import uuid

from common import throwaway_database

TARGET_ROWS_PER_SECOND = 5_000
AUTHORITIES = 50
INDICATORS = 25
HEADER = [
    "authority",
    "indicator",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "suppression",
    "provisional",
    "commentary",
]


def synthetic_workbook(rows: int) -> bytes:
    """`rows` figures: every authority and indicator for each month, newest months last."""
    from openpyxl import Workbook

    months = math.ceil(rows / (AUTHORITIES * INDICATORS))
    book = Workbook(write_only=True)
    guidance = book.create_sheet("guidance")
    guidance.append(["Figures for the benchmark, written as a council would."])
    sheet = book.create_sheet("figures")
    sheet.append(HEADER)
    written = 0
    for month in range(months):
        year, index = 2016 + month // 12, month % 12 + 1
        period = f"{year}-{index:02d}"
        for authority in range(AUTHORITIES):
            for indicator in range(INDICATORS):
                if written == rows:
                    break
                code = f"BENCH-{indicator:02d}"
                if indicator % 2:
                    sheet.append([str(800 + authority), code, period, None, 120 + written % 90])
                else:
                    denominator = 100 + (written * 7) % 400
                    numerator = (written * 13) % denominator
                    comment = "Steady" if written % 10 == 0 else None
                    row = [str(800 + authority), code, period, None, None, numerator, denominator]
                    sheet.append([*row, None, "no", comment])
                written += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _catalogue() -> None:
    """The benchmark's authorities and indicators (codes BENCH-00 to BENCH-24)."""
    from indicators.models import Area, AreaKind, Indicator, Theme

    theme = Theme.objects.create(name="Benchmark", slug="benchmark")
    Area.objects.bulk_create(
        Area(
            name=f"Authority {800 + a}",
            slug=f"authority-{800 + a}",
            kind=AreaKind.AUTHORITY,
            dfe_code=str(800 + a),
        )
        for a in range(AUTHORITIES)
    )
    Indicator.objects.bulk_create(
        Indicator(
            code=f"BENCH-{i:02d}",
            title=f"Benchmark measure {i}",
            definition="Generated for the benchmark.",
            theme=theme,
            unit="count" if i % 2 else "percent",
            polarity="higher",
            frequency="monthly",
            measure_type="events",
            decimals=1,
            source="local",
            # No roll-up, so the figures alone are timed (roll-ups run later, in a worker).
            roll_up="none",
        )
        for i in range(INDICATORS)
    )


def measure(rows: int = 50_000, database_url: str | None = None) -> list[str]:
    """Import `rows` figures from a generated workbook; the lines saying how fast it went."""
    content = synthetic_workbook(rows)
    # Validation is queued, as with Redis in a deployment, and then run here: each step alone.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    with throwaway_database(database_url, "csc-bench-sheets") as engine:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from accounts import access
        from accounts.services import user_set
        from indicators import services as figure_services
        from returns import services

        # Time the figure writer apart: it is shared with every import and is being rebuilt
        # on COPY, so the lines below say how much of the commit is this import's own work.
        writer = figure_services.figures_import
        spent: list[float] = []

        def timed_writer(**kwargs: object) -> object:
            began = time.perf_counter()
            try:
                return writer(**kwargs)  # type: ignore[arg-type]
            finally:
                spent.append(time.perf_counter() - began)

        figure_services.figures_import = timed_writer  # type: ignore[assignment]
        _catalogue()
        admin = user_set(
            actor=access.SYSTEM, username="bench.admin", password=uuid.uuid4().hex, is_admin=True
        )
        started = time.perf_counter()
        batch = services.batch_create(
            user=admin,
            kind="sheet_figures",
            upload=SimpleUploadedFile("bench-figures.xlsx", content),
        )
        uploaded = time.perf_counter()
        batch = services.batch_validate(batch=batch)
        validated = time.perf_counter()
        if batch.error_count:
            first = batch.findings.first()
            raise SystemExit(f"The generated workbook has {batch.error_count} errors: {first}")
        batch = services.batch_commit(user=admin, batch=batch)
        committed = time.perf_counter()
        figure_services.figures_import = writer
    total = committed - started
    writing = sum(spent)
    own = total - writing
    rate = rows / total
    met = "met" if rate >= TARGET_ROWS_PER_SECOND else "NOT met"
    return [
        f"Spreadsheet (XLSX) import: {rows:,} figures ({len(content) / 1e6:.1f} MB)",
        f"Database: {engine}",
        f"upload: {uploaded - started:.2f} s",
        f"validate (preview): {validated - uploaded:.2f} s",
        f"commit: {committed - validated:.2f} s ({batch.new_count:,} figures created)",
        f"  of which indicators.services.figures_import: {writing:.2f} s",
        f"total: {total:.2f} s; {rate:,.0f} rows/s",
        f"without figures_import: {own:.2f} s; {rows / own:,.0f} rows/s",
        f"target: at least {TARGET_ROWS_PER_SECOND:,} rows/s: {met}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of SQLite")
    arguments = parser.parse_args()
    for line in measure(arguments.rows, arguments.database_url):
        print(line)


if __name__ == "__main__":
    main()
