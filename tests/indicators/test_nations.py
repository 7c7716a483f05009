"""The nation of an area told by its ONS code (indicators/nations.py): pure, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import nations
from indicators.models import Nation
from indicators.nations import nation_for_area, nation_of_code

digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
letters = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# As sheets write them: any case, stray spaces.
spellings = st.sampled_from([str.lower, str.upper, str.title, lambda s: f" {s} "])


def test_the_held_nations_are_the_models_nations() -> None:
    assert set(nations.HELD.values()) == set(Nation.values)
    assert dict(Nation.choices) == nations.HELD_NAMES


@pytest.mark.parametrize(
    ("code", "nation"),
    [
        ("E92000001", "england"),
        ("W92000004", "wales"),
        ("E06000054", "england"),
        ("W06000015", "wales"),
        ("w06000015", "wales"),
        ("S92000003", ""),
        ("N92000002", ""),
        ("K04000001", ""),
        ("", ""),
    ],
)
def test_a_code_names_its_nation_by_its_first_letter(code: str, nation: str) -> None:
    assert nation_of_code(code) == nation


@given(first=st.sampled_from("EW"), rest=digits, stated=st.sampled_from(["", None]))
def test_an_empty_nation_is_taken_from_an_english_or_welsh_code(
    first: str, rest: str, stated: str | None
) -> None:
    check = nation_for_area(first + rest, stated or "")
    assert check == nations.NationCheck(nation=nations.HELD[first])


@given(first=st.sampled_from("EW"), rest=digits, spell=spellings, lower=st.booleans())
def test_a_nation_that_agrees_with_its_code_is_kept_however_it_is_written(
    first: str, rest: str, spell, lower: bool
) -> None:
    nation = nations.HELD[first]
    code = (first.lower() if lower else first) + rest
    assert nation_for_area(code, spell(nation)).nation == nation


@given(first=st.sampled_from("EW"), rest=digits, spell=spellings)
def test_a_nation_that_contradicts_its_code_is_refused(first: str, rest: str, spell) -> None:
    other = "wales" if first == "E" else "england"
    check = nation_for_area(first + rest, spell(other))
    assert check.nation == ""
    assert f"{first}{rest}" in check.problem
    assert nations.HELD_NAMES[nations.HELD[first]] in check.problem


@given(first=st.sampled_from("SN"), rest=digits, stated=st.sampled_from(["", "england", "wales"]))
def test_a_scottish_or_northern_irish_code_is_refused_whatever_the_nation(
    first: str, rest: str, stated: str
) -> None:
    check = nation_for_area(first + rest, stated)
    assert check.nation == ""
    assert nations.NOT_HELD[first] in check.problem
    assert "England and Wales only" in check.problem


@given(
    first=letters.filter(lambda c: c not in "EWSN"),
    rest=digits,
    stated=st.sampled_from(["", "england", "wales"]),
)
def test_a_code_of_no_nation_leaves_the_stated_nation_or_england(
    first: str, rest: str, stated: str
) -> None:
    # K04000001 (England and Wales), L and M (the Channel Islands, Man): the code says nothing.
    assert nation_for_area(first + rest, stated) == nations.NationCheck(nation=stated or "england")


@given(stated=st.sampled_from(["", "england", "wales"]))
def test_without_a_code_the_stated_nation_or_the_default_is_used(stated: str) -> None:
    assert nation_for_area("", stated).nation == (stated or "england")
    assert nation_for_area("  ", stated, default="wales").nation == (stated or "wales")


def test_an_unknown_nation_is_passed_on_for_the_choices_check_to_name() -> None:
    assert nation_for_area("", "Scotland").nation == "Scotland"
    assert nation_for_area("E06000054", "Englund").problem.startswith("The nation is 'Englund'")
