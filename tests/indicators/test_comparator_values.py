"""Which comparator value a period shows (issue 18), on a context built by hand: the figure
stored for the comparator's own area for that period; else the mean of its members' figures
for that period; an older stored figure only where no newer mean exists. Each cell says in
words which it is. And the good or outstanding authorities' mean taken over the authorities
Ofsted judged good or outstanding as at the period, not a hand-kept group."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from indicators import figure_context
from indicators.figure_context import FigureContext
from indicators.good_authorities import timeline_of
from indicators.models import Area, AreaKind, Comparator, ComparatorKind, Figure, Indicator
from tests.indicators.test_figure_context import NORTH, annual, figure, year

SN_GROUP = Area(pk=30, name="Northshire's neighbours", slug="sn", kind=AreaKind.GROUP)
GOOD_GROUP = Area(pk=31, name="Good authorities", slug="good", kind=AreaKind.GROUP)
NEIGHBOURS = [41, 42, 43]


def neighbours_comparator() -> Comparator:
    return Comparator(
        pk=7, authority=NORTH, area=SN_GROUP, kind=ComparatorKind.NEIGHBOURS, label="SN"
    )


def good_comparator() -> Comparator:
    return Comparator(
        pk=8, authority=NORTH, area=GOOD_GROUP, kind=ComparatorKind.GOOD, label="Good"
    )


def made_context(
    own: list[Figure], comparator: Comparator, stored: list[Figure], members: list[int]
) -> FigureContext:
    made = FigureContext(authority=NORTH, comparators=[comparator], own={10: own})
    made.comparator_figures[(comparator.area_id, 10)] = stored
    made.members[comparator.pk] = members
    return made


def add_member(made: FigureContext, area_id: int, start_year: int, value: str) -> None:
    at = year(start_year)
    made.member_figures[(area_id, 10, at.pk)] = figure(Area(pk=area_id), at, value)
    made.member_periods[at.pk] = at


def cell_for(made: FigureContext, own: Figure, indicator: Indicator | None = None):
    (cell,) = figure_context.figure_row(made, indicator or annual(), own).comparators
    return cell


def test_a_newer_mean_of_the_neighbours_wins_over_an_older_entered_value() -> None:
    """The fault: "22% (2016/17)" stood beside every later year although the neighbours'
    figures gave a mean for each."""
    own = [figure(NORTH, year(start), "30") for start in (2016, 2017, 2018)]
    entered = figure(SN_GROUP, year(2016), "22")
    made = made_context(own, neighbours_comparator(), [entered], NEIGHBOURS)
    for area_id, value in zip(NEIGHBOURS, ("20", "24", "28"), strict=True):
        add_member(made, area_id, 2016, value)  # a mean for 2016/17 too: the entered one wins
        add_member(made, area_id, 2017, value)
    add_member(made, 41, 2018, "40")
    add_member(made, 42, 2018, "50")

    first, second, third = (cell_for(made, figure) for figure in own)

    assert (first.text, first.period_label, first.note) == ("22%", "2016/17", "entered")
    assert (second.text, second.period_label, second.method) == ("24%", "2017/18", "computed")
    assert second.note == "mean of 3 neighbours"
    assert (third.text, third.period_label, third.note) == (
        "45%",
        "2018/19",
        "mean of 2 of 3 neighbours",
    )


def test_a_stored_figure_for_the_period_wins_and_an_older_one_stands_only_without_a_mean() -> None:
    own = [figure(NORTH, year(2017), "30"), figure(NORTH, year(2018), "30")]
    published = figure(SN_GROUP, year(2017), "25", source="published")
    made = made_context(own, neighbours_comparator(), [published], NEIGHBOURS)
    add_member(made, 41, 2017, "90")

    same, later = (cell_for(made, figure) for figure in own)

    assert (same.text, same.note) == ("25%", "published")
    # No member has a 2018/19 figure: the 2017/18 figure stands, labelled with its year.
    assert (later.text, later.period_label, later.note) == ("25%", "2017/18", "published")


def test_a_published_comparator_is_shown_to_its_published_precision() -> None:
    own = [figure(NORTH, year(2017), "30")]
    published = figure(SN_GROUP, year(2017), "21.4000", source="published", published_decimals=1)
    made = made_context(own, neighbours_comparator(), [published], NEIGHBOURS)
    assert cell_for(made, own[0]).text == "21.4%"


def test_a_mean_is_shown_at_least_as_precisely_as_its_inputs() -> None:
    own = [figure(NORTH, year(2017), "30")]
    made = made_context(own, neighbours_comparator(), [], NEIGHBOURS)
    for area_id, value in ((41, "19.1"), (42, "18.8")):
        at = year(2017)
        made.member_figures[(area_id, 10, at.pk)] = figure(
            Area(pk=area_id), at, value, published_decimals=1
        )
    assert cell_for(made, own[0]).text == "19.0%"  # 18.95 to one decimal, half up
    two = annual()
    two.decimals = 2
    assert cell_for(made, own[0], two).text == "18.95%"


def judgement(area_id: int, published: date, overall: str, pk: int) -> tuple:
    return (area_id, published, published, pk, overall)


def test_good_authorities_are_those_judged_good_or_outstanding_as_at_each_period() -> None:
    own = [figure(NORTH, year(2016), "30"), figure(NORTH, year(2017), "30")]
    made = made_context(own, good_comparator(), [], [41])  # the hand-kept group: ignored
    made.good = timeline_of(
        [
            judgement(41, date(2015, 6, 1), "good", 1),
            judgement(41, date(2017, 11, 1), "inadequate", 2),  # leaves during 2017/18
            judgement(42, date(2016, 5, 1), "outstanding", 3),
            judgement(43, date(2016, 5, 1), "requires_improvement", 4),
            judgement(43, date(2018, 1, 10), "good", 5),  # joins during 2017/18
            judgement(NORTH.pk, date(2015, 1, 1), "good", 6),  # never its own comparator
        ]
    )
    for area_id in (41, 42, 43):
        add_member(made, area_id, 2016, str(area_id))
        add_member(made, area_id, 2017, str(area_id))

    first, second = (cell_for(made, figure) for figure in own)

    assert first.text == "42%"  # 41 and 42 as at 31 March 2017
    assert first.note == (
        "mean of 2 good or outstanding authorities (Ofsted judgements as at 31 March 2017)"
    )
    assert second.text == "43%"  # 42 and 43 as at 31 March 2018
    assert second.note == (
        "mean of 2 good or outstanding authorities (Ofsted judgements as at 31 March 2018)"
    )


def test_without_any_judgement_the_hand_kept_group_stands_and_says_so() -> None:
    own = [figure(NORTH, year(2017), "30")]
    made = made_context(own, good_comparator(), [], [41, 42])
    made.good = timeline_of([])
    add_member(made, 41, 2017, "50")
    cell = cell_for(made, own[0])
    assert cell.text == "50%"
    assert cell.note == (
        "mean of 1 of 2 authorities of the hand-kept group (no Ofsted judgements are held)"
    )


GRADES = st.sampled_from(["outstanding", "good", "requires_improvement", "inadequate"])
DAYS = st.dates(min_value=date(2012, 1, 1), max_value=date(2026, 12, 31))


@given(
    st.lists(st.tuples(st.integers(1, 6), DAYS, GRADES), max_size=30),
    st.lists(DAYS, min_size=1, max_size=5),
)
def test_the_timeline_agrees_with_reading_each_authoritys_latest_judgement(
    judgements: list[tuple[int, date, str]], days: list[date]
) -> None:
    rows = [
        (area_id, published, published, pk, grade)
        for pk, (area_id, published, grade) in enumerate(judgements)
    ]
    timeline = timeline_of(rows)
    for day in days:
        expected = set()
        for area_id in {row[0] for row in rows}:
            known = [row for row in rows if row[0] == area_id and row[1] <= day]
            if known and max(known, key=lambda row: (row[1], row[2], row[3]))[4] in (
                "good",
                "outstanding",
            ):
                expected.add(area_id)
        assert timeline.as_at(day) == expected
    assert timeline.held == bool(rows)


def test_the_travel_text_reads_published_precision() -> None:
    before = figure(NORTH, year(2016), "19.1", published_decimals=1)
    latest = figure(NORTH, year(2017), "18.8", published_decimals=1)
    made = FigureContext(authority=NORTH, comparators=[], own={10: [before, latest]})
    summary = figure_context.indicator_summary(made, annual(polarity="lower"))
    assert summary.latest is not None and summary.latest.text == "18.8%"
    assert summary.travel_text.endswith("down 0.3 percentage points from 19.1% (2016/17)")
