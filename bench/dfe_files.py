"""Every published file we hold, imported in one go (issue 18).

    DEBUG=true .venv/bin/python bench/dfe_files.py [--database-url URL] [--folder PATH]

Imports every file in ``../shared/data/dfe`` (or ``--folder``) into a new, migrated database
holding only the shipped catalogue, each through a whole import batch as an admin would:
upload, validation (the preview) and commit. The DfE's CSVs go through the published import,
the two statistical-neighbour files through the neighbours import, and Ofsted's inspection
outcomes (.ods) through the Ofsted import. It prints, for each file, its rows, the figures (or
judgements, or neighbours) written and the seconds and rows per second of each step, then the
totals. No target is set (the issue asks for the figures); a file with errors stops the run
with its first findings.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from common import ROOT, throwaway_database

if TYPE_CHECKING:
    from accounts.models import User

DFE = ROOT.parent / "shared" / "data" / "dfe"
NEIGHBOUR_FILES = ("statistical_neighbour", "sn_model")


def import_kind(path: Path) -> str:
    """The import a published file goes through, by its name (as an admin would choose)."""
    if path.suffix.casefold() == ".ods":
        return "ofsted"
    if any(part in path.name.casefold() for part in NEIGHBOUR_FILES):
        return "neighbours"
    return "published"


def import_order(paths: list[Path]) -> list[Path]:
    """The population first (rates are derived from it as counts arrive; the other order works
    too), then the figures, the neighbours and Ofsted's judgements; by name within each."""
    rank = {"published": 1, "neighbours": 2, "ofsted": 3}

    def key(path: Path) -> tuple[int, str]:
        first = 0 if "population" in path.name else rank[import_kind(path)]
        return first, path.name

    return sorted(paths, key=key)


@dataclass
class Timed:
    name: str
    kind: str
    rows: int
    written: int
    validate: float
    commit: float

    @property
    def total(self) -> float:
        return self.validate + self.commit


def import_file(path: Path, admin: User) -> Timed:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from returns import services

    kind = import_kind(path)
    batch = services.batch_create(
        user=admin, kind=kind, upload=SimpleUploadedFile(path.name, path.read_bytes())
    )
    started = time.perf_counter()
    batch = services.batch_validate(batch=batch)
    validated = time.perf_counter()
    if batch.error_count:
        findings = batch.findings.filter(severity="error")[:5]
        listed = "; ".join(f"row {f.row}: {f.message}" for f in findings)
        raise SystemExit(f"{path.name} has {batch.error_count} errors: {listed}")
    batch = services.batch_commit(user=admin, batch=batch)
    committed = time.perf_counter()
    if batch.status != "committed":
        raise SystemExit(f"{path.name} was not committed ({batch.status}): {batch.message}")
    return Timed(
        path.name,
        kind,
        batch.rows_read,
        batch.new_count + batch.changed_count,
        validated - started,
        committed - validated,
    )


def run(folder: Path, database_url: str | None) -> None:
    paths = import_order(
        [path for path in folder.iterdir() if path.suffix.casefold() in (".csv", ".ods")]
    )
    if not paths:
        raise SystemExit(f"No published files in {folder}.")
    # Work queued by the imports (dashboards, roll-ups) goes to an in-memory broker, as it
    # goes to Redis in a deployment; only the imports themselves are timed.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    with throwaway_database(database_url, "csc-bench-dfe") as engine:
        from django.core.management import call_command

        from accounts import access
        from accounts.services import user_set

        call_command("load_catalogue", verbosity=0)
        admin = user_set(
            actor=access.SYSTEM, username="bench.admin", password=uuid.uuid4().hex, is_admin=True
        )
        print(f"Database: {engine}")
        print(
            f"{'file':<58} {'kind':<10} {'rows':>7} {'written':>8} {'valid.':>7} "
            f"{'commit':>7} {'rows/s':>8}"
        )
        timed = []
        for path in paths:
            one = import_file(path, admin)
            timed.append(one)
            print(
                f"{one.name[:58]:<58} {one.kind:<10} {one.rows:>7,} {one.written:>8,} "
                f"{one.validate:>6.1f}s {one.commit:>6.1f}s {one.rows / one.total:>8,.0f}",
                flush=True,
            )
    rows = sum(one.rows for one in timed)
    written = sum(one.written for one in timed)
    seconds = sum(one.total for one in timed)
    print(
        f"total: {len(timed)} files, {rows:,} rows, {written:,} written in {seconds:.1f} s "
        f"(validation {sum(t.validate for t in timed):.1f} s, commit "
        f"{sum(t.commit for t in timed):.1f} s): {rows / seconds:,.0f} rows/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of SQLite")
    parser.add_argument("--folder", type=Path, default=DFE, help="where the published files are")
    arguments = parser.parse_args()
    if not arguments.folder.is_dir():
        raise SystemExit(f"{arguments.folder} is not there: nothing to import.")
    run(arguments.folder, arguments.database_url)


if __name__ == "__main__":
    main()
