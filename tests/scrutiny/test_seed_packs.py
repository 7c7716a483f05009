"""Packs built from the demo data hold the figures the seeds quote."""

import html
from datetime import date

import pytest

from audits.demo import audits_demo_load
from indicators.models import Area, Indicator, Period
from scrutiny import services
from scrutiny.content import pack_content
from scrutiny.models import PackStatus, SectionKind, TemplateKind
from scrutiny.selectors import published_content
from tests import factories
from tests.scrutiny.conftest import commentary_rule_off

pytestmark = pytest.mark.django_db


def member(username: str, slug: str, role: str):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, authority=Area.objects.get(slug=slug), role=role)
    return user


@pytest.fixture
def demo(loaded_demo) -> None:
    """The demo data as `demo_load` leaves it (recorded once per test process)."""
    commentary_rule_off()


def indicators_in(contents: list[dict]) -> dict[str, dict]:
    return {
        item["code"]: item
        for content in contents
        if content["kind"] in (SectionKind.THEME_PAGE, SectionKind.INDICATOR_SET)
        for item in content["indicators"]
    }


def test_seed_000_wiltshire_annual_report(demo) -> None:
    officer = member("wilts.officer", "wiltshire", "officer")
    manager = member("wilts.manager", "wiltshire", "manager")
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
    pack.refresh_from_db()
    assert pack.status == PackStatus.PUBLISHED
    contents = published_content(pack)
    shown = indicators_in(contents)
    assessments = shown["ASMT-45"]
    # Paragraph 17: 87% within 45 working days (SN 80%, Eng 83%); 2017/18 is provisional.
    assert assessments["latest"]["text"] == "87%"
    assert assessments["latest"]["period"] == "2017/18"
    assert assessments["latest"]["provisional"] is True
    assert assessments["target"] == "90–95%"
    cells = {cell["kind"]: cell for cell in assessments["comparators"]}
    assert cells["nation"]["text"] == "83%" and cells["nation"]["period"] == "2016/17"
    assert cells["neighbours"]["text"] == "80%"
    assert "Worsening" in assessments["travel"]
    # Paragraph 18: ICPCs within 15 days, 90% (SN 73%, Eng 77%).
    icpc = shown["ICPC-15"]
    assert icpc["latest"]["text"] == "90%"
    # Paragraph 19: second plans 20% (SN 23%, Eng 19%).
    second = shown["CPP-2ND"]
    assert second["latest"]["text"] == "20%"
    appendix = next(c for c in contents if c["kind"] == SectionKind.APPENDIX)
    row = next(r for r in appendix["rows"] if r["code"] == "ASMT-45")
    assert [p["text"] for p in row["prior"]] == ["80%", "90%"]
    assert row["current"]["text"] == "87%" and row["current"]["provisional"]
    assert row["national"]["text"] == "83%" and row["neighbours"]["text"] == "80%"
    glossary = next(c for c in contents if c["kind"] == SectionKind.GLOSSARY)
    assert {"CIN", "CP", "EET"} <= {t["abbreviation"] for t in glossary["terms"]}


def test_seed_002_devon_monthly_scrutiny_pack(demo) -> None:
    officer = member("devon.officer", "devon", "officer")
    september = Period.objects.get(kind="month", start=date(2021, 9, 1))
    pack = services.pack_create(
        user=officer,
        authority=Area.objects.get(slug="devon"),
        title="Children's Social Care Performance",
        committee="Children's Scrutiny Committee",
        meeting_date=date(2021, 11, 9),
        period=september,
        template=TemplateKind.SCRUTINY_PACK,
    )
    contents = pack_content(pack, user=officer)
    shown = indicators_in(contents)
    cin = next(
        v for v in shown.values() if v["title"] == "Children on child in need plans at month end"
    )
    # Page "Children in Need": 686 children on a CIN plan in the current month, and the trend.
    assert cin["latest"]["text"] == "686" and cin["latest"]["period"] == "September 2021"
    assert cin["trend"][0]["text"] == "650" and cin["trend"][0]["period"] == "October 2020"
    assert cin["latest"]["figure_id"] and cin["latest"]["version"] >= 1
    assert cin["definition"]
    assert any(
        c["kind"] == SectionKind.THEME_PAGE and c["theme"] == "Children in need" for c in contents
    )


def test_seed_004_worcestershire_improvement_update(demo, client) -> None:
    """Cabinet, 12 July 2018: the inspection and monitoring visits, the Service Improvement
    Plan 2018/19, and the key performance indicators of paragraph 5, as a councillor reads
    the published pack."""
    audits_demo_load()  # the inspections and plan (audits/demo_data/quality.json)
    officer = member("worcs.officer", "worcestershire", "officer")
    manager = member("worcs.manager", "worcestershire", "manager")
    pack = services.pack_create(
        user=officer,
        authority=Area.objects.get(slug="worcestershire"),
        title="Children's Social Care Services Improvement Plan",
        committee="Cabinet",
        meeting_date=date(2018, 7, 12),
        period=Period.objects.get(kind="quarter", start=date(2018, 1, 1)),
        template=TemplateKind.IMPROVEMENT_UPDATE,
    )
    kpis = pack.sections.get(kind=SectionKind.INDICATOR_SET)
    paragraph_5 = ["REF-COUNT", "CLA-ENTRY", "CLA-LEAVE-12M", "ASMT-45", "CPP-RATE"]
    services.section_edit(
        user=officer,
        section=kpis,
        indicators=list(Indicator.objects.filter(code__in=paragraph_5)),
    )
    services.pack_submit(user=officer, pack=pack)
    services.pack_approve(user=manager, pack=pack)
    services.pack_publish(user=manager, pack=pack)

    client.force_login(member("worcs.cllr", "worcestershire", "councillor"))
    response = client.get(f"/a/worcestershire/packs/{pack.pk}/")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Draft: figures are live" not in body
    sections = {}
    for title in (
        "Recommendation",
        "Inspection history",
        "Progress against priorities",
        "Areas for development",
        "Key performance indicators",
        "Glossary",
    ):
        assert f">{title}</h2>" in body
        sections[title] = body.split(f">{title}</h2>")[1].split("</section>")[0]

    # Paragraph 2: the full inspection and the four monitoring visits, oldest first, with
    # their headlines; the April 2018 visit came after the quarter but before the meeting.
    history = sections["Inspection history"]
    visits = [
        ("Inspection (October 2016)", "Full Safeguarding Inspection of Children's Services"),
        ("Monitoring visit (May 2017)", "Improvement Plan is not yet resulting in progress"),
        ("Monitoring visit (September 2017)", "noted achievement of some tangible improvements"),
        ("Monitoring visit (January 2018)", "Family Front Door and Children in Care Proceedings"),
        ("Monitoring visit (April 2018)", "Corporate Parenting is now a strength"),
    ]
    places = []
    for heading, words in visits:
        assert f"Ofsted: {heading}" in history
        assert words in history
        places.append(history.index(f"Ofsted: {heading}"))
    assert places == sorted(places)
    assert "widespread and serious failures" in history
    # Paragraph 7's focus for the next 12 months, and an area for development of paragraph 4.
    assert "Service Improvement Plan 2018/19" in history
    for priority in (
        "Supporting and developing our workforce",
        "Promoting social care best practice",
        "Building our quality assurance processes",
        "Listening to the voice of the child",
        "Enhancing our multi-agency partnerships",
        "Delivering effective Through Care",
    ):
        assert f"<strong>{priority}</strong>" in history
    assert "Introduce a new moderated audit process, with a second auditor" in history

    # Paragraph 5's key performance indicators, each with its own period.
    kpi = sections["Key performance indicators"]
    for code in paragraph_5:
        assert code in kpi
    assert "85% (Q4 2017/18)" in kpi  # assessments on time in Q4...
    assert "up 19 percentage points from 66% (Q1 2017/18)" in kpi  # ...from 66% in Q1
    assert "770 (Q4 2017/18)" in kpi and "from 1,000 (Q1 2017/18)" in kpi  # referrals
    assert "269 (2017/18)" in kpi and "down 53 from 322 (2016/17)" in kpi  # into care
    assert "48% (2017/18)" in kpi and "from 35% (2016/17)" in kpi  # left within 12 months
    assert "36 (Q4 2017/18)" in kpi  # CP plans per 10,000
    assert "Ofsted" in sections["Glossary"]
