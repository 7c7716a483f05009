"""The rating and comparator rules every page, pack and dashboard tile shares
(`indicators.figure_context`): what a user reads beside a figure. The rules run on a context
built by hand, without the database; loading the context is tested against it."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import figure_context, periods
from indicators.figure_context import FigureContext
from indicators.models import (
    Area,
    AreaKind,
    Comparator,
    ComparatorKind,
    Figure,
    Indicator,
    Period,
    PeriodKind,
    Target,
)
from indicators.rag import Comparison, Rating
from indicators.trend import Direction
from tests import factories

# --- a context built by hand ---------------------------------------------------------------

NORTH = Area(pk=1, name="Northshire", slug="northshire", kind=AreaKind.AUTHORITY)
ENGLAND = Area(pk=2, name="England", slug="england", kind=AreaKind.NATION)
REGION = Area(pk=3, name="The North", slug="the-north", kind=AreaKind.REGION)


def visits(polarity: str = "higher") -> Indicator:
    return Indicator(
        pk=10,
        code="VISITS",
        title="% visits on time",
        unit="percent",
        polarity=polarity,
        frequency="monthly",
        decimals=0,
    )


def month(number: int, year: int = 2021) -> Period:
    start = date(year, number, 1)
    return Period(
        pk=year * 100 + number,
        kind=PeriodKind.MONTH,
        start=start,
        end=periods.bounds(PeriodKind.MONTH, start)[1],
    )


def year(start_year: int) -> Period:
    start = date(start_year, 4, 1)
    return Period(
        pk=start_year,
        kind=PeriodKind.FINANCIAL_YEAR,
        start=start,
        end=periods.bounds(PeriodKind.FINANCIAL_YEAR, start)[1],
    )


def figure(area: Area, at: Period, value: str | None, **extra: object) -> Figure:
    return Figure(
        area=area,
        indicator_id=10,
        period=at,
        value=None if value is None else Decimal(value),
        status="approved",
        **extra,
    )


def target(lower: str, upper: str, tolerance: str = "0", start_year: int = 2021) -> Target:
    return Target(
        indicator_id=10,
        financial_year=year(start_year),
        lower=Decimal(lower),
        upper=Decimal(upper),
        tolerance=Decimal(tolerance),
    )


def context(
    own: list[Figure],
    *,
    targets: Sequence[Target] = (),
    comparators: Sequence[tuple[Comparator, list[Figure]]] = (),
) -> FigureContext:
    made = FigureContext(
        authority=NORTH,
        comparators=[comparator for comparator, _figures in comparators],
        own={10: own},
    )
    for made_target in targets:
        made.targets[(10, made_target.financial_year.start)] = made_target
    for comparator, figures in comparators:
        made.comparator_figures[(comparator.area_id, 10)] = figures
    return made


def england(order: int = 1) -> Comparator:
    return Comparator(
        pk=order, authority=NORTH, area=ENGLAND, kind=ComparatorKind.NATION, label="England"
    )


# --- rating against a target band --------------------------------------------------------


def test_a_figure_inside_its_target_band_is_rated_on_target() -> None:
    latest = figure(NORTH, month(9), "90")
    summary = figure_context.indicator_summary(
        context([latest], targets=[target("85", "95")]), visits("band")
    )
    assert summary.latest is not None
    assert summary.latest.rag.rating == Rating.GREEN
    assert summary.latest.rating_words == "Green: within the target band"
    assert summary.latest.target_text == "85–95%"


@given(
    lower=st.integers(0, 90),
    width=st.integers(0, 10),
    offset=st.integers(0, 10),
)
def test_any_figure_within_its_band_is_green_and_any_outside_it_beyond_tolerance_is_red(
    lower: int, width: int, offset: int
) -> None:
    upper = lower + width
    inside = figure(NORTH, month(9), str(lower + min(offset, width)))
    outside = figure(NORTH, month(9), str(upper + 1 + offset))
    band = [target(str(lower), str(upper), tolerance="0.5")]
    for shown, rating in ((inside, Rating.GREEN), (outside, Rating.RED)):
        row = figure_context.figure_row(context([shown], targets=band), visits("band"), shown)
        assert row.rag.rating == rating
        assert row.has_target and row.comparison is None  # a target is rated, not compared


def test_the_target_is_the_one_of_the_financial_year_in_which_the_period_ends() -> None:
    made = context([], targets=[target("80", "90"), target("85", "95", start_year=2022)])

    def lower(at: Period) -> Decimal | None:
        found = figure_context.target_for(made, visits(), at)
        return None if found is None else found.lower

    assert lower(month(3, 2022)) == Decimal(80)  # March ends the year 2021/22
    assert lower(month(4, 2022)) == Decimal(85)
    assert lower(month(3, 2021)) is None
    assert figure_context.target_band(None) is None


# --- rating against a comparator, without a target ---------------------------------------------


def test_without_a_target_a_figure_is_compared_with_the_first_comparator_with_a_figure() -> None:
    latest = figure(NORTH, month(9), "90")
    region = Comparator(
        pk=2, authority=NORTH, area=REGION, kind=ComparatorKind.REGION, label="Region"
    )
    made = context(
        [latest],
        comparators=[(region, []), (england(), [figure(ENGLAND, year(2020), "80")])],
    )
    row = figure_context.figure_row(made, visits(), latest)
    assert row.rag.rating == Rating.NOT_RATED and not row.has_target
    assert row.comparison is not None and row.comparison.comparison == Comparison.BETTER
    assert row.rating_words == "Better than England (2020/21)"
    assert [cell.text for cell in row.comparators] == ["no figure", "80%"]
    assert [cell.text for cell in row.comparators_with_values] == ["80%"]


@given(
    comparator_value=st.integers(0, 100),
    difference=st.integers(-100, 100),
    polarity=st.sampled_from(["higher", "lower"]),
)
def test_better_similar_or_worse_than_the_comparator_follows_the_polarity(
    comparator_value: int, difference: int, polarity: str
) -> None:
    latest = figure(NORTH, month(9), str(comparator_value + difference))
    made = context(
        [latest], comparators=[(england(), [figure(ENGLAND, month(9), str(comparator_value))])]
    )
    row = figure_context.figure_row(made, visits(polarity), latest)
    assert row.comparison is not None
    if abs(difference) <= figure_context.SIMILAR_WITHIN_POINTS:
        assert row.comparison.comparison == Comparison.SIMILAR
    elif (difference > 0) == (polarity == "higher"):
        assert row.comparison.comparison == Comparison.BETTER
    else:
        assert row.comparison.comparison == Comparison.WORSE


def test_a_comparator_is_published_for_the_latest_period_up_to_the_figures() -> None:
    latest = figure(NORTH, month(9), "90")
    made = context(
        [latest],
        comparators=[
            (
                england(),
                [figure(ENGLAND, year(2019), "70"), figure(ENGLAND, year(2020), "80")],
            )
        ],
    )
    (cell,) = figure_context.figure_row(made, visits(), latest).comparators
    assert (cell.text, cell.period_label, cell.method) == ("80%", "2020/21", "published")
    # A figure of a period before England's latest stands beside the figure of its own time.
    early = figure(NORTH, month(6, 2020), "90")
    (cell,) = figure_context.figure_row(made, visits(), early).comparators
    assert (cell.text, cell.period_label) == ("70%", "2019/20")


def test_a_computed_comparator_is_the_mean_of_its_members_but_never_the_authority_itself() -> None:
    latest = figure(NORTH, month(9), "90")
    region = Comparator(
        pk=2, authority=NORTH, area=REGION, kind=ComparatorKind.REGION, label="Region"
    )
    made = context([latest], comparators=[(region, [])])
    made.members[region.pk] = [NORTH.pk, 4, 5]
    made.member_figures[(NORTH.pk, 10, month(9).pk)] = latest
    made.member_figures[(4, 10, month(9).pk)] = figure(Area(pk=4), month(9), "60")
    made.member_figures[(5, 10, month(9).pk)] = figure(Area(pk=5), month(9), "70")
    (cell,) = figure_context.figure_row(made, visits(), latest).comparators
    assert (cell.text, cell.method) == ("65%", "computed")
    assert cell.note == "mean of 2 authorities of the region"


def quarter(start: date) -> Period:
    return Period(
        pk=start.year * 1000 + start.month,
        kind=PeriodKind.QUARTER,
        start=start,
        end=periods.bounds(PeriodKind.QUARTER, start)[1],
    )


def annual(polarity: str = "higher", frequency: str = "annual") -> Indicator:
    return Indicator(
        pk=10,
        code="ASMT",
        title="% assessments in 45 days",
        unit="percent",
        polarity=polarity,
        frequency=frequency,
        decimals=0,
    )


def test_an_annual_measure_is_compared_with_its_neighbours_at_their_latest_year() -> None:
    # An annual measure whose latest figure is in-year (Q4 2017/18, as a quarterly pack reads
    # it) is compared with its neighbours' latest year, not with their Q4 figures.
    q4 = quarter(date(2018, 1, 1))
    latest = figure(NORTH, q4, "87")
    neighbours = Comparator(
        pk=3, authority=NORTH, area=REGION, kind=ComparatorKind.NEIGHBOURS, label="Neighbours"
    )
    made = context(
        [latest],
        comparators=[
            (
                england(),
                # England's Q4 figure is not a year: its 2016/17 figure stands beside.
                [figure(ENGLAND, year(2016), "83"), figure(ENGLAND, q4, "99")],
            ),
            (neighbours, []),
        ],
    )
    made.members[neighbours.pk] = [4, 5]
    for area_id, at, value in (
        (4, q4, "10"),
        (5, q4, "20"),
        (4, year(2016), "78"),
        (5, year(2016), "82"),
        (4, year(2015), "1"),
    ):
        made.member_figures[(area_id, 10, at.pk)] = figure(Area(pk=area_id), at, value)
        made.member_periods[at.pk] = at
    nation, neighbour = figure_context.figure_row(made, annual(), latest).comparators
    assert (nation.text, nation.period_label, nation.method) == ("83%", "2016/17", "published")
    assert (neighbour.text, neighbour.period_label, neighbour.method) == (
        "80%",
        "2016/17",
        "computed",
    )
    # A monthly or quarterly measure is still compared at its own period.
    quarterly = annual(frequency="quarterly")
    _, neighbour = figure_context.figure_row(made, quarterly, latest).comparators
    assert (neighbour.text, neighbour.period_label) == ("15%", "Q4 2017/18")


def test_a_measure_no_target_or_comparator_can_rate_says_no_target_set() -> None:
    # Best within a band, no target: nearer England is neither better nor worse, and the
    # councillor reads "No target set", not why it was not compared.
    latest = figure(NORTH, month(9), "90")
    made = context([latest], comparators=[(england(), [figure(ENGLAND, year(2020), "80")])])
    row = figure_context.figure_row(made, visits("band"), latest)
    assert row.rating_words == "No target set"
    alone = figure_context.figure_row(context([latest]), visits(), latest)
    assert alone.rating_words == "No target set"


# --- direction of travel and the summary -----------------------------------------------------


def test_the_summary_says_which_way_the_figure_went_and_from_what() -> None:
    figures = [figure(NORTH, month(8), "85"), figure(NORTH, month(9), "83")]
    summary = figure_context.indicator_summary(context(figures), visits())
    assert summary.latest is not None and summary.previous is not None
    assert summary.latest.text == "83%" and summary.previous.text == "85%"
    assert summary.travel.direction == Direction.WORSENING
    assert summary.travel_text == "Worsening: down 2 percentage points from 85% (August 2021)"
    assert summary.travel_year is None and summary.travel_year_text == ""


def test_the_summary_also_compares_with_the_same_period_a_year_before() -> None:
    figures = [
        figure(NORTH, month(9, 2020), "80"),
        figure(NORTH, month(8), "83"),
        figure(NORTH, month(9), "83"),
    ]
    summary = figure_context.indicator_summary(context(figures), visits("lower"))
    assert summary.travel_text.endswith("the same as August 2021 (83%)")
    assert summary.travel_year is not None
    assert summary.travel_year.direction == Direction.WORSENING  # lower is better
    assert summary.travel_year_text.endswith("from 80% (September 2020)")


def test_with_no_figure_the_summary_says_so() -> None:
    summary = figure_context.indicator_summary(context([]), visits())
    assert summary.latest is None and summary.previous is None
    assert summary.travel.direction == Direction.NOT_KNOWN
    assert summary.travel_text == summary.travel.words


def test_the_summary_reads_the_periods_the_measure_is_reported_in() -> None:
    quarter_start = date(2021, 7, 1)
    quarter = Period(
        pk=1,
        kind=PeriodKind.QUARTER,
        start=quarter_start,
        end=periods.bounds(PeriodKind.QUARTER, quarter_start)[1],
    )
    months = [figure(NORTH, month(8), "85"), figure(NORTH, month(9), "83")]
    rolled_up = figure(NORTH, quarter, "84")
    assert figure_context.native_figures(visits(), [*months, rolled_up]) == months
    # A measure held only in other periods still shows what there is.
    assert figure_context.native_figures(visits(), [rolled_up]) == [rolled_up]


def test_values_read_as_the_pages_show_them() -> None:
    indicator = visits()
    assert figure_context.value_text(indicator, None) == "no figure"
    assert figure_context.value_text(indicator, figure(NORTH, month(9), "82.4")) == "82%"
    suppressed = figure(NORTH, month(9), None, suppression="c")
    assert figure_context.value_text(indicator, suppressed) == "suppressed (c)"
    draft = figure(NORTH, month(9), "82", is_provisional=True)
    draft.status = "draft"
    row = figure_context.figure_row(context([draft]), indicator, draft)
    assert row.flags == ("provisional", "draft")


def test_the_trend_window_of_a_monthly_measure_is_eighteen_months() -> None:
    assert figure_context.window_start(visits(), date(2021, 9, 30)) == date(2020, 4, 1)


# --- loading the context -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_context_holds_only_the_comparator_figures_the_authority_may_see() -> None:
    """A neighbour's approved figure that it has not released to the club is never read into
    the context, so it counts in no comparator mean; England's figure and a released one do."""
    north = factories.AreaFactory(name="Northshire", slug="northshire")
    nation = factories.AreaFactory(name="England", slug="england", kind=AreaKind.NATION)
    region = factories.AreaFactory(name="The North", slug="the-north", kind=AreaKind.REGION)
    sharing = factories.AreaFactory(name="Sharingshire", slug="sharingshire", region=region)
    private = factories.AreaFactory(name="Privateshire", slug="privateshire", region=region)
    indicator = factories.IndicatorFactory(code="VISITS", frequency="monthly")
    september = factories.period(PeriodKind.MONTH, date(2021, 9, 1))
    factories.figure(north, indicator, september, "90")
    factories.figure(nation, indicator, september, "80")
    factories.club_figure(sharing, indicator, september, "70")
    factories.figure(private, indicator, september, "10")
    factories.comparator(north, nation, ComparatorKind.NATION, "England", 1)
    factories.comparator(north, region, ComparatorKind.REGION, "Region", 2)

    made = figure_context.load_context(north, Indicator.objects.filter(pk=indicator.pk))

    assert [figure.value for figure in made.own[indicator.pk]] == [Decimal(90)]
    assert set(made.comparator_figures) == {(nation.pk, indicator.pk)}
    assert {key[0] for key in made.member_figures} == {sharing.pk}
    summary = figure_context.indicator_summary(made, indicator)
    assert summary.latest is not None
    assert [(cell.label, cell.text) for cell in summary.latest.comparators] == [
        ("England", "80%"),
        ("Region", "70%"),
    ]


@pytest.mark.django_db
def test_what_an_authority_is_compared_with_is_read_in_one_query(
    django_assert_num_queries,
) -> None:
    """Each comparator's members as its kind asks: none for England, the region's authorities,
    the neighbours its set lists for this authority (in rank order, not another authority's
    list), the group's members; a group area that also has members of its own (the
    neighbours' group here) adds none to a neighbours' comparator."""
    from indicators.models import NeighbourSet, StatisticalNeighbour

    north = factories.AreaFactory(name="Northshire", slug="northshire")
    nation = factories.AreaFactory(name="England", slug="england", kind=AreaKind.NATION)
    region = factories.AreaFactory(name="The North", slug="the-north", kind=AreaKind.REGION)
    north.region = region
    north.save()
    inside = [
        factories.AreaFactory(name=f"Inside {n}", slug=f"inside-{n}", region=region)
        for n in range(2)
    ]
    near, far, other = (
        factories.AreaFactory(name=name, slug=name.lower()) for name in ("Near", "Far", "Other")
    )
    neighbour_set = NeighbourSet.objects.create(name="Set 2025", published_on=date(2025, 1, 1))
    for rank, area in ((2, far), (1, near)):
        StatisticalNeighbour.objects.create(
            neighbour_set=neighbour_set, authority=north, neighbour=area, rank=rank
        )
    StatisticalNeighbour.objects.create(
        neighbour_set=neighbour_set, authority=other, neighbour=north, rank=1
    )
    sn_group = factories.AreaFactory(name="North's SN", slug="north-sn", kind=AreaKind.GROUP)
    sn_group.members.set([near, far, other])
    peninsula = factories.AreaFactory(name="Peninsula", slug="peninsula", kind=AreaKind.GROUP)
    peninsula.members.set([other, far])
    factories.comparator(north, nation, ComparatorKind.NATION, "England", 1)
    factories.comparator(north, region, ComparatorKind.REGION, "Region", 2)
    Comparator.objects.create(
        authority=north,
        kind=ComparatorKind.NEIGHBOURS,
        area=sn_group,
        neighbour_set=neighbour_set,
        label="SN",
        order=3,
    )
    factories.comparator(north, peninsula, ComparatorKind.GROUP, "Peninsula", 4)

    with django_assert_num_queries(1):
        setup = figure_context.comparator_setup(north)

    assert [(c.label, c.area.name) for c in setup.comparators] == [
        ("England", "England"),
        ("Region", "The North"),
        ("SN", "North's SN"),
        ("Peninsula", "Peninsula"),
    ]
    members = {c.label: setup.members[c.pk] for c in setup.comparators}
    assert members["England"] == []
    assert sorted(members["Region"]) == sorted([north.pk, *(a.pk for a in inside)])
    assert members["SN"] == [near.pk, far.pk]
    assert sorted(members["Peninsula"]) == sorted([other.pk, far.pk])
    assert [(n.name, n.rank, n.set_name) for n in setup.neighbours[neighbour_set.pk]] == [
        ("Near", 1, "Set 2025"),
        ("Far", 2, "Set 2025"),
    ]
