"""The access rules: the one module every view asks who may see or do what.

Rules are plain functions of the user and the authority. Views call `require` (which raises
PermissionDenied) or filter with `authorities_for`; nothing else in the code base decides
access, so that a change to a rule is made, reviewed and tested in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from indicators.models import Area
    from indicators.querysets import FigureQuerySet

    from .models import User


class SignedInRequest(HttpRequest):
    """The request of a view behind `login_required`: its user is a real user. For typing."""

    user: User


class Permission(StrEnum):
    """What a user may do in an authority."""

    VIEW_FIGURES = "view_figures"  # dashboards, indicator pages, unpublished figures
    EDIT_FIGURES = "edit_figures"  # enter figures, targets and commentary; draft packs
    APPROVE_FIGURES = "approve_figures"
    READ_PUBLISHED_PACKS = "read_published_packs"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.OFFICER: frozenset(
        {Permission.VIEW_FIGURES, Permission.EDIT_FIGURES, Permission.READ_PUBLISHED_PACKS}
    ),
    Role.MANAGER: frozenset(
        {Permission.VIEW_FIGURES, Permission.APPROVE_FIGURES, Permission.READ_PUBLISHED_PACKS}
    ),
    # Councillors see only what has been published to them: never live or draft figures.
    Role.COUNCILLOR: frozenset({Permission.READ_PUBLISHED_PACKS}),
}


class SystemActor:
    """The application itself as the actor of a state change that no person asked for at that
    moment: rolling months up into quarters, deriving summaries from records, and the set-up
    commands that load the catalogue and the demo. Services accept it only where it is passed
    explicitly (`access.SYSTEM`); a missing user (`None`) is never taken to mean the system, so
    a new caller cannot skip a permission check by leaving the user out."""

    is_authenticated = False
    is_active = True
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()

if TYPE_CHECKING:
    from typing import TypeAlias

    # Who a service acts for: a signed-in person, or the application itself.
    Actor: TypeAlias = "User | SystemActor"


def person(actor: User | SystemActor | None) -> User | None:
    """The user to record on an audit trail for this actor: nobody for the system."""
    if actor is None or isinstance(actor, SystemActor):
        return None
    return actor


def require_person(actor: User | SystemActor | AnonymousUser | None, *, doing: str) -> User:
    """The person acting, for work that is a person's by its nature (a scrutiny pack's steps,
    confirming what a quote may show): the system is refused, and so is a missing or
    anonymous user. `doing` completes "Only a person signed in can …"."""
    if isinstance(actor, SystemActor) or actor is None or not actor.is_authenticated:
        raise PermissionDenied(f"Only a person signed in can {doing}.")
    return actor


def require_actor(
    actor: User | SystemActor | AnonymousUser | None,
    permission: Permission,
    authority: Area,
    *,
    doing: str,
) -> None:
    """A service's own check that the actor may change `authority`'s data: views check first,
    and services check again, so that no new caller (a task, a command, another service) can
    bypass a rule. `doing` completes "Your account does not let you …" (e.g. "approve
    Wiltshire's figures"). The system actor passes; `None` and anonymous users never do."""
    if isinstance(actor, SystemActor):
        return
    if actor is None or not can(actor, permission, authority):
        raise refusal(doing)


def refusal(doing: str) -> PermissionDenied:
    """The refusal every rule gives: `doing` completes "Your account does not let you …"."""
    return PermissionDenied(
        f"Your account does not let you {doing}. Ask your administrator if you need it."
    )


def require_admin_actor(actor: User | SystemActor | AnonymousUser | None, *, doing: str) -> None:
    """The same for what only administrators may change (imports of national data, the
    catalogue, areas): the system passes, and so does a superuser."""
    if isinstance(actor, SystemActor):
        return
    if actor is None or not is_admin(actor):
        raise PermissionDenied(
            f"Only administrators can {doing}. Ask your administrator if you need it."
        )


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def require_admin(user: User | AnonymousUser) -> None:
    """Imports, the catalogue, areas and users are for admins only."""
    if not is_admin(user):
        raise PermissionDenied("Only administrators can use this page.")


def role_in(user: User | AnonymousUser, authority: Area) -> str | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, authority=authority).first()
    return membership.role if membership else None


def permissions_in(user: User | AnonymousUser, authority: Area) -> frozenset[Permission]:
    """Everything the user may do in `authority`, from one read of their membership (a page
    that asks two questions of one authority reads it once)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if is_admin(user):
        return frozenset(Permission)
    role = role_in(user, authority)
    return ROLE_PERMISSIONS[role] if role is not None else frozenset()


def can(user: User | AnonymousUser, permission: Permission, authority: Area) -> bool:
    return permission in permissions_in(user, authority)


def require(
    user: User | AnonymousUser, permission: Permission, authority: Area
) -> frozenset[Permission]:
    """Raise PermissionDenied, with a message a person can act on, unless the user may; if
    they may, everything they may do in the authority."""
    permissions = permissions_in(user, authority)
    if permission not in permissions:
        raise PermissionDenied(
            f"Your account does not give you access to this part of {authority.name}'s "
            "performance information. Ask your administrator if you need it."
        )
    return permissions


def authorities_for(user: User | AnonymousUser, permission: Permission) -> QuerySet[Any]:
    """The authorities in which the user holds `permission`, for lists and filters."""
    from indicators.models import Area, AreaKind

    authorities = Area.objects.filter(kind=AreaKind.AUTHORITY)
    if not (user.is_authenticated and user.is_active):
        return authorities.none()
    if is_admin(user):
        return authorities
    roles = [role for role, permissions in ROLE_PERMISSIONS.items() if permission in permissions]
    return authorities.filter(memberships__user=user, memberships__role__in=roles).distinct()


def memberships_of(user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("authority")


def may_read_inspection_judgements(user: User | AnonymousUser) -> bool:
    """Ofsted's published judgements of every authority (issue 18): admins, and anyone who
    sees an authority's figures (its officers and managers)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return is_admin(user) or authorities_for(user, Permission.VIEW_FIGURES).exists()


def require_grid_user(user: User | AnonymousUser) -> None:
    """The benchmarking grid (issue 18): anyone signed in who works for an authority (any
    role), and administrators. What each sees is decided cell by cell through the door
    (`figures_visible_to`)."""
    if is_admin(user):
        return
    if not (user.is_authenticated and memberships_of(user).exists()):
        raise PermissionDenied(
            "The benchmarking grid is for people who work for an authority. Ask your "
            "administrator to add you to your council's team."
        )


def may_read_reference_data(user: User | AnonymousUser) -> bool:
    """The indicator catalogue, the areas and the spreadsheet templates: anyone signed in.
    None of it is an authority's own data (codes and definitions are published)."""
    return bool(user.is_authenticated and user.is_active)


def require_reference_reader(user: User | AnonymousUser) -> None:
    if not may_read_reference_data(user):
        raise PermissionDenied("Sign in to download this.")


def may_import_spreadsheets(user: User | AnonymousUser, authority: Area) -> bool:
    """Spreadsheets of an authority's figures and targets: its performance officers (who enter
    them) and admins. Managers approve what arrives; councillors never see live figures."""
    return can(user, Permission.EDIT_FIGURES, authority)


def require_import_batch(
    user: User | SystemActor | AnonymousUser | None, *, authority: Area | None, officers_may: bool
) -> None:
    """One import batch, to see or act on. Admins: every batch. An authority's performance
    officers: the batches of spreadsheet kinds officers import (`officers_may`) that were
    uploaded for their authority. Nobody else. Asked by the batch pages and again by every
    batch service, so that a task or another caller cannot act on a batch its user may not:
    the system passes, a missing user never does."""
    if isinstance(user, SystemActor) or (user is not None and is_admin(user)):
        return
    if (
        user is not None
        and officers_may
        and authority is not None
        and may_import_spreadsheets(user, authority)
    ):
        return
    raise PermissionDenied(
        "Your account does not give you access to this import. Ask your administrator if you "
        "need it."
    )


def require_return_report(
    user: User | SystemActor | AnonymousUser | None, *, authority: Area | None
) -> None:
    """A statutory return's error report (the DfE rule failures, row by row, issue 19): for
    the people who fix the data in the case system, the authority's performance officers as
    well as admins. The return's batch itself stays the admins'."""
    if isinstance(user, SystemActor) or (user is not None and is_admin(user)):
        return
    if user is not None and authority is not None and may_import_spreadsheets(user, authority):
        return
    raise PermissionDenied(
        "Your account does not give you access to this return's error report. Ask your "
        "administrator if you need it."
    )


# --- who may change which figures -----------------------------------------------------------
# The views check first; every service of `indicators.services` checks again with the acting
# user, before it writes anything, so that no other caller (a task, a command, another app's
# service) can change figures its user may not. The system (`SYSTEM`) passes; `None` never does.


def require_figures_writer(actor: User | SystemActor | None, area: Area) -> None:
    """An authority's figures: those who may enter them (its performance officers, admins).
    England, Wales, the regions and groups: admins only, since their figures are published
    statistics, never typed by an authority."""
    if area.is_authority:
        require_actor(actor, Permission.EDIT_FIGURES, area, doing=f"change {area.name}'s figures")
    else:
        require_admin_actor(actor, doing=f"change {area.name}'s figures")


def require_figures_reviewer(actor: User | SystemActor | None, area: Area) -> None:
    """Approving or returning an authority's figures: its managers (and admins)."""
    if area.is_authority:
        require_actor(
            actor, Permission.APPROVE_FIGURES, area, doing=f"approve {area.name}'s figures"
        )
    else:
        require_admin_actor(actor, doing=f"approve {area.name}'s figures")


def require_figure_writer(
    actor: User | SystemActor | None, area: Area, *, source: str, channel: str
) -> None:
    """Writing a figure: the area's writer. Published statistics and statutory returns
    (admins' imports), and the channels that skip the lock on approved figures (derived
    figures follow their parts; set-up commands load reference data), are for admins and the
    system. (Whether the write approves the figure is `require_approval_by_writing`, known
    once the stored figure has been read.)"""
    from indicators.models import ChangeChannel, FigureSource

    require_figures_writer(actor, area)
    if source in (FigureSource.PUBLISHED, FigureSource.RETURN):
        require_admin_actor(actor, doing=f"record {FigureSource(source).label.lower()} as figures")
    if channel in (ChangeChannel.DERIVED, ChangeChannel.SYSTEM):
        require_admin_actor(
            actor, doing=f"write figures through the {ChangeChannel(channel).label.lower()}"
        )


def require_approval_by_writing(
    actor: User | SystemActor | None, area: Area, *, status: str, was_approved: bool
) -> None:
    """A write that leaves a figure approved which was not approved before approves it, so it
    is for those who approve the area's figures: an officer cannot approve their own figures
    by writing them as approved. (An officer's correction of an approved figure is sent back
    for approval, so it approves nothing.)"""
    if status == "approved" and not was_approved:
        require_figures_reviewer(actor, area)


def authorities_reviewed_by_members() -> QuerySet[Any]:
    """The ids of the authorities whose figures go through their own review: those with a
    performance officer or a manager among their members (a subquery, for filtering)."""
    return Membership.objects.filter(role__in=(Role.OFFICER, Role.MANAGER)).values("authority_id")


def require_comparator_approver(actor: User | SystemActor | AnonymousUser | None) -> None:
    """Approving comparator figures (nations, regions, groups and authorities nobody here
    works for: docs/0025): admins only, like the imports that bring them. The system passes,
    for an import that approves what it commits."""
    require_admin_actor(actor, doing="approve comparator figures")


# --- other authorities' figures: the one door -----------------------------------------------


def figures_visible_to(authority: Area) -> FigureQuerySet:
    """Every figure that may be shown on `authority`'s pages, downloads, dashboards, packs and
    their PDFs, counted in its comparator means or ranked in its benchmarking. Every read of
    figures for areas other than the authority itself starts here; nothing else decides it.

    The rule (docs/0017):
    - the authority's own figures, in every status (its own pages mark drafts as drafts);
    - figures of areas that are not authorities (England, Wales, regions, groups), which
      administrators keep as reference data;
    - another authority's published statistics (`source = published`: the national files);
    - another authority's figures that it has approved and released to the benchmarking club,
      while its club setting is on: approved, and released at the version now held.

    Everything else of another authority (drafts, submitted, returned, approved but not
    released, released and since changed, or released while its setting is now off) is never
    shown, averaged, ranked, downloaded or frozen into a pack, whoever is reading: a page is
    the authority's view, the same for its officer, its manager and an administrator, and the
    same as the snapshot a worker builds for it without a user. One query, filtered in the
    database, so a caller reads a group's figures in one query whatever the group's size."""
    from django.db.models import Q

    from indicators.models import AreaKind, Figure, FigureSource
    from indicators.querysets import RELEASED

    return Figure.objects.filter(
        Q(area_id=authority.pk)
        | ~Q(area__kind=AreaKind.AUTHORITY)
        | Q(source=FigureSource.PUBLISHED)
        | (Q(area__shares_with_club=True) & RELEASED)
    )


def may_change_club_sharing(user: User | AnonymousUser, authority: Area) -> bool:
    """Turning an authority's benchmarking-club setting on or off, and releasing its approved
    figures to the club: its managers (who approve its figures), and admins."""
    return can(user, Permission.APPROVE_FIGURES, authority)


def require_club_sharing_changer(
    actor: User | SystemActor | AnonymousUser | None, authority: Area
) -> None:
    """`may_change_club_sharing`, asked by the page and again by the club services."""
    if isinstance(actor, SystemActor):
        return
    if actor is None or not may_change_club_sharing(actor, authority):
        raise PermissionDenied(
            f"Only {authority.name}'s managers and administrators can share its figures with "
            "the benchmarking club."
        )


def may_read_quality_assurance(user: User | AnonymousUser, authority: Area) -> bool:
    """Case audits, findings, inspections and improvement plans: those who may see the
    authority's live figures (its officers and managers, and admins). Councillors never see
    case-level audits; they read what a published pack summarises."""
    return can(user, Permission.VIEW_FIGURES, authority)


def may_record_quality_assurance(user: User | AnonymousUser, authority: Area) -> bool:
    """Entering audits, findings, inspections and plans: those who enter the authority's
    figures (its performance officers), and admins."""
    return can(user, Permission.EDIT_FIGURES, authority)


def require_quality_assurance_reader(user: User | AnonymousUser, authority: Area) -> None:
    if not may_read_quality_assurance(user, authority):
        raise PermissionDenied(
            f"Your account does not give you access to {authority.name}'s quality assurance "
            "records. Ask your administrator if you need it."
        )


def require_quality_assurance_recorder(user: User | AnonymousUser, authority: Area) -> None:
    if not may_record_quality_assurance(user, authority):
        raise PermissionDenied(
            f"Your account does not let you record {authority.name}'s audits, inspections or "
            "improvement plans. Ask your administrator if you need it."
        )


def require_removals_reader(user: User | AnonymousUser, authority: Area, *, records: str) -> None:
    """The record of removed quality assurance, complaints and voice records (who removed
    what, when and why): whoever may read those records, that is the authority's managers, to
    see who removed what and why, its officers, who remove records and see the same codes and
    dates on the pages, and admins; never its councillors (they never see case-level records)
    nor anyone of another authority. The quality and voice pages link to the record for all
    their readers: narrow this rule, and change those links with it. `records` completes
    "what was removed from {authority}'s …"."""
    if not can(user, Permission.VIEW_FIGURES, authority):
        raise PermissionDenied(
            f"Your account does not let you see what was removed from {authority.name}'s "
            f"{records}. Ask your administrator if you need it."
        )


# --- scrutiny packs -------------------------------------------------------------------------
# A pack is passed as any object with `authority`, `status` and `created_by_id` (the
# `scrutiny.Pack` model), since this app sits below `scrutiny` and does not import it.

PUBLISHED = "published"  # scrutiny.models.PackStatus.PUBLISHED


def _pack_authority_ok(user: User | AnonymousUser, pack: Any, permission: Permission) -> bool:
    return can(user, permission, pack.authority)


def may_compose_packs(user: User | AnonymousUser, authority: Area) -> bool:
    """Creating and editing an authority's draft packs, and submitting them for review: its
    performance officers, and admins."""
    return can(user, Permission.EDIT_FIGURES, authority)


def may_follow_packs(user: User | AnonymousUser, authority: Area) -> bool:
    """Seeing an authority's packs in the making (drafts, their sections and workflow
    history): those who compose them (officers) and those who approve them (managers), and
    admins. Never councillors: they read published packs only."""
    return can(user, Permission.EDIT_FIGURES, authority) or can(
        user, Permission.APPROVE_FIGURES, authority
    )


def may_read_packs_of(user: User | AnonymousUser, authority: Area) -> bool:
    """Opening an authority's list of packs: whoever may read its published packs."""
    return can(user, Permission.READ_PUBLISHED_PACKS, authority)


def may_read_pack(user: User | AnonymousUser, pack: Any) -> bool:
    """A published pack: anyone who may read the authority's published packs (its councillors,
    officers and managers). An unpublished one (draft, in review, approved): only those who
    compose or approve the authority's packs. Never another authority's."""
    if pack.status == PUBLISHED:
        return _pack_authority_ok(user, pack, Permission.READ_PUBLISHED_PACKS)
    return may_follow_packs(user, pack.authority)


def may_edit_pack(user: User | AnonymousUser, pack: Any) -> bool:
    """Whether the user may change the pack's sections: its authority's composers. (Whether
    the pack may still change, being a draft, is the services' rule, with its own message.)"""
    return may_compose_packs(user, pack.authority)


def may_review_pack(user: User | AnonymousUser, pack: Any) -> bool:
    """Returning, approving and publishing: the authority's managers, and admins. Approval
    takes a second person: whoever created the pack may not approve it (an admin included)."""
    if not _pack_authority_ok(user, pack, Permission.APPROVE_FIGURES):
        return False
    return pack.created_by_id is None or pack.created_by_id != user.pk


def may_publish_pack(user: User | AnonymousUser, pack: Any) -> bool:
    """Publishing an approved pack to councillors: the authority's managers, and admins."""
    return _pack_authority_ok(user, pack, Permission.APPROVE_FIGURES)


def _refuse_pack(pack: Any, doing: str) -> PermissionDenied:
    return refusal(f"{doing} {pack.authority.name}'s scrutiny packs")


def require_pack_composer(user: User | AnonymousUser, authority: Area) -> None:
    if not may_compose_packs(user, authority):
        raise refusal(f"prepare {authority.name}'s scrutiny packs")


def require_packs_reader(user: User | AnonymousUser, authority: Area) -> None:
    if not may_read_packs_of(user, authority):
        raise refusal(f"read {authority.name}'s scrutiny packs")


def require_pack_follower(user: User | AnonymousUser, pack: Any) -> None:
    """The composing page of any pack, published or not: those who compose or approve."""
    if not may_follow_packs(user, pack.authority):
        raise _refuse_pack(pack, "prepare or review")


def require_pack_reader(user: User | AnonymousUser, pack: Any) -> None:
    if not may_read_pack(user, pack):
        raise _refuse_pack(pack, "read")


def require_pack_editor(user: User | AnonymousUser, pack: Any) -> None:
    if not may_edit_pack(user, pack):
        raise _refuse_pack(pack, "edit")


def require_pack_reviewer(user: User | AnonymousUser, pack: Any) -> None:
    if not may_review_pack(user, pack):
        if _pack_authority_ok(user, pack, Permission.APPROVE_FIGURES):
            raise PermissionDenied(
                "You created this pack, so someone else must review and approve it."
            )
        raise _refuse_pack(pack, "review")


def require_pack_publisher(user: User | AnonymousUser, pack: Any) -> None:
    if not may_publish_pack(user, pack):
        raise _refuse_pack(pack, "publish")


def may_delete_pack(user: User | AnonymousUser, pack: Any) -> bool:
    """Deleting a pack: its authority's officers and managers, and admins. (That only a draft
    may be deleted is the service's rule, with its own message: docs/0023.)"""
    return may_follow_packs(user, pack.authority)


def require_pack_deleter(user: User | AnonymousUser, pack: Any) -> None:
    if not may_delete_pack(user, pack):
        raise _refuse_pack(pack, "delete")


def may_share_pack_publicly(user: User | AnonymousUser, pack: Any) -> bool:
    """Switching a published pack's public version on or off: the authority's managers, and
    admins (those who may publish it: docs/0023)."""
    return _pack_authority_ok(user, pack, Permission.APPROVE_FIGURES)


def require_pack_sharer(user: User | AnonymousUser, pack: Any) -> None:
    if not may_share_pack_publicly(user, pack):
        raise _refuse_pack(pack, "make public versions of")


def readable_packs(user: User | AnonymousUser, packs: QuerySet[Any]) -> QuerySet[Any]:
    """Narrow a queryset of packs to those `may_read_pack` allows, in the same query."""
    from django.db.models import Q

    if not (user.is_authenticated and user.is_active):
        return packs.none()
    if is_admin(user):
        return packs
    published = authorities_for(user, Permission.READ_PUBLISHED_PACKS).values("pk")
    composing = authorities_for(user, Permission.EDIT_FIGURES).values("pk")
    reviewing = authorities_for(user, Permission.APPROVE_FIGURES).values("pk")
    return packs.filter(
        Q(status=PUBLISHED, authority__in=published)
        | Q(authority__in=composing)
        | Q(authority__in=reviewing)
    )


# --- Turning the Curve reports ----------------------------------------------------------------
# A report is passed as any object with `authority` (the `scrutiny.CurveReport` model).


def may_write_curves(user: User | AnonymousUser, authority: Area) -> bool:
    """Writing an authority's Turning the Curve reports (and adding them to its draft packs):
    those who compose or approve its packs, that is its officers and managers, and admins."""
    return may_follow_packs(user, authority)


def may_read_curves(user: User | AnonymousUser, authority: Area) -> bool:
    """Reading an authority's Turning the Curve reports and their history: its officers,
    managers and councillors (who read them as they read its published packs), and admins.
    Never anyone of another authority."""
    return may_write_curves(user, authority) or can(
        user, Permission.READ_PUBLISHED_PACKS, authority
    )


def require_curves_writer(user: User | AnonymousUser, authority: Area) -> None:
    if not may_write_curves(user, authority):
        raise refusal(f"write {authority.name}'s Turning the Curve reports")


def require_curves_reader(user: User | AnonymousUser, authority: Area) -> None:
    if not may_read_curves(user, authority):
        raise refusal(f"read {authority.name}'s Turning the Curve reports")


# --- questions and actions from a committee (docs/0022) ---------------------------------------


def may_keep_committee_questions(user: User | AnonymousUser, authority: Area) -> bool:
    """Recording, editing, answering and closing the questions and actions a committee raised
    at its meetings, and seeing the list of them: the authority's officers and managers (who
    prepare and approve its packs, and answer to the committee), and admins. Councillors read
    them only as a published pack's "Matters arising" section froze them."""
    return may_follow_packs(user, authority)


def require_committee_questions_keeper(
    user: User | SystemActor | AnonymousUser | None, authority: Area
) -> None:
    """`may_keep_committee_questions`, asked by the pages and again by every question service
    (which have already refused the system and a missing user: questions are people's work)."""
    if (
        user is None
        or isinstance(user, SystemActor)
        or not may_keep_committee_questions(user, authority)
    ):
        raise refusal(f"keep {authority.name}'s committee questions and actions")
