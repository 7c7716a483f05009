"""Who may read, edit, review and publish packs: each persona, own authority and another."""

import pytest

from accounts import access
from scrutiny import selectors, services
from scrutiny.models import Pack, PackStatus

pytestmark = pytest.mark.django_db


def set_status(pack: Pack, status: str) -> Pack:
    Pack.objects.filter(pk=pack.pk).update(
        status=status, published_at=pack.created_at if status == PackStatus.PUBLISHED else None
    )
    pack.refresh_from_db()
    return pack


READERS = {
    # persona: (reads a draft, reads a published pack) of authority A
    "officer_a": (True, True),
    "manager_a": (True, True),
    "councillor_a": (False, True),
    "officer_b": (False, False),
    "admin": (True, True),
}


@pytest.mark.parametrize("persona", READERS)
def test_reading_by_persona(pack, personas, persona) -> None:
    user = personas.all()[persona]
    reads_draft, reads_published = READERS[persona]
    assert access.may_read_pack(user, pack) is reads_draft
    assert (pack in selectors.packs_for(user)) is reads_draft
    set_status(pack, PackStatus.IN_REVIEW)
    assert access.may_read_pack(user, pack) is reads_draft
    set_status(pack, PackStatus.PUBLISHED)
    assert access.may_read_pack(user, pack) is reads_published
    assert (pack in selectors.packs_for(user)) is reads_published


@pytest.mark.parametrize(
    ("persona", "edits", "reviews", "publishes"),
    [
        ("officer_a", True, False, False),
        ("manager_a", False, True, True),
        ("councillor_a", False, False, False),
        ("officer_b", False, False, False),
        ("admin", True, True, True),
    ],
)
def test_editing_reviewing_and_publishing_by_persona(
    pack, personas, persona, edits, reviews, publishes
) -> None:
    user = personas.all()[persona]
    assert access.may_edit_pack(user, pack) is edits
    assert access.may_review_pack(user, pack) is reviews
    assert access.may_publish_pack(user, pack) is publishes


def test_the_selectors_refuse_with_permission_denied(pack, personas) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert selectors.pack_for_editing(personas.officer_a, pack.pk) == pack
    with pytest.raises(PermissionDenied):
        selectors.pack_for_reading(personas.councillor_a, pack.pk)
    with pytest.raises(PermissionDenied):
        selectors.pack_for_editing(personas.officer_b, pack.pk)
    with pytest.raises(Http404):
        selectors.pack_for_reading(personas.officer_a, 999_999)


def test_a_councillor_reads_the_published_pack_frozen(pack, personas) -> None:
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    pack = selectors.pack_for_reading(personas.councillor_a, pack.pk)
    contents = selectors.pack_content_for(personas.councillor_a, pack)
    assert [c["title"] for c in contents] == list(
        pack.sections.order_by("order").values_list("title", flat=True)
    )
    assert list(selectors.packs_for(personas.councillor_a, status=PackStatus.PUBLISHED)) == [pack]


def test_nobody_signed_out_sees_a_pack(pack) -> None:
    from django.contrib.auth.models import AnonymousUser

    set_status(pack, PackStatus.PUBLISHED)
    assert not access.may_read_pack(AnonymousUser(), pack)
    assert not selectors.packs_for(AnonymousUser()).exists()
