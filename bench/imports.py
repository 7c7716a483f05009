"""Import speed (issue 4): a published national CSV through a whole import batch.

    DEBUG=true .venv/bin/python bench/imports.py [--rows N] [--database-url URL]

Generates its own file in the layout of the DfE's referrals publication (England, nine
regions and up to 900 authorities, over as many years as the row count needs), then times the
batch's three steps as an admin would run them: upload (hash and keep the file), validate (the
dry-run preview: parse, plan, count) and commit (areas, figures, audit trail, rollback
record), each inside a fresh throwaway database. Prints the rows, each step's time and the
total against the target (1,000,000 rows in at most 60 s). The SSDA903 benchmark is
bench/ssda903.py.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import time
import uuid

from common import throwaway_database

TARGET_SECONDS = 60.0
HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,referral_count,rereferral_count,"
    "rereferral_percent"
)
FILE_NAME = "c1_children_in_need_referrals_and_rereferrals_bench.csv"


def synthetic_file(rows: int) -> bytes:
    """`rows` data rows: each year has England, nine regions and the authorities."""
    authorities = min(900, max(1, rows - 10))
    per_year = authorities + 10
    years = math.ceil(rows / per_year)
    out = io.StringIO()
    out.write(HEADER + "\n")
    written = 0
    for offset in range(years):
        year = 2024 - offset
        period = f"{year}{(year + 1) % 100:02d}"
        lines = [f"{period},Reporting year,National,E92000001,England,,,,,"]
        lines += [
            f"{period},Reporting year,Regional,E92000001,England,E1200000{r},Region {r},,,"
            for r in range(1, 10)
        ]
        lines += [
            f"{period},Reporting year,Local authority,E92000001,England,E1200000{1 + a % 9},"
            f"Region {1 + a % 9},{100 + a},E0{6000000 + a},Authority {100 + a}"
            for a in range(authorities)
        ]
        for line in lines:
            if written == rows:
                break
            referrals = 500 + (written * 37) % 2000
            again = referrals * (15 + written % 10) // 100
            out.write(f"{line},{referrals},{again},{100 * again / referrals:.1f}\n")
            written += 1
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of SQLite")
    arguments = parser.parse_args()
    content = synthetic_file(arguments.rows)
    # Validation is queued, as with Redis in a deployment, and then run here: each step alone.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    with throwaway_database(arguments.database_url, "csc-bench-imports") as engine:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command

        from accounts.services import user_set
        from returns import services

        call_command("load_catalogue", verbosity=0)
        admin = user_set(username="bench.admin", password=uuid.uuid4().hex, is_admin=True)
        started = time.perf_counter()
        batch = services.batch_create(
            user=admin, kind="published", upload=SimpleUploadedFile(FILE_NAME, content)
        )
        uploaded = time.perf_counter()
        batch = services.batch_validate(batch=batch)
        validated = time.perf_counter()
        if batch.error_count:
            raise SystemExit(f"The synthetic file has {batch.error_count} errors.")
        batch = services.batch_commit(user=admin, batch=batch)
        committed = time.perf_counter()
    total = committed - started
    print(f"Published CSV import: {arguments.rows:,} rows ({len(content) / 1e6:.0f} MB)")
    print(f"Database: {engine}")
    print(f"upload: {uploaded - started:.1f} s")
    print(f"validate (preview): {validated - uploaded:.1f} s")
    print(f"commit: {committed - validated:.1f} s ({batch.new_count:,} figures created)")
    print(f"total: {total:.1f} s; {arguments.rows / total:,.0f} rows/s")
    scale = "" if arguments.rows == 1_000_000 else " (at this size; the target is for 1,000,000)"
    met = "met" if total * 1_000_000 / arguments.rows <= TARGET_SECONDS else "NOT met"
    print(f"target: 1,000,000 rows in <= {TARGET_SECONDS:.0f} s: {met}{scale}")


if __name__ == "__main__":
    main()
