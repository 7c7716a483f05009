"""The users of `bench/load.py`, as a locustfile: readers and officers saving entries.

Not run by hand: `bench/load.py` runs `locust -f bench/load_users.py --headless` with the plan
it wrote (CSC_LOAD_PLAN: who signs in, which pages each reads, which month each officer saves)
and collects every timed request from the file named by CSC_LOAD_SAMPLES.

Every user signs in once, through the sign-in form, before it reads anything. Timing starts
only when every user has signed in (so the password hashing of 110 sign-ins is reported on
its own, not mixed into the reads) and stops after CSC_LOAD_SECONDS.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from typing import Any

import gevent
from load import entry_post_data
from locust import HttpUser, between, events, task
from locust.exception import StopUser

from tests.html_forms import form_fields

PLAN: dict[str, Any] = json.loads(open(os.environ["CSC_LOAD_PLAN"]).read())  # noqa: SIM115
SAMPLES_FILE = os.environ["CSC_LOAD_SAMPLES"]
SECONDS = float(os.environ["CSC_LOAD_SECONDS"])
THINK = (float(PLAN["think_min"]), float(PLAN["think_max"]))
TOTAL_USERS = PLAN["readers"] + PLAN["savers"]

# As the TLS proxy in front of gunicorn says of every request (SECURE_PROXY_SSL_HEADER): with
# DEBUG off the session and CSRF cookies are Secure, and Django checks the Referer of a POST.
HTTPS = {"X-Forwarded-Proto": "https"}


class Measure:
    """The timed window and what was timed in it."""

    signed_in = 0
    refused = 0  # users whose sign-in failed: they stop, and are counted as errors
    sign_in_ms: list[float] = []
    started: float | None = None
    window = [0.0, 0.0]  # the timed window, in seconds since the epoch (for the CPU shares)
    samples: list[tuple[str, str, float, bool, int]] = []  # kind, name, ms, ok, status


@events.request.add_listener  # type: ignore[untyped-decorator]
def _timed(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    response: Any = None,
    exception: BaseException | None = None,
    context: dict[str, Any] | None = None,
    **_kwargs: Any,
) -> None:
    kind = (context or {}).get("kind", "other")
    if kind == "sign-in":
        Measure.sign_in_ms.append(response_time)
        return
    if Measure.started is None:
        return
    status = getattr(response, "status_code", 0) or 0
    Measure.samples.append((kind, name, response_time, exception is None, status))


@events.test_start.add_listener  # type: ignore[untyped-decorator]
def _window(environment: Any, **_kwargs: Any) -> None:
    def run() -> None:
        while Measure.signed_in + Measure.refused < TOTAL_USERS:
            gevent.sleep(0.2)
        Measure.started = time.monotonic()
        Measure.window = [time.time(), 0.0]
        gevent.sleep(SECONDS)
        environment.runner.quit()

    gevent.spawn(run)


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write_samples(environment: Any, **_kwargs: Any) -> None:
    measured = time.monotonic() - Measure.started if Measure.started else 0.0
    Measure.window[1] = time.time()
    with open(SAMPLES_FILE, "w") as out:
        json.dump(
            {
                "seconds": measured,
                "window": Measure.window,
                "signed_in": Measure.signed_in,
                "refused": Measure.refused,
                "sign_in_ms": Measure.sign_in_ms,
                "samples": Measure.samples,
            },
            out,
        )


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    plan: dict[str, Any]

    def on_start(self) -> None:
        self.client.headers.update(HTTPS)
        page = self.client.get("/accounts/sign-in/", context={"kind": "sign-in form"})
        self.keep_cookies_on_loopback()
        fields = form_fields(page.text)
        fields |= {"username": self.plan["username"], "password": PLAN["password"]}
        signed = self.client.post(
            "/accounts/sign-in/",
            data=fields,
            headers={"Referer": self.page_address("/accounts/sign-in/")},
            context={"kind": "sign-in"},
            allow_redirects=False,
        )
        self.keep_cookies_on_loopback()
        if signed.status_code != 302:
            Measure.refused += 1
            raise StopUser(f"{self.plan['username']} could not sign in ({signed.status_code})")
        Measure.signed_in += 1

    def keep_cookies_on_loopback(self) -> None:
        """With DEBUG off the session and CSRF cookies are Secure, and a client sends those
        only over HTTPS. Here the bench stands where the TLS proxy would, so it takes the
        mark off and sends them to 127.0.0.1 as a browser sends them to the proxy."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page_address(self, path: str) -> str:
        """The address of the page a POST comes from, as the browser saw it (over HTTPS):
        Django checks that a secure POST's Referer is the same secure site."""
        return f"{(self.host or '').replace('http://', 'https://', 1)}{path}"

    def get(self, url: str, name: str, kind: str = "read") -> Any:
        with self.client.get(
            url, name=name, context={"kind": kind}, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")
        self.keep_cookies_on_loopback()
        return response


_readers = itertools.count()
_savers = itertools.count()


class Reader(SignedIn):
    """A councillor, manager or officer reading dashboards, indicator pages and packs."""

    fixed_count = PLAN["readers"]

    def on_start(self) -> None:
        self.plan = PLAN["reader_plans"][next(_readers) % len(PLAN["reader_plans"])]
        super().on_start()

    @task
    def read(self) -> None:
        name, url = random.choice(self.plan["reads"])  # noqa: S311 - not a secret
        self.get(url, name)


class Saver(SignedIn):
    """An officer entering one month's figures for their authority, saving again and again."""

    fixed_count = PLAN["savers"]

    def on_start(self) -> None:
        self.plan = PLAN["saver_plans"][next(_savers) % len(PLAN["saver_plans"])]
        self.saves = 0
        super().on_start()

    @task
    def save(self) -> None:
        url = self.plan["entry"]
        page = self.get(url, "entry form", kind="entry form")
        if page.status_code != 200:
            return
        self.saves += 1
        data = entry_post_data(form_fields(page.text), self.saves)
        with self.client.post(
            url,
            data=data,
            name="entry save",
            headers={"Referer": self.page_address(url)},
            context={"kind": "save"},
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"the save was not accepted ({response.status_code})")
        self.keep_cookies_on_loopback()
