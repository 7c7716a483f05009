"""The words the pure rules write, in the reader's language (indicators.translated, docs/0026):
period labels, ratings, directions of travel and figures' words, as a published pack keeps
them in English and the page shows them in Welsh. No database: translation needs none."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from indicators import periods, translated
from indicators.formatting import format_change, format_target, format_value
from indicators.periods import ACADEMIC_YEAR, FINANCIAL_YEAR, MONTH, QUARTER, SNAPSHOT
from indicators.rag import TargetBand, rate_against_comparator, rate_against_target
from indicators.trend import direction_of_travel

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
KINDS = (MONTH, QUARTER, FINANCIAL_YEAR, ACADEMIC_YEAR, SNAPSHOT)


@pytest.fixture
def welsh():
    with translation.override("cy"):
        yield


@pytest.mark.parametrize(
    ("label", "welsh_label"),
    [
        ("Q1 2017/18", "Ch1 2017/18"),
        ("June 2017", "Mehefin 2017"),
        ("February 2018", "Chwefror 2018"),
        ("2016-17 year end", "diwedd blwyddyn 2016-17"),
        ("2017/18", "2017/18"),
        ("AY 2016/17", "BA 2016/17"),
        ("at 31 March 2018", "ar 31 Mawrth 2018"),
        ("", ""),
    ],
)
def test_period_labels_in_welsh(welsh, label: str, welsh_label: str) -> None:
    assert translated.period_label(label) == welsh_label


@given(day=days, kind=st.sampled_from(KINDS))
def test_every_label_the_product_prints_reads_the_same_in_english(day: date, kind: str) -> None:
    label = periods.label(kind, *periods.bounds(kind, day))
    with translation.override("en-gb"):
        assert translated.period_label(label) == label


@given(day=days, kind=st.sampled_from(KINDS))
def test_every_label_the_product_prints_has_no_english_words_in_welsh(day: date, kind: str) -> None:
    label = periods.label(kind, *periods.bounds(kind, day))
    with translation.override("cy"):
        welsh_label = translated.period_label(label)
    english_words = {"Q", "AY", "at", "year", "end", *translated.ENGLISH_MONTHS}
    assert not english_words & set(welsh_label.replace(str(day.year), " ").split())
    # The years stay as they were: a Welsh reader reads the same financial year.
    assert all(part in welsh_label for part in label.split() if part[:1].isdigit())


@given(day=days)
def test_a_year_end_label_is_translated_whole(day: date) -> None:
    start = periods.financial_year_start(day)
    label = periods.year_end_label(start)
    with translation.override("cy"):
        assert translated.period_label(label) == f"diwedd blwyddyn {label.split()[0]}"


def test_ratings_in_welsh(welsh) -> None:
    band = TargetBand(Decimal(90), None, Decimal(5))
    assert translated.sentence(rate_against_target(Decimal(80), band, "higher").words) == (
        "Coch: o dan y targed"
    )
    assert translated.sentence(rate_against_target(Decimal(87), band, "higher").words) == (
        "Ambr: ychydig o dan y targed"
    )
    assert translated.sentence(rate_against_target(Decimal(95), band, "higher").words) == (
        "Gwyrdd: ar y targed"
    )
    assert translated.sentence(rate_against_target(Decimal(1), None, "higher").words) == (
        "Dim targed wedi’i osod"
    )
    better = rate_against_comparator(
        Decimal(90), Decimal(80), "higher", Decimal(1), comparator_name="Wales (2016-17 year end)"
    )
    assert better.words == "Better than Wales (2016-17 year end)"
    assert translated.sentence(better.words) == (
        "Gwell na’r ffigur ar gyfer Cymru (diwedd blwyddyn 2016-17)"
    )


def test_directions_of_travel_in_welsh(welsh) -> None:
    worse = direction_of_travel(Decimal(80), Decimal(90), "higher")
    better = direction_of_travel(Decimal(90), Decimal(80), "higher")
    assert (translated.sentence(worse.words), translated.sentence(better.words)) == (
        "Gwaethygu",
        "Gwella",
    )
    travel = f"{worse.words}: {format_change(Decimal(-10), 'percent', 0)} from 90% (Q1 2017/18)"
    assert translated.sentence(travel) == "Gwaethygu: i lawr 10 pwynt canran o 90% (Ch1 2017/18)"
    same = "Improving: the same as June 2017 (12 days)"
    assert translated.sentence(same) == "Gwella: dim newid ers Mehefin 2017 (12 diwrnod)"


def test_figures_words_in_welsh_and_their_numbers_as_written(welsh) -> None:
    assert translated.sentence(format_value(Decimal("1234.5"), "days", 1)) == "1,234.5 diwrnod"
    assert translated.sentence(format_value(None, "percent", 1)) == "dim ffigur"
    assert translated.sentence(format_target(Decimal(90), None, "percent", 0)) == "o leiaf 90%"
    assert translated.sentence(format_target(None, None, "percent", 0)) == "dim targed"
    assert translated.sentence(format_change(Decimal(0), "count", 0)) == "dim newid"


def test_words_not_known_are_shown_as_they_are(welsh) -> None:
    # Data, not interface: an indicator's title, an officer's own section title.
    assert translated.sentence("Children looked after") == "Children looked after"
    assert translated.sentence("Up to date") == "Up to date"
    # A pattern's figure must be a figure: "up to date" is not "up %(value)s".
    assert translated.sentence("up to date") == "up to date"
    assert translated.sentence("at least once") == "at least once"
    assert translated.sentence("") == ""


@given(text=st.text(max_size=60))
def test_in_english_every_text_is_shown_as_it_is(text: str) -> None:
    with translation.override("en-gb"):
        assert translated.sentence(text) == text
        assert translated.period_label(text) == text
