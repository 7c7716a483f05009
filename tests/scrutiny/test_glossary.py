"""The glossary finds the abbreviations a pack uses, and only those."""

from hypothesis import given
from hypothesis import strategies as st

from scrutiny.glossary import Term, terms, used_in


def abbreviations(texts: list[str]) -> list[str]:
    return [term.abbreviation for term in used_in(texts)]


def test_the_seed_sentences_find_their_abbreviations() -> None:
    found = abbreviations(
        [
            "Re-referral rates have remained stable (SN 22%, Eng 22%).",
            "timeliness of initial child protection conferences (ICPC) during the last year",
            "continued downward trend in the number of child in need (CIN) cases",
            "the RAG rating; 3 ASYEs and 12.5 FTE vacancies; referrals to the LADO",
        ]
    )
    for wanted in ("SN", "Eng", "ICPC", "CIN", "RAG", "ASYE", "FTE", "LADO"):
        assert wanted in found


def test_words_containing_an_abbreviation_do_not_count() -> None:
    assert abbreviations(["cinema, snow, England, CPP-2ND, a rap"]) == []


def test_cp_is_not_found_inside_cpp_but_each_counts_alone() -> None:
    assert abbreviations(["CPP"]) == ["CPP"]
    assert abbreviations(["CP plans"]) == ["CP"]


def test_every_term_in_the_table_has_an_expansion_and_appears_once() -> None:
    table = terms()
    assert len({term.abbreviation for term in table}) == len(table)
    assert all(term.expansion for term in table)
    for wanted in ("CIN", "CP", "CLA", "CiC", "SN", "RAG", "ICPC", "FTE", "ASYE", "LADO"):
        assert wanted in {term.abbreviation for term in table}


@given(st.lists(st.sampled_from([t.abbreviation for t in terms()]), min_size=1), st.text())
def test_every_abbreviation_used_as_a_word_is_found_once(chosen: list[str], noise: str) -> None:
    text = " ".join(f"({a})" for a in chosen)
    found = abbreviations([text, noise])
    for abbreviation in chosen:
        assert found.count(abbreviation) == 1


@given(st.text(alphabet=st.characters(whitelist_categories=["Ll", "Zs"])))
def test_lower_case_prose_finds_nothing_that_is_all_capitals(text: str) -> None:
    assert used_in([text]) == []  # every abbreviation has a capital letter


def test_a_table_of_its_own_can_be_given() -> None:
    assert used_in(["the XYZ board"], [Term("XYZ", "a board")]) == [Term("XYZ", "a board")]
