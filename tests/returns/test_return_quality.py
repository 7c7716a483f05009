"""A return committed with DfE rule errors marks its figures with their data quality (issue 19,
docs/0028): worked out at validation from the children each figure counts and the children
each error touches, kept on the batch as counts only, recorded on the figures at commit and
shown on the indicator page; a clean return's figures say that no error touches them."""

from __future__ import annotations

import pytest
from django.test import Client

from indicators.models import Figure
from indicators.quality_models import FigureQuality
from tests.returns.dfe_rule_sets import rules_only
from tests.returns.test_903_batches import zipped
from tests.returns.test_derive_903 import episode, episodes
from tests.returns.test_return_rules import commit_request, header_csv, setting, upload

__all__ = ["setting"]  # the fixture, shared

# Four children looked after at 31 March, three of them in foster care (U1, U3); C's foster
# placement has no provider code, which rule 526 (fields PLACE, PLACE_PROVIDER) refuses.
HEADER = header_csv(
    [
        ["A", "M", "01/01/2015"],
        ["B", "F", "01/01/2012"],
        ["C", "F", "01/01/2010"],
        ["D", "M", "01/01/2011"],
    ]
)
EPISODES = episodes(
    episode("A", "01/01/2025", "S", "C2", "U1"),
    episode("B", "01/06/2024", "S", "C2", "K2"),
    episode("C", "01/06/2024", "S", "C1", "U3", provider=""),
    episode("D", "01/06/2024", "S", "C1", "U1"),
)


def figure(code: str) -> Figure:
    return Figure.objects.get(indicator__code=code)


def test_a_return_committed_with_errors_marks_the_figures_an_error_can_change(
    setting, monkeypatch
) -> None:
    rules_only(monkeypatch, "526")
    admin, authority, _tmp = setting
    batch = upload(setting, zipped(header=HEADER, episodes=EPISODES))
    assert batch.rule_counts is not None and batch.derived is not None
    assert batch.rule_counts["526"]["rows"] == 1
    # Counts only on the batch: no child's identifier.
    assert batch.derived["quality"]["CLA-FOSTER"] == {
        "counted": 4,
        "affected": 1,
        "rules": [{"code": "526", "children": 1}],
    }
    assert batch.derived["quality"]["CLA-COUNT"]["affected"] == 0  # its fields have no PLACE
    assert '"C"' not in str(batch.derived["quality"])
    commit_request(admin, batch, accept_rule_errors=True)
    foster = figure("CLA-FOSTER")
    assert foster.value == 75  # C is counted as fostered all the same: that is the risk shown
    quality = FigureQuality.objects.get(figure=foster)
    assert (quality.counted, quality.affected, quality.rule_set) == (4, 1, "SSDA903 2025/26")
    assert FigureQuality.objects.get(figure=figure("CLA-COUNT")).affected == 0
    client = Client()
    client.force_login(admin)
    html = client.get(f"/a/{authority.slug}/indicators/CLA-FOSTER/").content.decode()
    assert "Data quality: 1 of the 4 children counted (25.0%) is in records with errors" in html
    assert "(DfE rules 526 for 1 child; SSDA903 2025/26)" in html


def test_a_corrected_return_replaces_the_figures_quality(setting, monkeypatch) -> None:
    rules_only(monkeypatch, "526")
    admin, _authority, _tmp = setting
    commit_request(
        admin,
        upload(setting, zipped(header=HEADER, episodes=EPISODES)),
        accept_rule_errors=True,
    )
    corrected = EPISODES.replace(",U3,,", ",U3,PR1,")
    assert corrected != EPISODES
    commit_request(admin, upload(setting, zipped(header=HEADER, episodes=corrected)))
    quality = FigureQuality.objects.get(figure=figure("CLA-FOSTER"))
    assert (quality.counted, quality.affected, quality.rules) == (4, 0, [])
    assert quality.applies_to(figure("CLA-FOSTER"))


@pytest.mark.parametrize("planted", ["101"])
def test_an_error_on_a_field_no_figure_reads_leaves_every_figure_clean(
    setting, monkeypatch, planted
) -> None:
    rules_only(monkeypatch, planted)
    admin, _authority, _tmp = setting
    bad_sex = HEADER.replace("A,M,", "A,X,")
    batch = upload(setting, zipped(header=bad_sex, episodes=EPISODES))
    assert batch.rule_counts is not None
    assert batch.rule_counts[planted]["rows"] == 1
    commit_request(admin, batch, accept_rule_errors=True)
    assert {q.affected for q in FigureQuality.objects.all()} == {0}
