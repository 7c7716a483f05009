"""The benchmarking club: an authority's setting (its managers and admins change it, on the
record) and the release of a period's approved figures, which is what lets another authority
see them (docs/0017)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts import access
from indicators import services
from indicators.models import Area, AreaKind, ClubSharingChange, Figure, FigureChange
from tests import factories
from tests.conftest import Personas, World
from tests.indicators.test_pages import text_of

pytestmark = pytest.mark.django_db

SHARING = "/a/authority-b/sharing/"
B_REVIEW = "/a/authority-b/review/fy-2017-18/"
A_BENCHMARKING = "/a/authority-a/indicators/ASMT-T/benchmarking/?group=region&period=fy-2017-18"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def club(world: World, personas: Personas):
    """A and B in one region; B's manager; B's 2017/18 figure (72%) approved."""
    region = factories.AreaFactory(name="South West", slug="south-west", kind=AreaKind.REGION)
    Area.objects.filter(pk__in=[world.authority_a.pk, world.authority_b.pk]).update(region=region)
    manager_b = factories.UserFactory(username="manager_b")
    factories.MembershipFactory(user=manager_b, authority=world.authority_b, role="manager")
    return manager_b


def b_figure(world: World) -> Figure:
    return Figure.objects.get(area=world.authority_b, period__start__year=2017)


def test_a_manager_turns_sharing_on_with_a_reason_kept_on_the_record(
    world: World, personas: Personas, club
) -> None:
    page = client_for(club).get(SHARING)
    assert "does not share its figures with the club" in text_of(page.content.decode())
    response = client_for(club).post(
        SHARING, {"shares": "yes", "reason": "Joined the South West benchmarking club"}
    )
    assert response.status_code == 302
    world.authority_b.refresh_from_db()
    assert world.authority_b.shares_with_club
    history = text_of(client_for(club).get(SHARING).content.decode())
    assert "Authority B shares approved figures with the club" in history
    assert "shares Joined the South West benchmarking club" in history
    change = ClubSharingChange.objects.get()
    assert (change.changed_by, change.shares) == (club, True)


def test_a_blank_reason_or_no_change_is_refused_and_nothing_is_written(world: World, club) -> None:
    blank = client_for(club).post(SHARING, {"shares": "yes", "reason": " "})
    assert "Give a reason: it is kept in the setting" in blank.content.decode()
    unchanged = client_for(club).post(SHARING, {"shares": "no", "reason": "Tidying up"})
    assert "already does not share" in unchanged.content.decode()
    assert not ClubSharingChange.objects.exists()
    world.authority_b.refresh_from_db()
    assert not world.authority_b.shares_with_club


def test_only_the_authoritys_managers_and_admins_may_change_it(
    world: World, personas: Personas, club
) -> None:
    officer_b = client_for(personas.officer_b)
    page = officer_b.get(SHARING)
    assert page.status_code == 200
    assert "Only Authority B’s managers and administrators can change" in page.content.decode()
    assert officer_b.post(SHARING, {"shares": "yes", "reason": "x"}).status_code == 403
    for user in (personas.manager_a, personas.officer_a, personas.councillor_a):
        assert client_for(user).post(SHARING, {"shares": "yes", "reason": "x"}).status_code == 403
    # Releasing a period is the managers' too: B's officer and A's manager are refused.
    Area.objects.filter(pk=world.authority_b.pk).update(shares_with_club=True)
    for user in (personas.officer_b, personas.manager_a):
        assert client_for(user).post(B_REVIEW + "release/").status_code == 403
    assert b_figure(world).released_version is None
    Area.objects.filter(pk=world.authority_b.pk).update(shares_with_club=False)
    assert client_for(personas.admin).post(
        SHARING, {"shares": "yes", "reason": "Club set up"}
    ).status_code == (302)
    assert [c.changed_by for c in ClubSharingChange.objects.all()] == [personas.admin]


@pytest.mark.parametrize("who", ["officer_b", "manager_a", "councillor_a", None])
def test_the_services_refuse_the_wrong_user_themselves(
    world: World, personas: Personas, club, who
) -> None:
    user = getattr(personas, who) if who else None
    with pytest.raises(PermissionDenied):
        services.club_sharing_set(
            user=user,
            authority=world.authority_b,
            shares=True,
            reason="Trying",
        )
    Area.objects.filter(pk=world.authority_b.pk).update(shares_with_club=True)
    with pytest.raises(PermissionDenied):
        services.figures_release(
            user=user,
            authority=world.authority_b,
            period=b_figure(world).period,
        )
    assert not ClubSharingChange.objects.exists()
    assert b_figure(world).released_version is None


def test_released_figures_reach_the_other_authority_and_a_correction_takes_them_back(
    world: World, personas: Personas, club
) -> None:
    figure = b_figure(world)
    a_officer = client_for(personas.officer_a)
    assert "72%" not in a_officer.get(A_BENCHMARKING).content.decode()

    # Releasing needs the setting on first.
    with pytest.raises(ValidationError, match="turn sharing on first"):
        services.figures_release(user=club, authority=world.authority_b, period=figure.period)
    services.club_sharing_set(
        user=club, authority=world.authority_b, shares=True, reason="Joined the club"
    )
    # On, but not yet released: still B's own.
    assert "72%" not in a_officer.get(A_BENCHMARKING).content.decode()
    review = text_of(client_for(club).get(B_REVIEW).content.decode())
    assert "0 of 2017/18’s figures are released, 1 approved figure not yet" in review

    response = client_for(club).post(B_REVIEW + "release/", follow=True)
    assert response.redirect_chain == [(B_REVIEW, 302)]
    page = text_of(response.content.decode())
    assert "Released 1 approved figure for 2017/18 to the benchmarking club" in page
    assert "72% Approved released to the club" in page
    assert FigureChange.objects.filter(
        figure=figure, reason="Released to the benchmarking club", changed_by=club
    ).exists()
    assert "Authority B 72%" in text_of(a_officer.get(A_BENCHMARKING).content.decode())

    # B's officer corrects the figure: the correction is not shared until approved and
    # released again.
    services.figure_set(
        user=personas.officer_b,
        area=world.authority_b,
        indicator=world.indicator,
        period=figure.period,
        value=Decimal(73),
        correction_reason="Late cases",
        reason="Corrected",
    )
    page = a_officer.get(A_BENCHMARKING).content.decode()
    assert "73%" not in page and "72%" not in page

    # Turning sharing off withdraws everything released, from the next read.
    # (A correction of an approved figure goes straight back for approval.)
    assert b_figure(world).status == "submitted"
    services.figure_approve(user=club, figure=b_figure(world))
    services.figures_release(user=club, authority=world.authority_b, period=figure.period)
    assert "Authority B 73%" in text_of(a_officer.get(A_BENCHMARKING).content.decode())
    services.club_sharing_set(
        user=club, authority=world.authority_b, shares=False, reason="Left the club"
    )
    assert "73%" not in a_officer.get(A_BENCHMARKING).content.decode()


def test_the_system_may_release_for_set_up_commands(world: World, club) -> None:
    Area.objects.filter(pk=world.authority_b.pk).update(shares_with_club=True)
    result = services.figures_release(
        user=access.SYSTEM, authority=world.authority_b, period=b_figure(world).period
    )
    assert (result.released, result.already, result.not_approved) == (1, 0, 0)
    again = services.figures_release(
        user=access.SYSTEM, authority=world.authority_b, period=b_figure(world).period
    )
    assert (again.released, again.already) == (0, 1)
