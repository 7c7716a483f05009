"""A figure's data quality in words: counts, share and rules, never only a colour."""

from __future__ import annotations

from indicators.quality_words import quality_words

RULES = [{"code": "408", "children": 9}, {"code": "164", "children": 1}]


def test_an_affected_figure_says_how_many_children_which_rules_and_the_rule_set():
    assert quality_words("SSDA903 2025/26", 4210, 10, RULES) == (
        "Data quality: 10 of the 4,210 children counted (0.2%) are in records with errors "
        "that can change this figure (DfE rules 408 for 9 children, 164 for 1 child; "
        "SSDA903 2025/26)."
    )


def test_one_child_and_a_tiny_share_read_naturally():
    words = quality_words("CIN 2025/26", 50_000, 1, [{"code": "8840", "children": 1}])
    assert "1 of the 50,000 children counted (under 0.1%) is in records" in words


def test_a_clean_figure_says_it_was_checked():
    assert quality_words("SSDA903 2025/26", 1, 0, []) == (
        "Data quality: no DfE rule error (SSDA903 2025/26) touches the 1 child it counts."
    )
    assert "counts no children" in quality_words("CIN 2025/26", 0, 0, [])
