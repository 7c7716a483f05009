"""A bounded load test on 127.0.0.1: signed-in users reading and saving against gunicorn,
PostgreSQL and a Celery worker, as deployed (issue 15).

    DEBUG=true .venv/bin/python bench/load.py \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres \\
        --broker-url redis://127.0.0.1:6379/15 [--seconds 120] [--readers 100] [--savers 10]

Sets everything up itself: a throwaway PostgreSQL database (dropped afterwards), migrated, with
`load_demo --with-users`; static files collected into a temporary STATIC_ROOT (whitenoise serves
them with DEBUG off); gunicorn (3 workers, as the Dockerfile runs it) and `celery -A config
worker` with DEBUG off on the broker given. Then locust, headless, from `bench/load_users.py`:
`--readers` users (default 100) spread over the demo's councillor, managers and officers,
reading dashboards, indicator pages and packs with 1 to 5 s of think time, and `--savers`
officers (default 10) each reading and saving one month of their authority's entry form, every
save changing every value. Each user signs in once, through the sign-in form, before the timed
window opens; the window lasts `--seconds`. Every request, the servers and the database are
on this machine; the test stops by itself.

It prints requests per second, p50/p95/p99 of reads and of saves (and of the entry form's read
before each save), the errors, the worker's failed tasks, the sign-in times, and the peak of
database connections to the bench database (pg_stat_activity, sampled every 0.25 s), against
the targets: no errors, p95 <= 300 ms for reads and <= 600 ms for saves. Exits 1 if one is
missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The form reader the entry page's tests use (a module of the standard library alone).
sys.path.insert(0, str(ROOT))
from tests.html_forms import form_fields  # noqa: E402

READ_P95_MS = 300.0
SAVE_P95_MS = 600.0
INDICATORS_PER_READER = 15


# --- what a browser would send: shared with the locustfile (bench/load_users.py) -------------


def entry_post_data(fields: dict[str, str], run: int) -> dict[str, str]:
    """The entry form as read, with every figure changed from the previous run's (so every
    save writes) and the warnings confirmed, as bench/entry.py saves it."""
    data = dict(fields)
    for name in fields:
        if name.endswith("-numerator"):
            data[name] = str(40 + run % 50)
        elif name.endswith("-denominator"):
            data[name] = "100"
        elif name.endswith("-value"):
            # A proportion's value is derived from its counts, and must be left empty.
            counted = f"{name.removesuffix('-value')}-numerator" in fields
            data[name] = "" if counted else str(10 + run % 50)
        elif name.endswith("-commentary"):
            data[name] = f"Load test save {run}."
    data["confirm_warnings"] = "on"
    return data


# --- the plan: who signs in and what each reads or saves --------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        required=True,
        help="a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15",
        help="the Redis database the worker takes tasks from (default: CELERY_BROKER_URL)",
    )
    parser.add_argument("--seconds", type=float, default=120.0, help="the timed window")
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--savers", type=int, default=10)
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=5.0)
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started a second")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=1,
        help="the Celery worker's processes (default 1, as docker-compose.yml runs it on a "
        "host shared with the web)",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="the Celery worker's niceness (default 10, as docker-compose.yml gives it half "
        "the web's share of the processor; 0: the same priority as gunicorn)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="CONN_MAX_AGE for gunicorn and the worker (default: the settings', 0: a new "
        "database connection for every request and task)",
    )
    parser.add_argument(
        "--keep-logs", help="a directory to keep gunicorn's and the worker's logs in"
    )
    return parser.parse_args()


def _check(client: Any, url: str) -> bool:
    return bool(client.get(url).status_code == 200)


def _plan(arguments: argparse.Namespace, password: str) -> dict[str, Any]:
    """Every URL a reader reads, and every month an officer saves, tried once first through
    the Django test client as that persona: a URL in the plan answers 200, a save in it is
    accepted, so that an error during the load is the load's."""
    import logging

    from django.db.models import Max
    from django.test import Client

    from accounts.models import Membership, Role
    from indicators import periods
    from indicators.models import Figure, PeriodKind
    from scrutiny.models import Pack

    demo_last_month = Figure.objects.filter(period__kind=PeriodKind.MONTH).aggregate(
        last=Max("period__start")
    )["last"]
    # Trying what each persona may not read logs each refusal: not news here.
    logging.getLogger("django").setLevel(logging.CRITICAL)
    readers: list[dict[str, Any]] = []
    savers: list[dict[str, Any]] = []
    memberships = list(
        Membership.objects.select_related("user", "authority").order_by("user__username")
    )
    for membership in memberships:
        user, authority = membership.user, membership.authority
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        base = f"/a/{authority.slug}/"
        codes = list(
            Figure.objects.filter(area=authority, breakdown=None)
            .values_list("indicator__code", flat=True)
            .distinct()
            .order_by("indicator__code")[:INDICATORS_PER_READER]
        )
        indicators = [f"{base}indicators/{code}/" for code in codes]
        packs = [
            f"{base}packs/{pack_id}/"
            for pack_id in Pack.objects.filter(authority=authority).values_list("pk", flat=True)
        ]
        # What the persona may read, in the proportions of a working day: the dashboard and
        # indicator pages most, the packs less (a councillor reads only published packs).
        dashboard = [("dashboard", base)] if _check(client, base) else []
        indicator_pages = [("indicator page", url) for url in indicators if _check(client, url)]
        pack_pages = [("pack", url) for url in packs if _check(client, url)]
        if _check(client, f"{base}packs/"):
            pack_pages.append(("pack list", f"{base}packs/"))
        reads = (
            dashboard * 3 * max(1, len(indicator_pages))
            + indicator_pages * 3
            + pack_pages * max(1, len(indicator_pages) // max(1, len(pack_pages)))
        )
        if not reads:
            raise SystemExit(f"{user.username} can read nothing of {base}.")
        plan = {"username": user.username, "role": membership.role, "reads": reads}
        readers.append(plan)
        if membership.role == Role.OFFICER:
            # The months after the authority's last monthly figure: nobody else writes them,
            # so each saving officer has a month of their own and never meets a newer version.
            last = (
                Figure.objects.filter(area=authority, period__kind=PeriodKind.MONTH).aggregate(
                    last=Max("period__start")
                )["last"]
                or demo_last_month
            )
            savers.append(
                {
                    "username": user.username,
                    "client": client,
                    "base": base,
                    "next": periods.add_months(last, 1),
                }
            )
    if not savers:
        raise SystemExit("The demo has no officers to save entries.")
    saver_plans = []
    for number in range(arguments.savers):
        officer = savers[number % len(savers)]
        month = officer["next"]
        officer["next"] = periods.add_months(month, 1)
        url = f"{officer['base']}entry/{month:%Y-%m}/"
        _trial_save(officer["client"], url)
        saver_plans.append({"username": officer["username"], "entry": url})
    return {
        "password": password,
        "readers": arguments.readers,
        "savers": arguments.savers,
        "think_min": arguments.think_min,
        "think_max": arguments.think_max,
        "reader_plans": readers,
        "saver_plans": saver_plans,
    }


def _trial_save(client: Any, url: str) -> None:
    page = client.get(url)
    if page.status_code != 200:
        raise SystemExit(f"The entry form {url} answered {page.status_code}.")
    saved = client.post(url, entry_post_data(form_fields(page.content.decode()), 0))
    if saved.status_code != 302:
        errors = re.findall(
            r'class="govuk-error-message"[^>]*>(.*?)</p>', saved.content.decode(), re.S
        )
        summary = "; ".join(" ".join(re.sub("<[^>]+>", " ", e).split()) for e in errors[:5])
        raise SystemExit(f"A trial save of {url} was refused ({saved.status_code}): {summary}")


# --- the servers ----------------------------------------------------------------------------


def _server_environment(database_url: str, broker_url: str, temporary: Path) -> dict[str, str]:
    """As deployed: DEBUG off, its own secret key, static files collected, no TLS redirect
    (the bench stands where the TLS proxy would, and says so with X-Forwarded-Proto)."""
    return os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "STATIC_ROOT": str(temporary / "static"),
        "MEDIA_ROOT": str(temporary / "media"),
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }


def _start(
    command: list[str], environment: dict[str, str], log: Path, *, niceness: int = 0
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter with fixed arguments
            [sys.executable, "-m", *command],
            env=environment,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=(lambda: os.nice(niceness)) if niceness else None,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_for_gunicorn(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/sign-in/", headers={"X-Forwarded-Proto": "https"}
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped while starting: see its log (--keep-logs).")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s.")


def _purge_queue(broker_url: str) -> int:
    """Empty the default queue of the bench's broker database: tasks a killed run left there
    name rows of a database that has been dropped. Use a Redis database of the bench's own."""
    import redis

    client = redis.Redis.from_url(broker_url)
    left = int(client.llen("celery"))
    client.delete("celery", "unacked", "unacked_index")
    return left


def _wait_for_queue_to_drain(broker_url: str, seconds: float = 300) -> float:
    """Seconds until the worker has taken every queued task and finished it."""
    import redis

    client = redis.Redis.from_url(broker_url)
    started = time.monotonic()
    empty_since: float | None = None
    while time.monotonic() - started < seconds:
        if client.llen("celery") or client.hlen("unacked"):
            empty_since = None
        elif empty_since is None:
            empty_since = time.monotonic()
        # Empty for 3 s: a task queues a dashboard rebuild to run 2 s later (its debounce).
        elif time.monotonic() - empty_since >= 3:
            return empty_since - started
        time.sleep(0.25)
    return time.monotonic() - started


def _wait_for_worker(log: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("The Celery worker stopped while starting: see its log.")
        if "ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise SystemExit("The Celery worker was not ready within 60 s.")


class Sampler(threading.Thread):
    """Every 0.25 s: the connections to the bench database (pg_stat_activity, read through the
    server's maintenance database, so the sampler is not one of them), and the CPU seconds
    used so far by gunicorn, the worker and locust (each with its child processes) and by the
    whole machine, to say where the CPU went during the timed window."""

    def __init__(self, server_url: str, database: str) -> None:
        super().__init__(daemon=True)
        self.server_url, self.database = server_url, database
        self.processes: dict[str, int] = {}
        self.rows: list[tuple[float, int, dict[str, float]]] = []
        self.done = threading.Event()

    def _cpu(self) -> dict[str, float]:
        import psutil

        used: dict[str, float] = {}
        for name, pid in list(self.processes.items()):
            try:
                parent = psutil.Process(pid)
                tree = [parent, *parent.children(recursive=True)]
                used[name] = sum(p.cpu_times().user + p.cpu_times().system for p in tree)
            except psutil.Error:
                continue
        machine = psutil.cpu_times()
        used["machine"] = machine.user + machine.system + machine.nice
        return used

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            while not self.done.wait(0.25):
                row = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
                ).fetchone()
                self.rows.append((time.time(), int(row[0]) if row else 0, self._cpu()))

    def peak_connections(self, window: tuple[float, float] | None = None) -> int:
        return max(
            (n for at, n, _ in self.rows if window is None or window[0] <= at <= window[1]),
            default=0,
        )

    def cpu_in(self, window: tuple[float, float]) -> dict[str, float]:
        """CPU seconds each used within the window (the samples nearest its ends)."""
        inside = [cpu for at, _, cpu in self.rows if window[0] <= at <= window[1]]
        if len(inside) < 2:
            return {}
        first, last = inside[0], inside[-1]
        return {name: last[name] - first.get(name, last[name]) for name in last}


# --- the run ---------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of them at or below it."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, -(-int(share * 1000) * len(ordered) // 1000) - 1))
    return ordered[index]


def _run(arguments: argparse.Namespace) -> int:
    from common import throwaway_database

    # The demo's roll-ups and dashboards are derived in this process, before the servers start:
    # the worker's share of the load is then only what the savers queue.
    os.environ.pop("CELERY_BROKER_URL", None)
    # The plan's tries of what each persona may not read are refusals logged as warnings.
    os.environ["LOG_LEVEL"] = "ERROR"
    with (
        tempfile.TemporaryDirectory(prefix="csc-bench-load-") as temporary_name,
        throwaway_database(arguments.database_url, "csc-bench-load") as engine,
    ):
        temporary = Path(temporary_name)
        logs = Path(arguments.keep_logs) if arguments.keep_logs else temporary
        logs.mkdir(parents=True, exist_ok=True)
        database_url = os.environ["DATABASE_URL"]
        database = database_url.rsplit("/", 1)[1]
        from django.core.management import call_command
        from django.db import connections

        from demo.management.commands.load_demo import DEMO_PASSWORD

        started = time.monotonic()
        call_command("load_demo", with_users=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        plan = _plan(arguments, DEMO_PASSWORD)
        connections.close_all()
        print(
            f"Database: {engine}; demo loaded and plan tried in {time.monotonic() - started:.0f} s"
        )
        plan_file = temporary / "plan.json"
        plan_file.write_text(json.dumps(plan))

        environment = _server_environment(database_url, arguments.broker_url, temporary)
        if arguments.conn_max_age is not None:
            environment["CONN_MAX_AGE"] = str(arguments.conn_max_age)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            env=environment,
            cwd=ROOT,
            check=True,
        )
        worker_log, web_log = logs / "worker.log", logs / "gunicorn.log"
        locust_log = logs / "locust.log"
        left = _purge_queue(arguments.broker_url)
        if left:
            print(f"Emptied the broker's queue of {left} tasks an earlier run left behind")
        worker = _start(
            [
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(arguments.worker_concurrency),
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"load-{database}@%h",
            ],
            environment,
            worker_log,
            # Background work yields the processor to pages under load, as the worker's
            # smaller CPU share does in docker-compose.yml.
            niceness=arguments.worker_nice,
        )
        web = _start(
            [
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{arguments.port}",
                "--workers",
                str(arguments.web_workers),
                # The time each request took inside gunicorn (ms): against the time locust
                # saw, it tells waiting for a free worker from the work itself.
                "--access-logfile",
                str(logs / "access.log"),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(M)s",
            ],
            environment,
            web_log,
        )
        sampler = Sampler(arguments.database_url, database)
        try:
            _wait_for_worker(worker_log, worker)
            _wait_for_gunicorn(arguments.port, web)
            sampler.start()
            samples_file = temporary / "samples.json"
            users = arguments.readers + arguments.savers
            # The backstop: the locustfile ends the run itself once the window has passed.
            limit = int(users / arguments.spawn_rate + arguments.seconds + 120)
            sampler.processes = {"gunicorn": web.pid, "worker": worker.pid}
            locust = _start(
                [
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "load_users.py"),
                    "--headless",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(arguments.spawn_rate),
                    "--run-time",
                    f"{limit}s",
                    "--host",
                    f"http://127.0.0.1:{arguments.port}",
                    "--exit-code-on-error",
                    "0",
                ],
                os.environ
                | {
                    "CSC_LOAD_PLAN": str(plan_file),
                    "CSC_LOAD_SAMPLES": str(samples_file),
                    "CSC_LOAD_SECONDS": str(arguments.seconds),
                    "PYTHONPATH": str(ROOT / "bench"),
                },
                locust_log,
            )
            sampler.processes["locust"] = locust.pid
            try:
                locust.wait(timeout=limit + 60)
            except subprocess.TimeoutExpired:
                _stop(locust)
            # The roll-ups and rebuilds the saves queued: the worker finishes them before it
            # stops, so that none is left for the next run (whose database has other ids).
            drained = _wait_for_queue_to_drain(arguments.broker_url)
        finally:
            sampler.done.set()
            _stop(web)
            _stop(worker)
        locust_output = locust_log.read_text(errors="replace")
        if not samples_file.exists():
            print(locust_output[-3000:])
            raise SystemExit("locust wrote no samples.")
        result = json.loads(samples_file.read_text())
        worker_text = worker_log.read_text(errors="replace")
        access = (logs / "access.log").read_text(errors="replace")
        result["drained"] = drained
        return _report(arguments, result, sampler, worker_text, locust_output, access)


def _report(
    arguments: argparse.Namespace,
    result: dict[str, Any],
    sampler: Sampler,
    worker_text: str,
    locust_output: str,
    access_log: str,
) -> int:
    samples = result["samples"]
    seconds = result["seconds"]
    errors = [s for s in samples if not s[3]]
    print(
        f"{arguments.readers} readers and {arguments.savers} saving officers, "
        f"{arguments.think_min:g}-{arguments.think_max:g} s think time, "
        f"{arguments.web_workers} gunicorn workers, "
        f"{arguments.worker_concurrency} worker processes (nice {arguments.worker_nice}), "
        f"CONN_MAX_AGE {'default' if arguments.conn_max_age is None else arguments.conn_max_age}, "
        f"timed window {seconds:.0f} s"
    )
    sign_ins = result["sign_in_ms"]
    if sign_ins:
        posts = sign_ins  # the POSTs, each checking a password
        print(
            f"sign-in (before the window, {result['signed_in']} users, "
            f"{result['refused']} refused): p50 {_percentile(posts, 0.5):.0f} ms, "
            f"max {max(posts):.0f} ms per sign-in request"
        )
    print(f"requests: {len(samples)} ({len(samples) / seconds:.1f}/s), errors: {len(errors)}")
    met = not errors and result["refused"] == 0
    for kind, target in (("read", READ_P95_MS), ("entry form", None), ("save", SAVE_P95_MS)):
        times = [s[2] for s in samples if s[0] == kind]
        if not times:
            print(f"{kind}: none")
            met = met and target is None
            continue
        p50, p95, p99 = (_percentile(times, share) for share in (0.5, 0.95, 0.99))
        line = (
            f"{kind}: {len(times)} ({len(times) / seconds:.1f}/s), p50 {p50:.0f} ms, "
            f"p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {max(times):.0f} ms"
        )
        if target is not None:
            line += f"; target p95 <= {target:.0f} ms: {'met' if p95 <= target else 'NOT met'}"
            met = met and p95 <= target
        print(line)
    for name in sorted({s[1] for s in samples}):
        times = [s[2] for s in samples if s[1] == name]
        print(
            f"  {name}: {len(times)}, p50 {_percentile(times, 0.5):.0f} ms, "
            f"p95 {_percentile(times, 0.95):.0f} ms"
        )
    _report_server_times(access_log)
    for error in errors[:10]:
        print(f"  error: {error[1]} answered {error[4]}")
    failed_tasks = len(re.findall(r"raised unexpected|Retry in", worker_text))
    done_tasks = len(re.findall(r"succeeded in", worker_text))
    print(
        f"worker: {done_tasks} tasks succeeded, {failed_tasks} failed or retried; its backlog "
        f"after the window was cleared in {result['drained']:.0f} s"
    )
    window = (result["window"][0], result["window"][1])
    print(
        f"peak database connections to the bench database: {sampler.peak_connections(window)} "
        f"in the window, {sampler.peak_connections()} over the whole run"
    )
    cpu = sampler.cpu_in(window)
    if cpu:
        span = window[1] - window[0]
        ours = sum(value for name, value in cpu.items() if name != "machine")
        shares = ", ".join(
            f"{name} {value / span:.2f}" for name, value in cpu.items() if name != "machine"
        )
        print(
            f"CPU cores busy in the window (of {os.cpu_count()}): {shares}; "
            f"everything else on the machine (PostgreSQL, Redis, other work) "
            f"{(cpu['machine'] - ours) / span:.2f}"
        )
    if failed_tasks:
        met = False
        print("\n".join(line for line in worker_text.splitlines() if "raised" in line)[:3000])
    if "Traceback" in locust_output:
        print(locust_output[-3000:])
        met = False
    print(
        f"targets (no errors, p95 reads <= {READ_P95_MS:.0f} ms, saves <= {SAVE_P95_MS:.0f} ms):"
        f" {'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


def _report_server_times(access_log: str) -> None:
    """The time gunicorn's workers spent on each kind of request (all of the run but the
    sign-ins), from its access log: the work itself, without the wait for a free worker."""
    kinds: dict[str, list[float]] = {}
    for line in access_log.splitlines():
        parts = line.split()
        if len(parts) != 4 or parts[1].startswith(("/accounts/", "/static/")):
            continue
        method, path, _status, took = parts
        if method == "POST":
            kind = "save"
        elif "/entry/" in path:
            kind = "entry form"
        elif "/indicators/" in path:
            kind = "indicator page"
        elif "/packs/" in path:
            kind = "pack or pack list"
        else:
            kind = "dashboard"
        kinds.setdefault(kind, []).append(float(took))
    for kind, times in sorted(kinds.items()):
        print(
            f"  in gunicorn, {kind}: {len(times)}, p50 {_percentile(times, 0.5):.0f} ms, "
            f"p95 {_percentile(times, 0.95):.0f} ms"
        )


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(_run(_arguments()))


if __name__ == "__main__":
    main()
