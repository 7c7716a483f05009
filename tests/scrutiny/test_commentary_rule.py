"""Commentary where it matters (docs/0023): a pack does not go for review while an indicator it
shows is red or worsening with no commentary, unless an admin switched the rule off for its
template."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import Figure
from scrutiny import rules, services
from scrutiny.models import PackEvent, PackStatus, TemplateKind, TemplateRule

BASE = "/a/authority-a/packs"


def indicator(rag="green", travel="Improving", travel_year="", commentary="", latest=True):
    return {
        "code": "X1",
        "title": "An indicator",
        "rag": rag,
        "travel": travel,
        "travel_year": travel_year,
        "commentary": commentary,
        "latest": {"period": "2017/18", "figure_id": 7} if latest else None,
    }


@pytest.mark.parametrize(
    ("shown", "needs"),
    [
        (indicator(rag="red"), True),
        (indicator(travel="Worsening: down 3 percentage points from 90% (2016/17)"), True),
        (indicator(travel_year="Worsening: down 1 from 4 (2016)"), True),
        (indicator(rag="red", commentary="Two social workers left"), False),
        (indicator(rag="red", commentary="   "), True),
        (indicator(rag="amber", travel="No change: the same as 2016/17 (90%)"), False),
        (indicator(rag="red", latest=False), False),
    ],
)
def test_which_indicators_need_commentary(shown, needs) -> None:
    assert rules.needs_commentary(shown) is needs


@given(
    rag=st.sampled_from(["red", "amber", "green", "not_rated", ""]),
    travel=st.sampled_from(["Improving", "Worsening", "No change", "Up", "Down", ""]),
    commentary=st.text(max_size=5),
)
def test_the_rule_is_red_or_worsening_without_commentary(rag, travel, commentary) -> None:
    shown = indicator(rag=rag, travel=travel, commentary=commentary)
    expected = not commentary.strip() and (rag == "red" or travel == "Worsening")
    assert rules.needs_commentary(shown) is expected


def test_each_indicator_is_listed_once_from_the_sections_that_rate_it() -> None:
    contents = [
        {"kind": "theme_page", "title": "Assessments", "indicators": [indicator(rag="red")]},
        {"kind": "indicator_set", "title": "KPIs", "indicators": [indicator(rag="red")]},
        {"kind": "appendix", "title": "Appendix", "rows": [{"rag": "red"}]},
    ]
    [missing] = rules.exceptions_without_commentary(contents)
    assert (missing.code, missing.section, missing.why) == ("X1", "Assessments", "rated red")


with_db = pytest.mark.django_db


def take_commentary_away(world) -> None:
    Figure.objects.filter(area=world.authority_a, indicator=world.indicator).update(commentary="")


@with_db
def test_submitting_is_refused_with_the_indicators_and_nothing_is_written(
    world, pack, personas
) -> None:
    take_commentary_away(world)
    events = PackEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.pack_submit(user=personas.officer_a, pack=pack)
    assert "% assessments completed in time (ASMT-T, rated red and getting worse)" in str(
        refused.value
    )
    pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT and PackEvent.objects.count() == events
    # With commentary on the figure, it goes.
    Figure.objects.filter(area=world.authority_a, indicator=world.indicator).update(
        commentary="Two social workers left in the autumn."
    )
    services.pack_submit(user=personas.officer_a, pack=pack)
    pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW


@with_db
def test_the_rule_is_per_template(world, pack, personas) -> None:
    take_commentary_away(world)
    TemplateRule.objects.create(
        template=TemplateKind.SCRUTINY_PACK, require_commentary_on_exceptions=False
    )
    with pytest.raises(ValidationError, match="no commentary"):
        services.pack_submit(user=personas.officer_a, pack=pack)  # an annual report: still on
    TemplateRule.objects.create(
        template=TemplateKind.ANNUAL_REPORT, require_commentary_on_exceptions=False
    )
    services.pack_submit(user=personas.officer_a, pack=pack)
    pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@with_db
def test_the_submit_page_lists_them_with_links_to_the_entry_page(world, pack, personas) -> None:
    take_commentary_away(world)
    figure = Figure.objects.get(
        area=world.authority_a, indicator=world.indicator, period__start__year=2017
    )
    client = client_for(personas.officer_a)
    response = client.post(f"{BASE}/{pack.pk}/submit/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'data-testid="missing-commentary"' in body
    assert f'href="/a/authority-a/entry/{figure.period.url_key}/#indicator-ASMT-T"' in body
    assert "Rated red and getting worse" in body
    # Asked for with GET, the same list, and no button while it is there.
    page = client.get(f"{BASE}/{pack.pk}/submit/").content.decode()
    assert "#indicator-ASMT-T" in page and "Submit for review</button>" not in page
    pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT


@with_db
def test_the_submit_page_says_when_nothing_stops_it(pack, personas) -> None:
    client = client_for(personas.officer_a)
    page = client.get(f"{BASE}/{pack.pk}/submit/").content.decode()
    assert "Every indicator in the pack that is rated red or getting worse has commentary" in page
    response = client.post(f"{BASE}/{pack.pk}/submit/")
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW


@with_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 200),
        ("admin", 200),
        ("manager_a", 403),
        ("councillor_a", 403),
        ("officer_b", 403),
    ],
)
def test_who_may_open_the_submit_page(pack, personas, persona, status) -> None:
    user = personas.all()[persona]
    assert client_for(user).get(f"{BASE}/{pack.pk}/submit/").status_code == status
    assert (client_for(user).post(f"{BASE}/{pack.pk}/submit/").status_code == 302) is (
        status == 200
    )


@with_db
def test_signed_out_the_submit_page_asks_to_sign_in(pack) -> None:
    response = Client().get(f"{BASE}/{pack.pk}/submit/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


@with_db
def test_only_admins_change_the_rule_in_admin(personas) -> None:
    add = "/admin/scrutiny/templaterule/add/"
    data = {"template": TemplateKind.SCRUTINY_PACK}  # the box left unticked: off
    for persona in ("officer_a", "manager_a", "councillor_a", "officer_b"):
        response = client_for(personas.all()[persona]).post(add, data)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not TemplateRule.objects.exists()
    assert client_for(personas.admin).post(add, data).status_code == 302
    rule = TemplateRule.objects.get()
    assert rule.template == TemplateKind.SCRUTINY_PACK
    assert rule.require_commentary_on_exceptions is False
    assert rules.requires_commentary(TemplateKind.SCRUTINY_PACK) is False
    assert rules.requires_commentary(TemplateKind.ANNUAL_REPORT) is True
