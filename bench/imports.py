"""Import speed (issue 4): the three figures the issue names, each in a process of its own.

    DEBUG=true .venv/bin/python bench/imports.py [--database-url URL] [--only KIND]
        [--rows N] [--sheet-rows N] [--episodes N] [--statements] [--database-prefix NAME]

1. An SSDA903 return of 100,000 episodes validated and derived (bench/ssda903.py; no
   database): target at most 10 s.
2. A published CSV of 1,000,000 rows through a whole import batch (this file's `published`):
   target at most 20 s (issue 15; 60 s in issue 4). The file is generated in the layout of
   the DfE's long characteristics files (England, nine regions and 153 authorities, up to 20
   years, as many characteristics as the rows need), with a measure and a published-file
   mapping per characteristic added to the throwaway database, as an admin would add them.
   Upload (hash
   and keep the file), validation (the preview) and commit (areas, figures, audit trail,
   rollback records) are timed apart, each with the CPU time used here and by the database's
   backend (read from /proc when the server is local), which the machine's other work hardly
   changes; `--statements` lists the statements that took over 0.2 s.
3. A spreadsheet of 50,000 figures through a whole import batch (bench/spreadsheets.py):
   target at least 5,000 rows/s.

Each prints its own figures and whether its target is met.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

from common import throwaway_database

TARGET_SECONDS = 20.0
# England, nine regions and 153 authorities: the areas of an English publication.
REGIONS = 9
AUTHORITIES = 153
AREAS = 1 + REGIONS + AUTHORITIES
FIRST_YEAR = 2025
FILE_NAME = "cla_characteristics_bench.csv"
HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,characteristic,number,denominator,percentage"
)


def shape(rows: int) -> tuple[int, int]:
    """Years and characteristics for about `rows` rows: up to 20 years, as the DfE's longer
    series run, and as many characteristics (each a measure of its own) as the rest needs."""
    years = min(20, max(1, rows // AREAS))
    return years, max(1, math.ceil(rows / (AREAS * years)))


def _areas() -> list[str]:
    """The area cells of each row: level, country, region and authority columns."""
    cells = ["National,E92000001,England,,,,,"]
    cells += [f"Regional,E92000001,England,E1200000{r},Region {r},,," for r in range(1, 10)]
    cells += [
        f"Local authority,E92000001,England,E1200000{1 + a % REGIONS},Region {1 + a % REGIONS},"
        f"{800 + a},E0{6000100 + a},Authority {800 + a}"
        for a in range(AUTHORITIES)
    ]
    return cells


def synthetic_file(rows: int) -> bytes:
    """`rows` data rows of a long file, in the layout of the DfE's children-looked-after
    characteristics files: one row per year, area and characteristic, with a count, its
    denominator and the percentage."""
    years, characteristics = shape(rows)
    out = io.StringIO()
    out.write(HEADER + "\n")
    written = 0
    areas = _areas()
    for offset in range(years):
        year = FIRST_YEAR - offset
        period = f"{year - 1}{year % 100:02d}"
        for group in range(characteristics):
            for cells in areas:
                if written == rows:
                    return out.getvalue().encode()
                denominator = 500 + (written * 37) % 2000
                number = denominator * (5 + written % 40) // 100
                out.write(
                    f"{period},Reporting year,{cells},Group {group:03d},{number},{denominator},"
                    f"{100 * number / denominator:.1f}\n"
                )
                written += 1
    return out.getvalue().encode()


def add_bench_measures(characteristics: int) -> None:
    """A percentage measure per characteristic, and a published-file mapping for each, added
    to this throwaway database as an admin would add them (mappings are data, not code)."""
    from indicators.models import Indicator, Theme
    from returns.models import PublishedMapping

    theme = Theme.objects.order_by("order")[0]
    for group in range(characteristics):
        code = f"BENCH-CLA-{group:03d}"
        Indicator.objects.create(
            code=code,
            title=f"% of children looked after in group {group:03d}",
            definition="A benchmark measure.",
            theme=theme,
            unit="percent",
            polarity="none",
            frequency="annual",
            measure_type="snapshot",
            source="ssda903",
            roll_up="none",
        )
        PublishedMapping.objects.create(
            name=f"Bench group {group:03d}",
            indicator_code=code,
            file_hint="cla_characteristics_bench",
            value_column="percentage",
            numerator_column="number",
            denominator_column="denominator",
            filters=f"characteristic=Group {group:03d}",
        )


class SlowStatements:
    """A connection wrapper that notes every statement taking over `over` seconds."""

    def __init__(self, over: float = 0.2) -> None:
        self.over = over
        self.noted: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            if took > self.over:
                self.noted.append((took, " ".join(str(sql).split())[:110]))


def server_cpu(pid: int | None) -> float | None:
    """The CPU seconds a local PostgreSQL backend has used (from /proc), None if unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_now(pid: int | None) -> tuple[float, float | None]:
    """This process's CPU seconds and the backend's."""
    return time.process_time(), server_cpu(pid)


def published(
    rows: int,
    database_url: str | None,
    prefix: str = "csc-bench-imports",
    statements: bool = False,
) -> None:
    """Time a generated published file of `rows` rows through upload, validation and commit."""
    content = synthetic_file(rows)
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Validation is queued, as with Redis in a deployment, and then run here: each step alone.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    with throwaway_database(database_url, prefix) as engine:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command

        from accounts import access
        from accounts.services import user_set
        from indicators.bulk import keys_checked_at_once
        from returns import services

        call_command("load_catalogue", verbosity=0)
        add_bench_measures(shape(rows)[1])
        admin = user_set(
            actor=access.SYSTEM, username="bench.admin", password=uuid.uuid4().hex, is_admin=True
        )
        from django.db import connection

        at_once = keys_checked_at_once()
        slow = SlowStatements()
        if statements:
            connection.execute_wrappers.append(slow)
        backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
        cpu_started = cpu_now(backend)
        started = time.perf_counter()
        batch = services.batch_create(
            user=admin, kind="published", upload=SimpleUploadedFile(FILE_NAME, content)
        )
        uploaded = time.perf_counter()
        cpu_uploaded = cpu_now(backend)
        batch = services.batch_validate(batch=batch)
        validated = time.perf_counter()
        cpu_validated = cpu_now(backend)
        if batch.error_count:
            raise SystemExit(f"The synthetic file has {batch.error_count} errors.")
        batch = services.batch_commit(user=admin, batch=batch)
        committed = time.perf_counter()
        cpu_ended = cpu_now(backend)
    total = committed - started
    for took, sql in slow.noted:
        print(f"  {took:5.1f} s  {sql}")
    print(f"Published CSV import: {rows:,} rows ({len(content) / 1e6:.0f} MB)")
    print(f"Database: {engine}")
    keys = (
        "once per key"
        if at_once
        else "row by row (not PostgreSQL, or session_replication_role not allowed)"
    )
    print(f"foreign keys checked: {keys}")

    def cpu(since: tuple[float, float | None], until: tuple[float, float | None]) -> str:
        server = (
            f"{until[1] - since[1]:.1f} s" if until[1] is not None and since[1] is not None else "?"
        )
        return f"CPU {until[0] - since[0]:.1f} s here, {server} in the database"

    print(f"upload: {uploaded - started:.1f} s ({cpu(cpu_started, cpu_uploaded)})")
    print(f"validate (preview): {validated - uploaded:.1f} s ({cpu(cpu_uploaded, cpu_validated)})")
    print(
        f"commit: {committed - validated:.1f} s ({batch.new_count:,} figures created; "
        f"{cpu(cpu_validated, cpu_ended)})"
    )
    print(f"total: {total:.1f} s; {rows / total:,.0f} rows/s")
    server = (
        f"{cpu_ended[1] - cpu_started[1]:.1f} s"
        if cpu_ended[1] is not None and cpu_started[1] is not None
        else "not known"
    )
    # CPU time, unlike the wall clock, hardly changes with what else the machine is doing.
    print(f"CPU: this process {cpu_ended[0] - cpu_started[0]:.1f} s; the database's {server}")
    # The generated file and its copies take the first few hundred MB of this peak.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MB (the file generated: {before_mb:,.0f} MB)")
    scale = "" if rows == 1_000_000 else " (at this size; the target is for 1,000,000)"
    met = "met" if total * 1_000_000 / rows <= TARGET_SECONDS else "NOT met"
    print(f"target: 1,000,000 rows in <= {TARGET_SECONDS:.0f} s: {met}{scale}")


def _section(title: str, argv: list[str]) -> int:
    """Run one benchmark in a process of its own (Django is set up once per process, on one
    throwaway database), its output shown as it comes."""
    print(f"\n== {title} ==", flush=True)
    return subprocess.run([sys.executable, *argv], check=False).returncode  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["ssda903", "published", "spreadsheet"])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the published file")
    parser.add_argument("--sheet-rows", type=int, default=50_000, help="figures in the workbook")
    parser.add_argument("--episodes", type=int, default=100_000, help="SSDA903 episodes")
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of SQLite")
    parser.add_argument(
        "--database-prefix",
        default="csc-bench-imports",
        help="the start of the throwaway database's name (published CSV)",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="also print the statements of the published import that took over 0.2 s",
    )
    arguments = parser.parse_args()
    database = ["--database-url", arguments.database_url] if arguments.database_url else []
    if arguments.only == "published":
        published(
            arguments.rows, arguments.database_url, arguments.database_prefix, arguments.statements
        )
        return
    here = Path(__file__).resolve().parent
    sections = {
        "ssda903": (
            "SSDA903 return: validated and derived",
            [str(here / "ssda903.py"), "--episodes", str(arguments.episodes)],
        ),
        "published": (
            "Published national data: a CSV through a whole batch",
            [
                str(here / "imports.py"),
                "--only",
                "published",
                "--rows",
                str(arguments.rows),
                *database,
            ],
        ),
        "spreadsheet": (
            "Spreadsheet of figures: an XLSX through a whole batch",
            [str(here / "spreadsheets.py"), "--rows", str(arguments.sheet_rows), *database],
        ),
    }
    chosen = [arguments.only] if arguments.only else list(sections)
    failed = [name for name in chosen if _section(*sections[name]) != 0]
    if failed:
        raise SystemExit(f"These benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
