"""What every benchmark needs: a throwaway database, migrated, and Django set up on it."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

if TYPE_CHECKING:
    from indicators.models import Indicator


def _create_postgres_database(server_url: str, prefix: str) -> tuple[str, str]:
    """A new empty database on the server: its URL and name."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_postgres_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_database(server_url: str | None, prefix: str) -> Iterator[str]:
    """Set Django up on a new, migrated database (an SQLite file in a temporary directory, or
    a temporary database on the PostgreSQL server given), dropped afterwards. Yields a line
    saying which."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    temporary = tempfile.TemporaryDirectory(prefix=f"{prefix}-")
    dropped: tuple[str, str] | None = None
    if server_url:
        database_url, name = _create_postgres_database(server_url, prefix.replace("-", "_"))
        dropped = (server_url, name)
        engine = f"PostgreSQL ({name}, dropped afterwards)"
    else:
        database_url = f"sqlite:///{Path(temporary.name) / 'bench.sqlite3'}"
        engine = "SQLite (a file in a temporary directory)"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("MEDIA_ROOT", str(Path(temporary.name) / "media"))
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield engine
        from django.db import connections

        connections.close_all()
    finally:
        if dropped is not None:
            _drop_postgres_database(*dropped)
        temporary.cleanup()


# --- generated figures, as the benchmarks write them with the imports' bulk loader ----------

FIGURE_COLUMNS = (
    "area_id",
    "indicator_id",
    "period_id",
    "breakdown_id",
    "value",
    "suppression",
    "status",
    "source",
    "source_note",
    "ratio_kind",
    "is_provisional",
    "is_estimated",
    "is_revised",
    "commentary",
    "review_comment",
    "version",
    "updated_at",
)


def approved_figure(
    area_id: int,
    indicator_id: int,
    period_id: int,
    value: Decimal,
    now: datetime,
    breakdown_id: int | None = None,
) -> tuple[object, ...]:
    """A row for FIGURE_COLUMNS: an approved, typed figure (version 1) written at `now`."""
    return (
        area_id,
        indicator_id,
        period_id,
        breakdown_id,
        value,
        "",
        "approved",
        "typed",
        "",
        "proportion",
        False,
        False,
        False,
        "",
        "",
        1,
        now,
    )


def wandering_value(seed: int, step: int) -> Decimal:
    """A wandering line between 40% and 95%, different for every seed (area and indicator)."""
    return Decimal(40 + (seed * 7 + step * (seed % 5 + 1)) % 55) + Decimal(seed % 10) / 10


def write_targets(authority_ids: list[int], indicator_ids: list[int], year_ids: list[int]) -> int:
    """A 60-75% target band (tolerance 2) for every authority, indicator and financial year."""
    from django.utils import timezone

    from indicators import bulk
    from indicators.models import Target

    now = timezone.now()
    band = (Decimal(60), Decimal(75), Decimal(2), now)
    return bulk.insert_rows(
        Target,
        (
            "authority_id",
            "indicator_id",
            "financial_year_id",
            "lower",
            "upper",
            "tolerance",
            "updated_at",
        ),
        (
            (authority, indicator, year, *band)
            for authority in authority_ids
            for indicator in indicator_ids
            for year in year_ids
        ),
    )


# The years of figures both benchmarks generate: every month of April 2017 to March 2025.
FIRST_YEAR = 2017
YEARS = 8


def months_and_years() -> tuple[list[Any], list[Any]]:
    """The month and financial-year periods of FIRST_YEAR's April for YEARS years, created."""
    from indicators import periods
    from indicators.models import Period, PeriodKind

    starts = [date(FIRST_YEAR + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(12 * YEARS)]
    months = Period.objects.bulk_create(
        Period(kind=PeriodKind.MONTH, start=start, end=periods.bounds(PeriodKind.MONTH, start)[1])
        for start in starts
    )
    years = Period.objects.bulk_create(
        Period(
            kind=PeriodKind.FINANCIAL_YEAR,
            start=date(FIRST_YEAR + y, 4, 1),
            end=date(FIRST_YEAR + y + 1, 3, 31),
        )
        for y in range(YEARS)
    )
    return months, years


def monthly_measures(
    count: int, themes: list[Any], *, alternate_polarity: bool = False
) -> list[Indicator]:
    """`count` monthly percentage measures BENCH-00... spread over `themes`, with no roll-up
    (so that the figures written are all there is); higher is better, or every other one
    lower with `alternate_polarity`."""
    from indicators.models import Indicator

    def polarity(i: int) -> str:
        return "lower" if alternate_polarity and not i % 2 else "higher"

    return Indicator.objects.bulk_create(
        Indicator(
            code=f"BENCH-{i:02d}",
            title=f"% of bench measure {i:02d} done on time",
            definition="Bench measures done within the timescale, as a percentage of all done.",
            what_good_looks_like=f"{polarity(i).capitalize()} is better.",
            theme=themes[i % len(themes)],
            unit="percent",
            polarity=polarity(i),
            frequency="monthly",
            measure_type="events",
            decimals=1,
            source="local",
            roll_up="none",
            order=i,
        )
        for i in range(count)
    )
