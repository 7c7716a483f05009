"""Approving a national import's comparator figures at once (issue 17, docs/0025).

    DEBUG=true .venv/bin/python bench/comparator_approvals.py --database-url postgres://postgres@127.0.0.1:5432/postgres
        [--indicators 175]

Generates, in a throwaway database, Wales and its 22 authorities (no members: comparator
areas), `--indicators` quarterly measures, and for every area and measure the quarters and
year-end outturns of fifteen years (April 2010 to March 2025: 75 periods) as submitted
figures (23 x 175 x 75 = 301,875 by default), besides 100,000 approved figures of an England
that the approval must not touch. Then it prints:

1. the approval page's read (`returns.approvals.approval_page`, every filter's choices and
   the groups), in seconds and queries;
2. the approval of every waiting figure in one call of `comparator_figures_approve`, with
   its audit rows, in seconds, and the figures it approved.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from common import FIGURE_COLUMNS, approved_figure, throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--indicators", type=int, default=175)
    args = parser.parse_args()
    with throwaway_database(args.database_url, "bench-approvals") as engine:
        print(f"Database: {engine}")
        run(args.indicators)


def run(indicator_count: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from indicators import bulk, periods
    from indicators.models import Area, AreaKind, Figure, FigureStatus, Indicator, Period, Theme
    from indicators.services import comparator_figures_approve
    from returns.approvals import ApprovalFilter, approval_page

    now = timezone.now()
    admin = User.objects.create_superuser("bench-admin", password=None)
    wales = Area.objects.create(name="Wales", slug="wales", kind=AreaKind.NATION)
    england = Area.objects.create(name="England", slug="england", kind=AreaKind.NATION)
    areas = [wales] + [
        Area.objects.create(name=f"Welsh authority {n}", slug=f"welsh-{n}", kind=AreaKind.AUTHORITY)
        for n in range(22)
    ]
    theme = Theme.objects.create(name="Bench", slug="bench")
    indicators = Indicator.objects.bulk_create(
        Indicator(
            code=f"BENCH-Q{n:03}",
            title=f"Bench quarterly measure {n}",
            theme=theme,
            unit="percent",
            polarity="higher",
            frequency="quarterly",
            measure_type="ytd",
            decimals=0,
            source="welsh",
            roll_up="latest",
        )
        for n in range(indicator_count)
    )
    period_ids = []
    for year in range(2010, 2025):
        for kind, starts in (
            (periods.QUARTER, [date(year, m, 1) for m in (4, 7, 10)] + [date(year + 1, 1, 1)]),
            (periods.FINANCIAL_YEAR, [date(year, 4, 1)]),
        ):
            for start in starts:
                first, last = periods.bounds(kind, start)
                period_ids.append(
                    Period.objects.get_or_create(kind=kind, start=first, defaults={"end": last})[
                        0
                    ].pk
                )

    def submitted_rows() -> Iterator[tuple[object, ...]]:
        for area in areas:
            for indicator in indicators:
                for period_id in period_ids:
                    row = list(approved_figure(area.pk, indicator.pk, period_id, Decimal(70), now))
                    row[FIGURE_COLUMNS.index("status")] = FigureStatus.SUBMITTED
                    yield tuple(row)

    def approved_rows() -> Iterator[tuple[object, ...]]:
        count = 0
        for indicator in indicators:
            for period_id in period_ids:
                yield approved_figure(england.pk, indicator.pk, period_id, Decimal(80), now)
                count += 1
                if count >= 100_000:
                    return

    started = time.perf_counter()
    written = bulk.insert_rows(Figure, FIGURE_COLUMNS, submitted_rows())
    bulk.insert_rows(Figure, FIGURE_COLUMNS, approved_rows())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load this size
    print(f"Generated {written:,} submitted figures in {time.perf_counter() - started:.1f} s")

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        page = approval_page(admin, ApprovalFilter())
        took = time.perf_counter() - started
    print(
        f"1. The approval page's read: {took:.2f} s, {len(queries)} queries, "
        f"{page.total:,} figures in {page.group_count:,} groups"
    )

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        approval = comparator_figures_approve(
            user=admin, figures=Figure.objects.filter(area__in=areas), expected=page.total
        )
    took = time.perf_counter() - started
    if os.environ.get("BENCH_QUERIES"):
        for query in queries:
            print(f"   {float(query['time']):7.2f} s  {query['sql'][:150]}")
    print(
        f"2. Approving them all at once: {took:.1f} s for {approval.approved:,} figures "
        f"({approval.approved / took:,.0f} a second), with their audit rows"
    )
    if Figure.objects.filter(status=FigureStatus.SUBMITTED).exists():
        raise SystemExit("Some figures are still submitted: the approval missed them.")


if __name__ == "__main__":
    main()
