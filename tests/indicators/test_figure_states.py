"""The figure workflow, pure: what each action does to a figure's status. No database."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.figure_states import (
    CORRECTING_WRITES,
    REASONED_WRITES,
    WRITES,
    Action,
    FigureRefused,
    FigureState,
    Refusal,
    Status,
    Transition,
    figure_transition,
)
from indicators.models import FigureStatus

statuses = st.sampled_from(list(Status))
states = st.builds(FigureState, status=statuses, is_revised=st.booleans())
writes = st.sampled_from(sorted(WRITES))
actions = st.sampled_from(list(Action))
reasons = st.sampled_from(["", "   ", "Typo in the count", " Recounted "])


def outcome(current: FigureState | None, action: Action, **options: Any) -> Transition | Refusal:
    """The transition, or the refusal it raised."""
    try:
        return figure_transition(current, action, **options)
    except FigureRefused as refused:
        return refused.refusal


def test_the_statuses_are_the_models() -> None:
    assert {status.value for status in Status} == set(FigureStatus.values)


@given(write=writes, requested=statuses)
def test_a_new_figure_takes_the_status_asked_for_and_is_not_revised(
    write: Action, requested: Status
) -> None:
    transition = figure_transition(None, write, requested=requested)
    assert transition == Transition(FigureState(requested, is_revised=False), writes=True)


@pytest.mark.parametrize("action", [Action.SUBMIT, Action.APPROVE, Action.RETURN])
def test_only_a_stored_figure_is_submitted_approved_or_returned(action: Action) -> None:
    with pytest.raises(ValueError, match="must exist"):
        figure_transition(None, action, comment="Check the count")


@given(current=states, write=writes, changed=st.booleans(), requested=statuses, reason=reasons)
def test_a_changed_approved_figure_is_never_left_approved_by_a_person(
    current: FigureState, write: Action, changed: bool, requested: Status, reason: str
) -> None:
    result = outcome(current, write, changed=changed, requested=requested, correction_reason=reason)
    if current.status == Status.APPROVED and changed and write in CORRECTING_WRITES:
        assert result in (
            Transition(FigureState(Status.SUBMITTED, is_revised=True), writes=True, reason=None),
            Transition(
                FigureState(Status.SUBMITTED, is_revised=True),
                writes=True,
                reason=f"Correction: {reason.strip()}",
            ),
            Refusal.CORRECTION_WITHOUT_REASON,
        )


@given(current=states, write=st.sampled_from(sorted(REASONED_WRITES)), requested=statuses)
def test_a_persons_correction_without_a_reason_is_refused(
    current: FigureState, write: Action, requested: Status
) -> None:
    for blank in ("", "  "):
        result = outcome(current, write, requested=requested, correction_reason=blank)
        if current.status == Status.APPROVED:
            assert result == Refusal.CORRECTION_WITHOUT_REASON
        else:
            assert result == Transition(FigureState(requested, current.is_revised), writes=True)


@given(write=st.sampled_from(sorted(REASONED_WRITES)), reason=st.text(min_size=1))
def test_a_persons_correction_with_a_reason_is_revised_and_awaits_approval(
    write: Action, reason: str
) -> None:
    result = outcome(FigureState(Status.APPROVED), write, correction_reason=reason)
    if reason.strip():
        assert result == Transition(
            FigureState(Status.SUBMITTED, is_revised=True),
            writes=True,
            reason=f"Correction: {reason.strip()}",
        )
    else:
        assert result == Refusal.CORRECTION_WITHOUT_REASON


def test_the_correction_refusal_names_the_figure_and_says_what_follows() -> None:
    with pytest.raises(FigureRefused) as refused:
        figure_transition(
            FigureState(Status.APPROVED), Action.EDIT, subject="Re-referrals for Q1 2024-25"
        )
    assert refused.value.message == (
        "Re-referrals for Q1 2024-25 is approved. To correct it, give a reason: the correction "
        "is then marked as revised and needs a fresh approval."
    )


@given(current=states, requested=statuses)
def test_the_spreadsheet_import_corrects_an_approved_figure_without_a_reason(
    current: FigureState, requested: Status
) -> None:
    transition = figure_transition(current, Action.SPREADSHEET_IMPORT, requested=requested)
    if current.status == Status.APPROVED:
        assert transition.state == FigureState(Status.SUBMITTED, is_revised=True)
    else:
        assert transition.state == FigureState(requested, current.is_revised)
    assert transition.writes
    assert transition.reason is None


@given(
    current=states,
    write=st.sampled_from([Action.FOLLOW, Action.IMPORT]),
    changed=st.booleans(),
    requested=statuses,
)
def test_a_figure_that_follows_its_source_is_written_as_the_source_says(
    current: FigureState, write: Action, changed: bool, requested: Status
) -> None:
    transition = figure_transition(current, write, changed=changed, requested=requested)
    assert transition.state == FigureState(requested, current.is_revised)
    assert transition.writes == (changed or current.status != requested)
    assert transition.reason is None


@given(current=states, write=writes, requested=statuses, reason=reasons)
def test_an_unchanged_write_never_changes_the_revised_mark_nor_asks_a_reason(
    current: FigureState, write: Action, requested: Status, reason: str
) -> None:
    transition = figure_transition(
        current, write, changed=False, requested=requested, correction_reason=reason
    )
    assert transition.is_revised == current.is_revised
    assert transition.reason is None
    if not transition.writes:
        assert transition.state == current


@given(
    current=states,
    write=st.sampled_from([Action.FORM_SAVE, Action.SPREADSHEET_IMPORT]),
    requested=statuses,
)
def test_saving_the_same_content_on_a_form_leaves_the_figure_where_it_is(
    current: FigureState, write: Action, requested: Status
) -> None:
    transition = figure_transition(current, write, changed=False, requested=requested)
    assert transition == Transition(current, writes=False)


@given(current=states, write=st.sampled_from([Action.EDIT, Action.FOLLOW, Action.IMPORT]))
def test_where_a_status_may_be_set_alone_the_same_content_and_status_writes_nothing(
    current: FigureState, write: Action
) -> None:
    same = figure_transition(current, write, changed=False, requested=current.status)
    assert same == Transition(current, writes=False)


@given(current=states, action=actions, changed=st.booleans(), reason=reasons)
def test_a_stale_change_is_refused_whatever_it_is(
    current: FigureState, action: Action, changed: bool, reason: str
) -> None:
    result = outcome(
        current,
        action,
        changed=changed,
        correction_reason=reason,
        comment="Check the count",
        stale=True,
    )
    assert result == Refusal.STALE


@given(current=states)
def test_submitting_sends_drafts_and_returned_figures_and_leaves_the_rest(
    current: FigureState,
) -> None:
    transition = figure_transition(current, Action.SUBMIT)
    if current.status in (Status.DRAFT, Status.RETURNED):
        assert transition == Transition(
            FigureState(Status.SUBMITTED, current.is_revised),
            writes=True,
            reason="Submitted for approval",
        )
    else:
        assert transition == Transition(current, writes=False)


@given(current=states)
def test_approving_a_submitted_figure_clears_the_review_comment_and_keeps_the_revised_mark(
    current: FigureState,
) -> None:
    result = outcome(current, Action.APPROVE)
    if current.status == Status.SUBMITTED:
        assert result == Transition(
            FigureState(Status.APPROVED, current.is_revised),
            writes=True,
            reason="Approved",
            review_comment="",
        )
    else:
        assert result == Refusal.NOT_SUBMITTED


@given(current=states, comment=st.text())
def test_returning_needs_a_comment_and_a_submitted_figure(
    current: FigureState, comment: str
) -> None:
    result = outcome(current, Action.RETURN, comment=comment)
    if not comment.strip():
        assert result == Refusal.RETURN_WITHOUT_COMMENT
    elif current.status != Status.SUBMITTED:
        assert result == Refusal.NOT_SUBMITTED
    else:
        assert result == Transition(
            FigureState(Status.RETURNED, current.is_revised),
            writes=True,
            reason=f"Returned: {comment.strip()}",
            review_comment=comment.strip(),
        )


def test_a_review_of_a_figure_that_is_not_submitted_says_where_it_stands() -> None:
    with pytest.raises(FigureRefused) as refused:
        figure_transition(
            FigureState(Status.DRAFT), Action.APPROVE, subject="Re-referrals for Q1 2024-25"
        )
    assert refused.value.message == (
        "Re-referrals for Q1 2024-25 is draft, not submitted: only submitted figures can be "
        "approved or returned."
    )


@given(current=states, action=actions, changed=st.booleans(), requested=statuses, reason=reasons)
def test_only_a_persons_correction_or_a_review_changes_the_revised_mark_or_reason(
    current: FigureState, action: Action, changed: bool, requested: Status, reason: str
) -> None:
    result = outcome(
        current,
        action,
        changed=changed,
        requested=requested,
        correction_reason=reason,
        comment="Check the count",
    )
    if isinstance(result, Refusal):
        return
    if result.is_revised != current.is_revised:
        assert action in CORRECTING_WRITES
        assert current.status == Status.APPROVED and changed
        assert result.state == FigureState(Status.SUBMITTED, is_revised=True)
    if result.review_comment is not None:
        assert action in (Action.APPROVE, Action.RETURN)
