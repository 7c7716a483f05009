"""Exempt sections and the public version of a published pack (docs/0023): what councillors
see, what the public version leaves out, and who may switch it on and off."""

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts import access
from complaints.models import RedactionState
from scrutiny import charts, exempt, public, selectors, services
from scrutiny.models import PackSection, PackStatus, PublicVersionEvent
from tests.audits.factories import quality_world
from tests.complaints.factories import ComplimentFactory

pytestmark = pytest.mark.django_db

BASE = "/a/authority-a/packs"
EXEMPT_WORDS = "The foster carers' allowance dispute, named here"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish(pack, personas):
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    pack.refresh_from_db()
    return pack


def mark_exempt(pack, personas, paragraph=1) -> PackSection:
    section = pack.sections.get(title="Summary")  # the annual report's
    return services.section_edit(
        user=personas.officer_a,
        section=section,
        narrative=EXEMPT_WORDS,
        exempt_paragraph=paragraph,
    )


def printed_body(page) -> str:
    """The pack's body as the PDF prints it (`pdf=True`), without Chromium."""
    sections = charts.reading_sections(page.sections, own_name=page.pack.authority.name)
    context = {"page": page, "sections": sections, "pdf": True}
    return render_to_string("scrutiny/_pack_body.html", context)


# --- exempt sections -----------------------------------------------------------------------


def test_schedule_12a_has_its_seven_paragraphs() -> None:
    assert sorted(exempt.SCHEDULE_12A) == [1, 2, 3, 4, 5, 6, 7]
    assert exempt.SCHEDULE_12A[1] == "Information relating to any individual."
    assert exempt.SCHEDULE_12A[2] == (
        "Information which is likely to reveal the identity of an individual."
    )
    assert exempt.citation(3) == (
        "Paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972"
    )


@pytest.mark.parametrize("paragraph", [8, -1, True])
def test_a_paragraph_outside_1_to_7_is_refused_and_nothing_is_written(
    pack, personas, paragraph
) -> None:
    section = pack.sections.get(order=2)
    with pytest.raises(ValidationError):
        services.section_edit(
            user=personas.officer_a, section=section, title="Changed", exempt_paragraph=paragraph
        )
    section.refresh_from_db()
    assert section.exempt_paragraph is None and section.title != "Changed"


def test_the_database_refuses_a_paragraph_outside_1_to_7(pack) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PackSection.objects.filter(pack=pack, order=2).update(exempt_paragraph=9)


def test_marking_and_unmarking_a_section(pack, personas) -> None:
    section = mark_exempt(pack, personas, paragraph=3)
    assert section.exempt_paragraph == 3
    # Another edit that says nothing of it leaves it exempt; 0 unmarks it.
    services.section_edit(user=personas.officer_a, section=section, title="Summary again")
    section.refresh_from_db()
    assert section.exempt_paragraph == 3
    services.section_edit(user=personas.officer_a, section=section, exempt_paragraph=0)
    section.refresh_from_db()
    assert section.exempt_paragraph is None


def test_the_section_form_marks_it_and_checks_the_paragraph(pack, personas) -> None:
    section = pack.sections.get(order=2)
    client = client_for(personas.officer_a)
    url = f"{BASE}/{pack.pk}/sections/{section.pk}/"
    page = client.get(url).content.decode()
    assert (
        "Exempt information" in page and "Paragraph 7: Information relating to any action" in page
    )
    refused = client.post(url, {"title": "Summary", "narrative": "", "exempt_paragraph": "9"})
    assert refused.status_code == 400
    assert "Choose a paragraph from 1 to 7, or not exempt" in refused.content.decode()
    saved = client.post(url, {"title": "Summary", "narrative": "", "exempt_paragraph": "2"})
    assert saved.status_code == 302
    section.refresh_from_db()
    assert section.exempt_paragraph == 2
    # Posted without it, it is left as it is; "not exempt" unmarks it.
    client.post(url, {"title": "Summary", "narrative": ""})
    section.refresh_from_db()
    assert section.exempt_paragraph == 2
    client.post(url, {"title": "Summary", "narrative": "", "exempt_paragraph": "0"})
    section.refresh_from_db()
    assert section.exempt_paragraph is None


def test_councillors_see_an_exempt_section_marked_not_for_publication(pack, personas) -> None:
    mark_exempt(pack, personas, paragraph=1)
    publish(pack, personas)
    body = client_for(personas.councillor_a).get(f"{BASE}/{pack.pk}/").content.decode()
    assert body.count("Not for publication") == 1
    assert "Paragraph 1 of Part 1 of Schedule 12A to the Local Government Act 1972" in body
    assert "allowance dispute, named here" in body  # councillors read it
    # The frozen content says so, and so does the PDF's HTML.
    page = selectors.reading_page(personas.councillor_a, "authority-a", pack.pk)
    (summary,) = [section for section in page.sections if section["title"] == "Summary"]
    assert summary["exempt"]["paragraph"] == 1
    assert "Not for publication" in printed_body(page)


# --- the public version: who switches it ---------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "may"),
    [
        ("manager_a", True),
        ("admin", True),
        ("officer_a", False),
        ("councillor_a", False),
        ("officer_b", False),
    ],
)
def test_who_may_switch_the_public_version(pack, personas, persona, may) -> None:
    publish(pack, personas)
    user = personas.all()[persona]
    if not may:
        with pytest.raises(PermissionDenied):
            public.public_version_on(user=user, pack=pack)
        pack.refresh_from_db()
        assert pack.public_token == "" and not PublicVersionEvent.objects.exists()
        return
    public.public_version_on(user=user, pack=pack)
    pack.refresh_from_db()
    assert len(pack.public_token) >= 40 and pack.public_by == user
    public.public_version_off(user=user, pack=pack)
    pack.refresh_from_db()
    assert pack.public_token == ""
    steps = list(PublicVersionEvent.objects.values_list("switched_on", "by"))
    assert steps == [(True, user.pk), (False, user.pk)]


def test_the_system_and_nobody_may_not_switch_it(pack, personas) -> None:
    publish(pack, personas)
    for actor in (access.SYSTEM, None):
        with pytest.raises(PermissionDenied):
            public.public_version_on(user=actor, pack=pack)


@pytest.mark.parametrize("status", [PackStatus.DRAFT, PackStatus.IN_REVIEW, PackStatus.APPROVED])
def test_only_a_published_pack_has_a_public_version(pack, personas, status) -> None:
    pack.status = status
    pack.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="only a published pack"):
        public.public_version_on(user=personas.manager_a, pack=pack)
    pack.refresh_from_db()
    assert pack.public_token == "" and not PublicVersionEvent.objects.exists()


def test_switching_on_again_gives_a_new_link_and_the_old_one_is_dead(pack, personas) -> None:
    publish(pack, personas)
    first = public.public_version_on(user=personas.manager_a, pack=pack).public_token
    assert public.public_version_on(user=personas.manager_a, pack=pack).public_token == first
    public.public_version_off(user=personas.manager_a, pack=pack)
    second = public.public_version_on(user=personas.manager_a, pack=pack).public_token
    assert second != first
    assert Client().get(f"{BASE}/public/{first}/").status_code == 404
    assert Client().get(f"{BASE}/public/{second}/").status_code == 200


def test_the_pack_page_button_for_managers_only(pack, personas) -> None:
    publish(pack, personas)
    url = f"{BASE}/{pack.pk}/public/"
    assert client_for(personas.officer_a).post(url, {"switch": "on"}).status_code == 403
    assert client_for(personas.councillor_a).post(url, {"switch": "on"}).status_code == 403
    assert client_for(personas.officer_b).post(url, {"switch": "on"}).status_code == 403
    anonymous = Client().post(url, {"switch": "on"})
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]
    pack.refresh_from_db()
    assert pack.public_token == ""
    compose = f"{BASE}/{pack.pk}/compose/"
    assert (
        "Make a public version" not in client_for(personas.officer_a).get(compose).content.decode()
    )
    manager = client_for(personas.manager_a)
    assert "Make a public version" in manager.get(compose).content.decode()
    assert manager.post(url, {"switch": "on"}).status_code == 302
    pack.refresh_from_db()
    page = manager.get(compose).content.decode()
    assert f"/public/{pack.public_token}/" in page and "Switch off the public version" in page
    # Officers see the link (to send on), without the button.
    page = client_for(personas.officer_a).get(compose).content.decode()
    assert f"/public/{pack.public_token}/" in page and "Switch off" not in page
    manager.post(url, {"switch": "off"})
    pack.refresh_from_db()
    assert pack.public_token == ""


# --- the public version: what it shows -----------------------------------------------------


@pytest.fixture
def public_pack(world, pack, personas):
    """A published annual report with an exempt section, audit findings about a case, and
    one cleared and one uncleared compliment; its public version switched on."""
    quality_world(world.authority_a)  # an audit of case CIN-0042, its finding "Plans are clear"
    ComplimentFactory(
        authority=world.authority_a,
        text="Thank you Jane Smith",
        redacted_text="Thank you XXXX",
        redaction_state=RedactionState.CLEARED,
        cleared_at=timezone.now(),
    )
    ComplimentFactory(authority=world.authority_a, text="Thanks to Bob Jones, uncleared")
    mark_exempt(pack, personas, paragraph=2)
    publish(pack, personas)
    return public.public_version_on(user=personas.manager_a, pack=pack)


def test_the_public_version_leaves_out_what_may_not_be_published(public_pack, personas) -> None:
    url = f"{BASE}/public/{public_pack.public_token}/"
    # What councillors read has all of it...
    councillors = client_for(personas.councillor_a).get(f"{BASE}/{public_pack.pk}/")
    body = councillors.content.decode()
    assert "Plans are clear" in body and "Not for publication" in body
    # ...and the public, with no session at all, none of it.
    response = Client().get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert public_pack.title in body and "public version" in body
    assert "Not for publication" not in body and "Part 1 of Schedule 12A" not in body
    assert "allowance dispute" not in body and ">Summary<" not in body
    assert "Plans are clear" not in body and "What the audits found" not in body
    assert "Bob Jones" not in body and "Jane Smith" not in body
    assert "Thank you XXXX" in body  # a cleared, redacted quote
    assert "case audit" in body  # the aggregate figures stay
    assert "87%" in body  # and the figures
    # The PDF link is the public one; nothing links to the signed-in pages.
    assert f"/public/{public_pack.public_token}/pdf/" in body
    assert f'href="{BASE}/{public_pack.pk}/' not in body


def test_the_public_content_is_filtered_by_an_allow_list() -> None:
    contents: list[dict[str, Any]] = [
        {"kind": "narrative", "title": "Open", "exempt": None},
        {"kind": "narrative", "title": "Closed", "exempt": {"paragraph": 1}},
        {
            "kind": "quality_assurance",
            "title": "QA",
            "quality": {"audited": 3, "findings": [{"text": "case"}], "cases": ["new key"]},
        },
        {"kind": "voice", "title": "Voice", "voice": {"quotes": [], "records": ["raw"]}},
    ]
    shown = public.public_sections(contents)
    assert [s["title"] for s in shown] == ["Open", "QA", "Voice"]
    assert shown[1]["quality"] == {"audited": 3}
    assert shown[2]["voice"] == {"quotes": []}
    assert contents[2]["quality"]["findings"]  # the published content is left as it was


def test_the_public_glossary_lists_only_what_the_sections_shown_use() -> None:
    terms = [
        {"abbreviation": "CIN", "expansion": "Child in need"},
        {"abbreviation": "LADO", "expansion": "Local authority designated officer"},
    ]
    contents: list[dict[str, Any]] = [
        {"kind": "narrative", "title": "Open", "narrative": "CIN plans", "exempt": None},
        {"kind": "narrative", "title": "Closed", "narrative": "The LADO referral", "exempt": {}},
        {"kind": "glossary", "title": "Glossary", "terms": terms},
    ]
    contents[1]["exempt"] = {"paragraph": 1}
    glossary = public.public_sections(contents)[-1]
    assert [t["abbreviation"] for t in glossary["terms"]] == ["CIN"]


def test_the_public_pdf_leaves_them_out_too(public_pack, settings) -> None:
    page = selectors.public_reading_page("authority-a", public_pack.public_token)
    html = printed_body(page)
    assert "allowance dispute" not in html and "Plans are clear" not in html
    assert "Bob Jones" not in html and "Thank you XXXX" in html
    # Its cache key is apart from the councillors' PDF of the same pack.
    councillors = selectors.reading_page(public_pack.created_by, "authority-a", public_pack.pk)
    assert page.digest() != councillors.digest()
    # Where this server cannot make PDFs, the page says so and links to the public version.
    settings.CHROMIUM_PATH = "/nowhere/chromium"
    response = Client().get(f"{BASE}/public/{public_pack.public_token}/pdf/")
    assert response.status_code == 503
    assert f'href="{BASE}/public/{public_pack.public_token}/"' in response.content.decode()


def test_a_wrong_switched_off_or_misaddressed_link_is_a_404(public_pack, personas) -> None:
    token = public_pack.public_token
    assert Client().get(f"{BASE}/public/{token}x/").status_code == 404
    assert Client().get(f"/a/authority-b/packs/public/{token}/").status_code == 404
    assert Client().get(f"{BASE}/public/{token}/pdf/x").status_code == 404
    public.public_version_off(user=personas.manager_a, pack=public_pack)
    assert Client().get(f"{BASE}/public/{token}/").status_code == 404
    assert Client().get(f"{BASE}/public/{token}/pdf/").status_code == 404
    assert Client().get(f"{BASE}/public//").status_code == 404


def test_the_public_page_sends_the_security_headers_and_asks_again(public_pack, personas) -> None:
    url = f"{BASE}/public/{public_pack.public_token}/"
    response = Client().get(url)
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "max-age=0" in cache_control
    assert "private" not in cache_control and "no-store" not in cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src" in response["Content-Security-Policy"]
    assert "sessionid" not in response.cookies  # no session is made for the public
    # Opened by someone signed in, it stays private to them, as every signed-in page.
    signed_in = client_for(personas.councillor_a).get(url)
    assert "private" in signed_in["Cache-Control"] and "no-store" in signed_in["Cache-Control"]
    assert "public" not in signed_in["Cache-Control"].replace("no-", "")


@pytest.mark.skipif(
    not Path(django_settings.CHROMIUM_PATH).exists(),
    reason=f"no Chromium at {django_settings.CHROMIUM_PATH} to print PDFs",
)
def test_the_public_pdf_downloads_without_signing_in(public_pack, personas) -> None:
    response = Client().get(f"{BASE}/public/{public_pack.public_token}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert public_pack.title in text and "87%" in text
    assert "allowance dispute" not in text and "Plans are clear" not in text
    assert "Not for publication" not in text
    # The councillors' PDF has the exempt section, marked.
    councillors = client_for(personas.councillor_a).get(f"{BASE}/{public_pack.pk}/pdf/")
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(councillors.content)).pages)
    assert "Not for publication" in text and "allowance dispute" in text
