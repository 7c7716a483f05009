"""Another authority's figures, as authority A's users meet them everywhere they may look.

Authority B holds one figure in each state, each with its own sentinel value, for measures that
authority A also reports, in the period A's pages show. B is A's only statistical neighbour
and the only other authority of A's region, so any figure of B that leaked would stand on A's
pages on its own: as a neighbour's bar, as "the mean of 1 authority's figures", in a ranking.

The rule (docs/0017, `accounts.access.figures_visible_to`): only B's published statistics,
and the figure B approved and released to the benchmarking club while B's club setting is on.
Every page and download that A's officer, manager and councillor may open is read (the access
walk's list, with every indicator address for each sentinel measure), plus every pack and its
PDF, and the dashboard snapshot the worker builds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import User
from indicators import dashboards
from indicators.models import (
    Area,
    AreaKind,
    ComparatorKind,
    DashboardSnapshot,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    NeighbourSet,
    StatisticalNeighbour,
)
from scrutiny import services as pack_services
from scrutiny.models import Pack
from tests import factories
from tests.accounts.test_access_walk import ALLOWED, EXPECTED, _pack_records, _path_for, app_urls
from tests.conftest import Personas, World

# B's figure in each state, and the value that would betray it (a count, shown "9,101").
SENTINELS: dict[str, int] = {
    "draft": 9101,
    "submitted": 9202,
    "returned": 9303,
    "approved-unreleased": 9404,
    "approved-released": 9505,
    "published": 9606,
}
A_PERSONAS = ("officer_a", "manager_a", "councillor_a")


@dataclass
class SentinelWorld:
    indicators: dict[str, Indicator]  # by state
    draft_pack: Pack


def _status_of(state: str) -> str:
    return {
        "draft": FigureStatus.DRAFT,
        "submitted": FigureStatus.SUBMITTED,
        "returned": FigureStatus.RETURNED,
    }.get(state, FigureStatus.APPROVED)


def _sentinel_world(world: World, personas: Personas, *, club_on: bool) -> SentinelWorld:
    a, b = world.authority_a, world.authority_b
    region = factories.AreaFactory(name="South West", slug="south-west", kind=AreaKind.REGION)
    Area.objects.filter(pk__in=[a.pk, b.pk]).update(region=region)
    neighbour_set = NeighbourSet.objects.create(name="SN 2025", published_on=date(2025, 4, 1))
    StatisticalNeighbour.objects.create(
        neighbour_set=neighbour_set, authority=a, neighbour=b, rank=1, closeness="Close"
    )
    group = factories.AreaFactory(name="A's neighbours", slug="a-sn", kind=AreaKind.GROUP)
    factories.comparator(a, region, ComparatorKind.REGION, "South West", 2)
    a.comparators.create(
        kind=ComparatorKind.NEIGHBOURS,
        area=group,
        neighbour_set=neighbour_set,
        label="Statistical neighbours",
        order=3,
    )
    theme = world.indicator.theme
    indicators: dict[str, Indicator] = {}
    for number, (state, sentinel) in enumerate(SENTINELS.items(), start=1):
        indicator = cast(
            Indicator,
            factories.IndicatorFactory(
                code=f"SENT-{number}",
                title=f"Sentinel measure {number}",
                theme=theme,
                unit="count",
                decimals=0,
                polarity="lower",
                roll_up="sum",
            ),
        )
        indicators[state] = indicator
        for year, value in ((2016, 40 + number), (2017, 50 + number)):
            factories.figure(a, indicator, factories.financial_year(year), str(value))
        figure = factories.figure(
            b,
            indicator,
            factories.financial_year(2017),
            str(sentinel),
            status=_status_of(state),
            source=FigureSource.PUBLISHED if state == "published" else FigureSource.TYPED,
        )
        if state == "approved-released":
            Figure.objects.filter(pk=figure.pk).update(released_version=figure.version)
        elif state == "approved-unreleased":
            # Released once, then corrected and approved again: the release was of the
            # version before, so this version is not released.
            Figure.objects.filter(pk=figure.pk).update(
                released_version=figure.version, version=figure.version + 1
            )
    Area.objects.filter(pk=b.pk).update(shares_with_club=club_on)
    _pack_records(world)  # the walk's published pack, frozen as B's figures stand now
    draft_pack = pack_services.pack_create(
        user=personas.officer_a,
        authority=a,
        title="Draft performance 2017/18",
        committee="Children's Select Committee",
        meeting_date=date(2018, 5, 15),  # before the published pack's, which the walk names
        period=factories.financial_year(2017),
        template="scrutiny",
    )
    return SentinelWorld(indicators, draft_pack)


def _texts_of(response) -> str:
    """What a person could read in a response: the page, the CSV, every cell of a workbook,
    the text of a PDF."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)
    if "spreadsheetml" in content_type:
        book = load_workbook(BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if cell is None else str(cell) for cell in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8", errors="replace")


def _sentinels_in(text: str) -> set[str]:
    found = set()
    for state, value in SENTINELS.items():
        pattern = rf"(?<![\d.,]){value}(?![\d])|(?<![\d.,]){value // 1000},{value % 1000:03d}"
        if re.search(pattern, text):
            found.add(state)
    return found


def _paths_for(
    world: World, sentinels: SentinelWorld, persona: str, name: str, route: str
) -> list[str]:
    """The walk's address for `name`, and for an indicator's address one per sentinel measure
    (the walk's own measure too); for those who follow packs in the making, the draft too."""
    routes = [route]
    if "<str:code>" in route:
        routes += [route.replace("<str:code>", i.code) for i in sentinels.indicators.values()]
    paths = [_path_for(r, world) for r in routes]
    pack_pages = ("scrutiny:pack_read", "scrutiny:pack_pdf", "scrutiny:pack_compose")
    if name in pack_pages and persona != "councillor_a":
        published = Pack.objects.get(authority=world.authority_a, status="published")
        paths.append(paths[0].replace(f"/{published.pk}/", f"/{sentinels.draft_pack.pk}/"))
    return paths


def _read_everything(
    world: World, personas: Personas, sentinels: SentinelWorld
) -> dict[str, set[str]]:
    """Every page and download of authority A that each of A's personas may open, read as
    that persona: address -> the sentinels found there."""
    found: dict[str, set[str]] = {}
    users: dict[str, User] = personas.all()
    for persona in A_PERSONAS:
        client = Client()
        client.force_login(users[persona])
        for name, route in app_urls():
            if name.startswith("admin:") or EXPECTED[name][persona] != ALLOWED:
                continue
            for path in _paths_for(world, sentinels, persona, name, route):
                response = client.get(path)
                assert response.status_code == 200, f"{persona} GET {path}"
                found[f"{persona} {path}"] = _sentinels_in(_texts_of(response))
    return found


@pytest.mark.skipif(
    not Path(settings.CHROMIUM_PATH).exists(), reason="the packs' PDFs need Chromium"
)
@pytest.mark.parametrize("club_on", [False, True], ids=["club-off", "club-on"])
@pytest.mark.django_db
def test_only_published_and_released_figures_of_another_authority_are_ever_shown(
    world: World, personas: Personas, club_on: bool
) -> None:
    sentinels = _sentinel_world(world, personas, club_on=club_on)
    dashboards.dashboard_rebuild(authority=world.authority_a)
    allowed = {"published"} | ({"approved-released"} if club_on else set())

    found = _read_everything(world, personas, sentinels)

    leaks = {where: states - allowed for where, states in found.items() if states - allowed}
    assert not leaks, f"another authority's unshareable figures shown: {leaks}"
    # Exactly these, and shown where they belong: B's bar in A's neighbour chart, and the
    # region's and the neighbours' means of 1 authority's figures beside A's figure.
    assert set().union(*found.values()) == allowed
    for state in allowed:
        code = sentinels.indicators[state].code
        page = f"officer_a /a/{world.authority_a.slug}/indicators/{code}/"
        assert state in found[page], page
    # The councillor reads the packs, and a published pack froze what was visible then.
    councillor = {where: s for where, s in found.items() if where.startswith("councillor_a")}
    assert any(where.endswith("/pdf/") for where in councillor)
    assert set().union(*councillor.values()) == allowed

    # The snapshot the worker built for A, read without any user, applies A's view too.
    snapshot = DashboardSnapshot.objects.get(
        dashboard__authority=world.authority_a, category__isnull=True
    )
    assert _sentinels_in(json.dumps(snapshot.content)) == allowed
