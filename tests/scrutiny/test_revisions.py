"""Revision since publication: a later version of a frozen figure is noted, never swapped in."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from scrutiny.revisions import REVISED, LiveFigure, annotate, revised_figures, revision_note

WHEN = datetime(2018, 7, 1, 9, 30, tzinfo=UTC)


def live(version: int, text: str = "88%", figure_id: int = 7) -> LiveFigure:
    return LiveFigure(figure_id=figure_id, version=version, text=text, value="88", updated_at=WHEN)


def test_the_same_version_has_no_note() -> None:
    assert revision_note({"figure_id": 7, "version": 3, "text": "87%"}, live(3)) is None


def test_a_later_version_is_revised_since_publication_with_the_new_value_and_when() -> None:
    note = revision_note({"figure_id": 7, "version": 3, "text": "87%"}, live(4))
    assert note == {
        "note": REVISED,
        "text": "88%",
        "value": "88",
        "at": WHEN.isoformat(),
        "at_text": "1 July 2018",
    }


def test_a_withdrawn_figure_is_noted() -> None:
    note = revision_note({"figure_id": 7, "version": 3}, None)
    assert note is not None and note["text"] == "figure withdrawn"


@given(st.integers(1, 50), st.integers(1, 50))
def test_a_note_exactly_when_the_version_has_moved_on(frozen: int, now: int) -> None:
    note = revision_note({"figure_id": 7, "version": frozen, "text": "87%"}, live(now))
    assert (note is not None) == (now > frozen)


def test_annotate_keeps_the_frozen_value_and_adds_the_note() -> None:
    content = {"rows": [{"current": {"figure_id": 7, "version": 3, "text": "87%"}}]}
    annotated = annotate(content, {7: live(4)})
    current = annotated["rows"][0]["current"]
    assert current["text"] == "87%"
    assert current["revision"]["text"] == "88%"
    assert "revision" not in content["rows"][0]["current"]  # the frozen dict is untouched


@given(st.dictionaries(st.integers(1, 20), st.tuples(st.integers(1, 5), st.integers(0, 5))))
def test_revised_figures_are_exactly_those_annotate_notes(versions) -> None:
    """A published pack's digest lists `revised_figures`: it must change exactly when a
    revision note would appear (version 0 here: the figure has been withdrawn)."""
    shown = {pk: frozen for pk, (frozen, _) in versions.items()}
    now = {pk: live(current, figure_id=pk) for pk, (_, current) in versions.items() if current}
    content = [{"figure_id": pk, "version": frozen} for pk, frozen in shown.items()]
    noted = {item["figure_id"] for item in annotate(content, now) if "revision" in item}
    assert {pk for pk, _ in revised_figures(shown, now)} == noted
