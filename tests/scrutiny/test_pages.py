"""The pack pages: create, compose, the workflow through POSTs by the right people (and
refusals for the wrong ones), and the reading view of a published Wiltshire pack."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from indicators.models import Area, Figure, Theme
from indicators.services import figure_set
from scrutiny import services
from scrutiny.models import Pack, PackStatus, SectionKind, TemplateKind
from tests import factories
from tests.scrutiny.conftest import commentary_rule_off

pytestmark = pytest.mark.django_db

BASE = "/a/authority-a/packs"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_creates_a_pack_from_the_form(world, personas) -> None:
    year = factories.financial_year(2017)
    client = client_for(personas.officer_a)
    assert client.get(f"{BASE}/add/").status_code == 200
    response = client.post(
        f"{BASE}/add/",
        {
            "title": "Performance 2017/18",
            "committee": "Children's Select Committee",
            "meeting_date": "19/06/2018",
            "period": year.pk,
            "template": TemplateKind.SCRUTINY_PACK,
        },
    )
    pack = Pack.objects.get(title="Performance 2017/18")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{pack.pk}/compose/"
    assert pack.status == PackStatus.DRAFT and pack.created_by == personas.officer_a
    assert pack.sections.exists()
    # The new pack is on the list, with a link to prepare it.
    body = client.get(f"{BASE}/").content.decode()
    assert "Performance 2017/18" in body and f"{BASE}/{pack.pk}/compose/" in body


def test_bad_input_reshows_the_form_with_an_error_summary_and_writes_nothing(
    world, personas
) -> None:
    response = client_for(personas.officer_a).post(
        f"{BASE}/add/", {"title": "", "committee": "C", "meeting_date": "31/02/2018"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "Enter the pack’s title" in body
    assert "Enter the date of the meeting as day/month/year" in body
    assert not Pack.objects.exists()


def test_managers_and_councillors_may_not_create_packs(world, personas) -> None:
    for persona in ("manager_a", "councillor_a", "officer_b"):
        assert client_for(getattr(personas, persona)).post(f"{BASE}/add/", {}).status_code == 403


def test_compose_add_move_and_edit_a_narrative(pack, personas) -> None:
    client = client_for(personas.officer_a)
    base = f"{BASE}/{pack.pk}"
    assert client.get(f"{base}/compose/").status_code == 200
    count = pack.sections.count()
    response = client.post(
        f"{base}/sections/add/", {"kind": SectionKind.NARRATIVE, "title": "Recommendations"}
    )
    assert response.status_code == 302
    added = pack.sections.get(title="Recommendations")
    assert added.order == count + 1
    # A theme page needs its theme: the page again, with the error summary.
    response = client.post(f"{base}/sections/add/", {"kind": SectionKind.THEME_PAGE})
    assert response.status_code == 400
    assert "Choose the theme this page shows" in response.content.decode()
    assert pack.sections.count() == count + 1
    # Up one; and the last section cannot go further down (the service's words, shown).
    client.post(f"{base}/sections/{added.pk}/move/", {"direction": "up"})
    added.refresh_from_db()
    assert added.order == count
    last = pack.sections.get(order=count + 1)
    response = client.post(f"{base}/sections/{last.pk}/move/", {"direction": "down"})
    assert response.status_code == 400
    assert "is already the last section" in response.content.decode()
    # Edit the narrative: the preview renders markdown and escapes the script.
    edit = f"{base}/sections/{added.pk}/"
    text = "## Our asks\n\nPlease **note** the report.\n\n<script>alert(1)</script>"
    response = client.post(edit, {"title": "Recommendations", "narrative": text, "preview": "1"})
    body = response.content.decode()
    assert "<strong>note</strong>" in body
    assert "<script>alert(1)</script>" not in body
    added.refresh_from_db()
    assert added.narrative == ""  # a preview saves nothing
    response = client.post(edit, {"title": "Recommendations", "narrative": text})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.narrative == text
    body = client.get(f"{base}/").content.decode()
    assert "<strong>note</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    # Remove it: the others close up.
    client.post(f"{base}/sections/{added.pk}/remove/")
    assert pack.sections.count() == count
    assert sorted(pack.sections.values_list("order", flat=True)) == list(range(1, count + 1))


def test_councillors_and_other_authorities_cannot_compose(pack, personas) -> None:
    section = pack.sections.first()
    base = f"{BASE}/{pack.pk}"
    for persona in ("councillor_a", "officer_b"):
        client = client_for(getattr(personas, persona))
        assert client.get(f"{base}/compose/").status_code == 403
        assert client.get(f"{base}/").status_code == 403  # a draft
        assert client.get(f"{base}/sections/{section.pk}/").status_code == 403
        assert client.post(f"{base}/sections/{section.pk}/remove/").status_code == 403
    # A manager sees the composing page but changes no section.
    manager = client_for(personas.manager_a)
    assert manager.get(f"{base}/compose/").status_code == 200
    assert manager.post(f"{base}/sections/{section.pk}/remove/").status_code == 403
    assert pack.sections.filter(pk=section.pk).exists()


def test_the_workflow_through_the_pages(pack, personas) -> None:
    base = f"{BASE}/{pack.pk}"
    officer, manager = client_for(personas.officer_a), client_for(personas.manager_a)
    councillor = client_for(personas.councillor_a)
    assert "Submit for review" in officer.get(f"{base}/compose/").content.decode()
    assert officer.post(f"{base}/submit/").status_code == 302
    pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW
    # The officer may not approve; a return needs a comment.
    assert officer.post(f"{base}/approve/").status_code == 403
    assert councillor.post(f"{base}/approve/").status_code == 403
    response = manager.post(f"{base}/return/", {"comment": ""})
    assert response.status_code == 400
    assert "Say what needs to change" in response.content.decode()
    assert manager.post(f"{base}/return/", {"comment": "Add the summary"}).status_code == 302
    pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT
    assert "Add the summary" in officer.get(f"{base}/compose/").content.decode()
    officer.post(f"{base}/submit/")
    # Publishing before approval is refused in words, on the page.
    response = manager.post(f"{base}/publish/")
    assert response.status_code == 400
    assert "only an approved pack can" in response.content.decode()
    assert manager.post(f"{base}/approve/").status_code == 302
    assert officer.post(f"{base}/publish/").status_code == 403
    assert councillor.post(f"{base}/publish/").status_code == 403
    assert manager.post(f"{base}/publish/").status_code == 302
    pack.refresh_from_db()
    assert pack.status == PackStatus.PUBLISHED
    # Now the councillor reads it, and it is on their list.
    assert councillor.get(f"{base}/").status_code == 200
    assert pack.title in councillor.get(f"{BASE}/").content.decode()
    assert councillor.get(f"{base}/compose/").status_code == 403
    history = manager.get(f"{base}/compose/").content.decode()
    for step in ("Draft to In review", "In review to Approved", "Approved to Published"):
        assert step in history


def test_a_draft_reads_with_a_banner(pack, personas) -> None:
    body = client_for(personas.officer_a).get(f"{BASE}/{pack.pk}/").content.decode()
    assert "Draft: figures are live and may change" in body


def test_a_councillor_sees_only_published_packs_on_the_list(pack, personas) -> None:
    body = client_for(personas.councillor_a).get(f"{BASE}/").content.decode()
    assert pack.title not in body
    assert "has not published any scrutiny packs yet" in body


def test_choosing_the_appendix_indicators_on_the_section_page(world, pack, personas) -> None:
    theme = factories.ThemeFactory(name="Children in care", slug="cla", order=5)
    unfilled = factories.IndicatorFactory(code="CLA-RATE", title="Looked after rate", theme=theme)
    client = client_for(personas.officer_a)
    base = f"{BASE}/{pack.pk}"
    appendix = pack.sections.get(kind=SectionKind.APPENDIX)
    # The composing page says what the appendix lists with none chosen.
    compose = client.get(f"{base}/compose/").content.decode()
    assert "None chosen: lists every indicator with a figure (1)" in compose

    edit = f"{base}/sections/{appendix.pk}/"
    body = client.get(edit).content.decode()
    assert 'data-testid="indicator-choice"' in body
    # A fieldset per theme, the indicators as checkboxes, whether each has a figure.
    assert f'govuk-fieldset__legend--s">{theme.name}</legend>' in body
    assert "% assessments completed in time (ASMT-T)" in body
    assert "Looked after rate (CLA-RATE)" in body
    assert body.count("Has a figure by the end of 2017/18") == 1
    assert body.count("No figure by the end of 2017/18") == 1
    assert (
        "With none ticked, the appendix lists every indicator with a figure for Authority A by "
        "the end of 2017/18: 1 at present." in body
    )
    assert "checked" not in body.split('data-testid="indicator-choice"')[1]

    # Tick both: saved, and the composing page counts them.
    response = client.post(
        edit,
        {
            "title": appendix.title,
            "narrative": "",
            "indicators": [world.indicator.pk, unfilled.pk],
        },
    )
    assert response.status_code == 302
    assert set(appendix.indicators.all()) == {world.indicator, unfilled}
    assert "2 indicators chosen" in client.get(f"{base}/compose/").content.decode()
    body = client.get(edit).content.decode()
    assert body.split('data-testid="indicator-choice"')[1].count(" checked") == 2
    assert "2 are chosen now." in body

    # An id that is not an indicator: the error summary, what was ticked kept, nothing saved.
    response = client.post(
        edit, {"title": "Renamed", "narrative": "", "indicators": [world.indicator.pk, 987654]}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    assert "Choose indicators from the list: 987654 is not one" in body
    assert 'href="#id_indicators"' in body and 'id="id_indicators"' in body
    assert body.split('data-testid="indicator-choice"')[1].count(" checked") == 1
    appendix.refresh_from_db()
    assert appendix.title == "Appendix: data set"
    assert set(appendix.indicators.all()) == {world.indicator, unfilled}

    # None ticked clears the choice: the appendix lists every indicator with a figure again.
    client.post(edit, {"title": appendix.title, "narrative": ""})
    assert not appendix.indicators.exists()
    compose = client.get(f"{base}/compose/").content.decode()
    assert "None chosen: lists every indicator with a figure (1)" in compose


def test_an_indicator_set_says_what_it_shows_and_a_narrative_has_no_choice(
    world, pack, personas
) -> None:
    client = client_for(personas.officer_a)
    base = f"{BASE}/{pack.pk}"
    kpis = services.section_add(
        user=personas.officer_a, pack=pack, kind=SectionKind.INDICATOR_SET, title="KPIs"
    )
    assert "None chosen: shows every indicator with a figure (1)" in (
        client.get(f"{base}/compose/").content.decode()
    )
    body = client.get(f"{base}/sections/{kpis.pk}/").content.decode()
    assert "With none ticked, the section shows every indicator with a figure" in body
    client.post(
        f"{base}/sections/{kpis.pk}/",
        {"title": "KPIs", "narrative": "", "indicators": [world.indicator.pk]},
    )
    assert "1 indicator chosen" in client.get(f"{base}/compose/").content.decode()
    reading = client.get(f"{base}/").content.decode()
    assert "% assessments completed in time" in reading.split(">KPIs</h2>")[1]
    narrative = pack.sections.get(order=1)
    body = client.get(f"{base}/sections/{narrative.pk}/").content.decode()
    assert 'data-testid="indicator-choice"' not in body
    # Indicators posted for a narrative are not a field of its form: nothing changes.
    client.post(
        f"{base}/sections/{narrative.pk}/",
        {"title": narrative.title, "narrative": "", "indicators": [world.indicator.pk]},
    )
    assert not narrative.indicators.exists()


def test_a_section_in_review_keeps_its_indicators(world, pack, personas) -> None:
    client = client_for(personas.officer_a)
    appendix = pack.sections.get(kind=SectionKind.APPENDIX)
    services.pack_submit(user=personas.officer_a, pack=pack)
    response = client.post(
        f"{BASE}/{pack.pk}/sections/{appendix.pk}/",
        {"title": appendix.title, "narrative": "", "indicators": [world.indicator.pk]},
    )
    assert response.status_code == 400
    assert "only a draft can be changed" in response.content.decode()
    assert not appendix.indicators.exists()


# --- the reading view of seed 000 -------------------------------------------------------------


def member(username: str, role: str):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, authority=Area.objects.get(slug="wiltshire"), role=role)
    return user


@pytest.fixture
def wiltshire_pack(loaded_demo):
    commentary_rule_off()
    officer = member("wilts.officer", "officer")
    manager = member("wilts.manager", "manager")
    pack = services.pack_create(
        user=officer,
        authority=Area.objects.get(slug="wiltshire"),
        title="Performance & Outcomes for Families & Children's Services (Social Care)",
        committee="Children's Select Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )
    services.pack_submit(user=officer, pack=pack)
    services.pack_approve(user=manager, pack=pack)
    services.pack_publish(user=manager, pack=pack)
    return pack


def test_the_published_wiltshire_pack_reads_as_seed_000(
    wiltshire_pack, django_assert_max_num_queries
) -> None:
    councillor = client_for(member("wilts.cllr", "councillor"))
    url = f"/a/wiltshire/packs/{wiltshire_pack.pk}/"
    with django_assert_max_num_queries(15):
        response = councillor.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft: figures are live" not in body
    assert "87% (2017/18)" in body
    assert "90–95%" in body
    assert "83% (2016/17)" in body  # England, with its year
    assert 'href="#section-1"' in body and 'id="section-1"' in body
    assert "Revised since publication" not in body
    assert 'class="app-glossary"' in body
    assert 'data-testid="appendix"' in body
    # Charts are SVG drawn on the server (the same in the PDF): no chart script is loaded.
    assert '<svg class="app-line-chart__svg"' in body and "plotly" not in body

    # A correction after publication: the pack still shows 87%, and says what it is now.
    figure = Figure.objects.get(
        area__slug="wiltshire",
        indicator__code="ASMT-45",
        period=factories.financial_year(2017),
        breakdown=None,
    )
    values = (
        {"numerator": figure.denominator * Decimal("0.89"), "denominator": figure.denominator}
        if figure.denominator
        else {"value": Decimal("89")}
    )
    figure_set(
        user=User.objects.get(username="wilts.officer"),
        area=figure.area,
        indicator=figure.indicator,
        period=figure.period,
        is_provisional=True,
        status=figure.status,
        expected_version=figure.version,
        correction_reason="Late recording found",
        reason="Correction",
        **values,
    )
    body = councillor.get(url).content.decode()
    assert "87% (2017/18)" in body
    assert "Revised since publication: now 89%" in body
    assert "(changed on " in body


def test_theme_pages_exist_for_the_catalogue(wiltshire_pack) -> None:
    assert wiltshire_pack.sections.filter(kind=SectionKind.THEME_PAGE).count() == (
        Theme.objects.count()
    )
