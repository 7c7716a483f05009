"""User accounts and memberships change only by an administrator or a set-up command: the
services check the actor themselves (issue 13, part 3)."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import access
from accounts.models import Membership, User
from accounts.services import membership_set, user_set
from tests.conftest import Personas, World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["officer_a", "manager_a", "councillor_a", "officer_b", None])
def test_only_an_admin_or_the_system_changes_accounts_and_roles(
    personas: Personas, world: World, who: str | None
) -> None:
    actor = getattr(personas, who) if who else None
    users, memberships = User.objects.count(), list(Membership.objects.values_list())
    with pytest.raises(PermissionDenied, match="Only administrators can create or change"):
        user_set(actor=actor, username="intruder", password="a-long-password-123", is_admin=True)
    with pytest.raises(PermissionDenied, match="Only administrators can give users a role"):
        membership_set(
            actor=actor, user=personas.officer_b, authority=world.authority_a, role="manager"
        )
    assert User.objects.count() == users
    assert list(Membership.objects.values_list()) == memberships


def test_an_admin_and_the_system_may(personas: Personas, world: World) -> None:
    made = user_set(actor=personas.admin, username="new.officer", password="a-long-password-123")
    membership_set(actor=access.SYSTEM, user=made, authority=world.authority_a, role="officer")
    assert Membership.objects.get(user=made).role == "officer"
