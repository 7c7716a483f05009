"""The appendix and the scorecard head their national column with the authority's own nation
and leave out a comparator column no row has a figure in (issue 17: "England or Wales" and an
always-empty "Statistical neighbours" column)."""

from datetime import date

import pytest
from django.test import Client

from accounts.models import Role
from indicators.models import AreaKind, Comparator, ComparatorKind, Nation, NeighbourSet
from scrutiny import services
from scrutiny.content import pack_content
from scrutiny.models import Pack, SectionKind, TemplateKind
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def table_of(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</table>", start)]


def heads(table: str) -> list[str]:
    head = table[: table.index("</thead>")]
    return [part.split("<", 1)[0] for part in head.split('class="govuk-table__header">')[1:]]


def content_of(pack: Pack, user, kind: str) -> dict:
    return next(c for c in pack_content(pack, user=user) if c["kind"] == kind)


@pytest.fixture
def welsh(world):
    """Cardiff, a Welsh authority compared with Wales, its officer and a draft pack."""
    wales = factories.AreaFactory(
        name="Wales", slug="wales", kind=AreaKind.NATION, nation=Nation.WALES, ons_code="W92000004"
    )
    cardiff = factories.AreaFactory(
        name="Cardiff", slug="cardiff", nation=Nation.WALES, ons_code="W06000015"
    )
    for year, value in ((2015, "70"), (2016, "75"), (2017, "78")):
        factories.figure(cardiff, world.indicator, factories.financial_year(year), value)
    factories.comparator(cardiff, wales, ComparatorKind.NATION, "Wales", 1)
    factories.figure(wales, world.indicator, factories.financial_year(2016), "81")
    officer = factories.UserFactory(username="officer_cardiff")
    factories.MembershipFactory(user=officer, authority=cardiff, role=Role.OFFICER)
    pack = services.pack_create(
        user=officer,
        authority=cardiff,
        title="Half-year report 2017/18",
        committee="Children and Young People Scrutiny Committee",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.ANNUAL_REPORT,
    )
    return pack, officer


def test_an_english_authoritys_appendix_heads_its_national_column_england(
    world, pack, personas
) -> None:
    appendix = content_of(pack, personas.officer_a, SectionKind.APPENDIX)
    assert appendix["nation"] == "England"
    body = client_for(personas.officer_a).get(f"/a/authority-a/packs/{pack.pk}/").content.decode()
    table = table_of(body, "appendix")
    # No neighbours' figure for any row: no neighbours column.
    assert heads(table) == [
        "Indicator",
        "Prior periods",
        "Current",
        "Target",
        "England",
        "Direction of travel",
    ]
    assert "83% (2016/17)" in table
    assert "England or Wales" not in body and "Statistical neighbours" not in body


def test_a_welsh_authoritys_appendix_and_scorecard_head_their_national_column_wales(
    welsh,
) -> None:
    pack, officer = welsh
    assert content_of(pack, officer, SectionKind.APPENDIX)["nation"] == "Wales"
    body = client_for(officer).get(f"/a/cardiff/packs/{pack.pk}/").content.decode()
    appendix = table_of(body, "appendix")
    assert "Wales" in heads(appendix) and "England" not in heads(appendix)
    assert "81% (2016/17)" in appendix
    scorecard = table_of(body, "scorecard")
    assert "Wales" in heads(scorecard) and "England" not in scorecard
    assert "England" not in body[body.index('data-testid="scorecard-key"') :].split("</ul>")[0]


def test_the_neighbours_column_is_shown_when_a_row_has_their_figure(world, pack, personas) -> None:
    neighbours = factories.AreaFactory(
        name="Authority A's neighbours", slug="a-neighbours", kind=AreaKind.GROUP
    )
    factories.figure(neighbours, world.indicator, factories.financial_year(2016), "85")
    Comparator.objects.create(
        authority=world.authority_a,
        area=neighbours,
        kind=ComparatorKind.NEIGHBOURS,
        neighbour_set=NeighbourSet.objects.create(name="DfE 2021", published_on=date(2021, 6, 1)),
        label="Statistical neighbours",
        order=2,
    )
    body = client_for(personas.officer_a).get(f"/a/authority-a/packs/{pack.pk}/").content.decode()
    table = table_of(body, "appendix")
    assert heads(table)[4:6] == ["England", "Statistical neighbours"]
    assert "85% (2016/17)" in table
