"""Issue 18 on the pages, the dashboards and the packs: a comparator's value for a period is
the newest there is, and says which it is; the good or outstanding authorities are those
Ofsted judged so as at the period; figures show at the precision they were published, and
their history at the precision stored."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from indicators import figure_context
from indicators.dashboards import dashboard_rebuild
from indicators.good_authorities import good_authorities, good_or_outstanding_as_at
from indicators.inspection_models import InspectionJudgement
from indicators.models import (
    AreaKind,
    ChangeChannel,
    Comparator,
    ComparatorKind,
    DashboardSnapshot,
    Figure,
    FigureChange,
    Indicator,
)
from tests import factories
from tests.conftest import Personas, World
from tests.indicators.test_pages import text_of, trend_table


def judged(area, published: date, overall: str) -> InspectionJudgement:
    return InspectionJudgement.objects.create(
        authority=area,
        inspected_on=published,
        published_on=published,
        inspection_type="ILACS",
        overall=overall,
    )


def published_precisely(world: World) -> None:
    """Authority A's figures as the DfE publishes Wiltshire's re-referrals: 19.1, 18.8, 17.5,
    and a correction of 2016/17 from 19.0 to 18.8."""
    for start, value in ((2015, "19.1"), (2016, "18.8"), (2017, "17.5")):
        Figure.objects.filter(
            area=world.authority_a, indicator=world.indicator, period__start__year=start
        ).update(value=Decimal(value), published_decimals=1, source="published")
    FigureChange.objects.create(
        figure=Figure.objects.get(
            area=world.authority_a, indicator=world.indicator, period__start__year=2016
        ),
        channel=ChangeChannel.IMPORT,
        old_value=Decimal("19.0000"),
        new_value=Decimal("18.8000"),
        reason="Revised by the publication",
    )


def good_comparator(world: World) -> list:
    """A good-authority comparator for A over a hand-kept group of one (ignored once any
    judgement is held), and three authorities with 2017/18 figures: Goodshire good since 2016,
    Bestshire outstanding from May 2017, Poorshire inadequate. An entered 22 for the group's
    own area stands for 2015/16."""
    group = factories.AreaFactory(name="Good authorities", slug="good", kind=AreaKind.GROUP)
    good, best, poor = (
        factories.AreaFactory(name=name, slug=name.lower())
        for name in ("Goodshire", "Bestshire", "Poorshire")
    )
    group.members.set([poor])
    Comparator.objects.create(
        authority=world.authority_a, kind=ComparatorKind.GOOD, area=group, label="Good", order=2
    )
    year = factories.financial_year(2017)
    for area, value in ((good, "60.4"), (best, "70.2"), (poor, "10")):
        factories.figure(
            area, world.indicator, year, value, source="published", published_decimals=1
        )
    factories.figure(group, world.indicator, factories.financial_year(2015), "22")
    judged(good, date(2016, 3, 1), "good")
    judged(best, date(2017, 5, 1), "outstanding")
    judged(poor, date(2016, 9, 1), "inadequate")
    return [good, best, poor]


@pytest.mark.django_db
def test_the_page_shows_published_precision_and_history_at_the_stored_precision(
    world: World, personas: Personas
) -> None:
    published_precisely(world)
    client = Client()
    client.force_login(personas.officer_a)
    html = client.get("/a/authority-a/indicators/ASMT-T/").content.decode()
    table = trend_table(html)
    assert "2015/16 19.1%" in table and "2016/17 18.8%" in table and "2017/18 17.5%" in table
    assert "19%" not in table.replace("19.1%", "")
    history = text_of(html.split('data-testid="history-table"')[1].split("</table>")[0])
    # Was 19.0% (as stored: 19.0000), now 18.8%: not "19%" and "19%".
    assert "19.0%" in history and "18.8%" in history
    assert "19% " not in history


@pytest.mark.django_db
def test_the_good_authorities_mean_is_of_those_ofsted_judged_good_as_at_the_period(
    world: World, personas: Personas
) -> None:
    good_comparator(world)
    client = Client()
    client.force_login(personas.officer_a)
    table = trend_table(client.get("/a/authority-a/indicators/ASMT-T/").content.decode())
    # 2017/18: Goodshire and Bestshire as at 31 March 2018, to the inputs' one decimal.
    assert (
        "65.3% (2017/18, mean of 2 good or outstanding authorities "
        "(Ofsted judgements as at 31 March 2018))"
    ) in table
    # 2015/16: the group's own entered figure; and it stands for 2016/17, which has no mean.
    assert "22% (2015/16, entered)" in table
    assert table.count("22% (2015/16, entered)") == 2


@pytest.mark.django_db
def test_dashboards_and_packs_take_the_good_authorities_mean_by_the_same_rule(
    world: World,
) -> None:
    good_comparator(world)
    dashboard_rebuild(authority=world.authority_a)
    snapshot = DashboardSnapshot.objects.get(dashboard_id=world.authority_a.pk, category=None)
    (tile,) = [t for theme in snapshot.content["themes"] for t in theme["tiles"]]
    assert {
        "label": "Good",
        "text": "65.3%",
        "period": "2017/18",
        "note": (
            "mean of 2 good or outstanding authorities (Ofsted judgements as at 31 March 2018)"
        ),
    } in tile["comparators"]

    # The packs read through `load_context`.
    context = figure_context.load_context(
        world.authority_a, Indicator.objects.filter(pk=world.indicator.pk)
    )
    summary = figure_context.indicator_summary(context, world.indicator)
    assert summary.latest is not None
    good = next(cell for cell in summary.latest.comparators if cell.label == "Good")
    assert (good.text, good.method) == ("65.3%", "computed")


@pytest.mark.django_db
def test_a_mean_takes_only_the_figures_the_authority_may_see(world: World) -> None:
    _good, best, _poor = good_comparator(world)
    # Bestshire's figure was typed, never published nor released to the club: not visible.
    Figure.objects.filter(area=best).update(source="typed")
    context = figure_context.load_context(
        world.authority_a, Indicator.objects.filter(pk=world.indicator.pk)
    )
    summary = figure_context.indicator_summary(context, world.indicator)
    assert summary.latest is not None
    cell = next(cell for cell in summary.latest.comparators if cell.label == "Good")
    assert cell.text == "60.4%"
    assert cell.note.startswith("mean of 1 of 2 good or outstanding authorities")


@pytest.mark.django_db
def test_the_set_based_read_agrees_with_the_timeline(django_assert_num_queries) -> None:
    areas = [factories.AreaFactory(name=f"Shire {n}", slug=f"shire-{n}") for n in range(4)]
    judged(areas[0], date(2016, 3, 1), "good")
    judged(areas[0], date(2019, 3, 1), "requires_improvement")
    judged(areas[1], date(2018, 1, 1), "outstanding")
    judged(areas[2], date(2017, 6, 1), "inadequate")
    judged(areas[2], date(2020, 6, 1), "good")
    with django_assert_num_queries(1):
        timeline = good_authorities()
    for day in (date(2016, 3, 31), date(2018, 3, 31), date(2019, 3, 31), date(2021, 3, 31)):
        with django_assert_num_queries(1):
            members = good_or_outstanding_as_at(day)
        assert members == timeline.as_at(day)
    assert good_or_outstanding_as_at(date(2018, 3, 31)) == {areas[0].pk, areas[1].pk}
    assert good_or_outstanding_as_at(date(2021, 3, 31)) == {areas[1].pk, areas[2].pk}
