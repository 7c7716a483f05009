"""The pure rules of committee questions (scrutiny.questions): which committee a typed name
means, the committee's last meeting, what a pack's matters arising lists, where it goes."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from scrutiny import questions
from scrutiny.questions import Item

MARCH, JUNE = date(2018, 3, 6), date(2018, 6, 19)


def test_spellings_of_one_committee_are_the_same_committee() -> None:
    assert questions.same_committee("Children's Select Committee", " children’s  select committee")
    assert not questions.same_committee("Children's Select Committee", "Cabinet")


@given(st.text(max_size=40))
def test_a_committee_key_is_stable_and_ignores_case_and_spacing(name: str) -> None:
    key = questions.committee_key(name)
    assert questions.committee_key(key) == key
    assert questions.committee_key(f"  {name.upper()}  ") == questions.committee_key(name.upper())


@given(st.lists(st.dates(), max_size=8), st.dates())
def test_the_previous_meeting_is_the_latest_before(meetings: list[date], before: date) -> None:
    found = questions.previous_meeting(meetings, before)
    earlier = [meeting for meeting in meetings if meeting < before]
    assert found == (max(earlier) if earlier else None)


def test_open_items_carry_forward_however_old() -> None:
    old = Item(meeting_date=date(2016, 1, 1), status="open", answered_on=None, closed_on=None)
    assert questions.is_matter_arising(old, meeting=JUNE, since=MARCH)


def test_answered_since_the_last_meeting_appears_once() -> None:
    answered = Item(MARCH, "answered", answered_on=date(2018, 4, 24), closed_on=None)
    assert questions.is_matter_arising(answered, meeting=JUNE, since=MARCH)
    # At the meeting after June, it was answered before the committee last met: not repeated.
    assert not questions.is_matter_arising(answered, meeting=date(2018, 9, 18), since=JUNE)


def test_old_closed_ones_do_not_appear_and_withdrawn_ones_appear_once() -> None:
    old = Item(date(2017, 11, 14), "closed", date(2017, 11, 28), closed_on=MARCH)
    assert not questions.is_matter_arising(old, meeting=JUNE, since=MARCH)
    withdrawn = Item(MARCH, "closed", answered_on=None, closed_on=date(2018, 4, 10))
    assert questions.is_matter_arising(withdrawn, meeting=JUNE, since=MARCH)


def test_nothing_asked_at_or_after_the_packs_meeting_is_a_matter_arising() -> None:
    same = Item(JUNE, "open", None, None)
    assert not questions.is_matter_arising(same, meeting=JUNE, since=MARCH)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["open", "answered", "closed"]),
    st.integers(min_value=0, max_value=800),
)
def test_an_item_is_listed_only_if_open_or_settled_since_the_last_meeting(
    asked: date, days_to_meeting: int, days_to_last: int, status: str, days_to_settle: int
) -> None:
    meeting = asked + timedelta(days=days_to_meeting)
    last = asked + timedelta(days=min(days_to_last, days_to_meeting - 1))
    settled = None if status == "open" else asked + timedelta(days=days_to_settle)
    item = Item(asked, status, answered_on=settled, closed_on=settled)
    listed = questions.is_matter_arising(item, meeting=meeting, since=last)
    assert listed == (status == "open" or (settled is not None and settled >= last))
    # Asked at the pack's own meeting or later: never.
    later = Item(meeting, status, answered_on=settled, closed_on=settled)
    assert not questions.is_matter_arising(later, meeting=meeting, since=last)


def test_overdue_is_open_past_its_due_date() -> None:
    assert questions.is_overdue(status="open", due=date(2018, 5, 31), on=JUNE)
    assert not questions.is_overdue(status="open", due=JUNE, on=JUNE)
    assert not questions.is_overdue(status="answered", due=date(2018, 5, 31), on=JUNE)
    assert not questions.is_overdue(status="open", due=None, on=JUNE)


def test_matters_arising_goes_after_the_opening_sections_and_before_the_evidence() -> None:
    annual = ["narrative", "narrative", "theme_page", "appendix", "glossary"]
    assert questions.matters_position(annual) == 2
    assert questions.matters_position(["scorecard", "theme_page"]) == 1
    assert questions.matters_position(["narrative"]) == 1
    assert questions.matters_position([]) == 0


def test_changes_name_only_what_changed_as_text() -> None:
    before = {"Due": date(2018, 4, 30), "Owner": "Head of Service", "Answer": ""}
    after = {"Due": date(2018, 5, 31), "Owner": "Head of Service", "Answer": "Done"}
    assert questions.changes_between(before, after) == [
        ["Due", "30 April 2018", "31 May 2018"],
        ["Answer", "", "Done"],
    ]
