"""Removing a draft figure saved by mistake (issue 17; docs/0008, "Removing a draft figure").

The authority's officer (and an admin) may remove a figure still a draft; nobody else may, and
no submitted, approved, revised or derived figure can be removed. The removal is kept as a
record of who, when, why, what the figure held and its audit trail, and what a save queues
follows: the quarter worked out again, the dashboard rebuilt without the draft.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from indicators import dashboards, services
from indicators.models import (
    DashboardSnapshot,
    Figure,
    FigureChange,
    FigureRemoval,
    FigureSource,
    FigureStatus,
    Period,
    PeriodKind,
)
from indicators.services.figure_removal import figure_draft_remove
from tests.entry_world import EntryWorld, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(eager_tasks) -> EntryWorld:
    return build()


def draft(world: EntryWorld, django_capture_on_commit_callbacks, value: str = "999") -> Figure:
    """The officer's slip: a month's figure saved as a draft (its roll-up queued and run)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.figure_set(
            user=world.officer,
            area=world.authority,
            indicator=world.plans,
            period=world.month,
            value=Decimal(value),
            reason="Entered on the entry page",
        )


def remove(world: EntryWorld, figure: Figure, user=None, reason: str = "Wrong month"):
    return figure_draft_remove(
        user=user or world.officer,
        figure=figure,
        expected_version=figure.version,
        reason=reason,
    )


def quarter_value(world: EntryWorld) -> Decimal | None:
    quarter = Period.objects.get_or_create_for(PeriodKind.QUARTER, world.month.start)
    figure = Figure.objects.filter(
        area=world.authority, indicator=world.plans, period=quarter, breakdown=None
    ).first()
    return None if figure is None else figure.value


def latest_plans(world: EntryWorld) -> dict:
    dashboards.dashboard_rebuild(authority=world.authority)
    snapshot = DashboardSnapshot.objects.get(dashboard_id=world.authority.pk, category=None)
    tiles = {tile["code"]: tile for theme in snapshot.content["themes"] for tile in theme["tiles"]}
    return tiles["E-PLANS"]["latest"]


def test_the_officer_removes_a_draft_and_the_removal_is_kept(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    assert quarter_value(world) == Decimal("999")  # the quarter took the slip in
    with django_capture_on_commit_callbacks(execute=True):
        removal = remove(world, figure)

    assert not Figure.objects.filter(pk=figure.pk).exists()
    assert not FigureChange.objects.filter(figure_id=figure.pk).exists()
    kept = FigureRemoval.objects.get()
    assert kept == removal
    assert kept.removed_by == world.officer
    assert kept.removed_by_name == str(world.officer)
    assert kept.reason == "Wrong month"
    assert kept.authority == world.authority
    assert (kept.indicator, kept.period, kept.value) == (world.plans, world.month, Decimal(999))
    assert kept.summary == f"{world.plans.title} for {world.month.label}: 999 (draft, version 1)"
    # The figure's audit trail, which went with it, is kept in the removal.
    assert [(c["new_value"], c["new_status"]) for c in kept.history] == [("999.0000", "draft")]
    assert kept.history[0]["changed_by"] == str(world.officer)
    # The quarter is worked out again without the removed month.
    assert quarter_value(world) != Decimal("999")


def test_the_dashboard_no_longer_shows_the_removed_draft_as_latest(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    assert latest_plans(world)["period"] == world.month.label
    assert latest_plans(world)["text"] == "999"
    with django_capture_on_commit_callbacks(execute=True):
        remove(world, figure)
    latest = latest_plans(world)
    assert latest["period"] != world.month.label
    assert latest["text"] == "625"  # February's figure, the one before the slip


def test_a_removal_marks_the_dashboard_for_rebuilding(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    dashboards.dashboard_rebuild(authority=world.authority)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        remove(world, figure)
    assert queued, "the removal queues the rebuild and roll-up once it commits"


@pytest.mark.parametrize("who", ["manager", "councillor", "other_officer", "anonymous"])
def test_only_those_who_enter_the_authoritys_figures_may_remove_one(
    world: EntryWorld, django_capture_on_commit_callbacks, who: str
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    user = AnonymousUser() if who == "anonymous" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        remove(world, figure, user=user)
    assert Figure.objects.filter(pk=figure.pk).exists()
    assert FigureChange.objects.filter(figure=figure).count() == 1
    assert not FigureRemoval.objects.exists()


def test_an_admin_may_remove_a_draft(world: EntryWorld, django_capture_on_commit_callbacks) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    remove(world, figure, user=world.admin)
    assert not Figure.objects.filter(pk=figure.pk).exists()
    assert FigureRemoval.objects.get().removed_by == world.admin


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"status": FigureStatus.SUBMITTED}, "has been submitted for approval"),
        ({"status": FigureStatus.APPROVED}, "is approved"),
        ({"status": FigureStatus.RETURNED}, "was returned by your manager"),
        ({"is_revised": True}, "was approved before and is being corrected"),
        ({"source": FigureSource.ROLLED_UP}, "is worked out by the system"),
    ],
)
def test_only_a_draft_never_approved_and_not_derived_can_be_removed(
    world: EntryWorld, django_capture_on_commit_callbacks, change: dict, why: str
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    Figure.objects.filter(pk=figure.pk).update(**change)
    figure.refresh_from_db()
    with pytest.raises(ValidationError, match=why):
        remove(world, figure)
    assert Figure.objects.filter(pk=figure.pk).exists()
    assert not FigureRemoval.objects.exists()


def test_a_removal_needs_a_reason_and_the_figure_as_it_was_shown(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as blank:
        remove(world, figure, reason="  ")
    assert "reason" in blank.value.message_dict
    shown = Figure.objects.get(pk=figure.pk)
    draft(world, django_capture_on_commit_callbacks, value="998")  # changed since it was shown
    with pytest.raises(services.StaleFigureError):
        remove(world, shown)
    assert Figure.objects.get(pk=figure.pk).value == Decimal("998")
    assert not FigureRemoval.objects.exists()


# --- the pages --------------------------------------------------------------------------------


def removal_url(world: EntryWorld) -> str:
    return f"{world.url}remove/{world.plans.code}/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_entry_page_offers_to_remove_drafts_only(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    page = signed_in(world.officer).get(world.url).content.decode()
    assert removal_url(world) in page
    Figure.objects.filter(pk=figure.pk).update(status=FigureStatus.SUBMITTED)
    page = signed_in(world.officer).get(world.url).content.decode()
    assert removal_url(world) not in page


def test_the_officer_confirms_and_removes_through_the_page(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    client = signed_in(world.officer)
    confirm = client.get(removal_url(world))
    assert confirm.status_code == 200
    assert "Are you sure you want to remove this draft figure?" in confirm.content.decode()
    refused = client.post(removal_url(world), {"version": figure.version, "reason": ""})
    assert "Say why you are removing it" in refused.content.decode()
    assert Figure.objects.filter(pk=figure.pk).exists()
    done = client.post(
        removal_url(world), {"version": figure.version, "reason": "Entered twice"}, follow=True
    )
    assert done.redirect_chain[-1][0] == world.url
    assert "Removed the draft figure" in done.content.decode()
    assert not Figure.objects.filter(pk=figure.pk).exists()


def test_the_page_says_why_a_submitted_figure_cannot_be_removed(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    Figure.objects.filter(pk=figure.pk).update(status=FigureStatus.SUBMITTED)
    client = signed_in(world.officer)
    page = client.get(removal_url(world)).content.decode()
    assert "This figure cannot be removed" in page
    assert "has been submitted for approval" in page
    client.post(removal_url(world), {"version": figure.version, "reason": "Oops"})
    assert Figure.objects.filter(pk=figure.pk).exists()


@pytest.mark.parametrize("who", ["manager", "councillor", "other_officer"])
def test_others_cannot_open_or_use_the_removal_page(
    world: EntryWorld, django_capture_on_commit_callbacks, who: str
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    client = signed_in(getattr(world, who))
    assert client.get(removal_url(world)).status_code in (403, 404)
    response = client.post(removal_url(world), {"version": figure.version, "reason": "x"})
    assert response.status_code in (403, 404)
    assert Figure.objects.filter(pk=figure.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    response = Client().post(removal_url(world), {"version": figure.version, "reason": "x"})
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]
    assert Figure.objects.filter(pk=figure.pk).exists()


def test_the_admin_links_a_draft_to_its_removal_and_lists_removals(
    world: EntryWorld, django_capture_on_commit_callbacks
) -> None:
    figure = draft(world, django_capture_on_commit_callbacks)
    client = signed_in(world.admin)
    page = client.get(f"/admin/indicators/figure/{figure.pk}/change/").content.decode()
    assert f'href="{removal_url(world)}"' in page
    remove(world, figure, user=world.admin)
    removals = client.get("/admin/indicators/figureremoval/").content.decode()
    assert f"{world.plans.title} for {world.month.label}: 999" in removals
    submitted = Figure.objects.filter(area=world.authority, period__kind="month").first()
    assert submitted is not None and submitted.status == FigureStatus.APPROVED
    page = client.get(f"/admin/indicators/figure/{submitted.pk}/change/").content.decode()
    assert "is approved, so it cannot be removed" in page
