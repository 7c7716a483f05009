"""Where a figure stands in the approval workflow, and what each way of changing it does to
that. Pure: no ORM. Every write path asks `figure_transition` (the entry form's period save,
`services.figure_set` for every other single figure, `services.figures_import`, the
spreadsheet import's plan in `returns.kinds.spreadsheet_figures`, submit, approve and return),
so the rules are stated once:

- A figure is a **draft** while it is being entered, **submitted** for approval, **approved**
  by a manager, or **returned** to the officers with a comment saying what to fix.
- **Submitting** sends drafts and returned figures for approval; submitted and approved
  figures stay where they are.
- Only a submitted figure can be **approved** (which clears the reviewer's comment) or
  **returned** (which needs a comment, kept on the figure).
- An approved figure is locked: a person's **correction** of it marks it **revised** and
  sends it back as submitted for a fresh approval. A form and the admin ask for the reason
  (the spreadsheet import's preview warns of each correction instead). A figure that follows
  its source (derived from its parts, loaded by a set-up command, published statistics) is
  written as its source says, with no reason asked.
- Saving the same content again changes nothing; where a status may be set on its own (the
  admin, `figures_import`, derived figures) a different status is still written.
- A change over a figure someone else has changed since it was read is refused (stale).

The statuses are the values of `models.FigureStatus`, repeated here so that this module reads
no model; `tests/indicators/test_figure_states.py` holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """A figure's place in the workflow: the values of `models.FigureStatus`."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Action(StrEnum):
    """What is being done to a figure."""

    # A person's save on a form (the entry form, or `figure_set` through the form channel):
    # saving the same content leaves the figure where it is, whatever status was asked for.
    FORM_SAVE = "form save"
    # A person's save that may set a status on its own (the admin; `figure_set` through the
    # import channel): the same content with another status writes that status.
    EDIT = "edit"
    # Derived figures and set-up commands: the figure is what its parts or reference data
    # say, so an approved one is rewritten without a reason and is not marked revised.
    FOLLOW = "follow"
    # `figures_import`: written with the status its source gives, as FOLLOW. The revised mark
    # is left as it is (an import does not write it).
    IMPORT = "import"
    # An authority's own figures imported from its spreadsheet, asking for them to be
    # submitted: as FORM_SAVE, but a changed approved figure needs no reason (the import's
    # preview warns of each such correction instead).
    SPREADSHEET_IMPORT = "spreadsheet import"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


WRITES = frozenset(
    {Action.FORM_SAVE, Action.EDIT, Action.FOLLOW, Action.IMPORT, Action.SPREADSHEET_IMPORT}
)
# Writes by people, whose change of an approved figure is a correction: marked revised and
# submitted for a fresh approval.
CORRECTING_WRITES = frozenset({Action.FORM_SAVE, Action.EDIT, Action.SPREADSHEET_IMPORT})
# ...and those that ask the person for the correction's reason.
REASONED_WRITES = frozenset({Action.FORM_SAVE, Action.EDIT})
# Writes that leave a figure whose content is unchanged as it is, whatever status they ask for.
CONTENT_WRITES = frozenset({Action.FORM_SAVE, Action.SPREADSHEET_IMPORT})


class Refusal(StrEnum):
    """Why a change is refused."""

    STALE = "stale"  # someone else changed the figure since it was read
    CORRECTION_WITHOUT_REASON = "correction without reason"
    NOT_SUBMITTED = "not submitted"  # only a submitted figure is approved or returned
    RETURN_WITHOUT_COMMENT = "return without comment"


class FigureRefused(Exception):
    """The change is refused: nothing may be written. `message` is the sentence shown to the
    person (for STALE, the caller shows the newer figure instead)."""

    def __init__(self, refusal: Refusal, message: str) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.message = message


@dataclass(frozen=True)
class FigureState:
    """Where a stored figure stands."""

    status: str
    is_revised: bool = False


@dataclass(frozen=True)
class Transition:
    """What a change does to a figure. Nothing is written when `writes` is False (no version,
    no audit row). `reason` is the audit-trail reason the change itself gives (a correction,
    a submission, an approval, a return), None where the caller's own reason stands.
    `review_comment` is what the figure's review comment becomes, None to leave it."""

    state: FigureState
    writes: bool
    reason: str | None = None
    review_comment: str | None = None

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def is_revised(self) -> bool:
        return self.state.is_revised


def figure_transition(
    current: FigureState | None,
    action: Action,
    *,
    changed: bool = True,
    requested: str = Status.DRAFT,
    correction_reason: str = "",
    comment: str = "",
    stale: bool = False,
    subject: str = "The figure",
) -> Transition:
    """What `action` does to a figure in state `current` (None: there is no figure yet).

    - `changed`: for a write, whether the content (value, counts, suppression, flags,
      commentary, source) differs from the stored figure's. Ignored by the other actions.
    - `requested`: the status a write asks for (the entry form asks for a draft).
    - `correction_reason`: given with a person's change of an approved figure.
    - `comment`: a return's comment, saying what to fix.
    - `stale`: the figure has moved on from the version the caller read.
    - `subject`: how refusals name the figure ("Children in need for Q1 2024-25").

    Raises FigureRefused, in this order: a return without a comment; a stale figure; a review
    of a figure that is not submitted; a person's change of an approved figure without a
    reason. The callers map the refusal to their own kind of error.
    """
    if action == Action.RETURN and not comment.strip():
        raise FigureRefused(
            Refusal.RETURN_WITHOUT_COMMENT,
            "Say why the figure is being returned, so the officer can fix it.",
        )
    if current is None:
        if action not in WRITES:
            raise ValueError(f"A figure must exist to {action}.")
        return Transition(FigureState(requested), writes=True)
    if stale:
        raise FigureRefused(Refusal.STALE, f"{subject} was changed by someone else.")
    if action in WRITES:
        return _write(current, action, changed, requested, correction_reason, subject)
    if action == Action.SUBMIT:
        if current.status in (Status.DRAFT, Status.RETURNED):
            return Transition(
                FigureState(Status.SUBMITTED, current.is_revised),
                writes=True,
                reason="Submitted for approval",
            )
        return Transition(current, writes=False)
    if current.status != Status.SUBMITTED:
        raise FigureRefused(
            Refusal.NOT_SUBMITTED,
            f"{subject} is {current.status}, not submitted: only submitted figures can be "
            "approved or returned.",
        )
    if action == Action.APPROVE:
        return Transition(
            FigureState(Status.APPROVED, current.is_revised),
            writes=True,
            reason="Approved",
            review_comment="",
        )
    return Transition(
        FigureState(Status.RETURNED, current.is_revised),
        writes=True,
        reason=f"Returned: {comment.strip()}",
        review_comment=comment.strip(),
    )


def _write(
    current: FigureState,
    action: Action,
    changed: bool,
    requested: str,
    correction_reason: str,
    subject: str,
) -> Transition:
    """A write over a stored figure: see `figure_transition`."""
    if not changed:
        if action in CONTENT_WRITES or current.status == requested:
            return Transition(current, writes=False)
        return Transition(FigureState(requested, current.is_revised), writes=True)
    if current.status != Status.APPROVED or action not in CORRECTING_WRITES:
        return Transition(FigureState(requested, current.is_revised), writes=True)
    if action not in REASONED_WRITES:
        return Transition(FigureState(Status.SUBMITTED, is_revised=True), writes=True)
    if not correction_reason.strip():
        raise FigureRefused(
            Refusal.CORRECTION_WITHOUT_REASON,
            f"{subject} is approved. To correct it, give a reason: the correction is then "
            "marked as revised and needs a fresh approval.",
        )
    return Transition(
        FigureState(Status.SUBMITTED, is_revised=True),
        writes=True,
        reason=f"Correction: {correction_reason.strip()}",
    )
