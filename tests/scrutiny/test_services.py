"""Composing a pack, its workflow, and freezing at publication."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.models import RedactionState
from indicators.models import Figure, Theme
from indicators.services import figure_set
from scrutiny import blueprints, services
from scrutiny.content import pack_content
from scrutiny.models import Pack, PackEvent, PackSection, PackStatus, SectionKind, TemplateKind
from scrutiny.selectors import published_content
from tests import factories
from tests.complaints.factories import ComplimentFactory
from tests.scrutiny.conftest import explain_exceptions

pytestmark = pytest.mark.django_db


def orders(pack: Pack) -> list[tuple[int, str]]:
    return list(pack.sections.order_by("order").values_list("order", "title"))


def titles(pack: Pack) -> list[str]:
    return [title for _, title in orders(pack)]


def publish(pack: Pack, personas) -> Pack:
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)
    services.pack_publish(user=personas.manager_a, pack=pack)
    # The services lock and re-read the pack: the caller's instance is refreshed by hand.
    pack.refresh_from_db()
    return pack


def test_each_template_creates_its_default_sections(world, personas) -> None:
    factories.ThemeFactory(name="Children in need", slug="cin", order=2)
    for template, second, last in (
        (TemplateKind.ANNUAL_REPORT, "Introduction", "Glossary"),
        (TemplateKind.SCRUTINY_PACK, "Summary", "Glossary"),
        (TemplateKind.IMPROVEMENT_UPDATE, "Recommendation", "Glossary"),
    ):
        pack = services.pack_create(
            user=personas.officer_a,
            authority=world.authority_a,
            title=str(template.label),
            committee="Scrutiny",
            meeting_date=date(2018, 6, 19),
            period=factories.financial_year(2017),
            template=template,
        )
        assert pack.status == PackStatus.DRAFT
        names = titles(pack)
        # Every pack opens with its scorecard (issue 16), then the template's own sections.
        assert names[:2] == ["Scorecard", second] and names[-1] == last
        assert pack.sections.get(order=1).kind == SectionKind.SCORECARD
        assert [o for o, _ in orders(pack)] == list(range(1, len(names) + 1))
        kinds = set(pack.sections.values_list("kind", flat=True))
        if template != TemplateKind.IMPROVEMENT_UPDATE:
            # A page per theme of the catalogue.
            assert (
                pack.sections.filter(kind=SectionKind.THEME_PAGE).count() == Theme.objects.count()
            )
        if template == TemplateKind.ANNUAL_REPORT:
            assert {SectionKind.QUALITY_ASSURANCE, SectionKind.VOICE, SectionKind.APPENDIX} <= kinds
        if template == TemplateKind.IMPROVEMENT_UPDATE:
            assert {SectionKind.INSPECTIONS, SectionKind.INDICATOR_SET} <= kinds
            assert "Areas for development" in names
        event = pack.events.get()
        assert (event.from_status, event.to_status, event.by) == ("", "draft", personas.officer_a)


def test_sections_are_added_moved_and_removed_keeping_orders_contiguous(pack, personas) -> None:
    officer = personas.officer_a
    added = services.section_add(user=officer, pack=pack, kind=SectionKind.NARRATIVE, title="Extra")
    count = pack.sections.count()
    assert added.order == count
    services.section_move(user=officer, section=added, direction="up")
    assert titles(pack)[-2] == "Extra"
    first = pack.sections.get(order=1)
    with pytest.raises(ValidationError, match="already the first section"):
        services.section_move(user=officer, section=first, direction="up")
    services.section_move(user=officer, section=first, direction="down")
    assert titles(pack)[1] == first.title
    services.section_remove(user=officer, section=first)
    assert [o for o, _ in orders(pack)] == list(range(1, count))
    assert first.title not in titles(pack)


def test_a_theme_page_needs_a_theme(pack, personas) -> None:
    with pytest.raises(ValidationError, match="theme"):
        services.section_add(user=personas.officer_a, pack=pack, kind=SectionKind.THEME_PAGE)


def test_section_edit_stores_markdown_and_content_renders_it_sanitised(pack, personas) -> None:
    section = pack.sections.get(order=1)
    text = "## Purpose\n\nThe **report**. <script>alert(1)</script> [x](javascript:alert(1))"
    services.section_edit(user=personas.officer_a, section=section, title="Purpose", narrative=text)
    section.refresh_from_db()
    assert section.narrative == text and section.title == "Purpose"
    content = pack_content(pack, user=personas.officer_a)[0]
    assert "<strong>report</strong>" in content["narrative_html"]
    assert "<script" not in content["narrative_html"]
    assert "javascript" not in content["narrative_html"].split("&lt;script")[0]


def test_the_whole_workflow_records_every_step(pack, personas) -> None:
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_return(user=personas.manager_a, pack=pack, comment="Add the CIN narrative")
    services.pack_submit(user=personas.officer_a, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack, comment="Fine")
    services.pack_publish(user=personas.manager_a, pack=pack)
    pack.refresh_from_db()
    assert pack.status == PackStatus.PUBLISHED and pack.published_at is not None
    steps = list(
        PackEvent.objects.filter(pack=pack).values_list("from_status", "to_status", "by__username")
    )
    assert steps == [
        ("", "draft", "officer_a"),
        ("draft", "in_review", "officer_a"),
        ("in_review", "draft", "manager_a"),
        ("draft", "in_review", "officer_a"),
        ("in_review", "approved", "manager_a"),
        ("approved", "published", "manager_a"),
    ]
    assert PackEvent.objects.get(pack=pack, to_status="draft", from_status="in_review").comment == (
        "Add the CIN narrative"
    )


@pytest.mark.parametrize(
    ("step", "status", "message"),
    [
        ("approve", PackStatus.DRAFT, "only a pack that is in review can"),
        ("return", PackStatus.DRAFT, "only a pack that is in review can"),
        ("publish", PackStatus.DRAFT, "only an approved pack can"),
        ("publish", PackStatus.IN_REVIEW, "only an approved pack can"),
        ("submit", PackStatus.IN_REVIEW, "only a pack that is draft can"),
        ("approve", PackStatus.APPROVED, "only a pack that is in review can"),
        ("submit", PackStatus.PUBLISHED, "only a pack that is draft can"),
        ("publish", PackStatus.PUBLISHED, "only an approved pack can"),
    ],
)
def test_a_step_out_of_order_is_refused_and_writes_nothing(
    pack, personas, step, status, message
) -> None:
    Pack.objects.filter(pk=pack.pk).update(
        status=status,
        published_at=pack.created_at if status == PackStatus.PUBLISHED else None,
    )
    events = PackEvent.objects.count()
    call = {
        "approve": lambda: services.pack_approve(user=personas.manager_a, pack=pack),
        "return": lambda: services.pack_return(user=personas.manager_a, pack=pack, comment="x"),
        "publish": lambda: services.pack_publish(user=personas.manager_a, pack=pack),
        "submit": lambda: services.pack_submit(user=personas.officer_a, pack=pack),
    }[step]
    with pytest.raises(ValidationError, match=message):
        call()
    assert PackEvent.objects.count() == events
    pack.refresh_from_db()
    assert pack.status == status


def test_returning_needs_a_comment(pack, personas) -> None:
    services.pack_submit(user=personas.officer_a, pack=pack)
    with pytest.raises(ValidationError, match="what needs to change"):
        services.pack_return(user=personas.manager_a, pack=pack, comment=" ")


def test_only_a_draft_can_be_edited(pack, personas) -> None:
    services.pack_submit(user=personas.officer_a, pack=pack)
    section = pack.sections.first()
    for change in (
        lambda: services.section_edit(user=personas.officer_a, section=section, title="New"),
        lambda: services.section_add(user=personas.officer_a, pack=pack, kind="narrative"),
        lambda: services.section_remove(user=personas.officer_a, section=section),
        lambda: services.section_move(user=personas.officer_a, section=section, direction="down"),
    ):
        with pytest.raises(ValidationError, match="only a draft can be changed"):
            change()


def test_who_may_take_each_step(pack, personas) -> None:
    with pytest.raises(PermissionDenied):
        services.pack_submit(user=personas.officer_b, pack=pack)
    with pytest.raises(PermissionDenied):
        services.pack_submit(user=personas.councillor_a, pack=pack)
    services.pack_submit(user=personas.officer_a, pack=pack)
    with pytest.raises(PermissionDenied):
        services.pack_approve(user=personas.officer_a, pack=pack)  # officers do not approve
    services.pack_approve(user=personas.manager_a, pack=pack)
    with pytest.raises(PermissionDenied):
        services.pack_publish(user=personas.officer_a, pack=pack)


def test_whoever_created_a_pack_may_not_approve_it(world, personas) -> None:
    explain_exceptions(world)
    pack = services.pack_create(
        user=personas.admin,
        authority=world.authority_a,
        title="Admin's pack",
        committee="Scrutiny",
        meeting_date=date(2018, 6, 19),
        period=factories.financial_year(2017),
        template=TemplateKind.SCRUTINY_PACK,
    )
    services.pack_submit(user=personas.admin, pack=pack)
    with pytest.raises(PermissionDenied, match="someone else"):
        services.pack_approve(user=personas.admin, pack=pack)
    services.pack_approve(user=personas.manager_a, pack=pack)


def _appendix(contents: list[dict]) -> dict:
    return next(c for c in contents if c["kind"] == SectionKind.APPENDIX)


def test_publishing_freezes_and_a_later_correction_shows_as_revised(world, pack, personas) -> None:
    publish(pack, personas)
    frozen = _appendix(published_content(pack))
    row = next(r for r in frozen["rows"] if r["code"] == "ASMT-T")
    assert row["current"]["text"] == "87%" and row["current"]["period"] == "2017/18"
    assert [p["text"] for p in row["prior"]] == ["80%", "90%"]
    assert row["national"]["text"] == "83%" and row["national"]["period"] == "2016/17"
    assert row["target"] == "90–95%"
    assert "revision" not in row["current"]

    figure = Figure.objects.get(area=world.authority_a, indicator=world.indicator, value=87)
    figure_set(
        user=personas.officer_a,
        area=world.authority_a,
        indicator=world.indicator,
        period=figure.period,
        value=Decimal(88),
        status="approved",
        correction_reason="Late audit returns",
        reason="Correction",
    )
    again = _appendix(published_content(pack))
    row = next(r for r in again["rows"] if r["code"] == "ASMT-T")
    assert row["current"]["text"] == "87%"  # the frozen value stays
    assert row["current"]["revision"]["note"] == "revised since publication"
    assert row["current"]["revision"]["text"] == "88%"
    assert row["current"]["revision"]["at"]
    # The stored frozen content is unchanged.
    section = PackSection.objects.get(pack=pack, kind=SectionKind.APPENDIX)
    assert "revision" not in str(section.frozen)


def test_the_voice_section_shows_cleared_quotes_only(world, pack, personas) -> None:
    from django.utils import timezone

    ComplimentFactory(
        authority=world.authority_a,
        text="Thank you Jane Smith",
        redacted_text="Thank you XXXX",
        redaction_state=RedactionState.CLEARED,
        cleared_at=timezone.now(),
    )
    ComplimentFactory(authority=world.authority_a, text="Thanks to Bob Jones, uncleared")
    publish(pack, personas)
    voice = next(c for c in published_content(pack) if c["kind"] == SectionKind.VOICE)["voice"]
    assert [q["text"] for q in voice["quotes"]] == ["Thank you XXXX"]
    assert "Bob Jones" not in str(voice) and "Jane Smith" not in str(voice)
    assert voice["compliments"] == 2


def test_the_glossary_lists_what_the_pack_uses(pack, personas) -> None:
    section = pack.sections.get(order=1)
    services.section_edit(
        user=personas.officer_a, section=section, narrative="Fewer CIN cases; ICPC on time."
    )
    glossary = next(
        c for c in pack_content(pack, user=personas.officer_a) if c["kind"] == "glossary"
    )
    found = {term["abbreviation"] for term in glossary["terms"]}
    assert {"CIN", "ICPC"} <= found
    assert "LADO" not in found


def test_blueprints_name_only_known_kinds() -> None:
    for specs in blueprints.BLUEPRINTS.values():
        for spec in specs:
            assert spec.kind in SectionKind.values


# --- the indicators of an indicator set or the appendix ---------------------------------------


def _shown(pack: Pack, personas, kind: str) -> list[str]:
    content = next(c for c in pack_content(pack, user=personas.officer_a) if c["kind"] == kind)
    items = content["rows"] if kind == SectionKind.APPENDIX else content["indicators"]
    return [item["code"] for item in items]


def test_choosing_the_indicators_of_a_set_and_the_appendix(world, pack, personas) -> None:
    other = factories.IndicatorFactory(code="CIN-RATE", title="Children in need rate")
    factories.figure(world.authority_a, other, factories.financial_year(2017), "300")
    later = factories.IndicatorFactory(code="LATE", title="Only after the period")
    factories.figure(world.authority_a, later, factories.financial_year(2018), "5")
    kpis = services.section_add(
        user=personas.officer_a, pack=pack, kind=SectionKind.INDICATOR_SET, title="KPIs"
    )
    appendix = pack.sections.get(kind=SectionKind.APPENDIX)
    # None chosen: both show every indicator with a figure by the period's end (not LATE).
    assert set(_shown(pack, personas, SectionKind.INDICATOR_SET)) == {"ASMT-T", "CIN-RATE"}
    assert set(_shown(pack, personas, SectionKind.APPENDIX)) == {"ASMT-T", "CIN-RATE"}

    # By the indicators themselves, or by their ids (as a page posts them).
    services.section_edit(user=personas.officer_a, section=kpis, indicators=[other.pk])
    services.section_edit(user=personas.officer_a, section=appendix, indicators=[world.indicator])
    assert list(kpis.indicators.all()) == [other]
    assert _shown(pack, personas, SectionKind.INDICATOR_SET) == ["CIN-RATE"]
    assert _shown(pack, personas, SectionKind.APPENDIX) == ["ASMT-T"]
    # One chosen with no figure by the period's end is not shown; an empty list clears.
    services.section_edit(user=personas.officer_a, section=kpis, indicators=[other.pk, later.pk])
    assert _shown(pack, personas, SectionKind.INDICATOR_SET) == ["CIN-RATE"]
    services.section_edit(user=personas.officer_a, section=kpis, indicators=[])
    assert not kpis.indicators.exists()
    # Left as None, the choice is left alone.
    services.section_edit(user=personas.officer_a, section=appendix, title="Data")
    assert list(appendix.indicators.values_list("code", flat=True)) == ["ASMT-T"]


@pytest.mark.parametrize("bad", [987654, "12", None, True])
def test_an_id_that_is_not_an_indicator_is_refused_and_nothing_is_written(
    world, pack, personas, bad
) -> None:
    appendix = pack.sections.get(kind=SectionKind.APPENDIX)
    services.section_edit(user=personas.officer_a, section=appendix, indicators=[world.indicator])
    with pytest.raises(ValidationError, match="nothing was saved"):
        services.section_edit(
            user=personas.officer_a,
            section=appendix,
            title="Renamed",
            indicators=[world.indicator.pk, bad],
        )
    appendix.refresh_from_db()
    assert appendix.title == "Appendix: data set"
    assert list(appendix.indicators.all()) == [world.indicator]


def test_only_an_indicator_set_or_the_appendix_lists_indicators(world, pack, personas) -> None:
    narrative = pack.sections.get(order=1)
    with pytest.raises(ValidationError, match="Only an indicator set or an appendix"):
        services.section_edit(
            user=personas.officer_a, section=narrative, indicators=[world.indicator]
        )
    with pytest.raises(ValidationError, match="Only an indicator set or an appendix"):
        services.section_add(
            user=personas.officer_a,
            pack=pack,
            kind=SectionKind.NARRATIVE,
            indicators=[world.indicator],
        )
    assert not narrative.indicators.exists()


def test_only_a_draft_changes_its_indicators(world, pack, personas) -> None:
    appendix = pack.sections.get(kind=SectionKind.APPENDIX)
    services.pack_submit(user=personas.officer_a, pack=pack)
    with pytest.raises(ValidationError, match="only a draft can be changed"):
        services.section_edit(
            user=personas.officer_a, section=appendix, indicators=[world.indicator]
        )
    with pytest.raises(PermissionDenied):
        services.section_edit(user=personas.manager_a, section=appendix, indicators=[])
    assert not appendix.indicators.exists()
